"""Every `--broker` defaults to WIREWATCH_BROKER as the workers read it, from the environment or ./.env, else to the
local broker `wirewatch run` starts; `--help` says so once, and shows the broker the settings name."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from services.cli import main
from services.runtime.broker import free_port
from services.runtime.options import LOCAL_BROKER

CLIENTS = [["ingest"], ["tail"], ["dead-letters"], ["alerts", "replay"]]


@pytest.fixture
def dot_env(tmp_path, monkeypatch):
    """A working directory with a ./.env read as the workers read it (the suite reads none by default)."""
    monkeypatch.delenv("WIREWATCH_ENV_FILE", raising=False)
    monkeypatch.delenv("WIREWATCH_BROKER", raising=False)
    monkeypatch.chdir(tmp_path)

    def write(text: str) -> None:
        (tmp_path / ".env").write_text(text)

    return write


def help_of(command: list[str]) -> str:
    result = CliRunner().invoke(main, [*command, "--help"], terminal_width=400)
    assert result.exit_code == 0, result.output
    return " ".join(result.stdout.split())


@pytest.mark.parametrize("command", CLIENTS + [["run"], ["worker", "ingest"]])
def test_help_shows_the_broker_of_dot_env(dot_env, command):
    dot_env("WIREWATCH_BROKER=kafka.example:9093\n")
    assert "[default: kafka.example:9093" in help_of(command)


@pytest.mark.parametrize("command", CLIENTS)
def test_the_environment_wins_over_dot_env_as_for_the_workers(dot_env, monkeypatch, command):
    dot_env("WIREWATCH_BROKER=kafka.example:9093\n")
    monkeypatch.setenv("WIREWATCH_BROKER", "other.example:9094")
    assert "[default: other.example:9094]" in help_of(command)


@pytest.mark.parametrize("command", CLIENTS)
def test_without_a_broker_setting_the_clients_look_where_run_puts_its_broker_and_say_it_once(dot_env, command):
    dot_env("")
    shown = help_of(command)
    assert f"Default: WIREWATCH_BROKER (environment or ./.env), else {LOCAL_BROKER}." in shown
    assert shown.count(LOCAL_BROKER) == 1, shown


def test_run_without_a_broker_setting_shows_no_default_it_starts_the_embedded_one(dot_env):
    dot_env("")
    shown = help_of(["run"])
    assert "none starts the embedded broker" in shown
    assert "--broker TEXT" in shown and "[default: kafka" not in shown and '[default: ""]' not in shown


def test_tail_reads_from_the_broker_dot_env_names(dot_env):
    port = free_port()  # nothing listens there: the one-line error names the broker that was asked
    dot_env(f"WIREWATCH_BROKER=127.0.0.1:{port}\n")
    result = CliRunner().invoke(main, ["tail", "articles.raw", "--timeout", "1"])
    assert result.exit_code == 1, result.output
    [line] = result.stderr.splitlines()
    assert line.startswith(f"Error: cannot read articles.raw from 127.0.0.1:{port}: "), line


def test_worker_takes_its_broker_from_dot_env_rather_than_asking_for_one(dot_env):
    dot_env("")
    missing = CliRunner().invoke(main, ["worker", "ingest"])
    assert missing.exit_code == 2 and "Missing option '--broker'" in missing.stderr, missing.output
    port = free_port()
    dot_env(f"WIREWATCH_BROKER=127.0.0.1:{port}\nWIREWATCH_DATA_DIR=data\nWIREWATCH_WEB_PORT=0\n")  # any free web port
    result = CliRunner().invoke(main, ["worker", "ingest", "--broker-wait", "0"])
    assert result.exit_code == 1, result.output
    assert f"127.0.0.1:{port}" in result.stderr.splitlines()[-1], result.stderr
