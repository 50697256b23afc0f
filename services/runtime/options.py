"""Command-line options whose default is the settings in force (the environment, else ``./.env``, as the workers read
them): one place for every command's ``--broker``, and the class that shows such a default in ``--help``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

__all__ = ["LOCAL_BROKER", "LOCAL_PORT", "SettingsDefault", "broker_option"]

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
                        show_default=True, required=required,
                        help=f"{help} Default: WIREWATCH_BROKER (environment or ./.env){where}.")
