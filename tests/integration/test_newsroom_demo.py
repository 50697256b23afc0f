"""`wirewatch demo`: the whole job, ending with the newsroom showing the seed story in both languages.

With ``--no-serve`` it exits there; without, the newsroom stays up until the demo is stopped, and a SIGTERM
(``kill``, ``timeout``, a container stop) stops it as Ctrl-C does, leaving no process of its own behind; a
SIGKILL leaves none either (its services and broker die with it).
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time

import pytest

from tests.conftest import ROOT, service_env

pytestmark = pytest.mark.e2e


def test_demo_ends_with_the_newsroom_url_and_the_seed_story_in_two_languages(tmp_path):
    env = service_env()
    env["WIREWATCH_TAGGER__SPACY_MODEL"] = "en_core_web_sm"
    done = subprocess.run([sys.executable, "-m", "services.cli", "demo", "--no-serve", "--newsroom-port", "0",
                           "--examples", str(ROOT / "examples"), "--timeout", "400"],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    tail = done.stdout.split("\nnewsroom: ", 1)[1]
    assert tail.startswith("http://127.0.0.1:")
    assert "3 reports in en, es" in tail
    assert "NATO" in tail and "Jens Stoltenberg" in tail
    assert "stays up until Ctrl-C" not in done.stdout, "--no-serve exits at once"
    assert "(stops with the demo" in tail.splitlines()[0], "the URL says it will not answer after the demo"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return not open(f"/proc/{pid}/stat").read().split(") ", 1)[1].startswith("Z")


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL], ids=["sigterm", "sigkill"])
def test_a_serving_demo_stopped_by_a_signal_leaves_no_process_behind(tmp_path, sig):
    env = service_env()
    env["WIREWATCH_TAGGER__SPACY_MODEL"] = "en_core_web_sm"
    env["PYTHONUNBUFFERED"] = "1"
    demo = subprocess.Popen([sys.executable, "-m", "services.cli", "demo", "--newsroom-port", "0",
                             "--examples", str(ROOT / "examples"), "--timeout", "400"],
                            cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        out = []
        for line in demo.stdout:
            out.append(line)
            if "stays up until Ctrl-C" in line or line.startswith("FAILED"):
                break
        text = "".join(out)
        assert "stays up until Ctrl-C" in text, text[-3000:]
        worker = int(re.search(r"in one process \(pid (\d+)", text).group(1))
        broker = int(re.search(r"on 127\.0\.0\.1:(\d+)", text).group(1))
        assert _alive(worker)
        demo.send_signal(sig)
        rest = demo.stdout.read()
        if sig == signal.SIGTERM:  # stopped as by Ctrl-C, its own clean-up run
            assert demo.wait(timeout=60) == 0, rest[-3000:]
            assert "stopped" in rest
        else:  # no clean-up can run: its children die with it
            assert demo.wait(timeout=60) == -signal.SIGKILL
        deadline = time.monotonic() + 30
        while _alive(worker) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not _alive(worker), "the services process outlived the demo"
        import socket

        with socket.socket() as s:
            assert s.connect_ex(("127.0.0.1", broker)) != 0, "the embedded broker outlived the demo"
    finally:
        if demo.poll() is None:
            demo.kill()
