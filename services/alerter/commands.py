"""The alerter's CLI commands: ``wirewatch rules check|test`` and ``wirewatch alerts replay``."""

from __future__ import annotations

import asyncio
import sys
from datetime import datetime, timezone
from pathlib import Path

import click
import orjson

from services.runtime.options import UTC_TIME, broker_option

__all__ = ["COMMANDS", "rulebook_or_exit", "tagged_articles"]


def rulebook_or_exit(path: Path, *, given: bool = True, code: int = 1, endpoints_only: bool = False):
    """The rulebook at ``path``, its warnings on stderr; or its errors, one a line (with a count when there are several:
    ``3 errors in 2 rules``), and exit ``code``, before any input is read.

    ``given`` is False when ``path`` is the default (WIREWATCH_ALERTER__RULES), so a missing file says how to name one.
    ``endpoints_only``: only the warnings about the endpoints (``alerts replay`` matches no rule).
    """
    from services.alerter.errors import RuleError, RuleErrors
    from services.alerter.rules import load_rulebook

    if not given and not Path(path).is_file():
        from services.runtime.command_settings import relative_note

        what = f"{path} is a directory, not a rules file" if Path(path).is_dir() else f"no rules file at {path}"
        click.echo(f"Error: {what} (WIREWATCH_ALERTER__RULES{relative_note(path)}): "
                   f"pass --rules FILE or set WIREWATCH_ALERTER__RULES", err=True)
        sys.exit(code)
    try:
        book = load_rulebook(path)
    except RuleErrors as exc:
        for error in exc.errors:
            click.echo(f"Error: {error}", err=True)
        click.echo(f"{path}: {exc.summary()}", err=True)
        sys.exit(code)
    except RuleError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(code)
    _warn(book.endpoint_warnings if endpoints_only else book.warnings)
    return book


@click.group()
def rules() -> None:
    """Check a rules file, and try it on articles."""


@rules.command("check")
@click.argument("file", type=click.Path(path_type=Path))
def rules_check(file: Path) -> None:
    """Validate FILE; every error is said, each naming the line (and the column inside a query)."""
    book = rulebook_or_exit(file)
    unsent = book.unsent()
    _warn(unsent)
    enabled = sum(r.enabled for r in book.rules)
    warnings = len(book.warnings) + len(unsent)
    warned = f", {_count(warnings, 'warning')}" if warnings else ""
    click.echo(f"{file}: {_count(len(book.rules), 'rule')} ({enabled} enabled), "
               f"{_count(len(book.webhooks), 'webhook endpoint')}: OK{warned}")
    for rule in book.rules:
        extras = []
        p = rule.policy
        if p.window:
            extras.append(f"window {p.window.count} {p.window.distinct} in {p.window.within_s:g}s")
        if p.burst:
            extras.append(f"burst of {p.burst.of}{' ' + p.burst.entity if p.burst.entity else ''}{p.burst.also}")
        if p.follow_up:
            extras.append(f"follow-ups every {p.cooldown_s:g}s at most")
        if p.repeat_s:
            extras.append(f"repeat every {p.repeat_s:g}s")
        state = "" if rule.enabled else " (disabled)"
        click.echo(f"  {rule.id}{state}: {rule.when.describe()}" + (f" [{'; '.join(extras)}]" if extras else ""))
        for entity in _entities(rule.when, p.burst.entity_match if p.burst else None):
            click.echo(f"    entity {entity.value} is {entity.resolved()}")


def _entities(condition, *more):
    """The entity conditions of a rule the gazetteer resolved, each once, in the order written."""
    from services.alerter.conditions import AllOf, AnyOf, EntityCondition, Not

    found: dict[str, EntityCondition] = {}
    todo = [condition, *more]
    while todo:
        c = todo.pop(0)
        if isinstance(c, (AllOf, AnyOf)):
            todo[:0] = c.conditions
        elif isinstance(c, Not):
            todo.insert(0, c.condition)
        elif isinstance(c, EntityCondition) and c.resolved() is not None:
            found.setdefault(c.value, c)
    return list(found.values())


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _warn(warnings) -> None:
    """What loaded but will not do what it seems to (an entity name no entity has), on stderr."""
    for warning in warnings:
        click.echo(f"warning: {warning}", err=True)


def tagged_articles(data: bytes) -> list | None:
    """The TaggedArticles in ``data`` (NDJSON, or one JSON array), each bare or as `wirewatch tail` prints it
    (``{"topic", "partition", "offset", "key", "value": <article>}``); None when it holds anything else."""
    from pydantic import ValidationError

    from schemas import TaggedArticle

    try:
        records = [orjson.loads(line) for line in data.splitlines() if line.strip()]
        if len(records) == 1 and isinstance(records[0], list):
            records = records[0]
        if not records:
            return None
        return [TaggedArticle.model_validate(r["value"] if isinstance(r, dict) and {"topic", "value"} <= r.keys() else r)
                for r in records]
    except (orjson.JSONDecodeError, ValidationError, TypeError):
        return None


def _tail_of_another_topic(name: str, data: bytes) -> bool:
    """Whether ``data`` is `wirewatch tail` output of a topic other than articles.tagged, said on stderr: taken for an
    input of its own, it was "not a feed: JSON of another shape (an object with topic, partition, …)"."""
    try:
        records = [orjson.loads(line) for line in data.splitlines() if line.strip()]
    except orjson.JSONDecodeError:
        return False
    if not records or not all(isinstance(r, dict) and {"topic", "value"} <= r.keys() for r in records):
        return False
    topics = {r["topic"] for r in records}
    if topics == {"articles.tagged"}:  # tagged articles that do not validate: read as any other input
        return False
    click.echo(f"{name}: 0 articles: lines of `wirewatch tail {' '.join(sorted(map(str, topics)))}`; rules test reads "
               "those of articles.tagged, or any input `wirewatch process` reads", err=True)
    return True


def _tagged_inputs(paths: tuple[str, ...], *, feed: str | None = None):
    """TaggedArticles from NDJSON/JSON of tagged articles (a file or stdin; `wirewatch tail articles.tagged` output
    too), or from anything `wirewatch process` reads (run through the stages; ``feed``: its ``--feed``)."""
    from schemas import TaggedArticle

    tagged: list[TaggedArticle] = []
    others: list[str] = []
    stdin: bytes | None = None
    for path in paths:
        p = Path(path)
        if path == "-":
            stdin = sys.stdin.buffer.read()
            if (found := tagged_articles(stdin)) is not None:
                tagged.extend(found)
                continue
            if _tail_of_another_topic("stdin", stdin):
                continue
        elif p.is_file() and p.suffix in (".ndjson", ".jsonl", ".json"):
            if (found := tagged_articles(p.read_bytes())) is not None:
                tagged.extend(found)
                continue
            if _tail_of_another_topic(path, p.read_bytes()):
                continue
        others.append(path)
    if others:
        import io
        from datetime import datetime, timezone

        from services.ingest.inputs import read_inputs
        from services.ingest.readers import read_bytes
        from services.process import run_process
        from services.runtime.settings import load_settings

        settings = load_settings()
        out, err = io.StringIO(), io.StringIO()

        async def go() -> None:
            now = datetime.now(timezone.utc)
            records: list = []
            for path in others:  # stdin was read above: its bytes, not the empty stream, go to the stages
                # With --feed, read_inputs refuses stdin as it refuses any input that is no URL, as `process` does.
                records.extend(read_bytes(stdin or b"", name="stdin", source="stdin", now=now,
                                          max_bytes=settings.ingest.max_feed_bytes) if path == "-" and feed is None
                               else await read_inputs([path], source=None, settings=settings.ingest, now=now, feed=feed))
            await run_process(settings, records, until="tagged", out=out, err=err)

        asyncio.run(go())
        if err.getvalue():
            click.echo(err.getvalue().rstrip(), err=True)
        tagged.extend(TaggedArticle.model_validate_json(line) for line in out.getvalue().splitlines() if line.strip())
    return tagged


@rules.command("test")
@click.argument("file", type=click.Path(path_type=Path))  # missing or unreadable: one line from rulebook_or_exit, exit 1
@click.argument("inputs", nargs=-1, required=True)
@click.option("--feed", metavar="ID", default=None, help="Read the URLs the way feed ID of the feeds file "
              "(WIREWATCH_INGEST__FEEDS_FILE) is polled, as `wirewatch process --feed` does.")
def rules_test(file: Path, inputs: tuple[str, ...], feed: str | None) -> None:
    """Show which articles in INPUTS each rule of FILE matches, and why, and what would be alerted."""
    from datetime import datetime, timezone

    from services.alerter.simulate import simulate
    from services.ingest.inputs import InputError
    from services.runtime.text import shortened
    from services.runtime.logs import configure_logging
    from services.runtime.settings import load_settings

    # stdout carries the report; what the stages log (a translation backend missing) goes to stderr.
    configure_logging("warning")
    book = rulebook_or_exit(file)
    try:
        articles = _tagged_inputs(inputs, feed=feed)
    except InputError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(1)
    counts = {r.id: 0 for r in book.rules}
    # The alerter's own steps, as `process --until alerts` runs them (entity bursts included): the same alerts.
    outcomes: dict[str, list] = {}
    flushed = []
    flush = load_settings().alerter.follow_up_flush_s > 0
    for outcome in simulate(book, articles, datetime.now(timezone.utc), flush=flush):
        if outcome.flushed:
            flushed.append(outcome)
        else:
            outcomes.setdefault(outcome.article.id, []).append(outcome)
    for article in articles:
        click.echo(f"{article.id} story {article.story_id}: {shortened(article.title, 80)!r}")
        if article.id not in outcomes:
            click.echo("    no rule matches")
        for outcome in outcomes.get(article.id, []):
            counts[outcome.match.rule.id] += 1
            verdict = f"ALERT ({outcome.alert.kind})" if outcome.alert else f"no alert: {outcome.reason}"
            click.echo(f"    {outcome.match.rule.id}: {'; '.join(outcome.match.matched)} -> {verdict}")
    if flushed:
        click.echo("then, once each cooldown has passed, with no new article:")
    for outcome in flushed:
        alert = outcome.alert
        if alert is not None:
            click.echo(f"    {alert.rule_id} story {alert.story_id}: ALERT ({alert.kind}) of {len(alert.article_ids)} "
                       f"article(s): {', '.join(alert.article_ids)}")
    click.echo("")
    for rule in book.rules:
        if rule.enabled:
            click.echo(f"{rule.id}: {counts[rule.id]} of {len(articles)} articles")
        else:  # not evaluated, as the alerter does not: 0 would read as a rule that matched nothing
            click.echo(f"{rule.id}: disabled (enabled: false in the file), not tried")
    for note in _one_source_windows(book, [o for found in outcomes.values() for o in found]):
        click.echo(f"note: {note}")
    if not articles:
        # Nothing was tested: a script that checks rules before deploying them must not read this as a pass.
        click.echo("Error: no article in the inputs to test the rules on (see the reasons above)", err=True)
        sys.exit(1)


def _one_source_windows(book, outcomes) -> list[str]:
    """Rules counting distinct sources whose window could not be met because every article they matched had one
    source (text files and JSON records that name none all get one), with how to test them."""
    notes = []
    for rule in book.rules:
        window = rule.policy.window
        mine = [o for o in outcomes if o.match.rule.id == rule.id]
        sources = {o.article.source for o in mine}
        if window is None or window.distinct != "sources" or window.count < 2 or len(sources) != 1 or any(
                o.alert for o in mine) or len({o.article.id for o in mine}) < window.count:
            continue
        notes.append(f"rule {rule.id!r} counts distinct sources ({window.count} within {window.within_s:g}s) and every "
                     f"article it matched has the source {sources.pop()!r}, so its window cannot be met here: text "
                     f"files, and JSON records that name no \"source\" (or \"url\"), all get one source ('file', "
                     f"'stdin', or --source's name); to test it, give each JSON or NDJSON record its own \"source\"")
    return notes


@click.group()
def alerts() -> None:
    """Alerts that were dead-lettered."""


@alerts.command("replay")
@broker_option()
@click.option("--rules", "rules_file", type=click.Path(path_type=Path), default=None,
              help="Rules file with the endpoints (default: WIREWATCH_ALERTER__RULES, else examples/rules.yaml).")
@click.option("--since", type=UTC_TIME, default=None,
              help="Only dead letters that failed at or after this time: ISO 8601 to the day, minute, second or a "
                   "fraction of one (2024-03-04T07:00:05.25), in UTC unless it ends with its offset (Z, +02:00).")
@click.option("--endpoint", "only", default=None, help="Only deliveries to this endpoint name.")
@click.option("--dry-run", is_flag=True, help="Say what would be re-sent; send nothing.")
def alerts_replay(broker: str, rules_file: Path | None, since: datetime | None, only: str | None, dry_run: bool) -> None:
    """Re-send the alerts in alerts.dlq to the endpoints they failed on (same webhook-id, fresh signature).

    Each alert is sent once per endpoint however often it failed; exit status 1 when any is still not delivered, or
    was skipped (its endpoint is not in the rules file).
    """
    from schemas import DeadLetter
    from services.alerter.replay import (replay_reason, replay_summary, replays_before, select_replays,
                                         since_in_the_future)
    from services.alerter.webhooks import deliver
    from services.runtime.settings import dlq, load_settings

    settings = load_settings()
    book = rulebook_or_exit(rules_file or settings.alerter.rules, given=rules_file is not None, code=2, endpoints_only=True)
    if only is not None and only not in book.webhooks:
        from services.alerter.query import closest

        # A misspelt endpoint would select nothing and report "0 dead-lettered deliveries" as if all were well.
        guess = closest(only, sorted(book.webhooks))
        known = ", ".join(sorted(book.webhooks)) or "none"
        click.echo(f"Error: --endpoint {only!r} is not an endpoint of {book.source}"
                   f"{f' (did you mean {guess!r}?)' if guess else ''}; its endpoints: {known}", err=True)
        sys.exit(2)
    if since is not None and (warning := since_in_the_future(since, datetime.now(timezone.utc))):
        click.echo(warning, err=True)
    topic = dlq(settings.topics.alerts)

    async def read_letters() -> list[DeadLetter]:
        from services.runtime.dead_letters import read_dead_letters
        from services.runtime.kafka import aiokafka_options

        # To the topic's end as it is now, with TLS and SASL as the workers connect (WIREWATCH_KAFKA__*). A record that
        # is no dead letter of ours has nothing to replay.
        letters: list[DeadLetter] = []
        await read_dead_letters(aiokafka_options(settings.model_copy(update={"broker": broker})), [topic],
                                lambda item: letters.append(item.letter) if item.letter is not None else None)
        return letters

    async def go() -> int:
        import aiohttp

        letters = await read_letters()
        replays = select_replays(letters, alerts_topic=settings.topics.alerts, since=since, endpoint=only)
        earlier = 0 if since is None else replays_before(letters, since, alerts_topic=settings.topics.alerts,
                                                                endpoint=only)
        sent = failed = skipped = 0
        async with aiohttp.ClientSession() as session:
            for replay in replays:
                alert, name = replay.alert, replay.endpoint
                endpoint = book.webhooks.get(name)
                if endpoint is None:
                    click.echo(f"skip {alert.id} -> {name}: endpoint not in {book.source}")
                    skipped += 1
                    continue
                if dry_run:
                    click.echo(f"would re-send {alert.id} ({alert.rule_id}, {alert.kind}) -> {name} {endpoint.shown_url}")
                    sent += 1
                    continue
                result = await deliver(session, endpoint, alert, attempts=settings.alerter.delivery_attempts,
                                       backoff_s=settings.alerter.delivery_backoff_s,
                                       backoff_max_s=settings.alerter.delivery_backoff_max_s,
                                       timeout_s=settings.alerter.delivery_timeout_s)
                click.echo(f"{'delivered' if result.delivered else 'failed'} {alert.id} -> {name}: {replay_reason(result)}")
                sent += result.delivered
                failed += not result.delivered
        click.echo(replay_summary(len(replays), sent=sent, failed=failed, skipped=skipped, dry_run=dry_run,
                                  since=since, earlier=earlier), err=True)
        return 1 if failed or skipped else 0

    from services.runtime.broker_trouble import broker_trouble_in_words

    with broker_trouble_in_words(broker, "read alerts.dlq from"):
        code = asyncio.run(go())
    sys.exit(code)


COMMANDS: list[click.Command] = [rules, alerts]
