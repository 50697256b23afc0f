"""A rule's `tag:` condition sees the feed tags the article carried from ingest."""

import base64
import os
from datetime import datetime, timezone

from schemas import TaggedArticle
from services.alerter.rules import load_rulebook

SECRET = "whsec_" + base64.b64encode(os.urandom(32)).decode()
RULES = f"""
webhooks:
  desk: {{url: "http://127.0.0.1:9/hook", secret: "{SECRET}"}}
rules:
  - id: maritime
    when: {{tag: maritime}}
    webhooks: [desk]
"""


def tagged(tags: list[str]) -> TaggedArticle:
    return TaggedArticle(id="a", source="gazette", fetched_at=datetime.now(timezone.utc), language="en",
                         language_confidence=1.0, original_title="Ferries resume", original_body="Ferries resumed.",
                         title="Ferries resume", body="Ferries resumed.", story_id="a", tags=tags)


def test_tag_condition_matches_the_feeds_tags():
    book = load_rulebook(RULES)
    assert [m.rule.id for m in book.evaluate(tagged(["local", "maritime"]))] == ["maritime"]
    assert book.evaluate(tagged(["local"])) == []
