"""bench/bench_setting_cost.py: a feature it can turn off is a step Normalizer still has, and the off side finds nothing."""

import asyncio
import inspect
import subprocess
import sys

from bench import bench_setting_cost
from services.normalize.core import Normalizer
from tests.conftest import ROOT


def test_every_feature_names_an_async_step_of_the_normalizer():
    # A renamed step would leave the bench timing nothing and comparing the feature with itself.
    for feature, method in bench_setting_cost.FEATURES.items():
        assert inspect.iscoroutinefunction(getattr(Normalizer, method, None)), f"{feature}: Normalizer.{method} is gone"


def test_the_timed_step_returns_what_the_step_returns_and_counts_each_call():
    async def step(words: set[str]) -> set[str]:
        return {w for w in words if w.istitle()}

    times = bench_setting_cost.StepTimes()
    timed = bench_setting_cost._timed(step, times)
    assert asyncio.run(timed({"Las", "vegas"})) == {"Las"}
    assert asyncio.run(bench_setting_cost._nothing({"Las"})) == set()
    assert len(times.ms) == 1 and times.ms[0] >= 0


def test_a_setting_and_a_feature_are_one_or_the_other():
    both = subprocess.run([sys.executable, str(ROOT / "bench" / "bench_setting_cost.py"), "--ntrex", "absent.jsonl",
                           "--setting", "keep_name_runs", "--feature", "pivot_name_check"], capture_output=True, text=True)
    assert both.returncode == 2 and "not allowed with argument" in both.stderr
    unknown = subprocess.run([sys.executable, str(ROOT / "bench" / "bench_setting_cost.py"), "--ntrex", "absent.jsonl",
                              "--feature", "nothing_such"], capture_output=True, text=True)
    assert unknown.returncode == 2 and "invalid choice: 'nothing_such'" in unknown.stderr
