"""What a worker makes of a broker that lost its topics: which topics to create again."""

from services.runtime.produce_guard import missing_topics


def test_only_unknown_topics_are_missing():
    answer = [{"error_code": 0, "topic": "articles.tagged", "partitions": []},
              {"error_code": 3, "topic": "articles.raw", "partitions": []},
              {"error_code": 5, "topic": "alerts", "partitions": []}]  # leader not available: there, not ready
    assert missing_topics(answer) == ["articles.raw"]
