"""A Cyrillic name no alias matches is found by how it sounds among the gazetteer's English names, when only one fits."""

from __future__ import annotations

import pytest

from services.normalize.sound_names import SoundNames, consonants, cyrillic_sounds, english_sounds
from services.tagger.gazetteer import GazetteerEntry


def _entry(qid: str, name: str, type_: str, *aliases: str) -> tuple[GazetteerEntry, str]:
    return GazetteerEntry(id=qid, name=name, type=type_, aliases=aliases), name  # type: ignore[arg-type]


NAMES = SoundNames([
    _entry("Q180589", "Boris Johnson", "PERSON", "Борис Джонсон"),
    _entry("Q25", "Wales", "GPE", "Уельс"),
    _entry("Q5092", "Nottingham", "GPE"),
    _entry("Q810", "Jordan", "GPE"),
    _entry("Q41", "Flacq", "GPE"),
    _entry("Q1", "West", "GPE"),
    _entry("Q2", "Beirut", "GPE"),
    _entry("Q3", "Jensen", "PERSON"),
    _entry("Q4", "Mette Jansen", "PERSON"),
    _entry("Q12130", "Brittany", "GPE", "Бретань", "Бретања"),
    _entry("Q5", "Giorgia Meloni", "PERSON", "Джорджа Мелони"),
    _entry("Q6", "Xinyang", "GPE"),
    _entry("Q7", "Catalonia", "GPE", "Каталония"),
])


@pytest.mark.parametrize(("word", "english"), [
    ("Джонсън", "Johnson"),  # Bulgarian: дж for j, ъ for the unstressed vowel
    ("Џонсон", "Johnson"),  # Macedonian
    ("Уелс", "Wales"),  # у before a vowel is w; the Russian alias "Уельс" has the same sounds
    ("Нотингам", "Nottingham"),
    ("Каталуния", "Catalonia"),  # Bulgarian's spelling, near enough to the Russian alias's
    ("Мелони", "Meloni"),
])
def test_a_name_is_found_by_its_sound(word, english):
    assert NAMES.english(word) == english


@pytest.mark.parametrize("word", [
    "Уест",  # "West" is a common English word, never a name's answer
    "Брет",  # Brett: as many consonants as Beirut, fewer vowels
    "Флейк",  # Flake: not Flacq, the vowels differ too much for a place
    "Дженсен",  # Jensen and Jansen sound alike: two answers, none taken
    "Каванау",  # Kavanaugh: not in the gazetteer
    "Лий",  # too few consonants to tell names apart
    "Британија",  # Britain: Brittany is known by its Cyrillic aliases, and this is none of them
    "Меллона",  # Mellon's, in Russian: a case ending is no part of Meloni
    "Ксининг",  # Xining: Xinyang, known only in English, would have to sound nearer
])
def test_no_name_when_none_or_more_than_one_fits(word):
    assert NAMES.english(word) is None


def test_sound_spellings_meet():
    assert english_sounds("Johnson") == cyrillic_sounds("Џонсон") == "Jonson"
    assert consonants(english_sounds("Chelsea")) == consonants(cyrillic_sounds("Челси")) == "Cls"
    assert consonants(english_sounds("Rangers")) == consonants(cyrillic_sounds("Рейнджърс"))
    assert cyrillic_sounds("Trump") is None
