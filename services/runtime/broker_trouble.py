"""A broker that cannot be reached, said in words: ``cannot <doing> <broker>: connection refused (what to check)``.

aiokafka ends a failed bootstrap with ``KafkaConnectionError("Unable to bootstrap from [('127.0.0.1', 5,
<AddressFamily.AF_INET: 2>)]")`` and keeps why each address failed (refused, no such host) to a log line of its own, so
the reason is taken from that line while its logs are held back."""

from __future__ import annotations

import logging
import socket
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

import click

from services.runtime.error_words import no_such_host, os_error_in_words, sentence_part

__all__ = ["ConnectFailures", "quiet_aiokafka", "why_not_reached", "broker_trouble_in_words"]

REACH_HINT = "is a broker running there? `wirewatch broker` starts one; --broker or WIREWATCH_BROKER names another"
NAME_HINT = "is the host name right? --broker or WIREWATCH_BROKER names another"
# aiokafka's client logs each address it could not bootstrap from as ('Unable connect to "%s:%s": %s', host, port, error).
_CONNECT_FAILED = "Unable connect to"


def _address(host: object, port: object) -> str:
    return f"[{host}]:{port}" if ":" in str(host) else f"{host}:{port}"


class ConnectFailures(logging.Filter):
    """Why each broker address could not be connected to (the last attempt's), from aiokafka's log records."""

    def __init__(self) -> None:
        super().__init__()
        self.by_address: dict[str, BaseException] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if (isinstance(record.msg, str) and record.msg.startswith(_CONNECT_FAILED) and isinstance(args, tuple)
                and len(args) == 3 and isinstance(args[2], BaseException)):
            self.by_address[_address(args[0], args[1])] = args[2]
        return True


@contextmanager
def quiet_aiokafka(quiet: bool = True) -> Iterator[ConnectFailures]:
    """aiokafka's logs held back (it logs one line per attempt) while the caller says them its own way; yields why
    each address could not be connected to, kept from the lines held back (nothing kept when not ``quiet``)."""
    failures = ConnectFailures()
    if not quiet:
        yield failures
        return
    logger = logging.getLogger("aiokafka")  # its client's own logger; its modules' loggers are children of it
    level, propagate, null = logger.level, logger.propagate, logging.NullHandler()
    logger.setLevel(logging.ERROR)  # a connection failure is an error: lower records are not even made
    # First among its filters: one that holds repeats back (logs.bound_repeats) would hide the later attempts from it.
    logger.filters.insert(0, failures)
    logger.propagate = False  # nothing from aiokafka or its children reaches the root's handlers...
    logger.addHandler(null)  # ...nor logging's last resort, which prints where no handler is found
    try:
        yield failures
    finally:
        logger.removeHandler(null)
        logger.removeFilter(failures)
        logger.setLevel(level)
        logger.propagate = propagate


def _error_in_words(exc: BaseException) -> str:
    from aiokafka.errors import BrokerResponseError, KafkaConnectionError, KafkaError, KafkaTimeoutError

    if isinstance(exc, OSError):
        return os_error_in_words(exc)
    if isinstance(exc, KafkaTimeoutError):
        return "no answer in time"
    if isinstance(exc, BrokerResponseError):
        return f"the broker answered {exc.message}" + (f": {exc.args[0]}" if exc.args else "")
    if isinstance(exc, KafkaConnectionError) and not exc.args:
        return "not reached"
    if isinstance(exc, KafkaError) and exc.args:
        return sentence_part(str(exc.args[0]))
    return str(exc) or type(exc).__name__


def why_not_reached(exc: BaseException, failures: Mapping[str, BaseException]) -> tuple[str, str | None]:
    """Why a command could not do its work with the broker, and what to check (None: the broker answered).

    ``failures`` is why each address could not be connected to; aiokafka's bootstrap error names only the addresses.
    """
    from aiokafka.errors import BrokerResponseError, KafkaConnectionError

    if isinstance(exc, KafkaConnectionError) and str(exc.args[0] if exc.args else "").startswith("Unable to bootstrap"):
        if not failures:
            return "not reached", REACH_HINT
        whys = {address: _error_in_words(error) for address, error in failures.items()}
        if len(set(whys.values())) == 1:
            why = next(iter(whys.values()))
        else:
            why = "; ".join(f"{address}: {why}" for address, why in sorted(whys.items()))  # aiokafka shuffles them
        unknown = all(no_such_host(e) for e in failures.values())
        return why, NAME_HINT if unknown else REACH_HINT
    if no_such_host(exc):
        return "no such host", NAME_HINT
    return _error_in_words(exc), None if isinstance(exc, BrokerResponseError) else REACH_HINT


@contextmanager
def broker_trouble_in_words(broker: str, doing: str, *, waits: bool = False) -> Iterator[None]:
    """For a command: the broker not reached (or failing) ends it with one line in words and exit status 1, not a
    traceback and a retry log per attempt: ``cannot <doing> <broker>: <why> (<what to check>)``. With ``waits`` (the
    block retries a broker that is not up yet), how long it was waited for, when it was not reached."""
    from aiokafka.errors import KafkaConnectionError, KafkaError

    started = time.monotonic()
    try:
        with quiet_aiokafka() as failures:  # the line below says it once
            yield
    except BrokenPipeError:
        # The reader of our output went away (`wirewatch tail ... | head -1`): not the broker, whose broken connection
        # aiokafka reports as a KafkaConnectionError. Click ends the command quietly on EPIPE.
        raise
    except (KafkaError, ConnectionError, socket.gaierror, TimeoutError) as exc:
        # Only a broker that could not be reached is waited for: another error (it answered) ends the wait at once.
        waited = f" after waiting {time.monotonic() - started:.0f} s for it" if waits and isinstance(exc, KafkaConnectionError) else ""
        why, hint = why_not_reached(exc, failures.by_address)
        raise click.ClickException(f"cannot {doing} {broker}{waited}: {why}" + (f" ({hint})" if hint else "")) from exc
