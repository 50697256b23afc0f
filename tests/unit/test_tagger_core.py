"""The Tagger end to end on the small English model: articles in, tagged articles out."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest
import yaml

from schemas import NormalizedArticle, TaggedArticle, Translation
from services.tagger.core import Tagger
from services.tagger.pipeline import load_pipeline
from services.tagger.settings import TaggerSettings

# Original fixture texts in the two shapes the tagger sees: a clean English wire
# story, and an agency story machine-translated into English with its scars
# (lower-case "kyiv", "Kiev" beside "Kyiv", glued words, a wrong pronoun).
WIRE_TITLE = "NATO chief pledges more air defence on Kyiv visit"
WIRE_BODY = (
    "NATO Secretary General Jens Stoltenberg arrived in Kyiv on Wednesday and promised Ukraine more air defence "
    "systems before winter, as Russia keeps striking power stations.\n\n"
    "Stoltenberg met Ukrainian President Volodymyr Zelensky, who asked allies to speed up deliveries. "
    "“Every system we get saves a city,” Zelensky told reporters after the talks.\n\n"
    "Moscow has fired hundreds of drones at Ukrainian cities since the summer. The U.S. and Germany have "
    "sent the largest share of the air defence Ukraine received so far, Stoltenberg said."
)
MT_TITLE = "the head of nato promises kiev more air defense"
MT_BODY = (
    "The Secretary General of NATO, Jens Stoltenberg, promised this Wednesday in kyiv that the allies will send "
    "more anti-aircraft systems to Ukraine before the winter.\n\n"
    "“Every system that arrives saves a city“said the Ukrainian president, Volodymyr Zelenskyduring the meeting "
    "with Stoltenberg in Kiev. Zelensky insisted that Russia attacks the energy network every night.\n\n"
    "Stoltenberg recalled that the United States and Germany contribute the most, she emphasized. "
    "Source link"
)


def article(article_id: str, title: str, body: str, language: str = "en") -> NormalizedArticle:
    return NormalizedArticle(
        id=article_id,
        source="test-feed",
        url=f"https://news.example/{article_id}",
        fetched_at=datetime(2024, 10, 2, 8, 30, tzinfo=timezone.utc),
        language=language,
        language_confidence=0.97,
        original_title=title,
        original_body=body,
        title=title,
        body=body,
        translation=Translation(engine="test", source_language=language) if language != "en" else None,
    )


@pytest.fixture(scope="module")
def tagger() -> Tagger:
    return Tagger(TaggerSettings(spacy_model="en_core_web_sm"), nlp=load_pipeline("en_core_web_sm"))


def actors(tagged: TaggedArticle) -> set[str]:
    """Who and where an article is about: linked ids, or the article's own full name for unlinked people."""
    return {
        e.canonical_id or e.canonical_name
        for e in tagged.entities
        if e.type in ("PERSON", "ORG", "GPE", "LOC") and (e.canonical_id or e.canonical_name)
    }


def test_wire_story_and_machine_translated_story_share_their_main_actors(tagger: Tagger) -> None:
    wire = tagger.tag(article("wire-1", WIRE_TITLE, WIRE_BODY))
    mt = tagger.tag(article("mt-1", MT_TITLE, MT_BODY, language="es"))
    g = tagger.gazetteer
    main = {g.lookup(n).id for n in ["NATO", "Kyiv", "Ukraine", "Russia", "Volodymyr Zelensky", "United States", "Germany"]}
    main.add("Jens Stoltenberg")
    assert main <= actors(wire)
    assert main <= actors(mt)
    assert actors(wire) & actors(mt) >= main


def test_kiev_kyiv_and_lowercase_kyiv_are_one_entity_in_a_tagged_article(tagger: Tagger) -> None:
    tagged = tagger.tag(article("mt-2", MT_TITLE, MT_BODY, language="es"))
    kyiv = tagger.gazetteer.lookup("Kyiv")
    surfaces = {e.text for e in tagged.entities if e.canonical_id == kyiv.id}
    assert surfaces == {"kiev", "kyiv", "Kiev"}
    assert {e.type for e in tagged.entities if e.canonical_id == kyiv.id} == {"GPE"}


def test_every_entity_span_is_exact_in_its_english_field(tagger: Tagger) -> None:
    for a in [article("wire-3", WIRE_TITLE, WIRE_BODY), article("mt-3", MT_TITLE, MT_BODY, language="es")]:
        tagged = tagger.tag(a)
        assert tagged.entities
        for e in tagged.entities:
            assert getattr(tagged, e.field)[e.start : e.end] == e.text
            assert e.text == e.text.strip()


def test_entities_are_sorted_and_do_not_overlap(tagger: Tagger) -> None:
    tagged = tagger.tag(article("wire-4", WIRE_TITLE, WIRE_BODY))
    keys = [(e.field, e.start) for e in tagged.entities]
    assert keys == sorted(keys)
    for a, b in zip(tagged.entities, tagged.entities[1:]):
        if a.field == b.field:
            assert a.end <= b.start, (a, b)


def test_title_and_body_are_tagged_separately(tagger: Tagger) -> None:
    tagged = tagger.tag(article("wire-5", WIRE_TITLE, WIRE_BODY))
    assert {e.field for e in tagged.entities} == {"title", "body"}
    assert [e.text for e in tagged.entities if e.field == "title"] == ["NATO", "Kyiv"]


def test_tagged_article_keeps_the_normalized_fields_and_uses_the_article_id_as_story(tagger: Tagger) -> None:
    source = article("mt-6", MT_TITLE, MT_BODY, language="es")
    tagged = tagger.tag(source)
    assert tagged.story_id == source.id  # until the story agent places it
    assert tagged.model_dump(exclude={"entities", "salience", "quotes", "story_id", "story_size", "story_evidence", "embedding"}) == source.model_dump()
    assert TaggedArticle.model_validate_json(tagged.model_dump_json()) == tagged


def test_tag_many_batches_and_matches_tag_one_by_one(tagger: Tagger) -> None:
    articles = [
        article("a", WIRE_TITLE, WIRE_BODY),
        article("b", "", ""),
        article("c", MT_TITLE, MT_BODY, language="es"),
        article("d", "Putin visits Beijing", "Vladimir Putin met Xi Jinping in Beijing on Thursday."),
    ]
    batched = tagger.tag_many(articles)
    assert [t.id for t in batched] == ["a", "b", "c", "d"]
    assert batched == [tagger.tag(a) for a in articles]
    assert batched[1].entities == []
    assert {e.canonical_name for e in batched[3].entities if e.canonical_id} == {"Vladimir Putin", "Xi Jinping", "Beijing"}


def test_us_in_prose_is_not_the_united_states(tagger: Tagger) -> None:
    tagged = tagger.tag(article("p-1", "Tell us who won", "Voters told us who they trust. The US embassy said it agreed."))
    us = tagger.gazetteer.lookup("United States")
    linked = [e.text for e in tagged.entities if e.canonical_id == us.id]
    assert linked == ["US"]
    assert not any(e.canonical_name == "World Health Organization" for e in tagged.entities)


def test_operator_gazetteer_from_settings_is_used(tmp_path: Path) -> None:
    path = tmp_path / "local.yaml"
    path.write_text(
        yaml.safe_dump({"entities": [{"id": "Q900000020", "name": "Port of Chornomorsk", "type": "FAC", "aliases": ["Chornomorsk port"]}]}),
        encoding="utf-8",
    )
    tagger = Tagger(TaggerSettings(spacy_model="en_core_web_sm", gazetteer=[path]))
    tagged = tagger.tag(article("f-1", "", "Grain ships left the Chornomorsk port at dawn."))
    assert [(e.text, e.type, e.canonical_id) for e in tagged.entities if e.canonical_id] == [("Chornomorsk port", "FAC", "Q900000020")]


def test_entity_types_setting_filters_what_is_kept() -> None:
    tagger = Tagger(TaggerSettings(spacy_model="en_core_web_sm", entity_types=["GPE"]))
    tagged = tagger.tag(article("t-1", WIRE_TITLE, WIRE_BODY))
    assert tagged.entities
    assert {e.type for e in tagged.entities} == {"GPE"}


def test_ner_stops_at_the_character_limit_but_the_gazetteer_reads_on() -> None:
    body = "Jens Stoltenberg spoke on Monday. " + "Filler text here. " * 20 + "Later Anna Kovalenko reached Kyiv on Friday."
    tagger = Tagger(TaggerSettings(spacy_model="en_core_web_sm", max_ner_chars=60))
    tagged = tagger.tag(article("t-2", "", body))
    texts = [e.text for e in tagged.entities]
    assert "Jens Stoltenberg" in texts and "Kyiv" in texts
    assert "Friday" not in texts and "Anna Kovalenko" not in texts


def test_untranslated_text_is_linked_by_gazetteer_without_english_ner(tagger: Tagger) -> None:
    body = ("Der Generalsekretär der NATO traf am Donnerstag in Kiew den ukrainischen Präsidenten. "
            "Nach dem Treffen sprach Selenskyj von mehr Flugabwehr für die Ukraine.")
    untranslated = NormalizedArticle(
        id="de-1", source="t", fetched_at=datetime(2024, 10, 2, tzinfo=timezone.utc), language="de",
        language_confidence=0.99, original_title="NATO in Kiew", original_body=body, title="NATO in Kiew", body=body,
    )
    tagged = tagger.tag(untranslated)
    assert {"Q7184", "Q1899", "Q212"} <= {e.canonical_id for e in tagged.entities}
    assert all(e.canonical_id for e in tagged.entities), [e.text for e in tagged.entities if not e.canonical_id]


def test_untranslated_article_is_read_in_its_own_language(tagger: Tagger) -> None:
    # "dabei" (German: "with it") is also a GeoNames spelling of Dubai; "Mexikos" is Mexico's genitive.
    body = "Mexikos Präsident war dabei, als die Armee abzog."
    untranslated = NormalizedArticle(
        id="de-2", source="t", fetched_at=datetime(2024, 10, 2, tzinfo=timezone.utc), language="de",
        language_confidence=0.99, original_title="", original_body=body, title="", body=body,
    )
    assert [(e.text, e.canonical_name) for e in tagger.tag(untranslated).entities if e.canonical_id] == [("Mexikos", "Mexico")]
