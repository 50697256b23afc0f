"""The start_service fixture when another process takes the ports it chose for a service before the service binds
them (a parallel test's worker, the broker, Prometheus): the service listens on others and says which, and the test
reaches it there. The race is made certain: every port the fixture chooses is one a listening socket of this test
holds; the broker and the worker are the real ones."""

from __future__ import annotations

import os
import urllib.request

import pytest

import tests.conftest
from tests.conftest import wait_http

pytestmark = pytest.mark.integration


def test_a_service_whose_ports_were_taken_before_it_bound_them_is_reached_where_it_listens(
        start_service, taken_port, monkeypatch):
    monkeypatch.setattr(tests.conftest, "free_port", lambda host="127.0.0.1": taken_port)
    worker = start_service("worker", "newsroom")
    wait_http(worker.web_port, "/healthz", proc=worker)
    assert worker.web_port != taken_port
    wait_http(worker.newsroom_port, "/", proc=worker)
    assert worker.newsroom_port not in (taken_port, worker.web_port)
    with urllib.request.urlopen(f"http://127.0.0.1:{worker.newsroom_port}/api/stories", timeout=5) as resp:
        assert resp.status == 200
    log = worker.log()
    assert f"port {taken_port} on 127.0.0.1 is in use by pid {os.getpid()}: " in log, log[-3000:]
    assert worker.alive(), log[-3000:]
