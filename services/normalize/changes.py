"""Build the audit trail: apply a regex rule to a field and record each edit as a Change.

A rule records one Change per occurrence while there are few (spans point into the
text as it was just before the rule ran); past a limit it records a single Change
with ``span=None`` and the count in ``reason``, so a pathological input cannot
produce a huge message.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from schemas import Change

__all__ = ["EXCERPT_CHARS", "Edit", "Rule", "excerpt", "record", "apply_rule"]

EXCERPT_CHARS = 200

Field = str  # "title" | "body", checked by the Change model


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    """At most ``limit`` characters of ``text``, with an ellipsis when cut."""
    if len(text) <= limit:
        return text
    return text[: limit - 1] + "…"


@dataclass(frozen=True, slots=True)
class Edit:
    """One replacement of ``text[start:end]`` (``before``) by ``after``."""

    start: int
    end: int
    before: str
    after: str


def record(edits: list[Edit], *, kind: str, rule: str, field: Field, reason: str, max_changes: int) -> list[Change]:
    """Changes for ``edits`` made by one rule: one per edit while few, else one summary without a span."""
    if not edits:
        return []
    if len(edits) <= max_changes:
        return [
            Change(kind=kind, rule=rule, field=field, span=(e.start, e.end), before=excerpt(e.before), after=excerpt(e.after), reason=reason)  # type: ignore[arg-type]
            for e in edits
        ]
    first = edits[0]
    return [
        Change(
            kind=kind,
            rule=rule,
            field=field,  # type: ignore[arg-type]
            span=None,
            before=excerpt(first.before),
            after=excerpt(first.after),
            reason=f"{reason} ({len(edits)} occurrences; before/after show the first)",
        )
    ]


@dataclass(frozen=True, slots=True)
class Rule:
    """A regex edit: every match of ``pattern`` becomes ``replacement`` (a string or a function of the match)."""

    kind: str
    name: str
    pattern: re.Pattern[str]
    replacement: str | Callable[[re.Match[str]], str]
    reason: str

    def replace(self, match: re.Match[str]) -> str:
        if callable(self.replacement):
            return self.replacement(match)
        return match.expand(self.replacement)


def apply_rule(text: str, rule: Rule, field: Field, *, max_changes: int) -> tuple[str, list[Change]]:
    """Apply ``rule`` to ``text``; return the new text and the Changes it made (none when nothing changed)."""
    edits: list[Edit] = []
    pieces: list[str] = []
    last = 0
    for match in rule.pattern.finditer(text):
        before = match.group(0)
        after = rule.replace(match)
        if after == before:
            continue
        pieces.append(text[last : match.start()])
        pieces.append(after)
        last = match.end()
        edits.append(Edit(match.start(), match.end(), before, after))
    if not edits:
        return text, []
    pieces.append(text[last:])
    changes = record(edits, kind=rule.kind, rule=rule.name, field=field, reason=rule.reason, max_changes=max_changes)
    return "".join(pieces), changes
