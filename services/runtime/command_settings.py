"""The settings a ``wirewatch`` command runs with: :func:`~services.runtime.settings.load_settings`, and once per process
a warning on stderr for each WIREWATCH_* variable that sets nothing (a misspelling)."""

from __future__ import annotations

from pathlib import Path

import click

from services.runtime.settings import Settings

__all__ = ["command_settings", "relative_note"]


def command_settings(**overrides: object) -> Settings:
    from services.runtime.settings import load_settings

    settings = load_settings(**overrides)
    _warn_unknown_variables(settings)
    return settings


_warned: set[str] = set()


def _warn_unknown_variables(settings: Settings) -> None:
    """Once per process, on stderr: each WIREWATCH_* variable (environment or ./.env) that sets nothing, say a misspelling."""
    from services.runtime.settings import environment_origins, unknown_variables
    from services.runtime.text import references

    origins = environment_origins()
    # A rules or feeds file may read variables of its own: ${WIREWATCH_SLACK_SECRET}.
    read = set()
    for path in (settings.alerter.rules, settings.ingest.feeds_file):
        try:
            read.update(references(path.read_text(encoding="utf-8")) if path else ())
        except (OSError, UnicodeDecodeError):
            pass
    for name, close in unknown_variables(origins, also_known=read):
        if name not in _warned:
            _warned.add(name)
            where = " (in ./.env)" if origins[name] == "./.env" else ""
            hint = f"; did you mean {close}?" if close else " (see `wirewatch settings --markdown`)"
            click.echo(f"warning: {name}{where} is not a wirewatch setting and is ignored{hint}", err=True)


def relative_note(path: Path) -> str:
    """Where a setting's relative path was looked for (``, relative to the current directory /srv``), for the line that
    says it is missing; nothing for an absolute one."""
    return "" if Path(path).is_absolute() else f", relative to the current directory {Path.cwd()}"
