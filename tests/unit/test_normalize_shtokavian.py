"""Croatian, Serbian and Bosnian told apart by the spellings and words the three standards do not share."""

import pytest

from services.normalize.language import LanguageDetector, SecondOpinion
from services.normalize.shtokavian import judge

SENTENCES = {
    "hr": [
        "Vlada je u četvrtak objavila da će cijene struje ostati iste do kraja siječnja, a ministar je rekao da tko god želi pomoć može se javiti općini.",
        "Vlak za Split kasnio je dva sata zbog snijega, priopćilo je Hrvatsko društvo, a putnici su čekali na kolodvoru tijekom cijele noći.",
        "Na sveučilištu je prošlog tjedna održano predavanje o povijesti glazbe, a dvoranu je ispunilo više od tisuću ljudi.",
        "Policija je tijekom vikenda zaustavila više od dvjesto vozača, izvijestila je policijska uprava.",
    ],
    "sr": [
        "Vlada je u četvrtak saopštila da će cene struje ostati iste do kraja januara, a ministar je rekao da svako ko želi pomoć može da se javi opštini.",
        "Voz za Niš kasnio je dva sata zbog snega, saopštila je železnica, a putnici su čekali na stanici tokom cele noći.",
        "Na univerzitetu je prošle nedelje održano predavanje o istoriji muzike, a salu je ispunilo više od hiljadu ljudi.",
        "Влада је у четвртак саопштила да ће цене струје остати исте до краја јануара.",
        "Policija je tokom vikenda zaustavila više od dvesta vozača, saopštila je policijska uprava.",
    ],
    "bs": [
        "Vlada je u četvrtak saopćila da će cijene struje ostati iste do kraja januara, a ministar je rekao da svako ko želi pomoć može se javiti općini.",
        "Na univerzitetu je prošle sedmice održano predavanje o historiji muzike, a salu je ispunilo više od hiljadu ljudi.",
        "Autobus za Mostar kasnio je dva sata zbog snijega, a putnici su čekali na stanici tokom cijele noći, saopćila je kompanija.",
        "Policija je tokom vikenda zaustavila više od dvjesto vozača, saopćeno je iz policijske uprave.",
    ],
}


@pytest.mark.parametrize("language,sentence", [(lang, s) for lang, items in SENTENCES.items() for s in items])
def test_each_standard_is_recognised_by_its_own_words(language, sentence):
    assert judge(sentence) == language


def test_text_without_telling_words_is_left_to_the_first_opinion():
    assert judge("Ministar je rekao da je sastanak bio dobar.") is None
    assert judge("Predsjednik je danas u Zagrebu.") is None


def test_macedonian_cyrillic_is_not_called_serbian():
    assert judge("Владата во четвртокот соопшти дека ќе ги намали цените на струјата.") is None


@pytest.fixture(scope="module")
def detector():
    return LanguageDetector(second_opinion=SecondOpinion())


@pytest.mark.parametrize("language,sentence", [(lang, s) for lang, items in SENTENCES.items() for s in items])
def test_detector_with_second_opinion_names_the_standard(detector, language, sentence):
    assert detector.detect(sentence)[0] == language
