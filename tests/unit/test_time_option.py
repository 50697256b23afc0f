"""The commands' time option (`alerts replay --since`, `dead-letters --since`): ISO 8601 to the day, minute, second or
a fraction of one, in UTC unless it says its offset; anything else is one line naming the forms, exit status 2."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from click.testing import CliRunner

from services.cli import main
from services.runtime.options import UTC_TIME, shown_time


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=timezone.utc)


@pytest.mark.parametrize(("given", "meant"), [
    ("2024-03-04", utc(2024, 3, 4)),
    ("2024-03-04T07:00", utc(2024, 3, 4, 7, 0)),
    ("2024-03-04T07:00:05", utc(2024, 3, 4, 7, 0, 5)),
    ("2024-03-04T07:00:05.25", utc(2024, 3, 4, 7, 0, 5, 250000)),
    ("2024-03-04T07:00:05.5", utc(2024, 3, 4, 7, 0, 5, 500000)),
    ("2024-03-04T07:00:05.123456", utc(2024, 3, 4, 7, 0, 5, 123456)),
    ("2024-03-04T07:00:05,25", utc(2024, 3, 4, 7, 0, 5, 250000)),  # ISO 8601 allows the comma
    ("2024-03-04T07:00:05.25Z", utc(2024, 3, 4, 7, 0, 5, 250000)),
    ("2024-03-04T09:00:05.25+02:00", utc(2024, 3, 4, 7, 0, 5, 250000)),
    ("2024-03-04T02:00-05:00", utc(2024, 3, 4, 7, 0)),
])
def test_a_time_is_read_to_the_fraction_of_a_second_in_utc_unless_it_says_its_offset(given, meant) -> None:
    assert UTC_TIME.convert(given, None, None) == meant


@pytest.mark.parametrize("bad", ["yesterday", "2024-13-01", "2024-03-04T25:00", "2024-03-04T07:00:05.1234567",
                                 "1709600000.25", "2024-W10", "04/03/2024", ""])
@pytest.mark.parametrize("command", [["alerts", "replay", "--dry-run"], ["dead-letters"]])
def test_a_time_that_is_none_is_one_line_naming_the_forms_before_any_broker_is_asked(bad, command, tmp_path) -> None:
    rules = tmp_path / "rules.yaml"
    rules.write_text("rules:\n  - {id: nato, when: {entity: Q7184}}\n")
    extra = ["--rules", str(rules)] if command[0] == "alerts" else []
    result = CliRunner().invoke(main, [*command, *extra, "--since", bad, "--broker", "127.0.0.1:9"])
    assert result.exit_code == 2, result.output
    [line] = [x for x in result.stderr.strip().splitlines() if x.startswith("Error:")]
    assert f"Invalid value for '--since': {bad!r} is not a time: ISO 8601" in line, line
    assert "2024-03-04T07:00:05.25" in line and "+02:00" in line


def test_the_help_says_a_fraction_of_a_second_and_an_offset_are_taken() -> None:
    for command in (["alerts", "replay"], ["dead-letters"]):
        text = " ".join(CliRunner().invoke(main, [*command, "--help"]).output.split())
        assert "--since TIME" in text and "fraction of one (2024-03-04T07:00:05.25)" in text, text
        assert "in UTC unless it ends with its offset (Z, +02:00)" in text, text


def test_a_time_is_shown_as_the_option_takes_it_back() -> None:
    assert shown_time(utc(2024, 3, 4, 7, 0, 5)) == "2024-03-04T07:00:05"
    assert shown_time(utc(2024, 3, 4, 7, 0, 5, 250000)) == "2024-03-04T07:00:05.25"
    when = utc(2024, 3, 4, 7, 0, 5, 123456)
    assert UTC_TIME.convert(shown_time(when), None, None) == when
