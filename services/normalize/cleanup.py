"""Unicode and whitespace cleanup of a title or body, each edit recorded as a Change.

Rules run in order; a Change's span points into the field's text as it was just
before its rule ran. Clean text passes through untouched, with no Changes.
"""

from __future__ import annotations

import re
import unicodedata

import ftfy

from schemas import Change
from services.normalize.changes import Edit, Rule, apply_rule, record

__all__ = ["BODY_RULES", "TITLE_RULES", "clean_text", "clean_title", "clean_body"]

DEFAULT_MAX_CHANGES = 20


def _rule(kind: str, name: str, pattern: str, replacement: str, reason: str) -> Rule:
    return Rule(kind=kind, name=name, pattern=re.compile(pattern), replacement=replacement, reason=reason)


_LINE_ENDINGS = Rule(
    kind="whitespace",
    name="whitespace:line-endings",
    pattern=re.compile("\r\n?|[\x0b\x0c\x85\u2028\u2029]"),
    # A paragraph separator is a paragraph break; every other one is a line break.
    replacement=lambda m: "\n\n" if m.group(0) == "\u2029" else "\n",
    reason="line ending or line separator normalized to \\n",
)
# UTF-8 read as Windows-1252 or Latin-1 ("itâ\x80\x99s", "cafÃ©"): a lead byte's character followed by as many
# continuation bytes' characters as it announces. Real feeds and pages carry it (a quarter of a real news set here);
# it must be mended before the control-character rule, which would delete the C1 bytes that make it reversible.
_CONT = "[\u0080-\u00bf\u20ac\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u017d\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u017e\u0178]"
_MOJIBAKE = Rule(
    kind="unicode",
    name="unicode:mojibake",
    pattern=re.compile(f"(?:[\u00c2-\u00df]{_CONT}|[\u00e0-\u00ef]{_CONT}{{2}}|[\u00f0-\u00f4]{_CONT}{{3}})+"),
    replacement=lambda m: ftfy.fix_encoding(m.group(0)),
    reason="UTF-8 text that had been decoded as Windows-1252 or Latin-1, decoded again (ftfy)",
)
# Tab and newline stay: the whitespace rules below deal with them.
_CONTROL = _rule("unicode", "unicode:control-chars", "[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f]", "", "control character removed")
# ZWJ and ZWNJ (U+200C/D) are kept: Persian, Indic scripts and emoji need them.
_ZERO_WIDTH = _rule("unicode", "unicode:zero-width", "[\u200b\u2060\ufeff\u00ad\u180e]", "", "zero-width or soft-hyphen character removed")
_BIDI = _rule("unicode", "unicode:bidi-controls", "[\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]", "", "bidirectional formatting character removed")
_NBSP = _rule("whitespace", "whitespace:non-breaking-space", "[\u00a0\u202f\u2007]", " ", "non-breaking space replaced by a space")
_UNICODE_SPACE = _rule("whitespace", "whitespace:unicode-space", "[\u1680\u2000-\u2006\u2008-\u200a\u205f\u3000]", " ", "typographic space replaced by a space")
_TAB = _rule("whitespace", "whitespace:tab", "\t", " ", "tab replaced by a space")
_TITLE_LINES = _rule("whitespace", "whitespace:title-line-breaks", " *\n[ \n]*", " ", "line break in a title replaced by a space")
_TRIM_LINES = _rule("whitespace", "whitespace:trim-lines", "(?m)^ +| +$", "", "spaces at the start or end of a line removed")
_COLLAPSE = _rule("whitespace", "whitespace:collapse-spaces", " {2,}", " ", "run of spaces collapsed to one")
_BLANK_LINES = _rule("whitespace", "whitespace:blank-lines", "\n{3,}", "\n\n", "more than one blank line between paragraphs collapsed to one")
_TRIM = _rule("whitespace", "whitespace:trim", r"\A\n+|\n+\Z", "", "blank lines at the start or end removed")

# None marks where Unicode NFC runs: it is not a regex rule.
_NFC = None

BODY_RULES: tuple[Rule | None, ...] = (
    _MOJIBAKE, _LINE_ENDINGS, _CONTROL, _ZERO_WIDTH, _BIDI, _NFC, _NBSP, _UNICODE_SPACE, _TAB,
    _TRIM_LINES, _COLLAPSE, _TRIM, _BLANK_LINES,
)  # fmt: skip
TITLE_RULES: tuple[Rule | None, ...] = (
    _MOJIBAKE, _LINE_ENDINGS, _CONTROL, _ZERO_WIDTH, _BIDI, _NFC, _NBSP, _UNICODE_SPACE, _TAB,
    _TITLE_LINES, _TRIM_LINES, _COLLAPSE,
)  # fmt: skip

_NFC_REASON = "Unicode normalized to NFC (composed characters)"


def _nfc(text: str, field: str, max_changes: int) -> tuple[str, list[Change]]:
    if unicodedata.is_normalized("NFC", text):
        return text, []
    # Normalize cluster by cluster (a starter and the combining marks after it) so
    # each edit has a span; whatever that misses is caught by a whole-field pass.
    edits: list[Edit] = []
    pieces: list[str] = []
    i, n = 0, len(text)
    while i < n:
        j = i + 1
        while j < n and unicodedata.combining(text[j]):
            j += 1
        cluster = text[i:j]
        normalized = unicodedata.normalize("NFC", cluster)
        if normalized != cluster:
            edits.append(Edit(i, j, cluster, normalized))
        pieces.append(normalized)
        i = j
    result = "".join(pieces)
    changes = record(edits, kind="unicode", rule="unicode:nfc", field=field, reason=_NFC_REASON, max_changes=max_changes)
    if not unicodedata.is_normalized("NFC", result):
        whole = unicodedata.normalize("NFC", result)
        changes.append(Change(kind="unicode", rule="unicode:nfc", field=field, span=None, before="", after="", reason=_NFC_REASON + " across characters"))  # type: ignore[arg-type]
        result = whole
    return result, changes


def clean_text(text: str, field: str, rules: tuple[Rule | None, ...], *, max_changes: int = DEFAULT_MAX_CHANGES) -> tuple[str, list[Change]]:
    """Run ``rules`` over ``text`` in order; return the clean text and every Change made."""
    changes: list[Change] = []
    for rule in rules:
        if rule is None:
            text, made = _nfc(text, field, max_changes)
        else:
            text, made = apply_rule(text, rule, field, max_changes=max_changes)
        changes.extend(made)
    return text, changes


def clean_title(text: str, *, max_changes: int = DEFAULT_MAX_CHANGES) -> tuple[str, list[Change]]:
    """A title comes out on one line, without stray spaces or invisible characters."""
    return clean_text(text, "title", TITLE_RULES, max_changes=max_changes)


def clean_body(text: str, *, max_changes: int = DEFAULT_MAX_CHANGES) -> tuple[str, list[Change]]:
    """A body comes out as trimmed lines, paragraphs separated by exactly one blank line."""
    return clean_text(text, "body", BODY_RULES, max_changes=max_changes)
