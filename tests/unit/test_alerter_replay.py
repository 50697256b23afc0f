"""Which dead letters of alerts.dlq `wirewatch alerts replay` re-sends, and where to."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from schemas import Alert, DeadLetter
from services.alerter.dedupe import alert_id
from services.alerter.replay import (DELIVERY_STAGE, ENDPOINT_DISABLED, UNDELIVERABLE, failed_delivery, replay_summary,
                                     replays_before, select_replays, since_in_the_future)
from services.runtime.codec import dead_letter, encode

T0 = datetime(2026, 3, 5, 9, 0, tzinfo=timezone.utc)


def alert(story: str) -> Alert:
    key = f"nato:{story}"
    return Alert(id=alert_id(key), rule_id="nato", story_id=story, article_ids=["a"], dedupe_key=key, fired_at=T0,
                 summary="nato: x", matched=["entity:Q7184"])


def letter(a: Alert | bytes, endpoint: str | None, *, error: str = UNDELIVERABLE, minutes: float = 0,
           service: str = DELIVERY_STAGE, topic: str = "alerts") -> DeadLetter:
    record = dead_letter(source_topic=topic, service=service, error_class=error,
                         reason=f"to endpoint {endpoint!r} (http://x): HTTP 503 (gave up after 5 attempts)",
                         original=a if isinstance(a, bytes) else encode(a),
                         key=endpoint.encode() if endpoint is not None else None)
    return record.model_copy(update={"failed_at": T0 + timedelta(minutes=minutes)})


def test_a_delivery_dead_letter_names_its_alert_and_endpoint_without_reading_the_reason() -> None:
    a = alert("s1")
    replay = failed_delivery(letter(a, "newsroom").model_copy(update={"reason": "anything at all"}))
    assert replay is not None and replay.alert == a and replay.endpoint == "newsroom"
    assert failed_delivery(letter(a, "gone", error=ENDPOINT_DISABLED)).endpoint == "gone"


def test_dead_letters_that_are_not_failed_deliveries_are_not_replayed() -> None:
    a = alert("s1")
    assert failed_delivery(letter(b"{not json", "newsroom", error="InvalidJSON")) is None
    assert failed_delivery(letter(a, "newsroom", error="UnknownRule")) is None
    assert failed_delivery(letter(a, "newsroom", service="alerter-dedupe")) is None
    assert failed_delivery(letter(a, "newsroom", topic="alerter.matches")) is None
    assert failed_delivery(letter(a, None)) is None
    assert failed_delivery(letter(b'{"id": "x"}', "newsroom")) is None


def test_one_resend_per_alert_and_endpoint_filtered_by_time_and_endpoint() -> None:
    a, b = alert("s1"), alert("s2")
    letters = [letter(a, "newsroom", minutes=0), letter(a, "newsroom", minutes=5), letter(a, "slack", minutes=1),
               letter(b, "newsroom", minutes=10)]
    assert sorted((r.alert.story_id, r.endpoint) for r in select_replays(letters)) == [
        ("s1", "newsroom"), ("s1", "slack"), ("s2", "newsroom")]
    assert [r.failed_at for r in select_replays(letters) if r.endpoint == "newsroom" and r.alert == a] == [
        T0 + timedelta(minutes=5)]
    since = select_replays(letters, since=T0 + timedelta(minutes=2))
    assert sorted((r.alert.story_id, r.endpoint) for r in since) == [("s1", "newsroom"), ("s2", "newsroom")]
    assert [(r.alert.story_id) for r in select_replays(letters, endpoint="slack")] == ["s1"]
    assert select_replays(letters, alerts_topic="other") == []


def test_a_late_since_says_how_many_deliveries_it_left_out_instead_of_reporting_none() -> None:
    a, b, c = alert("s1"), alert("s2"), alert("s3")
    letters = [letter(a, "newsroom", minutes=0), letter(a, "newsroom", minutes=5), letter(b, "newsroom", minutes=1),
               letter(c, "slack", minutes=2)]
    future = T0 + timedelta(days=400)
    assert select_replays(letters, since=future) == [] and replays_before(letters, future) == 3
    summary = replay_summary(0, sent=0, failed=0, skipped=0, dry_run=False, since=future, earlier=3)
    assert summary == ("0 of 3 dead-lettered deliveries since 2027-04-09T09:00:00: 0 delivered, 0 not delivered; "
                       "3 earlier (use an earlier --since)")
    # An alert that failed before and after --since is kept, not counted as earlier; --endpoint narrows both.
    later = T0 + timedelta(minutes=3)
    assert replays_before(letters, later) == 2 and replays_before(letters, later, endpoint="slack") == 1
    assert replay_summary(1, sent=1, failed=0, skipped=0, dry_run=True, since=later, earlier=2) == (
        "1 of 3 dead-lettered deliveries since 2026-03-05T09:03:00 (dry run): 1 would be re-sent; "
        "2 earlier (use an earlier --since)")
    # Nothing left out: the line is as without --since.
    assert replay_summary(2, sent=2, failed=0, skipped=0, dry_run=False, since=T0, earlier=0) == (
        "2 dead-lettered deliveries: 2 delivered, 0 not delivered")


def test_a_since_in_the_future_is_said_to_be_in_the_future() -> None:
    warning = since_in_the_future(T0 + timedelta(days=1), now=T0)
    assert warning is not None and "--since 2026-03-06T09:00:00 (UTC) is in the future" in warning
    assert since_in_the_future(T0, now=T0) is None and since_in_the_future(T0 - timedelta(days=1), now=T0) is None


def test_a_since_within_a_second_parts_two_failures_that_second_and_says_its_fraction() -> None:
    a, b = alert("s1"), alert("s2")
    letters = [letter(a, "newsroom", minutes=0.25 / 60), letter(b, "newsroom", minutes=0.75 / 60)]  # 09:00:00.25, .75
    since = T0 + timedelta(seconds=0.5)
    assert [r.alert.story_id for r in select_replays(letters, since=since)] == ["s2"]
    assert replays_before(letters, since) == 1
    assert replay_summary(1, sent=1, failed=0, skipped=0, dry_run=True, since=since, earlier=1) == (
        "1 of 2 dead-lettered deliveries since 2026-03-05T09:00:00.5 (dry run): 1 would be re-sent; "
        "1 earlier (use an earlier --since)")
    assert since_in_the_future(since, T0).startswith("warning: --since 2026-03-05T09:00:00.5 (UTC) is in the future")
