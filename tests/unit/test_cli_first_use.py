"""What a new user sees trying the commands README.md walks through: no escape codes in a log, no silent check."""

from __future__ import annotations

import io
import logging

from click.testing import CliRunner

from services.cli import main


def test_a_worker_whose_output_is_no_terminal_writes_no_cursor_escape_codes() -> None:
    """`wirewatch run --loglevel warning > run.log` began its stdout with ESC[?25l and ended it with ESC[?25h: Faust's
    progress spinner hides the cursor whatever stdout is, in a log file, a pipe or a container's log."""
    import faust

    from services.cli import _faust_worker

    out = io.StringIO()
    worker = _faust_worker(faust.App("first-use-probe"), "warning", stdout=out)
    logger = logging.getLogger("first-use-probe")
    logger.addHandler(logging.NullHandler())
    worker.on_setup_root_logger(logger, logging.WARNING)  # as the worker sets its logging up at start
    logger.warning("a warning, as the alerter logs of a secret written in the rules file")
    worker._on_startup_end_spinner()  # as the worker does once started
    assert "\x1b" not in out.getvalue()


def test_schemas_export_check_says_the_files_are_up_to_date(tmp_path) -> None:
    """`schemas export --check` printed nothing when the files matched: a user could not tell a check from a no-op."""
    runner = CliRunner()
    runner.invoke(main, ["schemas", "export", "--out", str(tmp_path)])
    result = runner.invoke(main, ["schemas", "export", "--check", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip().splitlines() == [f"{tmp_path}: every schema up to date"]


def test_schemas_export_check_tells_a_missing_file_from_a_stale_one_and_how_to_mend_them(tmp_path) -> None:
    """Run from another directory, every file was "stale" (they were missing), and nothing said what to do."""
    runner = CliRunner()
    runner.invoke(main, ["schemas", "export", "--out", str(tmp_path)])
    (tmp_path / "Alert.json").write_text("{}\n")
    (tmp_path / "DeadLetter.json").unlink()
    result = runner.invoke(main, ["schemas", "export", "--check", "--out", str(tmp_path)])
    assert result.exit_code == 1, result.output
    assert result.stdout.splitlines() == [f"stale {tmp_path / 'Alert.json'}", f"missing {tmp_path / 'DeadLetter.json'}"]
    assert result.stderr.strip().splitlines() == [
        f"Error: 2 schema files differ from the message models: `wirewatch schemas export --out {tmp_path}` writes them"]


def test_the_web_port_option_says_its_default_in_run_and_in_worker() -> None:
    """`worker --help` listed --web-port with no word, `run --help` without its default (README: WIREWATCH_WEB_PORT)."""
    for command in ("run", "worker"):
        result = CliRunner().invoke(main, [command, "--help"], terminal_width=200)
        assert result.exit_code == 0, result.output
        (line,) = [line for line in result.stdout.splitlines() if "--web-port" in line]
        assert "default: WIREWATCH_WEB_PORT, else 6066" in line, result.stdout


def test_the_rules_options_say_the_file_read_when_no_setting_names_one() -> None:
    for command in (["alerts", "replay"], ["process"]):
        result = CliRunner().invoke(main, [*command, "--help"], terminal_width=200)
        (line,) = [line for line in result.stdout.splitlines() if "--rules" in line]
        assert "WIREWATCH_ALERTER__RULES, else examples/rules.yaml" in line, result.stdout
