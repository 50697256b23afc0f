"""Typed values read out of composed YAML nodes, each error and warning naming the file and line.

Strings may use ``${VAR}`` and ``${VAR:-default}``, read from the environment given (an unquoted one is typed as if
its value had been written in place); durations are written ``90s``, ``10m``, ``2h`` or ``1d``; an unknown key in a
mapping gets a "did you mean" suggestion.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager

import yaml

from services.alerter.errors import RuleError, RuleErrors
from services.alerter.loader_errors import kind, suggest
from services.runtime.text import interpolate, references

__all__ = ["YamlReader", "parse_duration"]

_DURATION = re.compile(r"^\s*([0-9]+(?:\.[0-9]+)?)\s*(ms|s|m|h|d|w)?\s*$")
_UNITS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800, None: 1}


def parse_duration(value: object) -> float:
    """Seconds from ``90``, ``"90s"``, ``"10m"``, ``"1.5h"``, ``"2d"``; ValueError otherwise."""
    if isinstance(value, bool):
        raise ValueError(f"not a duration: {value!r}")
    if isinstance(value, (int, float)):
        seconds = float(value)
    else:
        m = _DURATION.match(str(value))
        if not m:
            raise ValueError(f"not a duration: {value!r} (write 90s, 10m, 2h or 1d)")
        seconds = float(m.group(1)) * _UNITS[m.group(2)]
    if seconds <= 0:
        raise ValueError(f"a duration must be positive, got {value!r}")
    return seconds


class YamlReader:
    """Reads the values of one file's YAML nodes, raising a RuleError at the node's line for any that is wrong; a
    caller reading parts apart keeps each part's error (``collecting``) and raises them all at the end."""

    stops: tuple[type[RuleError], ...] = ()  # errors no part of the file is to blame for: the reading stops at them

    def __init__(self, name: str, env: Mapping[str, str]) -> None:
        self.name = name
        self.env = env
        self.warnings: list[str] = []
        # Every broken part is said at once, each with what it belongs to (("rule", line); None: the file's own shape).
        self.errors: list[tuple[tuple[str, object] | None, RuleError]] = []
        self.constructor = yaml.constructor.SafeConstructor()
        self.resolver = yaml.resolver.Resolver()

    def error(self, node: yaml.Node | None, problem: str) -> RuleError:
        line = node.start_mark.line + 1 if node is not None else None
        return RuleError(problem, source=self.name, line=line)

    @contextmanager
    def collecting(self, owner: tuple[str, object] | None) -> Iterator[None]:
        """Keep a RuleError raised inside among ``errors``, for ``owner``, and go on to the next part."""
        try:
            yield
        except self.stops:
            raise
        except RuleError as exc:
            self.errors.append((owner, exc))

    def raise_errors(self) -> None:
        """The one error kept, as it was raised; or all of them in the file's order, counted by what they belong to."""
        if len(self.errors) == 1:
            raise self.errors[0][1]
        if self.errors:
            ordered = sorted(self.errors, key=lambda found: found[1].line or 0)
            owners = {owner for owner, _ in ordered if owner is not None}
            raise RuleErrors([exc for _, exc in ordered], rules=sum(kind == "rule" for kind, _ in owners),
                             webhooks=sum(kind == "webhook" for kind, _ in owners))

    def warn(self, node: yaml.Node | None, problem: str) -> str | None:
        """Keep ``problem`` at the node's line among the warnings; the message, or None when it was there already."""
        message = str(self.error(node, problem))
        if message in self.warnings:
            return None
        self.warnings.append(message)
        return message

    def number(self, node: yaml.Node, what: str, *, integer: bool = False, minimum: float | None = None,
               exclusive: bool = False) -> float:
        value = self.scalar(node, what)
        kinds = (int,) if integer else (int, float)
        if isinstance(value, bool) or not isinstance(value, kinds):
            raise self.error(node, f"{what} must be a{' whole' if integer else ''} number, got {value!r}")
        if minimum is not None and (value < minimum or (exclusive and value == minimum)):
            raise self.error(node, f"{what} must be {'more than' if exclusive else 'at least'} {minimum:g}, got {value!r}")
        return value

    def duration(self, node: yaml.Node, what: str) -> float:
        try:
            return parse_duration(self.scalar(node, what))
        except ValueError as exc:
            raise self.error(node, f"{what}: {exc}") from None

    def scalar(self, node: yaml.Node, what: str) -> object:
        if not isinstance(node, yaml.ScalarNode):
            raise self.error(node, f"{what} must be a single value, not a {kind(node)}")
        value = node.value
        if "$" in value and node.tag == "tag:yaml.org,2002:str":
            try:
                value = interpolate(value, self.env)
            except KeyError as exc:
                raise self.error(node, f"{what}: environment variable {exc.args[0]} is not set and has no default") from None
            empty = [name for name in references(node.value) if name in self.env and not self.env[name]]
            if empty and not value.strip():
                # Else YAML reads the empty result as null and the error says "got None", naming no variable.
                raise self.error(node, f"{what}: environment variable {empty[0]} is set but empty, and has no default")
            if node.style is None:
                # An unquoted ${PORT} should become an int as if it had been written in place.
                tag = self.resolver.resolve(yaml.ScalarNode, value, (True, False))
            else:
                tag = node.tag
            node = yaml.ScalarNode(tag, value, node.start_mark, node.end_mark, style=node.style)
        try:
            return self.constructor.construct_object(node, deep=True)
        except yaml.YAMLError as exc:
            raise self.error(node, f"{what}: {exc}") from None

    def string(self, node: yaml.Node, what: str, *, allow_empty: bool = False) -> str:
        value = self.scalar(node, what)
        if isinstance(value, bool) and isinstance(node, yaml.ScalarNode) and node.style is None:
            # YAML 1.1 reads yes/no/on/off unquoted as true/false: `language: no` (Norwegian) arrives as False.
            raise self.error(node, f"{what} must be a string, got {node.value} (which YAML reads as {str(value).lower()}): "
                                   f"quote it, '{node.value}'")
        if value is None:
            raise self.error(node, f"{what} is empty")
        if isinstance(value, bool) or isinstance(value, (dict, list)):
            raise self.error(node, f"{what} must be a string, got {value!r}")
        value = str(value).strip()
        if not value and not allow_empty:
            raise self.error(node, f"{what} must not be empty")
        return value

    def strings(self, node: yaml.Node, what: str) -> tuple[str, ...]:
        """One string, or a non-empty list of strings."""
        if isinstance(node, yaml.SequenceNode):
            if not node.value:
                raise self.error(node, f"{what} must not be an empty list")
            return tuple(self.string(item, what) for item in node.value)
        return (self.string(node, what),)

    def mapping(
        self, node: yaml.Node, what: str, allowed: Sequence[str], *, key_kind: str = "key"
    ) -> dict[str, tuple[yaml.Node, yaml.Node]]:
        if not isinstance(node, yaml.MappingNode):
            raise self.error(node, f"{what} must be a mapping, not a {kind(node)}")
        out: dict[str, tuple[yaml.Node, yaml.Node]] = {}
        for key_node, value_node in node.value:
            key = self.string(key_node, f"{what} key")
            if key in out:
                raise self.error(key_node, f"{what}: duplicate key {key!r} (first on line {out[key][0].start_mark.line + 1})")
            if allowed and key not in allowed:
                raise self.error(key_node, f"{what}: unknown {key_kind} {key!r}{suggest(key, allowed)}")
            out[key] = (key_node, value_node)
        return out
