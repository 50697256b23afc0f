"""One canonical spelling per entity: transliteration and exonym variants ("Kiev", "Zelenskiy") become the canonical name ("Kyiv", "Zelensky").

The table comes from ``data/name_variants.yaml`` and any extra files a user names
(later files win, entry by entry). A variant is replaced only as a whole word or
phrase, never inside another word, a URL, an e-mail address, a handle or a phrase
the entry keeps ("Peking University"); the case of the occurrence is carried over
(KIEV → KYIV, kiev → Kyiv).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from schemas import Change
from services.normalize.changes import Edit, record
from services.normalize.errors import NormalizeError
from services.normalize.text import apply_edits, merge_spans, overlaps, protected_spans

__all__ = ["NameEntry", "NameTable", "BUNDLED_NAMES", "load_name_table", "apply_name_variants"]

BUNDLED_NAMES = Path(__file__).parent / "data" / "name_variants.yaml"

# Not preceded or followed by a letter, digit or underscore: "Kiev-based" and "pro-Kiev" match, "Kievan" does not.
_BEFORE = r"(?<![^\W_])"
_AFTER = r"(?![^\W_])"


@dataclass(frozen=True, slots=True)
class NameEntry:
    name: str
    variants: tuple[str, ...]
    keep: tuple[str, ...] = ()


@dataclass(slots=True)
class NameTable:
    """Canonical names by lower-cased variant, with the compiled matcher."""

    entries: dict[str, NameEntry] = field(default_factory=dict)
    _by_variant: dict[str, str] = field(default_factory=dict, init=False)
    _pattern: re.Pattern[str] | None = field(default=None, init=False)
    _keep: re.Pattern[str] | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        self._compile()

    def _compile(self) -> None:
        self._by_variant = {}
        keep: set[str] = set()
        for entry in self.entries.values():
            for variant in entry.variants:
                self._by_variant[_squash(variant)] = entry.name
            keep.update(entry.keep)
        variants = sorted(self._by_variant, key=len, reverse=True)
        self._pattern = _phrases(variants)
        self._keep = _phrases(sorted(keep, key=len, reverse=True))

    def canonical(self, variant: str) -> str | None:
        return self._by_variant.get(_squash(variant))

    def canonical_words(self) -> dict[str, str]:
        """Each word of each canonical name, by its lower-case form ("kyiv" → "Kyiv"): the spellings case repair restores."""
        words: dict[str, str] = {}
        for entry in self.entries.values():
            for word in entry.name.split():
                if word[:1].isupper():
                    words[word.lower()] = word
        return words

    def known_names(self) -> set[str]:
        """Every single-word canonical name and variant, as written."""
        names = {w for e in self.entries.values() for w in e.name.split() if w[:1].isupper()}
        names.update(w for e in self.entries.values() for v in e.variants for w in v.split() if w[:1].isupper())
        return names

    def finditer(self, text: str) -> Iterable[re.Match[str]]:
        return self._pattern.finditer(text) if self._pattern else ()

    def kept_spans(self, text: str) -> list[tuple[int, int]]:
        return [m.span() for m in self._keep.finditer(text)] if self._keep else []


def _squash(phrase: str) -> str:
    return " ".join(phrase.replace("-", " - ").split()).lower().replace(" - ", "-")


def _phrases(phrases: Sequence[str]) -> re.Pattern[str] | None:
    if not phrases:
        return None
    # Words of a phrase may be separated by any run of spaces.
    alternatives = "|".join(r"\s+".join(re.escape(w) for w in p.split()) for p in phrases)
    return re.compile(f"{_BEFORE}(?:{alternatives}){_AFTER}", re.IGNORECASE)


def _entries(path: Path) -> list[NameEntry]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise NormalizeError(f"name variants file {str(path)!r}: {exc}") from exc
    items = data.get("names") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise NormalizeError(f"name variants file {str(path)!r}: expected a top-level 'names:' list")
    out = []
    for i, item in enumerate(items, 1):
        if not isinstance(item, dict) or not isinstance(item.get("name"), str) or not item["name"].strip():
            raise NormalizeError(f"name variants file {str(path)!r}: entry {i} needs a 'name' string")
        variants = item.get("variants") or []
        keep = item.get("keep") or []
        if not all(isinstance(v, str) and v.strip() for v in [*variants, *keep]):
            raise NormalizeError(f"name variants file {str(path)!r}: entry {i} ({item['name']!r}): variants and keep must be non-empty strings")
        out.append(NameEntry(item["name"].strip(), tuple(v.strip() for v in variants), tuple(k.strip() for k in keep)))
    return out


def load_name_table(extra_files: Sequence[Path | str] = (), *, bundled: Path | None = BUNDLED_NAMES) -> NameTable:
    """The bundled table with each extra file merged over it: an entry with the same name replaces the earlier one."""
    entries: dict[str, NameEntry] = {}
    for path in ([bundled] if bundled else []) + [Path(p) for p in extra_files]:
        for entry in _entries(path):
            entries[entry.name] = entry
    return NameTable(entries)


def _with_case_of(occurrence: str, canonical: str) -> str:
    letters = [c for c in occurrence if c.isalpha()]
    if len(letters) > 1 and all(c.isupper() for c in letters):
        return canonical.upper()
    return canonical


def apply_name_variants(text: str, field_name: str, table: NameTable, *, max_changes: int = 20) -> tuple[str, list[Change]]:
    """Replace every whole-word variant in ``text`` by its canonical name; one Change per replacement."""
    if not text:
        return text, []
    blocked = merge_spans(protected_spans(text) + table.kept_spans(text))
    edits: list[Edit] = []
    for match in table.finditer(text):
        if overlaps(match.span(), blocked):
            continue
        before = match.group(0)
        canonical = table.canonical(before)
        if canonical is None:
            continue
        after = _with_case_of(before, canonical)
        if after != before:
            edits.append(Edit(match.start(), match.end(), before, after))
    if not edits:
        return text, []
    reason = "name variant replaced by the canonical spelling from the name-variants table"
    return apply_edits(text, edits), record(edits, kind="repair", rule="names:variant", field=field_name, reason=reason, max_changes=max_changes)
