"""Exceptions the runtime raises, each with a reason fit for a dead-letter record."""

from __future__ import annotations

__all__ = ["WirewatchError", "DecodeError", "DECODE_ERROR_CLASSES", "ProcessingError"]

# The error classes a DecodeError carries (services/runtime/codec.py).
DECODE_ERROR_CLASSES = ("InvalidJSON", "SchemaViolation")


class WirewatchError(Exception):
    """Base of wirewatch's own errors."""


class DecodeError(WirewatchError):
    """Bytes that are not valid JSON, or JSON that is not the expected message."""

    def __init__(self, error_class: str, reason: str) -> None:
        super().__init__(reason)
        self.error_class = error_class
        self.reason = reason


class ProcessingError(WirewatchError):
    """A stage could not process a valid message."""
