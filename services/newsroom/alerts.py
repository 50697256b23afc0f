"""The alerts in the read model: an alert's row written onto the story it is shown with, and alerts read back with
the language of the title each carries. The SQL is shared by both backends; ``sql`` turns its ``?`` into the dialect's.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from schemas import Alert
from services.newsroom.records import alert_row, shown
from services.newsroom.summary import title_language_of

__all__ = ["ALERT_COLUMNS", "upsert_alert", "alerts_page", "story_alerts", "alert_items"]

ALERT_COLUMNS = ("id", "rule_id", "story_id", "kind", "sequence", "fired_at", "title", "summary", "url", "matched", "entities",
                 "article_ids", "sources")

# Runs a read (SQL with ``?`` placeholders, its parameters) and gives its rows as dicts: the store's ``_rows``.
Read = Callable[[str, list], list[dict]]


def upsert_alert(cur: Any, sql: Callable[[str], str], alert: Alert, story_id: str, now: float) -> bool:
    """Write ``alert`` by its id onto ``story_id`` (the story it is shown on) and recount that story's alerts; return
    whether the alert was there already. The caller holds the story's lock."""
    v = {**alert_row(alert), "story_id": story_id}
    cols = ", ".join(ALERT_COLUMNS)
    marks = ", ".join("?" for _ in ALERT_COLUMNS)
    cur.execute(sql("SELECT 1 FROM alerts WHERE id = ?"), (alert.id,))
    existed = cur.fetchone() is not None
    updates = ", ".join(f"{c} = excluded.{c}" for c in ALERT_COLUMNS if c != "id")
    cur.execute(sql(f"INSERT INTO alerts ({cols}) VALUES ({marks}) ON CONFLICT (id) DO UPDATE SET {updates}"),
                tuple(v[c] for c in ALERT_COLUMNS))
    cur.execute(sql("INSERT INTO facets (kind, value) VALUES ('rule', ?) ON CONFLICT DO NOTHING"), (alert.rule_id,))
    cur.execute(sql("UPDATE stories SET alert_count = (SELECT count(*) FROM alerts WHERE story_id = ?), "
                    "updated_at = ? WHERE id = ?"), (story_id, now, story_id))
    return existed


def story_alerts(story_id: str) -> tuple[str, list]:
    """The read of one story's alerts, oldest first."""
    return f"SELECT {', '.join(ALERT_COLUMNS)} FROM alerts WHERE story_id = ? ORDER BY fired_at, id", [story_id]


def alerts_page(*, rule: str | None, story: str | None, since: float | None, limit: int, offset: int) -> tuple[str, list]:
    """The read of a page of alerts, newest first, each filter optional; one row past ``limit`` tells a next page."""
    where, params = [], []
    for value, clause in ((rule, "rule_id = ?"), (story, "story_id = ?"), (since, "fired_at >= ?")):
        if value is not None:
            where.append(clause)
            params.append(value)
    filters = (" WHERE " + " AND ".join(where)) if where else ""
    return (f"SELECT {', '.join(ALERT_COLUMNS)} FROM alerts{filters} ORDER BY fired_at DESC, id LIMIT ? OFFSET ?",
            [*params, limit + 1, offset])


def alert_items(rows: list[dict], read: Read) -> list[dict]:
    """Alerts as the API shows them, each with ``title_language``: that of the report whose title it carries (one of
    its ``article_ids``), or None while that report is not stored (not arrived yet, or expired) or it has no title."""
    items = [shown(r) for r in rows]
    ids = sorted({i for a in items if a["title"] for i in a["article_ids"]})
    titles: dict[str, tuple[str, str]] = {}
    for i in range(0, len(ids), 500):
        chunk = ids[i:i + 500]
        for r in read(f"SELECT id, title, {title_language_of()} AS title_language FROM articles "
                      f"WHERE id IN ({', '.join('?' for _ in chunk)})", chunk):
            titles[r["id"]] = (r["title"], r["title_language"])
    for a in items:
        carried = [titles[i] for i in a["article_ids"] if i in titles and titles[i][0] == a["title"]]
        a["title_language"] = carried[0][1] if a["title"] and carried else None
    return items
