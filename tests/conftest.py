"""Fixtures shared by the whole suite: the embedded broker, service subprocesses, topic readers."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from services.runtime.broker import EmbeddedBroker, free_port, terminate

ROOT = Path(__file__).resolve().parent.parent

# No env file: a .env kept in the checkout (the README's place for compose's secret) must not reach the tests or the
# services they start; the tests of reading one name their own (WIREWATCH_ENV_FILE, services/runtime/settings.py).
os.environ["WIREWATCH_ENV_FILE"] = ""


def _stopped(signum: int, _frame: object) -> None:
    raise KeyboardInterrupt(f"stopped by signal {signum}")


def _stop_on_sigterm() -> None:
    if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
        signal.signal(signal.SIGTERM, _stopped)


def pytest_configure(config: pytest.Config) -> None:
    # A run stopped by SIGTERM (a cancelled CI job, `kill`) ends as Ctrl-C does: the fixtures are torn down, so the
    # PostgreSQL server it started (pg_ctl runs it apart from pytest) and the brokers do not outlive it.
    _stop_on_sigterm()


@pytest.hookimpl(trylast=True)
def pytest_runtest_teardown(item: pytest.Item) -> None:
    # Again after each test: one that ran an event loop handling SIGTERM itself (the demo, a Faust worker in-process)
    # leaves it at the default when the loop closes, and the next SIGTERM would end the run with no teardown.
    _stop_on_sigterm()


def service_env() -> dict[str, str]:
    """The environment for a service a test starts: none of the caller's WIREWATCH_* settings, and no env file."""
    return {**{k: v for k, v in os.environ.items() if not k.startswith("WIREWATCH_")}, "WIREWATCH_ENV_FILE": ""}


@pytest.fixture
def broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedBroker]:
    """A real Kafka-protocol broker (Tansu, memory-only) on a free loopback port, new for each test.

    It starts in milliseconds, and a fresh one keeps tests apart: no test reads another's
    messages, committed offsets or tables.
    """
    log = tmp_path_factory.mktemp("broker") / "broker.log"
    with EmbeddedBroker(log_path=log) as b:
        yield b


def listening_said(server: str) -> re.Pattern[bytes]:
    """How a wirewatch process says where its ``server`` ("web server", "newsroom") listens: ``<server> on URL``."""
    return re.compile(rb"^" + re.escape(server.encode()) + rb" on http://\S+:(\d+)/$", re.MULTILINE)


# How Prometheus and Alertmanager (their exporter toolkit's web server) say where they listen, as for port 0 the one
# they got: ``msg="Listening on" address=127.0.0.1:PORT``.
PROMETHEUS_LISTENING = re.compile(rb'msg="Listening on" address=\S+:(\d+)')


def port_said(log_path: Path, said: re.Pattern[bytes]) -> int | None:
    """The port in the first line of the log that ``said`` matches (its group 1), if one does yet."""
    found = said.search(log_path.read_bytes())
    return int(found.group(1)) if found else None


def port_in_log(log_path: Path, said: re.Pattern[bytes], proc: subprocess.Popen, timeout_s: float = 300.0) -> int:
    """The port a process listens on, as it says in its log (``said``, e.g. :func:`listening_said`), waited for: a
    port chosen for it may have been taken by another process by the time it bound, or it was told to take any."""
    deadline = time.monotonic() + timeout_s
    while (port := port_said(log_path, said)) is None:
        if proc.poll() is not None:  # read once more: it may have said it just before it exited
            if (port := port_said(log_path, said)) is not None:
                return port
            raise AssertionError(f"{proc.args[:3]} exited (status {proc.returncode}) before it said where it listens:\n"
                                 f"{log_path.read_text(errors='replace')[-3000:]}")
        if time.monotonic() > deadline:
            raise AssertionError(f"{proc.args[:3]} said nowhere it listens within {timeout_s:.0f}s:\n"
                                 f"{log_path.read_text(errors='replace')[-3000:]}")
        time.sleep(0.1)
    return port


class ServiceProcess:
    """A ``wirewatch`` subprocess against the test broker, with its log kept for failures.

    ``web_port`` and ``newsroom_port`` are the ports it listens on, read from its log when first asked (waiting until
    it says them): a port the test chose may have been taken by another process before the service bound it."""

    def __init__(self, args: list[str], env: dict[str, str], log_path: Path) -> None:
        self.args = args
        self.log_path = log_path
        self._ports: dict[str, int] = {}
        self._log = open(log_path, "wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "services.cli", *args], cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT
        )

    @property
    def web_port(self) -> int:
        return self._port("web server")

    @property
    def newsroom_port(self) -> int:
        return self._port("newsroom")

    def _port(self, server: str) -> int:
        if server not in self._ports:
            self._ports[server] = port_in_log(self.log_path, listening_said(server), self.proc)
        return self._ports[server]

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def alive(self) -> bool:
        return self.proc.poll() is None

    def stop(self) -> None:
        terminate(self.proc)
        self._log.close()


@pytest.fixture
def taken_port() -> Iterator[int]:
    """A loopback port another process holds: bound and listening (a socket of the test's own)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield sock.getsockname()[1]


@pytest.fixture
def start_service(tmp_path: Path, broker: EmbeddedBroker):
    """Start ``wirewatch worker SERVICE`` (or ``run``) processes; all are stopped after the test.

    Each is told a free web port and newsroom port, and listens on any other when another process took one first
    (ServiceProcess reads where). Its tables' directory is named after the web port it was told, as by default: a
    worker started again with the same WIREWATCH_WEB_PORT finds its tables, wherever it listens. A setting the test
    passes wins over all of these."""
    started: list[ServiceProcess] = []

    def start(*args: str, **env_overrides: str) -> ServiceProcess:
        env = service_env()
        env.update(
            WIREWATCH_BROKER=broker.bootstrap,
            WIREWATCH_WEB_PORT=str(free_port()),
            WIREWATCH_WEB_ANY_PORT_IF_TAKEN="true",
            WIREWATCH_NEWSROOM__PORT=str(free_port()),
            WIREWATCH_NEWSROOM__ANY_PORT_IF_TAKEN="true",
            WIREWATCH_DATA_DIR=str(tmp_path / "data"),
            WIREWATCH_TAGGER__SPACY_MODEL="en_core_web_sm",
            PYTHONUNBUFFERED="1",
        )
        env.update(env_overrides)
        env.setdefault("WIREWATCH_TABLE_DIR", str(Path(env["WIREWATCH_DATA_DIR"]) / f"tables-{env['WIREWATCH_WEB_PORT']}"))
        proc = ServiceProcess(list(args), env, tmp_path / f"{'-'.join(args)}-{len(started)}.log")
        started.append(proc)
        return proc

    yield start
    for proc in started:
        proc.stop()


def wait_http(port: int, path: str = "/metrics", timeout_s: float = 60.0, proc: ServiceProcess | None = None) -> None:
    import urllib.request

    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc is not None and not proc.alive():
            raise AssertionError(f"service exited early:\n{proc.log()[-3000:]}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"nothing served http://127.0.0.1:{port}{path} within {timeout_s}s" + (f"\n{proc.log()[-3000:]}" if proc else ""))


@pytest.fixture(scope="session")
def postgres_server():
    """One real PostgreSQL server for the session (each test takes its own database from it)."""
    from tests.support.postgres import PostgresServer

    server = PostgresServer().start()
    yield server
    server.stop()
