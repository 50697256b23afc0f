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
