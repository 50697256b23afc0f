"""Stray capitals from Apertium's chunk names: dropped mid-sentence, kept (as one capital) on a sentence's first word.

The streams are interchunk's output of Debian's swe-isl and spa-eng pairs, as captured on real sentences."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from services.normalize import chunk_case
from services.normalize.chunk_case import drop_stray_chunk_capitals

# swe-isl, "Polisen har gripit en misstänkt för dödsskjutningen av Wayde Sims.": postchunk would write "HEFUR Gripið".
SWEDISH = ("^nom<SN><f><sg><nom><def>{^Lögregla<n><2><3><4><5>$}$ ^VFIN<IS><FIN><pri>{^hafa<vbhaver><pri><p3><sg>$}$ "
           "^Verb_supn<V_SUPN><actv><supn>{^grípa<vblex><actv><supn>$}$ ^default<default>{^fyrir<pr>$}$ "
           "^unknown<unknown>{^*Wayde$}$ ^unknown<unknown>{^*Sims$}$^default<default>{^.<sent>$}$")


def test_a_capital_in_a_chunk_name_mid_sentence_is_dropped_and_the_words_own_capitals_stay():
    out = drop_stray_chunk_capitals(SWEDISH)
    assert "^vfin<IS><FIN><pri>{^hafa<" in out and "^verb_supn<V_SUPN>" in out
    assert "{^Lögregla<n>" in out and "{^*Wayde$}" in out and "{^*Sims$}" in out  # in the lemmas: untouched


def test_the_first_word_of_each_sentence_keeps_its_chunks_capital_as_one_capital():
    # spa-eng, "Ha dicho. Ayer ha dicho.": the first chunk of each sentence opens it.
    stream = ("^VFIN<SV>{^have<vbhaver><pri><p3><sg>$ ^say<vblex><pp>$}$^punt<sent>{^.<sent>$}$ ^Adv<adv>{^yesterday<adv>$}$ "
              "^Haver_pp<SV>{^have<vbhaver><pri><p3><sg>$ ^say<vblex><pp>$}$^punt<sent>{^.<sent>$}$")
    out = drop_stray_chunk_capitals(stream)
    assert out.startswith("^Vfin<SV>") and "^Adv<adv>{^yesterday" in out and "^haver_pp<SV>" in out


def test_punctuation_and_line_breaks_do_not_take_a_sentences_first_word():
    stream = "^default<default>{^“<lquot>$}$^Nom<SN>{^police<n>$}$[\n]^Vfin<SV>{^have<vbhaver>$}$ ^Nom<SN>{^man<n>$}$"
    out = drop_stray_chunk_capitals(stream)
    assert "^Nom<SN>{^police" in out and "^Vfin<SV>{^have" in out and "^nom<SN>{^man" in out


def test_escapes_and_superblanks_are_copied_as_they_are():
    stream = "[\\^Kept<x>{name}] ^Nom<SN>{^a\\$b<n>$}$ \\^Not<a>{chunk}"
    assert drop_stray_chunk_capitals(stream) == "[\\^Kept<x>{name}] ^Nom<SN>{^a\\$b<n>$}$ \\^Not<a>{chunk}"


def test_as_a_pipeline_filter_each_nul_terminated_record_comes_back_on_its_own():
    second = "^Vfin<SV>{^have<vbhaver>$}$ ^Vfin<SV>{^say<vblex>$}$"
    run = subprocess.run([sys.executable, "-I", str(Path(chunk_case.__file__))], input=(SWEDISH + "\0" + second + "\0").encode(),
                         capture_output=True, check=True)
    first, again, rest = run.stdout.decode().split("\0")
    assert first == drop_stray_chunk_capitals(SWEDISH) and again == "^Vfin<SV>{^have<vbhaver>$}$ ^vfin<SV>{^say<vblex>$}$" and rest == ""
