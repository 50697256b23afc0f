"""Kafka connection security (TLS, SASL) from the settings, for Faust and for plain aiokafka clients alike."""

from __future__ import annotations

import logging
import socket
import ssl
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import click

from services.runtime.settings import Settings

__all__ = ["ssl_context", "aiokafka_options", "faust_credentials", "quiet_aiokafka", "broker_trouble_in_words"]


def ssl_context(settings: Settings) -> ssl.SSLContext | None:
    """A TLS context when the protocol uses TLS: the CA to trust, and a client certificate for mutual TLS."""
    kafka = settings.kafka
    if kafka.security_protocol not in ("SSL", "SASL_SSL"):
        return None
    context = ssl.create_default_context(cafile=str(kafka.ssl_cafile) if kafka.ssl_cafile else None)
    if kafka.ssl_certfile:
        context.load_cert_chain(str(kafka.ssl_certfile), str(kafka.ssl_keyfile) if kafka.ssl_keyfile else None)
    if not kafka.ssl_check_hostname:
        context.check_hostname = False
    return context


def aiokafka_options(settings: Settings) -> dict[str, Any]:
    """Keyword arguments for AIOKafkaProducer, AIOKafkaConsumer and AIOKafkaAdminClient."""
    kafka = settings.kafka
    options: dict[str, Any] = {"bootstrap_servers": settings.broker, "security_protocol": kafka.security_protocol}
    context = ssl_context(settings)
    if context is not None:
        options["ssl_context"] = context
    if kafka.security_protocol.startswith("SASL_"):
        options["sasl_mechanism"] = kafka.sasl_mechanism
        options["sasl_plain_username"] = kafka.sasl_username
        options["sasl_plain_password"] = kafka.sasl_password.get_secret_value() if kafka.sasl_password else None
    return options


def faust_credentials(settings: Settings) -> Any:
    """``broker_credentials`` for faust.App: None, an SSL context, or SASL credentials (over TLS or not)."""
    import faust

    kafka = settings.kafka
    context = ssl_context(settings)
    if kafka.security_protocol.startswith("SASL_"):
        return faust.SASLCredentials(
            username=kafka.sasl_username,
            password=kafka.sasl_password.get_secret_value() if kafka.sasl_password else None,
            mechanism=kafka.sasl_mechanism,
            ssl_context=context,
        )
    return context


@contextmanager
def quiet_aiokafka(quiet: bool = True) -> Iterator[None]:
    """aiokafka's connection errors held back (it logs one per attempt) while the caller says them its own way."""
    logger = logging.getLogger("aiokafka")
    before = logger.level
    if quiet:
        logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(before)


@contextmanager
def broker_trouble_in_words(broker: str, doing: str, *, waits: bool = False) -> Iterator[None]:
    """For a command: the broker not reached (or failing) ends it with one line in words and exit status 1, not a
    traceback and a retry log per attempt: ``cannot <doing> <broker>: <why>`` and where to look. With ``waits`` (the block
    retries a broker that is not up yet), how long it was waited for, when it was not reached."""
    from aiokafka.errors import KafkaConnectionError, KafkaError

    started = time.monotonic()
    try:
        with quiet_aiokafka():  # the line below says it once
            yield
    except BrokenPipeError:
        # The reader of our output went away (`wirewatch tail ... | head -1`): not the broker, whose broken connection
        # aiokafka reports as a KafkaConnectionError. Click ends the command quietly on EPIPE.
        raise
    except (KafkaError, ConnectionError, socket.gaierror, TimeoutError) as exc:
        # Only a broker that could not be reached is waited for: another error (it answered) ends the wait at once.
        waited = f" after waiting {time.monotonic() - started:.0f} s for it" if waits and isinstance(exc, KafkaConnectionError) else ""
        raise click.ClickException(f"cannot {doing} {broker}{waited}: {exc or type(exc).__name__} (is a broker running there? "
                                   "`wirewatch broker` starts one; --broker or WIREWATCH_BROKER names another)") from exc
