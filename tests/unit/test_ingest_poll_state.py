"""Poll state that outlives a worker: stored and restored as it was, dropped when the feeds file names another URL,
never rolled back by a late record; the poller resumes a feed from it when it starts owning the feed."""

import asyncio

import orjson

from services.ingest.feeds import FeedConfig, FeedDefaults, FeedsFile
from services.ingest.fetcher import Fetched, FetchError
from services.ingest.poller import Poller
from services.ingest.polling import (
    FeedState,
    FetchOutcome,
    PollPolicy,
    is_due,
    on_outcome,
)
from services.ingest.pollstate import (
    StoredPollState,
    feed_partition,
    is_newer,
    restored,
    to_stored,
)
from services.ingest.settings import IngestSettings

NOW = 1_709_600_000.0
URL = "https://gazette.example.com/rss"
POLICY = PollPolicy(min_interval_s=60, max_interval_s=600)


def _through_the_wire(state, config_url=URL):
    return StoredPollState.model_validate_json(to_stored(state, config_url).model_dump_json())


def test_stored_state_comes_back_exactly_etag_moved_url_failures_and_410_included():
    state = on_outcome(FeedState(feed_id="gazette", url=URL), FetchOutcome(200, etag='"v7"', last_modified="Mon, 04 Mar 2024 07:00:00 GMT",
                       permanent_url="https://new.example.com/rss", published=(NOW - 60, NOW - 3600)), NOW, POLICY)
    assert restored(_through_the_wire(state), URL) == state
    gone = on_outcome(state, FetchOutcome(410, error='feed "gazette": HTTP 410'), NOW + 1, POLICY)
    back = restored(_through_the_wire(gone), URL)
    assert back.disabled and not is_due(back, NOW + 10**7) and back.last_error_class == "HTTP410"


def test_a_state_stored_by_a_later_release_with_a_field_this_one_does_not_know_is_resumed_not_dropped():
    """A rollback (or a worker of the older release during a rolling upgrade) keeps the feed's ETag, failures and
    410: only the field it does not know is left out."""
    state = on_outcome(FeedState(feed_id="gazette", url=URL), FetchOutcome(200, etag='"v7"'), NOW, POLICY)
    later = {**orjson.loads(to_stored(state, URL).model_dump_json()), "read_sideways_at": NOW}
    assert restored(StoredPollState.model_validate_json(orjson.dumps(later)), URL) == state


def test_an_edited_url_in_the_feeds_file_starts_the_feed_afresh():
    state = FeedState(feed_id="gazette", url=URL, etag='"v7"')
    assert restored(_through_the_wire(state), "https://other.example.com/rss") is None
    assert restored(None, URL) is None


def test_a_late_record_never_rolls_state_back():
    old = FeedState(feed_id="g", url=URL, last_attempt_at=NOW)
    new = FeedState(feed_id="g", url=URL, last_attempt_at=NOW + 60)
    assert is_newer(new, old) and not is_newer(old, new) and is_newer(old, None)


def test_partition_is_stable_and_within_range():
    assert feed_partition("gazette", 4) == feed_partition("gazette", 4)
    assert {feed_partition(f"feed-{i}", 4) for i in range(50)} == {0, 1, 2, 3}


class _Failing:
    async def get(self, url, *, label, headers=None, **kw):
        raise FetchError("ConnectError", f"{label}: cannot connect to {url}: refused")


def _poller(restore=lambda feed: None, owns=lambda feed_id: True, failing_after=3):
    async def sink(result):
        pass

    poller = Poller(IngestSettings(failing_after=failing_after), sink, clock=lambda: NOW, owns=owns, restore=restore)
    poller.configure(FeedsFile(defaults=FeedDefaults(), feeds=[FeedConfig(id="gazette", url=URL)]))
    return poller


def test_poller_resumes_a_feed_from_its_stored_state_when_it_starts_owning_it():
    stored = FeedState(feed_id="gazette", url=URL, etag='"v7"', next_poll_at=NOW + 100, last_attempt_at=NOW - 200)
    owned = {"gazette": False}
    poller = _poller(restore=lambda feed: stored, owns=lambda feed_id: owned[feed_id])
    assert poller.due() == [] and poller.states["gazette"].etag is None  # not ours: nothing read, nothing polled
    owned["gazette"] = True
    assert poller.due() == []  # ours now: resumed, and not due before the stored next poll
    assert poller.states["gazette"] == stored and poller.status()[0]["polled_here"]


def test_poller_adopts_a_newer_state_seen_on_the_topic_but_not_an_older_one():
    poller = _poller()
    poller.due()
    newer = FeedState(feed_id="gazette", url=URL, etag='"v8"', last_attempt_at=NOW)
    poller.observe(newer, URL)
    assert poller.states["gazette"].etag == '"v8"'
    poller.observe(FeedState(feed_id="gazette", url=URL, etag='"v1"', last_attempt_at=NOW - 1), URL)
    poller.observe(FeedState(feed_id="gazette", url=URL, etag='"x"', last_attempt_at=NOW + 1), "https://old.example.com/rss")
    assert poller.states["gazette"].etag == '"v8"'


def test_a_feed_failing_n_times_in_a_row_shows_failing_with_its_last_error():
    poller = _poller(failing_after=2)
    feed = poller.feeds.feeds[0]
    for expected in (False, True):
        asyncio.run(poller._poll(feed, _Failing()))
        status = poller.status()[0]
        assert status["failing"] is expected
    assert status["consecutive_failures"] == 2 and status["last_error_class"] == "ConnectError"
    assert status["last_error"] == f'feed "gazette": cannot connect to {URL}: refused' and status["last_error_at"] == NOW


class _Answers:
    def __init__(self, status):
        self.status = status

    async def get(self, url, *, label, headers=None, **kw):
        return Fetched(self.status, url)


def test_the_feed_failing_metric_says_what_feeds_status_says_whatever_failing_after_is():
    """Prometheus alerts on wirewatch_feed_failing (deploy/prometheus/rules.yml), so no copy of the setting is needed."""
    from prometheus_client import REGISTRY

    poller = _poller(failing_after=4)
    feed = poller.feeds.feeds[0]

    def said():
        return REGISTRY.get_sample_value("wirewatch_feed_failing", {"feed": "gazette"}), poller.status()[0]["failing"]

    seen = []
    for _ in range(4):
        asyncio.run(poller._poll(feed, _Failing()))
        seen.append(said())
    assert seen == [(0, False), (0, False), (0, False), (1, True)]
    asyncio.run(poller._poll(feed, _Answers(304)))
    assert said() == (0, False)
    asyncio.run(poller._poll(feed, _Answers(410)))
    assert said() == (1, True) and poller.status()[0]["disabled"]


def test_new_headers_in_the_feeds_file_are_tried_now_not_after_the_backoff():
    """A 401 from a wrong key backs the feed off; mending the key in the file makes it due at once, keeping its URL."""
    poller = _poller(failing_after=2)
    for _ in range(3):
        asyncio.run(poller._poll(poller.feeds.feeds[0], _Failing()))
    failed = poller.states["gazette"]
    assert not is_due(failed, NOW) and failed.consecutive_failures == 3
    poller.configure(FeedsFile(defaults=FeedDefaults(), feeds=[FeedConfig(id="gazette", url=URL)]))
    assert poller.states["gazette"] == failed, "the same file again changes nothing"
    poller.configure(FeedsFile(defaults=FeedDefaults(), feeds=[FeedConfig(id="gazette", url=URL, headers={"X-Api-Key": "k2"})]))
    mended = poller.states["gazette"]
    assert is_due(mended, NOW) and mended.consecutive_failures == 0 and not poller.status()[0]["failing"]
    assert mended.last_attempt_at == failed.last_attempt_at, "an echo of the failed poll must not count as newer"
