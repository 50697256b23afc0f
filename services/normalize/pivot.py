"""Clean-ups for text translated through pivot languages (X→Spanish→English with Apertium, or
Danish→Swedish→Icelandic→English).

French guillemets with their inner spaces (``« text »``), which Spanish keeps, are not
English quotation marks. (Apertium's unknown-word marks never reach a pivot hop: every hop
but the last runs without them, see ``apertium.py``.) Each clean-up is recorded as a Change
(kind "repair", rule "pivot:...").
"""

from __future__ import annotations

import re

from schemas import Change
from services.normalize.changes import Rule, apply_rule

__all__ = ["PIVOT_RULES", "clean_pivot_output"]

_RULES = (
    Rule("repair", "pivot:guillemets", re.compile(r"«\s*([^«»\n]*?)\s*»"), r"“\1”", "guillemets carried through the pivot language written as English quotation marks"),
)
PIVOT_RULES = tuple(rule.name for rule in _RULES)


def clean_pivot_output(text: str, field: str, *, max_changes: int = 20) -> tuple[str, list[Change]]:
    """``text`` (a translation through a pivot language) with the pivot's scars removed, and the Changes made."""
    changes: list[Change] = []
    for rule in _RULES:
        text, made = apply_rule(text, rule, field, max_changes=max_changes)
        changes.extend(made)
    return text, changes
