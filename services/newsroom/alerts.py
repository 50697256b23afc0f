"""The alerts in the read model: an alert's row written onto the story it is shown with, and alerts read back with
the language of the title each carries. The SQL is shared by both backends; ``sql`` turns its ``?`` into the dialect's.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from schemas import Alert
from services.newsroom.records import alert_row, shown
from services.newsroom.summary import title_language_of

__all__ = ["ALERT_COLUMNS", "ALERT_COLUMNS_ADDED", "upsert_alert", "alerts_page", "story_alerts", "alert_items",
           "fill_title_languages"]

ALERT_COLUMNS = ("id", "rule_id", "story_id", "kind", "sequence", "fired_at", "title", "title_language", "summary", "url",
                 "matched", "entities", "article_ids", "sources")
# Columns added to ``alerts`` after its first release, with their types; an older store gets them on open.
ALERT_COLUMNS_ADDED = {"title_language": "TEXT"}

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
    # An alert of an earlier alerter read again (the topic replayed) keeps the language a start-up gave it.
    updates = ", ".join(f"{c} = COALESCE(excluded.{c}, alerts.{c})" if c in ALERT_COLUMNS_ADDED else f"{c} = excluded.{c}"
                        for c in ALERT_COLUMNS if c != "id")
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


def _report_titles(items: list[dict], read: Read) -> dict[str, tuple[str, str]]:
    """Report id -> (title, its language) of the stored reports whose title an alert of ``items`` may carry."""
    ids = sorted({i for a in items if a["title"] for i in a["article_ids"]})
    titles: dict[str, tuple[str, str]] = {}
    for i in range(0, len(ids), 500):
        chunk = ids[i:i + 500]
        for r in read(f"SELECT id, title, {title_language_of()} AS title_language FROM articles "
                      f"WHERE id IN ({', '.join('?' for _ in chunk)})", chunk):
            titles[r["id"]] = (r["title"], r["title_language"])
    return titles


def _title_language(alert: dict, titles: dict[str, tuple[str, str]]) -> str | None:
    """The language of ``alert``'s title: that of the stored report whose title it carries, else the one the alert
    states (None from an alerter of an older release), None for no title."""
    if not alert["title"]:
        return None
    carried = [titles[i][1] for i in alert["article_ids"] if i in titles and titles[i][0] == alert["title"]]
    return carried[0] if carried else alert.get("title_language")


def alert_items(rows: list[dict], read: Read) -> list[dict]:
    """Alerts as the API shows them, each with ``title_language``: that of the report whose title it carries (one of its
    ``article_ids``), or the one the alert came with while that report is not stored (not arrived yet, or expired)."""
    items = [shown(r) for r in rows]
    titles = _report_titles(items, read)
    for a in items:
        a["title_language"] = _title_language(a, titles)
    return items


def fill_title_languages(cur: Any, sql: Callable[[str], str]) -> int:
    """Give the alerts of a store from before ``alerts.title_language`` the language of the stored report whose title
    each carries, so it outlives that report's expiry; return how many were given one. The caller holds the transaction."""
    def read(query: str, params: list) -> list[dict]:
        cur.execute(sql(query), tuple(params))
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row)) for row in cur.fetchall()]

    items = [shown(r) for r in read("SELECT id, title, article_ids FROM alerts WHERE title_language IS NULL AND title <> ''", [])]
    titles = _report_titles(items, read)
    found = [(language, a["id"]) for a in items if (language := _title_language(a, titles)) is not None]
    cur.executemany(sql("UPDATE alerts SET title_language = ? WHERE id = ?"), found)
    return len(found)
