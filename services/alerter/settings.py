"""Settings of the alerter service (``WIREWATCH_ALERTER__*``)."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, Field

__all__ = ["AlerterSettings"]


class AlerterSettings(BaseModel):
    rules: Path = Field(default=Path("examples/rules.yaml"), description="The rules file (rules and webhook endpoints).")
    rules_reload_s: float = Field(
        default=5.0, description="How often the rules file's mtime is checked; a changed file is reloaded, a broken one is "
        "logged and counted and the old rules stay. 0 turns reloading off.")
    delivery_attempts: int = Field(default=5, description="HTTP attempts per alert and endpoint before it goes to alerts.dlq.")
    delivery_backoff_s: float = Field(default=0.5, description="First retry delay; it doubles per attempt, with full jitter.")
    delivery_backoff_max_s: float = Field(default=30.0, description="Cap on a retry delay, Retry-After included.")
    delivery_timeout_s: float = Field(default=10.0, description="Per-attempt timeout, unless the endpoint sets timeout_s.")
    delivery_concurrency: int = Field(
        default=8, description="Alerts delivered at once per worker; an endpoint's own `concurrency` caps its share.")
    follow_up_flush_s: float = Field(
        default=1.0, description="How often keys with a follow-up waiting for its cooldown are checked; a due one is sent "
        "within about this after its cooldown, with no new article. 0 turns the flush off (follow-ups wait for the story's "
        "next article; `process --until alerts` and `rules test` then send none after the last one).")
    bursts_topic: str = Field(
        default="alerter.bursts", description="Internal topic of matches of entity-burst rules, keyed by rule and entity.")
