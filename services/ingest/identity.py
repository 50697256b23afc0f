"""Which feed entries are new, which are edits of an article already sent, which are repeats.

The id says *which* article (canonical URL, or feed + GUID; see ``ids.py``); the
fingerprint says *what it said*. Both are pure functions; the seen-state is any
mapping from article id to :class:`Seen` (a Faust table in the service, a dict in tests).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from schemas import RawArticle

__all__ = ["Seen", "Decision", "fingerprint", "decide"]

_SPACE = re.compile(r"\s+")
_TAG = re.compile(r"<[^>]{0,2000}>")


def _norm(text: str) -> str:
    # Markup and whitespace churn (a CMS re-indenting its HTML) is not an edit a reader sees.
    text = unicodedata.normalize("NFC", _TAG.sub(" ", text))
    return _SPACE.sub(" ", text).strip()


def fingerprint(title: str, body: str, url: str | None = None) -> str:
    """Content hash of what a reader sees: title, text and link, markup and whitespace ignored."""
    material = "\x1f".join((_norm(title), _norm(body), url or ""))
    return hashlib.blake2b(material.encode("utf-8"), digest_size=16).hexdigest()


@dataclass(frozen=True)
class Seen:
    """What was last sent for an article id."""

    fingerprint: str
    revision: int


@dataclass(frozen=True)
class Decision:
    kind: Literal["new", "updated", "duplicate"]
    article: RawArticle  # with ``revision`` and ``fingerprint`` set
    seen: Seen  # the state to store for the id

    @property
    def emit(self) -> bool:
        return self.kind != "duplicate"


def decide(article: RawArticle, seen: Mapping[str, Seen] | Seen | None) -> Decision:
    """New (revision 0), updated (revision + 1) or duplicate (dropped), from what was seen for this id."""
    if isinstance(seen, Mapping):
        seen = seen.get(article.id)
    fp = article.fingerprint or fingerprint(article.title, article.body, article.url)
    if seen is None:
        stamped = article.model_copy(update={"fingerprint": fp, "revision": 0})
        return Decision("new", stamped, Seen(fp, 0))
    if seen.fingerprint == fp:
        return Decision("duplicate", article.model_copy(update={"fingerprint": fp, "revision": seen.revision}), seen)
    revision = seen.revision + 1
    return Decision("updated", article.model_copy(update={"fingerprint": fp, "revision": revision}), Seen(fp, revision))
