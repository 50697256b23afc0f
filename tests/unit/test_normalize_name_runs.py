"""Names the gazetteer does not know come out of Apertium as the source writes them when one of their words is a
word Apertium knows ("Brett Kavanaugh" in Swedish, not "Spread Kavanaugh")."""

from __future__ import annotations

from datetime import datetime, timezone


from schemas import RawArticle
from services.normalize.core import KEPT_RUNS_RULE, Normalizer
from services.normalize.name_runs import NameRun, find_name_runs, lost_as_words, names_in
from services.normalize.settings import NormalizeSettings

FETCHED = datetime(2024, 11, 4, 9, 30, tzinfo=timezone.utc)
ENGLISH_NAMES = {"Brett", "Las", "Vegas", "Rosa", "Jean", "Pierre"}


def _raw(body: str, language: str, title: str = "") -> RawArticle:
    return RawArticle(id="https://news.example/a/1", source="test-feed", title=title, body=body, fetched_at=FETCHED, language_hint=language)


def _kept(article) -> list[tuple[str, str]]:
    return [(c.field, c.before) for c in article.changes if c.rule == KEPT_RUNS_RULE]


def _sources(runs: list[NameRun]) -> list[str]:
    return [run.source for run in runs]


def test_runs_are_capitalised_words_inside_a_sentence():
    text = "Domaren Brett Kavanaugh talade i Las Vegas. Jean-Pierre Kxq kom med OTAN Kavanaugh."
    assert _sources(find_name_runs(text)) == ["Brett Kavanaugh", "Las Vegas", "Kxq", "Kavanaugh"]
    assert all(text[r.start : r.end] == r.source for r in find_name_runs(text))


def test_a_line_in_title_case_has_no_runs():
    text = "Trump Nombra A Brett Kavanaugh En La Corte\nAyer habló el juez Brett Kavanaugh."
    assert find_name_runs(text) == [NameRun(text.rindex("Brett"), len(text) - 1, "Brett Kavanaugh")]


def test_a_short_headline_of_names_is_no_title_case():
    assert _sources(find_name_runs("Kavanaugh i Las Vegas")) == ["Las Vegas"]


def test_a_title_beside_a_name_is_left_to_the_translator():
    runs = find_name_runs("Ayer hablaron el Presidente Trump y la Corte Suprema Brett Kavanaugh en Washington.")
    names = names_in(runs, {"Trump", "Kavanaugh"}, ENGLISH_NAMES.__contains__)
    assert _sources(names) == ["Brett Kavanaugh"]


def test_a_run_the_translator_knows_every_word_of_is_no_name_to_keep():
    runs = find_name_runs("El presidente visitó la Casa Blanca y habló con el Gobierno Sánchez.")
    assert names_in(runs, set(), ENGLISH_NAMES.__contains__) == []


def test_a_lone_unknown_word_is_left_as_the_translator_leaves_it():
    runs = find_name_runs("Según el juez Kavanaugh, no hubo nada.")
    assert names_in(runs, {"Kavanaugh"}, ENGLISH_NAMES.__contains__) == []


def test_a_run_the_translator_renders_as_written_is_not_lost():
    run = NameRun(0, 10, "Rosa Parks")
    assert not lost_as_words(run, "Rosa Parks")
    assert lost_as_words(NameRun(0, 15, "Brett Kavanaugh"), "Spread Kavanaugh")


async def test_swedish_brett_kavanaugh_in_las_vegas_comes_out_as_written(normalizer: Normalizer):
    article = await normalizer.normalize(_raw("Domaren Brett Kavanaugh talade i Las Vegas i går.", "sv"))
    assert "Brett Kavanaugh" in article.body and "Las Vegas" in article.body
    assert "Spread" not in article.body and "Read" not in article.body
    # Las Vegas, a city the gazetteer knows (300,000+ people), is kept as a known name; the judge's name as written.
    assert _kept(article) == [("body", "Brett Kavanaugh")]
    assert [(c.field, c.before) for c in article.changes if c.rule == "names:kept-through-translation"] == [
        ("body", "Las Vegas")]


async def test_danish_through_two_pivots_keeps_the_name_at_every_hop(normalizer: Normalizer):
    article = await normalizer.normalize(_raw("Dommeren Brett Kavanaugh talte i Las Vegas i går.", "da"))
    assert article.translation is not None and len(article.translation.hops) == 3
    assert "Brett Kavanaugh" in article.body and "Las Vegas" in article.body


async def test_french_las_vegas_which_spanish_reads_as_words_comes_out_as_written(normalizer: Normalizer):
    # fr-es knows "Las Vegas" only as a name and copies it; spa-eng reads "Las" as the article ("The Vegas").
    article = await normalizer.normalize(_raw("Il a parlé hier à Las Vegas avec des amis de sa famille.", "fr"))
    assert "Las Vegas" in article.body and "The Vegas" not in article.body
    assert _kept(article) == [("body", "Las Vegas")]


async def test_a_name_the_pivot_knows_as_a_name_too_is_translated(normalizer: Normalizer):
    # pt-es and spa-eng both know "América" only as a name: "Latin America", as English writes it.
    article = await normalizer.normalize(_raw("O país da América Latina recebeu ontem a visita do ministro.", "pt"))
    assert "Latin America" in article.body and _kept(article) == []


async def test_spanish_white_house_is_still_translated(normalizer: Normalizer):
    article = await normalizer.normalize(_raw("El presidente visitó la Casa Blanca y habló con el Gobierno Sánchez sobre la Unión Europea.", "es"))
    assert "White House" in article.body and "European Union" in article.body and "Government" in article.body
    assert _kept(article) == []


async def test_a_title_before_an_unknown_name_is_still_translated(normalizer: Normalizer):
    article = await normalizer.normalize(_raw("Ayer el Presidente Trump habló con la prensa en Washington.", "es"))
    assert "President Trump" in article.body
    assert _kept(article) == []


async def test_switched_off_the_run_is_translated_word_by_word():
    n = Normalizer(NormalizeSettings(keep_name_runs=False))
    try:
        article = await n.normalize(_raw("Domaren Brett Kavanaugh talade i går.", "sv"))
    finally:
        await n.aclose()
    assert "Brett" not in article.body and _kept(article) == []


async def test_when_the_unknown_words_pass_fails_the_article_is_still_translated(normalizer: Normalizer, monkeypatch):
    import services.normalize.core as core
    from services.normalize.errors import TranslationError

    async def broken(*args, **kwargs):
        raise TranslationError("apertium swe-isl: timed out after 30s; process killed")

    monkeypatch.setattr(core, "unknown_words", broken)
    article = await normalizer.normalize(_raw("Domaren Brett Kavanaugh talade i Las Vegas i går.", "sv"))
    assert article.translation is not None and "judge" in article.body.lower()
    assert not any(c.rule == "translation-failed" for c in article.changes) and _kept(article) == []
