"""Faroese told from Icelandic, which both language models read it as: by ø against þ, ö, é, and the small words."""

from __future__ import annotations

import pytest

from services.normalize.faroese import judge
from services.normalize.language import LanguageDetector

FAROESE = ("Landsstýrið hevur avgjørt at byggja ein nýggjan tunnil millum Streymoy og Sandoy. Landsstýrismaðurin segði "
           "týsdagin, at arbeiðið byrjar næsta ár, og at tunnilin skal vera liðugur í 2030.")
ICELANDIC = ("Ríkisstjórnin hefur ákveðið að byggja ný göng á milli Streymoy og Sandoy. Ráðherrann sagði á þriðjudag að "
             "framkvæmdir hefjist á næsta ári og að göngin eigi að vera tilbúin árið 2030.")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (FAROESE, "fo"),
        (ICELANDIC, "is"),
        ("Tað er ikki greitt, hvør fer at vinna valið.", "fo"),  # no ø: "tað", "ikki", "at"
        ("Það er ekki ljóst hver vinnur kosningarnar.", "is"),
        ("Vatnflóðir í Klaksvík og Tórshavn", None),  # nothing that tells them apart: the models' word stands
        ("Lloyds og Croydon", None),  # "oy" in a name is no Faroese
    ],
)
def test_the_letters_and_small_words_tell_faroese_from_icelandic(text: str, expected: str | None):
    assert judge(text) == expected


@pytest.fixture(scope="module")
def detector() -> LanguageDetector:
    return LanguageDetector()


def test_faroese_news_is_identified_as_faroese_not_icelandic(detector: LanguageDetector):
    language, confidence = detector.detect(FAROESE)
    assert language == "fo" and confidence > 0.5


def test_icelandic_news_stays_icelandic(detector: LanguageDetector):
    assert detector.detect(ICELANDIC)[0] == "is"


def test_danish_with_o_slash_is_not_taken_for_faroese(detector: LanguageDetector):
    # ø, "at", "av"-like words are Danish and Norwegian too: the judge is asked only where the models saw Icelandic
    assert detector.detect("Regeringen har besluttet at bygge tre nye sygehuse i Jylland, og arbejdet går i gang næste år.")[0] == "da"
