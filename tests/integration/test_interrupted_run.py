"""A test run stopped by SIGTERM (a cancelled CI job) tears its fixtures down as Ctrl-C does: the PostgreSQL server
the session started, which pg_ctl runs apart from pytest, does not outlive the run (it did, and had to be stopped by
hand). The real pytest as a subprocess, the real server."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from tests.conftest import ROOT

# A test before it that ran an event loop handling SIGTERM itself (the demo does, and Faust's worker): closing the loop
# puts SIGTERM back to the default, which would end the run there and then, with no teardown.
LOOP_BEFORE = '''
import asyncio, signal

def test_a_loop_that_handled_sigterm():
    async def main():
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, lambda: None)
    asyncio.run(main())
'''

HELD = '''
import pathlib, time

def test_holds_the_server(postgres_server):
    pathlib.Path({marker!r}).write_text(str(postgres_server.data))
    time.sleep(300)
'''


@pytest.mark.parametrize("before", ["", LOOP_BEFORE], ids=["alone", "after-a-loop-handled-sigterm"])
def test_a_run_stopped_by_sigterm_stops_its_postgresql_server(tmp_path, before):
    marker = tmp_path / "data-dir"
    test_file = tmp_path / "test_held.py"
    test_file.write_text(before + HELD.format(marker=str(marker)), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    run = subprocess.Popen([sys.executable, "-m", "pytest", "-q", "-p", "tests.conftest", "-p", "no:cacheprovider",
                            "--rootdir", str(tmp_path), str(test_file)], cwd=tmp_path, env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 120
        while not marker.exists() and run.poll() is None and time.monotonic() < deadline:
            time.sleep(0.2)
        assert marker.exists(), run.communicate(timeout=30)[0]
        pid_file = marker.read_text() + "/postmaster.pid"
        pid = int(open(pid_file).readline())
        os.kill(pid, 0)  # the server runs
        run.send_signal(signal.SIGTERM)
        output, _ = run.communicate(timeout=120)
    finally:
        if run.poll() is None:
            run.kill()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.2)
    else:
        from tests.support.postgres import pg_bin

        data = marker.read_text()
        subprocess.run(["runuser", "-u", "postgres", "--"] * (os.geteuid() == 0) + [pg_bin("pg_ctl"), "-D", data, "-m",
                       "immediate", "-w", "stop"], capture_output=True, check=False)  # not left behind by this test
        raise AssertionError(f"PostgreSQL (pid {pid}) outlived the stopped run:\n{output}")
    assert "KeyboardInterrupt" in output or "Interrupted" in output, output
