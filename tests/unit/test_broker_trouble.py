"""A command's broker trouble in one line of words, from what aiokafka really raises and logs when it cannot connect:
the address as written and why (connection refused, no such host), never the repr of aiokafka's address tuples; how
long a worker waited is said only for a broker it could not reach."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

import click
import pytest
import structlog
from aiokafka import AIOKafkaProducer
from aiokafka.errors import InvalidReplicationFactorError, KafkaConnectionError

from services.runtime import broker_trouble
from services.runtime.settings import Settings
from services.runtime.topics import ensure_topics

REACH_HINT = "(is a broker running there? `wirewatch broker` starts one; --broker or WIREWATCH_BROKER names another)"


async def _start_a_producer(bootstrap: str) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap)
    try:
        await producer.start()
    finally:
        await producer.stop()


def said(bootstrap: str, doing: str = "send the articles to", *, waits: bool = False) -> str:
    with pytest.raises(click.ClickException) as raised:
        with broker_trouble.broker_trouble_in_words(bootstrap, doing, waits=waits):
            asyncio.run(_start_a_producer(bootstrap))
    return raised.value.message


def test_a_closed_port_is_said_as_a_refused_connection(closed_port):
    assert said(f"127.0.0.1:{closed_port}") == f"cannot send the articles to 127.0.0.1:{closed_port}: connection refused " + REACH_HINT


def test_a_host_name_that_does_not_exist_is_said_as_no_such_host(unknown_host):
    assert said(f"{unknown_host}:9092") == (f"cannot send the articles to {unknown_host}:9092: no such host "
                                           "(is the host name right? --broker or WIREWATCH_BROKER names another)")


def test_addresses_failing_for_different_reasons_are_each_named(closed_port, unknown_host):
    bootstrap = f"{unknown_host}:{closed_port},[::1]:{closed_port},127.0.0.1:{closed_port}"
    message = said(bootstrap)
    assert message.startswith(f"cannot send the articles to {bootstrap}: 127.0.0.1:{closed_port}: connection refused; ")
    assert f"; {unknown_host}:{closed_port}: no such host {REACH_HINT}" in message
    assert "AddressFamily" not in message and "KafkaConnectionError" not in message


def test_aiokafka_says_nothing_of_its_own_meanwhile(closed_port, capfd):
    said(f"127.0.0.1:{closed_port}")
    out, err = capfd.readouterr()
    assert "Unable" not in out + err


def test_a_broker_not_reached_is_said_with_the_time_really_waited(closed_port, monkeypatch):
    times = iter([100.0, 107.0])  # seven seconds pass between entering the block and its error
    monkeypatch.setattr(broker_trouble, "time", SimpleNamespace(monotonic=lambda: next(times)))
    assert said(f"127.0.0.1:{closed_port}", "start the alerter worker with the broker at", waits=True) == (
        f"cannot start the alerter worker with the broker at 127.0.0.1:{closed_port} after waiting 7 s for it: "
        f"connection refused {REACH_HINT}")


def test_a_command_that_does_not_wait_says_no_wait(closed_port):
    assert "after waiting" not in said(f"127.0.0.1:{closed_port}")


def test_an_error_of_a_broker_that_answered_says_no_wait_and_asks_not_whether_a_broker_runs():
    """Only connection errors are retried: another ends the wait at once, so no wait is claimed."""
    with pytest.raises(click.ClickException) as raised:
        with broker_trouble.broker_trouble_in_words("kafka-1:9092", "start the alerter worker with the broker at", waits=True):
            raise InvalidReplicationFactorError("3 > 1 broker")
    assert raised.value.message == ("cannot start the alerter worker with the broker at kafka-1:9092: "
                                    "the broker answered INVALID_REPLICATION_FACTOR: 3 > 1 broker")


def test_a_worker_waiting_for_its_broker_logs_why_in_words(closed_port):
    settings = Settings(broker=f"127.0.0.1:{closed_port}")
    with structlog.testing.capture_logs() as logs, pytest.raises(KafkaConnectionError):
        asyncio.run(ensure_topics(settings, timeout_s=0.1, say_every_s=10.0))
    waiting = [entry for entry in logs if entry["event"] == "broker_waiting"]
    assert [entry["error"] for entry in waiting] == ["connection refused"]
