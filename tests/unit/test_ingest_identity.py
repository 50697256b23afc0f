"""An article keeps its id across polls and edits; unchanged entries are dropped, edited ones come as revisions."""

from datetime import datetime, timezone

from schemas import RawArticle
from services.ingest.identity import Seen, decide, fingerprint
from services.ingest.ids import article_id

NOW = datetime(2024, 3, 5, 9, 30, tzinfo=timezone.utc)


def _article(title="Ferries resume", body="<p>Crossings restart at noon.</p>", url="https://e.com/a?utm_source=rss"):
    return RawArticle(id=article_id(url=url), source="gazette", url=url, title=title, body=body, fetched_at=NOW)


def test_first_sight_is_new_at_revision_zero():
    decision = decide(_article(), {})
    assert decision.kind == "new" and decision.emit
    assert decision.article.revision == 0 and decision.article.fingerprint == decision.seen.fingerprint


def test_same_entry_polled_again_is_dropped():
    seen = {}
    first = decide(_article(), seen)
    seen[first.article.id] = first.seen
    again = decide(_article(body="<p>Crossings  restart at\nnoon.</p>"), seen)  # markup/whitespace churn only
    assert again.kind == "duplicate" and not again.emit


def test_edited_entry_is_an_update_with_the_same_id_and_next_revision():
    seen = {}
    for body in ("Crossings restart at noon.", "Crossings restart at 2 pm.", "Crossings restart at 3 pm."):
        decision = decide(_article(body=body), seen)
        seen[decision.article.id] = decision.seen
    assert decision.kind == "updated"
    assert decision.article.id == _article().id
    assert decision.article.revision == 2


def test_id_ignores_tracking_parameters_but_fingerprint_sees_the_text():
    assert _article(url="https://e.com/a?utm_campaign=x").id == _article(url="https://e.com/a").id
    assert fingerprint("T", "one") != fingerprint("T", "two")
    assert fingerprint("T", "<b>one</b>") == fingerprint("T", "one")


def test_decide_accepts_the_stored_value_directly():
    art = _article()
    assert decide(art, Seen(fingerprint(art.title, art.body, art.url), 4)).kind == "duplicate"
