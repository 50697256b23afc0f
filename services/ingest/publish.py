"""Write RawArticles to ``articles.raw`` and rejected records to ``articles.raw.dlq``, keyed by article id."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field

from schemas import RawArticle
from services.ingest.dead_letters import STAGE
from services.ingest.metrics import INPUTS_WITHOUT_ARTICLES
from services.ingest.readers import Ignored, Note, RecordError
from services.ingest.verdicts import Nothing
from services.runtime.codec import dead_letter, encode
from services.runtime.metrics import ARTICLES_INGESTED, DEAD_LETTERS, MESSAGES_FAILED
from services.runtime.settings import Settings, dlq

__all__ = ["PublishReport", "Send", "publish"]

# (topic, key, value): aiokafka's send_and_wait from the CLI, a Faust topic's send inside the ingest service.
Send = Callable[[str, bytes | None, bytes], Awaitable[object]]


@dataclass
class PublishReport:
    accepted: list[str] = field(default_factory=list)
    rejected: list[RecordError] = field(default_factory=list)
    nothing: list[Nothing] = field(default_factory=list)  # inputs that gave no article, and why
    ignored: list[Ignored] = field(default_factory=list)  # fields of JSON inputs not read as article fields
    notes: list[Note] = field(default_factory=list)  # what of an input was not read (pages past the cap), and why

    @property
    def failed(self) -> bool:
        """Nothing accepted, and something rejected (not merely an empty but valid input)."""
        return not self.accepted and (bool(self.rejected) or any(n.is_error for n in self.nothing))


async def publish(
    send: Send,
    settings: Settings,
    records: Iterable[RawArticle | RecordError | Nothing | Ignored | Note],
    *,
    channel: str,
    letter_key: Callable[[RecordError], bytes | None] = lambda record: None,
) -> PublishReport:
    """Send each article to ``articles.raw`` and each rejected record to its dead-letter topic, keyed by
    ``letter_key`` (the letter's record key and ``key``: none but for a feed's entries, ``rejections.letter_key``)."""
    report = PublishReport()
    raw = settings.topics.raw
    for record in records:
        if isinstance(record, Nothing):
            INPUTS_WITHOUT_ARTICLES.labels(channel.split(":", 1)[0], record.reason).inc()
            report.nothing.append(record)
        elif isinstance(record, Ignored):
            report.ignored.append(record)
        elif isinstance(record, Note):
            report.notes.append(record)
        elif isinstance(record, RawArticle):
            await send(raw, record.id.encode(), encode(record))
            ARTICLES_INGESTED.labels(channel).inc()
            report.accepted.append(record.id)
        else:
            key = letter_key(record)
            letter = dead_letter(
                source_topic=f"{channel}:{record.where}"[:500],
                service=STAGE,
                error_class=record.error_class,
                reason=record.reason,
                original=record.original,
                key=key,
            )
            await send(dlq(raw), key, encode(letter))
            MESSAGES_FAILED.labels(STAGE, record.error_class).inc()
            DEAD_LETTERS.labels(STAGE, dlq(raw), record.error_class).inc()
            report.rejected.append(record)
    return report
