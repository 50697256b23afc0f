"""HTML to text: article paragraphs kept, page furniture dropped, hostile markup survived."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from services.normalize import extract
from services.normalize.extract import html_fragment_to_text, html_to_text, looks_like_html, truncate

FIXTURES = Path(__file__).parent / "fixtures" / "normalize"
HANG_GUARD_S = 300


def test_article_page_becomes_paragraphs_separated_by_blank_lines():
    result = html_to_text((FIXTURES / "article_page.html").read_text(encoding="utf-8"))
    assert result.method == "trafilatura"
    paragraphs = result.text.split("\n\n")
    assert "Train drivers in the northern region returned to work on Wednesday" in result.text
    assert any(p.startswith("Under the agreement, drivers will receive") for p in paragraphs)
    assert all(p == p.strip() and p for p in paragraphs)
    assert "\n\n\n" not in result.text


def test_scripts_styles_and_navigation_never_reach_the_text():
    result = html_to_text((FIXTURES / "article_page.html").read_text(encoding="utf-8"))
    for junk in ("dataLayer", "font-family", "Sport", "Privacy"):
        assert junk not in result.text


def test_when_trafilatura_finds_nothing_lxml_keeps_every_block(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(extract, "_with_trafilatura", lambda markup: "")
    result = html_to_text("<p>Ferries resumed.</p><script>alert('x')</script><div>Buses <b>too</b>.<br>Trams later.</div>")
    assert result == extract.Extraction("Ferries resumed.\n\nBuses too.\n\nTrams later.", "lxml")


def test_when_trafilatura_crashes_lxml_takes_over(monkeypatch: pytest.MonkeyPatch):
    def boom(markup: str) -> str:
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(extract, "_with_trafilatura", boom)
    assert html_to_text("<p>Ferries resumed at noon.</p>") == extract.Extraction("Ferries resumed at noon.", "lxml")


def test_short_fragment_still_yields_its_text():
    assert html_to_text("<p>Ferries resumed.</p>").text == "Ferries resumed."


def test_page_with_encoding_declaration_is_parsed():
    page = '<?xml version="1.0" encoding="utf-8"?><html><body><p>The council approved the budget on Monday evening.</p></body></html>'
    assert "The council approved the budget" in html_to_text(page).text


@pytest.mark.parametrize(
    ("markup", "survives"),
    [
        ("<div>" * 50_000 + "<p>Buried text.</p>" + "</div>" * 50_000, ["Buried text."]),
        ("<b><i><u>" * 20_000 + "unclosed", ["unclosed"]),
        ("<html><body><p>Open <b>bold <i>italic <p>Second para & stray < bracket </div></span></td>",
         ["Open bold italic", "Second para & stray < bracket"]),
        ("<script>document.write('x')</script><style>p{}</style>", []),
        ("\x00\x01\x02<p>\x00bytes</p>\ufffe", ["bytes"]),
        ("<!-- only a comment -->", []),
        ("<![CDATA[ odd ]]><p", []),
        ("", []),
        ("   \n  ", []),
        ("<table>" + "<tr><td>cell</td>" * 5_000 + "</table>", ["cell"] * 5_000),
    ],
    ids=["deep-nesting", "unclosed-inline", "broken", "script-style-only", "control-bytes", "comment", "cdata", "empty", "blank", "wide-table"],
)
def test_hostile_html_keeps_its_text_and_no_markup(markup: str, survives: list[str]):
    result = html_to_text(markup)
    # Every piece of text survives, in order, and nothing else but the control characters the cleanup removes next.
    assert [p for p in result.text.split("\n\n") if p.strip("\x01\x02\ufffe")] == survives
    assert "\x00" not in result.text and "\ufffd" not in result.text
    assert result.method in (("trafilatura", "lxml", "tokenizer") if survives else ("none",))


def test_script_only_page_yields_no_text():
    result = html_to_text("<html><head><script>var a = 1;</script></head><body><style>b{}</style></body></html>")
    assert (result.text, result.method) == ("", "none")


def test_huge_page_is_extracted_whole_and_in_order():
    paragraphs = [f"Item {i}: the committee met again and discussed the harbour budget in detail." for i in range(20_000)]
    markup = "<html><body>" + "".join(f"<p>{p}</p>" for p in paragraphs) + "</body></html>"  # 1.7 MB
    # The guard turns a hang into a failure and is no speed target: bench/bench_normalize.py prints the speed.
    pool = ThreadPoolExecutor(max_workers=1)
    try:
        result = pool.submit(html_to_text, markup).result(timeout=HANG_GUARD_S)
    finally:
        pool.shutdown(wait=False)
    assert result.method == "trafilatura"
    assert result.text.split("\n\n") == paragraphs


def test_title_markup_and_entities_become_text():
    assert looks_like_html("Tom &amp; Jerry <b>win</b>")
    assert not looks_like_html("Profits rise 5% & shares gain")
    assert html_fragment_to_text("Tom &amp; Jerry <b>win</b> &#8220;again&#8221;") == "Tom & Jerry win “again”"


def test_truncate_cuts_at_a_paragraph_break_and_records_it():
    text = ("A sentence of filler text. " * 30 + "\n\n") * 10
    cut, changes = truncate(text, 2_000, field="body", rule="truncate:max-body-chars")
    assert len(cut) <= 2_000
    assert text.startswith(cut)
    assert cut.endswith(". ")
    assert len(changes) == 1
    change = changes[0]
    assert change.span == (len(cut), len(text))
    assert str(len(text)) in change.reason


def test_truncate_leaves_short_text_alone():
    assert truncate("short", 100, field="body", rule="r") == ("short", [])


def test_truncate_without_breaks_cuts_hard_at_the_limit():
    cut, changes = truncate("x" * 500, 100, field="title", rule="truncate:max-title-chars")
    assert cut == "x" * 100
    assert changes[0].field == "title"
