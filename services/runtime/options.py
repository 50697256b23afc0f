"""Command-line options shared by the commands: those whose default is the settings in force (the environment, else
``./.env``, as the workers read them), one place for every command's ``--broker`` and the class that shows such a
default in ``--help``; and the time every ``--since`` takes (ISO 8601 to a fraction of a second)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

import click

__all__ = ["LOCAL_BROKER", "LOCAL_PORT", "SettingsDefault", "UTC_TIME", "UtcTime", "broker_option", "shown_time"]

# Where `wirewatch run` puts its embedded broker, and where the client commands look when WIREWATCH_BROKER is unset.
LOCAL_PORT = 9092
LOCAL_BROKER = f"127.0.0.1:{LOCAL_PORT}"


class SettingsDefault(click.Option):
    """An option whose default is worked out from the settings in force, and shown in --help as its value then (click
    would show "(dynamic)"). --help works whatever the settings: an invalid one is named in place of the default, and
    the command, run, ends with it in one line (``services/cli.py``). An empty default is none: not shown, and a
    required option without one is missing."""

    def get_default(self, ctx: click.Context, call: bool = True) -> Any:
        from services.runtime.settings import InvalidSettings

        try:
            value = super().get_default(ctx, call=True)
        except InvalidSettings as exc:
            if call:
                raise
            return f"unknown while a setting is invalid: {exc}"  # click asks with call=False only for --help
        if value == "" and call and self.required:
            raise click.MissingParameter(ctx=ctx, param=self)  # click 8.3 takes a None default for a value
        return None if value == "" else value


class _BrokerDefault(SettingsDefault):
    """``--broker``: its help says where the default comes from, the fallback included; ``[default: ...]`` shows the
    broker the settings name, and nothing when there is none (the help has said the fallback once already)."""

    def __init__(self, *args: Any, fallback: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fallback = fallback

    def get_default(self, ctx: click.Context, call: bool = True) -> Any:
        value = super().get_default(ctx, call=call)
        return None if not call and value == self.fallback else value


def _checked_broker(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """A --broker aiokafka would fail on with a traceback at its first connection is a usage error, said in words."""
    from services.runtime.error_words import bootstrap_problem

    problem = bootstrap_problem(value) if value else None
    if problem:
        raise click.BadParameter(problem, ctx=ctx, param=param)
    return value


def _settings_broker(fallback: str) -> Callable[[], str]:
    def broker() -> str:
        from services.runtime.settings import load_settings

        return load_settings().broker or fallback

    return broker


def broker_option(*, fallback: str = LOCAL_BROKER, required: bool = False, help: str = "Kafka bootstrap servers.",
                  ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """``--broker``: by default WIREWATCH_BROKER as the worker reads it (environment or ./.env), else ``fallback``
    (``""``: none, which `run` takes for the embedded broker)."""
    where = f", else {fallback}" if fallback else ""
    return click.option("--broker", cls=_BrokerDefault, fallback=fallback, default=_settings_broker(fallback),
                        show_default=True, required=required, callback=_checked_broker,
                        help=f"{help} Default: WIREWATCH_BROKER (environment or ./.env){where}.")


# ISO 8601 as the time options take it: a date, then maybe a time to the minute, the second or a fraction of one (a
# dead letter's time has microseconds), then maybe an offset. Python's own reader takes more (week dates, no dashes).
_ISO_TIME = re.compile(r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d{1,6})?)?)?(?:Z|[+-]\d{2}:?\d{2})?",
                       re.IGNORECASE)


class UtcTime(click.ParamType):
    """A time option (``--since``): ISO 8601, to the day, minute, second or fraction of a second (``2024-03-04``,
    ``2024-03-04T07:00``, ``2024-03-04T07:00:05``, ``2024-03-04T07:00:05.25``), in UTC unless it ends with its offset
    (``Z``, ``+02:00``); an aware datetime in UTC. Anything else is a usage error naming the forms (exit status 2)."""

    name = "TIME"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> datetime:
        if isinstance(value, datetime):
            return value if value.tzinfo is not None else value.replace(tzinfo=timezone.utc)
        text = str(value).strip()
        when = None
        if _ISO_TIME.fullmatch(text):
            try:
                when = datetime.fromisoformat(text.replace(",", ".").upper().replace("Z", "+00:00"))
            except ValueError:
                pass  # a month 13, a 25th hour
        if when is None:
            self.fail(f"{value!r} is not a time: ISO 8601, in UTC unless it ends with its offset, such as 2024-03-04, "
                      f"2024-03-04T07:00, 2024-03-04T07:00:05, 2024-03-04T07:00:05.25 or 2024-03-04T09:00:05.25+02:00",
                      param, ctx)
        return when.replace(tzinfo=timezone.utc) if when.tzinfo is None else when.astimezone(timezone.utc)


UTC_TIME = UtcTime()


def shown_time(when: datetime) -> str:
    """A time as a time option takes it back, in UTC: to the second, its fraction when it has one."""
    when = when.astimezone(timezone.utc) if when.tzinfo is not None else when
    fraction = f".{when.microsecond:06d}".rstrip("0") if when.microsecond else ""
    return f"{when:%Y-%m-%dT%H:%M:%S}{fraction}"
