"""TLS and SASL settings become the same connection options for Faust and for aiokafka clients."""

import ssl
import subprocess
from pathlib import Path

import faust
import pytest

from services.runtime.kafka import aiokafka_options, faust_credentials
from services.runtime.settings import Settings


def settings(**kafka) -> Settings:
    return Settings(broker="kafka-1:9093", kafka=kafka)


def test_plaintext_needs_no_credentials():
    s = settings()
    assert aiokafka_options(s) == {"bootstrap_servers": "kafka-1:9093", "security_protocol": "PLAINTEXT"}
    assert faust_credentials(s) is None


def test_sasl_scram_over_tls_reaches_both_clients():
    s = settings(security_protocol="SASL_SSL", sasl_mechanism="SCRAM-SHA-512", sasl_username="ww", sasl_password="pw")
    options = aiokafka_options(s)
    assert options["sasl_mechanism"] == "SCRAM-SHA-512"
    assert (options["sasl_plain_username"], options["sasl_plain_password"]) == ("ww", "pw")
    assert isinstance(options["ssl_context"], ssl.SSLContext)
    credentials = faust_credentials(s)
    assert isinstance(credentials, faust.SASLCredentials)
    assert credentials.username == "ww" and credentials.password == "pw"
    assert str(credentials.mechanism.value) == "SCRAM-SHA-512" and credentials.ssl_context is not None


def test_password_is_not_in_the_settings_repr():
    s = settings(security_protocol="SASL_PLAINTEXT", sasl_username="ww", sasl_password="hunter2")
    assert "hunter2" not in repr(s)
    assert "ssl_context" not in aiokafka_options(s)


def test_mutual_tls_loads_the_client_certificate(tmp_path: Path):
    key, cert = tmp_path / "client.key", tmp_path / "client.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
                    "-days", "1", "-subj", "/CN=wirewatch-test"], check=True, capture_output=True)
    s = settings(security_protocol="SSL", ssl_cafile=str(cert), ssl_certfile=str(cert), ssl_keyfile=str(key))
    assert isinstance(faust_credentials(s), ssl.SSLContext)
    with pytest.raises(ssl.SSLError):
        aiokafka_options(settings(security_protocol="SSL", ssl_certfile=str(key), ssl_keyfile=str(key)))
