"""The spellings table folds one word's British and American spellings to one form, and no two English words: checked
against every lower-case word of the English lists the project ships (SCOWL, services/normalize/casing)."""

from __future__ import annotations

from collections import defaultdict
from functools import cache

import pytest

from services.normalize.casing import english_case
from services.tagger.linking import name_key
from services.tagger.near_duplicates import words
from services.tagger.spellings import DOUBLED_L, TABLES, fold, key_word, spellings_of
from tests.conftest import ROOT

REVIEWED = ROOT / "tests" / "fixtures" / "spellings" / "table_2_pairs.txt"


@cache
def english() -> list[str]:
    return sorted(english_case()._lower)


def meeting(form) -> set[tuple[str, str]]:
    """The pairs of distinct English words ``form`` writes alike."""
    groups = defaultdict(list)
    for word in english():
        groups[form(word)].append(word)
    return {(a, b) for group in groups.values() for i, a in enumerate(group) for b in group[i + 1:]}


def reviewed() -> dict[tuple[str, str], bool]:
    """The reviewed pairs -> whether they meet only through the doubled-letter rule."""
    lines = [line for line in REVIEWED.read_text().splitlines() if line and not line.startswith("#")]
    return {tuple(line.split("#")[0].split()): "doubled" in line for line in lines}


def test_table_2_makes_only_the_reviewed_words_meet_and_keeps_table_1_s() -> None:
    before, after = meeting(lambda w: fold(w, 1)), meeting(lambda w: fold(w, 2))
    assert before <= after  # no word table 1 folded is lost ("inbred" is no "-bre" spelling)
    assert sorted(after - before) == sorted(reviewed())


def test_keys_make_only_spellings_of_one_word_meet() -> None:
    # Every two words one key writes alike: a pair table 1 keyed alike, a reviewed pair of one word's spellings, or
    # (since key rule 9) a British doubled l and its American.
    spellings_of_one_word = {pair for pair, doubled in reviewed().items() if not doubled}
    table_1_pairs = meeting(lambda w: fold(w, 1))
    doubled = doubled_l() | {(b, a) for a, b in doubled_l()}
    strays = {pair for pair in meeting(key_word)
              if pair not in table_1_pairs and pair not in spellings_of_one_word and pair not in doubled}
    assert strays == set()


def doubled_l() -> set[tuple[str, str]]:
    """The (British, American) pairs of services/tagger/data/doubled_l.txt."""
    lines = DOUBLED_L.read_text(encoding="utf-8").splitlines()
    return {tuple(line.split()) for line in lines if line and not line.startswith("#")}


def test_a_word_a_user_types_has_the_spellings_its_key_writes_alike_and_its_british_doubled_l() -> None:
    # What an alert's keyword and the newsroom's search look for: each word of a pair the keys make meet finds the other,
    # as does each of a doubled l's pair (which keys make meet since key rule 9, but "traveller(s)"), and no word finds
    # one they do not.
    pairs = meeting(key_word)
    kept = {("traveller", "traveler"), ("travellers", "travelers")}
    assert {pair for pair in doubled_l() if pair not in pairs and pair[::-1] not in pairs} == kept
    assert len(doubled_l()) == 208
    pairs |= doubled_l()
    found = {(word, other) for word in english() for other in spellings_of([word])[0][1:]}
    assert found == pairs | {(b, a) for a, b in pairs} and len(pairs) > 1600


def test_a_doubled_l_pair_is_one_words_two_spellings_not_two_words() -> None:
    # Both words English, one an l less than the other (the American, but for "skillfully" and "skilfully"); no word
    # both dialects double ("controlled", "propelled"), nor one a single l makes another word ("filled", "filed").
    lexicon = set(english())
    for pair in doubled_l():
        one, two = sorted(pair, key=len)
        assert set(pair) <= lexicon
        assert any(two[:i] + two[i + 1:] == one for i in range(len(two) - 1) if two[i:i + 2] == "ll")
    assert {american for british, american in doubled_l() if len(american) > len(british)} == {"skillfully"}
    for word in ("controlled", "propelled", "compelled", "excelled", "rebelled", "patrolled", "installed", "called",
                 "filled", "filed", "tiller", "smaller", "polled", "willed", "spelling", "dispelling", "enthralled"):
        assert spellings_of([word]) == [(word,)], word


@pytest.mark.parametrize(("british", "american"), [
    ("travelled", "traveled"), ("travelling", "traveling"), ("traveller", "traveler"), ("cancelled", "canceled"),
    ("cancellation", "cancelation"), ("modelling", "modeling"), ("labelled", "labeled"), ("counselling", "counseling"),
    ("counsellor", "counselor"), ("fuelled", "fueled"), ("jeweller", "jeweler"), ("signalled", "signaled"),
    ("marvellous", "marvelous"), ("woollen", "woolen"), ("councillors", "councilors"), ("equalled", "equaled"),
])
def test_a_user_typing_either_spelling_of_a_british_doubled_l_finds_the_other(british: str, american: str) -> None:
    assert spellings_of([british]) == [(british, american)] and spellings_of([american]) == [(american, british)]
    # a key writes the American since key rule 9, but "traveller": "Conde Nast Traveller" is not "... Traveler"
    assert key_word(british) == (british if british == "traveller" else american)


@pytest.mark.parametrize(("british", "american"), [
    ("programme", "program"), ("programmes", "programs"), ("kilogramme", "kilogram"),
    ("fibre", "fiber"), ("sabres", "sabers"), ("calibre", "caliber"), ("sombre", "somber"), ("meagre", "meager"),
    ("ochre", "ocher"), ("manoeuvres", "maneuvers"), ("paediatrician", "pediatrician"), ("anaesthetist", "anesthetist"),
    ("haemorrhage", "hemorrhage"), ("leukaemia", "leukemia"), ("oestrogen", "estrogen"), ("foetus", "fetus"),
    ("diarrhoea", "diarrhea"), ("archaeology", "archeology"), ("aluminium", "aluminum"), ("sulphur", "sulfur"),
    ("sceptical", "skeptical"), ("judgement", "judgment"), ("ageing", "aging"), ("practised", "practiced"),
    ("jewellery", "jewelry"), ("ploughs", "plows"), ("artefacts", "artifacts"), ("despatched", "dispatched"),
])
def test_british_and_american_spellings_meet_in_copies_and_keys(british: str, american: str) -> None:
    assert fold(british) == fold(american)
    assert key_word(british) == key_word(american) == american


@pytest.mark.parametrize(("one", "other"), [
    ("timbre", "timber"), ("inbred", "inberd"), ("digress", "diggers"), ("tigress", "tigers"), ("shoe", "she"),
    ("poet", "pet"), ("aloe", "ale"), ("daemon", "demon"), ("hyperbolae", "hyperbole"), ("caesar", "cesar"),
])
def test_words_that_only_look_like_two_spellings_stay_apart(one: str, other: str) -> None:
    assert fold(one) != fold(other) and key_word(one) != key_word(other)


def test_a_copy_reads_programme_as_program_and_programmed_as_programed() -> None:
    # Before, "programme" was "programe" by the doubled letter and never met "program".
    assert words("The programme programmed by the programmer") == words("The program programed by the programer")
    assert fold("programme", 1) == "programe" != fold("program", 1)  # table 1: fingerprint method 2, kept as it was


@pytest.mark.parametrize(("one", "other"), [
    ("Earl Grey", "Earl Gray"),  # surnames: two families
    ("Bob Mould", "Bob Mold"),  # a surname and a Welsh town
    ("Programmed Learning", "Programed Learning"),  # keys fold no doubled letter ("dinner", "diner")
])
def test_names_keep_spellings_that_are_also_surnames_or_places_apart(one: str, other: str) -> None:
    assert name_key(one) != name_key(other)


def test_every_table_folds_its_words_to_a_fixed_point() -> None:
    # A key respelt again (newsroom rekey) is the key it was: folding a folded word changes nothing.
    assert all(key_word(key_word(w)) == key_word(w) for w in english())
    assert set(TABLES) == {1, 2}
