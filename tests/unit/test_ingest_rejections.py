"""A bad entry a feed keeps listing is rejected once per revision: the same entry saying the same thing at the next poll
is a repeat (no new letter) wherever it sits in the feed; an edit of it is a new rejection; what the feed no longer
lists is forgotten, once a poll read the whole feed; and the rejections travel with the feed's poll state."""

from dataclasses import replace
from datetime import UTC, datetime

from services.ingest.feeds import FeedConfig, FeedDefaults, FeedsFile
from services.ingest.parser import parse_configured
from services.ingest.poller import Poller
from services.ingest.polling import FeedState
from services.ingest.pollstate import StoredPollState, restored, to_stored
from services.ingest.readers import RecordError
from services.ingest.rejections import MAX_KEPT, rejection_key, sort_rejections
from services.ingest.settings import IngestSettings

URL = "https://reef.example/rss"
FEED = FeedConfig(id="reef", url=URL)
NOW = datetime(2024, 3, 4, 7, 0, tzinfo=UTC)
GOOD = "<item><title>Lighthouse relit</title><link>https://reef.example/lighthouse</link><description>Again.</description></item>"
EMPTY = "<item><link>https://reef.example/buoy</link></item>"


def rejected(*items: str):
    doc = f'<?xml version="1.0"?><rss version="2.0"><channel><title>Reef</title>{"".join(items)}</channel></rss>'
    return parse_configured(FEED, doc.encode(), url=URL, http_content_type="application/rss+xml", now=NOW).errors


def test_the_same_bad_entry_at_the_next_poll_is_a_repeat_even_when_a_new_entry_moved_it_down():
    first = sort_rejections(rejected(EMPTY), ())
    assert len(first.fresh) == 1 and not first.repeats
    second = sort_rejections(rejected(GOOD, EMPTY), first.keys)  # now "entry 2", not "entry 1"
    assert not second.fresh and len(second.repeats) == 1 and second.keys == first.keys


def test_an_edited_bad_entry_is_a_new_rejection_even_in_a_part_the_letter_did_not_show():
    before = sort_rejections(rejected("<item><description>Buoy moved 40 m.</description></item>"), ()).keys
    edited = sort_rejections(rejected("<item><description>Buoy moved 45 m.</description></item>"), before)
    assert len(edited.fresh) == 1 and edited.keys != before  # no link, GUID or title either time: the text tells


def test_a_mended_or_dropped_entry_is_forgotten_and_two_bad_entries_are_two():
    two = sort_rejections(rejected(EMPTY, "<item><link>https://reef.example/tide</link></item>"), ())
    assert len(two.fresh) == 2 and len(two.keys) == 2
    mended = sort_rejections(rejected(GOOD, "<item><link>https://reef.example/tide</link></item>"), two.keys)
    assert not mended.fresh and len(mended.repeats) == 1 and len(mended.keys) == 1
    assert sort_rejections(rejected(GOOD), mended.keys).keys == ()
    [again] = sort_rejections(rejected(EMPTY), mended.keys).fresh  # listed again after it was dropped: said again
    assert rejection_key(again) in two.keys


def test_the_rejections_come_back_with_the_stored_poll_state():
    state = FeedState(feed_id="reef", url=URL, rejected=sort_rejections(rejected(EMPTY), ()).keys)
    stored = StoredPollState.model_validate_json(to_stored(state, URL).model_dump_json())
    assert restored(stored, URL) == state and len(state.rejected) == 1


def test_a_new_field_map_forgets_the_rejections_so_what_it_still_rejects_is_said_again():
    async def sink(result):
        pass

    poller = Poller(IngestSettings(), sink, clock=lambda: 0.0)
    api = FeedConfig(id="reef", url=URL, fields={"title": "headline"})
    poller.configure(FeedsFile(defaults=FeedDefaults(), feeds=[api]))
    poller.states["reef"] = replace(poller.states["reef"], rejected=("k1",), rejected_held=1, etag='"v1"')
    poller.configure(FeedsFile(defaults=FeedDefaults(), feeds=[api.model_copy(update={"headers": {"X-Key": "k"}})]))
    assert poller.states["reef"].rejected == ("k1",), "new headers read the entries as before"
    assert poller.status()[0]["rejected"] == 1
    poller.configure(FeedsFile(defaults=FeedDefaults(), feeds=[FeedConfig(id="reef", url=URL, fields={"title": "name"})]))
    assert poller.states["reef"].rejected == () and poller.status()[0]["rejected"] == 0


def test_the_state_kept_is_bounded_however_many_entries_a_feed_gets_wrong():
    records = [RecordError(f'feed "reef" entry {i + 1}', "InvalidEntry", f'feed "reef" entry {i + 1}: bad',
                           b'{"n": %d}' % i) for i in range(MAX_KEPT + 10)]
    first = sort_rejections(records, ())
    assert len(first.keys) == MAX_KEPT and len(first.fresh) == MAX_KEPT + 10
    again = sort_rejections(records, first.keys)
    assert len(again.repeats) == MAX_KEPT and len(again.fresh) == 10, "past the bound: lettered again, not kept"


def test_a_poll_that_read_part_of_a_paged_feed_keeps_what_it_did_not_find_after_what_it_found():
    on_page_3 = rejected(EMPTY)
    before = sort_rejections(on_page_3 + rejected("<item><link>https://reef.example/tide</link></item>"), ()).keys
    tide = before[1:]
    page_1 = sort_rejections(rejected("<item><link>https://reef.example/tide</link></item>"), before, whole=False)
    assert not page_1.fresh and page_1.keys == (*tide, before[0]) and page_1.held == 1
    assert sort_rejections(on_page_3, page_1.keys, whole=False).repeats == on_page_3, "read again: no new letter"
    assert sort_rejections(rejected(GOOD), page_1.keys, whole=True).keys == (), "the whole feed read: gone"


def test_past_the_bound_what_was_found_the_longest_ago_goes_first():
    def bad(i):
        return RecordError(f'feed "reef" entry {i}', "InvalidEntry", f'feed "reef" entry {i}: bad', b'{"n": %d}' % i)

    old = sort_rejections([bad(i) for i in range(MAX_KEPT)], ()).keys
    later = sort_rejections([bad(i) for i in range(MAX_KEPT, MAX_KEPT + 3)], old, whole=False)
    assert len(later.keys) == MAX_KEPT and later.held == 3
    assert later.keys[:3] == tuple(rejection_key(bad(i)) for i in range(MAX_KEPT, MAX_KEPT + 3))
    assert later.keys[3:] == old[:-3]


DAY = 24 * 3600.0
T0 = 1_709_600_000.0


def test_a_poll_that_read_every_page_up_to_the_cap_forgets_what_it_did_not_find_once_the_retention_is_past():
    before = sort_rejections(rejected(EMPTY), (), now=T0)
    assert before.found_at == (int(T0),)
    within = sort_rejections(rejected(GOOD), before.keys, whole=False, deep=True, before_at=before.found_at,
                             now=T0 + 6 * DAY, retention_s=7 * DAY)
    assert within.keys == before.keys and within.found_at == before.found_at, "not found for 6 days: kept"
    past = sort_rejections(rejected(GOOD), within.keys, whole=False, deep=True, before_at=within.found_at,
                           now=T0 + 8 * DAY, retention_s=7 * DAY)
    assert past.keys == () and past.found_at == ()


def test_a_poll_that_read_fewer_pages_keeps_what_it_did_not_find_however_long_ago_it_was_found():
    before = sort_rejections(rejected(EMPTY), (), now=T0)
    later = sort_rejections(rejected(GOOD), before.keys, whole=False, deep=False, before_at=before.found_at,
                            now=T0 + 365 * DAY, retention_s=7 * DAY)
    assert later.keys == before.keys and later.found_at == (int(T0),)


def test_a_key_found_again_is_found_now_and_keeps_its_place_first():
    tide = "<item><link>https://reef.example/tide</link></item>"
    before = sort_rejections(rejected(EMPTY, tide), (), now=T0)
    again = sort_rejections(rejected(tide), before.keys, whole=False, deep=True, before_at=before.found_at,
                            now=T0 + 8 * DAY, retention_s=7 * DAY)
    assert again.keys == before.keys[1:] and again.found_at == (int(T0 + 8 * DAY),) and not again.fresh


def test_keys_stored_before_their_times_were_count_as_found_at_the_first_poll_that_reads_them():
    keys = sort_rejections(rejected(EMPTY), ()).keys
    first = sort_rejections(rejected(GOOD), keys, whole=False, deep=True, now=T0 + 365 * DAY, retention_s=7 * DAY)
    assert first.keys == keys and first.found_at == (int(T0 + 365 * DAY),), "its age unknown: not taken as old"


def test_a_state_stored_before_the_count_of_the_last_answer_was_says_its_keys():
    """A poll state written before ``rejected_held`` existed holds the last answer's rejections and nothing kept from
    earlier answers (they were replaced at every answer): its keys are the count feeds status shows."""
    keys = sort_rejections(rejected(EMPTY, "<item><link>https://reef.example/tide</link></item>"), ()).keys
    old = to_stored(FeedState(feed_id="reef", url=URL, rejected=keys, last_attempt_at=T0), URL).model_dump(
        exclude={"rejected_held", "rejected_at"})
    state = restored(StoredPollState.model_validate(old), URL)

    async def sink(result):
        pass

    poller = Poller(IngestSettings(), sink, clock=lambda: 0.0, restore=lambda feed: state)
    poller.configure(FeedsFile(defaults=FeedDefaults(), feeds=[FEED]))
    poller.due()
    assert poller.status()[0]["rejected"] == 2
    poller.states["reef"] = replace(state, rejected=keys + ("k3",), rejected_held=1)
    assert poller.status()[0]["rejected"] == 1, "recorded since: what the last answer held, not what is kept"
