"""``wirewatch`` as it was before its internal topics were created up front (2026-11-24): only the pipeline's
topics and their dead-letter topics exist at start; Faust and the services' first sends create the rest
(changelogs, the assignor's topic, ingest.entries, ingest.polls, alerter.bursts) while the worker already runs.

    python -m tests.support.late_topics run --broker HOST:PORT --web-port N

Used by tests/integration/test_accounting.py to look for the dead letter that once went missing then.
"""

from __future__ import annotations

import sys

import services.runtime.topics as topics


async def pipeline_topics_only(settings, *, timeout_s: float = 30.0, say_every_s: float | None = None) -> list[str]:
    from aiokafka.admin import AIOKafkaAdminClient, NewTopic
    from aiokafka.errors import TopicAlreadyExistsError

    from services.runtime.kafka import aiokafka_options

    admin = AIOKafkaAdminClient(**aiokafka_options(settings), request_timeout_ms=10_000)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        wanted = [t for t in settings.topics.all() if t not in existing]
        if wanted:
            try:
                await admin.create_topics([NewTopic(t, num_partitions=settings.partitions,
                                                    replication_factor=settings.replication_factor) for t in wanted])
            except TopicAlreadyExistsError:
                pass
        return wanted
    finally:
        await admin.close()


if __name__ == "__main__":
    topics.ensure_topics = pipeline_topics_only
    from services.cli import main

    sys.exit(main(sys.argv[1:], prog_name="wirewatch"))
