"""Turn an HTML body into plain text (one blank line between paragraphs) and cap oversized input.

trafilatura finds the article in a page; when it finds nothing (a fragment, a very
short page) the text of every block element is kept instead, via lxml. When libxml2
gives up too (it stops at a few hundred nested elements), the standard library's
tokenizer, which keeps no tree, recovers the text. Broken or hostile markup yields
whatever text can be recovered, never an exception.
"""

from __future__ import annotations

import html
import html.parser
import re
from dataclasses import dataclass

import lxml.etree
import lxml.html
import trafilatura

from schemas import Change
from services.normalize.changes import excerpt

__all__ = ["Extraction", "html_to_text", "html_fragment_to_text", "looks_like_html", "truncate"]

# Elements whose content is never article text.
_DROP = ("script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "math", "head", "nav", "form", "button", "select")
# Elements that start a new paragraph in the lxml fallback.
_BLOCKS = frozenset(
    "p div section article main header footer aside blockquote pre h1 h2 h3 h4 h5 h6 ul ol li dl dt dd table tr "
    "figure figcaption address hr br center details summary".split()
)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
_PARTIAL_TAG = re.compile(r"<[A-Za-z/!?][^>]*\Z")


@dataclass(frozen=True, slots=True)
class Extraction:
    """Text recovered from HTML and the method that recovered it ('trafilatura', 'lxml', 'tokenizer' or 'none')."""

    text: str
    method: str


def _paragraphs_from_trafilatura_xml(xml: str) -> str:
    root = lxml.etree.fromstring(xml.encode("utf-8"), lxml.etree.XMLParser(recover=True, resolve_entities=False, no_network=True))
    if root is None:
        return ""
    main = root.find("main")
    if main is None:
        return ""
    paragraphs: list[str] = []
    if main.text and main.text.strip():
        paragraphs.append(main.text)
    for block in main:
        if block.tag == "list":
            items = [_inline_text(item) for item in block.iter("item")]
            paragraphs.extend(f"- {item}" for item in items if item)
        elif block.tag == "table":
            for row in block.iter("row"):
                cells = [_inline_text(cell) for cell in row.iter("cell")]
                line = " | ".join(c for c in cells if c)
                if line:
                    paragraphs.append(line)
        else:
            text = _inline_text(block)
            if text:
                paragraphs.append(text)
        if block.tail and block.tail.strip():
            paragraphs.append(block.tail)
    return "\n\n".join(p.strip() for p in paragraphs if p.strip())


def _inline_text(element: lxml.etree._Element) -> str:
    """Text of an element with <lb/> as a line break and everything else inline."""
    parts: list[str] = [element.text or ""]
    for child in element.iterdescendants():
        if child.tag == "lb":
            parts.append("\n")
        elif child.text:
            parts.append(child.text)
        if child.tail:
            parts.append(child.tail)
    lines = (" ".join(line.split()) for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)


def _with_trafilatura(markup: str) -> str:
    xml = trafilatura.extract(
        markup,
        output_format="xml",
        include_comments=False,
        include_tables=True,
        include_images=False,
        include_links=False,
        deduplicate=False,
    )
    return _paragraphs_from_trafilatura_xml(xml) if xml else ""


def _parse(markup: str) -> lxml.html.HtmlElement | None:
    # Bytes, so a page that declares its encoding (<?xml encoding=...?>) still parses. libxml2 turns a NUL
    # into U+FFFD, which no later step can tell from text: NULs go first (other control characters are
    # kept for the cleanup, which records their removal).
    parser = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True, no_network=True)
    try:
        return lxml.html.document_fromstring(markup.replace("\x00", "").encode("utf-8", errors="replace"), parser=parser)
    except (lxml.etree.ParserError, ValueError):
        return None


def _with_lxml(markup: str) -> str:
    root = _parse(markup)
    if root is None:
        return ""
    for element in [e for e in root.iter(*_DROP)]:
        element.drop_tree()
    chunks: list[str] = []
    # iterwalk, not recursion: a deeply nested page must not exhaust the stack.
    for event, element in lxml.etree.iterwalk(root, events=("start", "end")):
        tag = element.tag if isinstance(element.tag, str) else ""
        if event == "start":
            if tag in _BLOCKS:
                chunks.append("\n\n")
            if element.text:
                chunks.append(element.text)
        else:
            if tag in _BLOCKS:
                chunks.append("\n\n")
            if element.tail:
                chunks.append(element.tail)
    paragraphs = (" ".join(p.split()) for p in "".join(chunks).split("\n\n"))
    return "\n\n".join(p for p in paragraphs if p)


class _Tokens(html.parser.HTMLParser):
    """Text of any tag soup, however deep: a tokenizer keeps no tree. What lxml drops is skipped here too."""

    SKIP = frozenset(_DROP) - {"embed"}  # a void element: no end tag would close it

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in self.SKIP:
            self.skipping += 1
        elif tag in _BLOCKS:
            self.chunks.append("\n\n")

    def handle_startendtag(self, tag: str, attrs: list) -> None:
        if tag in _BLOCKS:
            self.chunks.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in _BLOCKS:
            self.chunks.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.chunks.append(data)

    def close(self) -> None:
        # A tag cut off at the end of the input is markup, not text: the tokenizer would hand it over as data.
        self.rawdata = _PARTIAL_TAG.sub("", self.rawdata)
        super().close()


def _with_tokenizer(markup: str) -> str:
    tokens = _Tokens()
    tokens.feed(markup.replace("\x00", ""))
    tokens.close()
    paragraphs = (" ".join(p.split()) for p in "".join(tokens.chunks).split("\n\n"))
    return "\n\n".join(p for p in paragraphs if p)


def html_to_text(markup: str) -> Extraction:
    """Article text of an HTML page or fragment, paragraphs separated by one blank line."""
    markup = _XML_DECL.sub("", markup, count=1)
    if not markup.strip():
        return Extraction("", "none")
    try:
        text = _with_trafilatura(markup)
    except Exception:  # noqa: BLE001 - any failure in a third-party parser on hostile input means: try the fallback
        text = ""
    if text.strip():
        return Extraction(text, "trafilatura")
    for method, extract in (("lxml", _with_lxml), ("tokenizer", _with_tokenizer)):
        try:
            text = extract(markup)
        except Exception:  # noqa: BLE001 - as above; no text is an answer the caller handles
            text = ""
        if text.strip():
            return Extraction(text, method)
    return Extraction("", "none")


_TAG_OR_ENTITY = re.compile(r"<[A-Za-z/!]|&(?:#\d+|#x[0-9A-Fa-f]+|[A-Za-z]+);")


def looks_like_html(text: str) -> bool:
    """Whether a short field (a title) carries tags or character references."""
    return _TAG_OR_ENTITY.search(text) is not None


def html_fragment_to_text(markup: str) -> str:
    """Plain text of a short HTML fragment such as a feed title, on one line."""
    try:
        root = _parse(f"<div>{markup}</div>")
        text = root.text_content() if root is not None else ""
    except Exception:  # noqa: BLE001 - broken markup in a title falls back to unescaping it
        text = html.unescape(re.sub(r"<[^>]*>", " ", markup))
    return " ".join(text.split())


def truncate(text: str, limit: int, *, field: str, rule: str, kind: str = "extraction") -> tuple[str, list[Change]]:
    """Cut ``text`` to at most ``limit`` characters, at a paragraph or word break near the limit when there is one."""
    if len(text) <= limit:
        return text, []
    cut = text.rfind("\n\n", int(limit * 0.8), limit)
    if cut < 0:
        cut = max(text.rfind(" ", int(limit * 0.9), limit), text.rfind("\n", int(limit * 0.9), limit))
    if cut <= 0:
        cut = limit
    change = Change(
        kind=kind,
        rule=rule,
        field=field,  # type: ignore[arg-type]
        span=(cut, len(text)),
        before=excerpt(text[cut:]),
        after="",
        reason=f"{field} of {len(text)} characters cut to {cut} (limit {limit})",
    )
    return text[:cut], [change]
