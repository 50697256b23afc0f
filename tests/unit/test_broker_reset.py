"""What a worker makes of a broker that lost its topics: which changelogs are gone, which topics to create again."""

from faust.types import TP

from services.runtime.produce_guard import missing_topics
from services.runtime.tables import lost_changelogs

STORIES = [TP("wirewatch-tagger-tagger-stories-changelog", p) for p in range(2)]


def test_a_changelog_that_ends_before_what_the_worker_read_was_lost():
    # Read up to offset 30, the broker now has nothing: Faust's ConsistencyError, here a lost changelog.
    assert lost_changelogs({STORIES[1]: 30}, {STORIES[1]: 0}, STORIES) == [STORIES[1]]


def test_a_changelog_that_ends_at_the_last_offset_known_was_lost():
    assert lost_changelogs({STORIES[0]: 4}, {STORIES[0]: 4}, STORIES) == [STORIES[0]]


def test_a_changelog_holding_what_the_worker_knows_is_kept():
    assert lost_changelogs({STORIES[0]: 4, STORIES[1]: 0}, {STORIES[0]: 5, STORIES[1]: 9}, STORIES) == []


def test_nothing_read_or_written_is_nothing_lost():
    assert lost_changelogs({STORIES[0]: -1, STORIES[1]: None}, {STORIES[0]: 0, STORIES[1]: None}, STORIES) == []


def test_a_partition_the_broker_does_not_know_counts_as_empty():
    assert lost_changelogs({STORIES[0]: 0}, {STORIES[0]: None}, STORIES) == [STORIES[0]]


def test_only_unknown_topics_are_missing():
    answer = [{"error_code": 0, "topic": "articles.tagged", "partitions": []},
              {"error_code": 3, "topic": "articles.raw", "partitions": []},
              {"error_code": 5, "topic": "alerts", "partitions": []}]  # leader not available: there, not ready
    assert missing_topics(answer) == ["articles.raw"]
