"""``wirewatch broker``: a port already taken, or a broker that stops by itself, is one line and exit status 1."""

from __future__ import annotations

import os
import socket
import sys

import pytest
from click.testing import CliRunner

from services.cli import main
from services.runtime.broker import EmbeddedBroker, free_port
from services.runtime.ports import port_holder, port_in_use


def test_a_port_in_use_is_said_in_one_line_with_who_holds_it(taken_port):
    result = CliRunner().invoke(main, ["broker", "--port", str(taken_port)])
    assert result.exit_code == 1, result.output
    [line] = result.stderr.splitlines()
    assert line.startswith(f"Error: port {taken_port} on 127.0.0.1 is in use by pid {os.getpid()}: "), line
    assert line.endswith("; --port names another")


def test_the_holder_of_a_port_is_found_and_a_free_port_is_free(taken_port):
    assert port_in_use("127.0.0.1", taken_port)
    assert port_holder(taken_port).startswith(f"pid {os.getpid()}: ")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        free = sock.getsockname()[1]
    assert not port_in_use("127.0.0.1", free)


@pytest.mark.parametrize("status", [0, 3])
def test_a_broker_that_stops_by_itself_fails_the_command(monkeypatch, status):
    """Tansu exits 0 after a panic: a broker ending without being asked to is a failure, whatever its status."""
    monkeypatch.setattr(EmbeddedBroker, "command", lambda self: [sys.executable, "-c", f"import sys; sys.exit({status})"])
    port = free_port()
    result = CliRunner().invoke(main, ["broker", "--port", str(port)])
    assert result.exit_code == 1, result.output
    assert result.stderr.splitlines() == [f"Error: the broker on 127.0.0.1:{port} stopped by itself (exit status {status}); "
                                          "what it said is above"]


def test_the_embedded_broker_does_not_take_a_port_in_use_for_itself(taken_port):
    with pytest.raises(RuntimeError, match=f"port {taken_port} on 127.0.0.1 is in use by pid {os.getpid()}"):
        EmbeddedBroker(port=taken_port).start()


def test_an_address_that_is_not_this_machine_s_is_said_in_one_line():
    """Not only a port in use: any reason the broker could not listen (EADDRNOTAVAIL here; EACCES for --port 80 as
    non-root) ends the command with one line, not a traceback."""
    result = CliRunner().invoke(main, ["broker", "--host", "192.0.2.1", "--port", str(free_port())])
    assert result.exit_code == 1, result.output
    [line] = result.stderr.splitlines()
    assert line.startswith("Error: cannot listen on 192.0.2.1:"), line
    assert line.endswith(": 192.0.2.1 is not an address of this machine; --host and --port say where"), line
    with pytest.raises(RuntimeError) as failed:
        EmbeddedBroker("192.0.2.1", 1234).start()
    assert str(failed.value) == "cannot listen on 192.0.2.1:1234: 192.0.2.1 is not an address of this machine"
