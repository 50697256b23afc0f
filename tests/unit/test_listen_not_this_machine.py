"""An address to listen on that is not this machine's (EADDRNOTAVAIL: "cannot assign requested address", which names
no address) is said as that, with the settings that say where: the broker's --host, the worker's web server
(WIREWATCH_WEB_HOST) and the newsroom (WIREWATCH_NEWSROOM__HOST), each one line and exit 1 before a broker is asked
anything (the broker's: test_cli_broker.py). 192.0.2.1 is TEST-NET-1: documentation's, no machine's. Real sockets."""

from __future__ import annotations

import os
import socket

import pytest
from click.testing import CliRunner

from services.cli import main
from services.runtime.error_words import cannot_listen

ELSEWHERE = "192.0.2.1"


def _bind_error(host: str) -> OSError:
    with socket.socket() as sock, pytest.raises(OSError) as failed:
        sock.bind((host, 0))
    return failed.value


def test_an_address_not_this_machine_s_is_said_so_with_the_address_and_port():
    assert cannot_listen(ELSEWHERE, 8080, _bind_error(ELSEWHERE)) == (
        "cannot listen on 192.0.2.1:8080: 192.0.2.1 is not an address of this machine")
    assert cannot_listen("2001:db8::1", 8080, _bind_error(ELSEWHERE)) == (
        "cannot listen on [2001:db8::1]:8080: 2001:db8::1 is not an address of this machine")


def test_the_worker_s_web_host_not_this_machine_s_is_one_line_before_the_broker(tmp_path):
    result = CliRunner().invoke(main, ["worker", "ingest", "--broker", "127.0.0.1:9", "--broker-wait", "0",
                                       "--web-port", "6066"],
                                env={"WIREWATCH_WEB_HOST": ELSEWHERE, "WIREWATCH_DATA_DIR": str(tmp_path)})
    assert result.exit_code == 1, result.output
    assert result.stderr.splitlines() == [
        f"Error: cannot listen on {ELSEWHERE}:6066: {ELSEWHERE} is not an address of this machine; --web-port "
        "(WIREWATCH_WEB_PORT) and WIREWATCH_WEB_HOST say where"]


def test_the_newsroom_s_host_not_this_machine_s_is_one_line_before_the_broker(tmp_path):
    """Before: the worker asked the broker first (here one that is not there: its line), and a newsroom that could not
    listen was a traceback from the worker's start."""
    result = CliRunner().invoke(main, ["worker", "newsroom", "--broker", "127.0.0.1:9", "--broker-wait", "0",
                                       "--web-port", "0"],
                                env={"WIREWATCH_NEWSROOM__HOST": ELSEWHERE, "WIREWATCH_NEWSROOM__PORT": "8080",
                                     "WIREWATCH_DATA_DIR": str(tmp_path)})
    assert result.exit_code == 1, result.output
    assert result.stderr.splitlines() == [
        f"Error: cannot listen on {ELSEWHERE}:8080: {ELSEWHERE} is not an address of this machine; "
        "WIREWATCH_NEWSROOM__PORT and WIREWATCH_NEWSROOM__HOST say where"]


def test_the_newsroom_s_port_taken_is_one_line_naming_its_holder_unless_it_may_give_way(tmp_path, taken_port):
    args = ["worker", "newsroom", "--broker", "127.0.0.1:9", "--broker-wait", "0", "--web-port", "0"]
    env = {"WIREWATCH_NEWSROOM__PORT": str(taken_port), "WIREWATCH_DATA_DIR": str(tmp_path)}
    result = CliRunner().invoke(main, args, env=env)
    assert result.exit_code == 1, result.output
    [line] = result.stderr.splitlines()
    assert line.startswith(f"Error: port {taken_port} on 127.0.0.1 is in use by pid {os.getpid()}: "), line
    assert line.endswith("; WIREWATCH_NEWSROOM__PORT names another"), line
    # Allowed to give way, the newsroom is not in the way: the command goes on to the broker (not there: its line).
    result = CliRunner().invoke(main, args, env={**env, "WIREWATCH_NEWSROOM__ANY_PORT_IF_TAKEN": "true"})
    assert result.exit_code == 1, result.output
    assert result.stderr.splitlines()[-1].startswith("Error: cannot start the newsroom worker with the broker at 127.0.0.1:9"), \
        result.stderr
