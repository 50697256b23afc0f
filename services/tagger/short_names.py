"""An organisation named again by the last words of its name: "the Council" after "the UN Security Council", "the
Brotherhood" after "the Muslim Brotherhood", "the Foreign Ministry" after "the Russian Foreign Ministry", as a person is
named again by a surname."""

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
# A possessive before a name names whose it is: "Ukraine's Foreign Ministry" is no other country's.
_POSSESSIVE_BEFORE = re.compile(r"['’]s[ \t]+$")
_CONNECTORS = frozenset({"of", "for", "and", "the", "de"})


@dataclass(frozen=True, slots=True)
class Named:
    """One organisation mention of an article: its surface text and the key it links under (QID or name)."""

    text: str
    key: str | None
    linked: bool
    owned: bool = False  # after a possessive: "Ukraine's Foreign Ministry"


def longer_names_meant(names: Sequence[Named]) -> Mapping[int, int]:
    """For each unlinked, capitalised name that is the last words of the longer names of exactly one organisation of
    the article, the index of one mention of that organisation (a linked one first).

    "Council" where the article names only the "Security Council" is that council; where it names the Security
    Council and the National Security Council, it is left alone. "Foreign Ministry" where the article names only the
    "Russian Foreign Ministry" is that ministry, but not in "Ukraine's Foreign Ministry": the possessive says whose. Words
    after an "of" name another: "St. Martin" is not the "Bells of St. Martin".
    """
    longer: dict[tuple[str, ...], dict[str, int]] = {}
    for i, n in enumerate(names):
        words = tuple(fold(w) for w in n.text.split())
        if len(words) >= 2 and n.key is not None and _NAME.fullmatch(n.text):
            for cut in range(1, len(words)):
                if len(words) - cut > 1 and words[cut - 1] in _CONNECTORS:
                    continue  # "St. Martin" is not the "Bells of St. Martin", nor "Commonwealth Office" the "Foreign and ..."
                keys = longer.setdefault(words[cut:], {})
                if n.key not in keys or (n.linked and not names[keys[n.key]].linked):
                    keys[n.key] = i
    meant = {}
    for i, n in enumerate(names):
        several = " " in n.text
        if n.linked or not n.text[:1].isupper() or (several and (n.owned or not _NAME.fullmatch(n.text))):
            continue
        keys = longer.get(tuple(fold(w) for w in n.text.split()), {})
        if len(keys) == 1:
            meant[i] = next(iter(keys.values()))
    return meant


def name_by_longer_names(texts: Mapping[str, str], candidates: list[C], key: Callable[[C, str], str | None]) -> list[C]:
    """The candidates, each organisation named by the last words of its name taking the entity (or the name) of the longer name."""
    orgs = [i for i, c in enumerate(candidates) if c.type == "ORG"]
    surfaces = [texts[candidates[i].field][candidates[i].start : candidates[i].end] for i in orgs]
    named = [Named(s, key(candidates[i], s), candidates[i].entry is not None,
                   _POSSESSIVE_BEFORE.search(texts[candidates[i].field], max(0, candidates[i].start - 4), candidates[i].start) is not None)
             for i, s in zip(orgs, surfaces)]
    result = list(candidates)
    for short, full in longer_names_meant(named).items():
        source = candidates[orgs[full]]
        result[orgs[short]] = replace(result[orgs[short]], entry=source.entry, canonical_name=source.canonical_name or surfaces[full])
    return result
