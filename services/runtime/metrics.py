"""Prometheus metrics every stage exports, named by Prometheus conventions.

Labels are bounded: a stage name, a topic, an error class, a rule id, an endpoint
name; never an article id.
"""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram, disable_created_metrics

__all__ = [
    "export_without_created_series",
    "SEND_ERRORS",
    "MESSAGES_PROCESSED",
    "MESSAGES_FAILED",
    "DEAD_LETTERS",
    "STAGE_SECONDS",
    "END_TO_END_SECONDS",
    "ARTICLES_INGESTED",
    "TRANSLATIONS",
    "ENTITIES_TAGGED",
    "ENTITY_ARTICLES",
    "STORIES",
    "STORIES_MERGED",
    "STORY_COPIES",
    "TOP_STORIES",
    "ALERTS_FIRED",
    "ALERTS_SUPPRESSED",
    "WEBHOOK_DELIVERIES",
    "WEBHOOK_ATTEMPTS",
    "WEBHOOK_DELIVERY_SECONDS",
]

_LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)

MESSAGES_PROCESSED = Counter(
    "wirewatch_messages_processed_total", "Messages a stage processed and passed on.", ["stage"]
)
MESSAGES_FAILED = Counter(
    "wirewatch_messages_failed_total", "Messages a stage could not process, by error class.", ["stage", "error_class"]
)
SEND_ERRORS = Counter(
    "wirewatch_send_errors_total",
    "Messages the producer could not deliver to a topic after its retries (lost unless re-sent; each is logged as send_failed).",
    ["topic"],
)
DEAD_LETTERS = Counter(
    "wirewatch_dead_letters_total", "Messages written to a dead-letter topic.", ["stage", "topic", "error_class"]
)
STAGE_SECONDS = Histogram(
    "wirewatch_stage_seconds", "Time a stage spent on one message.", ["stage"], buckets=_LATENCY_BUCKETS
)
END_TO_END_SECONDS = Histogram(
    "wirewatch_end_to_end_seconds",
    "Time from an article's fetched_at to the moment a stage finished with it.",
    ["stage"],
    buckets=_LATENCY_BUCKETS,
)
ARTICLES_INGESTED = Counter(
    "wirewatch_articles_ingested_total", "Articles ingest wrote to articles.raw, by channel.", ["channel"]
)
TRANSLATIONS = Counter(
    "wirewatch_translations_total", "Translation outcomes by engine and source language.", ["engine", "language", "outcome"]
)
ENTITIES_TAGGED = Counter(
    "wirewatch_entities_total", "Entity mentions tagged, by type and whether they were linked.", ["type", "linked"]
)
ENTITY_ARTICLES = Counter(
    "wirewatch_entity_articles_total",
    "Articles naming a linked entity, by canonical name (gazetteer entities only, so the label set is bounded).",
    ["entity"],
)
STORIES = Counter("wirewatch_stories_total", "Story assignments: created, joined, or duplicate (a re-sent article).", ["outcome"])
STORIES_MERGED = Counter("wirewatch_stories_merged_total", "Live stories that became part of another: one event that had opened twice.")
STORY_COPIES = Counter(
    "wirewatch_story_copies_total", "Articles that repeat an earlier article of their story nearly word for word (a syndicated or "
    "republished copy; story_evidence.copy_of), counted among the joins.")
TOP_STORIES = Gauge(
    "wirewatch_top_stories",
    "Articles in each of the ten largest live stories (the label set is replaced as stories change, never more than ten).",
    ["rank", "story_id", "title"],
)
ALERTS_FIRED = Counter("wirewatch_alerts_fired_total", "Alerts fired, by rule.", ["rule"])
ALERTS_SUPPRESSED = Counter(
    "wirewatch_alerts_suppressed_total", "Rule matches that made no alert: the story already alerted, a follow-up waits for its cooldown, "
    "or a window or burst is not met yet.", ["rule"]
)
WEBHOOK_DELIVERIES = Counter(
    "wirewatch_webhook_deliveries_total", "Webhook deliveries by endpoint and final outcome.", ["endpoint", "outcome"]
)
WEBHOOK_ATTEMPTS = Counter(
    "wirewatch_webhook_attempts_total", "HTTP attempts made to deliver webhooks.", ["endpoint"]
)
WEBHOOK_DELIVERY_SECONDS = Histogram(
    "wirewatch_webhook_delivery_seconds",
    "Time from the first attempt to the final outcome of a webhook delivery.",
    ["endpoint"],
    buckets=_LATENCY_BUCKETS,
)


def export_without_created_series() -> None:
    """Leave out the ``*_created`` sample prometheus_client adds beside every counter and histogram child (its
    creation time). In the text format /metrics serves, Prometheus stores it as one more gauge per child, which no
    rule, dashboard or test reads: a series per labelled counter that only adds to storage and to the names a query
    autocompletes. Process-wide, and read at each scrape, so it holds for Faust's sensor metrics too."""
    disable_created_metrics()
