"""Build services/normalize/data/english_case.txt.gz: how English writes its words, from SCOWL.

The repairs restore a lower-cased proper name ("london" -> "London") when English writes the word only
capitalised, and leave alone a word English also writes in lower case ("china", "may", "bill", "turkey").
SCOWL (Spell Checker Oriented Word Lists, Kevin Atkinson; Debian's wamerican and wbritish) lists each word
as it is written: "London" but no "london", both "May" and "may". This keeps the alphabetic entries of the
American and British lists (possessives dropped), one a line, sorted, gzip-compressed without a timestamp.

Run (Debian): apt-get install wamerican wbritish && python scripts/build_english_case.py \
    /usr/share/dict/american-english /usr/share/dict/british-english
"""

from __future__ import annotations

import argparse
import gzip
import re
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "services" / "normalize" / "data" / "english_case.txt.gz"
HEADER = """\
# How English writes its words: the alphabetic entries of SCOWL's American and British word lists
# (Debian wamerican and wbritish 2020.12.07), as written. Built by scripts/build_english_case.py.
# SCOWL is Copyright 2000-2011 by Kevin Atkinson. Permission to use, copy, modify, distribute and sell
# these word lists, the associated scripts, the output created from the scripts, and its documentation
# for any purpose is hereby granted without fee, provided that the above copyright notice appears in all
# copies and that both that copyright notice and this permission notice appear in supporting
# documentation. Kevin Atkinson makes no representations about the suitability of this array for any
# purpose. It is provided "as is" without express or implied warranty.
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("lists", nargs="+", type=Path, help="SCOWL word lists, one word a line")
    args = parser.parse_args()
    words: set[str] = set()
    for path in args.lists:
        words.update(w for w in path.read_text(encoding="utf-8").split() if re.fullmatch(r"[^\W\d_]+", w))
    text = HEADER + "\n".join(sorted(words)) + "\n"
    OUT.write_bytes(gzip.compress(text.encode("utf-8"), mtime=0))
    print(f"{OUT}: {len(words)} words")


if __name__ == "__main__":
    main()
