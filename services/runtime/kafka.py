"""Kafka connection security (TLS, SASL) from the settings, for Faust and for plain aiokafka clients alike."""

from __future__ import annotations

import ssl
from typing import Any

from services.runtime.settings import Settings

__all__ = ["ssl_context", "aiokafka_options", "faust_credentials"]


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
