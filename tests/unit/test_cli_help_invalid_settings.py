"""`--help` works whatever the settings: an invalid one (WIREWATCH_WEB_PORT=abc) is named where a default would come
from it, and is said in one line, naming the setting and why, only when the command runs."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from services.cli import main

INVALID = {"WIREWATCH_WEB_PORT": "abc"}


def commands(group: click.Group = main, path: tuple[str, ...] = ()) -> list[list[str]]:
    found = [list(path)] if path else []
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            found += commands(command, (*path, name))
        else:
            found.append([*path, name])
    return found


@pytest.mark.parametrize("command", commands(), ids=" ".join)
def test_help_works_with_an_invalid_setting(command):
    result = CliRunner().invoke(main, [*command, "--help"], env=INVALID, terminal_width=400)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Usage: "), result.output
    assert "invalid setting" not in result.stderr


def test_feeds_status_help_names_the_invalid_setting_where_its_default_would_be():
    result = CliRunner().invoke(main, ["feeds", "status", "--help"], env=INVALID, terminal_width=400)
    assert result.exit_code == 0, result.output
    shown = " ".join(result.stdout.split())
    assert "--url TEXT" in shown and "[default: unknown while a setting is invalid: WIREWATCH_WEB_PORT: " in shown


@pytest.mark.parametrize("command", [["feeds", "status"], ["tail", "articles.raw"]], ids=" ".join)
def test_running_the_command_says_which_setting_is_invalid_and_why_in_one_line(command):
    result = CliRunner().invoke(main, command, env=INVALID)
    assert result.exit_code == 1, result.output
    [line] = result.stderr.splitlines()
    assert line.startswith("Error: invalid setting WIREWATCH_WEB_PORT: Input should be a valid integer"), line
    assert "(got 'abc')" in line
