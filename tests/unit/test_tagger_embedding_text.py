"""What the sentence encoder reads of an article: only text in a language it knows."""

from __future__ import annotations

from datetime import datetime, timezone

from schemas import Bridge, NormalizedArticle, Translation
from services.tagger.embedding import embedding_text

FETCHED = datetime(2025, 6, 10, 9, 0, tzinfo=timezone.utc)


def article(language: str, original: tuple[str, str], english: tuple[str, str] | None = None, bridge: Bridge | None = None) -> NormalizedArticle:
    title, body = english or original
    translation = Translation(engine="apertium", source_language=language) if english else None
    return NormalizedArticle(id=f"a-{language}", source="test", fetched_at=FETCHED, language=language, language_confidence=0.99,
                             original_title=original[0], original_body=original[1], title=title, body=body,
                             translation=translation, bridge=bridge)


def test_a_language_the_encoder_knows_is_read_in_the_original_even_when_translated():
    spanish = article("es", ("Rutte visita Vilna", "El secretario general de la OTAN visitó Vilna."),
                      english=("Rutte visits Vilnius", "The NATO secretary general visited Vilnius."))
    assert embedding_text(spanish) == "Rutte visita Vilna. El secretario general de la OTAN visitó Vilna"


def test_a_language_it_lacks_is_read_through_its_bridge_else_its_english_else_not_at_all():
    bridge = Bridge(language="ru", title="Рютте в Вильнюсе", lead="Генеральный секретарь НАТО посетил Вильнюс.",
                    translation=Translation(engine="apertium", source_language="uk", target_language="ru"))
    ukrainian = article("uk", ("Рютте у Вільнюсі", "Генеральний секретар НАТО відвідав Вільнюс."), bridge=bridge)
    assert embedding_text(ukrainian) == "Рютте в Вильнюсе. Генеральный секретарь НАТО посетил Вильнюс"
    basque = article("eu", ("Rutte Vilniusen", "NATOko idazkari nagusiak Vilnius bisitatu zuen."),
                     english=("Rutte in Vilnius", "The NATO secretary general visited Vilnius."))
    assert embedding_text(basque) == "Rutte in Vilnius. The NATO secretary general visited Vilnius"
    kazakh = article("kk", ("Астанада жаңа көпір ашылды", "Астана қаласында жаңа көпір пайдалануға берілді."))
    assert embedding_text(kazakh) == ""


def test_without_a_lead_the_encoder_reads_the_title_alone_in_the_same_language():
    spanish = article("es", ("Rutte visita Vilna", "El secretario general de la OTAN visitó Vilna."),
                      english=("Rutte visits Vilnius", "The NATO secretary general visited Vilnius."))
    assert embedding_text(spanish, lead_chars=0) == "Rutte visita Vilna"
    basque = article("eu", ("Rutte Vilniusen", "NATOko idazkari nagusiak Vilnius bisitatu zuen."),
                     english=("Rutte in Vilnius", "The NATO secretary general visited Vilnius."))
    assert embedding_text(basque, lead_chars=0) == "Rutte in Vilnius"
