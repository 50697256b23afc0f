"""The worker's web port (/metrics, POST /ingest) held by another process: `wirewatch worker` and `wirewatch run` say so
in one line naming the port and its holder, exit 1; told it may (WIREWATCH_WEB_ANY_PORT_IF_TAKEN, as `wirewatch demo`
tells its services process), the worker serves on another port and says which. Real sockets, a real broker, the
real command as a subprocess."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import urllib.request

import pytest
from click.testing import CliRunner

from services.cli import main
from services.runtime.broker import terminate
from tests.conftest import ROOT, service_env


def wirewatch(args: list[str], tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **settings: str) -> subprocess.Popen:
    env = {**service_env(), "WIREWATCH_DATA_DIR": str(tmp_path / "data"), "PYTHONUNBUFFERED": "1", **settings}
    return subprocess.Popen([sys.executable, "-m", "services.cli", *args], cwd=ROOT, env=env, stdout=stdout, stderr=stderr,
                            text=True)


@pytest.mark.parametrize("command", [["worker", "ingest"], ["run"]])
def test_a_taken_web_port_is_one_line_naming_the_port_and_its_holder(broker, taken_port, tmp_path, command):
    proc = wirewatch([*command, "--broker", broker.bootstrap, "--web-port", str(taken_port)], tmp_path)
    try:
        _, err = proc.communicate(timeout=120)
    finally:
        terminate(proc)
    assert proc.returncode == 1, err
    lines = err.splitlines()
    assert len(lines) == 1, err  # no traceback, no log of a worker that started
    assert lines[0].startswith(f"Error: port {taken_port} on 127.0.0.1 is in use by pid {os.getpid()}: "), err
    assert lines[0].endswith("; --web-port (WIREWATCH_WEB_PORT) names another"), err


def test_a_worker_allowed_any_port_serves_on_a_free_one_and_says_which(broker, taken_port, tmp_path):
    log = tmp_path / "worker.log"
    with open(log, "w") as out:
        proc = wirewatch(["worker", "ingest", "--broker", broker.bootstrap], tmp_path, stdout=out, stderr=subprocess.STDOUT,
                         WIREWATCH_WEB_PORT=str(taken_port), WIREWATCH_WEB_ANY_PORT_IF_TAKEN="true",
                         WIREWATCH_TABLE_DIR=str(tmp_path / "tables"))
    try:
        deadline = time.monotonic() + 120
        while "web server on" not in log.read_text() and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.1)
        taken, listening, *_ = log.read_text().splitlines() + ["", ""]
        assert taken.startswith(f"port {taken_port} on 127.0.0.1 is in use by pid {os.getpid()}: "), log.read_text()
        said = re.fullmatch(r"web server on http://127\.0\.0\.1:(\d+)/", listening)
        assert said, log.read_text()
        port = int(said.group(1))
        assert port != taken_port and taken.endswith(f"; the web server listens on port {port} instead"), taken
        while True:
            assert proc.poll() is None, log.read_text()[-3000:]
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as resp:
                    assert resp.status == 200
                    assert b"wirewatch_messages_processed_total" in resp.read()
                    break
            except OSError:
                assert time.monotonic() < deadline, "the worker never served /metrics on the port it named"
                time.sleep(0.3)
    finally:
        terminate(proc)


def test_any_port_if_taken_needs_a_table_directory_of_its_own(tmp_path):
    result = CliRunner().invoke(main, ["worker", "ingest", "--broker", "127.0.0.1:1", "--broker-wait", "0"],
                                env={"WIREWATCH_WEB_ANY_PORT_IF_TAKEN": "true", "WIREWATCH_DATA_DIR": str(tmp_path)})
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "Error: invalid setting WIREWATCH_WEB_ANY_PORT_IF_TAKEN needs WIREWATCH_TABLE_DIR (or WIREWATCH_TABLE_STORE=memory): "
        "the tables' default directory is named after the web port (see `wirewatch settings --markdown`)"]
