"""Stray capitals from Apertium's chunk names, removed between its interchunk and postchunk steps.

Apertium's postchunk writes the case of a chunk's name onto the chunk's first word ("Vfin" capitalises it, "VFIN"
writes it in capitals). A transfer rule names its chunk in the case of the sentence's first word, kept in a variable
from rule to rule; a rule that does not set it, or an unknown word no rule sees opening the sentence, leaves the
variable as an earlier rule (or article) left it, and a capital lands mid-sentence: Swedish "Polisen har gripit"
comes out of swe-isl as "Lögreglan HEFUR Gripið" and of isl-eng as "Police HAS Grabbed"; spa-eng writes "Trump Has
affirmed" after the unknown "Trump". A word's own capital ("Anna", "London", "Í gær") is in its lemma, which the chunk
carries as the source writes it, so a capital in a chunk's name means something only on a sentence's first word:
there it is kept (as one capital: "VFIN" is "Vfin"), everywhere else it is dropped.

Runs as a filter in a pair's null-flush pipeline (``python chunk_case.py``): NUL-terminated records in, the same out.
"""

from __future__ import annotations

import re
import sys

__all__ = ["drop_stray_chunk_capitals"]

_SUPERBLANK = r"\[(?:\\.|[^\]\\])*\]"
# At the top level of the stream: an escape, a superblank, a chunk ("^name<tags>{body}$"), any other character.
_TOKEN = re.compile(rf"\\.|({_SUPERBLANK})|\^([^<>{{}}\\^$\[\]/]*)((?:<[^<>]*>)*)\{{((?:\\.|{_SUPERBLANK}|[^\\\[}}])*)\}}\$|.",
                    re.DOTALL)
# A lexical unit whose lemma holds a letter: a word, not punctuation.
_WORD_UNIT = re.compile(r"\^(?:\\.|[^<$\\])*?[^\W\d_]")


def drop_stray_chunk_capitals(stream: str) -> str:
    """``stream`` (Apertium's chunk stream, interchunk's output) with every chunk name in lower case but that of the
    first chunk holding a word after the stream's start, a sentence's end or a line break, which keeps one capital
    where it has any."""
    out: list[str] = []
    opening = True  # the next chunk holding a word opens a sentence
    for match in _TOKEN.finditer(stream):
        superblank, name, tags, body = match.groups()
        if name is None:
            opening = opening or (superblank is not None and "\n" in superblank)
            out.append(match.group(0))
            continue
        if _WORD_UNIT.search(body):
            name = name[:1].upper() + name[1:].lower() if opening and name != name.lower() else name.lower()
            opening = False
        opening = opening or "<sent>" in body
        out.append(f"^{name}{tags}{{{body}}}$")
    return "".join(out)


def main() -> None:
    """Filter stdin to stdout, one NUL-terminated record at a time, each flushed as it is done."""
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    record = bytearray()
    while chunk := stdin.read1(65536):
        record += chunk
        *done, rest = record.split(b"\0")
        for text in done:
            stdout.write(drop_stray_chunk_capitals(text.decode("utf-8", "surrogateescape")).encode("utf-8", "surrogateescape") + b"\0")
        if done:
            stdout.flush()
        record = bytearray(rest)
    if record:
        stdout.write(drop_stray_chunk_capitals(record.decode("utf-8", "surrogateescape")).encode("utf-8", "surrogateescape"))
        stdout.flush()


if __name__ == "__main__":
    main()
