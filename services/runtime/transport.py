"""Faust's aiokafka transport with the consumer's fetch wait made a setting.

faust-streaming hard-codes ``fetch_max_wait_ms=1500`` for worker consumers. Every hop
from ``articles.raw`` to a webhook is a consumer, and on a quiet topic each one can
wait that long for more data before it hands over what it has: a fresh article paid
it at every stage. ``WIREWATCH_FETCH_MAX_WAIT_MS`` sets it instead.
"""

from __future__ import annotations

from typing import Any

import faust
from faust.transport.drivers import aiokafka as driver

__all__ = ["WirewatchApp"]


class _ConsumerThread(driver.AIOKafkaConsumerThread):
    def _create_worker_consumer(self, transport: driver.Transport) -> Any:
        consumer = super()._create_worker_consumer(transport)
        # aiokafka hands this to its fetcher at start(), which has not happened yet.
        consumer._fetch_max_wait_ms = self.app.fetch_max_wait_ms  # noqa: SLF001
        return consumer


class _Consumer(driver.Consumer):
    def _new_consumer_thread(self) -> _ConsumerThread:
        return _ConsumerThread(self, loop=self.loop, beacon=self.beacon)


class _Transport(driver.Transport):
    Consumer = _Consumer


class WirewatchApp(faust.App):
    """faust.App whose Kafka consumers use ``fetch_max_wait_ms``."""

    def __init__(self, *args: Any, fetch_max_wait_ms: int = 100, **kwargs: Any) -> None:
        self.fetch_max_wait_ms = fetch_max_wait_ms
        super().__init__(*args, **kwargs)

    def _new_transport(self) -> driver.Transport:
        return _Transport(self.conf.broker_consumer, self)
