"""Canonical entities (Wikidata QIDs) with their names in many languages and scripts, and a fast matcher over text.

The bundled ``data/gazetteer.yaml`` is merged with the operator's own files
(``TaggerSettings.gazetteer``); an entry with the same id extends or overrides
the bundled one. Matching is Aho-Corasick over a length-preserving folded copy
of the text, so every match's offsets point into the original text.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import ahocorasick
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from services.runtime.errors import WirewatchError

__all__ = [
    "BUNDLED_GAZETTEER",
    "EntityType",
    "GazetteerEntry",
    "GazetteerMatch",
    "GazetteerError",
    "Gazetteer",
    "fold",
    "is_acronym",
    "load_entries",
]

BUNDLED_GAZETTEER = Path(__file__).with_name("data") / "gazetteer.yaml"

EntityType = Literal["PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT"]

_QID = r"^Q[1-9][0-9]*$"

# Folding maps these to one character so typographic variants of an alias match it.
_APOSTROPHES = "\u2019\u2018\u02bc\u0060\u00b4\u2032"
_HYPHENS = "\u2010\u2011"
_LEADING_THE = re.compile(r"^the\s+", re.IGNORECASE)
_POSSESSIVE = re.compile(r"(?:['\u2019]s|s['\u2019])$")
_SPACES = re.compile(r"\s+")
# Words that do not contribute a letter to an organisation's initialism.
_INITIALISM_SKIP = frozenset({"of", "the", "and", "for", "on", "in", "de", "du", "des", "la", "le", "del", "und", "für"})


class GazetteerError(WirewatchError):
    """A gazetteer file that cannot be read or holds an invalid entry."""


class GazetteerEntry(BaseModel):
    """One canonical entity and every surface form it is known by."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=_QID, description="Wikidata QID.")
    name: str = Field(min_length=1, description="Canonical English name.")
    type: EntityType
    aliases: tuple[str, ...] = Field(default=(), description="Other names, any language or script; matched case-insensitively (acronyms case-sensitively).")
    cased_aliases: tuple[str, ...] = Field(default=(), description="Names that are also common words ('Turkey', 'Trump'): matched only as written.")
    country: str | None = Field(default=None, pattern=_QID, description="QID of the country a place lies in (a country: itself).")
    coordinates: tuple[float, float] | None = Field(default=None, description="[latitude, longitude] of a place.")

    @field_validator("aliases", "cased_aliases")
    @classmethod
    def _no_blank_alias(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for alias in value:
            if not alias.strip():
                raise ValueError("blank alias")
        return value

    @field_validator("coordinates")
    @classmethod
    def _valid_coordinates(cls, value: tuple[float, float] | None) -> tuple[float, float] | None:
        if value is not None and not (-90 <= value[0] <= 90 and -180 <= value[1] <= 180):
            raise ValueError(f"coordinates out of range: {value}")
        return value

    def surface_forms(self) -> Iterator[tuple[str, bool]]:
        """Every name with whether it must match case-sensitively."""
        cased = set(self.cased_aliases)
        for alias in (self.name, *self.aliases):
            if alias not in cased:
                yield alias, is_acronym(alias)
        for alias in self.cased_aliases:
            yield alias, True


@dataclass(frozen=True, slots=True)
class GazetteerMatch:
    """An alias found in a text: ``text == source[start:end]``."""

    start: int
    end: int
    text: str
    entry: GazetteerEntry


def is_acronym(alias: str) -> bool:
    """Short all-capital names ('US', 'U.N.', 'WHO', 'НАТО', 'G20') that would otherwise match prose words."""
    if any(c.isspace() for c in alias):
        return False
    letters = [c for c in alias if c.isalpha()]
    return 0 < len(letters) <= 5 and all(c.isupper() for c in letters)


@lru_cache(maxsize=4096)
def _fold_char(c: str) -> str:
    if c in _APOSTROPHES:
        return "'"
    if c in _HYPHENS:
        return "-"
    if c.isspace():
        return " "
    folded = c.casefold()
    if len(folded) == 1:
        return folded
    # "ß" casefolds to "ss", "İ" to "i̇": keep one character so offsets stay valid.
    lowered = c.lower()
    if len(lowered) == 1:
        return lowered
    bare = "".join(ch for ch in unicodedata.normalize("NFD", folded) if not unicodedata.combining(ch))
    return bare if len(bare) == 1 else c


@lru_cache(maxsize=4096)
def _canon_char(c: str) -> str:
    if c in _APOSTROPHES:
        return "'"
    if c in _HYPHENS:
        return "-"
    return " " if c.isspace() else c


def fold(text: str) -> str:
    """Case-insensitive form with exactly one character per input character (diacritics kept)."""
    return "".join(map(_fold_char, text))


def _canon(text: str) -> str:
    """Case kept, apostrophes, hyphens and spaces unified; one character per input character."""
    return "".join(map(_canon_char, text))


def _strip_latin_accents(text: str) -> str:
    """'volodímir' -> 'volodimir': MT output and wires often drop Latin diacritics. Other scripts untouched."""
    out = []
    for c in text:
        decomposed = unicodedata.normalize("NFD", c)
        base = decomposed[0]
        out.append(base if base.isascii() and base.isalpha() and len(decomposed) > 1 else c)
    return "".join(out)


def _is_word_char(c: str) -> bool:
    return c.isalnum() or unicodedata.category(c).startswith("M")


def _bare_name(name: str) -> str:
    """'the Kremlin’s' -> 'Kremlin': what a lookup by name compares."""
    name = _SPACES.sub(" ", name.strip())
    name = _LEADING_THE.sub("", name)
    name = _POSSESSIVE.sub(lambda m: "" if m.group(0)[0] in "'\u2019" else "s", name)
    return name.strip()


def _merge_raw(base: dict[str, Any], overlay: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in overlay.items():
        if key in ("aliases", "cased_aliases"):
            merged[key] = list(dict.fromkeys([*base.get(key, []), *value]))
        else:
            merged[key] = value
    return merged


def _read_file(path: Path) -> list[dict[str, Any]]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise GazetteerError(f"gazetteer {str(path)!r}: cannot read: {exc}") from exc
    except yaml.YAMLError as exc:
        raise GazetteerError(f"gazetteer {str(path)!r}: not valid YAML: {exc}") from exc
    if data is None:
        return []
    entries = data.get("entities") if isinstance(data, dict) else data
    if not isinstance(entries, list):
        raise GazetteerError(f"gazetteer {str(path)!r}: expected a list of entities under 'entities'")
    for i, raw in enumerate(entries):
        if not isinstance(raw, dict) or not isinstance(raw.get("id"), str):
            raise GazetteerError(f"gazetteer {str(path)!r}: entity #{i} has no string 'id'")
    return entries


@lru_cache(maxsize=1)
def _bundled_raw() -> tuple[dict[str, Any], ...]:
    return tuple(_read_file(BUNDLED_GAZETTEER))


def load_entries(paths: Sequence[Path] = (), *, bundled: bool = True) -> list[GazetteerEntry]:
    """The bundled entries merged with ``paths`` in order; a later entry with the same id extends the earlier one."""
    raw: dict[str, dict[str, Any]] = {}
    origin: dict[str, Path] = {}
    sources: list[tuple[Path, Iterable[dict[str, Any]]]] = []
    if bundled:
        sources.append((BUNDLED_GAZETTEER, _bundled_raw()))
    sources.extend((Path(p), _read_file(Path(p))) for p in paths)
    for path, entries in sources:
        for entry in entries:
            qid = entry["id"]
            raw[qid] = _merge_raw(raw[qid], entry) if qid in raw else dict(entry)
            origin[qid] = path
    result = []
    for qid, entry in raw.items():
        try:
            result.append(GazetteerEntry.model_validate(entry))
        except ValidationError as exc:
            raise GazetteerError(f"gazetteer {str(origin[qid])!r}: entity {qid}: {exc.errors()[0]['loc']}: {exc.errors()[0]['msg']}") from exc
    return result


def _automaton(keys: dict[str, frozenset[str]]) -> ahocorasick.Automaton | None:
    if not keys:
        return None
    automaton = ahocorasick.Automaton()
    for key, ids in keys.items():
        automaton.add_word(key, (len(key), ids))
    automaton.make_automaton()
    return automaton


class Gazetteer:
    """Finds and looks up canonical entities by any of their names."""

    def __init__(self, entries: Iterable[GazetteerEntry]) -> None:
        self._entries: dict[str, GazetteerEntry] = {}
        for entry in entries:
            self._entries[entry.id] = entry
        folded: dict[str, set[str]] = {}
        cased: dict[str, set[str]] = {}
        initialisms: dict[str, set[str]] = {}
        for entry in self._entries.values():
            for alias, case_sensitive in entry.surface_forms():
                alias = _SPACES.sub(" ", alias.strip())
                if case_sensitive:
                    cased.setdefault(_canon(alias), set()).add(entry.id)
                else:
                    key = fold(alias)
                    folded.setdefault(key, set()).add(entry.id)
                    folded.setdefault(_strip_latin_accents(key), set()).add(entry.id)
            # Initials of the canonical English name only: foreign-language initials ("UA", "BM") collide with too much.
            words = [w for w in re.split(r"[\s-]+", entry.name) if w and w.casefold() not in _INITIALISM_SKIP]
            if entry.type == "ORG" and len(words) >= 3:
                initialisms.setdefault("".join(w[0] for w in words).upper(), set()).add(entry.id)
        self._folded = {k: frozenset(v) for k, v in folded.items()}
        self._cased = {k: frozenset(v) for k, v in cased.items()}
        self._initialisms = {k: frozenset(v) for k, v in initialisms.items()}
        self._folded_automaton = _automaton(self._folded)
        self._cased_automaton = _automaton(self._cased)

    @classmethod
    def load(cls, paths: Sequence[Path] = (), *, bundled: bool = True) -> Gazetteer:
        """The bundled gazetteer merged with the operator's files."""
        return cls(load_entries(paths, bundled=bundled))

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, qid: object) -> bool:
        return qid in self._entries

    def __iter__(self) -> Iterator[GazetteerEntry]:
        return iter(self._entries.values())

    def get(self, qid: str) -> GazetteerEntry | None:
        return self._entries.get(qid)

    def _unique(self, ids: frozenset[str] | None) -> GazetteerEntry | None:
        if ids is None or len(ids) != 1:
            return None  # unknown, or an alias two entities share: do not guess
        return self._entries[next(iter(ids))]

    def lookup(self, name: str) -> GazetteerEntry | None:
        """The entity named ``name`` (any alias; case, a leading 'the' and a possessive ignored; acronyms as written)."""
        bare = _bare_name(name)
        if not bare:
            return None
        hit = self._unique(self._cased.get(_canon(bare)))
        if hit is not None:
            return hit
        key = fold(bare)
        return self._unique(self._folded.get(key)) or self._unique(self._folded.get(_strip_latin_accents(key)))

    def lookup_acronym(self, text: str) -> GazetteerEntry | None:
        """An all-capital mention ('U.N.', 'IMF') by its dotless form or an organisation's initials."""
        bare = _bare_name(text)
        letters = bare.replace(".", "").replace(" ", "")
        if not letters.isalpha() or not letters.isupper() or len(letters) < 2:
            return None
        return self._unique(self._cased.get(letters)) or self._unique(self._initialisms.get(letters))

    def find(self, text: str) -> list[GazetteerMatch]:
        """Every alias in ``text`` on word boundaries; on overlaps the longest wins, then the earliest."""
        candidates: list[tuple[int, int, frozenset[str]]] = []
        for automaton, haystack in ((self._folded_automaton, fold(text)), (self._cased_automaton, _canon(text))):
            if automaton is None:
                continue
            for last, (length, ids) in automaton.iter(haystack):
                start, end = last - length + 1, last + 1
                if start > 0 and _is_word_char(text[start - 1]):
                    continue
                if end < len(text) and _is_word_char(text[end]):
                    continue
                if not _is_word_char(text[start]) and not _is_word_char(text[end - 1]):
                    continue
                candidates.append((start, end, ids))
        candidates.sort(key=lambda c: (c[0] - c[1], c[0]))
        taken = bytearray(len(text))
        chosen: list[tuple[int, int, frozenset[str]]] = []
        for start, end, ids in candidates:
            if any(taken[start:end]):
                continue
            taken[start:end] = b"\x01" * (end - start)
            chosen.append((start, end, ids))
        matches = []
        for start, end, ids in sorted(chosen):
            entry = self._unique(ids)
            if entry is not None:  # an ambiguous alias still blocks shorter matches inside it
                matches.append(GazetteerMatch(start, end, text[start:end], entry))
        return matches
