"""scripts/build_doubled_l.py pairs a British doubled l with the American single one only where SCOWL's British list
lacks the single-l word and its American list has it; the bundled table is what the script makes of Debian's lists."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
import build_doubled_l  # noqa: E402

BRITISH = {"travelled", "traveller", "filled", "filed", "controlled", "skilfully", "London", "dialled"}
AMERICAN = {"travelled", "traveled", "traveler", "filled", "filed", "controlled", "skillfully", "dialed", "dialled"}


def test_a_pair_is_a_doubled_l_only_the_british_list_writes_and_a_single_one_only_the_american_does() -> None:
    assert build_doubled_l.pairs(BRITISH, AMERICAN) == [
        ("dialled", "dialed"), ("skilfully", "skillfully"), ("travelled", "traveled"), ("traveller", "traveler")]


@pytest.mark.skipif(not Path("/usr/share/dict/british-english").exists(), reason="Debian's wbritish and wamerican")
def test_the_bundled_table_is_what_the_script_makes_of_debians_lists() -> None:
    lists = (Path("/usr/share/dict/british-english"), Path("/usr/share/dict/american-english"))
    made = build_doubled_l.pairs(*(set(path.read_text(encoding="utf-8").split()) for path in lists))
    lines = build_doubled_l.OUT.read_text(encoding="utf-8").splitlines()
    assert made == [tuple(line.split()) for line in lines if not line.startswith("#")]
