"""`wirewatch demo` when another process takes the web port it chose for its services process (/metrics, POST
/ingest) before that process binds it: the services listen on another port and say which, and the demo pushes,
reads /metrics and prints the URL on that one. The race is made certain: the demo's choice of port is one a
listening socket of this test holds; the broker, the services process and the demo are the real ones."""

from __future__ import annotations

import os
import re
import socket

import pytest

import services.demo
from services.demo import run_demo
from tests.conftest import ROOT

pytestmark = pytest.mark.e2e


async def test_the_demo_runs_on_another_port_when_its_web_port_is_taken_as_its_services_start(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        taken = other.getsockname()[1]
        monkeypatch.setattr(services.demo, "free_port", lambda host="127.0.0.1": taken)
        code = await run_demo(examples=ROOT / "examples", timeout_s=400, serve=False, newsroom_port=0)
    out = capsys.readouterr().out
    log = (tmp_path / ".wirewatch/demo/worker.log").read_text(errors="replace")
    assert code == 0, out[-3000:] + log[-3000:]
    port = int(re.search(r"^  services .*http://127\.0\.0\.1:(\d+)/metrics", out, re.MULTILINE).group(1))
    assert port != taken
    assert f"port {taken} on 127.0.0.1 is in use by pid {os.getpid()}: " in log
    assert f"web server on http://127.0.0.1:{port}/" in log.splitlines()
    assert "ingest: POST /ingest with 2 NDJSON articles" in out
    assert 'wirewatch_messages_processed_total{stage="normalize"}' in out.split("metrics (from /metrics):", 1)[1]
