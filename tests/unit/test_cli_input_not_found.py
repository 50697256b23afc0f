"""An input that is neither a file nor an http(s) URL: one line that says which it looked like. A URL of another
scheme is not 'no such file or directory', and a web address given without its scheme is told how to give it."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from services.cli import main


@pytest.mark.parametrize(("given", "said"), [
    ("ftp://example.com/feed.xml", "ftp://example.com/feed.xml: only http(s) URLs are fetched, and no file has that name"),
    ("file:///tmp/nothing-here.xml", "file:///tmp/nothing-here.xml: only http(s) URLs are fetched, and no file has that name"),
    ("example.com/feed.xml", "example.com/feed.xml: no such file or directory (a web address needs its scheme: "
                             "https://example.com/feed.xml)"),
    ("news.example.org:8080/rss", "news.example.org:8080/rss: no such file or directory (a web address needs its "
                                  "scheme: https://news.example.org:8080/rss)"),
    ("reports/today.json", "reports/today.json: no such file or directory"),
    ("missing.txt", "missing.txt: no such file or directory"),
])
@pytest.mark.parametrize("command", [["process"], ["ingest", "--broker", "127.0.0.1:9"]])
def test_an_input_that_is_no_file_says_what_it_looked_like(tmp_path, monkeypatch, command, given, said):
    monkeypatch.chdir(tmp_path)  # no file of the relative names above exists here
    result = CliRunner().invoke(main, [*command, given])
    assert result.exit_code == 1, result.output
    assert result.stderr.splitlines() == [f"Error: {said}"]
