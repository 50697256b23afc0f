"""A command's broker trouble in one line: how long a worker waited is said only for a broker it could not reach."""

from __future__ import annotations

import click
import pytest
from aiokafka.errors import InvalidReplicationFactorError, KafkaConnectionError

from services.runtime import kafka


@pytest.fixture
def clock(monkeypatch):
    """Seven seconds pass between entering the block and its error."""
    times = iter([100.0, 107.0])
    monkeypatch.setattr(kafka.time, "monotonic", lambda: next(times))


def said(exc: Exception, waits: bool = True) -> str:
    with pytest.raises(click.ClickException) as raised:
        with kafka.broker_trouble_in_words("kafka-1:9092", "start the alerter worker with the broker at", waits=waits):
            raise exc
    return raised.value.message


def test_a_broker_not_reached_is_said_with_the_time_really_waited(clock):
    assert said(KafkaConnectionError("Unable to bootstrap")).startswith(
        "cannot start the alerter worker with the broker at kafka-1:9092 after waiting 7 s for it: "
        "KafkaConnectionError: Unable to bootstrap (is a broker running there?")


def test_an_error_of_a_broker_that_answered_says_no_wait(clock):
    """Only connection errors are retried: another ends the wait at once, so no wait is claimed."""
    assert said(InvalidReplicationFactorError("3 > 1 broker")).startswith(
        "cannot start the alerter worker with the broker at kafka-1:9092: [Error 38] InvalidReplicationFactorError")


def test_a_command_that_does_not_wait_says_no_wait(clock):
    assert "after waiting" not in said(KafkaConnectionError("Unable to bootstrap"), waits=False)
