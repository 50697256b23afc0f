"""One alert per rule and story: the dedupe key, the alert id derived from it, and the alert itself.

The alert id is a pure function of the dedupe key, so a re-fire after a restart or a
redelivery carries the same ``webhook-id`` and receivers can drop the copy.
"""

from __future__ import annotations

import base64
import hashlib
import re
from datetime import datetime

from schemas import Alert, TaggedArticle
from services.alerter.rules import RuleMatch

__all__ = ["ALERT_ID_PREFIX", "dedupe_key", "alert_id", "summarize", "make_alert"]

ALERT_ID_PREFIX = "alrt_"
# 26 base32 characters are 130 bits of the digest: collisions are not a practical concern.
_ID_CHARS = 26
_TITLE_CHARS = 160
_WHITESPACE = re.compile(r"\s+")


def dedupe_key(rule_id: str, story_id: str) -> str:
    """``<rule_id>:<story_id>``; rule ids cannot contain ':' so the key splits back unambiguously."""
    return f"{rule_id}:{story_id}"


def alert_id(key: str) -> str:
    digest = hashlib.sha256(key.encode("utf-8")).digest()
    return ALERT_ID_PREFIX + base64.b32encode(digest).decode("ascii").lower()[:_ID_CHARS]


def _one_line(text: str, limit: int) -> str:
    text = _WHITESPACE.sub(" ", text).strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def summarize(rule_id: str, article: TaggedArticle) -> str:
    """One line for a human: ``nato-in-ukraine: "NATO chief in Kyiv" (wire-en, en)``."""
    title = _one_line(article.title, _TITLE_CHARS) or _one_line(article.body, _TITLE_CHARS // 2) or "(untitled)"
    return f'{rule_id}: "{title}" ({article.source}, {article.language})'


def make_alert(match: RuleMatch, article: TaggedArticle, now: datetime) -> Alert:
    """The alert for ``match`` on ``article``, fired at ``now`` (timezone-aware)."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    key = dedupe_key(match.rule.id, article.story_id)
    names = {e.canonical_name for e in article.entities if e.canonical_id and e.canonical_name}
    return Alert(
        id=alert_id(key),
        rule_id=match.rule.id,
        story_id=article.story_id,
        article_ids=[article.id],
        dedupe_key=key,
        fired_at=now,
        summary=summarize(match.rule.id, article),
        matched=list(match.matched),
        title=article.title,
        url=article.url,
        entities=sorted(names, key=lambda n: (n.casefold(), n)),
    )
