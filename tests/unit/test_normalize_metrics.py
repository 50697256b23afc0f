"""The translation outcomes the normalize worker counts, per article."""

from __future__ import annotations

from datetime import datetime, timezone

from prometheus_client import REGISTRY

from schemas import Bridge, Change, NormalizedArticle, Translation
from services.normalize.agent import count_translation

FETCHED = datetime(2025, 6, 10, 9, 0, tzinfo=timezone.utc)


def counted(engine: str, language: str, outcome: str) -> float:
    return REGISTRY.get_sample_value("wirewatch_translations_total", {"engine": engine, "language": language, "outcome": outcome}) or 0.0


def test_a_bridged_article_counts_as_untranslated_and_bridged():
    untranslated = Change(kind="translation", rule="untranslated", field="body", span=None, before="", after="",
                          reason="no translation path for 'uk'")
    bridge = Bridge(language="ru", title="Рютте в Вильнюсе", lead="Генеральный секретарь НАТО посетил Вильнюс.",
                    translation=Translation(engine="apertium", model="ukr-rus", source_language="uk", target_language="ru"))
    article = NormalizedArticle(id="a-uk", source="test", fetched_at=FETCHED, language="uk", language_confidence=0.99,
                                original_title="Рютте у Вільнюсі", original_body="Генеральний секретар НАТО відвідав Вільнюс.",
                                title="Рютте у Вільнюсі", body="Генеральний секретар НАТО відвідав Вільнюс.",
                                changes=[untranslated], bridge=bridge)
    before = counted("none", "uk", "untranslated"), counted("apertium", "uk", "bridged")
    count_translation(article)
    assert (counted("none", "uk", "untranslated"), counted("apertium", "uk", "bridged")) == (before[0] + 1, before[1] + 1)
    count_translation(article.model_copy(update={"bridge": None}))
    assert counted("apertium", "uk", "bridged") == before[1] + 1
