"""Topic creation on the real broker: every pipeline topic made once with the configured partitions, and a
topic that exists with another count named in a warning instead of a silent crash loop of the tables."""

from __future__ import annotations

import pytest
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from structlog.testing import capture_logs

from services.runtime.settings import Settings
from services.runtime.topics import ensure_topics

pytestmark = pytest.mark.integration


async def partition_counts(bootstrap: str, topics: list[str]) -> dict[str, int]:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        return {d["topic"]: len(d["partitions"]) for d in await admin.describe_topics(topics)}
    finally:
        await admin.close()


async def test_existing_topics_with_another_partition_count_are_named_and_the_rest_created(broker):
    settings = Settings(broker=broker.bootstrap, partitions=1)
    admin = AIOKafkaAdminClient(bootstrap_servers=broker.bootstrap)
    await admin.start()
    await admin.create_topics([NewTopic(settings.topics.tagged, num_partitions=3, replication_factor=1)])
    await admin.close()

    with capture_logs() as logs:
        created = await ensure_topics(settings)
    assert settings.topics.tagged not in created and settings.topics.raw in created
    [warning] = [e for e in logs if e["event"] == "topic_partitions_differ"]
    assert warning["log_level"] == "warning" and warning["configured"] == 1
    assert warning["topics"] == {settings.topics.tagged: 3}
    counts = await partition_counts(broker.bootstrap, created)
    assert set(counts.values()) == {1}, counts

    with capture_logs() as logs:  # a second worker: nothing to create, the same mismatch said again
        assert await ensure_topics(settings) == []
    assert [e["topics"] for e in logs if e["event"] == "topic_partitions_differ"] == [{settings.topics.tagged: 3}]


async def test_matching_topics_give_no_warning(broker):
    settings = Settings(broker=broker.bootstrap, partitions=2)
    with capture_logs() as logs:
        assert await ensure_topics(settings)
        assert await ensure_topics(settings) == []
    assert not [e for e in logs if e["event"] == "topic_partitions_differ"]
