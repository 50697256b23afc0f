"""A client library's line per reconnect attempt is let through once a minute, saying how many were held back."""

from __future__ import annotations

import logging

from services.runtime.logs import OncePer


def records(logger: logging.Logger, clock: list[float], n: int, every: float) -> None:
    for _ in range(n):
        logger.error("Unable connect to node with id %s: %s", 1, "[Errno 111] Connect call failed")
        clock[0] += every


def test_a_repeated_connection_error_is_said_once_a_minute_with_the_count_held_back(caplog):
    clock = [0.0]
    logger = logging.getLogger("test.once_per")
    once = OncePer(60.0, clock=lambda: clock[0])
    logger.addFilter(once)
    try:
        with caplog.at_level(logging.INFO, logger="test.once_per"):
            records(logger, clock, 240, 0.5)  # two minutes of attempts, twice a second
            logger.info("joined group %s", "g")
            logger.info("joined group %s", "g")
    finally:
        logger.removeFilter(once)
    said = [r.getMessage() for r in caplog.records]
    assert said == [
        "Unable connect to node with id 1: [Errno 111] Connect call failed",
        "Unable connect to node with id 1: [Errno 111] Connect call failed (119 more like it held back)",
        "joined group g", "joined group g",  # below WARNING: untouched
    ]
