"""Stories in time and across languages, the pure core: unknown times, datelines, feeds, embeddings and evidence."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone

import numpy as np

from schemas.models import DateMention, Salience, TaggedArticle
from services.tagger.assign import StoryAssigner, story_config
from services.tagger.embedding import decode_vector, encode_vector
from services.tagger.settings import TaggerSettings
from services.tagger.stories import ArticleFeatures, Story, StoryConfig, StoryIndex
from services.tagger.story_features import article_time, terms

T0 = datetime(2025, 3, 4, 9, 0, tzinfo=timezone.utc)
LATER = T0 + timedelta(days=700)  # when a file is read, long after the event
KYIV = {"Q7184": 4, "Q212": 3, "Q1899": 4}
WORDS = {w: 1.0 for w in "nato chief visit kyiv promis defen winter drone".split()}


def unit(seed: int, near: np.ndarray | None = None, noise: float = 0.0) -> np.ndarray:
    v = np.random.default_rng(seed).standard_normal(512).astype(np.float32)
    if near is not None:
        v = near + noise * v / np.linalg.norm(v)
    return v / np.linalg.norm(v)


def features(article_id: str, at: datetime | None, *, entities=KYIV, words=WORDS, embedding=None, language="en",
             places=frozenset()) -> ArticleFeatures:
    return ArticleFeatures(article_id, at, dict(entities), frozenset(places), dict(words), embedding=embedding, language=language)


def place(index: StoryIndex, f: ArticleFeatures) -> str:
    decision = index.decide(f)
    index.apply(decision)
    return decision.story.id


def article(*, published: datetime | None, feed_id: str | None = None, dates: list[DateMention] = (), **fields) -> TaggedArticle:
    return TaggedArticle(
        id="a-1", source="file", published_at=published, fetched_at=LATER, language="en", language_confidence=1.0,
        original_title="NATO chief in Kyiv", original_body="...", title="NATO chief in Kyiv", body="...", story_id="a-1",
        feed_id=feed_id, dates=list(dates), **fields,
    )


def test_an_article_without_a_date_read_from_a_file_has_no_known_time():
    assert article_time(article(published=None), now=LATER) is None


def test_an_article_polled_from_a_feed_keeps_its_fetch_time():
    assert article_time(article(published=None, feed_id="wire"), now=LATER + timedelta(hours=1)) == LATER


def test_an_absolute_date_at_the_start_of_the_text_stands_in_for_the_publication_date():
    dateline = DateMention(text="Sept. 28, 2023", field="body", start=7, end=21, date="2023-09-28", relative=False)
    assert article_time(article(published=None, dates=[dateline]), now=LATER).date().isoformat() == "2023-09-28"
    # A relative date ("on Thursday") was resolved against the fetch time: it says nothing about when.
    relative = dateline.model_copy(update={"relative": True})
    in_passing = dateline.model_copy(update={"start": 400, "end": 414})
    assert article_time(article(published=None, dates=[relative]), now=LATER) is None
    assert article_time(article(published=None, dates=[in_passing]), now=LATER) is None


def test_an_undated_report_joins_a_story_whatever_its_time():
    index = StoryIndex(StoryConfig(window=timedelta(hours=24)))
    place(index, features("dated", T0))
    assert place(index, features("undated", None)) == "dated"
    assert index.stories["dated"].last_at == T0  # an unknown time does not move the story


def test_a_dated_report_joins_a_story_opened_by_an_undated_one():
    index = StoryIndex(StoryConfig(window=timedelta(hours=24)))
    place(index, features("undated", None))
    assert index.stories["undated"].first_at is None
    assert place(index, features("dated", T0)) == "undated"
    assert (index.stories["undated"].first_at, index.stories["undated"].size) == (T0, 2)


def test_a_story_of_undated_reports_ages_with_the_newest_article_the_index_saw():
    index = StoryIndex(StoryConfig(window=timedelta(hours=24)))
    place(index, features("seen", T0))
    place(index, features("undated", None, entities={"Q90": 3}, words={"paris": 1.0}))
    decision = index.decide(features("much-later", T0 + timedelta(hours=49), entities={"Q64": 2}, words={"berlin": 1.0}))
    assert set(decision.expired) == {"seen", "undated"}


def test_an_undated_report_read_today_outlives_the_jump_from_a_backfill_to_today_s_news():
    # A 2014 backfill, then a report without a date read today, then today's news. The watermark leaps twelve years
    # with the first of today's reports; the undated report's story is as recent as the day it was read (it cannot have
    # been published later), so it is still live, and today's report of its event joins it.
    backfill, today = datetime(2014, 4, 25, 9, tzinfo=timezone.utc), datetime(2026, 12, 5, 9, tzinfo=timezone.utc)
    window = timedelta(hours=72)
    index = StoryIndex(StoryConfig(window=window))
    place(index, features("cairo-2014", backfill, entities={"Q85": 3}, words={"cairo": 1.0, "birdshot": 1.0}))
    place(index, replace(features("undated-kyiv", None), read_at=today))
    place(index, replace(features("undated-paris", None, entities={"Q90": 3}, words={"paris": 1.0}), read_at=today))
    decision = index.decide(features("berlin-today", today - timedelta(hours=2), entities={"Q64": 2}, words={"berlin": 1.0}))
    assert decision.expired == ("cairo-2014",)  # the 2014 story is over; the undated ones are not
    index.apply(decision)
    assert place(index, features("kyiv-today", today - timedelta(hours=1))) == "undated-kyiv"
    # It still ages, from when it was read: twice the window after that, the undated story is forgotten.
    later = index.decide(features("rome", today + 2 * window + timedelta(hours=1), entities={"Q220": 2}, words={"rome": 1.0}))
    assert "undated-paris" in later.expired


def test_a_report_in_another_language_joins_by_its_embedding_alone():
    english = unit(1)
    index = StoryIndex()
    place(index, features("en", T0, embedding=english))
    russian = features("ru", T0, entities={}, words={"нато": 1.0, "киев": 1.0}, embedding=unit(2, near=english, noise=0.6),
                       language="ru")
    stranger = features("other", T0, entities={}, words={"флот": 1.0}, embedding=unit(3), language="ru")
    assert 0.75 < float(russian.embedding @ english) < 0.9
    assert place(index, russian) == "en"
    assert place(index, stranger) == "other"


def toward(seed: int, **cosines: tuple[np.ndarray, float]) -> np.ndarray:
    """A unit vector at the given cosines to the given (nearly orthogonal) unit vectors."""
    rest = unit(seed)
    for target, _ in cosines.values():
        rest = rest - float(rest @ target) * target
    rest = rest / np.linalg.norm(rest)
    v = sum(c * t for t, c in cosines.values()) + np.sqrt(1 - sum(c * c for _, c in cosines.values())) * rest
    return (v / np.linalg.norm(v)).astype(np.float32)


def two_stories() -> tuple[StoryIndex, np.ndarray, np.ndarray]:
    """An index with an English story ("en") and another one ("elsewhere"), and their embeddings."""
    english, other = unit(11), unit(12)
    index = StoryIndex(story_config(TaggerSettings()))
    place(index, features("en", T0, embedding=english))
    place(index, features("elsewhere", T0, entities={"Q90": 3}, words={"paris": 1.0}, embedding=other))
    return index, english, other


def test_across_languages_the_clearly_nearest_story_is_joined_though_its_cosine_alone_is_modest():
    # A Russian report whose embedding is 0.57 from its English story: below what the calibrated cosine alone accepts,
    # but no other live story comes near it. As in margin-based cross-lingual matching, that is enough.
    index, english, other = two_stories()
    russian = features("ru", T0, entities={}, words={"нато": 1.0}, language="ru",
                       embedding=toward(13, en=(english, 0.57), elsewhere=(other, 0.2)))
    decision = index.decide(russian)
    assert not decision.created and decision.story.id == "en"
    assert decision.scores.rule == "cross-language-nearest" and 0.55 < decision.score < 0.61


def test_a_second_report_in_a_language_the_story_already_holds_still_joins_by_the_clear_margin():
    # The story is English and Russian after the first Russian report; a second Russian report (other words, no
    # entities) meets it by the embedding only, as the first did. Only a story wholly in the article's language
    # is left to words, where they can meet.
    index, english, other = two_stories()
    first = features("ru-1", T0, entities={}, words={"нато": 1.0}, language="ru",
                     embedding=toward(13, en=(english, 0.6), elsewhere=(other, 0.2)))
    assert place(index, first) == "en"
    second = features("ru-2", T0, entities={}, words={"визит": 1.0}, language="ru",
                      embedding=toward(15, en=(english, 0.6), elsewhere=(other, 0.2)))
    decision = index.decide(second)
    assert not decision.created and decision.story.id == "en" and decision.scores.rule == "cross-language-nearest"
    index.apply(decision)
    lone = features("ru-lone", T0, entities={}, words={"флот": 1.0}, language="ru", embedding=unit(21))
    assert place(index, lone) == "ru-lone"
    near_lone = features("ru-3", T0, entities={}, words={"порт": 1.0}, language="ru", embedding=toward(22, lone=(unit(21), 0.6)))
    assert place(index, near_lone) == "ru-3", "a story all in Russian: words decide, and they do not meet"


def test_across_languages_a_modest_cosine_to_two_stories_alike_joins_neither():
    index, english, other = two_stories()
    russian = features("ru", T0, entities={}, words={"нато": 1.0}, language="ru",
                       embedding=toward(13, en=(english, 0.57), elsewhere=(other, 0.52)))
    assert place(index, russian) == "ru", "two stories about as near: not clear which, so neither"
    far = features("far", T0, entities={}, words={"флот": 1.0}, language="ru", embedding=toward(14, en=(english, 0.45)))
    assert place(index, far) == "far", "nearest, but not near: different documents reach 0.45"


def test_the_centroid_and_latest_embeddings_survive_the_table():
    index = StoryIndex()
    vector = unit(5)
    place(index, features("first", T0, embedding=vector))
    place(index, features("second", T0, embedding=unit(6, near=vector, noise=0.3)))
    story = Story.model_validate_json(index.raw("first"))
    assert story.embedded == 2 and len(story.recent) == 2 and story.centroid
    restarted = StoryIndex()
    restarted.sync([("first", index.raw("first"))])
    probe = features("third", T0, entities={}, words={}, embedding=unit(7, near=vector, noise=0.5))
    assert restarted.decide(probe) == index.decide(probe)
    assert not restarted.decide(probe).created


def test_an_embedding_survives_its_compact_form():
    vector = unit(9)
    text = encode_vector(vector)
    assert len(text) == 684
    assert float(decode_vector(text) @ vector) > 0.999


def test_rare_words_weigh_more_than_common_ones():
    weights, words = terms("Stoltenberg visits", "Stoltenberg said the visit was important.")
    assert weights["stolt"] > 2 * weights["impor"]
    assert words["stolt"] == "stoltenberg"


def test_the_placed_article_carries_its_story_size_and_evidence():
    assigner = StoryAssigner(story_config(TaggerSettings()))
    nato = [Salience(key="Q7184", name="NATO", type="ORG", mentions=2, in_title=True, in_lead=True),
            Salience(key="Q1899", name="Kyiv", type="GPE", mentions=1, in_title=True, in_lead=True)]
    first, _ = assigner.place(article(published=T0, salience=nato).model_copy(update={"id": "w-1"}), now=LATER)
    second, decision = assigner.place(article(published=T0, salience=nato).model_copy(update={"id": "w-2"}), now=LATER)
    assert (first.story_size, second.story_size) == (1, 2)
    assert second.story_id == first.story_id == "w-1"
    why = second.story_evidence
    assert why.decision == "joined" and why.compared == "w-1" and why.score == round(decision.score, 3)
    assert why.shared_entities == ["NATO", "Kyiv"] and "kyiv" in why.shared_words
    again, _ = assigner.place(second, now=LATER)
    assert again.story_evidence.decision == "duplicate" and again.story_size == 2


def test_across_languages_a_mistranslated_place_does_not_outvote_the_embedding():
    english = unit(11)
    index = StoryIndex()
    place(index, features("en", T0, embedding=english, places={"Q1899"}))
    # NATO and Ukraine again, in English, set in Vilnius and told in other words: another event.
    elsewhere = features("en-vilnius", T0, entities={"Q7184": 4, "Q212": 3, "Q216": 4}, words={"nato": 1.0, "summit": 1.0, "vilni": 1.0},
                         embedding=unit(12, near=english, noise=1.0), places={"Q216"})
    assert place(index, elsewhere) == "en-vilnius"
    # The Italian report of the Kyiv visit, translated, whose city linked to the wrong place: the embedding of its
    # original text (cosine about 0.9) carries it to its story.
    italian = features("it", T0, entities={"Q7184": 4, "Q212": 3, "Q220": 4}, embedding=unit(13, near=english, noise=0.45),
                       places={"Q220"}, language="it")
    assert float(italian.embedding @ english) > 0.85
    assert place(index, italian) == "en"
