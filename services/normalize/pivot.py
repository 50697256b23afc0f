"""Clean-ups for text translated through pivot languages (X→Spanish→English with Apertium, or
Danish→Swedish→Icelandic→English).

Two hops leave scars one hop does not: a mark Apertium puts on a word it could not
analyse or generate (``*word``, ``#word``, ``@word``) in the first hop's output is read by
the second hop as part of the word and reaches the English; and French guillemets with
their inner spaces (``« text »``), which Spanish keeps, are not English quotation marks.
Each clean-up is recorded as a Change (kind "repair", rule "pivot:...").
"""

from __future__ import annotations

import re

from schemas import Change
from services.normalize.changes import Rule, apply_rule

__all__ = ["PIVOT_RULES", "clean_pivot_output"]

_MARK = re.compile(r"(?<![\w*#@/\\])[*#@](?=[^\W\d_])")


def _rules(original: str) -> list[Rule]:
    rules = []
    # A mark is a scar only where the source text does not itself write marks before words (hashtags, handles).
    if not _MARK.search(original):
        rules.append(Rule("repair", "pivot:unknown-word-mark", _MARK, "", "Apertium's unknown-word mark carried through the pivot language removed"))
    rules.append(
        Rule("repair", "pivot:guillemets", re.compile(r"«\s*([^«»\n]*?)\s*»"), r"“\1”", "guillemets carried through the pivot language written as English quotation marks")
    )
    return rules


PIVOT_RULES = ("pivot:unknown-word-mark", "pivot:guillemets")


def clean_pivot_output(text: str, original: str, field: str, *, max_changes: int = 20) -> tuple[str, list[Change]]:
    """``text`` (a pivot translation of ``original``) with the pivot's scars removed, and the Changes made."""
    changes: list[Change] = []
    for rule in _rules(original):
        text, made = apply_rule(text, rule, field, max_changes=max_changes)
        changes.extend(made)
    return text, changes
