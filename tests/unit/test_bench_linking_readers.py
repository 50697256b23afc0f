"""The linking bench reads articles as the tagger gets them: after the normalizer's cleanup."""

from __future__ import annotations

import sys
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from bench.bench_linking import english_records  # noqa: E402


def test_mojibake_is_repaired_before_the_tagger_reads_the_article(tmp_path: Path) -> None:
    broken = "Russia’s Foreign Ministry said".encode("utf-8").decode("cp1252", errors="replace")
    path = tmp_path / "articles.jsonl"
    path.write_bytes(orjson.dumps({"title": "Kremlin  reacts", "body": broken}) + b"\n"
                     + orjson.dumps({"title": "Otro", "body": "texto", "language": "es"}) + b"\n")
    assert english_records(path, None) == [("Kremlin reacts", "Russia’s Foreign Ministry said")]
