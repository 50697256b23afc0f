"""A real PostgreSQL server for tests: Debian's ``postgresql`` (initdb, pg_ctl) in a temporary directory, on a free loopback port.

As root, the cluster belongs to the ``postgres`` user (the server refuses to run as root).
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from services.runtime.broker import free_port

__all__ = ["PostgresServer", "pg_bin"]


def pg_bin(name: str) -> str:
    found = shutil.which(name) or next(iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)), None)
    if not found:
        raise RuntimeError(f"PostgreSQL's {name} is not installed: run scripts/sysdeps.sh (Debian package postgresql)")
    return found


class PostgresServer:
    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="wirewatch-pg-"))
        self.data = self.root / "data"
        self.port = free_port()
        self.as_root = os.geteuid() == 0

    def _run(self, *args: str) -> subprocess.CompletedProcess:
        command = list(args)
        if self.as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, capture_output=True, text=True, check=False)

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def start(self) -> "PostgresServer":
        if self.as_root:
            shutil.chown(self.root, "postgres")
            os.chmod(self.root, 0o700)
        done = self._run(pg_bin("initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                         "--locale=C.UTF-8")
        if done.returncode:
            raise RuntimeError(f"initdb failed: {done.stderr}")
        log_path = self.root / "server.log"
        for attempt in range(3):
            options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.root} -c fsync=off -c full_page_writes=off"
            done = self._run(pg_bin("pg_ctl"), "-D", str(self.data), "-o", options, "-l", str(log_path), "-w",
                             "-t", "60", "start")
            if not done.returncode:
                return self
            log = log_path.read_text(errors="replace") if log_path.exists() else ""
            # The port chosen was taken by another process before the server bound it: another one, then.
            if "could not bind" not in log.rsplit("starting PostgreSQL", 1)[-1] or attempt == 2:
                raise RuntimeError(f"pg_ctl start failed: {done.stderr}\n{log[-2000:]}")
            self.port = free_port()
        return self

    def create_database(self, name: str) -> str:
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return f"postgresql://postgres@127.0.0.1:{self.port}/{name}"

    def stop(self) -> None:
        self._run(pg_bin("pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.root, ignore_errors=True)
