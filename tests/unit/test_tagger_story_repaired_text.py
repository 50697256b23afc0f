"""The story stage reads an article's names in its repaired text, not in the text as received ("Zelenskyduring")."""

from __future__ import annotations

from datetime import datetime, timezone

from schemas import NormalizedArticle, TaggedArticle, Translation
from schemas.models import Salience
from services.tagger.assign import StoryAssigner, story_config
from services.tagger.embedding import embedding_text
from services.tagger.settings import TaggerSettings

T0 = datetime(2023, 9, 28, 9, 0, tzinfo=timezone.utc)
TITLE = "Stoltenberg promises Ukraine support in Kyiv"
WIRE = ("NATO Secretary General Jens Stoltenberg met the Ukrainian president, Volodymyr Zelensky, in Kyiv on Thursday. "
        "Stoltenberg said Ukraine was closer than ever to NATO.")
GLUED = ("NATO Secretary General Jens Stoltenberg said Ukrainian forces gain ground, speaking beside Volodymyr "
         "Zelenskyduring a surprise visit to Kyiv. Stoltenberg said Ukraine was closer than ever to NATO.")
REPAIRED = GLUED.replace("Zelenskyduring", "Zelensky during")
SALIENCE = [Salience(key="Q7184", name="NATO", type="ORG", mentions=2, in_title=True, in_lead=True),
            Salience(key="Q1899", name="Kyiv", type="GPE", mentions=1, in_title=True, in_lead=True),
            Salience(key="Q3783", name="Volodymyr Zelensky", type="PERSON", mentions=1, in_title=False, in_lead=True)]


def english(article_id: str, received: str, repaired: str) -> TaggedArticle:
    return TaggedArticle(id=article_id, source="test", published_at=T0, fetched_at=T0, language="en", language_confidence=1.0,
                         original_title=TITLE, original_body=received, title=TITLE, body=repaired, story_id=article_id,
                         salience=SALIENCE)


def test_story_evidence_lists_the_name_the_normalizer_unglued():
    assigner = StoryAssigner(story_config(TaggerSettings()))
    first, _ = assigner.place(english("wire-1", WIRE, WIRE), now=T0)
    second, _ = assigner.place(english("efe-1", GLUED, REPAIRED), now=T0)
    why = second.story_evidence
    assert why.decision == "joined" and second.story_id == first.story_id
    assert "Zelensky" in why.shared_names
    assert not any("during" in name for name in why.shared_names)


def test_the_encoder_reads_an_english_article_as_repaired_and_a_translated_one_as_written():
    repaired = english("efe-1", GLUED, REPAIRED)
    assert "Zelensky during" in embedding_text(repaired) and "Zelenskyduring" not in embedding_text(repaired)
    spanish = NormalizedArticle(id="es-1", source="test", fetched_at=T0, language="es", language_confidence=0.99,
                                original_title="Stoltenberg en Kiev", original_body="Stoltenberg visitó Kiev con Zelenski.",
                                title="Stoltenberg in Kyiv", body="Stoltenberg visited Kyiv with Zelensky.",
                                translation=Translation(engine="apertium", source_language="es"))
    assert embedding_text(spanish) == "Stoltenberg en Kiev. Stoltenberg visitó Kiev con Zelenski"
