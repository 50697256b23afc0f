"""The gazetteer reads a match in the article's own language: its common words are not names, its inflections are."""

from __future__ import annotations

import pytest

from services.tagger.gazetteer import Gazetteer
from services.tagger.linking import link_article
from services.tagger.mentions import FieldMentions


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.load()


def _found(gazetteer: Gazetteer, text: str, language: str | None) -> list[tuple[str, str]]:
    return [(m.text, m.entry.name) for m in gazetteer.find(text, language=language)]


def test_a_lower_case_word_in_a_german_article_is_not_a_place(gazetteer: Gazetteer):
    # GeoNames spells Dubai "Dabei" too; in German "dabei" is "with it".
    text = "Er war dabei, als die Polizei kam. Später flog er nach Dubai."
    assert _found(gazetteer, text, "de") == [("Dubai", "Dubai")]


def test_a_lower_case_english_word_is_not_a_place_but_a_lower_case_phrase_may_name_one(gazetteer: Gazetteer):
    # GeoNames spells Hangzhou "Hang" too: a real Guardian report, "men he notoriously ordered to hang last month".
    text = "The judge upheld the sentences of 37 of 529 men he ordered to hang last month. Hangzhou was calm."
    assert _found(gazetteer, text, "en") == [("Hangzhou", "Hangzhou")]
    assert ("security council", "United Nations Security Council") in _found(gazetteer, "The security council met.", "en")


def test_german_genitive_s_is_the_name(gazetteer: Gazetteer):
    assert _found(gazetteer, "Mexikos Präsident und Chinas Regierung", "de") == [("Mexikos", "Mexico"), ("Chinas", "China")]
    # Only where the language glues a genitive -s, and not to a short alias ("Bỉ" is Vietnamese for Belgium).
    assert _found(gazetteer, "Mexikos", "fr") == []
    assert _found(gazetteer, "Bis Ende Oktober", "de") == []


def test_german_inflected_organisation_names(gazetteer: Gazetteer):
    found = _found(gazetteer, "Die Wahl zum Europäischen Parlament und der Rat der Vereinten Nationen", "de")
    assert [name for _, name in found] == ["European Parliament", "United Nations"]


def test_russian_genitive_of_a_country_is_not_a_city_of_the_same_stem(gazetteer: Gazetteer):
    # "Мексика" (Mexico) declines; "Мехико"/"Мексико" (Mexico City) does not, so "Мексики" is only the country.
    assert _found(gazetteer, "Президент Мексики прилетел в Мехико", "ru") == [("Мексики", "Mexico"), ("Мехико", "Mexico City")]


def test_russian_stem_needs_a_case_ending(gazetteer: Gazetteer):
    # Gwyneth is not Guinea, the House ("Палату") is not Palau, and the end of a hyphenated town is not Libya.
    assert _found(gazetteer, "Гвинет Пэлтроу", "ru") == []
    assert _found(gazetteer, "выборы в Палату представителей", "ru") == []
    assert _found(gazetteer, "в городе Ньюпорт-он-Ливи", "ru") == []
    assert _found(gazetteer, "в Гвинее и в Ливии", "ru") == [("Гвинее", "Guinea"), ("Ливии", "Libya")]


def test_chinese_match_inside_a_longer_word_is_not_a_name(gazetteer: Gazetteer):
    # "内华达州" is Nevada; the city Dazhou (达州) is not in it.
    assert _found(gazetteer, "内华达州和亚利桑那州南部", "zh") == [("内华达州", "Nevada"), ("亚利桑那州", "Arizona")]
    # A name followed by another word is still the name: the UK's prime minister, the American people.
    assert _found(gazetteer, "英国首相特雷莎·梅抵达伯明翰", "zh") == [("英国", "United Kingdom"), ("特雷莎·梅", "Theresa May"), ("伯明翰", "Birmingham")]


def test_arabic_common_nouns_are_not_places(gazetteer: Gazetteer):
    # "المدينة" is "the city", "جده" "his grandfather", "هند" a given name (India is "الهند").
    assert _found(gazetteer, "وصل إلى المدينة مع جده وهند", "ar") == []
    assert _found(gazetteer, "زار الهند وجدة والمدينة المنورة", "ar")[:2] == [("الهند", "India"), ("جدة", "Jeddah")]


def test_an_arabic_noun_as_common_with_the_article_as_without_is_not_a_place(gazetteer: Gazetteer):
    # "سيول" is "floods" before it is Seoul, "مشهد" "a scene" before Mashhad, "ميدان" "a square" before Medan.
    assert _found(gazetteer, "جرفت السيول عشرات المنازل في مشهد مؤلم قرب ميدان المدينة", "ar") == []
    # A name takes the article always (الرياض) or never (قطر), and both are still read, as is Seoul spelled "سئول".
    found = _found(gazetteer, "وصل وفد قطر إلى الرياض قادما من سئول", "ar")
    assert [name for _, name in found] == ["Qatar", "Riyadh", "Seoul"]


def test_an_arabic_name_that_takes_the_article_is_read_with_it_and_not_without(gazetteer: Gazetteer):
    # GeoNames spells Khartoum only bare ("خرطوم", which is "a hose"); the news writes "الخرطوم", as it writes "الموصل"
    # for Mosul ("موصل" is "a connector"). NATO is written both ways, and its bare form is no other word.
    assert _found(gazetteer, "اشترى خرطوم مياه وقطعة موصل", "ar") == []
    found = _found(gazetteer, "وصل وزير خارجية الاردن إلى الخرطوم ثم الموصل قبل قمة ناتو", "ar")
    assert [name for _, name in found] == ["Jordan", "Khartoum", "Mosul", "NATO"]


def test_without_a_language_nothing_changes(gazetteer: Gazetteer):
    assert _found(gazetteer, "dabei", None) == [("dabei", "Dubai")]


def test_link_article_reads_the_fields_in_their_language(gazetteer: Gazetteer):
    fields = [FieldMentions("title", "Mexikos Präsident", []), FieldMentions("body", "Er ist dabei.", [])]
    assert [(e.text, e.canonical_name) for e in link_article(gazetteer, fields, language="de")] == [("Mexikos", "Mexico")]


def test_a_clock_times_zone_is_not_a_mention_of_the_place(gazetteer: Gazetteer):
    assert _found(gazetteer, "北京时间10点，他在北京", "zh") == [("北京", "Beijing")]
    assert _found(gazetteer, "حوالي الساعة 19:30 بالتوقيت الصيفي لبريطانيا وفي بريطانيا", "ar") == [("بريطانيا", "United Kingdom")]


def test_a_common_word_capitalised_at_a_sentence_start_is_not_a_place(gazetteer: Gazetteer):
    assert _found(gazetteer, "Dabei geht es um Steuern.", "de") == []
    assert _found(gazetteer, "Das ist klar. Dabei geht es um Steuern.", "de") == []
    # A name that is a very common word of its own language stays a name there.
    assert _found(gazetteer, "Deutschland und Türkiye", "de") == [("Deutschland", "Germany"), ("Türkiye", "Turkey")]
    assert _found(gazetteer, "Türkiye bugün", "tr") == [("Türkiye", "Turkey")]
    assert _found(gazetteer, "Erdoğan konuştu", "tr") == [("Erdoğan", "Recep Tayyip Erdoğan")]


def test_a_place_spelt_in_english_before_a_surname_is_a_first_name(gazetteer: Gazetteer):
    text = "Chad Smith spielt in Berlin. Jordan Henderson, Paris Hilton und Israel Adesanya kamen."
    assert _found(gazetteer, text, "de") == [("Berlin", "Berlin")]
    assert _found(gazetteer, "Israel Adesanya kazandı", "tr") == []


def test_a_place_before_a_common_word_or_another_place_stays_a_place(gazetteer: Gazetteer):
    assert _found(gazetteer, "Der Präsident von Chad. In Chad und Chads Regierung", "de") == [("Chad", "Chad"), ("Chad", "Chad"), ("Chads", "Chad")]
    assert _found(gazetteer, "Fransa Dışişleri Bakanı", "tr") == [("Fransa", "France")]
    assert _found(gazetteer, "Heute in China Proteste, in Berlin Mitte Niedriglohn", "de") == [("China", "China"), ("Berlin", "Berlin")]
    # English text has NER for people: the rule is not applied there.
    assert _found(gazetteer, "Chad Smith visited Chad's president", "en") == [("Chad", "Chad"), ("Chad", "Chad")]
