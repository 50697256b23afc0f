"""A saved feed that the lenient parser reads but finds fault with (an entity XML does not define): `wirewatch process
FILE` says what is wrong on stderr, in one line naming the file, as it does for the same bytes at a URL; an input that
gives no article is one line saying why once, not a "rejected" line and its "0 articles" line saying it twice."""

from __future__ import annotations

import orjson
import pytest
from click.testing import CliRunner

from services.cli import main

# HTML's &nbsp; is no XML entity: every entry is still read, and the feed is ill-formed.
ILL_FORMED_RSS = (b'<?xml version="1.0"?><rss version="2.0"><channel><title>Port</title>'
                  b"<item><title>Harbour reopens</title><link>https://port.example.com/1</link>"
                  b"<description>The harbour reopened on Monday.</description></item>"
                  b"<item><title>Cranes &nbsp; idle</title><link>https://port.example.com/3</link></item></channel></rss>")
SITEMAP = (b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
           b"<url><loc>https://port.example.com/a</loc></url></urlset>")


def process(*paths: str):
    return CliRunner().invoke(main, ["process", "--until", "raw", *paths])


def processed(path, data: bytes) -> tuple[int, list[str]]:
    """The exit status and the lines on stderr of `wirewatch process` of ``data`` written to ``path``."""
    path.write_bytes(data)
    result = process(str(path))
    return result.exit_code, result.stderr.splitlines()


def test_an_ill_formed_feed_file_is_read_and_said_to_be_ill_formed_in_one_line_naming_it(tmp_path):
    feed = tmp_path / "port.rss"
    feed.write_bytes(ILL_FORMED_RSS)
    result = process(str(feed))
    assert result.exit_code == 0, result.stderr
    assert [orjson.loads(line)["title"] for line in result.stdout.splitlines()] == ["Harbour reopens", "Cranes \xa0 idle"]
    [said] = [line for line in result.stderr.splitlines() if line.startswith(f"{feed}: ")]
    assert said.startswith(f"{feed}: ill-formed feed at line 1: ") and "undefined entity" in said, result.stderr


def test_a_well_formed_feed_file_says_nothing_of_problems(tmp_path):
    feed = tmp_path / "port.rss"
    feed.write_bytes(ILL_FORMED_RSS.replace(b"&nbsp;", b"&#160;"))
    result = process(str(feed))
    assert result.exit_code == 0, result.stderr
    assert not [line for line in result.stderr.splitlines() if line.startswith(f"{feed}: ")], result.stderr


def test_a_file_that_is_no_feed_at_all_is_said_once_as_what_it_is(tmp_path):
    """The parser's own complaint about a sitemap is not said besides: the file is no feed, and that is its line."""
    sitemap = tmp_path / "sitemap.xml"
    sitemap.write_bytes(SITEMAP)
    result = process(str(sitemap))
    assert result.exit_code == 1, result.stderr
    mine = [line for line in result.stderr.splitlines() if line.startswith(f"{sitemap}: ")]
    assert mine == [f"{sitemap}: 0 articles: not a feed: XML whose root element is <urlset>, not <rss>, <rdf:RDF> "
                    "or <feed>"], result.stderr


EMPTY_RSS = b'<?xml version="1.0"?><rss version="2.0"><channel><title>Port</title></channel></rss>'


def test_an_empty_feed_file_given_a_source_is_still_named_by_its_file(tmp_path):
    """--source names the articles' source, not the input: the line that says why there is none names the file."""
    feed = tmp_path / "port.rss"
    feed.write_bytes(EMPTY_RSS)
    result = CliRunner().invoke(main, ["process", "--until", "raw", "--source", "port-authority", str(feed)])
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines() == [f"{feed}: 0 articles: feed has no entries"]


@pytest.mark.parametrize(("url", "why"), [
    ("http://127.0.0.1:9/feed.rss", "127.0.0.1 is not a public address"),
    ("http://localhost:9/feed.rss", "localhost is loopback"),
])
def test_a_url_refused_before_any_fetch_is_one_line_naming_it_once_and_how_to_allow_it(monkeypatch, url, why):
    monkeypatch.delenv("WIREWATCH_INGEST__ALLOW_HOSTS", raising=False)
    result = process(url)
    assert result.exit_code == 1, result.stderr
    assert result.stderr.splitlines() == [f"{url}: 0 articles: refusing to fetch: {why} "
                                          "(allow it with WIREWATCH_INGEST__ALLOW_HOSTS)"]


def test_a_url_where_nothing_listens_says_the_connection_was_refused_in_words(monkeypatch, closed_port):
    url = f"http://127.0.0.1:{closed_port}/feed.rss"
    monkeypatch.setenv("WIREWATCH_INGEST__ALLOW_HOSTS", "127.0.0.1")
    result = process(url)
    assert result.exit_code == 1, result.stderr
    assert result.stderr.splitlines() == [f"{url}: 0 articles: cannot connect: connection refused"]


@pytest.mark.parametrize(("name", "data", "why"), [
    ("empty.txt", b"", "empty input"),
    ("cut.json", b'{"title": "cut off', "not valid JSON: unexpected end of data: line 1 column 19 (char 18)"),
    ("typo.json", b'{"titel": "Dock strike ends", "body": "Workers return."}',
     "1 entry, rejected: unknown field 'titel': did you mean 'title'?"),
    ("noid.rss", b'<rss version="2.0"><channel><item><description>Workers return.</description></item></channel></rss>',
     "1 entry, rejected: entry has no link, GUID or title to identify it"),
    ("sitemap.xml", SITEMAP, "not a feed: XML whose root element is <urlset>, not <rss>, <rdf:RDF> or <feed>"),
])
def test_a_file_rejected_whole_or_by_its_one_entry_is_one_line_saying_why_once(tmp_path, name, data, why):
    path = tmp_path / name
    assert processed(path, data) == (1, [f"{path}: 0 articles: {why}"])


def test_entries_rejected_each_for_its_reason_are_each_said_then_the_files_line(tmp_path):
    feed = tmp_path / "two.rss"
    assert processed(feed, b'<rss version="2.0"><channel><item><description>One.</description></item>'
                           b"<item><link>https://port.example.com/2</link></item></channel></rss>") == (1, [
        f"rejected {feed} entry 1: entry has no link, GUID or title to identify it",
        f"rejected {feed} entry 2: entry has neither title nor text",
        f"{feed}: 0 articles: 2 entries, every one rejected (first: entry has no link, GUID or title to identify it)"])


def test_a_rejected_record_among_articles_is_said_on_its_own_line(tmp_path):
    dump = tmp_path / "two.json"
    assert processed(dump, b'[{"title": "Harbour reopens", "body": "On Monday.", "url": "https://port.example.com/1"}, '
                           b'{"titel": "Quay"}]') == (0, [f"rejected {dump}[1]: unknown field 'titel': did you mean 'title'?",
                                                          '{"read":1,"rejected":1}'])


def test_a_url_of_a_host_that_does_not_exist_says_no_such_host(unknown_host):
    url = f"http://{unknown_host}/feed.rss"
    result = process(url)
    assert result.exit_code == 1, result.stderr
    assert result.stderr.splitlines() == [f"{url}: 0 articles: cannot connect: no such host"]


def test_a_directory_with_nothing_to_read_says_so_and_is_no_error(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "notes.md").write_text("not an input")
    result = process(str(inbox))
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines() == [f"{inbox}: 0 articles: directory has no .txt, .json, .ndjson, .jsonl, .xml, "
                                          ".rss, .atom, .html or .htm file (1 other file not read)"]


def test_records_that_are_no_objects_are_said_in_json_words_not_python_names(tmp_path):
    dump = tmp_path / "values.json"
    assert processed(dump, b'[1, "quay", [2]]') == (1, [
        f"rejected {dump}[0]: expected a JSON object, got a number",
        f"rejected {dump}[1]: expected a JSON object, got text",
        f"rejected {dump}[2]: expected a JSON object, got an array",
        f"{dump}: 0 articles: 3 entries, every one rejected (first: expected a JSON object, got a number)"])
