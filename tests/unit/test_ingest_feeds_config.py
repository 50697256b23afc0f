"""The feeds file: what users write is validated, and every mistake names its line and feed."""

from pathlib import Path

import pytest

from services.ingest.feeds import FeedsConfigError, feeds_to_yaml, load_feeds, parse_feeds, parse_opml

FIXTURES = Path(__file__).parent / "fixtures" / "feeds"

GOOD = """\
defaults:
  min_interval_s: 120
  max_interval_s: 1800
feeds:
  - id: gazette
    url: https://gazette.example.com/rss.xml
    language: en
    tags: [harbour, uk]
  - id: vesti
    url: https://vesti.example.ru/rss
    min_interval_s: 600
"""


def test_feeds_file_gives_feeds_with_their_bounds():
    config = parse_feeds(GOOD)
    gazette, vesti = config.feeds
    assert (gazette.id, gazette.language, gazette.tags) == ("gazette", "en", ("harbour", "uk"))
    assert gazette.bounds(config.defaults) == (120, 1800)
    assert vesti.bounds(config.defaults) == (600, 1800)


def test_every_mistake_is_reported_with_line_and_feed():
    text = GOOD + """\
  - id: broken
    url: ftp://files.example.com/feed
  - id: gazette
    url: https://other.example.com/
  - url: https://noid.example.com/
"""
    with pytest.raises(FeedsConfigError) as caught:
        parse_feeds(text, name="feeds.yaml")
    problems = caught.value.problems
    assert len(problems) == 3
    assert problems[0].startswith('feeds.yaml:12: feed "broken"') and "not an http(s) URL" in problems[0]
    assert problems[1].startswith('feeds.yaml:14: feed "gazette"') and "duplicate id, first defined at line 5" in problems[1]
    assert problems[2].startswith("feeds.yaml:16: feeds[4]") and "id" in problems[2]


def test_unknown_keys_and_inverted_bounds_are_refused():
    text = "feeds:\n  - id: a\n    url: https://a.example.com/\n    colour: red\n  - id: b\n    url: https://b.example.com/\n    min_interval_s: 900\n    max_interval_s: 60\n"
    with pytest.raises(FeedsConfigError) as caught:
        parse_feeds(text)
    assert "colour" in caught.value.problems[0] and 'feed "a"' in caught.value.problems[0]
    assert "above max_interval_s" in caught.value.problems[1] and ":5:" in caught.value.problems[1]


@pytest.mark.parametrize(("text", "problem"), [
    ("feed:\n  - id: a\n", "feeds.yaml: unknown top-level key 'feed': a feeds file has only 'feeds' and 'defaults' "
                            "(did you mean 'feeds'?)"),
    ("feeds: []\nextra: 1\n", "feeds.yaml: unknown top-level key 'extra': a feeds file has only 'feeds' and 'defaults'"),
    ("rules: []\nwebhooks: {}\n", "feeds.yaml: unknown top-level keys 'rules', 'webhooks': a feeds file has only 'feeds' "
                                 "and 'defaults' (it looks like a rules file: `wirewatch rules check` reads those)"),
])
def test_an_unknown_top_level_key_is_named_in_words_with_what_was_meant(text, problem):
    with pytest.raises(FeedsConfigError) as caught:
        parse_feeds(text, name="feeds.yaml")
    assert caught.value.problems == [problem]


def test_a_feeds_file_that_is_no_mapping_says_what_it_is_in_words():
    with pytest.raises(FeedsConfigError) as caught:
        parse_feeds('"just text"\n', name="feeds.yaml")
    assert caught.value.problems == ["feeds.yaml: expected a mapping with a 'feeds' list, got text"]


def test_broken_yaml_names_the_line_and_column_where_the_unclosed_list_opened():
    """FILE:LINE:COLUMN, as the rules and gazetteer files say it: the '[' opened on line 3, column 10."""
    with pytest.raises(FeedsConfigError) as caught:
        parse_feeds("feeds:\n  - id: a\n    url: [unclosed\n", name="feeds.yaml")
    assert caught.value.problems == [
        "feeds.yaml:3:10: not valid YAML: expected ',' or ']', but got '<stream end>' at line 4, column 1, "
        "while parsing a flow sequence that starts at line 3, column 10"]


def test_broken_yaml_in_the_middle_of_the_file_names_its_line_and_column():
    with pytest.raises(FeedsConfigError) as caught:
        parse_feeds("feeds:\n  - id: a\n    url: https://x.example/feed\n   tags: [a]\n", name="feeds.yaml")
    [problem] = caught.value.problems
    assert problem.startswith("feeds.yaml:4:4: not valid YAML: "), problem


def test_opml_import_turns_folders_into_tags():
    feeds = parse_opml((FIXTURES / "feeds.opml").read_bytes())
    by_id = {f.id: f for f in feeds}
    assert set(by_id) == {"harbour-gazette", "nordwire", "quayside-notes"}
    assert by_id["harbour-gazette"].tags == ("Agencies",)
    assert by_id["nordwire"].language == "de"
    assert by_id["quayside-notes"].tags == ()
    # An import round-trips through the YAML format users then edit.
    assert {f.id for f in parse_feeds(feeds_to_yaml(feeds)).feeds} == set(by_id)


def test_an_opml_file_cut_off_is_said_to_be_rather_than_read_with_fewer_feeds():
    whole = (FIXTURES / "feeds.opml").read_bytes()
    cut = whole[:whole.rindex(b"<outline")]
    with pytest.raises(FeedsConfigError) as caught:
        parse_opml(cut, name="subs.opml")
    last_line = cut.count(b"\n") + 1
    assert caught.value.problems == [f"subs.opml:{last_line}: not valid OPML: it ends before its closing </opml> (cut off?)"]


def test_opml_file_loads_like_a_feeds_file(tmp_path):
    path = tmp_path / "subs.opml"
    path.write_bytes((FIXTURES / "feeds.opml").read_bytes())
    assert len(load_feeds(path).feeds) == 3


def test_a_key_in_a_feed_url_comes_from_the_environment():
    text = ("feeds:\n"
            "  - id: headlines\n    url: https://newsapi.example/v2/top-headlines?country=us&apiKey=${NEWSAPI_KEY}\n"
            "  - id: gdelt\n    url: https://api.gdelt.example/doc?query=${QUERY:-harbour}&format=json\n")
    feeds = parse_feeds(text, env={"NEWSAPI_KEY": "k-123"})
    assert [f.url for f in feeds.feeds] == ["https://newsapi.example/v2/top-headlines?country=us&apiKey=k-123",
                                            "https://api.gdelt.example/doc?query=harbour&format=json"]
    with pytest.raises(FeedsConfigError) as err:
        parse_feeds(text, env={})
    assert err.value.problems == ['feeds.yaml:2: feed "headlines": environment variable NEWSAPI_KEY is not set and has no default']


def test_a_feeds_headers_take_their_values_from_the_environment():
    text = ("feeds:\n"
            "  - id: headlines\n    url: https://newsapi.example/v2/top-headlines?country=us\n"
            "    headers: {X-Api-Key: '${NEWSAPI_KEY}', User-Agent: 'desk/1.0 (${CONTACT:-desk@example.com})'}\n")
    (feed,) = parse_feeds(text, env={"NEWSAPI_KEY": "k-123"}).feeds
    assert feed.headers == {"X-Api-Key": "k-123", "User-Agent": "desk/1.0 (desk@example.com)"}
    (digits,) = parse_feeds("feeds:\n  - id: api\n    url: https://api.example/news\n    headers: {X-Api-Key: 12345}\n").feeds
    assert digits.headers == {"X-Api-Key": "12345"}, "YAML reads an all-digit key as a number"
    with pytest.raises(FeedsConfigError) as err:
        parse_feeds(text, env={})
    assert err.value.problems == ['feeds.yaml:2: feed "headlines": environment variable NEWSAPI_KEY is not set and has no default']


@pytest.mark.parametrize("headers, why", [
    ("{'X Api Key': k}", "header name 'X Api Key' is not an HTTP token"),
    ("{Host: other.example}", "header 'Host' is set by wirewatch itself"),
    ("{If-None-Match: '\"v1\"'}", "header 'If-None-Match' is set by wirewatch itself"),
    ("{X-Api-Key: a, x-api-key: b}", "header 'x-api-key' is given twice (as 'X-Api-Key' too)"),
    ("{X-Api-Key: \"a\\r\\nX-Evil: 1\"}", "header 'X-Api-Key': a value cannot hold a line break"),
    ("[X-Api-Key]", "headers"),
])
def test_a_header_http_cannot_carry_is_refused_naming_it(headers, why):
    with pytest.raises(FeedsConfigError) as err:
        parse_feeds(f"feeds:\n  - id: api\n    url: https://api.example/news\n    headers: {headers}\n")
    (problem,) = err.value.problems
    assert problem.startswith('feeds.yaml:2: feed "api": ') and why in problem, problem


def test_the_module_docstrings_example_is_a_valid_feeds_file():
    import services.ingest.feeds as feeds_module

    example = feeds_module.__doc__.split("```yaml\n", 1)[1].split("```", 1)[0]
    parsed = parse_feeds(example, env={"NEWSAPI_KEY": "k", "GUARDIAN_KEY": "g"})
    guardian = parsed.by_id()["guardian"]
    assert guardian.items == "response.results" and guardian.fields["body"] == "fields.bodyText"


def test_a_file_that_is_a_bare_list_names_the_line_of_each_bad_item_once():
    """A bare list is read as the feeds; an item that is no mapping was 'feeds.yaml: feeds[0]: feeds[0]: …'."""
    with pytest.raises(FeedsConfigError) as caught:
        parse_feeds("- id: a\n  url: https://a.example.com/rss\n- just a line\n", name="feeds.yaml")
    assert caught.value.problems == ["feeds.yaml:3: feeds[1]: expected a mapping with id and url"]
