"""``wirewatch feeds status`` and ``feeds check --no-fetch`` as a user meets them: pointed at something that is not an
ingest worker, one line that says what answered and what to do, exit status 1, no traceback."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import orjson
import pytest
from click.testing import CliRunner

from services.cli import main


class Answers(BaseHTTPRequestHandler):
    """GET /feeds answers what the test put in ``server.answers``: (status, content type, body)."""

    def do_GET(self):  # noqa: N802  (http.server's name)
        status, content_type, body = self.server.answers.get(self.path, (404, "text/plain", b"not found"))
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Answers)
    httpd.answers = {}
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def status(url: str):
    return CliRunner().invoke(main, ["feeds", "status", "--url", url])


def test_a_page_that_is_not_a_feeds_status_is_one_line_not_a_traceback(server):
    # a server that answers /feeds with something else (RSS here): not an ingest worker
    server.answers["/feeds"] = (200, "application/rss+xml", b"<?xml version='1.0'?><rss version='2.0'><channel/></rss>")
    url = f"http://127.0.0.1:{server.server_port}"
    result = status(url)
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    [line] = result.stderr.splitlines()
    assert line.startswith(f"Error: {url}/feeds answered, but not with a feeds status"), line
    assert "--url names its web port" in line


def test_json_of_another_shape_is_not_taken_for_a_feeds_status(server):
    server.answers["/feeds"] = (200, "application/json", orjson.dumps({"status": "ok"}))
    result = status(f"http://127.0.0.1:{server.server_port}")
    assert result.exit_code == 1, result.output
    assert "not with a feeds status" in result.stderr


def test_an_http_error_says_its_status(server):
    result = status(f"http://127.0.0.1:{server.server_port}/elsewhere")
    assert result.exit_code == 1, result.output
    [line] = result.stderr.splitlines()
    assert f"127.0.0.1:{server.server_port}/elsewhere/feeds answered HTTP 404" in line, line


def test_nobody_listening_is_said_with_what_to_start(server):
    port = server.server_port
    server.shutdown()
    server.server_close()
    result = status(f"http://127.0.0.1:{port}")
    assert result.exit_code == 1, result.output
    assert result.stderr.splitlines() == [
        f"Error: no ingest worker answers at http://127.0.0.1:{port}: connection refused (is an ingest worker "
        "(`wirewatch worker ingest` or `wirewatch run`) serving there? --url names its web port)"]


def test_a_host_that_does_not_exist_is_said_so(unknown_host):
    result = status(f"http://{unknown_host}:6066")
    assert result.exit_code == 1, result.output
    [line] = result.stderr.splitlines()
    assert line.startswith(f"Error: no ingest worker answers at http://{unknown_host}:6066: no such host ("), line


def test_the_default_address_follows_the_port_the_worker_is_given(server, monkeypatch):
    # a worker started with WIREWATCH_WEB_PORT=<port>: `feeds status` in the same environment finds it without --url
    monkeypatch.setenv("WIREWATCH_WEB_PORT", str(server.server_port))
    server.answers["/feeds"] = (200, "application/json", orjson.dumps({"feeds_file": "port-7000.yaml", "feeds": []}))
    result = CliRunner().invoke(main, ["feeds", "status"])
    assert result.exit_code == 0, result.output
    assert result.stdout == "no feeds (feeds file: port-7000.yaml)\n"


def test_help_shows_the_default_address_in_force(monkeypatch):
    monkeypatch.setenv("WIREWATCH_WEB_PORT", "7000")
    result = CliRunner().invoke(main, ["feeds", "status", "--help"])
    assert result.exit_code == 0, result.output
    assert "[default: http://127.0.0.1:7000]" in " ".join(result.stdout.split()), result.stdout


def test_a_worker_listening_on_every_address_is_asked_on_loopback(server, monkeypatch):
    monkeypatch.setenv("WIREWATCH_WEB_HOST", "0.0.0.0")
    monkeypatch.setenv("WIREWATCH_WEB_PORT", str(server.server_port))
    server.answers["/feeds"] = (200, "application/json", orjson.dumps({"feeds_file": None, "feeds": []}))
    result = CliRunner().invoke(main, ["feeds", "status"])
    assert result.exit_code == 0, result.output


def test_nobody_at_the_default_address_says_where_it_looked_and_how_to_look_elsewhere(server, monkeypatch):
    port = server.server_port
    server.shutdown()
    server.server_close()
    monkeypatch.setenv("WIREWATCH_WEB_PORT", str(port))
    result = CliRunner().invoke(main, ["feeds", "status"])
    assert result.exit_code == 1, result.output
    [line] = result.stderr.splitlines()
    assert line.startswith(f"Error: no ingest worker answers at http://127.0.0.1:{port} (by WIREWATCH_WEB_HOST and "
                           "WIREWATCH_WEB_PORT): "), line
    assert "--url, or WIREWATCH_WEB_PORT set as the worker's, names another" in line, line


def test_a_worker_with_no_feeds_is_still_a_worker(server):
    # what the ingest worker's GET /feeds answers when no feeds file is set: not taken for a stranger
    server.answers["/feeds"] = (200, "application/json", orjson.dumps({"feeds_file": None, "feeds": []}))
    result = status(f"http://127.0.0.1:{server.server_port}")
    assert result.exit_code == 0, result.output
    assert result.stdout == "no feeds: the worker has no feeds file (WIREWATCH_INGEST__FEEDS_FILE is not set)\n"


@pytest.mark.parametrize("count", [1, 2])
def test_feeds_check_counts_its_feeds_in_words(tmp_path, count):
    path = tmp_path / "feeds.yaml"
    path.write_text("feeds:\n" + "".join(f"  - id: f{i}\n    url: https://f{i}.example.com/rss.xml\n" for i in range(count)))
    result = CliRunner().invoke(main, ["feeds", "check", str(path), "--no-fetch"])
    assert result.exit_code == 0, result.output
    assert result.stdout == f"{path}: {count} {'feed' if count == 1 else 'feeds'}, valid\n"


@pytest.mark.parametrize("text", ["", "feeds: []\n"])
def test_feeds_check_of_a_file_listing_no_feed_says_nothing_would_be_polled(tmp_path, text):
    """An empty feeds file is valid (a worker with nothing to poll yet), but "0 feeds, valid" alone read as all well."""
    path = tmp_path / "feeds.yaml"
    path.write_text(text)
    result = CliRunner().invoke(main, ["feeds", "check", str(path), "--no-fetch"])
    assert result.exit_code == 0, result.output
    assert result.stdout == f"{path}: 0 feeds, valid (it lists no feed: ingest would poll nothing)\n"


def test_a_feed_a_410_disabled_says_why_it_is_not_polled_again_not_when(server):
    # the row the ingest worker's GET /feeds gives a feed whose publisher answered 410 Gone
    gone = {"feed": "gone", "url": "https://gazette.example.com/rss.xml", "polled_here": True, "failing": True,
            "disabled": "410 Gone: the publisher removed the feed", "consecutive_failures": 1, "failing_after": 1,
            "last_status": 410, "last_error": 'feed "gone": HTTP 410', "last_error_class": "HTTP410",
            "last_error_at": 1796544991.66, "last_attempt_at": 1796544991.66, "last_success_at": None, "entries": 0,
            "interval_s": None, "next_poll_in_s": None}
    server.answers["/feeds"] = (200, "application/json", orjson.dumps({"feeds_file": "feeds.yaml", "feeds": [gone]}))
    result = status(f"http://127.0.0.1:{server.server_port}")
    assert result.exit_code == 1, result.output
    assert result.stdout.splitlines()[0] == ("gone\tDISABLED\tlast status 410\t0 entries\t"
                                             "not polled again: 410 Gone: the publisher removed the feed")
    assert "None" not in result.stdout


def test_a_feed_with_rejected_entries_says_how_many_its_last_answer_had_and_one_without_says_nothing(server):
    row = {"feed": "reef", "url": "https://reef.example/rss", "polled_here": True, "failing": False, "disabled": None,
           "consecutive_failures": 0, "failing_after": 3, "last_status": 200, "last_error": None,
           "last_error_class": None, "last_error_at": None, "last_attempt_at": 1796544991.66,
           "last_success_at": 1796544991.66, "entries": 12, "rejected": 2, "interval_s": 300.0, "next_poll_in_s": 120.0}
    older = {**row, "feed": "tide"}
    del older["rejected"]  # a worker of an earlier release
    server.answers["/feeds"] = (200, "application/json", orjson.dumps({"feeds_file": "feeds.yaml", "feeds": [
        row, {**row, "feed": "quay", "rejected": 0}, older]}))
    result = status(f"http://127.0.0.1:{server.server_port}")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == ["quay\tok\tlast status 200\t12 entries\tnext poll in 120.0 s",
                                          "reef\tok\tlast status 200\t12 entries, 2 rejected\tnext poll in 120.0 s",
                                          "tide\tok\tlast status 200\t12 entries\tnext poll in 120.0 s"]


@pytest.mark.parametrize("url", ["ftp://127.0.0.1:6066", "http://127.0.0.1:99999", "http://:6066", "file:///feeds"])
def test_a_url_that_is_no_worker_s_web_address_is_a_usage_error_not_a_traceback(url):
    result = status(url)
    assert result.exit_code == 2, result.output
    assert result.stderr.splitlines()[-1] == (f"Error: Invalid value for '--url': {url!r} is not the web address of a "
                                              "worker, such as http://127.0.0.1:6066")


def test_a_url_without_its_scheme_is_taken_for_http(server):
    server.answers["/feeds"] = (200, "application/json", orjson.dumps({"feeds": [], "feeds_file": None}))
    result = status(f"127.0.0.1:{server.server_port}")
    assert (result.exit_code, result.stderr) == (0, ""), result.output
    assert result.stdout == "no feeds: the worker has no feeds file (WIREWATCH_INGEST__FEEDS_FILE is not set)\n"
