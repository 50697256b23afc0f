"""A second opinion (lingua) where fastText confuses close languages; other languages are left to fastText."""

from __future__ import annotations

import pytest

from services.normalize.language import LanguageDetector, SecondOpinion


@pytest.fixture(scope="module")
def detectors() -> tuple[LanguageDetector, LanguageDetector]:
    return LanguageDetector(), LanguageDetector(second_opinion=SecondOpinion())


BOKMAL = [
    "Jeg vet ikke hva jeg skal gjøre i dag, men været er fint, så jeg tar en tur.",
    "Regjeringen vil bruke mer penger på veier og jernbane neste år, sier finansministeren.",
]


@pytest.mark.parametrize("text", BOKMAL)
def test_bokmal_that_fasttext_calls_danish_or_plain_norwegian_comes_out_bokmal(detectors, text: str):
    fast, both = detectors
    assert fast.detect(text)[0] in {"da", "no"}
    assert both.detect(text)[0] == "nb"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Eg veit ikkje kva eg skal gjere i dag, men det er fint vêr ute, so eg går ein tur.", "nn"),
        ("Regeringen vil bruge flere penge på veje og jernbaner næste år, siger finansministeren.", "da"),
        ("Nevím, co mám dnes dělat, ale počasí je krásné, tak jdu na procházku.", "cs"),
        ("Neviem, čo mám dnes robiť, ale počasie je krásne, tak idem na prechádzku.", "sk"),
        ("No sé què fer avui, però fa bon temps, així que aniré a passejar.", "ca"),
        ("Não sei o que fazer hoje, mas o tempo está bom, então vou passear.", "pt"),
        ("No sé qué hacer hoy, pero hace buen tiempo, así que voy a pasear.", "es"),
        ("Saya tidak tahu apa yang harus saya lakukan hari ini, tetapi cuacanya bagus.", "id"),
    ],
)
def test_close_languages_fasttext_gets_right_stay_right(detectors, text: str, language: str):
    assert detectors[1].detect(text)[0] == language


def test_no_second_opinion_outside_the_confusable_sets():
    opinion = SecondOpinion()
    assert opinion.group_for([("de", 0.9), ("nl", 0.05)]) is None
    assert opinion.group_for([("cs", 0.9), ("sk", 0.05)]) == frozenset({"cs", "sk"})
    assert opinion.rescore("Guten Tag", [("de", 0.9), ("nl", 0.05)]) == [("de", 0.9), ("nl", 0.05)]
