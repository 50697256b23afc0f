"""Build services/tagger/data/doubled_l.txt: the words British English writes with a doubled l and American English
with one ("travelled" and "traveled", "cancelling" and "canceling", "counsellor" and "counselor", "marvellous" and
"marvelous"), from SCOWL's British and American word lists.

British English doubles a final l after a single vowel before -ed, -ing, -er, -or, -ous whether or not the syllable
is stressed; American English only where it is ("controlled", "propelled" in both; "traveled" in American only). Which
stem is stressed is no rule to guess: SCOWL's lists say it word by word. A pair is kept where the British list has the
doubled word and not the other, and the American list has the one with a single l: so "filled" and "filed" (both
British words), and "controlled" ("controled" in neither), are no pair. The one word the rule finds the other way round
("skillfully", American only, and "skilfully", British only) is kept too: it is one word's two spellings.

Run (Debian): apt-get install wamerican wbritish && python scripts/build_doubled_l.py \
    /usr/share/dict/british-english /usr/share/dict/american-english
"""

from __future__ import annotations

import argparse
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "services" / "tagger" / "data" / "doubled_l.txt"
HEADER = """\
# Words SCOWL's British list writes with "ll" and its American list with one "l" (or, one word, the other way round):
# the British spelling, then the American, one pair a line. From Debian's wbritish and wamerican 2020.12.07; built by
# scripts/build_doubled_l.py. SCOWL is Copyright 2000-2011 by Kevin Atkinson. Permission to use, copy, modify,
# distribute and sell these word lists, the associated scripts, the output created from the scripts, and its
# documentation for any purpose is hereby granted without fee, provided that the above copyright notice appears in all
# copies and that both that copyright notice and this permission notice appear in supporting documentation. Kevin
# Atkinson makes no representations about the suitability of this array for any purpose. It is provided "as is"
# without express or implied warranty.
"""


def pairs(british: set[str], american: set[str]) -> list[tuple[str, str]]:
    """(British spelling, American spelling) of every lower-case word one list writes with an "ll" and the other only
    with a single "l" there."""
    out = set()
    for word in british | american:
        if not (word.isalpha() and word.islower()):
            continue
        for at in (i for i in range(len(word) - 1) if word[i:i + 2] == "ll"):
            one = word[:at] + word[at + 1:]
            if word in british and one in american and one not in british:
                out.add((word, one))
            elif word in american and word not in british and one in british and one not in american:
                out.add((one, word))
    return sorted(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("british", type=Path, help="SCOWL's British word list, one word a line")
    parser.add_argument("american", type=Path, help="SCOWL's American word list, one word a line")
    args = parser.parse_args()
    found = pairs(*(set(path.read_text(encoding="utf-8").split()) for path in (args.british, args.american)))
    OUT.write_text(HEADER + "".join(f"{b} {a}\n" for b, a in found), encoding="utf-8")
    print(f"{OUT}: {len(found)} pairs")


if __name__ == "__main__":
    main()
