"""The bundled gazetteer finds names in scripts without spaces, behind Arabic clitics and with Russian case endings."""

from __future__ import annotations

import pytest

from services.tagger.gazetteer import Gazetteer


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.load()


def _found(gazetteer: Gazetteer, text: str) -> list[tuple[str, str]]:
    return [(m.text, m.entry.name) for m in gazetteer.find(text)]


def test_chinese_names_inside_a_run_of_characters(gazetteer: Gazetteer):
    assert _found(gazetteer, "泽连斯基在北约峰会上会见了欧盟领导人") == [("泽连斯基", "Volodymyr Zelensky"), ("北约", "NATO"), ("欧盟", "European Union")]


def test_arabic_names_behind_clitic_prefixes(gazetteer: Gazetteer):
    found = _found(gazetteer, "التقى بوتين في موسكو وبحث دور الناتو وبالناتو وللناتو")
    assert found[:2] == [("بوتين", "Vladimir Putin"), ("موسكو", "Moscow")]
    assert [name for _, name in found[2:]] == ["NATO", "NATO", "NATO"]


def test_an_arabic_word_that_merely_ends_like_a_name_is_not_it(gazetteer: Gazetteer):
    # "مستوبوتين" is not a clitic prefix plus a name: three letters glued before it are not و/ب/ل/ك/ف.
    assert _found(gazetteer, "مستوبوتين") == []


def test_russian_and_ukrainian_case_endings(gazetteer: Gazetteer):
    assert _found(gazetteer, "Встреча Путина и Зеленского в Москве") == [("Путина", "Vladimir Putin"), ("Зеленского", "Volodymyr Zelensky"), ("Москве", "Moscow")]
    assert _found(gazetteer, "Зеленського зустріли") == [("Зеленського", "Volodymyr Zelensky")]


def test_a_stem_followed_by_a_long_ending_is_another_word(gazetteer: Gazetteer):
    assert _found(gazetteer, "Путинизмом") == []


def test_latin_boundaries_are_unchanged(gazetteer: Gazetteer):
    assert _found(gazetteer, "Natoire met Parisians") == []


def test_lower_case_cyrillic_words_are_not_names(gazetteer: Gazetteer):
    # "того" (of that) is spelled like Togo, "само" (itself) like the stem of Samoa: names are capitalised.
    assert _found(gazetteer, "после того как само правительство") == []
    assert [name for _, name in _found(gazetteer, "в Того и на Самоа")] == ["Togo", "Samoa"]


def test_arabic_conjunction_before_a_leader(gazetteer: Gazetteer):
    assert _found(gazetteer, "التقى بوتين وترامب") == [("بوتين", "Vladimir Putin"), ("ترامب", "Donald Trump")]


def test_a_katakana_name_inside_a_longer_katakana_word_is_not_it(gazetteer: Gazetteer):
    # "style", "half time", "advice", "kilometre": タイ (Thailand), ドバイ (Dubai) and ロメ (Lomé) inside other words.
    assert _found(gazetteer, "ハーフタイムのスタイルについてアドバイスをした。5キロメートル。ヨーロッパリーグ") == []


def test_a_whole_katakana_word_is_the_name(gazetteer: Gazetteer):
    assert _found(gazetteer, "タイ") == [("タイ", "Thailand")]
    assert _found(gazetteer, "タイの首相がドバイへ") == [("タイ", "Thailand"), ("ドバイ", "Dubai")]
    # The middle dot separates words.
    assert _found(gazetteer, "タイ・ベトナム") == [("タイ", "Thailand"), ("ベトナム", "Vietnam")]


def test_a_hangul_name_starts_a_word_and_only_particles_follow_it(gazetteer: Gazetteer):
    # "we" + particle, "the Pacific", "cordon", "was blocked": no Riga, Pyongyang or Jersey.
    assert _found(gazetteer, "우리가 태평양을 건넜다. 경찰이 저지선을 쳤고 시위는 저지당했다.") == []
    assert _found(gazetteer, "평양에서 회담") == [("평양", "Pyongyang")]
    assert _found(gazetteer, "평양 서울에서는 리가의") == [("평양", "Pyongyang"), ("서울", "Seoul"), ("리가", "Riga")]


def test_a_longer_hangul_name_may_begin_a_compound(gazetteer: Gazetteer):
    assert _found(gazetteer, "북마케도니아공화국") == [("북마케도니아", "North Macedonia")]


def test_chinese_places_spelt_one_against_the_other_are_one_longer_name(gazetteer: Gazetteer):
    # Londonderry is spelt with London's and Delhi's characters.
    assert _found(gazetteer, "伦敦德里的居民") == []
    assert _found(gazetteer, "伦敦是英国首都") == [("伦敦", "London"), ("英国", "United Kingdom")]
    # A place after the country or region it lies in is both.
    assert _found(gazetteer, "中国北京") == [("中国", "China"), ("北京", "Beijing")]


def test_arabic_alefs_without_hamza_and_marks_match_the_alias(gazetteer: Gazetteer):
    assert _found(gazetteer, "ايران المانيا اسرائيل") == [("ايران", "Iran"), ("المانيا", "Germany"), ("اسرائيل", "Israel")]
    assert _found(gazetteer, "إيران ألمانيا إسرائيل") == [("إيران", "Iran"), ("ألمانيا", "Germany"), ("إسرائيل", "Israel")]
    # Offsets stay in the original text when short vowels and tatweel are left out of matching.
    text = "زار ألمَانيا ثم ايـران"
    assert [(m.text, m.start, m.end) for m in gazetteer.find(text)] == [("ألمَانيا", 4, 12), ("ايـران", 16, 22)]


def test_arabic_final_ya_as_alef_maqsura(gazetteer: Gazetteer):
    assert _found(gazetteer, "أبو ظبى") == [("أبو ظبى", "Abu Dhabi")]
    # Inside a word ى is a Uyghur letter: "رىم" is Rome, the Arabic "ريم" (a name) is not.
    assert _found(gazetteer, "ريم") == []


def test_lookup_reads_arabic_without_hamza(gazetteer: Gazetteer):
    assert gazetteer.lookup("المانيا").name == "Germany"
    assert gazetteer.lookup("ألمانيا").name == "Germany"
