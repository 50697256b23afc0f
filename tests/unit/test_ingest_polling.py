"""Polite polling decided by pure functions: conditional GET, redirects, 410, 429, backoff, adaptive interval."""

import email.utils

from services.ingest.polling import (
    WEEK_S,
    FeedState,
    FetchOutcome,
    PollPolicy,
    adaptive_interval,
    backoff_delay,
    conditional_headers,
    is_due,
    is_failing,
    on_outcome,
    retry_after_seconds,
)

POLICY = PollPolicy(min_interval_s=300, max_interval_s=3600, backoff_base_s=60, backoff_cap_s=7200, failing_after=3)
NOW = 1_709_600_000.0


def _state(**kw):
    return FeedState(feed_id="gazette", url="https://gazette.example.com/rss", **kw)


def test_validators_from_the_last_200_are_sent_next_time():
    state = on_outcome(_state(), FetchOutcome(200, etag='"v1"', last_modified="Mon, 04 Mar 2024 07:00:00 GMT"), NOW, POLICY)
    assert conditional_headers(state) == {"If-None-Match": '"v1"', "If-Modified-Since": "Mon, 04 Mar 2024 07:00:00 GMT"}
    assert conditional_headers(_state()) == {}


def test_304_keeps_validators_and_counts_as_success():
    state = _state(etag='"v1"', consecutive_failures=2)
    after = on_outcome(state, FetchOutcome(304), NOW, POLICY)
    assert after.etag == '"v1"' and after.consecutive_failures == 0 and after.last_success_at == NOW


def test_permanent_redirect_updates_the_stored_url():
    after = on_outcome(_state(), FetchOutcome(200, permanent_url="https://new.example.com/feed"), NOW, POLICY)
    assert after.url == "https://new.example.com/feed"


def test_a_200_too_large_to_read_is_a_failure_that_backs_off():
    state = _state()
    for _ in range(POLICY.failing_after):
        state = on_outcome(state, FetchOutcome(200, error="response of 11616083 bytes exceeds the limit", error_class="TooLarge"),
                           NOW, POLICY)
    assert is_failing(state, POLICY) and state.last_error_class == "TooLarge" and state.last_success_at is None
    assert state.next_poll_at - NOW >= POLICY.backoff_base_s


def test_410_disables_the_feed_for_good():
    after = on_outcome(_state(), FetchOutcome(410), NOW, POLICY)
    assert after.disabled and "410" in after.disabled
    assert not is_due(after, NOW + 10 * WEEK_S) and is_failing(after, POLICY)


def test_429_waits_for_retry_after_in_seconds_or_as_a_date():
    after = on_outcome(_state(), FetchOutcome(429, retry_after="1800"), NOW, POLICY)
    assert after.next_poll_at == NOW + 1800 and not is_due(after, NOW + 1799) and is_due(after, NOW + 1800)
    date = email.utils.formatdate(NOW + 5000, usegmt=True)
    assert retry_after_seconds(date, NOW) == 5000
    assert retry_after_seconds("soon", NOW) is None
    # a tiny Retry-After never makes us poll faster than the minimum interval
    assert on_outcome(_state(), FetchOutcome(429, retry_after="1"), NOW, POLICY).next_poll_at == NOW + 300


def test_errors_back_off_exponentially_up_to_the_cap():
    delays = [backoff_delay(n, POLICY, "gazette") for n in range(1, 12)]
    assert delays == sorted(delays)
    assert delays[0] == 300  # base 60 s is below the minimum interval
    assert 1920 <= delays[5] <= 1920 * 1.1
    assert delays[-1] == 7200


def test_a_feed_failing_n_times_in_a_row_is_reported_and_not_retried_in_a_tight_loop():
    state, now = _state(), NOW
    for _ in range(3):
        state = on_outcome(state, FetchOutcome(None, error='feed "gazette": connection refused'), now, POLICY)
        assert state.next_poll_at - now >= POLICY.min_interval_s
        now = state.next_poll_at
    assert is_failing(state, POLICY) and state.consecutive_failures == 3
    assert state.last_error == 'feed "gazette": connection refused'
    recovered = on_outcome(state, FetchOutcome(200), now, POLICY)
    assert not is_failing(recovered, POLICY)


def test_a_body_that_is_not_a_feed_is_a_failure_even_with_200():
    after = on_outcome(_state(), FetchOutcome(200, parsed_ok=False, error="not a feed"), NOW, POLICY)
    assert after.consecutive_failures == 1 and after.last_success_at is None


def test_interval_follows_how_often_the_feed_publishes_within_bounds():
    wide = PollPolicy(min_interval_s=300, max_interval_s=6 * 3600)
    every_minute = [NOW - i * 60 for i in range(500)]
    every_two_hours = [NOW - i * 7200 for i in range(84)]
    burst_five_days_ago = [NOW - 5 * 24 * 3600 - i * 60 for i in range(10)]
    assert adaptive_interval(every_minute, NOW, wide) == 300  # never below the minimum
    assert 1.9 * 3600 <= adaptive_interval(every_two_hours, NOW, wide) <= 2.1 * 3600
    assert adaptive_interval(burst_five_days_ago, NOW, wide) == 6 * 3600  # went quiet: slow down, to the maximum
    assert adaptive_interval([], NOW, wide) == 6 * 3600
    state = on_outcome(_state(), FetchOutcome(200, published=tuple(every_two_hours)), NOW, wide)
    assert state.next_poll_at == NOW + state.interval_s and 1.9 * 3600 <= state.interval_s <= 2.1 * 3600
    # the publication history carries over polls: a 304 keeps the rate learned so far
    assert on_outcome(state, FetchOutcome(304), NOW + 60, wide).interval_s == adaptive_interval(every_two_hours, NOW + 60, wide)
