"""Where sentences start and end: the one reading the normalizer's repairs and the tagger's name evidence share."""

from __future__ import annotations

import pytest

from services.runtime.sentences import mid_sentence, sentence_bounds


def at(text: str, word: str) -> bool:
    """mid_sentence for the first ``word`` marked as ``[word]`` in ``text``."""
    start = text.index(f"[{word}]")
    return mid_sentence(text.replace(f"[{word}]", word, 1), start)


@pytest.mark.parametrize("text, word", [
    ("Officials at the [Fed] said", "Fed"),
    ("Lee, who worked for [Apple], left", "Apple"),
    ('"We will win," [Trump] said.', "Trump"),  # a closing quotation mark is looked through
    ("“We will win,” [Trump] said.", "Trump"),
    ("He met Mr. [Lee] on Monday.", "Lee"),
    ("said Lt. Col. [Peter] Lerner", "Peter"),
    ("Liverpool vs. [Chelsea] ended", "Chelsea"),
    ("U.S. [Senator] Lindsey Graham", "Senator"),
    ("at the U.N. [General] Assembly", "General"),
    ("President George W. [Bush] said", "Bush"),
    ("la respuesta de los EE. [UU.] a los", "UU."),
    ("just a U.S.-[Russian] conflict", "Russian"),
    ("contracts with Marks & [Spencer] and ITV", "Spencer"),
    ("the rebels ( [Morocco] ) said", "Morocco"),  # CoNLL's spaced tokens
    ("siglo\u00a0[XX] en", "XX"),  # a no-break space is a space
])
def test_a_capital_inside_a_sentence_marks_a_name(text, word):
    assert at(text, word)


@pytest.mark.parametrize("text, word", [
    ("[Fed] up with delays", "Fed"),
    ("Commuters waited.\n[Apple] trees bloom", "Apple"),
    ("It rained. [Turkey] is cheap", "Turkey"),
    ("KHARKIV, Ukraine — [Fed] up with photographs", "Fed"),  # a dateline's dash
    ("MOSCOW (Reuters) - [Russia] said", "Russia"),
    ("He said: [Chad] is far", "Chad"),
    ('She said "[We] will win"', "We"),  # a quotation opens
    ("He said, “[We] will win”", "We"),
    ('"We won." [Trump] said', "Trump"),  # the sentence ended inside the quotation
    ("“We won.” [Less] than an hour later", "Less"),
    ("¿[Por] qué ha renunciado?", "Por"),
    ("the People's Council ... [The] date", "The"),
    ("latest news • [Foreign] ministers agree", "Foreign"),
])
def test_a_capital_where_a_sentence_or_quotation_opens_says_nothing(text, word):
    assert not at(text, word)


def test_a_sentence_runs_from_the_stop_before_to_the_stop_after():
    text = "It rained. He met Mr. Lee in the U.S. on Monday. Then he left."
    start = text.index("Lee")
    begin, end = sentence_bounds(text, start, start + 3, 400)
    assert text[begin:end].strip() == "He met Mr. Lee in the U.S. on Monday"


def test_a_sentence_ends_after_the_quotation_its_stop_closes_and_at_a_line_break():
    text = 'He said: "We won." Zelensky agreed\nNext line.'
    start = text.index("Zelensky")
    begin, end = sentence_bounds(text, start, start + 8, 400)
    assert text[begin:end].strip() == "Zelensky agreed"


def test_a_sentence_is_cut_at_the_window_on_each_side():
    text = "a" * 50 + " Kyiv " + "b" * 50
    start = text.index("Kyiv")
    assert sentence_bounds(text, start, start + 4, 10) == (start - 10, start + 14)
