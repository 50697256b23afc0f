"""How a list or dict setting is written in its ``WIREWATCH_*`` variable: JSON, or the short forms of the README table.

``PERSON,ORG`` is a list and ``uk=ru,be=ru`` a dict; ``[]`` and ``{}`` are the empty ones. ``wirewatch settings``
prints values back in these forms, so its output can be pasted into an env file.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Annotated, TypeVar

from pydantic import BeforeValidator
from pydantic.fields import FieldInfo
from pydantic_settings import EnvSettingsSource

__all__ = ["ListSetting", "DictSetting", "ShortForms", "parse_list", "parse_dict", "env_text", "read_short_forms"]

T = TypeVar("T")


def _json(text: str) -> object:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not valid JSON: {exc.msg} at column {exc.colno}") from None


def parse_list(value: object) -> object:
    """``a,b`` or a JSON array to a list; anything but a string is left for pydantic to check."""
    if not isinstance(value, str):
        return value
    text = value.strip()
    if text.startswith("["):
        return _json(text)
    return [item.strip() for item in text.split(",") if item.strip()]


def parse_dict(value: object) -> object:
    """``k=v,k2=v2`` or a JSON object to a dict; anything but a string is left for pydantic to check."""
    if not isinstance(value, str):
        return value
    text = value.strip()
    if text.startswith("{"):
        return _json(text)
    pairs: dict[str, str] = {}
    for item in text.split(","):
        if not item.strip():
            continue
        key, equals, val = item.partition("=")
        if not equals or not key.strip():
            raise ValueError(f"expected key=value pairs separated by commas (es=apertium,fr=none) or a JSON object, got {item.strip()!r}")
        pairs[key.strip()] = val.strip()
    return pairs


class ShortForms:
    """Marks a list or dict setting whose variable may be written in the short form ``parse`` reads."""

    def __init__(self, parse: Callable[[object], object]) -> None:
        self.parse = parse


# The validator takes both forms from code (Settings(...)); the environment sources decode with ShortForms
# (see read_short_forms), so the value is a list or dict before pydantic-settings merges the per-key variables
# (WIREWATCH_NORMALIZE__TRANSLATION__FR) into it.
ListSetting = Annotated[list[T], ShortForms(parse_list), BeforeValidator(parse_list)]
DictSetting = Annotated[dict[str, T], ShortForms(parse_dict), BeforeValidator(parse_dict)]


def read_short_forms(source: EnvSettingsSource) -> EnvSettingsSource:
    """``source`` (the environment's or ``.env``'s) reading the short forms of list and dict settings, and a
    dict's per-key variables over its whole-dict variable whatever their order in the environment."""
    json_decode, explode = source.decode_complex_value, source.explode_env_vars

    def decode(field_name: str, field: FieldInfo | None, value: object) -> object:
        short = next((m for m in (field.metadata if field else ()) if isinstance(m, ShortForms)), None)
        if short is None or not isinstance(value, str):
            return json_decode(field_name, field, value)  # type: ignore[arg-type]
        try:
            return short.parse(value)
        except ValueError:
            return value  # left to the field's validator, whose error names the variable

    def explode_in_order(field_name: str, field: FieldInfo, env_vars: Mapping[str, str | None]) -> dict[str, object]:
        # The whole dict first, then each key into it: "fr" joins {"es": ...} instead of being replaced by it.
        delimiter = source.env_nested_delimiter or "__"
        return explode(field_name, field, dict(sorted(env_vars.items(), key=lambda kv: kv[0].count(delimiter))))

    source.decode_complex_value = decode  # type: ignore[method-assign]
    source.explode_env_vars = explode_in_order  # type: ignore[method-assign]
    return source


def env_text(value: object) -> str:
    """A value as it would be written in its variable: the short forms where they read back the same, else JSON."""
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        items = [str(v) for v in value]
        if items and all(item and item == item.strip() and "," not in item for item in items) and not items[0].startswith("["):
            return ",".join(items)
        return json.dumps(items, ensure_ascii=False)
    if isinstance(value, dict):
        pairs = {str(k): str(v) for k, v in value.items()}
        if pairs and all(k and k == k.strip() and v == v.strip() and not any(c in k + v for c in ",=") for k, v in pairs.items()) \
                and not next(iter(pairs)).startswith("{"):
            return ",".join(f"{k}={v}" for k, v in pairs.items())
        return json.dumps(pairs, ensure_ascii=False)
    return str(value)
