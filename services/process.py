"""``wirewatch process``: the same stage cores, in-process and without a broker, one JSON message per line."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timezone
from typing import TextIO

import orjson

from schemas import RawArticle
from services.ingest.readers import RecordError
from services.ingest.verdicts import Nothing, zero_articles
from services.runtime.codec import encode
from services.runtime.settings import Settings

__all__ = ["run_process"]


def _emit(out: TextIO, message) -> None:
    out.write(encode(message).decode() + "\n")


async def run_process(
    settings: Settings, records: Iterable[RawArticle | RecordError | Nothing], *, until: str, out: TextIO, err: TextIO
) -> int:
    """Print the messages of stage ``until`` for ``records``; 1 when no input made it through.

    Every input that gives no article says why on ``err``; 0 articles out of valid but empty inputs
    (a feed without entries) is not a failure."""
    raws, rejected, nothing = [], 0, []
    for record in records:
        if isinstance(record, RecordError):
            err.write(f"rejected {record.reason}\n")
            rejected += 1
        elif isinstance(record, Nothing):
            err.write(f"{record}\n")
            nothing.append(record)
        else:
            raws.append(record)
    if not raws:
        if len(nothing) != 1:  # one input: its line above already says "0 articles" and why
            err.write(zero_articles(nothing) + "\n")
        return 1 if rejected or any(n.is_error for n in nothing) else 0
    if until == "raw":
        for raw in raws:
            _emit(out, raw)
        return 0 if raws else 1

    from services.normalize.core import Normalizer
    from services.runtime.errors import ProcessingError

    normalizer = Normalizer(settings.normalize)
    normalized = []
    try:
        for raw in raws:
            try:
                normalized.append(await normalizer.normalize(raw))
            except ProcessingError as exc:
                err.write(f"normalize failed for {raw.id}: {exc}\n")
    finally:
        await normalizer.aclose()
    if until == "normalized":
        for article in normalized:
            _emit(out, article)
        return 0 if normalized else 1

    from services.tagger.core import Tagger

    tagged = Tagger(settings.tagger).tag_many(normalized)
    if until == "tagged":
        for article in tagged:
            _emit(out, article)
        return 0 if tagged else 1

    from services.alerter.dedupe import make_alert
    from services.alerter.rules import load_rulebook

    rulebook = load_rulebook(settings.alerter.rules)
    fired: dict[str, str] = {}
    now = datetime.now(timezone.utc)
    for article in tagged:
        for match in rulebook.evaluate(article):
            alert = make_alert(match, article, now)
            if alert.dedupe_key in fired:
                continue
            fired[alert.dedupe_key] = alert.id
            _emit(out, alert)
    err.write(orjson.dumps({"articles": len(tagged), "alerts": len(fired)}).decode() + "\n")
    return 0 if tagged else 1
