"""``wirewatch gazetteer ...``: what a name links to, who holds which office, and whether your own gazetteer file is valid."""

from __future__ import annotations

import difflib
import sys
from collections import defaultdict
from pathlib import Path

import click

__all__ = ["COMMANDS"]


def _load(files: tuple[Path, ...]):
    from services.runtime.settings import load_settings
    from services.tagger.gazetteer import Gazetteer, GazetteerError

    paths = [*load_settings().tagger.gazetteer, *files]
    try:
        return Gazetteer.load(paths)
    except GazetteerError as exc:
        click.echo(f"invalid: {exc}", err=True)
        sys.exit(2)


def _roles(entry, *, former: bool = True) -> list[str]:
    out = []
    for role in entry.roles:
        if role.until and not former:
            continue
        span = f"since {role.since}" if role.since else ""
        if role.until:
            span = f"{role.since or '?'} to {role.until}"
        out.append(f"{role.office} ({role.of}{', ' + span if span else ''})")
    return out


@click.group()
def gazetteer() -> None:
    """The canonical entities the tagger links mentions to (bundled data plus WIREWATCH_TAGGER__GAZETTEER files)."""


@gazetteer.command("lookup")
@click.argument("names", nargs=-1, required=True)
@click.option("--file", "files", multiple=True, type=click.Path(exists=True, dir_okay=False, path_type=Path), help="Also load this gazetteer file.")
def lookup(names: tuple[str, ...], files: tuple[Path, ...]) -> None:
    """Which entity each NAME links to (any alias, any language), with its type, country and offices."""
    gaz = _load(files)
    missing = 0
    for name in names:
        entry = gaz.lookup(name) or gaz.lookup_acronym(name)
        if entry is None:
            missing += 1
            click.echo(f"{name}\t-\tnot in the gazetteer (or an alias several entities share)")
            continue
        where = f"\tcountry {entry.country}" if entry.country and entry.country != entry.id else ""
        where += f"\tstate body of {entry.state_body_of}" if entry.state_body_of else ""
        click.echo(f"{name}\t{entry.id}\t{entry.name}\t{entry.type}{where}")
        for role in _roles(entry):
            click.echo(f"\t{role}")
    sys.exit(1 if missing else 0)


@gazetteer.command("leaders")
@click.option("--of", "of", default=None, help="Only offices of this country or organisation (QID or name).")
@click.option("--former", is_flag=True, help="Also list offices that have ended.")
def leaders(of: str | None, former: bool) -> None:
    """Who holds each country's and organisation's top offices, as the gazetteer has it (see its as_of date)."""
    if of is not None and not of.strip():
        raise click.UsageError("--of needs a country's or organisation's name or QID (empty lists nothing: leave --of out to list all)")
    gaz = _load(())
    target = None
    if of:
        found = gaz.get(of) or gaz.lookup(of) or gaz.lookup_acronym(of)
        if found is None:
            # the names the offices belong to: what --of is for
            holders = sorted({place.name for entry in gaz for role in entry.roles if (place := gaz.get(role.of))})
            close = difflib.get_close_matches(of, holders, n=3, cutoff=0.8)
            meant = f"; did you mean {' or '.join(close)}?" if close else " (a country's or organisation's name or QID)"
            click.echo(f"{of!r} is not in the gazetteer{meant}", err=True)
            sys.exit(2)
        target = found.id
    rows = []
    for entry in gaz:
        for role in entry.roles:
            if (target and role.of != target) or (role.until and not former):
                continue
            place = gaz.get(role.of)
            rows.append((place.name if place else role.of, role.kind, role.office, entry.name, entry.id, role.since or "", role.until or ""))
    for row in sorted(rows):
        click.echo("\t".join(row).rstrip())
    if not rows:
        held = "" if former else " held now (--former lists ended ones too)"
        click.echo(f"no offices of {found.name} ({found.id}){held} in the gazetteer" if target else "no offices in the gazetteer",
                   err=True)
        sys.exit(1)


@gazetteer.command("check")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
def check(files: tuple[Path, ...]) -> None:
    """Validate FILES merged over the bundled gazetteer; list aliases two entities share (never linked: ambiguous), and
    names one entity matches in any case and another only as written (the first always wins)."""
    from services.tagger.gazetteer import fold, load_entries

    gaz = _load(files)
    own = {e.id for e in load_entries(list(files), bundled=False)}
    by_alias: dict[str, set[str]] = defaultdict(set)
    for entry in gaz:
        for alias, cased in entry.surface_forms():
            by_alias[alias if cased else fold(alias)].add(entry.id)
    shared = sorted((alias, ids) for alias, ids in by_alias.items() if len(ids) > 1 and ids & own)
    click.echo(f"valid: {len(own)} entities from {', '.join(map(str, files))}; {len(gaz)} in all with the bundled data")
    for alias, ids in shared:
        click.echo(f"ambiguous alias {alias!r}: {', '.join(sorted(ids))} (a mention of it is left unlinked)")
    for line in case_clashes(gaz, own):
        click.echo(line)


def case_clashes(gaz, own: set[str]) -> list[str]:
    """Warnings for a name one entity has as a cased alias (matched only as written) and another as an alias matched
    in any case, one of them from the user's files: the two are not one alias, so not ambiguous, but in text the
    any-case match wins on the same words and the cased entity is never linked by that name."""
    from services.tagger.gazetteer import fold

    any_case: dict[str, set[str]] = defaultdict(set)
    as_written: dict[str, set[str]] = defaultdict(set)
    for entry in gaz:
        for alias, cased in entry.surface_forms():
            (as_written[alias] if cased else any_case[fold(alias)]).add(entry.id)
    clashes: dict[tuple[str, tuple[str, ...]], list[str]] = defaultdict(list)  # ("JORDAN" and "Jordan": one warning)
    for alias, cased_ids in sorted(as_written.items(), key=lambda item: item[0].isupper()):
        winners = any_case.get(fold(alias), set())
        # Two any-case owners are reported as ambiguous above: the mention is left unlinked.
        if len(winners) == 1 and (losers := cased_ids - winners) and (winners | losers) & own:
            clashes[(next(iter(winners)), tuple(sorted(losers)))].append(alias)

    def named(qid: str) -> str:
        return f"{qid} ({gaz.get(qid).name}{', yours' if qid in own else ''})"

    lines = []
    for (winner, losers), aliases in clashes.items():
        written = " / ".join(map(repr, aliases))
        lost = ", ".join(losers)
        lines.append(f"case clash on {written}: {named(winner)} has it as an alias matched in any case, "
                     f"{', '.join(map(named, losers))} as a cased alias (matched only as written); the tagger links "
                     f"{written} to {winner} and never to {lost}"
                     # A rule's entity name looks up cased aliases first (services/tagger/gazetteer.py: lookup).
                     f"{f', while a rule naming entity:{aliases[0]} means {lost}' if len(losers) == 1 else ''} "
                     f"(make both cased aliases to leave it ambiguous and unlinked, or drop one)")
    return lines


COMMANDS = [gazetteer]
