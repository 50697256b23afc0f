"""An organisation named again by the last word of its name: "the Council" after "the UN Security Council", "the
Brotherhood" after "the Muslim Brotherhood", as a person is named again by a surname."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from services.tagger.gazetteer import fold

__all__ = ["Named", "longer_names_meant", "name_by_longer_names"]

C = TypeVar("C", bound=Any)  # linking's candidate (mentions.Candidate): a dataclass with field, start, end, type, entry, canonical_name
# A name of capitalised words and the small words names hold: not NER's runs across a list ("Facebook, Google"), a
# bracket ("National League for Democracy ( NLD") or a scorecard ("Healy b Fleming").
_NAME = re.compile(r"[A-Z][\w.'’&-]*(?:[ \t]+(?:(?:of|for|and|the|de)[ \t]+)*[A-Z][\w.'’&-]*)+")


@dataclass(frozen=True, slots=True)
class Named:
    """One organisation mention of an article: its surface text and the key it links under (QID or name)."""

    text: str
    key: str | None
    linked: bool


def longer_names_meant(names: Sequence[Named]) -> Mapping[int, int]:
    """For each one-word, unlinked, capitalised name that is the last word of the longer names of exactly one
    organisation of the article, the index of one mention of that organisation (a linked one first).

    "Council" where the article names only the "Security Council" is that council; where it names the Security
    Council and the National Security Council, it is left alone.
    """
    longer: dict[str, dict[str, int]] = {}
    for i, n in enumerate(names):
        words = n.text.split()
        if len(words) >= 2 and n.key is not None and _NAME.fullmatch(n.text):
            keys = longer.setdefault(fold(words[-1]), {})
            if n.key not in keys or (n.linked and not names[keys[n.key]].linked):
                keys[n.key] = i
    meant = {}
    for i, n in enumerate(names):
        if n.linked or len(n.text.split()) != 1 or not n.text[:1].isupper():
            continue
        keys = longer.get(fold(n.text), {})
        if len(keys) == 1:
            meant[i] = next(iter(keys.values()))
    return meant


def name_by_longer_names(texts: Mapping[str, str], candidates: list[C], key: Callable[[C, str], str | None]) -> list[C]:
    """The candidates, each organisation named by a last word taking the entity (or the name) of the longer name."""
    orgs = [i for i, c in enumerate(candidates) if c.type == "ORG"]
    surfaces = [texts[candidates[i].field][candidates[i].start : candidates[i].end] for i in orgs]
    named = [Named(s, key(candidates[i], s), candidates[i].entry is not None) for i, s in zip(orgs, surfaces)]
    result = list(candidates)
    for short, full in longer_names_meant(named).items():
        source = candidates[orgs[full]]
        result[orgs[short]] = replace(result[orgs[short]], entry=source.entry, canonical_name=source.canonical_name or surfaces[full])
    return result
