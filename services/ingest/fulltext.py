"""The article's main text from its page, for feed entries that carry only a summary (trafilatura)."""

from __future__ import annotations

import asyncio

from schemas import RawArticle
from services.ingest.encoding import decode_document
from services.ingest.fetcher import Fetcher, FetchError
from services.ingest.identity import _norm

__all__ = ["extract_main_text", "with_full_text"]


def extract_main_text(html: bytes, *, content_type: str | None = None, url: str | None = None) -> str | None:
    """Main text of an article page, or None when trafilatura finds none."""
    import trafilatura

    text = decode_document(html, http_content_type=content_type).text
    try:
        extracted = trafilatura.extract(text, url=url, include_comments=False, include_tables=False, favor_precision=True)
    except Exception:  # noqa: BLE001 - an extractor failure means "no full text"; the summary stays
        return None
    return extracted.strip() if extracted and extracted.strip() else None


async def with_full_text(article: RawArticle, fetcher: Fetcher, *, label: str, max_bytes: int) -> tuple[RawArticle, str | None]:
    """The article with its page's main text as body, or unchanged with the reason when the page gives nothing better."""
    if not article.url:
        return article, "no link"
    try:
        page = await fetcher.get(article.url, label=label, max_bytes=max_bytes, accept="text/html, application/xhtml+xml;q=0.9, */*;q=0.5")
    except FetchError as exc:
        return article, exc.reason
    if page.status != 200:
        return article, f"{label}: {article.url} answered {page.status}"
    text = await asyncio.to_thread(extract_main_text, page.body, content_type=page.content_type, url=page.url)
    if not text or len(text) < len(_norm(article.body)):
        return article, f"{label}: no main text found on {article.url}"
    return article.model_copy(update={"body": text, "content_type": "text/plain"}), None
