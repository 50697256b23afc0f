"""The English word classes the repairs read from spaCy's lemmatizer tables."""

from __future__ import annotations

import pytest

from services.normalize.lexicon import word_classes


@pytest.mark.parametrize("word", ["went", "grew", "took", "grows", "concedes"])
def test_a_form_that_can_only_be_a_finite_verb_is_told(word: str):
    assert word_classes().only_finite_verb(word)


@pytest.mark.parametrize("word", ["talks", "plans", "goes", "made", "said", "gone", "rose", "crisis", "armed"])
def test_a_form_that_may_be_a_noun_adjective_or_participle_is_not(word: str):
    # "the Ukraine talks", "a go", "the China made goods", "a rose"
    assert not word_classes().only_finite_verb(word)


def test_regular_ed_forms_are_past_or_participle():
    classes = word_classes()
    assert classes.past_or_participle("presented") and classes.past_or_participle("declared") and classes.past_or_participle("planned")
    assert not classes.past_or_participle("red") and not classes.past_or_participle("grew")
