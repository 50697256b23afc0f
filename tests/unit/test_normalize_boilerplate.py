"""Trailing publisher boilerplate is removed and recorded; article sentences never are."""

from __future__ import annotations

from pathlib import Path

import pytest

from services.normalize.boilerplate import MAX_TRAILER_LINES, TRAILERS, Trailer, strip_boilerplate

FIXTURES = Path(__file__).parent / "fixtures" / "normalize"

ARTICLE = "The port reopened on Tuesday after a three-day closure.\n\nFerries to the islands resumed at noon."


def test_source_link_trailer_is_removed_and_recorded():
    body = ARTICLE + "\n\nSource link"
    text, changes = strip_boilerplate(body)
    assert text == ARTICLE
    assert len(changes) == 1
    change = changes[0]
    assert (change.kind, change.rule, change.field) == ("boilerplate", "trailer:source-link", "body")
    start, end = change.span
    assert body[start:end] == change.before
    assert change.before.strip() == "Source link"


def test_stacked_trailers_are_all_removed_in_order_from_the_end():
    body = ARTICLE + "\n\nFor the latest news, weather, sports, and streaming video, head to The Harbour Courier.\n\nSource link"
    text, changes = strip_boilerplate(body)
    assert text == ARTICLE
    assert [c.rule for c in changes] == ["trailer:source-link", "trailer:latest-news"]


@pytest.mark.parametrize("credit", ["EFE", "AP", "Reuters", "AFP", "(Reuters)", "— AFP", "(EFE)."])
def test_bare_agency_credit_at_the_end_is_removed(credit: str):
    text, changes = strip_boilerplate(f"{ARTICLE}\n\n{credit}")
    assert text == ARTICLE
    assert [c.rule for c in changes] == ["trailer:agency-credit"]


@pytest.mark.parametrize(
    ("line", "rule"),
    [
        ("Read more: Ferry timetables for the winter season", "trailer:read-more"),
        ("Click here to get our daily briefing", "trailer:click-here"),
        ("Subscribe to our newsletter for more stories like this", "trailer:subscribe"),
        ("(Reporting by Ana Torres; Editing by Mark Hale)", "trailer:reporting-credit"),
        ("© 2024 The Harbour Courier. All rights reserved.", "trailer:copyright"),
        ("Follow us on Telegram for live updates", "trailer:follow-us"),
    ],
)
def test_calls_to_action_and_credits_at_the_end_are_removed(line: str, rule: str):
    text, changes = strip_boilerplate(f"{ARTICLE}\n\n{line}")
    assert text == ARTICLE
    assert [c.rule for c in changes] == [rule]


@pytest.mark.parametrize(
    "sentence",
    [
        "Reuters reported that the port would reopen.",
        "Source link checks were added by the authority, he said.",
        "Subscribers to the ferry pass will get a refund.",
        "AP and AFP photographers were at the scene.",
        "Copyright law was not part of the talks, the minister said.",
    ],
)
def test_article_sentences_that_resemble_boilerplate_are_kept(sentence: str):
    body = f"{ARTICLE}\n\n{sentence}"
    assert strip_boilerplate(body) == (body, [])


def test_boilerplate_in_the_middle_of_the_article_is_kept():
    body = "The port reopened.\n\nSource link\n\nFerries resumed at noon."
    assert strip_boilerplate(body) == (body, [])


def test_first_line_repeating_the_title_is_removed():
    body = "Port reopens after storm\n\nThe port reopened on Tuesday."
    text, changes = strip_boilerplate(body, title="Port reopens after storm")
    assert text == "The port reopened on Tuesday."
    assert [c.rule for c in changes] == ["leading:repeated-title"]
    assert changes[0].span == (0, len("Port reopens after storm\n\n"))


def test_first_line_that_differs_from_the_title_is_kept():
    body = "Port reopens after the storm, officials say\n\nThe port reopened on Tuesday."
    assert strip_boilerplate(body, title="Port reopens after storm") == (body, [])


def test_english_fixture_loses_its_trailers_and_repeated_title():
    title, _, body = (FIXTURES / "english_wire.txt").read_text(encoding="utf-8").strip().partition("\n\n")
    text, changes = strip_boilerplate(body, title=title)
    assert not text.startswith(title)
    assert text.endswith("until the final inspection in December.")
    assert {c.rule for c in changes} == {"trailer:source-link", "trailer:latest-news", "leading:repeated-title"}


def test_a_new_trailer_pattern_is_one_entry_in_the_table():
    custom = (*TRAILERS, Trailer("trailer:podcast", r"listen to our podcast\b.*", "podcast promotion"))
    text, changes = strip_boilerplate(f"{ARTICLE}\n\nListen to our podcast on any app", trailers=custom)
    assert text == ARTICLE
    assert changes[0].rule == "trailer:podcast"


def test_only_a_bounded_trailing_block_is_removed():
    body = ARTICLE + "\n\nAP" * 10_000
    text, changes = strip_boilerplate(body)
    assert len(changes) == MAX_TRAILER_LINES
    assert text.startswith(ARTICLE) and len(text) == len(body) - MAX_TRAILER_LINES * len("\n\nAP")


@pytest.mark.parametrize("body, rules", [
    # A call to follow the paper below the credit hid the credit: both go.
    ("El Gobierno aprobó el plan el lunes.\n\nFuente: EFE\n\nSíguenos en Twitter y Facebook.",
     ["trailer:follow-us", "trailer:source-link"]),
    ("Правительство одобрило план в понедельник.\n\nЧитайте также: Путин встретился с Си\n\n(ТАСС)",
     ["trailer:agency-credit", "trailer:read-more"]),
    ("وافقت الحكومة على الخطة يوم الاثنين.\n\nاقرأ أيضا: الرئيس يلتقي بالوفد\n\n(رويترز)",
     ["trailer:agency-credit", "trailer:read-more"]),
    ("政府周一批准了该计划。\n\n新华社", ["trailer:agency-credit"]),
    ("Die Regierung billigte den Plan am Montag.\n\nLesen Sie auch: Merkel trifft Macron", ["trailer:read-more"]),
])
def test_trailers_in_the_languages_read_untranslated_are_removed(body: str, rules: list[str]):
    out, changes = strip_boilerplate(body)
    assert out == body.split("\n\n")[0] and [c.rule for c in changes] == rules


@pytest.mark.parametrize("credit", [
    "(Información de Nelson Acosta; editado en español por Javier López de Lérida)",
    "(Reportage Gwladys Fouche; version française Kate Entringer, édité par Blandine Hénault)",
    "(Bericht von Maria Martinez, redigiert von Myria Mildenberger)",
    "(Reportagem de Lisandra Paraguassu)",
    "(تغطية صحفية فلاديمير سولداتكين - إعداد محمد للنشرة العربية - تحرير سها جادو)",
    "(Редактор Дмитрий Антонов)",
    "（编辑：张伟）",
])
def test_reporter_credits_in_other_languages_are_removed(credit: str):
    body = "Las conversaciones duraron unas cuatro horas."
    out, changes = strip_boilerplate(f"{body}\n{credit}")
    assert out == body and [c.rule for c in changes] == ["trailer:reporting-credit"]


@pytest.mark.parametrize("line", [
    "(Información adicional en la página del ministerio.)",  # "información" without "de" is no credit
    "Redacción de la ley: el Congreso votará en enero.",  # not in parentheses
    "(Редактор газеты заявил, что статья верна.",  # an unclosed parenthesis opens a sentence
])
def test_sentences_that_only_look_like_reporter_credits_are_kept(line: str):
    body = f"Las conversaciones duraron unas cuatro horas.\n{line}"
    assert strip_boilerplate(body)[0] == body


@pytest.mark.parametrize("body", [
    "Читайте также статью нашего корреспондента о выборах, сказал редактор, и это было важно.\n\nВлада обещала ответ.",
    "Тасс сообщил, что переговоры продолжатся.",
])
def test_a_sentence_that_only_starts_like_a_trailer_is_kept_when_the_article_goes_on(body: str):
    assert strip_boilerplate(body)[0] == body
