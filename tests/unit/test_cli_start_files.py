"""A worker reads the files it starts from before anything else (the alerter's rules file, ingest's feeds file): a
missing or broken one is one line saying which file and what to do, exit 1, before a web port is bound or a broker is started or asked anything (it was
a traceback from the worker's start, after an embedded broker had been started for nothing; a broken feeds file was
an error in the log of a worker that went on polling nothing). The real command as a
subprocess, in a directory that is not the checkout."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import ROOT, service_env


def wirewatch(args: list[str], cwd, **settings: str) -> subprocess.CompletedProcess:
    env = {**service_env(), "PYTHONPATH": str(ROOT), "WIREWATCH_DATA_DIR": str(cwd / "data"), **settings}
    return subprocess.run([sys.executable, "-m", "services.cli", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=120)


@pytest.mark.parametrize("command", [["run", "--web-port", "0", "--embedded-port", "0"],
                                     ["worker", "alerter", "--broker", "127.0.0.1:9", "--web-port", "0"]])
def test_a_missing_rules_file_is_one_line_naming_it_and_the_setting(tmp_path, command):
    done = wirewatch(command, tmp_path)
    assert done.returncode == 1, done.stderr
    assert done.stderr.splitlines() == [
        f"Error: no rules file at examples/rules.yaml (WIREWATCH_ALERTER__RULES, relative to the current directory "
        f"{tmp_path}): set WIREWATCH_ALERTER__RULES to your rules file (the checkout's examples/rules.yaml shows the "
        "language)"], done.stderr  # no broker started, no web server, no traceback
    assert not (tmp_path / "data" / "broker.log").exists()


def alerter_on(text: str, tmp_path) -> tuple[subprocess.CompletedProcess, object]:
    """The alerter worker started on a rules file holding ``text``, and that file."""
    rules = tmp_path / "rules.yaml"
    rules.write_text(text, encoding="utf-8")
    done = wirewatch(["worker", "alerter", "--broker", "127.0.0.1:9", "--web-port", "0"], tmp_path,
                     WIREWATCH_ALERTER__RULES=str(rules))
    return done, rules


def test_a_broken_rules_file_is_one_line_naming_its_line_and_the_check_command(tmp_path):
    done, rules = alerter_on("rules:\n  - id: quakes\n    when: [\n", tmp_path)
    assert done.returncode == 1, done.stderr
    [line] = done.stderr.splitlines()
    assert line.startswith(f"Error: {rules}:4:1: not valid YAML"), line
    assert line.endswith(f"(WIREWATCH_ALERTER__RULES; `wirewatch rules check {rules}` checks a file)"), line


def test_a_rules_file_with_several_broken_rules_is_refused_with_each_of_them_and_a_count(tmp_path):
    done, rules = alerter_on("rules:\n  - {id: a, when: {entitty: Q212}}\n  - {id: b, when: {language: english}}\n", tmp_path)
    assert done.returncode == 1, done.stderr
    first, second, count = done.stderr.splitlines()
    assert first.startswith(f"Error: {rules}:2: rule 'a': unknown condition key 'entitty'"), first
    assert second.startswith(f"{rules}:3: rule 'b': language 'english'"), second
    assert count == f"{rules}: 2 errors in 2 rules (WIREWATCH_ALERTER__RULES; `wirewatch rules check {rules}` checks a file)"


@pytest.mark.parametrize("command", [["run", "--web-port", "0", "--embedded-port", "0"],
                                     ["worker", "ingest", "--broker", "127.0.0.1:9", "--web-port", "0"]])
def test_a_broken_or_missing_feeds_file_is_one_line_naming_it(tmp_path, command):
    feeds = tmp_path / "feeds.yaml"
    feeds.write_text("feeds:\n  - id: wire\n    url: [\n", encoding="utf-8")
    rules = ROOT / "examples" / "rules.yaml"
    done = wirewatch(command, tmp_path, WIREWATCH_INGEST__FEEDS_FILE=str(feeds), WIREWATCH_ALERTER__RULES=str(rules))
    assert done.returncode == 1, done.stderr
    [line] = done.stderr.splitlines()
    assert line.startswith(f"Error: {feeds}:4"), line
    assert line.endswith(f"(WIREWATCH_INGEST__FEEDS_FILE; `wirewatch feeds check {feeds}` checks a file)"), line
    assert not (tmp_path / "data" / "broker.log").exists()

    done = wirewatch(command, tmp_path, WIREWATCH_INGEST__FEEDS_FILE="feeds-missing.yaml", WIREWATCH_ALERTER__RULES=str(rules))
    assert done.returncode == 1, done.stderr
    assert done.stderr.splitlines() == [f"Error: no feeds file at feeds-missing.yaml (WIREWATCH_INGEST__FEEDS_FILE, "
                                        f"relative to the current directory {tmp_path})"], done.stderr


def test_a_worker_without_the_alerter_needs_no_rules_file(tmp_path):
    # The ingest worker gets past the rules check to the broker (none at port 9: its own one-line error).
    done = wirewatch(["worker", "ingest", "--broker", "127.0.0.1:9", "--web-port", "0", "--broker-wait", "0"], tmp_path)
    assert "rules" not in done.stderr, done.stderr
    assert "web server on" in done.stderr, done.stderr
