"""How a list or dict setting is written in its ``WIREWATCH_*`` variable: JSON, or the short forms of the README table.

``PERSON,ORG`` is a list and ``uk=ru,be=ru`` a dict; ``[]`` and ``{}`` are the empty ones. ``wirewatch settings``
prints values back in these forms, so its output can be pasted into an env file.
"""

from __future__ import annotations

import json
from typing import Annotated, TypeVar

from pydantic import BeforeValidator
from pydantic_settings import NoDecode

__all__ = ["ListSetting", "DictSetting", "parse_list", "parse_dict", "env_text"]

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


# NoDecode: pydantic-settings would json.loads the variable first and fail on `a,b`; the validator takes both forms.
ListSetting = Annotated[list[T], NoDecode, BeforeValidator(parse_list)]
DictSetting = Annotated[dict[str, T], NoDecode, BeforeValidator(parse_dict)]


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
