"""The message contracts every wirewatch service speaks: pydantic v2 models,
strict about unknown fields, versioned, serialized with orjson."""

from schemas.models import (
    SCHEMA_VERSION,
    Alert,
    Change,
    DeadLetter,
    Entity,
    NormalizedArticle,
    RawArticle,
    TaggedArticle,
    Translation,
    MESSAGE_MODELS,
)

__all__ = [
    "SCHEMA_VERSION",
    "Alert",
    "Change",
    "DeadLetter",
    "Entity",
    "NormalizedArticle",
    "RawArticle",
    "TaggedArticle",
    "Translation",
    "MESSAGE_MODELS",
]
