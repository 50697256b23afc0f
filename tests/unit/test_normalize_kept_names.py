"""Names the gazetteer knows come out of Apertium as the entity's English name, not translated as the words they also are."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

from schemas import RawArticle
from services.normalize.apertium_stream import deformat, reformat
from services.normalize.backends import SourceText
from services.normalize.core import KEPT_NAMES_RULE, Normalizer
from services.normalize.kept_names import NameKeeper, english_name
from services.normalize.settings import NormalizeSettings
from services.normalize.translate import ApertiumTranslator

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "articles"
FETCHED = datetime(2024, 11, 4, 9, 30, tzinfo=timezone.utc)
ERDOGAN = "Erdogan viajó a Colonia para inaugurar una mezquita"


def _raw(title: str, body: str, language: str) -> RawArticle:
    return RawArticle(id="https://news.example/a/1", source="test-feed", title=title, body=body, fetched_at=FETCHED, language_hint=language)


def _kept(article) -> list[tuple[str, tuple[int, int] | None, str, str]]:
    return [(c.field, c.span, c.before, c.after) for c in article.changes if c.rule == KEPT_NAMES_RULE]


async def test_cologne_written_as_the_spanish_word_for_colony_comes_out_as_cologne(normalizer: Normalizer):
    article = await normalizer.normalize(_raw("", ERDOGAN + ".", "es"))
    assert "Cologne" in article.body and "Colony" not in article.body and "Colonia" not in article.body
    assert _kept(article) == [("body", (16, 23), "Colonia", "Cologne")]
    assert all(c.kind == "translation" for c in article.changes if c.rule == KEPT_NAMES_RULE)


async def test_a_name_of_several_words_is_kept_whole(normalizer: Normalizer):
    article = await normalizer.normalize(_raw("El alcalde de Ciudad de México visita Madrid",
                                              "El alcalde de Ciudad de México llegó el lunes a Madrid para una reunión.", "es"))
    assert "Mexico City" in article.title and "Mexico City" in article.body
    assert "City of Mexico" not in article.body
    assert ("body", (14, 30), "Ciudad de México", "Mexico City") in _kept(article)


async def test_the_common_noun_in_lower_case_is_translated_beside_the_city(normalizer: Normalizer):
    article = await normalizer.normalize(_raw("", "La colonia turca de Colonia celebró la fiesta el domingo.", "es"))
    assert "colony" in article.body and "Cologne" in article.body
    assert _kept(article) == [("body", (20, 27), "Colonia", "Cologne")]


async def test_a_name_the_translator_renders_as_a_name_is_left_to_it(normalizer: Normalizer):
    article = await normalizer.normalize(_raw("", "El presidente viajó ayer a Madrid con el ministro.", "es"))
    assert "Madrid" in article.body
    assert _kept(article) == []


def test_a_name_at_a_sentence_start_is_not_kept_for_its_capital_says_nothing():
    names = NameKeeper().find("Colonia de pescadores. Viajó a Colonia.", "es")
    assert [(n.source, n.english, n.start) for n in names] == [("Colonia", "Cologne", 31)]


def test_a_person_named_by_surname_keeps_the_surname_as_written():
    [name] = NameKeeper().find("Ayer el presidente Erdogan habló.", "es")
    assert (name.source, name.english) == ("Erdogan", "Erdogan")


def test_the_english_name_leaves_out_the_qualifier_that_tells_places_apart():
    assert english_name("La Paz, Bolivia") == "La Paz"
    assert english_name("Washington, D.C.") == "Washington, D.C."


async def test_a_pivot_chain_keeps_the_name_through_every_hop(normalizer: Normalizer):
    article = await normalizer.normalize(_raw("", "Erdogan a voyagé à Colonia pour inaugurer une mosquée à Ciudad de México.", "fr"))
    assert article.translation is not None and len(article.translation.hops) == 2
    assert "Cologne" in article.body and "Mexico City" in article.body
    assert [after for _, _, _, after in _kept(article)] == ["Cologne", "Mexico City"]


@pytest.mark.parametrize("stream", [True, False], ids=["stream", "per-call"])
async def test_apertium_passes_a_kept_name_through_and_says_where_it_stands(stream: bool):
    translator = ApertiumTranslator(NormalizeSettings(apertium_stream=stream))
    try:
        text = "Los siromaha de Colonia llegaron."
        [out] = await translator.translate([SourceText(text, ((16, 23, "Cologne"),))], "es")
    finally:
        await translator.aclose()
    assert "Cologne" in out and "[" not in out
    assert [out[a:b] for a, b in out.kept] == ["Cologne"]
    assert [out[a:b] for a, b in out.untranslated] == ["siromaha"]


def test_a_kept_name_is_a_superblank_in_the_stream_and_back_a_kept_span():
    stream = deformat("en Colonia [sic]", ((3, 10, "Cologne"),))
    assert stream == "en [Cologne] \\[sic\\].[]"
    out = reformat("in [Cologne] \\[sic\\].[]")
    assert (str(out), out.kept) == ("in Cologne [sic]", ((3, 10),))


async def test_the_english_seed_is_unchanged(normalizer: Normalizer):
    title, _, body = (EXAMPLES / "nato-kyiv-wire.txt").read_text(encoding="utf-8").partition("\n\n")
    without = Normalizer(NormalizeSettings(keep_names=False))
    try:
        plain = await without.normalize(_raw(title, body, "en"))
    finally:
        await without.aclose()
    kept = await normalizer.normalize(_raw(title, body, "en"))
    assert (kept.title, kept.body, kept.changes) == (plain.title, plain.body, plain.changes)
    assert _kept(kept) == []


async def test_a_region_apertium_reads_as_words_comes_out_as_its_name(normalizer: Normalizer):
    article = await normalizer.normalize(_raw("", "El huracán llegó a Baja California el martes.", "es"))
    assert "Baja California" in article.body and "Drop" not in article.body
    assert _kept(article) == [("body", (19, 34), "Baja California", "Baja California")]


async def test_a_region_is_kept_through_the_portuguese_spanish_english_chain(normalizer: Normalizer):
    article = await normalizer.normalize(_raw("", "O furacão chegou à Baja California na terça-feira.", "pt"))
    assert article.translation is not None and len(article.translation.hops) == 2
    assert "Baja California" in article.body and "Drop" not in article.body
