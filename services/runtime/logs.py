"""Structured logging: one event name and key-value fields per line."""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable, Iterable

import structlog

__all__ = ["configure_logging", "get_logger", "OncePer", "bound_repeats"]


def configure_logging(level: str = "info", *, json: bool = False) -> None:
    numeric = logging.getLevelName(level.upper())
    if not isinstance(numeric, int):
        numeric = logging.INFO
    logging.basicConfig(stream=sys.stderr, level=numeric, format="%(message)s")
    renderer = structlog.processors.JSONRenderer() if json else structlog.dev.ConsoleRenderer(colors=False)
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(numeric),
        logger_factory=structlog.PrintLoggerFactory(file=sys.stderr),
        cache_logger_on_first_use=True,
    )


def get_logger(name: str) -> structlog.stdlib.BoundLogger:
    return structlog.get_logger(name)


class OncePer(logging.Filter):
    """A warning or error repeated with the same wording is let through once per ``every_s``; the next one let
    through says how many were held back. Meant for a client library that logs every reconnect attempt."""

    def __init__(self, every_s: float, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__()
        self.every_s = every_s
        self.clock = clock
        self._seen: dict[tuple[str, object], tuple[float, int]] = {}  # (logger, format) -> (let through at, held)

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.WARNING:
            return True
        key, now = (record.name, record.msg), self.clock()
        last, held = self._seen.get(key, (None, 0))
        if last is not None and now - last < self.every_s:
            self._seen[key] = (last, held + 1)
            return False
        if held:
            record.msg, record.args = f"{record.getMessage()} ({held} more like it held back)", None
        self._seen[key] = (now, 0)
        return True


# aiokafka logs "Unable connect to node with id 1: ..." on every attempt, twice a second while a broker is away.
AIOKAFKA_LOGGERS = ("aiokafka", "aiokafka.conn", "aiokafka.cluster", "aiokafka.consumer.fetcher",
                    "aiokafka.consumer.group_coordinator", "aiokafka.producer.sender")


def bound_repeats(loggers: Iterable[str] = AIOKAFKA_LOGGERS, every_s: float = 60.0) -> OncePer:
    """Install one :class:`OncePer` on each of ``loggers`` (a logger's filter sees only its own records)."""
    once = OncePer(every_s)
    for name in loggers:
        logging.getLogger(name).addFilter(once)
    return once
