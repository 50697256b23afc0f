"""lingua's short-text judge in its own process: the worker's loop runs while it loads, its verdicts are the in-process judge's,
and a judge that dies leaves fastText's verdict and is replaced."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys

import pytest

from services.normalize.judge_process import IsolatedShortTextJudge
from services.normalize.language import ShortTextJudge

SENTENCES = [
    ("Er war dabei, als die Polizei kam", [("de", 0.6), ("nl", 0.3)]),
    ("Это короткий заголовок новости", [("ru", 0.7), ("uk", 0.2)]),
    ("O presidente falou ontem", [("pt", 0.5), ("es", 0.4), ("gl", 0.05)]),
]


@pytest.fixture()
def judge():
    isolated = IsolatedShortTextJudge()
    yield isolated
    isolated.close()


async def test_the_loop_runs_while_the_judge_loads_and_its_verdicts_are_the_in_process_ones(judge: IsolatedShortTextJudge) -> None:
    ticks = 0

    async def tick() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.05)
            ticks += 1

    ticker = asyncio.create_task(tick())
    text, candidates = SENTENCES[0]
    first = await asyncio.to_thread(judge.rescore, text, candidates)
    ticker.cancel()
    assert judge.ready
    assert ticks >= 5, "the event loop stood still while the judge loaded"
    inline = ShortTextJudge()
    assert first[0][0] == "de"
    for text, candidates in SENTENCES:
        ours, theirs = judge.rescore(text, candidates), inline.rescore(text, candidates)
        assert [code for code, _ in ours[:3]] == [code for code, _ in theirs[:3]]
        assert ours[0][1] == pytest.approx(theirs[0][1], abs=1e-9)


def test_a_judge_that_died_leaves_fasttexts_verdict_and_is_replaced(judge: IsolatedShortTextJudge) -> None:
    text, candidates = SENTENCES[1]
    assert judge.rescore(text, candidates)[0][0] == "ru"
    process = judge._process
    assert process is not None
    process.kill()
    process.wait()
    assert judge.rescore(text, candidates) == candidates  # the text goes on with fastText's scores
    assert judge.rescore(text, candidates)[0][0] == "ru"  # a new process answers the next one
    assert judge._process is not process


def test_the_judge_process_answers_a_blank_line_or_a_stray_one_with_no_verdict_and_runs_on() -> None:
    child = subprocess.Popen([sys.executable, "-m", "services.normalize.judge_process"], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8", bufsize=1)
    try:
        assert child.stdout is not None and child.stdin is not None
        assert child.stdout.readline().strip() == "ready"
        text, candidates = SENTENCES[0]
        for line in ("\n", "   \t\n", "hello\n", '{"text": "no candidates"}\n',
                     json.dumps({"text": text, "candidates": candidates}) + "\n"):
            child.stdin.write(line)
            child.stdin.flush()
        assert [json.loads(child.stdout.readline()) for _ in range(4)] == [[], [], [], []]
        assert json.loads(child.stdout.readline())[0][0] == "de", "the question after the blank lines is answered"
        child.stdin.close()
        assert child.wait(timeout=60) == 0
        assert child.stderr is not None
        said = child.stderr.read()
        assert "Traceback" not in said and said.count("language judge: not a question") == 2, said
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()

