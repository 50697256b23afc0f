"""Short texts: fastText's lite model weighed with lingua's high-accuracy judge (real models, no stand-ins)."""

from __future__ import annotations

import pytest

from services.normalize.language import LanguageDetector, SecondOpinion, ShortTextJudge


@pytest.fixture(scope="module")
def judge() -> ShortTextJudge:
    judge = ShortTextJudge()
    judge.warm_up()
    return judge


def test_a_short_sentence_in_a_language_the_lite_model_lacks_is_named(judge: ShortTextJudge):
    sentence = "Umongameli uthe uhulumeni uzokwakha izikole ezintsha kulo nyaka."  # Zulu
    assert LanguageDetector(second_opinion=SecondOpinion()).detect(sentence)[0] != "zu"
    assert LanguageDetector(second_opinion=SecondOpinion(), short_judge=judge).detect(sentence)[0] == "zu"


def test_a_language_lingua_does_not_know_keeps_fasttexts_majority(judge: ShortTextJudge):
    sentence = "O goberno galego aprobou onte o orzamento para o ano que vén."  # Galician: lingua has no model
    assert LanguageDetector(short_judge=judge).detect(sentence)[0] == "gl"


def test_scores_stay_a_distribution(judge: ShortTextJudge):
    found = LanguageDetector(short_judge=judge).candidates("Der Bundestag hat am Dienstag das Gesetz beschlossen.")
    assert found[0][0] == "de"
    assert abs(sum(score for _, score in found) - 1.0) < 1e-6
    assert [score for _, score in found] == sorted((score for _, score in found), reverse=True)


def test_a_long_confident_text_is_not_sent_to_the_judge():
    class Refusing(ShortTextJudge):
        def rescore(self, text, candidates):  # noqa: ARG002
            raise AssertionError("the judge was asked about a long, confident text")

    body = " ".join(["Der Bundestag hat am Dienstag nach langer Debatte das neue Gesetz über die Finanzierung der Schulen beschlossen."] * 4)
    assert LanguageDetector(short_judge=Refusing()).detect(body)[0] == "de"
