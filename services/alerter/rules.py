"""Alert rules: load a YAML rulebook (with errors that name file and line) and match tagged articles.

A rule's ``when`` is a tree of conditions: ``entity`` (with salience: in title, in lead, mention
count), ``keyword``, ``near`` (words within N of each other), ``language``, ``source``, ``tag``,
``story_size`` and ``query`` (the compact string form), combined with ``all``, ``any`` and ``not``.
A mapping with several keys means all of them. A rule may also ask for a window (N articles or
sources within W), a burst, follow-ups, a cooldown and a repeat interval (see ``AlertPolicy``).
Strings may use ``${VAR}`` and ``${VAR:-default}``, read from the environment given.
"""

from __future__ import annotations

import difflib
import fnmatch
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import yaml

from schemas import Entity, TaggedArticle
from services.alerter.errors import RuleError
from services.alerter.query import QueryError, parse_query
from services.alerter.webhooks import WebhookEndpoint, parse_secret
from services.runtime.text import lead_end

__all__ = [
    "Condition",
    "EntityCondition",
    "KeywordCondition",
    "LanguageCondition",
    "SourceCondition",
    "NearCondition",
    "TagCondition",
    "StorySizeCondition",
    "AlertPolicy",
    "WindowSpec",
    "BurstSpec",
    "parse_duration",
    "parse_condition_query",
    "lead_end",
    "AllOf",
    "AnyOf",
    "Not",
    "Rule",
    "RuleMatch",
    "RuleBook",
    "load_rulebook",
    "interpolate",
]

_QID = re.compile(r"^[Qq][1-9][0-9]*$")
_RULE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")
_ENV_REF = re.compile(r"\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")


# --------------------------------------------------------------------------- evaluation


_TOKEN = re.compile(r"\w+(?:['’.-]\w+)*")


@dataclass(frozen=True)
class EntityStats:
    """How an article names one entity: mentions, in the title, in the lead, and a salience score."""

    mentions: int
    in_title: bool
    in_lead: bool
    salience: float


def _score(mentions: int, in_title: bool, in_lead: bool) -> float:
    # Computed only when the tagger gives no salience: the title weighs most, then the lead, then repetition.
    return round(0.5 * in_title + 0.3 * in_lead + 0.2 * min(1.0, mentions / 5), 3)


class _Facts:
    """What conditions look at in one article, computed once per article (and lazily)."""

    def __init__(self, article: TaggedArticle) -> None:
        self.article = article
        self.title = article.title
        self.body = article.body
        self.language = article.language.lower()
        self.source = article.source
        self.entities = article.entities
        self._lead: int | None = None
        self._words: dict[str, list[str]] = {}
        self._tagged_salience: dict[str, object] | None = None

    @property
    def lead(self) -> int:
        if self._lead is None:
            self._lead = lead_end(self.body)
        return self._lead

    def words(self, field_name: str) -> list[str]:
        if field_name not in self._words:
            text = self.title if field_name == "title" else self.body
            self._words[field_name] = [w.casefold() for w in _TOKEN.findall(text)]
        return self._words[field_name]

    def positions(self, field_name: str) -> dict[str, list[int]]:
        key = "#" + field_name
        if key not in self._words:
            index: dict[str, list[int]] = {}
            for i, w in enumerate(self.words(field_name)):
                index.setdefault(w, []).append(i)
            self._words[key] = index  # type: ignore[assignment]
        return self._words[key]  # type: ignore[return-value]

    @property
    def tags(self) -> tuple[str, ...]:
        # Feed tags arrive with the feeds work; read whichever field exists, never require it.
        for name in ("tags", "feed_tags"):
            value = getattr(self.article, name, None)
            if value:
                return tuple(str(t).casefold() for t in value)
        return ()

    @property
    def story_size(self) -> int:
        # Filled by the story stage (and `wirewatch process`): the story's articles once this one joined it.
        return self.article.story_size

    def stats(self, key: str | None, mentions: Sequence[Entity]) -> EntityStats:
        """Salience of one entity: the tagger's record when there is one, else computed from the mentions."""
        if self._tagged_salience is None:
            records = getattr(self.article, "salience", None) or []
            self._tagged_salience = {getattr(r, "key", None): r for r in records if getattr(r, "key", None)}
        record = self._tagged_salience.get(key) if key else None
        if record is not None:
            m, t, lead = int(getattr(record, "mentions", len(mentions))), bool(getattr(record, "in_title", False)), bool(
                getattr(record, "in_lead", False))
            score = getattr(record, "score", None)
            return EntityStats(m, t, lead, float(score) if isinstance(score, (int, float)) else _score(m, t, lead))
        in_title = any(e.field == "title" for e in mentions)
        in_lead = any(e.field == "body" and e.start < self.lead for e in mentions)
        return EntityStats(len(mentions), in_title, in_lead, _score(len(mentions), in_title, in_lead))


class Condition(Protocol):
    def check(self, facts: _Facts) -> list[str] | None:
        """The reasons this condition holds, or None when it does not."""

    def describe(self) -> str:
        """The condition as a user wrote it, in one line."""


def _fields(entities: Sequence[Entity]) -> str:
    present = {e.field for e in entities}
    return " and ".join(f for f in ("title", "body") if f in present)


@dataclass(frozen=True)
class EntityCondition:
    """An entity linked to a QID, or with this canonical name, or unlinked with this surface text.

    Optionally salient: named in the title and/or lead (``where``: any of them), at least
    ``min_mentions`` times, with at least ``min_salience``.
    """

    value: str
    where: tuple[str, ...] = ()
    min_mentions: int = 1
    min_salience: float = 0.0

    @property
    def qid(self) -> str | None:
        return self.value.upper() if _QID.match(self.value) else None

    def check(self, facts: _Facts) -> list[str] | None:
        qid = self.qid
        name = self.value.casefold()
        linked: dict[str, list[Entity]] = {}
        unlinked: dict[str, list[Entity]] = {}
        for entity in facts.entities:
            if entity.canonical_id is not None:
                if (qid is not None and entity.canonical_id.upper() == qid) or (
                    qid is None and (entity.canonical_name or "").casefold() == name
                ):
                    linked.setdefault(entity.canonical_id, []).append(entity)
            elif qid is None and entity.text.casefold() == name:
                unlinked.setdefault(entity.text, []).append(entity)
        salient = bool(self.where) or self.min_mentions > 1 or self.min_salience > 0
        reasons = []
        for cid, mentions in linked.items():
            label = mentions[0].canonical_name or mentions[0].text
            reason = self._salient(facts, cid, mentions) if salient else ""
            if reason is not None:
                reasons.append(f"entity:{cid} ({label}) in {_fields(mentions)}{reason}")
        for text, mentions in unlinked.items():
            key = getattr(mentions[0], "key", None)
            reason = self._salient(facts, key, mentions) if salient else ""
            if reason is not None:
                reasons.append(f"entity:{text!r} (unlinked) in {_fields(mentions)}{reason}")
        return reasons or None

    def _salient(self, facts: _Facts, key: str | None, mentions: list[Entity]) -> str | None:
        stats = facts.stats(key, mentions)
        places = [w for w in self.where if (w == "title" and stats.in_title) or (w == "lead" and stats.in_lead)]
        if self.where and not places:
            return None
        if stats.mentions < self.min_mentions or stats.salience < self.min_salience:
            return None
        parts = [f"{stats.mentions} mention{'s' if stats.mentions != 1 else ''}"]
        if places:
            parts.append("in " + " and ".join(places))
        if self.min_salience > 0:
            parts.append(f"salience {stats.salience:g}")
        return ", " + ", ".join(parts)

    def describe(self) -> str:
        extra = []
        if self.where:
            extra.append("in " + "|".join(self.where))
        if self.min_mentions > 1:
            extra.append(f"mentions>={self.min_mentions}")
        if self.min_salience > 0:
            extra.append(f"salience>={self.min_salience:g}")
        return f"entity:{self.value}" + (f" ({', '.join(extra)})" if extra else "")


@dataclass(frozen=True)
class KeywordCondition:
    """Any of these words or phrases, whole words, case-insensitive, in the title or body."""

    phrases: tuple[str, ...]
    patterns: tuple[re.Pattern[str], ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "patterns", tuple(_phrase_pattern(p) for p in self.phrases))

    def check(self, facts: _Facts) -> list[str] | None:
        reasons = [
            f"keyword:{phrase!r}"
            for phrase, pattern in zip(self.phrases, self.patterns)
            if pattern.search(facts.title) or pattern.search(facts.body)
        ]
        return reasons or None

    def describe(self) -> str:
        return "keyword:" + "|".join(repr(p) for p in self.phrases)


def _phrase_pattern(phrase: str) -> re.Pattern[str]:
    # Lookarounds instead of \b so phrases that start or end with punctuation ("U.S.") still work;
    # any run of whitespace matches a space, as line breaks in bodies fall anywhere.
    words = [re.escape(w) for w in phrase.split()]
    return re.compile(r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)", re.IGNORECASE)


@dataclass(frozen=True)
class LanguageCondition:
    """The original language of the article is one of these ISO 639-1 codes."""

    codes: tuple[str, ...]

    def check(self, facts: _Facts) -> list[str] | None:
        return [f"language:{facts.language}"] if facts.language in self.codes else None

    def describe(self) -> str:
        return "language:" + "|".join(self.codes)


@dataclass(frozen=True)
class SourceCondition:
    """The article's source is one of these names, or matches one of these glob patterns."""

    patterns: tuple[str, ...]

    def check(self, facts: _Facts) -> list[str] | None:
        for pattern in self.patterns:
            if fnmatch.fnmatchcase(facts.source, pattern):
                if pattern == facts.source:
                    return [f"source:{facts.source!r}"]
                return [f"source:{facts.source!r} matches {pattern!r}"]
        return None

    def describe(self) -> str:
        return "source:" + "|".join(repr(p) for p in self.patterns)


@dataclass(frozen=True)
class NearCondition:
    """All these words or phrases in one field, each starting within ``within`` words of the others."""

    terms: tuple[str, ...]
    within: int
    _tokens: tuple[tuple[str, ...], ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        toks = tuple(tuple(w.casefold() for w in _TOKEN.findall(t)) for t in self.terms)
        if any(not t for t in toks):
            raise ValueError("near: every term needs at least one word")
        object.__setattr__(self, "_tokens", toks)

    def check(self, facts: _Facts) -> list[str] | None:
        for field_name in ("title", "body"):
            span = _closest(facts.words(field_name), facts.positions(field_name), self._tokens)
            if span is not None and span <= self.within:
                terms = " ".join(repr(t) for t in self.terms)
                return [f"near:{terms} {span} word{'s' if span != 1 else ''} apart in {field_name}"]
        return None

    def describe(self) -> str:
        return f"near:{' '.join(repr(t) for t in self.terms)}~{self.within}"


def _closest(words: list[str], index: dict[str, list[int]], terms: tuple[tuple[str, ...], ...]) -> int | None:
    """The smallest distance, in words, between the starts of the first and last of the terms in one window."""
    hits: list[tuple[int, int]] = []
    for t, seq in enumerate(terms):
        starts = [i for i in index.get(seq[0], ()) if len(seq) == 1 or tuple(words[i : i + len(seq)]) == seq]
        if not starts:
            return None
        hits.extend((i, t) for i in starts)
    hits.sort()
    need = len(terms)
    best: int | None = None
    counts: dict[int, int] = {}
    left = 0
    for right, (pos, t) in enumerate(hits):
        counts[t] = counts.get(t, 0) + 1
        while len(counts) == need:
            span = pos - hits[left][0]
            best = span if best is None else min(best, span)
            lt = hits[left][1]
            counts[lt] -= 1
            if not counts[lt]:
                del counts[lt]
            left += 1
    return best


@dataclass(frozen=True)
class TagCondition:
    """The article's feed has one of these tags (case-insensitive)."""

    tags: tuple[str, ...]

    def check(self, facts: _Facts) -> list[str] | None:
        have = facts.tags
        found = [t for t in self.tags if t.casefold() in have]
        return [f"tag:{t!r}" for t in found] or None

    def describe(self) -> str:
        return "tag:" + "|".join(repr(t) for t in self.tags)


@dataclass(frozen=True)
class StorySizeCondition:
    """The article's story has at least ``min`` (and at most ``max``) articles."""

    min: int = 1
    max: int | None = None

    def check(self, facts: _Facts) -> list[str] | None:
        size = facts.story_size
        if size < self.min or (self.max is not None and size > self.max):
            return None
        return [f"story_size:{size}"]

    def describe(self) -> str:
        return f"story_size:{self.min}.." + ("" if self.max is None else str(self.max))


@dataclass(frozen=True)
class AllOf:
    conditions: tuple[Condition, ...]

    def check(self, facts: _Facts) -> list[str] | None:
        reasons: list[str] = []
        for condition in self.conditions:
            found = condition.check(facts)
            if found is None:
                return None
            reasons.extend(found)
        return reasons

    def describe(self) -> str:
        return "all(" + ", ".join(c.describe() for c in self.conditions) + ")"


@dataclass(frozen=True)
class AnyOf:
    conditions: tuple[Condition, ...]

    def check(self, facts: _Facts) -> list[str] | None:
        # Every branch that holds is reported, so a user sees all the reasons an alert fired.
        reasons: list[str] = []
        held = False
        for condition in self.conditions:
            found = condition.check(facts)
            if found is not None:
                held = True
                reasons.extend(found)
        return reasons if held else None

    def describe(self) -> str:
        return "any(" + ", ".join(c.describe() for c in self.conditions) + ")"


@dataclass(frozen=True)
class Not:
    condition: Condition

    def check(self, facts: _Facts) -> list[str] | None:
        return None if self.condition.check(facts) is not None else [f"not {self.condition.describe()}"]

    def describe(self) -> str:
        return f"not {self.condition.describe()}"


@dataclass(frozen=True)
class WindowSpec:
    """Fire only once ``count`` matching articles (or distinct sources) of a story arrived within ``within_s``."""

    count: int
    within_s: float
    distinct: str = "articles"  # or "sources"


@dataclass(frozen=True)
class BurstSpec:
    """Fire when the rate of matching articles jumps above its own recent baseline (see ``window.burst``).

    ``of`` is ``story`` (per rule and story) or ``entity`` (per rule and the entity ``entity``, across stories).
    """

    of: str = "story"
    entity: str | None = None
    bucket_s: float = 900.0
    alpha: float = 0.3
    z: float = 3.0
    ratio: float = 3.0
    min_count: int = 3
    warmup: int = 3


@dataclass(frozen=True)
class AlertPolicy:
    """When a rule's matches become alerts: window or burst first, then one alert per story, follow-ups and repeats
    in the manner of Alertmanager (``cooldown_s`` like group_interval, ``repeat_s`` like repeat_interval)."""

    window: WindowSpec | None = None
    burst: BurstSpec | None = None
    follow_up: bool = False
    cooldown_s: float = 300.0
    repeat_s: float | None = None


@dataclass(frozen=True)
class Rule:
    id: str
    when: Condition
    description: str = ""
    webhooks: tuple[str, ...] = ()
    enabled: bool = True
    line: int | None = None
    policy: AlertPolicy = AlertPolicy()


@dataclass(frozen=True)
class RuleMatch:
    """A rule that holds for an article, and the human-readable reasons why."""

    rule: Rule
    matched: list[str]


@dataclass(frozen=True)
class RuleBook:
    rules: tuple[Rule, ...]
    webhooks: Mapping[str, WebhookEndpoint]
    source: str = "<rules>"

    def evaluate(self, article: TaggedArticle) -> list[RuleMatch]:
        """The enabled rules that hold for ``article``, in rulebook order."""
        facts = _Facts(article)
        matches = []
        for rule in self.rules:
            if not rule.enabled:
                continue
            reasons = rule.when.check(facts)
            if reasons is not None:
                matches.append(RuleMatch(rule=rule, matched=_unique(reasons)))
        return matches

    def rule(self, rule_id: str) -> Rule:
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(rule_id)

    def endpoints_for(self, rule: Rule | str) -> list[WebhookEndpoint]:
        if isinstance(rule, str):
            rule = self.rule(rule)
        return [self.webhooks[name] for name in rule.webhooks]


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


# --------------------------------------------------------------------------- loading


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


def _query_leaf(field_name: str, value: str, token) -> Condition:
    if token.proximity is not None:
        words = value.split()
        if len(words) < 2:
            raise ValueError('proximity needs at least two words: "nato kyiv"~10')
        return NearCondition(tuple(words), token.proximity)
    if field_name == "keyword":
        return KeywordCondition((value,))
    if field_name in ("entity", "entity.title", "entity.lead"):
        where = () if field_name == "entity" else (field_name.split(".")[1],)
        return EntityCondition(value.upper() if _QID.match(value) else value, where=where)
    if field_name == "language":
        if not re.match(r"^[A-Za-z]{2,3}$", value):
            raise ValueError(f"language {value!r} is not an ISO 639 code like 'en' or 'es'")
        return LanguageCondition((value.lower(),))
    if field_name == "source":
        return SourceCondition((value,))
    if field_name == "tag":
        return TagCondition((value,))
    if field_name == "story_size":
        if not value.isdigit():
            raise ValueError(f"story_size takes a whole number (at least), got {value!r}")
        return StorySizeCondition(min=int(value))
    raise ValueError(f"unknown field {field_name!r}")  # pragma: no cover - the lexer checks


def _query_node(op: str, parts: list) -> Condition:
    if op == "not":
        return Not(parts[0])
    return AllOf(tuple(parts)) if op == "all" else AnyOf(tuple(parts))


def parse_condition_query(text: str) -> Condition:
    """A condition from the compact query form; QueryError (with a column) when it cannot be parsed."""
    return parse_query(text, _query_leaf, _query_node)



def interpolate(text: str, env: Mapping[str, str]) -> str:
    """Expand ``${VAR}`` and ``${VAR:-default}`` (default when unset or empty); ``$$`` is a literal ``$``.

    Raises KeyError naming a variable that is unset and has no default.
    """

    def expand(m: re.Match[str]) -> str:
        if m.group(0) == "$$":
            return "$"
        name, default = m.group(1), m.group(2)
        value = env.get(name)
        if value:
            return value
        if default is not None:
            return default
        if value is None:
            raise KeyError(name)
        return value

    return _ENV_REF.sub(expand, text)


def load_rulebook(source: str | Path, *, env: Mapping[str, str] | None = None) -> RuleBook:
    """Load and validate a rulebook from a YAML file path or YAML text.

    A ``str`` is read as a path when it is one line naming an existing file or ending in
    ``.yaml``/``.yml``; otherwise as YAML text. Raises RuleError with file and line.
    """
    name, text = _read(source)
    return _Loader(name, os.environ if env is None else env).load(text)


def _read(source: str | Path) -> tuple[str, str]:
    if isinstance(source, str) and ("\n" in source or not (source.endswith((".yaml", ".yml")) or Path(source).is_file())):
        return "<rules>", source
    path = Path(source)
    try:
        return str(path), path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RuleError(f"cannot read rules file: {exc}", source=str(path)) from exc


_CONDITION_KEYS = ("all", "any", "not", "entity", "keyword", "near", "language", "source", "tag", "story_size", "query")
_RULE_KEYS = ("id", "description", "when", "query", "webhooks", "enabled", "window", "burst", "follow_up", "cooldown",
              "repeat_interval")
_WEBHOOK_KEYS = ("url", "secret", "timeout_s", "format", "concurrency")
_ENTITY_KEYS = ("id", "name", "in", "min_mentions", "min_salience")
_WINDOW_KEYS = ("count", "within", "distinct")
_BURST_KEYS = ("of", "entity", "bucket", "alpha", "z", "ratio", "min_count", "warmup")
_FORMATS = ("standard", "slack", "teams")
_TOP_KEYS = ("webhooks", "rules")


class _Loader:
    """Walks the composed YAML nodes so every error can point at its line."""

    def __init__(self, name: str, env: Mapping[str, str]) -> None:
        self.name = name
        self.env = env
        self.constructor = yaml.constructor.SafeConstructor()
        self.resolver = yaml.resolver.Resolver()

    # ---- helpers

    def error(self, node: yaml.Node | None, problem: str) -> RuleError:
        line = node.start_mark.line + 1 if node is not None else None
        return RuleError(problem, source=self.name, line=line)

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

    def query(self, node: yaml.Node, what: str) -> Condition:
        text = self.string(node, f"{what} query")
        try:
            return parse_condition_query(text)
        except QueryError as exc:
            # Point at the character in the file: a quoted scalar starts one column after its quote.
            mark = node.start_mark
            offset = 1 if getattr(node, "style", None) in ("'", '"') else 0
            if getattr(node, "style", None) in ("|", ">"):
                raise RuleError(f"{what} query: {exc.problem} (column {exc.column} of the query)", source=self.name,
                                line=mark.line + 2) from None
            raise RuleError(f"{what} query: {exc.problem}", source=self.name, line=mark.line + 1,
                            column=mark.column + 1 + offset + exc.column - 1) from None

    def scalar(self, node: yaml.Node, what: str) -> object:
        if not isinstance(node, yaml.ScalarNode):
            raise self.error(node, f"{what} must be a single value, not a {_kind(node)}")
        value = node.value
        if "$" in value and node.tag == "tag:yaml.org,2002:str":
            try:
                value = interpolate(value, self.env)
            except KeyError as exc:
                raise self.error(node, f"{what}: environment variable {exc.args[0]} is not set and has no default") from None
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
        if isinstance(value, bool) or value is None or isinstance(value, (dict, list)):
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
            raise self.error(node, f"{what} must be a mapping, not a {_kind(node)}")
        out: dict[str, tuple[yaml.Node, yaml.Node]] = {}
        for key_node, value_node in node.value:
            key = self.string(key_node, f"{what} key")
            if key in out:
                raise self.error(key_node, f"{what}: duplicate key {key!r} (first on line {out[key][0].start_mark.line + 1})")
            if allowed and key not in allowed:
                raise self.error(key_node, f"{what}: unknown {key_kind} {key!r}{_suggest(key, allowed)}")
            out[key] = (key_node, value_node)
        return out

    # ---- the document

    def load(self, text: str) -> RuleBook:
        try:
            root = yaml.compose(text, Loader=yaml.SafeLoader)
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line = mark.line + 1 if mark is not None else None
            raise RuleError(f"not valid YAML: {exc.problem or exc}", source=self.name, line=line) from None
        except yaml.YAMLError as exc:
            raise RuleError(f"not valid YAML: {exc}", source=self.name) from None
        if root is None:
            raise RuleError("rules file is empty", source=self.name, line=1)
        top = self.mapping(root, "rules file", _TOP_KEYS)
        webhooks: dict[str, WebhookEndpoint] = {}
        if "webhooks" in top:
            webhooks = self.webhooks(top["webhooks"][1])
        if "rules" not in top:
            raise self.error(root, "rules file has no 'rules' list")
        rules_node = top["rules"][1]
        if not isinstance(rules_node, yaml.SequenceNode):
            raise self.error(rules_node, f"'rules' must be a list, not a {_kind(rules_node)}")
        rules: list[Rule] = []
        seen: dict[str, int] = {}
        for item in rules_node.value:
            rule = self.rule(item, webhooks)
            if rule.id in seen:
                raise self.error(item, f"duplicate rule id {rule.id!r} (first defined on line {seen[rule.id]})")
            seen[rule.id] = rule.line or 0
            rules.append(rule)
        return RuleBook(rules=tuple(rules), webhooks=webhooks, source=self.name)

    def webhooks(self, node: yaml.Node) -> dict[str, WebhookEndpoint]:
        endpoints = {}
        for name, (key_node, value_node) in self.mapping(node, "webhooks", ()).items():
            what = f"webhook {name!r}"
            fields = self.mapping(value_node, what, _WEBHOOK_KEYS)
            for required in ("url", "secret"):
                if required not in fields:
                    raise self.error(value_node, f"{what} has no {required!r}")
            url_node = fields["url"][1]
            url = self.string(url_node, f"{what} url")
            if not re.match(r"^https?://[^/\s]+", url):
                raise self.error(url_node, f"{what} url must be an http:// or https:// URL, got {url!r}")
            secret_node = fields["secret"][1]
            # Several secrets (a list, or space-separated in one variable) let keys rotate.
            secrets = tuple(s for part in self.strings(secret_node, f"{what} secret") for s in part.split())
            for secret in secrets:
                try:
                    parse_secret(secret)
                except ValueError as exc:
                    raise self.error(secret_node, f"{what}: {exc}") from None
            timeout_s = None
            if "timeout_s" in fields:
                t_node = fields["timeout_s"][1]
                timeout_s = self.scalar(t_node, f"{what} timeout_s")
                if isinstance(timeout_s, bool) or not isinstance(timeout_s, (int, float)) or timeout_s <= 0:
                    raise self.error(t_node, f"{what} timeout_s must be a positive number of seconds, got {timeout_s!r}")
                timeout_s = float(timeout_s)
            fmt = "standard"
            if "format" in fields:
                f_node = fields["format"][1]
                fmt = self.string(f_node, f"{what} format").lower()
                if fmt not in _FORMATS:
                    raise self.error(f_node, f"{what} format must be one of {', '.join(_FORMATS)}, got {fmt!r}")
            concurrency = 4
            if "concurrency" in fields:
                concurrency = int(self.number(fields["concurrency"][1], f"{what} concurrency", integer=True, minimum=1))
            endpoints[name] = WebhookEndpoint(name=name, url=url, secrets=secrets, timeout_s=timeout_s, format=fmt,
                                              concurrency=concurrency)
        return endpoints

    def rule(self, node: yaml.Node, webhooks: Mapping[str, WebhookEndpoint]) -> Rule:
        line = node.start_mark.line + 1
        fields = self.mapping(node, "rule", _RULE_KEYS)
        if "id" not in fields:
            raise self.error(node, "rule without id")
        id_node = fields["id"][1]
        rule_id = self.string(id_node, "rule id")
        if not _RULE_ID.match(rule_id):
            raise self.error(id_node, f"rule id {rule_id!r} must be letters, digits, '.', '_' or '-' (at most 128)")
        what = f"rule {rule_id!r}"
        if "when" not in fields and "query" not in fields:
            raise self.error(node, f"{what} has no 'when' condition (or 'query')")
        parts = []
        if "when" in fields:
            parts.append(self.condition(fields["when"][1], what))
        if "query" in fields:
            parts.append(self.query(fields["query"][1], what))
        when = parts[0] if len(parts) == 1 else AllOf(tuple(parts))
        policy = self.policy(fields, what)
        description = self.string(fields["description"][1], f"{what} description", allow_empty=True) if "description" in fields else ""
        names: tuple[str, ...] = ()
        if "webhooks" in fields:
            hooks_node = fields["webhooks"][1]
            if isinstance(hooks_node, yaml.SequenceNode):
                names = tuple(self.string(n, f"{what} webhook name") for n in hooks_node.value)
                nodes = hooks_node.value
            else:
                names = (self.string(hooks_node, f"{what} webhook name"),)
                nodes = [hooks_node]
            for hook, hook_node in zip(names, nodes):
                if hook not in webhooks:
                    known = ", ".join(sorted(webhooks)) or "none defined"
                    raise self.error(hook_node, f"{what}: webhook {hook!r} is not defined under 'webhooks' (defined: {known})")
        enabled = True
        if "enabled" in fields:
            enabled_node = fields["enabled"][1]
            enabled = self.scalar(enabled_node, f"{what} enabled")
            if not isinstance(enabled, bool):
                raise self.error(enabled_node, f"{what}: enabled must be true or false, got {enabled!r}")
        return Rule(id=rule_id, when=when, description=description, webhooks=names, enabled=enabled, line=line,
                    policy=policy)

    def policy(self, fields: dict[str, tuple[yaml.Node, yaml.Node]], what: str) -> AlertPolicy:
        window = burst = None
        if "window" in fields:
            w = self.mapping(fields["window"][1], f"{what} window", _WINDOW_KEYS)
            for required in ("count", "within"):
                if required not in w:
                    raise self.error(fields["window"][1], f"{what} window needs {required!r}")
            distinct = "articles"
            if "distinct" in w:
                distinct = self.string(w["distinct"][1], f"{what} window distinct")
                if distinct not in ("articles", "sources"):
                    raise self.error(w["distinct"][1], f"{what} window distinct must be 'articles' or 'sources', got {distinct!r}")
            window = WindowSpec(count=int(self.number(w["count"][1], f"{what} window count", integer=True, minimum=1)),
                                within_s=self.duration(w["within"][1], f"{what} window within"), distinct=distinct)
        if "burst" in fields:
            b_node = fields["burst"][1]
            b = self.mapping(b_node, f"{what} burst", _BURST_KEYS) if not (
                isinstance(b_node, yaml.MappingNode) and not b_node.value) else {}
            kw: dict[str, object] = {}
            if "of" in b:
                kw["of"] = self.string(b["of"][1], f"{what} burst of")
                if kw["of"] not in ("story", "entity"):
                    raise self.error(b["of"][1], f"{what} burst of must be 'story' or 'entity', got {kw['of']!r}")
            if "entity" in b:
                value = self.string(b["entity"][1], f"{what} burst entity")
                kw["entity"] = value.upper() if _QID.match(value) else value
                kw.setdefault("of", "entity")
            if kw.get("of") == "entity" and "entity" not in kw:
                raise self.error(b_node, f"{what} burst of entity needs 'entity: <QID or name>'")
            if "bucket" in b:
                kw["bucket_s"] = self.duration(b["bucket"][1], f"{what} burst bucket")
            if "alpha" in b:
                kw["alpha"] = float(self.number(b["alpha"][1], f"{what} burst alpha", minimum=0, exclusive=True))
                if kw["alpha"] > 1:
                    raise self.error(b["alpha"][1], f"{what} burst alpha must be at most 1")
            for key in ("z", "ratio"):
                if key in b:
                    kw[key] = float(self.number(b[key][1], f"{what} burst {key}", minimum=0))
            for key in ("min_count", "warmup"):
                if key in b:
                    kw[key] = int(self.number(b[key][1], f"{what} burst {key}", integer=True, minimum=0))
            burst = BurstSpec(**kw)  # type: ignore[arg-type]
            if window is not None:
                raise self.error(b_node, f"{what}: a rule takes a window or a burst, not both")
        follow_up = False
        if "follow_up" in fields:
            follow_up = self.scalar(fields["follow_up"][1], f"{what} follow_up")
            if not isinstance(follow_up, bool):
                raise self.error(fields["follow_up"][1], f"{what}: follow_up must be true or false, got {follow_up!r}")
        cooldown = self.duration(fields["cooldown"][1], f"{what} cooldown") if "cooldown" in fields else 300.0
        repeat = self.duration(fields["repeat_interval"][1], f"{what} repeat_interval") if "repeat_interval" in fields else None
        return AlertPolicy(window=window, burst=burst, follow_up=follow_up, cooldown_s=cooldown, repeat_s=repeat)

    def condition(self, node: yaml.Node, what: str) -> Condition:
        if not isinstance(node, yaml.MappingNode):
            raise self.error(node, f"{what}: a condition must be a mapping such as {{entity: Q7184}}, not a {_kind(node)}")
        if not node.value:
            raise self.error(node, f"{what}: empty condition")
        fields = self.mapping(node, what, _CONDITION_KEYS, key_kind="condition key")
        parts = [self.one_condition(key, key_node, value_node, what) for key, (key_node, value_node) in fields.items()]
        return parts[0] if len(parts) == 1 else AllOf(tuple(parts))

    def entity(self, node: yaml.Node, what: str) -> EntityCondition:
        e = self.mapping(node, f"{what} entity", _ENTITY_KEYS)
        if ("id" in e) == ("name" in e):
            raise self.error(node, f"{what}: entity takes one of 'id' (a QID) or 'name'")
        value = self.string((e.get("id") or e["name"])[1], f"{what} entity")
        if "id" in e and not _QID.match(value):
            raise self.error(e["id"][1], f"{what}: entity id {value!r} is not a Wikidata QID like Q7184")
        where: tuple[str, ...] = ()
        if "in" in e:
            where = tuple(w.lower() for w in self.strings(e["in"][1], f"{what} entity in"))
            for w in where:
                if w not in ("title", "lead"):
                    raise self.error(e["in"][1], f"{what}: entity in must be 'title' or 'lead' (or both), got {w!r}")
        mentions = int(self.number(e["min_mentions"][1], f"{what} entity min_mentions", integer=True, minimum=1)) if "min_mentions" in e else 1
        salience = float(self.number(e["min_salience"][1], f"{what} entity min_salience", minimum=0)) if "min_salience" in e else 0.0
        return EntityCondition(value.upper() if _QID.match(value) else value, where=where, min_mentions=mentions,
                               min_salience=salience)

    def one_condition(self, key: str, key_node: yaml.Node, node: yaml.Node, what: str) -> Condition:
        if key in ("all", "any"):
            if not isinstance(node, yaml.SequenceNode):
                raise self.error(node, f"{what}: '{key}' takes a list of conditions, not a {_kind(node)}")
            if not node.value:
                raise self.error(node, f"{what}: '{key}' has no conditions")
            children = tuple(self.condition(child, what) for child in node.value)
            return AllOf(children) if key == "all" else AnyOf(children)
        if key == "not":
            return Not(self.condition(node, what))
        if key == "entity":
            if isinstance(node, yaml.MappingNode):
                return self.entity(node, what)
            value = self.string(node, f"{what} entity")
            return EntityCondition(value.upper() if _QID.match(value) else value)
        if key == "keyword":
            return KeywordCondition(self.strings(node, f"{what} keyword"))
        if key == "near":
            near = self.mapping(node, f"{what} near", ("terms", "within"))
            if "terms" not in near or "within" not in near:
                raise self.error(node, f"{what}: near needs 'terms' (a list) and 'within' (words)")
            terms_node = near["terms"][1]
            if not isinstance(terms_node, yaml.SequenceNode) or len(terms_node.value) < 2:
                raise self.error(terms_node, f"{what}: near terms must be a list of at least two words or phrases")
            terms = tuple(self.string(t, f"{what} near term") for t in terms_node.value)
            within = int(self.number(near["within"][1], f"{what} near within", integer=True, minimum=0))
            try:
                return NearCondition(terms, within)
            except ValueError as exc:
                raise self.error(terms_node, f"{what}: {exc}") from None
        if key == "tag":
            return TagCondition(self.strings(node, f"{what} tag"))
        if key == "story_size":
            if isinstance(node, yaml.MappingNode):
                sz = self.mapping(node, f"{what} story_size", ("min", "max"))
                lo = int(self.number(sz["min"][1], f"{what} story_size min", integer=True, minimum=1)) if "min" in sz else 1
                hi = int(self.number(sz["max"][1], f"{what} story_size max", integer=True, minimum=lo)) if "max" in sz else None
                return StorySizeCondition(lo, hi)
            return StorySizeCondition(int(self.number(node, f"{what} story_size", integer=True, minimum=1)))
        if key == "query":
            return self.query(node, what)
        if key == "language":
            codes = tuple(c.lower() for c in self.strings(node, f"{what} language"))
            for code in codes:
                if not re.match(r"^[a-z]{2,3}$", code):
                    raise self.error(node, f"{what}: language {code!r} is not an ISO 639 code like 'en' or 'es'")
            return LanguageCondition(codes)
        if key == "source":
            return SourceCondition(self.strings(node, f"{what} source"))
        raise self.error(key_node, f"{what}: unknown condition key {key!r}")  # pragma: no cover - mapping() checks


def _kind(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "mapping"
    if isinstance(node, yaml.SequenceNode):
        return "list"
    return f"value ({node.value!r})" if isinstance(node, yaml.ScalarNode) else type(node).__name__


def _suggest(key: str, allowed: Sequence[str]) -> str:
    close = difflib.get_close_matches(key, allowed, n=1)
    return f" (did you mean {close[0]!r}? expected one of: {', '.join(allowed)})" if close else f" (expected one of: {', '.join(allowed)})"
