"""The ``wirewatch`` command: run the pipeline, feed it, watch its topics, try it without a broker."""

from __future__ import annotations

import asyncio
import signal
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

import click
import orjson

from services.runtime.options import LOCAL_PORT, broker_option
from services.runtime.settings import Settings

if TYPE_CHECKING:
    from schemas import DeadLetter
    from services.runtime.dead_letters import Letter
    from services.runtime.web import Listening

__all__ = ["main"]


def _settings(**overrides: object) -> Settings:
    from services.runtime.settings import load_settings

    settings = load_settings(**overrides)
    _warn_unknown_variables(settings)
    return settings


_warned: set[str] = set()


def _warn_unknown_variables(settings: Settings) -> None:
    """Once per process, on stderr: each WIREWATCH_* variable (environment or ./.env) that sets nothing, say a misspelling."""
    from services.runtime.settings import environment_origins, unknown_variables
    from services.runtime.text import references

    origins = environment_origins()
    # A rules or feeds file may read variables of its own: ${WIREWATCH_SLACK_SECRET}.
    read = set()
    for path in (settings.alerter.rules, settings.ingest.feeds_file):
        try:
            read.update(references(path.read_text(encoding="utf-8")) if path else ())
        except (OSError, UnicodeDecodeError):
            pass
    for name, close in unknown_variables(origins, also_known=read):
        if name not in _warned:
            _warned.add(name)
            where = " (in ./.env)" if origins[name] == "./.env" else ""
            hint = f"; did you mean {close}?" if close else " (see `wirewatch settings --markdown`)"
            click.echo(f"warning: {name}{where} is not a wirewatch setting and is ignored{hint}", err=True)


class _Main(click.Group):
    """The command group: a bad setting, wherever a command reads them, ends the command with one line, not a traceback."""

    def invoke(self, ctx: click.Context) -> object:
        from services.runtime.settings import InvalidSettings

        try:
            return super().invoke(ctx)
        except InvalidSettings as exc:
            raise click.ClickException(f"invalid setting {exc} (see `wirewatch settings --markdown`)") from exc


def _fresh_loop() -> None:
    # Faust's worker takes the current loop; an earlier asyncio.run() closed its own.
    asyncio.set_event_loop(asyncio.new_event_loop())


def _listen(settings: Settings) -> Listening:
    """The web server's sockets, bound now: a taken port is one line before the broker is asked anything (or, with
    WIREWATCH_WEB_ANY_PORT_IF_TAKEN, another port); the address it listens on goes to stderr."""
    from services.runtime.web import CannotListen, listen

    try:
        listening = listen(settings.web_host, settings.web_port, any_port_if_taken=settings.web_any_port_if_taken)
    except CannotListen as exc:
        raise click.ClickException(str(exc)) from exc
    if listening.gave_way:
        click.echo(f"{listening.gave_way}; the web server listens on port {listening.port} instead", err=True)
    click.echo(f"web server on {listening.url}", err=True)
    return listening


def _files_or_exit(settings: Settings, services: tuple[str, ...]) -> None:
    """The files the workers of ``services`` start from, read now: the alerter's rules file and ingest's feeds file
    (when one is set). A missing or broken one is said in one line (exit 1) before a port is bound or a broker asked
    anything, not a traceback from the worker's start or a worker polling nothing. A running worker re-reads both, and
    a broken edit then keeps the last good one (logged)."""
    if "alerter" in services:
        from services.alerter.errors import RuleError
        from services.alerter.rules import load_rulebook

        path = settings.alerter.rules
        if not path.is_file():
            raise click.ClickException(
                f"no rules file at {path} (WIREWATCH_ALERTER__RULES{_relative(path)}): set WIREWATCH_ALERTER__RULES to "
                "your rules file (the checkout's examples/rules.yaml shows the language)")
        try:
            load_rulebook(path)
        except RuleError as exc:
            raise click.ClickException(f"{exc} (WIREWATCH_ALERTER__RULES; `wirewatch rules check {path}` checks a file)") from exc
    feeds = settings.ingest.feeds_file
    if "ingest" in services and feeds is not None:
        from services.ingest.feeds import FeedsConfigError, load_feeds

        if not feeds.is_file():
            raise click.ClickException(f"no feeds file at {feeds} (WIREWATCH_INGEST__FEEDS_FILE{_relative(feeds)})")
        try:
            load_feeds(feeds)
        except (FeedsConfigError, OSError) as exc:
            raise click.ClickException(
                f"{exc} (WIREWATCH_INGEST__FEEDS_FILE; `wirewatch feeds check {feeds}` checks a file)") from exc


def _relative(path: Path) -> str:
    return "" if path.is_absolute() else f", relative to the current directory {Path.cwd()}"


def _run_worker(settings: Settings, services: tuple[str, ...], loglevel: str, broker_wait_s: float = 120.0,
                listening: Listening | None = None) -> None:
    import faust

    from services.runtime.app import create_app, prepare_data_dir
    from services.runtime.kafka import broker_trouble_in_words
    from services.runtime.logs import bound_repeats, configure_logging
    from services.runtime.topics import ensure_topics

    prepare_data_dir(settings)  # before the broker is asked anything: a bad directory is said at once
    _files_or_exit(settings, services)
    listening = listening if listening is not None else _listen(settings)
    try:
        configure_logging(loglevel)
        bound_repeats()  # a broker gone later: aiokafka's line per reconnect attempt, once a minute
        what = f"the {services[0]} worker" if len(services) == 1 else "the workers"
        with broker_trouble_in_words(settings.broker, f"start {what} with the broker at", waits=True):
            # A broker that is starting (a compose file, a restart) is waited for, and the wait said every 10 s.
            created = asyncio.run(ensure_topics(settings, timeout_s=broker_wait_s, say_every_s=10.0))
        if created:
            click.echo(f"created topics: {', '.join(created)}", err=True)
        _fresh_loop()
        app = create_app(settings, services, listening)
        worker = faust.Worker(app, loglevel=loglevel.upper(), quiet=True, redirect_stdouts=False)
        worker.execute_from_commandline()
    finally:
        listening.close()  # the web server has closed them already, unless the worker ended before it served


_SOURCE_HELP = ("Source name of every article that names none, whatever the name ('file' too); "
                "default: the article's site, else the feed's, else file or stdin.")
_FEED_HELP = ("Read the URLs the way feed ID of the feeds file (WIREWATCH_INGEST__FEEDS_FILE) is polled: its JSON fields "
              "and items, headers, language and tags. Default: a URL that is a feed's URL there is read as that feed.")


@click.group(cls=_Main)
def main() -> None:
    """wirewatch: live news feeds to clean English, linked entities, stories and signed webhook alerts."""


@main.command()
@broker_option(fallback="", help="Kafka bootstrap servers; none starts the embedded broker.")
@click.option("--embedded-port", type=int, default=LOCAL_PORT, show_default=True,
              help="Port of the embedded broker, when there is no --broker (0: any free port).")
@click.option("--web-port", type=int, default=None, help="Port of /metrics and POST /ingest.")
@click.option("--loglevel", default="info", show_default=True)
def run(broker: str, embedded_port: int, web_port: int | None, loglevel: str) -> None:
    """All five services in one process (the embedded default)."""
    from services.runtime.app import SERVICES, prepare_data_dir
    from services.runtime.broker import EmbeddedBroker

    settings = _settings(broker=broker, web_port=web_port)
    prepare_data_dir(settings)
    _files_or_exit(settings, SERVICES)  # a missing rules or feeds file is said before a broker is started for nothing
    listening = _listen(settings)  # a taken web port is said before a broker is started for nothing
    embedded = None
    try:
        if not broker:
            try:
                embedded = EmbeddedBroker(port=embedded_port or None, log_path=settings.data_dir / "broker.log").start()
            except RuntimeError as exc:
                raise click.ClickException(f"{exc} (--embedded-port names another, --broker an existing broker)") from exc
            broker = embedded.bootstrap
            click.echo(f"embedded broker on {broker}", err=True)
        _run_worker(_settings(broker=broker, web_port=web_port), SERVICES, loglevel, listening=listening)
    finally:
        listening.close()
        if embedded is not None:
            embedded.stop()


@main.command()
@click.argument("service", type=click.Choice(["ingest", "normalize", "tagger", "alerter", "newsroom"]))
@broker_option(fallback="", required=True)
@click.option("--web-port", type=int, default=None)
@click.option("--loglevel", default="info", show_default=True)
@click.option("--broker-wait", type=float, default=120.0, show_default=True,
              help="Seconds to wait at start for a broker that is not up yet (logged every 10 s), then exit 1.")
def worker(service: str, broker: str, web_port: int | None, loglevel: str, broker_wait: float) -> None:
    """One service as its own consumer group; run several to share partitions."""
    _run_worker(_settings(broker=broker, web_port=web_port), (service,), loglevel, broker_wait)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=int, default=LOCAL_PORT, show_default=True)
def broker(host: str, port: int) -> None:
    """The embedded Kafka-compatible broker (Tansu, memory-only) in the foreground.

    Exit status 1 when the port is taken, or when the broker stops by itself (it exits 0 even on a panic)."""
    import subprocess

    from services.runtime.broker import EmbeddedBroker
    from services.runtime.ports import port_holder, port_in_use

    try:
        taken = port_in_use(host, port)
    except OSError as exc:  # a port below 1024 as non-root, a --host that is not this machine's
        raise click.ClickException(f"cannot listen on {host}:{port}: {exc.strerror or exc}; --host and --port say where") from exc
    if taken:
        holder = port_holder(port)
        raise click.ClickException(f"port {port} on {host} is in use{f' by {holder}' if holder else ''}; "
                                   "--port names another")
    proc = subprocess.Popen(EmbeddedBroker(host, port).command())
    stopped: list[int] = []  # the signal we were stopped by, passed on to the broker

    def stop(signum: int, _frame: object) -> None:
        stopped.append(signum)
        proc.send_signal(signum)

    before = {signum: signal.signal(signum, stop) for signum in (signal.SIGTERM, signal.SIGINT)}
    try:
        code = proc.wait()  # Ctrl-C reaches the broker too (one process group): its end is waited for
    finally:
        for signum, handler in before.items():
            signal.signal(signum, handler)
    if not stopped:
        if port_in_use(host, port):  # another process took the port between our check and the broker's bind
            holder = port_holder(port)
            raise click.ClickException(f"port {port} on {host} was taken{f' by {holder}' if holder else ''} as the "
                                       "broker started; --port names another")
        raise click.ClickException(f"the broker on {host}:{port} stopped by itself (exit status {code}); "
                                   "what it said is above")
    if code > 0:
        sys.exit(code)


@main.command()
@click.argument("paths", nargs=-1, required=True)
@broker_option()
@click.option("--source", default=None, help=_SOURCE_HELP)
@click.option("--feed", metavar="ID", default=None, help=_FEED_HELP)
def ingest(paths: tuple[str, ...], broker: str, source: str | None, feed: str | None) -> None:
    """Send files, directories, stdin (-) or URLs (a feed, or an article page) to articles.raw."""
    from services.ingest.publish import publish

    settings = _settings(broker=broker)

    async def go() -> int:
        from aiokafka import AIOKafkaProducer

        from services.runtime.kafka import aiokafka_options
        from services.runtime.topics import ensure_topics

        records = await _inputs(paths, source, settings, feed)
        await ensure_topics(settings, timeout_s=10.0)
        producer = AIOKafkaProducer(**aiokafka_options(settings), acks="all")
        await producer.start()
        try:
            report = await publish(
                lambda t, k, v: producer.send_and_wait(t, key=k, value=v), settings, records, channel="cli"
            )
        finally:
            await producer.stop()
        for article_id in report.accepted:
            click.echo(f"accepted {article_id}")
        for rejected in report.rejected:
            click.echo(f"rejected {rejected.reason}", err=True)
        for nothing in report.nothing:
            click.echo(str(nothing), err=True)
        for ignored in report.ignored:
            click.echo(str(ignored), err=True)
        for note in report.notes:
            click.echo(str(note), err=True)
        return 1 if report.failed else 0

    from services.runtime.kafka import broker_trouble_in_words

    with broker_trouble_in_words(broker, "send the articles to"):
        code = asyncio.run(go())
    sys.exit(code)


async def _inputs(paths: tuple[str, ...], source: str | None, settings: Settings, feed: str | None) -> list:
    from services.ingest.inputs import InputError, read_inputs

    try:
        return await read_inputs(paths, source=source, settings=settings.ingest, now=datetime.now(timezone.utc),
                                 feed=feed)
    except InputError as exc:
        raise click.ClickException(str(exc)) from exc


@main.command()
@click.argument("topic")
@broker_option()
@click.option("--from-beginning/--latest", default=True, show_default=True)
@click.option("--limit", type=int, default=0, help="Stop after N messages (0: never).")
@click.option("--timeout", type=float, default=0.0, help="Stop after S seconds without a message (0: never).")
def tail(topic: str, broker: str, from_beginning: bool, limit: int, timeout: float) -> None:
    """Print a topic's messages, one JSON object per line; a topic the broker does not have is exit status 1."""

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

    from services.runtime.kafka import broker_trouble_in_words

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


@main.command("dead-letters")
@broker_option()
@click.option("--topic", "topics", multiple=True, help="A dead-letter topic to read (repeatable; default: every *.dlq topic).")
@click.option("--since", type=click.DateTime(formats=["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S.%f"]),
              default=None, help="Only letters written at or after this time (UTC).")
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
    then the --since that leaves these letters out next time (nothing remembers what was resent). Not resent, with
    why: a record that is no dead letter (an original that is no base64), a letter of a topic that is not the
    pipeline's or not on the broker, or of alerter.matches or the bursts topic (their headers are not kept): exit
    status 1. A failed webhook delivery is not resent either: `wirewatch alerts replay` re-delivers it.
    """
    from services.runtime import dead_letters as dl
    from services.runtime.kafka import aiokafka_options, broker_trouble_in_words

    if dry_run and not resend:
        raise click.UsageError("--dry-run goes with --resend")
    if as_json and resend:
        raise click.UsageError("--json lists letters; it does not go with --resend")
    started = datetime.now(timezone.utc)
    at = since.replace(tzinfo=timezone.utc) if since is not None else None
    tally = dl.Tally()
    picked: list[dl.Letter] = []

    def show(item: dl.Letter) -> None:
        if not dl.since(item, at) or not dl.chosen(item, error_classes, services):
            return
        tally.add(item)
        if resend:
            picked.append(item)
        elif as_json:
            click.echo(item.letter.model_dump_json() if item.letter else orjson.dumps(
                {"topic": item.topic, "partition": item.partition, "offset": item.offset, "unreadable": item.unreadable}).decode())
        else:
            click.echo(dl.describe(item))

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
    from services.runtime import resend as rs
    from services.runtime.kafka import aiokafka_options, broker_trouble_in_words
    from services.runtime.topics import pipeline_topics

    ours = [t for t in pipeline_topics(settings) if not t.endswith(".dlq")]
    with_headers = {settings.topics.matches, settings.alerter.bursts_topic}

    def elsewhere(letter: DeadLetter) -> str | None:
        if is_delivery(letter, settings.topics.alerts):
            return "a failed webhook delivery (keyed by its endpoint): `wirewatch alerts replay` re-delivers it"
        return None

    with broker_trouble_in_words(broker, "resend the dead letters to"):
        tally = asyncio.run(rs.resend(aiokafka_options(settings), picked, resendable=ours, kept_headers=with_headers,
                                      elsewhere=elsewhere, dry_run=dry_run, say=click.echo))
    click.echo(tally.summary(dry_run=dry_run), err=True)
    if tally.sent and not dry_run:
        click.echo(f"resending these again would send them twice: --since {rs.next_since(started, tally.newest)} leaves them out", err=True)
    return 1 if tally.problems else 0


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--until", "until", type=click.Choice(["raw", "normalized", "tagged", "alerts"]), default="tagged", show_default=True)
@click.option("--rules", type=click.Path(path_type=Path), default=None,
              help="Rules file for --until alerts (default: WIREWATCH_ALERTER__RULES).")
@click.option("--source", default=None, help=_SOURCE_HELP)
@click.option("--feed", metavar="ID", default=None, help=_FEED_HELP)
def process(paths: tuple[str, ...], until: str, rules: Path | None, source: str | None, feed: str | None) -> None:
    """Run the stages in-process, without a broker, on files, stdin (-) or URLs; print one JSON message per line."""
    from services.process import run_process
    from services.runtime.logs import configure_logging

    # stdout carries the messages, one JSON per line; warnings (a failed translation) go to stderr.
    configure_logging("warning")
    settings = _settings()
    if rules is not None:
        settings.alerter.rules = rules
    rulebook = None
    if until == "alerts":
        from services.alerter.commands import rulebook_or_exit

        # A broken rules file is said before any input is read and processed, not after.
        rulebook = rulebook_or_exit(settings.alerter.rules, given=rules is not None, code=2)

    async def go() -> int:
        records = await _inputs(paths, source, settings, feed)
        return await run_process(settings, records, until=until, out=sys.stdout, err=sys.stderr, rulebook=rulebook)

    sys.exit(asyncio.run(go()))


@main.command("settings")
@click.option("--markdown", is_flag=True, help="Print the reference table (as in the README) instead of the values in force.")
def settings_command(markdown: bool) -> None:
    """Every WIREWATCH_* setting: the values in force as a variable would set them (a secret that is set as a comment,
    its value hidden), or the documented defaults."""
    from pydantic import SecretStr

    from services.runtime.settings import describe

    if markdown:
        click.echo("| variable | default | meaning |\n| --- | --- | --- |")
        for name, default, meaning in describe():
            click.echo(f"| `{name}` | `{default}` | {meaning} |")
        return
    from services.runtime.setting_values import env_text
    from services.runtime.settings import secret_variables, values

    secrets = set(secret_variables())
    for name, value in values(_settings()):
        shown = env_text(value.get_secret_value() if isinstance(value, SecretStr) else value)
        # A secret that is set is a comment, so the output pastes back into an env file without setting it to a mask.
        click.echo(f"# {name}=(hidden)" if name in secrets and shown else f"{name}={shown}")


@main.group()
def schemas() -> None:
    """The message contracts as JSON Schema."""


@schemas.command("export")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("schemas/json"), show_default=True)
@click.option("--check", is_flag=True, help="Exit 1 if the files on disk differ, instead of writing.")
def schemas_export(out: Path, check: bool) -> None:
    """Write JSON Schema for every message model to schemas/json/."""
    from schemas.export import export_schemas

    stale = export_schemas(out, check=check)
    for name in stale:
        click.echo(f"{'stale' if check else 'wrote'} {out / name}")
    if check and stale:
        sys.exit(1)


@main.command()
@click.option("--timeout", type=float, default=180.0, show_default=True, help="Give up after this many seconds.")
@click.option("--examples", type=click.Path(exists=True, file_okay=False, path_type=Path), default=Path("examples"), show_default=True)
@click.option("--serve/--no-serve", default=True, show_default=True,
              help="Keep the newsroom page up after the run until Ctrl-C; --no-serve exits at once (tests, scripts).")
@click.option("--newsroom-port", type=int, default=8080, show_default=True, help="Port of the newsroom page (any free one if taken).")
def demo(timeout: float, examples: Path, serve: bool, newsroom_port: int) -> None:
    """Embedded broker, all services in one process, the sample articles, a local webhook receiver: the whole job, told."""
    from services.demo import run_demo

    try:
        code = asyncio.run(run_demo(examples=examples, timeout_s=timeout, serve=serve, newsroom_port=newsroom_port))
    except KeyboardInterrupt:
        code = 0
    sys.exit(code)


def _add_service_commands() -> None:
    """Each service may add its own commands in ``services/<service>/commands.py`` (``COMMANDS``: click commands)."""
    import importlib

    for service in ("ingest", "normalize", "tagger", "alerter", "newsroom"):
        try:
            module = importlib.import_module(f"services.{service}.commands")
        except ModuleNotFoundError as exc:
            if exc.name != f"services.{service}.commands":
                raise
            continue
        for command in module.COMMANDS:
            main.add_command(command)


_add_service_commands()


if __name__ == "__main__":  # pragma: no cover
    signal.signal(signal.SIGINT, signal.default_int_handler)
    main()
