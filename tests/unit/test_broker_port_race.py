"""Another process takes the broker's port between our check and the broker's bind (real sockets, the real Tansu).

Tansu then exits at once (status 0) while the other process answers connections: a port we chose is given up for
another, a port the caller asked for is one clear error naming who holds it; never the other process taken for it."""

from __future__ import annotations

import asyncio
import os
import socket

import pytest

from services.runtime.broker import EmbeddedBroker, free_port
from services.runtime.ports import port_holder
from tests.support.kafka import collect, send


class RacedBroker(EmbeddedBroker):
    """Takes the port itself, with a listening socket of this test process, just before its first launch: the race
    of a busy machine, at the one moment it hurts."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.raced_port: int | None = None
        self.thief: socket.socket | None = None

    def command(self) -> list[str]:
        if self.thief is None:
            self.thief = socket.socket()
            self.thief.bind((self.host, self.port))
            self.thief.listen()
            self.raced_port = self.port
        return super().command()


@pytest.fixture
def raced():
    brokers: list[RacedBroker] = []

    def make(**kwargs) -> RacedBroker:
        brokers.append(RacedBroker(**kwargs))
        return brokers[-1]

    yield make
    for b in brokers:
        b.stop()
        if b.thief is not None:
            b.thief.close()


def test_a_chosen_port_taken_before_the_broker_binds_it_is_given_up_for_another(raced):
    broker = raced().start()
    assert broker.port != broker.raced_port
    assert port_holder(broker.port).startswith(f"pid {broker._proc.pid}: ")  # the broker, not the thief, listens
    topic = "port.race"
    asyncio.run(send(broker.bootstrap, topic, [(b"k", b'{"n": 1}')]))
    seen = asyncio.run(collect(broker.bootstrap, [topic], until=lambda s: len(s[topic]) == 1, timeout_s=30))
    assert seen[topic][0]["value"] == {"n": 1}


def test_an_asked_port_taken_before_the_broker_binds_it_fails_naming_the_holder(raced):
    port = free_port()
    broker = raced(port=port)
    with pytest.raises(RuntimeError) as error:
        broker.start()
    assert str(error.value).startswith(f"port {port} on 127.0.0.1 is in use by pid {os.getpid()}: "), error.value
    assert "\n" not in str(error.value)
    assert broker._proc is None  # the broker it launched is gone, not left behind


def test_a_broker_that_exits_at_once_is_not_taken_for_up(tmp_path):
    """Tansu exits 0 after a panic: its exit is an error at once, whatever its status, and its log is named."""

    class Exiting(EmbeddedBroker):
        def command(self) -> list[str]:
            return ["/bin/true"]

    log = tmp_path / "broker.log"
    with pytest.raises(RuntimeError, match=r"embedded broker on 127\.0\.0\.1:\d+ stopped by itself \(exit status 0\); "
                                           f"its log: {log}"):
        Exiting(log_path=log).start()


def test_wirewatch_broker_on_a_port_taken_as_it_starts_names_the_holder(monkeypatch):
    """The foreground `wirewatch broker`: Tansu exits 0 on the lost port; one line says who took it."""
    from click.testing import CliRunner

    from services.cli import main

    thief = socket.socket()
    command = EmbeddedBroker.command

    def taking(self: EmbeddedBroker) -> list[str]:
        thief.bind((self.host, self.port))
        thief.listen()
        return command(self)

    monkeypatch.setattr(EmbeddedBroker, "command", taking)
    port = free_port()
    with thief:
        result = CliRunner().invoke(main, ["broker", "--port", str(port)])
    assert result.exit_code == 1, result.output
    line = result.stderr.splitlines()[-1]
    assert line.startswith(f"Error: port {port} on 127.0.0.1 was taken by pid {os.getpid()}: "), line
    assert line.endswith(" as the broker started; --port names another")
