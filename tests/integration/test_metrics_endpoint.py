"""What a worker's /metrics serves to Prometheus: the counters it reads, without prometheus_client's *_created series."""

import urllib.request

import pytest

from tests.conftest import wait_http

pytestmark = pytest.mark.integration


async def test_metrics_serve_counters_and_histograms_without_created_series(broker, start_service):
    worker = start_service("worker", "ingest")
    wait_http(worker.web_port, proc=worker)
    with urllib.request.urlopen(f"http://127.0.0.1:{worker.web_port}/metrics", timeout=5) as resp:
        text = resp.read().decode()
    names = {line.split("{")[0].split(" ")[0] for line in text.splitlines() if line and not line.startswith("#")}
    # Not vacuous: a counter of ours (unlabelled, so exported from the start), Faust's counters and a histogram.
    assert "wirewatch_stories_merged_total" in names
    assert any(n.startswith("faust_") and n.endswith("_total") for n in names)
    assert any(n.endswith("_bucket") for n in names)
    assert sorted(n for n in names if n.endswith("_created")) == []
