"""Small mistakes a new user makes on the command line end in one line saying why and what to do, never a traceback:
a port no socket can have, a directory that cannot be written, a host name that does not exist."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from services.cli import main


@pytest.mark.parametrize(("command", "option"), [
    (["broker"], "--port"),
    (["run"], "--embedded-port"),
    (["run"], "--web-port"),
    (["worker", "tagger", "--broker", "127.0.0.1:9"], "--web-port"),
    (["demo"], "--newsroom-port"),
])
def test_a_port_past_65535_is_a_usage_error_in_one_line(command, option):
    result = CliRunner().invoke(main, [*command, option, "99999"])
    assert result.exit_code == 2, result.output
    assert result.stderr.splitlines()[-1] == f"Error: Invalid value for '{option}': 99999 is not in the range 0<=x<=65535."


@pytest.mark.parametrize(("variable", "value", "why"), [
    ("WIREWATCH_WEB_PORT", "99999", "Input should be less than or equal to 65535 (got '99999')"),
    ("WIREWATCH_NEWSROOM__PORT", "-1", "Input should be greater than or equal to 0 (got '-1')"),
])
def test_a_port_setting_no_socket_can_have_is_an_invalid_setting_in_one_line(monkeypatch, variable, value, why):
    monkeypatch.setenv(variable, value)
    result = CliRunner().invoke(main, ["worker", "newsroom", "--broker", "127.0.0.1:9"])
    assert result.exit_code == 1, result.output
    assert result.stderr.splitlines() == [f"Error: invalid setting {variable}: {why} (see `wirewatch settings --markdown`)"]


def test_schemas_written_where_no_directory_can_be_made_say_so_in_one_line(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    out = blocker / "schemas"
    result = CliRunner().invoke(main, ["schemas", "export", "--out", str(out)])
    assert result.exit_code == 1, result.output
    assert result.stderr.splitlines() == [f"Error: cannot write the schemas to {out}: {out}: not a directory "
                                          "(--out names another directory)"]


def test_a_broker_host_that_does_not_exist_is_said_so(unknown_host):
    result = CliRunner().invoke(main, ["broker", "--host", unknown_host, "--port", "0"])
    assert result.exit_code == 1, result.output
    assert result.stderr.splitlines() == [f"Error: cannot listen on {unknown_host}:0: no such host; --host and --port "
                                          "say where"]


@pytest.mark.parametrize("command", [["run"], ["worker", "tagger", "--broker", "127.0.0.1:9"]])
def test_a_log_level_that_does_not_exist_is_a_usage_error_naming_those_that_do(command):
    result = CliRunner().invoke(main, [*command, "--loglevel", "verbose"])
    assert result.exit_code == 2, result.output
    assert result.stderr.splitlines()[-1] == ("Error: Invalid value for '--loglevel': 'verbose' is not one of 'debug', "
                                              "'info', 'warning', 'error', 'critical'.")


@pytest.mark.parametrize(("option", "value", "why"), [
    ("--limit", "-1", "-1 is not in the range x>=0."),  # was taken for "print nothing", exit 0
    ("--timeout", "-2", "-2.0 is not in the range x>=0."),
])
def test_tail_takes_no_negative_limit_or_timeout(option, value, why):
    result = CliRunner().invoke(main, ["tail", "articles.raw", "--broker", "127.0.0.1:9", option, value])
    assert result.exit_code == 2, result.output
    assert result.stderr.splitlines()[-1] == f"Error: Invalid value for '{option}': {why}"


@pytest.mark.parametrize("relative", [True, False])
def test_a_missing_rules_file_of_the_setting_is_looked_for_where_it_says(tmp_path, monkeypatch, relative):
    """An absolute path was not looked for "relative to the current directory"; a relative one says which that was."""
    monkeypatch.chdir(tmp_path)
    missing = "rules.yaml" if relative else str(tmp_path / "rules.yaml")
    monkeypatch.setenv("WIREWATCH_ALERTER__RULES", missing)
    result = CliRunner().invoke(main, ["process", "--until", "alerts", "-"], input="Harbour\n\nThe harbour reopened.")
    assert result.exit_code == 2, result.output
    where = f", relative to the current directory {tmp_path}" if relative else ""
    assert result.stderr.splitlines() == [f"Error: no rules file at {missing} (WIREWATCH_ALERTER__RULES{where}): pass --rules "
                                          "FILE or set WIREWATCH_ALERTER__RULES"]


def test_rules_test_fed_the_tail_of_another_topic_says_which_it_reads(monkeypatch):
    """`wirewatch tail articles.raw | wirewatch rules test rules.yaml -` was "not a feed: JSON of another shape"."""
    monkeypatch.setenv("WIREWATCH_WEBHOOK_SECRET", "whsec_dGVzdHRlc3R0ZXN0dGVzdHRlc3R0ZXN0")
    line = '{"topic": "articles.raw", "partition": 0, "offset": 0, "key": "a", "value": {"id": "a"}}\n'
    result = CliRunner().invoke(main, ["rules", "test", "examples/rules.yaml", "-"], input=line)
    assert result.exit_code == 1, result.output
    assert result.stderr.splitlines()[0] == ("stdin: 0 articles: lines of `wirewatch tail articles.raw`; rules test reads "
                                             "those of articles.tagged, or any input `wirewatch process` reads")


@pytest.mark.parametrize(("command", "variable", "said"), [
    (["worker", "alerter", "--broker", "127.0.0.1:9", "--web-port", "0"], "WIREWATCH_ALERTER__RULES",
     "Error: {dir} is a directory, not a rules file (WIREWATCH_ALERTER__RULES): set WIREWATCH_ALERTER__RULES to your "
     "rules file (the checkout's examples/rules.yaml shows the language)"),
    (["worker", "ingest", "--broker", "127.0.0.1:9", "--web-port", "0"], "WIREWATCH_INGEST__FEEDS_FILE",
     "Error: {dir} is a directory, not a feeds file (WIREWATCH_INGEST__FEEDS_FILE)"),
    (["process", "--until", "alerts", "-"], "WIREWATCH_ALERTER__RULES",
     "Error: {dir} is a directory, not a rules file (WIREWATCH_ALERTER__RULES): pass --rules FILE or set "
     "WIREWATCH_ALERTER__RULES"),
])
def test_a_file_setting_naming_a_directory_says_so_not_that_there_is_no_file(tmp_path, monkeypatch, command, variable,
                                                                                said):
    monkeypatch.setenv(variable, str(tmp_path))
    monkeypatch.setenv("WIREWATCH_DATA_DIR", str(tmp_path / "data"))
    result = CliRunner().invoke(main, command, input="Harbour\n\nThe harbour reopened.")
    assert result.exit_code in (1, 2), result.output
    assert result.stderr.splitlines() == [said.format(dir=tmp_path)]


@pytest.mark.parametrize(("args", "said"), [
    (["process", "--rules", "rules.yaml", "-"],
     "Error: --rules goes with --until alerts (this runs the stages until tagged)"),
    (["worker", "tagger", "--broker", "127.0.0.1:9", "--broker-wait", "-5"],
     "Error: Invalid value for '--broker-wait': -5.0 is not in the range x>=0."),
    (["tail", "--broker", "127.0.0.1:9", ""],
     "Error: Invalid value for 'TOPIC': it is empty: a topic's name, such as articles.raw"),
])
def test_an_option_that_would_be_ignored_or_a_name_left_empty_is_a_usage_error(args, said):
    """Each went on as if all were well: the rules were never read, the wait was none, the broker asked for no topic."""
    result = CliRunner().invoke(main, args, input="")
    assert result.exit_code == 2, result.output
    assert result.stderr.splitlines()[-1] == said
