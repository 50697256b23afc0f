"""Which field of a JSON record is which part of an article.

Our own names (``title``, ``body``, ``url``, ``source``, ``published_at``, ``language``, ``id``, ``guid``,
``content_type``, ``fetched_at``) and the names the common news tools write, so that their output is read as it
is: NewsAPI (``publishedAt``, ``content``, ``description``, ``source: {"name": ...}``), news-please
(``maintext``, ``date_publish``, ``source_domain``, ``date_download``), schema.org NewsArticle (``headline``,
``articleBody``, ``datePublished``), Event Registry (``dateTimePub``, ``uri``, ``source: {"title": ...}``), GDELT's
DOC API (``seendate``, ``domain``), RSS-like dumps (``link``, ``pubDate``) and datasets (``text``, ``lang``,
``date``). Where a record has two names for one part, the first in ``FIELDS`` wins.

Any other field (a dataset's ``event`` label, ``authors``, ``urlToImage``) is not an article field: it is left out
and named once per input (:class:`Ignored`), never silently. A field whose name is a letter or two from an article
field's (``titel``, ``publised_at``) is taken for a misspelling: its record is rejected, saying which field was meant,
since reading on would lose what the user gave (an article with no date, no title). A whole API answer is read too:
an object that is no article but holds a list of articles (NewsAPI's and GDELT's ``articles``, Event Registry's
``articles.results``, ``results``, ``data``, ``docs``) gives those.

A polled feed may name its own fields (the feeds file's ``fields: {title: headline, body: content.text}``): each
article part it maps is read from that path of the record only (a dot goes one level down, a number into a list),
the parts it does not map as above (:func:`check_field_map` says what is wrong with a map).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import orjson

from services.runtime.text import kind_of

__all__ = ["FIELDS", "FieldMap", "Ignored", "NotAnArticle", "article_fields", "as_text", "check_field_map", "is_summary",
           "not_text", "unmatched", "unwrapped", "uncut", "value_at"]

# Each article part and the names it is read from, in order of preference.
FIELDS: dict[str, tuple[str, ...]] = {
    "id": ("id", "article_id"),
    "guid": ("guid", "uri"),
    "title": ("title", "headline"),
    "body": ("body", "text", "articleBody", "maintext", "content", "article", "description", "summary"),
    "url": ("url", "link"),
    "source": ("source", "source_domain", "publisher", "domain"),
    "published_at": ("published_at", "publishedAt", "datePublished", "date_published", "date_publish", "published",
                     "pubDate", "pub_date", "publish_date", "published_date", "publication_date", "dateTimePub", "dateTime",
                     "seendate", "date"),
    "language": ("language", "lang", "inLanguage"),
    "content_type": ("content_type",),
    "fetched_at": ("fetched_at", "date_download"),
}
_NAMES = {name: part for part, names in FIELDS.items() for name in names}
# Names are matched whatever their case too ("Title", "PublishedAt"), exact spelling first.
_FOLDED = {name.casefold() for name in _NAMES}
# Names this close to an article field's (difflib's ratio) are taken for misspellings of it: "titel" and "title"
# score 0.8, "publised_at" and "published_at" 0.96; "event_title" and "title" 0.63, "data" and "date" 0.75.
_MISSPELT = 0.8


# NewsAPI cuts its ``content`` and says so at the end: "... [+4213 chars]".
_CUT = re.compile(r"\s*(?:…|\.\.\.)?\s*\[\+\d+ chars\]\s*$")


def uncut(text: str) -> tuple[str, bool]:
    """The text without an API's note that it was cut, and whether there was one (then it is a summary)."""
    kept = _CUT.sub("", text)
    return kept, kept != text


# Article parts a number may stand for: an id, a Unix time, and a title or text that is a number ("1984", "2024").
_NUMBERS = ("id", "guid", "published_at", "fetched_at", "title", "body")


def not_text(key: str, value: Any, *, numbers: bool = True) -> str | None:
    """Why a JSON value cannot be an article's text (its title, its link), in the JSON's own words; None when it can:
    a string, or a number where ``numbers`` allows it. true/false, an array or an object is never text: taken as
    text, they would give a title "True" or "['a']", an article nobody wrote."""
    if isinstance(value, str) or (numbers and isinstance(value, (int, float)) and not isinstance(value, bool)):
        return None
    return f"field {key!r} must be text, got {kind_of(value)}: {orjson.dumps(value, default=str).decode()[:60]}"


def as_text(value: Any) -> str:
    """A JSON value :func:`not_text` allows as text: a number as JSON writes it (0 is "0", not nothing), None as ""."""
    if value is None:
        return ""
    return value if isinstance(value, str) else orjson.dumps(value).decode()


class NotAnArticle(ValueError):
    """A JSON object that is not an article: no title or body under any name, or a misspelt field."""


@dataclass(frozen=True)
class Ignored:
    """Fields of an input's JSON records that are not article fields, left out; named once per input."""

    where: str
    fields: tuple[str, ...]
    records: int  # how many records had one or more

    def __str__(self) -> str:
        s = "" if self.records == 1 else "s"
        return (f"{self.where}: ignored field(s) not read as article fields, in {self.records} record{s}: "
                f"{', '.join(self.fields)}")

    def as_json(self) -> dict[str, object]:
        return {"where": self.where, "fields": list(self.fields), "records": self.records}


def _edits(a: str, b: str) -> int:
    """Levenshtein distance (insertions, deletions, substitutions)."""
    row = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        previous, row[0] = row[0], i
        for j, y in enumerate(b, 1):
            previous, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, previous + (x != y))
    return row[-1]


@lru_cache(maxsize=4096)  # a dump repeats its field names on every line
def _misspelling(name: str) -> str | None:
    """The article field ``name`` looks like a misspelling of: close by difflib's ratio and at most two edits away;
    a plural ("links") or a JSON-LD keyword ("@context") is no misspelling."""
    if name.casefold() in _FOLDED or name.startswith("@"):
        return None
    for meant in difflib.get_close_matches(name, _NAMES, n=3, cutoff=_MISSPELT):
        if name != meant + "s" and _edits(name, meant) <= 2:
            return meant
    return None


def _source(value: Any) -> Any:
    # NewsAPI: {"id": "bbc-news", "name": "BBC News"}; Event Registry: {"uri": "bbc.co.uk", "title": "BBC"}.
    if isinstance(value, Mapping):
        return value.get("name") or value.get("title") or value.get("id") or value.get("uri")
    return value


# Where API answers keep their list of articles, and how deep to look (Event Registry: articles.results).
_LISTS = ("articles", "results", "data", "docs")


def unwrapped(doc: Any, where: str, depth: int = 2) -> tuple[list[Any], str]:
    """The records of one JSON object: the object itself when it has any article field, else the list of objects
    it holds under one of ``_LISTS`` (an API answer), named by its path (``answer.json:articles``)."""
    if isinstance(doc, Mapping) and depth > 0 and not any(str(name).casefold() in _FOLDED for name in doc):
        for key in _LISTS:
            inner = doc.get(key)
            if isinstance(inner, list) and all(isinstance(item, Mapping) for item in inner):
                return inner, f"{where}:{key}"
            if isinstance(inner, Mapping):
                items, at = unwrapped(inner, f"{where}:{key}", depth - 1)
                if items is not None and at != f"{where}:{key}":
                    return items, at
    return [doc], where


# A feed's own field names: article part -> path in its records ("content.text").
FieldMap = Mapping[str, str]


def value_at(obj: Any, path: str) -> Any:
    """The value at a dotted path of a record ("content.text", "media.0.url"), None where the path leads nowhere."""
    value = obj
    for key in path.split("."):
        if isinstance(value, Mapping):
            value = value.get(key)
        elif isinstance(value, list) and key.isdigit() and int(key) < len(value):
            value = value[int(key)]
        else:
            return None
    return value


def check_field_map(fields: Mapping[Any, Any]) -> dict[str, str]:
    """A feed's field map as given, or ValueError naming every wrong entry and what was meant."""
    wrong: list[str] = []
    for part, path in fields.items():
        part = str(part)
        if part not in FIELDS:
            if isinstance(path, str) and path in FIELDS:  # the map written the other way round: "webTitle: title"
                hint = f"; a map goes from the article field to the feed's name: {path}: {part}"
            elif part in _NAMES:  # "headline: title", or "headline: head"
                hint = f"; a map goes from the article field to the feed's name: {_NAMES[part]}: {part}"
            else:
                close = difflib.get_close_matches(part, FIELDS, n=1, cutoff=0.6)
                hint = f"; did you mean {close[0]!r}?" if close else ""
            wrong.append(f"{part!r} is not an article field{hint} (they are: {', '.join(FIELDS)})")
        elif not isinstance(path, str) or not path.strip():
            wrong.append(f"{part}: the feed's field name must be text like 'headline' or 'content.text', got {path!r}")
        elif any(not key.strip() or key != key.strip() for key in path.split(".")):
            wrong.append(f"{part}: {path!r} is no field path: a dot goes one level down, between two names")
    if wrong:
        raise ValueError("; ".join(wrong))
    return {str(part): path for part, path in fields.items()}


def unmatched(records: list[Any], fields: FieldMap) -> list[str]:
    """A problem for each mapped path that none of ``records`` has: a misspelt map, said once per poll."""
    objects = [r for r in records if isinstance(r, Mapping)]
    if not objects:
        return []
    names = ", ".join(sorted({str(k) for r in objects for k in r})[:12])
    return [f"fields: {part} is read from {path!r}, which none of the {len(objects)} entries has (their fields: {names})"
            for part, path in fields.items() if all(value_at(r, path) in (None, "") for r in objects)]


def _found(obj: Mapping[str, Any], part: str, fields: FieldMap | None = None) -> tuple[str, Any] | None:
    """The record's field that gives ``part`` and its value: where the feed's field map says, else the first of its
    names present with a value, by exact spelling, else in any case."""
    if fields and part in fields:
        value = value_at(obj, fields[part])
        if part == "source" and isinstance(value, Mapping):
            value = _source(value)
        return None if value in (None, "", [], {}) else (fields[part], value)
    folded = {str(key).casefold(): key for key in reversed(list(obj))}
    for name in FIELDS[part]:
        key = name if name in obj else folded.get(name.casefold(), name)
        value = obj.get(key)
        if part == "source" and value not in (None, "", [], {}):
            value = _source(value)
        if value not in (None, "", [], {}):
            return key, value
    return None


# Fields that hold a teaser, not the article (NewsAPI's description): the article is on its page.
_SUMMARIES = ("description", "summary")


def is_summary(obj: Mapping[str, Any], fields: FieldMap | None = None) -> bool:
    """Whether a record's text is only a summary: a teaser field, or a text the API says it cut."""
    found = _found(obj, "body", fields)
    return found is not None and (str(found[0]).casefold() in _SUMMARIES or uncut(str(found[1]))[1])


def article_fields(obj: Mapping[str, Any], fields: FieldMap | None = None) -> tuple[dict[str, Any], list[str]]:
    """The article parts of a record, by our names, and the record's fields that are none of them.

    ``fields`` is a feed's own map (part -> path): a mapped part is read from its path only, and a field a path
    starts with is neither a misspelling nor ignored. Raises NotAnArticle for misspelt fields and fields of another
    type (every one of them, in one reason, so one fix of the input is enough), and for a record with no title or
    body under any name."""
    mapped = {path.split(".", 1)[0] for path in (fields or {}).values()}
    wrong: list[str] = []
    for name in obj:
        if name in mapped:
            continue
        meant = _misspelling(name)
        if meant is not None and meant not in obj and _NAMES[meant] not in (fields or {}):
            wrong.append(f"unknown field {name!r}: did you mean {meant!r}?")
    parts: dict[str, Any] = {}
    for part in FIELDS:
        found = _found(obj, part, fields)
        if found is None:
            continue
        key, value = found
        # Text, or a number where a number may stand (an id, a Unix time); a list or an object is no article part.
        why = not_text(str(key), value, numbers=part in _NUMBERS)
        if why:
            wrong.append(why)
            continue
        parts[part] = value
    if wrong:
        raise NotAnArticle("; ".join(wrong))
    if not as_text(parts.get("title")).strip() and not as_text(parts.get("body")).strip():
        shown = ", ".join(sorted(map(str, obj))[:12]) or "none"
        where = (f" nor where the feed's fields say ({', '.join(f'{k} from {v!r}' for k, v in fields.items())})"
                 if fields else "")
        raise NotAnArticle(f"not an article: no title or body under any name this reader knows (README, 'Inputs')"
                           f"{where}; its fields: {shown}")
    return parts, sorted(str(key) for key in obj if str(key).casefold() not in _FOLDED and key not in mapped)
