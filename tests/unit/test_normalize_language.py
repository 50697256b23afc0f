"""Language identification: title and body apart, the body decides when it can, the feed hint only breaks ties."""

from __future__ import annotations

import pytest

from services.normalize.language import LanguageDetector, choose_language, normalize_hint, to_iso639_1

SAMPLES = {
    "en": "The regional council approved next year's budget on Tuesday, with more money for schools and bus routes.",
    "es": "El consejo regional aprobó el martes el presupuesto del próximo año, con más dinero para escuelas y líneas de autobús.",
    "fr": "Le conseil régional a adopté mardi le budget de l'année prochaine, avec davantage de moyens pour les écoles et les bus.",
    "de": "Der Regionalrat hat am Dienstag den Haushalt für das nächste Jahr beschlossen, mit mehr Geld für Schulen und Buslinien.",
    "ru": "Региональный совет во вторник утвердил бюджет на следующий год, выделив больше средств на школы и автобусы.",
    "zh": "地区议会周二批准了明年的预算，为学校和公交线路增加了更多资金。",
    "it": "Il consiglio regionale ha approvato martedì il bilancio del prossimo anno, con più fondi per scuole e autobus.",
    "pt": "O conselho regional aprovou na terça-feira o orçamento do próximo ano, com mais verbas para escolas e autocarros.",
    "ar": "وافق المجلس الإقليمي يوم الثلاثاء على ميزانية العام المقبل مع زيادة الأموال المخصصة للمدارس والحافلات.",
    "uk": "Обласна рада у вівторок затвердила бюджет на наступний рік, передбачивши більше коштів на школи та автобуси.",
}


@pytest.fixture(scope="module")
def detector() -> LanguageDetector:
    return LanguageDetector()


@pytest.mark.parametrize("expected", sorted(SAMPLES))
def test_news_sentence_is_identified_as_its_language(detector: LanguageDetector, expected: str):
    language, confidence = detector.detect(SAMPLES[expected])
    assert language == expected
    assert 0.5 < confidence <= 1.0


def test_text_without_letters_is_undetermined(detector: LanguageDetector):
    assert detector.detect("2024 — 15:30 / 42%") == ("und", 0.0)
    assert detector.detect("") == ("und", 0.0)


def test_multiline_long_text_is_accepted(detector: LanguageDetector):
    body = "\n\n".join([SAMPLES["es"]] * 200)
    assert detector.detect(body)[0] == "es"


def test_body_decides_when_it_has_enough_text():
    guess = choose_language([("en", 0.9)], [("es", 0.95)], body_letters=400, hint=None)
    assert (guess.language, guess.basis) == ("es", "body")


def test_title_decides_when_the_body_is_too_short():
    guess = choose_language([("fr", 0.92)], [("en", 0.6)], body_letters=8, hint=None)
    assert (guess.language, guess.confidence, guess.basis) == ("fr", 0.92, "title")


def test_hint_breaks_a_near_tie():
    guess = choose_language([], [("pt", 0.50), ("gl", 0.42)], body_letters=200, hint="gl-ES")
    assert (guess.language, guess.basis) == ("gl", "hint")


def test_hint_does_not_override_a_confident_detection():
    guess = choose_language([], [("es", 0.97), ("pt", 0.01)], body_letters=200, hint="pt")
    assert guess.language == "es"


def test_hint_wins_when_detection_is_unsure():
    guess = choose_language([], [("en", 0.12), ("ca", 0.05)], body_letters=3, hint="ca")
    assert (guess.language, guess.basis) == ("ca", "hint")


def test_unsure_detection_without_hint_is_undetermined():
    guess = choose_language([], [("en", 0.12)], body_letters=3, hint=None)
    assert guess.language == "und"


def test_hint_is_used_when_there_is_nothing_to_detect():
    assert choose_language([], [], body_letters=0, hint="spa").language == "es"
    assert choose_language([], [], body_letters=0, hint=None).language == "und"


@pytest.mark.parametrize(
    ("code", "expected"),
    [("es", "es"), ("spa", "es"), ("ger", "de"), ("yue", "zh"), ("iw", "he"), ("ceb", "ceb"), ("", "und"), ("x-1", "und"),
     # every 639-2/3 code with a 639-1 one, not only those a table once listed (Afrikaans and Nynorsk feeds were missed)
     ("afr", "af"), ("nno", "nn"), ("isl", "is"), ("mlt", "mt"), ("cym", "cy"),
     # living 639-1 codes stay as fastText writes them
     ("tl", "tl"), ("sh", "sh")],
)
def test_codes_map_to_iso639_1_where_one_exists(code: str, expected: str):
    assert to_iso639_1(code) == expected


@pytest.mark.parametrize(("hint", "expected"), [("es-ES", "es"), ("pt_BR", "pt"), ("ENG", "en"), ("", None), (None, None), ("!!", None)])
def test_feed_hints_are_reduced_to_their_primary_language(hint, expected):
    assert normalize_hint(hint) == expected
