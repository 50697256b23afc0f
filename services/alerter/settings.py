"""Settings of the alerter service (``WIREWATCH_ALERTER__*``)."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel

__all__ = ["AlerterSettings"]


class AlerterSettings(BaseModel):
    rules: Path = Path("examples/rules.yaml")
    delivery_attempts: int = 5
    delivery_backoff_s: float = 0.5
    delivery_backoff_max_s: float = 30.0
    delivery_timeout_s: float = 10.0
