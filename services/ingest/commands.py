"""``wirewatch feeds ...``: check a feeds file by fetching each feed once, and ask a running worker how its feeds are."""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

import click
import orjson

from services.runtime.options import SettingsDefault

__all__ = ["COMMANDS"]


@click.group()
def feeds() -> None:
    """The feeds ingest polls."""


@feeds.command("check")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--no-fetch", is_flag=True, help="Only validate the file.")
def check(file: Path, no_fetch: bool) -> None:
    """Validate FILE (YAML or OPML), fetch each feed once, print status, format, entries and why a feed gave nothing.

    Everything on stdout, a feed a block; exit status 1 when a feed failed, 2 when FILE is invalid."""
    from services.ingest.feeds import FeedsConfigError, load_feeds
    from services.ingest.fetcher import Fetcher, shown_url
    from services.ingest.poller import policy_for, poll_once
    from services.ingest.polling import FeedState
    from services.runtime.settings import load_settings

    try:
        config = load_feeds(file)
    except FeedsConfigError as exc:
        for problem in exc.problems:
            click.echo(f"invalid {problem}", err=True)
        sys.exit(2)
    nothing = " (it lists no feed: ingest would poll nothing)" if not config.feeds else ""
    click.echo(f"{file}: {len(config.feeds)} feed{'' if len(config.feeds) == 1 else 's'}, valid{nothing}")
    if no_fetch:
        return
    settings = load_settings().ingest

    async def go() -> int:
        failed = 0
        async with Fetcher(settings) as fetcher:
            async def one(feed):
                state = FeedState(feed_id=feed.id, url=feed.url)
                return await poll_once(feed, state, fetcher, policy=policy_for(feed, config, settings), now=time.time(),
                                       conditional=False, archives=True, deep=True)  # what a first poll reads
            results = await asyncio.gather(*(one(f) for f in config.feeds))
        for r in results:
            entries = sum(1 for x in r.records if hasattr(x, "article"))
            # A page that is no feed at all is said once, as what it is; the XML parser's complaints about it are noise.
            not_a_feed = r.nothing is not None and r.nothing.reason == "not_a_feed"
            invalid = 0 if not_a_feed else len(r.records) - entries
            moved = f" moved to {shown_url(r.state.url)}" if r.state.url != r.feed.url else ""
            status = r.status if r.status is not None else r.error_class
            pages = f" from {r.pages} pages" if r.pages > 1 else ""
            click.echo(f"{r.feed.id}\t{status}\t{r.format or '-'}\t{entries} entr{'y' if entries == 1 else 'ies'}{pages}"
                       + (f", {invalid} invalid" if invalid else "") + moved)
            for problem in [] if not_a_feed else r.problems:
                click.echo(f"  problem: {problem}")
            for bad in (x for x in r.records if not hasattr(x, "article") and not not_a_feed):
                click.echo(f"  rejected: {bad.reason}")
            # Why a feed gave nothing is its result: said once, under it, on stdout; the exit status tells a script.
            if r.nothing is not None:
                click.echo(f"  0 articles: {r.nothing.detail}")
            elif r.error:
                click.echo(f"  error: {r.error}")
            if r.error or (r.nothing is not None and r.nothing.is_error):
                failed += 1
        return 1 if failed else 0

    sys.exit(asyncio.run(go()))


def _worker_url() -> str:
    """Where a command on this host reaches the worker's web server by the settings in force (WIREWATCH_WEB_HOST and
    WIREWATCH_WEB_PORT, from the environment or ./.env, as the worker reads them); loopback for a wildcard address."""
    from services.runtime.settings import load_settings

    settings = load_settings()
    host = settings.web_host if settings.web_host not in ("", "0.0.0.0", "::") else "127.0.0.1"
    return f"http://{f'[{host}]' if ':' in host else host}:{settings.web_port}"


def _checked_url(ctx: click.Context, param: click.Parameter, value: str) -> str:
    """A web address the command can ask (``127.0.0.1:6066`` is taken for http://127.0.0.1:6066), or a usage error in
    words: urllib says ``unknown url type`` with a traceback, and a port past 65535 fails in the socket the same way."""
    from urllib.parse import urlsplit

    url = value if "://" in value else f"http://{value}"
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        port = -1
    if parts.scheme not in ("http", "https") or not parts.hostname or port == -1 or port == 0:
        raise click.BadParameter(f"{value!r} is not the web address of a worker, such as http://127.0.0.1:6066",
                                 ctx=ctx, param=param)
    return url


@feeds.command("status")
@click.option("--url", cls=SettingsDefault, default=_worker_url, show_default=True, callback=_checked_url,
              help="Web address of the ingest worker; default: WIREWATCH_WEB_HOST (127.0.0.1 for 0.0.0.0) and "
                   "WIREWATCH_WEB_PORT, as the worker reads them.")
@click.option("--json", "as_json", is_flag=True, help="Print the worker's answer as JSON.")
@click.pass_context
def status(ctx: click.Context, url: str, as_json: bool) -> None:
    """How each feed of a running ingest worker is doing: failing feeds first."""
    import urllib.error
    import urllib.request

    from services.runtime.error_words import os_error_in_words

    where = f"{url.rstrip('/')}/feeds"
    if ctx.get_parameter_source("url") is click.core.ParameterSource.DEFAULT:
        tried = f"{url} (by WIREWATCH_WEB_HOST and WIREWATCH_WEB_PORT)"
        how = "--url, or WIREWATCH_WEB_PORT set as the worker's, names another"
    else:
        tried, how = url, "--url names its web port"
    hint = f"is an ingest worker (`wirewatch worker ingest` or `wirewatch run`) serving there? {how}"
    try:
        with urllib.request.urlopen(where, timeout=10) as resp:
            answer = orjson.loads(resp.read())
    except urllib.error.HTTPError as exc:
        raise click.ClickException(f"{where} answered HTTP {exc.code} {exc.reason}, not a feeds status ({hint})") from None
    except (urllib.error.URLError, OSError) as exc:
        why = exc.reason if isinstance(exc, urllib.error.URLError) else exc
        raise click.ClickException(f"no ingest worker answers at {tried}: "
                                   f"{os_error_in_words(why) if isinstance(why, OSError) else why} ({hint})") from None
    except orjson.JSONDecodeError:
        answer = None
    if not isinstance(answer, dict) or not isinstance(answer.get("feeds"), list):
        raise click.ClickException(f"{where} answered, but not with a feeds status ({hint})")
    if as_json:
        click.echo(orjson.dumps(answer, option=orjson.OPT_INDENT_2).decode())
        return
    rows = sorted(answer.get("feeds", []), key=lambda f: (not f["failing"], f["feed"]))
    if not rows:
        feeds_file = answer.get("feeds_file")
        click.echo(f"no feeds (feeds file: {feeds_file})" if feeds_file
                   else "no feeds: the worker has no feeds file (WIREWATCH_INGEST__FEEDS_FILE is not set)")
    for f in rows:
        state = "DISABLED" if f["disabled"] else ("FAILING" if f["failing"] else "ok")
        if not f.get("polled_here", True) and not f["failing"]:
            state = "elsewhere"  # another ingest worker holds this feed's partition
        last = f"last status {f['last_status']}" if f["last_status"] is not None else "not polled yet"
        # A disabled feed (a 410) is polled no more: its row says why instead of when.
        then = f"next poll in {f['next_poll_in_s']} s" if f["next_poll_in_s"] is not None \
            else f"not polled again: {f['disabled'] or 'disabled'}"
        # Rejected: what the feed's last answer held that ingest rejected (each dead-lettered once, not at every poll).
        rejected = f", {f['rejected']} rejected" if f.get("rejected") else ""
        line = f"{f['feed']}\t{state}\t{last}\t{f['entries']} entries{rejected}\t{then}"
        click.echo(line)
        if f["last_error"]:
            since = ""
            if f.get("last_error_at"):
                since = f", last at {time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(f['last_error_at']))}"
            kind = f" [{f['last_error_class']}]" if f.get("last_error_class") else ""
            click.echo(f"  {f['consecutive_failures']} failures in a row{since}{kind}: {f['last_error']}")
    sys.exit(1 if any(f["failing"] for f in rows) else 0)


COMMANDS: list[click.Command] = [feeds]
