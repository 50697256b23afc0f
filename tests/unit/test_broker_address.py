"""A broker address aiokafka cannot use (`localhost:abc`, `:9092`) is said in one line before any client is started,
from --broker as a usage error (exit 2), from WIREWATCH_BROKER as an invalid setting (exit 1): never aiokafka's
traceback (`ValueError: invalid literal for int()`) at its first connection, nor "no such host" for an empty host."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from services.cli import main
from services.runtime.error_words import bootstrap_problem

FORM = "(HOST:PORT, or several separated by commas)"


@pytest.mark.parametrize("servers", ["127.0.0.1:9092", "kafka", "kafka-1:9093,kafka-2:9093", "kafka-1:9093, kafka-2:9093",
                                     "[::1]:9092", "::1", "[::1]"])
def test_the_addresses_aiokafka_takes_are_taken(servers):
    assert bootstrap_problem(servers) is None


@pytest.mark.parametrize(("servers", "why"), [
    ("localhost:abc", f"'localhost:abc': the port 'abc' is no number {FORM}"),
    (":9092", f"':9092': no host name before the port {FORM}"),
    ("kafka:99999", f"'kafka:99999': the port 99999 is not between 1 and 65535 {FORM}"),
    ("kafka:", f"'kafka:': no port after the colon {FORM}"),
    ("kafka-1:9093,,kafka-2:9093", f"'kafka-1:9093,,kafka-2:9093': an empty address {FORM}"),
    ("kafka 1:9093", f"'kafka 1:9093': a host name has no spaces {FORM}"),
    ("[::1]:x", f"'[::1]:x': the port 'x' is no number {FORM}"),
])
def test_an_address_aiokafka_cannot_use_is_said_why(servers, why):
    assert bootstrap_problem(servers) == why


@pytest.mark.parametrize("command", [["tail", "articles.raw"], ["dead-letters"], ["ingest", "-"], ["alerts", "replay"],
                                     ["worker", "alerter"], ["run"]])
def test_a_broker_option_aiokafka_cannot_use_is_a_usage_error_in_one_line(command):
    result = CliRunner().invoke(main, [*command, "--broker", "localhost:abc"])
    assert result.exit_code == 2, result.output
    assert result.stderr.splitlines()[-1] == f"Error: Invalid value for '--broker': 'localhost:abc': the port 'abc' is no number {FORM}"


def test_a_broker_setting_aiokafka_cannot_use_is_an_invalid_setting_in_one_line(monkeypatch):
    monkeypatch.setenv("WIREWATCH_BROKER", ":9092")
    result = CliRunner().invoke(main, ["tail", "articles.raw", "--timeout", "1"])
    assert result.exit_code == 1, result.output
    assert result.stderr.splitlines() == [f"Error: invalid setting WIREWATCH_BROKER: ':9092': no host name before the port "
                                          f"{FORM} (see `wirewatch settings --markdown`)"]
