"""Unicode and whitespace cleanup: every edit made is recorded, clean text is left alone."""

from __future__ import annotations

from pathlib import Path

import pytest

from services.normalize.cleanup import clean_body, clean_title

FIXTURES = Path(__file__).parent / "fixtures" / "normalize"

CLEAN_ENGLISH = (
    "The city of Marlow Bay switched on a 2.4-kilometre flood barrier on Monday, Mayor Helen Okafor said.\n\n"
    "“It will not stop every wave, but it will stop the worst of them,” she told reporters – and the crowd cheered.\n\n"
    "The barrier cost 310 million euros (about $335 million)."
)


def _rules(changes) -> list[str]:
    return [c.rule for c in changes]


def test_clean_english_passes_unchanged():
    text, changes = clean_body(CLEAN_ENGLISH)
    assert text == CLEAN_ENGLISH
    assert changes == []


def test_clean_english_fixture_passes_unchanged():
    body = (FIXTURES / "english_wire.txt").read_text(encoding="utf-8").strip()
    text, changes = clean_body(body)
    assert text == body
    assert changes == []


def test_clean_title_passes_unchanged():
    title = "Rail strike ends after overnight talks, union says"
    assert clean_title(title) == (title, [])


def test_non_breaking_spaces_become_spaces_with_spans():
    text, changes = clean_body("Prices rose 5\u00a0percent in\u202fMarch.")
    assert text == "Prices rose 5 percent in March."
    assert _rules(changes) == ["whitespace:non-breaking-space", "whitespace:non-breaking-space"]
    assert [c.span for c in changes] == [(13, 14), (24, 25)]
    assert all(c.before in ("\u00a0", "\u202f") and c.after == " " for c in changes)


def test_zero_width_and_control_characters_are_removed():
    source = "Mar\u200blow Bay\x07 council\ufeff met."
    text, changes = clean_body(source)
    assert text == "Marlow Bay council met."
    kinds = {(c.kind, c.rule) for c in changes}
    assert kinds == {("unicode", "unicode:zero-width"), ("unicode", "unicode:control-chars")}
    for change in changes:
        # Each span points at the removed character in the text as it was before its rule ran.
        assert change.after == ""
        assert len(change.before) == 1


def test_zero_width_joiner_is_kept_because_scripts_need_it():
    persian = "می\u200cخواهم"
    assert clean_body(persian) == (persian, [])


def test_decomposed_accents_are_composed_to_nfc():
    text, changes = clean_body("La alcaldi\u0301a de Caf\u00e9 Bay.")
    assert text == "La alcaldía de Café Bay."
    assert _rules(changes) == ["unicode:nfc"]
    assert changes[0].span == (9, 11)
    assert changes[0].before == "i\u0301" and changes[0].after == "í"


def test_runs_of_spaces_collapse_and_lines_are_trimmed():
    text, changes = clean_body("  The  port   reopened.  \n\n  Ferries resumed.")
    assert text == "The port reopened.\n\nFerries resumed."
    assert "whitespace:collapse-spaces" in _rules(changes)
    assert "whitespace:trim-lines" in _rules(changes)


def test_at_most_one_blank_line_between_paragraphs():
    text, changes = clean_body("First paragraph.\n\n\n\n\nSecond paragraph.\n\n\n")
    assert text == "First paragraph.\n\nSecond paragraph."
    assert _rules(changes) == ["whitespace:trim", "whitespace:blank-lines"]
    assert changes[1].span == (16, 21)


def test_windows_line_endings_become_newlines():
    text, changes = clean_body("One.\r\n\r\nTwo.\rThree.")
    assert text == "One.\n\nTwo.\nThree."
    assert set(_rules(changes)) == {"whitespace:line-endings"}
    assert len(changes) == 3


def test_title_is_put_on_one_line():
    text, changes = clean_title(" Strike ends\n after   talks ")
    assert text == "Strike ends after talks"
    assert all(c.field == "title" for c in changes)


def test_many_edits_by_one_rule_are_summarised_in_one_change():
    source = "word\u00a0" * 500
    text, changes = clean_body(source, max_changes=20)
    nbsp = [c for c in changes if c.rule == "whitespace:non-breaking-space"]
    assert len(nbsp) == 1
    assert nbsp[0].span is None
    assert "500 occurrences" in nbsp[0].reason
    assert "\u00a0" not in text


@pytest.mark.parametrize("count", [1, 5, 20])
def test_few_edits_keep_one_change_each(count: int):
    _, changes = clean_body("word\u00a0" * count + "end", max_changes=20)
    assert len([c for c in changes if c.rule == "whitespace:non-breaking-space"]) == count


def test_change_spans_index_the_text_before_the_rule():
    source = "Alpha\u00a0beta\u00a0gamma"
    _, changes = clean_body(source)
    for change in changes:
        start, end = change.span
        assert source[start:end] == change.before


def test_utf8_read_as_windows_1252_is_decoded_again_with_spans():
    # What a publisher's feed looks like when its UTF-8 went through a Windows-1252 (or Latin-1) decoder.
    text, changes = clean_body("The minister\u00e2\u0080\u0099s aide met Fran\u00c3\u00a7ois in Z\u00c3\u00bcrich \u00e2\u20ac\u0153today\u00e2\u20ac\u009d.")
    assert text == "The minister\u2019s aide met Fran\u00e7ois in Z\u00fcrich \u201ctoday\u201d."
    mojibake = [c for c in changes if c.rule == "unicode:mojibake"]
    assert [(c.before, c.after) for c in mojibake] == [
        ("\u00e2\u0080\u0099", "\u2019"), ("\u00c3\u00a7", "\u00e7"), ("\u00c3\u00bc", "\u00fc"),
        ("\u00e2\u20ac\u0153", "\u201c"), ("\u00e2\u20ac\u009d", "\u201d"),
    ]
    assert mojibake[0].span == (12, 15)


def test_text_in_latin_scripts_that_only_looks_like_mojibake_is_left_alone():
    # Accented letters next to punctuation, in languages that write them: nothing here is a misread UTF-8 sequence.
    for clean in ("\u00ab C\u2019est d\u00e9j\u00e0 l\u00e0 \u00bb, dit-il.", "\u00c9l \u00e9s \u00c0ngel, na\u00efve, \u00c5ngstr\u00f6m, S\u00e3o Paulo.",
                  "Tr\u00e8s bien\u00a0\u00bb", "\u00c2me \u00e0 \u00e2me"):
        text, changes = clean_title(clean)
        assert [c.rule for c in changes if c.rule == "unicode:mojibake"] == []
