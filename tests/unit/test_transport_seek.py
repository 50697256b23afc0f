"""Which partitions the consumer seeks to the reset position after Faust's seek to committed offsets."""

from __future__ import annotations

from faust.types import TP

from services.runtime.transport import rewind_targets

ALERTS, TAGGED, CHANGELOG = TP("alerts", 0), TP("articles.tagged", 0), TP("wirewatch-alerter-alerter-fired-changelog", 0)


def changelog(tp: TP) -> bool:
    return tp.topic.endswith("-changelog")


def test_a_partition_never_committed_and_not_yet_read_is_rewound() -> None:
    # The killed alerter's two alerts were both in retry: nothing committed on `alerts`; the fetcher of its successor
    # took them from the broker during table recovery and Faust dropped them (none reached an agent).
    assert rewind_targets({ALERTS: None, TAGGED: 1}, {}, changelog) == [ALERTS]


def test_a_committed_offset_of_zero_counts_as_none() -> None:
    # aiokafka seeks only to a committed offset > 0.
    assert rewind_targets({ALERTS: 0}, {}, changelog) == [ALERTS]


def test_a_partition_with_a_committed_offset_is_left_to_the_seek() -> None:
    assert rewind_targets({TAGGED: 1}, {}, changelog) == []


def test_a_partition_an_agent_already_reads_is_not_read_again() -> None:
    # Records already handed over are in the agents' hands: rewinding would deliver them twice.
    assert rewind_targets({ALERTS: None}, {ALERTS: 1}, changelog) == []


def test_table_changelogs_are_left_to_faust_recovery() -> None:
    assert rewind_targets({CHANGELOG: None, ALERTS: None}, {}, changelog) == [ALERTS]


def test_aiokafka_and_faust_partitions_name_the_same_partition() -> None:
    # aiokafka answers with its TopicPartition; Faust keeps read offsets by its TP.
    from aiokafka import TopicPartition

    assert rewind_targets({TopicPartition("alerts", 0): None}, {ALERTS: 1}, changelog) == []
    assert rewind_targets({TopicPartition("alerts", 0): None}, {TAGGED: 1}, changelog) == [TopicPartition("alerts", 0)]


def test_nothing_past_a_message_still_in_an_agents_hands_is_committable() -> None:
    from services.runtime.transport import committable_acks

    # Alert 0 in webhook retry, alert 1 delivered: a commit must not cover 1 (Faust's own rule committed 2).
    assert committable_acks([1], 0) == ([], [1])
    assert committable_acks([3, 4, 6, 7], 5) == ([3, 4], [6, 7])
    assert committable_acks([3, 4], None) == ([3, 4], [])


async def test_the_consumer_commits_up_to_the_message_in_flight_and_past_it_once_acknowledged() -> None:
    """Faust's own commit rule, on a real Faust consumer: offset 0 in an agent's hands, offset 1 acknowledged."""
    from services.runtime.transport import _Consumer

    class Held:  # what the consumer reads of a message an agent holds
        tp, offset, acked = ALERTS, 0, False

    consumer = _Consumer.__new__(_Consumer)  # only the offset bookkeeping is used
    consumer._acked, consumer._acked_index = {ALERTS: [1]}, {ALERTS: {1}}
    consumer._committed_offset, consumer._gap = {ALERTS: None}, {ALERTS: None}
    held = Held()
    consumer._unacked_messages = {held}
    assert consumer._new_offset(ALERTS) is None  # Faust alone answers 2
    assert consumer._acked[ALERTS] == [1]
    held.acked = True
    consumer._acked[ALERTS].insert(0, 0)
    consumer._acked_index[ALERTS].add(0)
    assert consumer._new_offset(ALERTS) == 2


def test_the_drain_takes_a_copy_of_the_live_active_set() -> None:
    from services.runtime.transport import drain_targets

    live = {ALERTS}
    targets = drain_targets(live)
    live.clear()  # Faust pauses while aiokafka drains: the drain keeps what it was asked for
    assert targets == {ALERTS}
    assert drain_targets(set()) == set() and drain_targets(None) is None


def test_records_drained_for_a_partition_no_longer_active_are_put_back() -> None:
    from types import SimpleNamespace

    from services.runtime.transport import undrained

    drained = {ALERTS: [SimpleNamespace(offset=4), SimpleNamespace(offset=5)], TAGGED: [SimpleNamespace(offset=9)]}
    keep, back = undrained(drained, {TAGGED})
    assert keep == {TAGGED: drained[TAGGED]} and back == {ALERTS: 4}
    assert undrained(drained, None) == (drained, {})  # client-only: everything is taken
