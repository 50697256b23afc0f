"""`wirewatch demo --no-serve`: the whole job, ending with the newsroom showing the seed story in both languages."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.e2e


def test_demo_ends_with_the_newsroom_url_and_the_seed_story_in_two_languages(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("WIREWATCH_")}
    env["WIREWATCH_TAGGER__SPACY_MODEL"] = "en_core_web_sm"
    done = subprocess.run([sys.executable, "-m", "services.cli", "demo", "--no-serve", "--newsroom-port", "0",
                           "--examples", str(ROOT / "examples"), "--timeout", "400"],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    tail = done.stdout.split("\nnewsroom: ", 1)[1]
    assert tail.startswith("http://127.0.0.1:")
    assert "3 reports in en, es" in tail
    assert "NATO" in tail and "Jens Stoltenberg" in tail
    assert "stays up until Ctrl-C" not in done.stdout, "--no-serve exits at once"
