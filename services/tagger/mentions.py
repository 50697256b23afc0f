"""What linking works on: the spans an NER model labelled in an article's fields, the candidate entities linking
makes of them, and the titles that sit in a span around a name ("NATO Secretary General Jens Stoltenberg").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from services.tagger.gazetteer import GazetteerEntry

__all__ = [
    "LINKABLE_TYPES",
    "UNLINKED_TYPES",
    "DEFAULT_ENTITY_TYPES",
    "TITLE_WORDS",
    "BODY_WORDS",
    "Candidate",
    "FieldMentions",
    "Mention",
    "strip_titles",
    "strip_titles_for_key",
]

LINKABLE_TYPES = frozenset({"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT"})
UNLINKED_TYPES = frozenset({"MONEY", "DATE", "QUANTITY"})
DEFAULT_ENTITY_TYPES = LINKABLE_TYPES | UNLINKED_TYPES

# Words that can sit in an NER span around a name without being part of it:
# "NATO Secretary General Jens Stoltenberg", "Russian Foreign Minister ...".
TITLE_WORDS = frozenset(
    """
    president vice prime minister ministers secretary general secretary-general chancellor foreign defence defense
    interior finance chief spokesman spokeswoman spokesperson leader king queen pope mr mrs ms dr sir senator sen
    rep representative governor mayor ambassador envoy commissioner chairman chairwoman chair director head deputy
    state premier gen colonel commander supreme ayatollah emir crown prince princess lord lady justice judge speaker
    executive ceo former acting first lieutenant minister-president high representative officer official
    """.split()
)

# Words that end the name of a body: the title words before them are its portfolio ("Foreign Ministry", "State
# Department", "Supreme Court", "Defence Intelligence Agency"), part of its name, not a person's office.
BODY_WORDS = frozenset(
    """
    ministry ministries department office court council staff assembly committee commission agency service bureau
    directorate government cabinet parliament embassy consulate presidency senate duma army navy police guard forces
    force bank secretariat
    """.split()
)


@dataclass(frozen=True, slots=True)
class Mention:
    """A span an NER model labelled, as character offsets into the field text."""

    start: int
    end: int
    label: str


@dataclass(frozen=True, slots=True)
class FieldMentions:
    """One field of an article (title or body), its text and its NER mentions."""

    field: str
    text: str
    mentions: Sequence[Mention]


@dataclass(frozen=True, slots=True)
class Candidate:
    """A span linking makes an entity of: its type and, once resolved, its gazetteer entry or the name it links by."""

    field: str
    start: int
    end: int
    type: str
    entry: GazetteerEntry | None = None
    canonical_name: str | None = None


# Words of an office named with "of" before the person ("Secretary of State", "Chief of the General Staff",
# "Minister of Foreign Affairs"): with the title words and the body words, what the office's name is made of.
_OFFICE_OF_WORDS = TITLE_WORDS | BODY_WORDS | frozenset(
    "the affairs homeland security war health education treasury commerce energy transportation agriculture labor "
    "labour trade economy justice".split())


def strip_titles(name: str) -> str:
    """The name without the titles that open it: "Secretary General Jens Stoltenberg" -> "Jens Stoltenberg", and an
    office named with "of" goes too: "Chief of Staff Ron Klain" -> "Ron Klain" (not "Prince of Wales" -> "Wales": the
    words after "of" must be an office's)."""
    words = name.split()
    while len(words) > 1 and words[0].casefold().strip(".") in TITLE_WORDS:
        words = words[1:]
        if len(words) > 2 and words[0].casefold() == "of":
            rest = words[1:]
            while len(rest) > 1 and rest[0].casefold().strip(".,") in _OFFICE_OF_WORDS:
                rest = rest[1:]
            if len(rest) < len(words) - 1 and rest[0].casefold() != "the":
                words = rest
    return " ".join(words)


def strip_titles_for_key(name: str) -> str:
    """:func:`strip_titles` for an entity's key, but a body keeps its portfolio ("Foreign Ministry", "State Department
    of ...": the word before any "of" is a body word) and an office named without a person keeps its whole name
    ("Interior Minister", "Secretary of State"): neither is a title before a name, and without them every ministry
    would be one entity."""
    words = [w.casefold().strip(".'’") for w in name.split()]
    head = words[: words.index("of")] if "of" in words[1:] else words
    if all(w in TITLE_WORDS for w in words) or (head and head[-1] in BODY_WORDS) or (
            "of" in words[1:-1] and words[0] in TITLE_WORDS and all(w == "of" or w in _OFFICE_OF_WORDS for w in words)):
        return name
    return strip_titles(name)
