"""The clean-ups for text translated through a pivot language."""

from __future__ import annotations

from services.normalize.pivot import clean_pivot_output


def test_marks_the_source_writes_itself_are_kept():
    text, changes = clean_pivot_output("Follow #elections and @afp.", "body")
    assert (text, changes) == ("Follow #elections and @afp.", [])


def test_guillemets_become_english_quotation_marks():
    text, [change] = clean_pivot_output("He said « spend for puppets » yesterday.", "title")
    assert text == "He said “spend for puppets” yesterday."
    assert (change.rule, change.field, change.span) == ("pivot:guillemets", "title", (8, 29))


def test_a_pair_whose_statistical_tagger_crashes_runs_on_its_constraint_grammar_alone():
    from services.normalize.apertium_pipeline import _without_statistical_tagger

    mode = ("lt-proc -z -w 'a/ukr-rus.automorf.bin' | apertium-wblank-attach | cg-proc -z -w 'a/ukr-rus.rlx.bin' | "
            "apertium-tagger -z -g $2 'a/ukr-rus.prob' | apertium-pretransfer -z | lt-proc -z $1 'a/ukr-rus.autogen.bin'")
    assert _without_statistical_tagger(mode) == (
        "lt-proc -z -w 'a/ukr-rus.automorf.bin' | apertium-wblank-attach | cg-proc -1 -n -z -w 'a/ukr-rus.rlx.bin' | "
        "apertium-pretransfer -z | lt-proc -z $1 'a/ukr-rus.autogen.bin'")
    assert _without_statistical_tagger("lt-proc -z -w 'x' | apertium-pretransfer -z") == "lt-proc -z -w 'x' | apertium-pretransfer -z"
