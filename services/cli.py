"""The ``wirewatch`` command: run the pipeline, feed it, watch its topics, try it without a broker."""

from __future__ import annotations

import asyncio
import signal
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

import click

from services.runtime.command_settings import command_settings as _settings
from services.runtime.command_settings import relative_note
from services.runtime.options import LOCAL_PORT, broker_option
from services.runtime.settings import Settings

if TYPE_CHECKING:
    from services.runtime.web import Listening

__all__ = ["main"]


class _Main(click.Group):
    """The command group: a bad setting, wherever a command reads them, ends the command with one line, not a traceback."""

    def invoke(self, ctx: click.Context) -> object:
        from services.runtime.settings import InvalidSettings
        from services.tagger.gazetteer import GazetteerError

        try:
            return super().invoke(ctx)
        except InvalidSettings as exc:
            raise click.ClickException(f"invalid setting {exc} (see `wirewatch settings --markdown`)") from exc
        except GazetteerError as exc:  # a file of WIREWATCH_TAGGER__GAZETTEER, read by the first stage that links names
            raise click.ClickException(f"{exc} ({_GAZETTEER_HINT})") from exc


# A port a socket can be bound to (0: any free one), checked before anything is started.
_PORT = click.IntRange(0, 65535)
# The levels logging and Faust's worker both know; another was taken for info without a word.
_LOGLEVEL = click.Choice(["debug", "info", "warning", "error", "critical"], case_sensitive=False)
_GAZETTEER_HINT = "WIREWATCH_TAGGER__GAZETTEER; `wirewatch gazetteer check FILE` checks a file"


def _fresh_loop() -> None:
    # Faust's worker takes the current loop; an earlier asyncio.run() closed its own.
    asyncio.set_event_loop(asyncio.new_event_loop())


def _listen(settings: Settings, services: tuple[str, ...]) -> Listening:
    """The web server's sockets, bound now: a taken port is one line before the broker is asked anything (or, with
    WIREWATCH_WEB_ANY_PORT_IF_TAKEN, another port); then the newsroom's address and port, tried (it binds them as it
    starts); the address the web server listens on goes to stderr."""
    from services.runtime.web import CannotListen, listen

    try:
        listening = listen(settings.web_host, settings.web_port, any_port_if_taken=settings.web_any_port_if_taken)
        try:
            if "newsroom" in services:
                # Not this machine's address, or a port taken (unless it may give way): a line, not a traceback from
                # the worker's start after it joined the broker. A port equal to the web port is taken by now.
                cfg = settings.newsroom
                listen(cfg.host, cfg.port, any_port_if_taken=cfg.any_port_if_taken,
                       port_setting="WIREWATCH_NEWSROOM__PORT", host_setting="WIREWATCH_NEWSROOM__HOST").close()
        except BaseException:
            listening.close()
            raise
    except CannotListen as exc:
        raise click.ClickException(str(exc)) from exc
    if listening.gave_way:
        click.echo(f"{listening.gave_way}; the web server listens on port {listening.port} instead", err=True)
    click.echo(f"web server on {listening.url}", err=True)
    return listening


def _files_or_exit(settings: Settings, services: tuple[str, ...]) -> None:
    """The files the workers of ``services`` start from, read now: the gazetteer files (when set), the alerter's rules
    file and ingest's feeds file (when set). A missing or broken one is said in one line (exit 1) before a port is bound
    or a broker asked anything, not a traceback from the worker's start or a worker polling nothing. A running worker
    re-reads the rules and feeds files, and a broken edit then keeps the last good one (logged)."""
    # Each of these links names with the gazetteer (the alerter its rules' names too): said first, as itself.
    if settings.tagger.gazetteer and {"normalize", "tagger", "alerter"} & set(services):
        from services.tagger.gazetteer import load_entries

        load_entries(settings.tagger.gazetteer)  # a GazetteerError is one line (_Main)
    if "alerter" in services:
        from services.alerter.errors import RuleError, RuleErrors
        from services.alerter.rules import load_rulebook

        path = settings.alerter.rules
        if not path.is_file():
            what = f"{path} is a directory, not a rules file" if path.is_dir() else f"no rules file at {path}"
            raise click.ClickException(
                f"{what} (WIREWATCH_ALERTER__RULES{relative_note(path)}): set WIREWATCH_ALERTER__RULES to "
                "your rules file (the checkout's examples/rules.yaml shows the language)")
        try:
            load_rulebook(path)
        except RuleError as exc:
            counted = f"\n{path}: {exc.summary()}" if isinstance(exc, RuleErrors) else ""  # after every error, one a line
            raise click.ClickException(
                f"{exc}{counted} (WIREWATCH_ALERTER__RULES; `wirewatch rules check {path}` checks a file)") from exc
    feeds = settings.ingest.feeds_file
    if "ingest" in services and feeds is not None:
        from services.ingest.feeds import FeedsConfigError, load_feeds

        if not feeds.is_file():
            what = f"{feeds} is a directory, not a feeds file" if feeds.is_dir() else f"no feeds file at {feeds}"
            raise click.ClickException(f"{what} (WIREWATCH_INGEST__FEEDS_FILE{relative_note(feeds)})")
        try:
            load_feeds(feeds)
        except (FeedsConfigError, OSError) as exc:
            raise click.ClickException(
                f"{exc} (WIREWATCH_INGEST__FEEDS_FILE; `wirewatch feeds check {feeds}` checks a file)") from exc


def _ready(settings: Settings, services: tuple[str, ...]) -> Listening:
    """What is checked before the broker is asked anything (or a broker started), each a line and exit 1: the data
    directory, the files the workers start from, the web port (bound now), the newsroom's address."""
    from services.runtime.app import prepare_data_dir

    prepare_data_dir(settings)
    _files_or_exit(settings, services)
    return _listen(settings, services)


def _run_worker(settings: Settings, services: tuple[str, ...], loglevel: str, broker_wait_s: float = 120.0,
                listening: Listening | None = None) -> None:
    from services.runtime.app import create_app
    from services.runtime.broker_trouble import broker_trouble_in_words
    from services.runtime.logs import bound_repeats, configure_logging
    from services.runtime.topics import ensure_topics

    listening = listening if listening is not None else _ready(settings, services)
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
        _faust_worker(app, loglevel).execute_from_commandline()
    finally:
        listening.close()  # the web server has closed them already, unless the worker ended before it served


def _faust_worker(app, loglevel: str, stdout=None):
    """Faust's worker, without its progress spinner where stdout is no terminal: at a level of warning or above
    the spinner writes cursor-hiding escape codes (``ESC[?25l``) into a log file, a pipe or a container's log."""
    import faust

    worker = faust.Worker(app, loglevel=loglevel.upper(), quiet=True, redirect_stdouts=False,
                          **({"stdout": stdout} if stdout is not None else {}))
    if not worker.stdout.isatty():
        worker.spinner = None
    return worker


_WEB_PORT_HELP = ("Port of /metrics, /healthz, /readyz and POST /ingest (default: WIREWATCH_WEB_PORT, else 6066; "
                  "0: any free port, said on stderr).")
_SOURCE_HELP = ("Source name of every article that names none, whatever the name ('file' too); "
                "default: the article's site, else the feed's, else file or stdin.")
_FEED_HELP = ("Read the URLs the way feed ID of the feeds file (WIREWATCH_INGEST__FEEDS_FILE) is polled: its JSON fields "
              "and items, headers, language and tags. Default: a URL that is a feed's URL there is read as that feed.")


@click.group(cls=_Main)
def main() -> None:
    """wirewatch: live news feeds to clean English, linked entities, stories and signed webhook alerts."""


@main.command()
@broker_option(fallback="", help="Kafka bootstrap servers; none starts the embedded broker.")
@click.option("--embedded-port", type=_PORT, default=LOCAL_PORT, show_default=True,
              help="Port of the embedded broker, when there is no --broker (0: any free port).")
@click.option("--web-port", type=_PORT, default=None, help=_WEB_PORT_HELP)
@click.option("--loglevel", type=_LOGLEVEL, default="info", show_default=True)
def run(broker: str, embedded_port: int, web_port: int | None, loglevel: str) -> None:
    """All five services in one process (the embedded default)."""
    from services.runtime.app import SERVICES
    from services.runtime.broker import EmbeddedBroker

    settings = _settings(broker=broker, web_port=web_port)
    listening = _ready(settings, SERVICES)  # a bad file or a taken port is said before a broker is started for nothing
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
@click.option("--web-port", type=_PORT, default=None, help=_WEB_PORT_HELP)
@click.option("--loglevel", type=_LOGLEVEL, default="info", show_default=True)
@click.option("--broker-wait", type=click.FloatRange(min=0), default=120.0, show_default=True,
              help="Seconds to wait at start for a broker that is not up yet (logged every 10 s), then exit 1.")
def worker(service: str, broker: str, web_port: int | None, loglevel: str, broker_wait: float) -> None:
    """One service as its own consumer group; run several to share partitions."""
    _run_worker(_settings(broker=broker, web_port=web_port), (service,), loglevel, broker_wait)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=_PORT, default=LOCAL_PORT, show_default=True)
def broker(host: str, port: int) -> None:
    """The embedded Kafka-compatible broker (Tansu, memory-only) in the foreground.

    Exit status 1 when the port is taken, or when the broker stops by itself (it exits 0 even on a panic)."""
    import subprocess

    from services.runtime.broker import EmbeddedBroker
    from services.runtime.ports import port_holder, port_in_use

    try:
        taken = port_in_use(host, port)
    except OSError as exc:  # a port below 1024 as non-root, a --host that is not this machine's
        from services.runtime.error_words import cannot_listen

        raise click.ClickException(f"{cannot_listen(host, port, exc)}; --host and --port say where") from exc
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
    from services.ingest.verdicts import said_apart

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
        for rejected in said_apart(report.rejected, report.nothing):  # the others, each input's "0 articles" line says
            click.echo(f"rejected {rejected.reason}", err=True)
        for nothing in report.nothing:
            click.echo(str(nothing), err=True)
        for ignored in report.ignored:
            click.echo(str(ignored), err=True)
        for note in report.notes:
            click.echo(str(note), err=True)
        return 1 if report.failed else 0

    from services.runtime.broker_trouble import broker_trouble_in_words

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
@click.argument("paths", nargs=-1, required=True)
@click.option("--until", "until", type=click.Choice(["raw", "normalized", "tagged", "alerts"]), default="tagged", show_default=True)
@click.option("--rules", type=click.Path(path_type=Path), default=None,
              help="Rules file for --until alerts (default: WIREWATCH_ALERTER__RULES, else examples/rules.yaml).")
@click.option("--source", default=None, help=_SOURCE_HELP)
@click.option("--feed", metavar="ID", default=None, help=_FEED_HELP)
def process(paths: tuple[str, ...], until: str, rules: Path | None, source: str | None, feed: str | None) -> None:
    """Run the stages in-process, without a broker, on files, stdin (-) or URLs; print one JSON message per line."""
    from services.process import run_process
    from services.runtime.logs import configure_logging

    # stdout carries the messages, one JSON per line; warnings (a failed translation) go to stderr.
    configure_logging("warning")
    if rules is not None and until != "alerts":  # read by no stage before the alerter: it would be ignored unsaid
        raise click.UsageError(f"--rules goes with --until alerts (this runs the stages until {until})")
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
    # A setting turned off (None) whose default is on: empty would read back as unset, the default, so it says `off`.
    on_by_default = {name for name, default, _ in describe() if default != "(unset)"}
    for name, value in values(_settings()):
        shown = env_text(value.get_secret_value() if isinstance(value, SecretStr) else value)
        shown = "off" if value is None and name in on_by_default else shown
        # A secret that is set is a comment, so the output pastes back into an env file without setting it to a mask.
        click.echo(f"# {name}=(hidden)" if name in secrets and shown else f"{name}={shown}")


_SCHEMAS_DIR = Path("schemas/json")


@main.group()
def schemas() -> None:
    """The message contracts as JSON Schema."""


@schemas.command("export")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=_SCHEMAS_DIR, show_default=True)
@click.option("--check", is_flag=True, help="Exit 1 if the files on disk differ, instead of writing.")
def schemas_export(out: Path, check: bool) -> None:
    """Write JSON Schema for every message model to schemas/json/."""
    from schemas.export import export_schemas
    from services.runtime.error_words import os_error_in_words

    try:
        stale = export_schemas(out, check=check)
    except OSError as exc:
        where = exc.filename if isinstance(exc.filename, str) else out
        raise click.ClickException(f"cannot write the schemas to {out}: {where}: {os_error_in_words(exc)} "
                                   "(--out names another directory)") from None
    if not stale:
        click.echo(f"{out}: every schema up to date")
    for name in stale:
        click.echo(f"{'wrote' if not check else 'stale' if (out / name).exists() else 'missing'} {out / name}")
    if check and stale:
        where = "" if out == _SCHEMAS_DIR else f" --out {out}"
        raise click.ClickException(f"{len(stale)} schema file{'s' if len(stale) > 1 else ''} differ"
                                   f"{'' if len(stale) > 1 else 's'} from the message models: "
                                   f"`wirewatch schemas export{where}` writes them")


@main.command()
@click.option("--timeout", type=float, default=180.0, show_default=True, help="Give up after this many seconds.")
@click.option("--examples", type=click.Path(exists=True, file_okay=False, path_type=Path), default=Path("examples"), show_default=True)
@click.option("--serve/--no-serve", default=True, show_default=True,
              help="Keep the newsroom page up after the run until Ctrl-C; --no-serve exits at once (tests, scripts).")
@click.option("--newsroom-port", type=_PORT, default=8080, show_default=True, help="Port of the newsroom page (any free one if taken).")
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
    from services.runtime.topic_commands import COMMANDS

    for command in COMMANDS:  # tail, dead-letters: the topics as they are
        main.add_command(command)


_add_service_commands()


if __name__ == "__main__":  # pragma: no cover
    signal.signal(signal.SIGINT, signal.default_int_handler)
    main()
