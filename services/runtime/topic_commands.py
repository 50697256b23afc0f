"""The commands that read the topics as they are: ``wirewatch tail`` (a topic's messages as JSON lines) and
``wirewatch dead-letters`` (every dead letter in words, and ``--resend`` once the cause is fixed)."""

from __future__ import annotations

import asyncio
import sys
from datetime import datetime, timezone
from typing import TYPE_CHECKING

import click
import orjson

from services.runtime.command_settings import command_settings as _settings
from services.runtime.options import UTC_TIME, broker_option
from services.runtime.settings import Settings

if TYPE_CHECKING:
    from schemas import DeadLetter
    from services.runtime.dead_letters import Letter

__all__ = ["COMMANDS"]


@click.command()
@click.argument("topic")
@broker_option()
@click.option("--from-beginning/--latest", default=True, show_default=True)
@click.option("--limit", type=click.IntRange(min=0), default=0, help="Stop after N messages (0: never).")
@click.option("--timeout", type=click.FloatRange(min=0), default=0.0, help="Stop after S seconds without a message (0: never).")
def tail(topic: str, broker: str, from_beginning: bool, limit: int, timeout: float) -> None:
    """Print a topic's messages, one JSON object per line; a topic the broker does not have is exit status 1."""
    if not topic.strip():  # was "cannot read  from HOST:PORT: …", once the broker was asked for no topic
        raise click.BadParameter("it is empty: a topic's name, such as articles.raw", param_hint="'TOPIC'")

    async def go() -> None:
        from aiokafka import AIOKafkaConsumer

        from services.runtime.kafka import aiokafka_options

        consumer = AIOKafkaConsumer(
            **aiokafka_options(_settings(broker=broker)), auto_offset_reset="earliest" if from_beginning else "latest",
            enable_auto_commit=False, group_id=None,
        )
        try:
            await consumer.start()
        except BaseException:
            await consumer.stop()  # closes what start() opened before it failed
            raise
        seen = 0
        try:
            # Asked before subscribing: a metadata request that names a missing topic may create it, empty.
            existing = await consumer.topics()
            if topic not in existing:
                raise click.ClickException(_no_such_topic(topic, broker, existing))
            consumer.subscribe([topic])
            while not limit or seen < limit:
                batch = await consumer.getmany(timeout_ms=int((timeout or 1.0) * 1000))
                if not batch and timeout:
                    break
                for records in batch.values():
                    for record in records:
                        try:
                            value = orjson.loads(record.value) if record.value is not None else None
                        except orjson.JSONDecodeError:
                            value = record.value.decode("utf-8", "replace")
                        line = {"topic": record.topic, "partition": record.partition, "offset": record.offset,
                                "key": record.key.decode("utf-8", "replace") if record.key else None, "value": value}
                        click.echo(orjson.dumps(line).decode())
                        seen += 1
                        if limit and seen >= limit:
                            return
        finally:
            await consumer.stop()

    from services.runtime.broker_trouble import broker_trouble_in_words

    with broker_trouble_in_words(broker, f"read {topic} from"):
        asyncio.run(go())


def _no_such_topic(topic: str, broker: str, existing: set[str]) -> str:
    """"no topic X on B" and the likeliest meant (a typo), else the topics there are."""
    import difflib

    shown = sorted(t for t in existing if not t.startswith("__"))  # the broker's own (__consumer_offsets) are never meant
    close = difflib.get_close_matches(topic, shown, n=3, cutoff=0.6)
    if close:
        return f"no topic {topic} on {broker} (did you mean {' or '.join(close)}?)"
    if not shown:
        return f"no topic {topic} on {broker} (it has no topics yet: a worker or `wirewatch ingest` creates them)"
    more = f", … ({len(shown)} in all)" if len(shown) > 12 else ""
    return f"no topic {topic} on {broker} (its topics: {', '.join(shown[:12])}{more})"


@click.command("dead-letters")
@broker_option()
@click.option("--topic", "topics", multiple=True, help="A dead-letter topic to read (repeatable; default: every *.dlq topic).")
@click.option("--since", type=UTC_TIME, default=None,
              help="Only letters written at or after this time: ISO 8601 to the day, minute, second or a fraction of one "
                   "(2024-03-04T07:00:05.25), in UTC unless it ends with its offset (Z, +02:00).")
@click.option("--error-class", "error_classes", metavar="NAME", multiple=True,
              help="Only letters of this error class, e.g. SchemaViolation (repeatable).")
@click.option("--service", "services", metavar="STAGE", multiple=True,
              help="Only letters of this stage, e.g. normalize (repeatable).")
@click.option("--json", "as_json", is_flag=True, help="One DeadLetter a line (JSON, the original base64) instead of words.")
@click.option("--resend", is_flag=True, help="Send each letter's original bytes and key back to the topic it failed on, "
              "for the stage that failed it (headers wirewatch-resent-from, wirewatch-resent-for). Resending twice sends "
              "twice: use the --since it ends with next time.")
@click.option("--dry-run", is_flag=True, help="With --resend: say what would be resent; send nothing.")
def dead_letters(broker: str, topics: tuple[str, ...], since: datetime | None, error_classes: tuple[str, ...],
                 services: tuple[str, ...], as_json: bool, resend: bool, dry_run: bool) -> None:
    """Every dead letter so far, oldest first, in words: when, which stage, what failed and why, and the original's start.

    Reads the dead-letter topics to their current end and exits; the count per topic and error goes to stderr.
    Exit status 1 when the broker cannot be reached, or a --topic is neither on it nor one of the pipeline's.

    With --resend, once the cause is fixed, each letter chosen goes back to its source topic and is read again by the
    stage that failed it only; a line per letter says so, the count per source topic and error class goes to stderr,
    then the --since that leaves these letters out next time (nothing remembers what was resent). An entry ingest's
    dedupe agent refused goes back to ingest.entries, also from a letter that names articles.raw. Not resent, with
    why: a letter of a topic that is not the pipeline's or not on the broker, or of alerter.matches or the bursts
    topic (their headers are not kept), or of ingest naming a topic ingest does not read with an original that is
    neither a feed entry nor a poll state: exit status 1. A record that is no dead letter (written by something else, an
    original that is no base64) is said with where it is and why, and left there; the others still go: exit status 3
    (when nothing made it 1), as what nothing can read may be a message lost; the --since it ends with leaves the
    record out next time. A failed webhook delivery is not resent either: `wirewatch alerts replay` re-delivers it;
    nor is an input ingest rejected (ingest it again fixed), nor an entry a feed gave that ingest rejected (the feed's
    next polls bring it once it reads well), nor an empty message (a tombstone), nor a feed's poll state (state, not
    work). --dry-run exits as the resend would.
    """
    from services.ingest.dead_letters import input_said
    from services.runtime import dead_letters as dl
    from services.runtime.broker_trouble import broker_trouble_in_words
    from services.runtime.kafka import aiokafka_options

    if dry_run and not resend:
        raise click.UsageError("--dry-run goes with --resend")
    if as_json and resend:
        raise click.UsageError("--json lists letters; it does not go with --resend")
    started = datetime.now(timezone.utc)
    tally = dl.Tally()
    picked: list[dl.Letter] = []

    def show(item: dl.Letter) -> None:
        if not dl.since(item, since) or not dl.chosen(item, error_classes, services):
            tally.leave_out(item)
            return
        tally.add(item)
        if resend:
            picked.append(item)
        elif as_json:
            click.echo(item.letter.model_dump_json() if item.letter else orjson.dumps(
                {"topic": item.topic, "partition": item.partition, "offset": item.offset, "unreadable": item.unreadable}).decode())
        else:
            click.echo(dl.describe(item, inputs=input_said))

    from services.runtime.topics import pipeline_topics

    settings = _settings(broker=broker)
    known = {topic if topic.endswith(".dlq") else f"{topic}.dlq" for topic in pipeline_topics(settings)}
    try:
        with broker_trouble_in_words(broker, "read the dead letters from"):
            read = asyncio.run(dl.read_dead_letters(aiokafka_options(settings), topics, show, known=known))
    except dl.NoSuchTopic as exc:
        raise click.ClickException(_no_such_topic(exc.topic, broker, exc.existing)) from None
    click.echo(tally.summary(read), err=True)
    if resend:
        sys.exit(_resend(settings, broker, picked, dry_run=dry_run, started=started))


def _resend(settings: Settings, broker: str, picked: list[Letter], *, dry_run: bool, started: datetime) -> int:
    """``dead-letters --resend``: send the letters back, say what went; the exit status."""
    from services.alerter.replay import is_delivery
    from services.ingest import dead_letters as ingest_letters
    from services.runtime import resend as rs
    from services.runtime.broker_trouble import broker_trouble_in_words
    from services.runtime.kafka import aiokafka_options
    from services.runtime.topics import pipeline_topics

    ours = [t for t in pipeline_topics(settings) if not t.endswith(".dlq")]
    with_headers = {settings.topics.matches, settings.alerter.bursts_topic}

    def route(letter: DeadLetter) -> rs.NotResent | rs.Rerouted | None:
        if is_delivery(letter, settings.topics.alerts):
            return rs.NotResent("a failed webhook delivery (keyed by its endpoint): `wirewatch alerts replay` re-delivers it")
        return ingest_letters.route(letter, settings)

    with broker_trouble_in_words(broker, "resend the dead letters to"):
        tally = asyncio.run(rs.resend(aiokafka_options(settings), picked, resendable=ours, kept_headers=with_headers,
                                      route=route, dry_run=dry_run, say=click.echo))
    click.echo(tally.summary(dry_run=dry_run), err=True)
    if not dry_run and (tally.sent or tally.unreadable):
        what = ("resending these again would send them twice" if tally.sent else
                "the records that are no dead letter stay where they are")
        click.echo(f"{what}: --since {rs.next_since(started, tally.newest)} leaves them out", err=True)
    return tally.status


COMMANDS: list[click.Command] = [tail, dead_letters]
