"""What a rule's conditions look at in one tagged article, computed once per article and lazily.

Words and their positions (for ``keyword`` and ``near``), the lead's end, feed tags, story size, and
each entity's salience (the tagger's record when there is one, else computed from its mentions).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from schemas import Entity, TaggedArticle
from services.alerter.names import normal_id
from services.runtime.text import lead_end, unaccented

__all__ = ["Facts", "EntityStats", "TOKEN", "is_state_body"]

TOKEN = re.compile(r"\w+(?:['’.-]\w+)*")


@dataclass(frozen=True)
class EntityStats:
    """How an article names one entity: mentions, in the title, in the lead, and a salience score."""

    mentions: int
    in_title: bool
    in_lead: bool
    salience: float


def is_state_body(entity: Entity) -> bool:
    """Whether a mention the tagger gave a country is a state body of it ("Russian Foreign Ministry"), not a word for
    its people ("Russian"): the tagger's own table decides, as it did when it gave the country."""
    return entity.country_id is not None and _demonyms().is_state_body(entity)


@lru_cache(maxsize=1)
def _demonyms() -> Any:
    from services.tagger.demonyms import Demonyms  # only for a match by a people's word or body: it reads the table

    return Demonyms.load()


def _score(mentions: int, in_title: bool, in_lead: bool) -> float:
    # Computed only when the tagger gives no salience: the title weighs most, then the lead, then repetition.
    return round(0.5 * in_title + 0.3 * in_lead + 0.2 * min(1.0, mentions / 5), 3)


class Facts:
    """What conditions look at in one article, computed once per article (and lazily)."""

    def __init__(self, article: TaggedArticle) -> None:
        self.article = article
        self.title = article.title
        self.body = article.body
        # The text as the article came (before translation and name repairs), where it differs: a keyword a user
        # writes as the source writes it ("OTAN", "Zelenskyy") matches there too.
        self.originals = tuple(text for text, english in ((article.original_title, article.title),
                                                          (article.original_body, article.body)) if text and text != english)
        self.language = article.language.lower()
        self.source = article.source
        self.entities = article.entities
        self._lead: int | None = None
        self._words: dict[str, list[str]] = {}
        self._unaccented: dict[str, str] = {}
        self._tagged_salience: dict[str, object] | None = None
        self._linked: dict[str, list[Entity]] | None = None

    @property
    def lead(self) -> int:
        if self._lead is None:
            self._lead = lead_end(self.body)
        return self._lead

    def text(self, field_name: str) -> str:
        """``title``, ``body``, or ``original title`` / ``original body``: the text as the article came, empty where it
        is the English text."""
        if field_name.startswith("original "):
            english = self.text(field_name.removeprefix("original "))
            original = getattr(self.article, field_name.replace(" ", "_")) or ""
            return original if original != english else ""
        return self.title if field_name == "title" else self.body

    def unaccented(self, text: str) -> str:
        """One of the article's texts without its Latin letters' diacritics ("São" -> "Sao"; services.runtime.text), at
        the same offsets: what a keyword typed in plain letters is looked for in. Worked out once per text."""
        found = self._unaccented.get(text)
        if found is None:
            found = self._unaccented[text] = unaccented(text)
        return found

    def words(self, field_name: str, *, plain: bool = False) -> list[str]:
        """The field's words, case-folded; ``plain``: without their diacritics too (word for word the same list)."""
        key = ("~" if plain else "") + field_name
        if key not in self._words:
            text = self.text(field_name)
            folded = self.unaccented(text) if plain else text
            self._words[key] = (self.words(field_name) if plain and folded == text
                                else [w.casefold() for w in TOKEN.findall(folded)])
        return self._words[key]

    def linked_to(self, ident: str) -> list[Entity]:
        """The mentions linked to the entity ``ident`` (as :func:`normal_id` writes it), in the article's order."""
        if self._linked is None:
            self._linked = {}
            for entity in self.entities:
                if entity.canonical_id is not None:
                    self._linked.setdefault(normal_id(entity.canonical_id), []).append(entity)
        return self._linked.get(ident, [])

    def spans(self, field_name: str, *, plain: bool = False) -> list[tuple[int, int]]:
        """Where each of ``words(field_name, plain=plain)`` lies in the field's text (the same offsets either way): what
        a matched term's reason quotes the text from. Worked out once per field."""
        key = "@" + ("~" if plain else "") + field_name
        if key not in self._words:
            text = self.text(field_name)
            self._words[key] = [m.span() for m in TOKEN.finditer(self.unaccented(text) if plain else text)]  # type: ignore[misc]
        return self._words[key]  # type: ignore[return-value]

    def positions(self, field_name: str, *, plain: bool = False) -> dict[str, list[int]]:
        key = "#" + ("~" if plain else "") + field_name
        if key not in self._words:
            words = self.words(field_name, plain=plain)
            if plain and words is self.words(field_name):  # nothing to take off: the same words
                self._words[key] = self.positions(field_name)
            else:
                index: dict[str, list[int]] = {}
                for i, w in enumerate(words):
                    index.setdefault(w, []).append(i)
                self._words[key] = index  # type: ignore[assignment]
        return self._words[key]  # type: ignore[return-value]

    @property
    def tags(self) -> tuple[str, ...]:
        # Feed tags arrive with the feeds work; read whichever field exists, never require it.
        for name in ("tags", "feed_tags"):
            value = getattr(self.article, name, None)
            if value:
                return tuple(str(t).casefold() for t in value)
        return ()

    @property
    def story_size(self) -> int:
        # Filled by the story stage (and `wirewatch process`): the story's articles once this one joined it.
        return self.article.story_size

    @property
    def copy_of(self) -> str | None:
        # Filled by the story stage: the earlier article of the story whose text this one repeats.
        evidence = getattr(self.article, "story_evidence", None)
        return getattr(evidence, "copy_of", None)

    def stats(self, key: str | None, mentions: Sequence[Entity]) -> EntityStats:
        """Salience of one entity: the tagger's record when there is one, else computed from the mentions."""
        if self._tagged_salience is None:
            records = getattr(self.article, "salience", None) or []
            self._tagged_salience = {getattr(r, "key", None): r for r in records if getattr(r, "key", None)}
        record = self._tagged_salience.get(key) if key else None
        if record is not None:
            m, t, lead = int(getattr(record, "mentions", len(mentions))), bool(getattr(record, "in_title", False)), bool(
                getattr(record, "in_lead", False))
            score = getattr(record, "score", None)
            return EntityStats(m, t, lead, float(score) if isinstance(score, (int, float)) else _score(m, t, lead))
        in_title = any(e.field == "title" for e in mentions)
        in_lead = any(e.field == "body" and e.start < self.lead for e in mentions)
        return EntityStats(len(mentions), in_title, in_lead, _score(len(mentions), in_title, in_lead))

