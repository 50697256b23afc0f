"""``wirewatch process``: the same stage cores, in-process and without a broker, one JSON message per line."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timezone
from typing import TextIO

import orjson

from schemas import RawArticle
from services.ingest.readers import Ignored, Note, RecordError
from services.ingest.verdicts import Nothing, said_apart, zero_articles
from services.runtime.codec import encode
from services.runtime.settings import Settings

__all__ = ["run_process"]


def _emit(out: TextIO, message) -> None:
    out.write(encode(message).decode() + "\n")


async def run_process(
    settings: Settings, records: Iterable[RawArticle | RecordError | Nothing], *, until: str, out: TextIO, err: TextIO,
    rulebook=None,
) -> int:
    """Print the messages of stage ``until`` for ``records``; 1 when no input made it through.

    Every input that gives no article says why on ``err``; 0 articles out of valid but empty inputs
    (a feed without entries) is not a failure. ``rulebook``: the rules for ``alerts`` (default: read from
    WIREWATCH_ALERTER__RULES)."""
    records = list(records)
    apart = {id(e) for e in said_apart([r for r in records if isinstance(r, RecordError)],
                                       [r for r in records if isinstance(r, Nothing)])}
    raws, rejected, nothing = [], 0, []
    for record in records:
        if isinstance(record, RecordError):
            if id(record) in apart:  # else its input's "0 articles" line says it
                err.write(f"rejected {record.reason}\n")
            rejected += 1
        elif isinstance(record, Nothing):
            err.write(f"{record}\n")
            nothing.append(record)
        elif isinstance(record, (Ignored, Note)):
            err.write(f"{record}\n")
        else:
            raws.append(record)
    if not raws:
        if len(nothing) != 1:  # one input: its line above already says "0 articles" and why
            err.write(zero_articles(nothing) + "\n")
        return 1 if rejected or any(n.is_error for n in nothing) else 0
    if until == "raw":
        for raw in raws:
            _emit(out, raw)
        _counts(err, read=len(raws), rejected=rejected)
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
        _counts(err, read=len(raws), rejected=rejected, articles=len(normalized))
        return 0 if normalized else 1

    from services.tagger.assign import StoryAssigner, story_config, tag_and_embed
    from services.tagger.core import Tagger
    from services.tagger.embedding import Embedder

    tagger = Tagger(settings.tagger)
    embedder = Embedder() if settings.tagger.story_embeddings else None
    # The story agent's own code and settings, in input order: what `process` shows is what the pipeline does.
    assigner = StoryAssigner(story_config(settings.tagger), tagger.countries)
    now = datetime.now(timezone.utc)
    tagged = [assigner.place(article, now=now)[0] for article in tag_and_embed(tagger, embedder, normalized)]
    if until == "tagged":
        for article in tagged:
            _emit(out, article)
        _counts(err, read=len(raws), rejected=rejected, articles=len(tagged), stories=len({a.story_id for a in tagged}))
        return 0 if tagged else 1

    alerts = _alerts(settings, tagged, now, rulebook)
    for alert in alerts:
        _emit(out, alert)
    _counts(err, read=len(raws), rejected=rejected, articles=len(tagged), stories=len({a.story_id for a in tagged}),
            alerts=len(alerts))
    return 0 if tagged else 1


def _counts(err: TextIO, **counts: int) -> None:
    """The counts at the end, one JSON line on stderr; ``rejected`` only when some were."""
    err.write(orjson.dumps({k: v for k, v in counts.items() if v or k != "rejected"}).decode() + "\n")


def _alerts(settings: Settings, tagged: list, now: datetime, rulebook=None) -> list:
    """The alerts the alerter would send for ``tagged`` arriving at ``now``: its match step, entity bursts and dedupe per
    rule and story, then the follow-ups its flush timer sends once their cooldowns pass (services.alerter.simulate,
    which ``wirewatch rules test`` runs too)."""
    from services.alerter.rules import load_rulebook
    from services.alerter.simulate import simulate

    if rulebook is None:
        rulebook = load_rulebook(settings.alerter.rules)
    outcomes = simulate(rulebook, tagged, now, flush=settings.alerter.follow_up_flush_s > 0)
    return [outcome.alert for outcome in outcomes if outcome.alert is not None]
