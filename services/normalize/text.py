"""Small text helpers the repairs share: spans no repair may touch (URLs, e-mail addresses, domains, handles) and applying edits."""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Sequence
from difflib import SequenceMatcher

from services.normalize.changes import Edit
from services.runtime.sentences import mid_sentence  # the tagger reads sentences the same way; the repairs import it from here

__all__ = ["TLDS", "FILE_EXTENSIONS", "DEMONYM_ENDINGS", "title_case", "protected_spans", "merge_spans", "overlaps", "apply_edits", "latin_letters", "mid_sentence", "carry_spans", "shift_spans"]

# A proper adjective is no name the next word belongs to: "Russian provocateurs", "Israeli airstrikes".
DEMONYM_ENDINGS = ("an", "ese", "ish", "ic", "i")


def title_case(word: str) -> bool:
    """A capital and then lower case only: "Paolo", not "PAOLO", "McCarthy" or "a"."""
    return len(word) >= 2 and word[0].isupper() and word[1:].islower()


def latin_letters(text: str) -> bool:
    """Every letter of ``text`` is Latin ("Kavanaugh", "Sánchez"), none Cyrillic, Greek, Arabic..."""
    return all(not c.isalpha() or c.isascii() or "LATIN" in unicodedata.name(c, "") for c in text)


# Top-level domains that are not also English words ("in", "it", "to", "me", "us" are left out on purpose:
# "July.in" is a missing space, not a domain in India).
TLDS = frozenset(
    "com net org gov edu mil int info biz io ai co uk ru ua cn de fr es eu jp kr br ca au nl pl se ch tv fm ly gg "
    "app dev news online site tech ie nz za il tr gr pt cz sk hu ro bg rs hr si lt lv ee fi dk kz ge mx ar cl "
    "pe ve hk tw sg th vn ph id pk ir iq sa ae qa eg ng ke".split()
)
FILE_EXTENSIONS = frozenset("pdf doc docx xls xlsx ppt pptx csv jpg jpeg png gif svg html htm txt zip mp3 mp4 exe json xml py js ts php asp aspx".split())

_PROTECTED = re.compile(
    r"(?:https?|ftp)://\S+"  # URLs
    r"|mailto:\S+"
    r"|www\.\S+"
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"  # e-mail addresses
    r"|(?<!\w)[@#]\w+"  # handles and hashtags
    r"|(?<![\w.])(?:[\w-]+\.)+(?P<last>[A-Za-z]{2,})(?![\w])",  # domain names and file names, checked below
    re.IGNORECASE,
)


def protected_spans(text: str) -> list[tuple[int, int]]:
    """Spans of URLs, e-mail addresses, handles, hashtags, domain names and file names in ``text``, in order."""
    spans: list[tuple[int, int]] = []
    for m in _PROTECTED.finditer(text):
        last = m.group("last")
        if last is not None:
            last = last.lower()
            if last not in TLDS and last not in FILE_EXTENSIONS:
                continue
        end = m.end()
        # A sentence full stop after a URL is not part of it.
        while end > m.start() and text[end - 1] in ".,;:!?)”’\"'":
            end -= 1
        spans.append((m.start(), end))
    return merge_spans(spans)


def merge_spans(spans: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """``spans`` sorted, with overlapping ones merged: what ``overlaps`` expects."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def overlaps(span: tuple[int, int], spans: Sequence[tuple[int, int]]) -> bool:
    """Whether ``span`` overlaps any of ``spans`` (as ``merge_spans`` returns them)."""
    start, end = span
    i = bisect_right(spans, (start, float("inf"))) - 1
    return any(0 <= j < len(spans) and spans[j][0] < end and start < spans[j][1] for j in (i, i + 1))


def apply_edits(text: str, edits: Sequence[Edit]) -> str:
    """``text`` with each edit applied; edits are in order and do not overlap."""
    pieces: list[str] = []
    last = 0
    for e in edits:
        pieces.append(text[last : e.start])
        pieces.append(e.after)
        last = e.end
    pieces.append(text[last:])
    return "".join(pieces)


def shift_spans(spans: Sequence[tuple[int, int]], edits: Sequence[Edit]) -> list[tuple[int, int]]:
    """``spans`` of a text moved to where they stand once ``edits`` (in order, none overlapping a span) are applied."""
    out = []
    for start, end in spans:
        delta = sum(len(e.after) - (e.end - e.start) for e in edits if e.end <= start)
        out.append((start + delta, end + delta))
    return out


_TOKEN = re.compile(r"\w+|[^\w\s]")


def carry_spans(before: str, after: str, spans: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """``spans`` of ``before`` found again in ``after`` (the same text after edits that do not say where they
    were: clean-ups, stripped boilerplate), by aligning the two texts' words; a span whose words were edited or
    removed is dropped."""
    if not spans or before == after:
        return list(spans)
    old = list(_TOKEN.finditer(before))
    new = list(_TOKEN.finditer(after))
    moved: dict[int, int] = {}  # offset of a token in ``before`` -> offset in ``after``, for tokens left alone
    matcher = SequenceMatcher(None, [m.group(0) for m in old], [m.group(0) for m in new], autojunk=False)
    for a, b, size in matcher.get_matching_blocks():
        for k in range(size):
            moved[old[a + k].start()] = new[b + k].start()
    out = []
    for start, end in spans:
        if start in moved and after[moved[start] : moved[start] + end - start] == before[start:end]:
            out.append((moved[start], moved[start] + end - start))
    return out
