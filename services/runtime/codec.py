"""Encode models to bytes with orjson and decode bytes back, turning every failure into a DecodeError with a reason."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import TypeVar

import orjson
from pydantic import BaseModel, ValidationError

from schemas import DeadLetter
from services.runtime.errors import DecodeError
from services.runtime.text import kind_of

__all__ = ["encode", "decode", "dead_letter", "describe_validation_error"]

M = TypeVar("M", bound=BaseModel)


def encode(message: BaseModel) -> bytes:
    return orjson.dumps(message.model_dump(mode="json", exclude_none=False))


def describe_validation_error(exc: ValidationError, limit: int = 5) -> str:
    parts = []
    for err in exc.errors()[:limit]:
        where = ".".join(str(p) for p in err["loc"]) or "<root>"
        # A validator's own ValueError reads as its message; pydantic's "Value error, " prefix says nothing to a user.
        parts.append(f"{where}: {err['msg'].removeprefix('Value error, ')}")
    more = exc.error_count() - limit
    if more > 0:
        parts.append(f"... and {more} more")
    return "; ".join(parts)


def decode(data: bytes | None, model: type[M]) -> M:
    """Bytes to a validated model, or DecodeError saying what is wrong."""
    if data is None:
        raise DecodeError("EmptyMessage", f"{model.__name__}: message has no value (tombstone)")
    try:
        obj = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise DecodeError("InvalidJSON", f"{model.__name__}: not valid JSON: {exc}") from exc
    if not isinstance(obj, dict):
        raise DecodeError("SchemaViolation", f"{model.__name__}: expected a JSON object, got {kind_of(obj)}")
    try:
        return model.model_validate(obj)
    except ValidationError as exc:
        raise DecodeError("SchemaViolation", f"{model.__name__}: {describe_validation_error(exc)}") from exc


def dead_letter(
    *,
    source_topic: str,
    service: str,
    error_class: str,
    reason: str,
    original: bytes | None,
    key: bytes | None = None,
    now: datetime | None = None,
) -> DeadLetter:
    return DeadLetter(
        source_topic=source_topic,
        service=service,
        error_class=error_class,
        reason=reason[:4000],
        original=original or b"",
        key=key,
        failed_at=now or datetime.now(timezone.utc),
    )
