"""Acronyms a pivot hop wrote with one capital get their capitals back before the next hop (acronym_case.py)."""

from __future__ import annotations

import pytest

from services.normalize.acronym_case import restore_acronyms
from services.normalize.backends import SourceText, TranslatedText


def test_an_acronym_the_source_writes_in_capitals_is_written_in_capitals_again():
    # dan-swe's output for the ntrex_dev Danish copies
    given = "Makedonien vil med i EU og Nato. USA mangler dog stadig en formel strategi."
    assert restore_acronyms(given, "Makedonien vill med i Eu och Nato. Usa saknar dock fortfarande en formell strategi.") == (
        "Makedonien vill med i EU och Nato. USA saknar dock fortfarande en formell strategi.")


def test_the_spans_a_translation_records_stay_with_it():
    translated = TranslatedText("Usa och Tv-kanalen Telma.", untranslated=((20, 25),), kept=((0, 3),))
    restored = restore_acronyms(SourceText("USA og TV-kanalen Telma."), translated)
    assert isinstance(restored, TranslatedText)
    assert (str(restored), restored.untranslated, restored.kept) == ("USA och TV-kanalen Telma.", ((20, 25),), ((0, 3),))


@pytest.mark.parametrize(
    ("given", "translated"),
    [
        ("LA FRANCE GAGNE LA FINALE", "France Wins The Final"),  # a headline in capitals: no acronym in it
        ("EL PAÍS lo publicó en El Salvador.", "El País published it in El Salvador."),  # the source also writes "El"
        ("Eu sou de Lisboa.", "Eu soy de Lisboa."),  # not in capitals in the source
        ("La ONU y la OTAN.", "The UN and Nato."),  # another word, translated: left to the pair
        ("Det ANNOUNCED er langt.", "Det Announced är långt."),  # longer than an acronym
    ],
)
def test_words_the_source_does_not_write_as_an_acronym_are_left_as_the_hop_wrote_them(given: str, translated: str):
    assert restore_acronyms(given, translated) == translated
