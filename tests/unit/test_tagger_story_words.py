"""A report no encoder reads finds its story in other languages by the names and words it shares, by a clear margin."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timezone

from services.tagger.assign import story_config
from services.tagger.settings import TaggerSettings
from services.tagger.stories import ArticleFeatures, StoryIndex

T0 = datetime(2025, 3, 4, 9, 0, tzinfo=timezone.utc)
# The English wire report: NATO's chief in Kyiv. Its words as the story stage keeps them (five-letter stems).
KYIV_WORDS = {"nato": 2.0, "stolt": 4.0, "kyiv": 3.0, "chief": 1.0, "visit": 1.0, "promi": 1.0, "defen": 1.5, "drone": 2.0}
PARIS_WORDS = {"paris": 3.0, "louvr": 4.0, "museu": 2.0, "strik": 1.5, "worke": 1.0}
# A Vietnamese report of the visit, untranslated and with no embedding: its own words, and the names both share.
VIETNAMESE = {"stolt": 4.0, "kyiv": 3.0, "nato": 2.0, "thăm": 1.0, "chuyế": 1.0, "ukrai": 1.0, "không": 0.5, "người": 0.5}


def features(article_id: str, words: dict[str, float], language: str = "en", entities: dict[str, float] | None = None,
             embedded: bool = True) -> ArticleFeatures:
    import numpy as np

    vector = np.random.default_rng(abs(hash(article_id)) % 2**32).standard_normal(512).astype(np.float32) if embedded else None
    if vector is not None:
        vector /= np.linalg.norm(vector)
    return ArticleFeatures(article_id, T0, dict(entities or {}), frozenset(), dict(words), embedding=vector, language=language)


def index_with(settings: TaggerSettings | None = None) -> StoryIndex:
    index = StoryIndex(story_config(settings or TaggerSettings()))
    for f in (features("kyiv-en", KYIV_WORDS), features("paris-en", PARIS_WORDS)):
        index.apply(index.decide(f))
    return index


def test_a_report_no_encoder_reads_joins_the_story_its_names_clearly_reach():
    index = index_with()
    decision = index.decide(features("kyiv-vi", VIETNAMESE, language="vi", embedded=False))
    assert not decision.created and decision.story.id == "kyiv-en"
    assert decision.scores.rule == "cross-language-words"
    assert decision.score < index.config.threshold  # below what the weighted rule accepts: only the margin lets it in


def test_a_report_close_to_two_stories_alike_joins_neither():
    index = index_with()
    both = {"stolt": 4.0, "louvr": 4.0, "thăm": 1.0}  # as close to the Paris story as to the Kyiv one
    assert index.decide(features("both-vi", both, language="vi", embedded=False)).created


def test_a_report_whose_own_story_is_not_there_opens_one():
    index = index_with()
    other = {"hanoi": 4.0, "bão": 2.0, "mưa": 1.0, "người": 0.5}  # a typhoon in Hanoi: nothing any story holds
    decision = index.decide(features("storm-vi", other, language="vi", embedded=False))
    assert decision.created


def test_a_story_with_reports_in_the_article_language_is_left_to_the_weighted_rule():
    # Words meet in their own language, so there the ordinary threshold decides, not the margin.
    weak = {"stolt": 4.0, "thăm": 1.0, "chuyế": 1.0, "hội": 2.0, "nghị": 2.0, "tháng": 1.0}
    english_only = index_with()
    assert english_only.decide(features("kyiv-vi-2", weak, language="vi", embedded=False)).scores.rule == "cross-language-words"
    index = index_with()
    index.apply(index.decide(features("kyiv-vi-1", VIETNAMESE, language="vi", embedded=False)))
    assert index.stories["kyiv-en"].languages.keys() == {"en", "vi"}
    decision = index.decide(features("kyiv-vi-2", weak, language="vi", embedded=False))
    assert decision.created and decision.scores.rule == "weighted"


def test_an_article_with_an_embedding_is_not_read_by_this_rule_and_zero_turns_it_off():
    index = index_with()
    assert index.decide(features("kyiv-xx", VIETNAMESE, language="vi", embedded=True)).scores.rule != "cross-language-words"
    off = index_with(TaggerSettings(story_words_margin=0))
    assert off.decide(features("kyiv-vi", VIETNAMESE, language="vi", embedded=False)).created


def test_tagalog_is_read_with_wordfreqs_filipino_list():
    # fastText calls Filipino "tl", wordfreq lists it as "fil": without the mapping the report had no words at all.
    from schemas.models import TaggedArticle
    from services.tagger.story_features import article_features

    tagalog = TaggedArticle(
        id="tl-1", source="file", published_at=T0, fetched_at=T0, language="tl", language_confidence=1.0,
        original_title="Nagbuga ng abo ang bulkang Popocatepetl", original_body="Umabot ang abo sa katimugang bahagi ng Mexico City.",
        title="Nagbuga ng abo ang bulkang Popocatepetl", body="Umabot ang abo sa katimugang bahagi ng Mexico City.", story_id="tl-1",
    )
    words = article_features(tagalog, now=T0).terms
    assert "popoc" in words and words["popoc"] > words.get("bahag", 0.0)  # the volcano's name outweighs "part"


def test_a_name_is_one_key_in_every_script():
    from services.tagger.story_features import name_keys

    keys = [name_keys("", text)[0] for text in (
        "Ash from the volcano Popocatépetl fell on Tlalpan.", "Пепел вулкана Попокатепетль выпал в Тлальпане.",
        "Στάχτη από το ηφαίστειο Ποποκατεπέτλ έπεσε στο Τλαλπάν.")]
    assert all("popok" in k for k in keys)
    english, written = name_keys("Volcano erupts", "Ash from Popocatepetl fell. The agency Cenapred said on Saturday it would")
    # not "Ash" or "The" (they start sentences), not "Saturday"; each name by its spelling and by its consonants
    assert set(english) == {"popok", "kenap", "~pktp", "~knpr"}
    assert written["kenap"] == "Cenapred" and english["popok"] > 5  # rare as an English word, so it weighs
    # A script without capitals: every word is a candidate, and the few that are names are what meet.
    georgian, hebrew = name_keys("", "მარკ რუტე ვილნიუსში")[0], name_keys("", "רוטה בווילניוס")[0]
    assert {"rute", "vilni"} <= set(georgian) and "vilni" in hebrew
    assert {"rute", "vilni"} <= set(name_keys("", "Mark Rutte in Vilnius")[0])
    # Greek writes foreign names by their sound, with digraphs: "ου" is u, "ντ" a d at the start, "γκ" a g.
    greek = name_keys("", "Ο Πούτιν, ο Ρούτε και ο Ντόναλντ Τραμπ μίλησαν για τη Γκάζα.")[0]
    assert {"putin", "rute", "donal", "gaza"} <= set(greek)
    assert {"putin", "rute", "donal", "gaza"} <= set(name_keys("", "Then Putin, Rutte and Donald Trump spoke of Gaza.")[0])


def test_a_name_written_without_its_vowels_meets_by_its_consonants():
    """Urdu writes no short vowels, Telugu's clusters drop them in Latin letters: "Trump" is "trmp" in both, which
    its five-letter key ("trump" against "trmp") misses."""
    from services.tagger.story_features import SKELETON, name_keys

    english = set(name_keys("", "Then Donald Trump spoke in Washington.")[0])
    urdu = set(name_keys("", "ڈونلڈ ٹرمپ نے واشنگٹن میں کہا", "ur")[0])
    telugu = set(name_keys("", "డొనాల్డ్ ట్రంప్ వాషింగ్టన్‌లో మాట్లాడారు", "te")[0])
    assert "trump" in english and "trump" not in urdu | telugu
    assert {SKELETON + "trmp", SKELETON + "vshn"} <= english & urdu
    assert SKELETON + "trmp" in english & telugu
    assert not any(k.startswith(SKELETON) and len(k) < 5 for k in english | urdu | telugu)  # four consonants at least


def test_words_of_scripts_with_vowel_signs_are_read_whole():
    from services.tagger.story_features import name_keys, terms

    # Devanagari, Bengali and Tamil write vowels as combining signs: the words stay whole, names and words alike.
    hindi = "प्रधानमंत्री नरेंद्र मोदी ने सरकार के प्रस्ताव पर विचार किया"
    assert "modi" in name_keys("", hindi, "hi")[0] and "सरकार" in terms("", hindi, "hi")[0]
    assert "modi" in name_keys("", "প্রধানমন্ত্রী নরেন্দ্র মোদী", "bn")[0]
    assert len(terms("", "தமிழ்நாடு முதலமைச்சர் அறிவிப்பு", "ta")[0]) == 3


def test_in_a_script_without_capitals_a_common_word_of_its_own_language_weighs_little():
    from services.tagger.story_features import name_keys

    # "The government" and "approved" are words any Hebrew report has; "Netanyahu" names who it is about. Rare as
    # English words both, only their own language tells them apart.
    text = "נתניהו אמר כי הממשלה תדון בהצעה. הממשלה אישרה את התקציב"
    blind, weighed = name_keys("", text)[0], name_keys("", text, "he")[0]
    assert blind["hmslh"] > blind["ntnih"]
    assert weighed["hmslh"] < blind["hmslh"] / 4 and weighed["ntnih"] > 0.2 * blind["ntnih"]
    # A language with no word list (Amharic) keeps the English-only weights; a cased script is not affected.
    assert name_keys("", "ኔታንያሁ መንግሥቱ", "am")[0] == name_keys("", "ኔታንያሁ መንግሥቱ")[0]
    assert name_keys("", "Mark Rutte in Vilnius", "en")[0] == name_keys("", "Mark Rutte in Vilnius")[0]


def _names_features(article_id: str, keys: dict[str, float], language: str) -> ArticleFeatures:
    return ArticleFeatures(article_id, T0, {}, frozenset(), {}, embedding=None, language=language, name_keys=keys)


def test_a_report_no_encoder_reads_joins_the_story_its_shared_names_clearly_reach():
    index = index_with()
    for sid, keys in (("kyiv-en", {"stolt": 7.0, "kiiv": 5.0, "nato": 4.0}), ("paris-en", {"paris": 4.0, "louvr": 7.0})):
        index.stories[sid] = index.stories[sid].model_copy(update={"names": keys})
        index._add(index.stories[sid])
    kazakh = _names_features("kyiv-kk", {"stolt": 7.0, "kiiv": 5.0, "ukrai": 3.0}, "kk")
    decision = index.decide(kazakh)
    assert not decision.created and decision.story.id == "kyiv-en" and decision.scores.rule == "cross-language-names"
    both = _names_features("both-kk", {"stolt": 7.0, "louvr": 7.0}, "kk")
    assert index.decide(both).created  # as near one story as the other
    off = index_with(TaggerSettings(story_names_margin=0))
    for sid, keys in (("kyiv-en", {"stolt": 7.0, "kiiv": 5.0, "nato": 4.0}),):
        off._add(off.stories[sid].model_copy(update={"names": keys}))
    assert off.decide(kazakh).created


def test_a_report_in_a_script_without_capitals_meets_by_consonants_and_a_lower_floor():
    """Every word of an Urdu report is a name key, so the two names it shares with the English story are a small
    part of its weight: it meets by the names' consonants ("~trmp") against the lower floor for such scripts. A
    report in a cased script is compared as before, by spelling only."""
    index = index_with()
    english = {"trump": 4.0, "~trmp": 4.0, "vashi": 3.0, "~vshn": 3.0, "tarif": 3.0, "~trf": 0.0}
    for sid, keys in (("kyiv-en", english), ("paris-en", {"paris": 4.0, "louvr": 7.0, "~lvr": 0.0})):
        index.stories[sid] = index.stories[sid].model_copy(update={"names": keys})
        index._add(index.stories[sid])
    # Two names by their consonants, among many common words by their spelling.
    words = {f"w{n:03d}": 1.5 for n in range(200)}
    urdu = dataclasses.replace(_names_features("tariffs-ur", {"~trmp": 4.0, "~vshn": 3.0, "trmp": 4.0, **words}, "ur"),
                               names_cased=False)
    decision = index.decide(urdu)
    assert not decision.created and decision.story.id == "kyiv-en" and decision.scores.rule == "cross-language-names"
    assert decision.scores.threshold == index.config.names_floor_uncased
    # The same keys in a cased script are compared by spelling only: nothing meets.
    assert index.decide(dataclasses.replace(urdu, article_id="tariffs-kk", language="kk", names_cased=True)).created
    # At the cased floor the consonants alone do not reach: the lower floor is what lets them.
    strict = index_with()
    strict.config = dataclasses.replace(strict.config, names_floor_uncased=0.15, names_margin_uncased=0.15)
    for sid in ("kyiv-en", "paris-en"):
        strict._add(index.stories[sid])
    assert strict.decide(urdu).created


def test_the_english_original_finds_the_story_its_translation_opened_first():
    """Order must not matter: a Kazakh (cased) and an Urdu (uncased) report came first and opened stories no encoder
    reads; the English original, which has an embedding, joins its own by the names both write. It was a story of
    its own (the names rule only ran for reports without an embedding)."""
    import numpy as np

    index = StoryIndex(story_config(TaggerSettings()))
    words = {f"w{n:03d}": 1.5 for n in range(200)}  # every word of an Urdu report is a name key
    first = (
        dataclasses.replace(_names_features("kyiv-kk", {"stolt": 7.0, "kiiv": 5.0, "ukrai": 3.0}, "kk")),
        dataclasses.replace(_names_features("paris-kk", {"paris": 4.0, "louvr": 7.0}, "kk")),
        dataclasses.replace(_names_features("tariffs-ur", {"~trmp": 4.0, "~vshn": 3.0, "trmp": 4.0, **words}, "ur"),
                            names_cased=False),
    )
    for f in first:
        index.apply(index.decide(f))
    assert [index.stories[f.article_id].uncased for f in first] == [0, 0, 1]

    def english(article_id: str, keys: dict[str, float]) -> ArticleFeatures:
        vector = np.random.default_rng(abs(hash(article_id)) % 2**32).standard_normal(512).astype(np.float32)
        return dataclasses.replace(_names_features(article_id, keys, "en"), embedding=vector / np.linalg.norm(vector))

    kyiv = index.decide(english("kyiv-en", {"stolt": 7.0, "kiiv": 5.0, "nato": 4.0}))
    assert not kyiv.created and kyiv.story.id == "kyiv-kk" and kyiv.scores.rule == "cross-language-names"
    # Against a story written without capitals, by the names' consonants and the lower floor.
    tariffs = index.decide(english("tariffs-en", {"trump": 4.0, "~trmp": 4.0, "vashi": 3.0, "~vshn": 3.0, "tarif": 3.0}))
    assert not tariffs.created and tariffs.story.id == "tariffs-ur"
    assert tariffs.scores.threshold == index.config.names_floor_uncased
    # As near one story as another: neither.
    assert index.decide(english("both-en", {"stolt": 7.0, "louvr": 7.0})).created
    # A story with an embedding is the other rules' to judge: the names rule does not reach it.
    index.apply(kyiv)
    again = index.decide(english("kyiv-en-2", {"stolt": 7.0, "kiiv": 5.0, "nato": 4.0}))
    assert again.scores.rule != "cross-language-names"
