"""Alert rules: load a YAML rulebook (with errors that name file and line) and match tagged articles.

A rule's ``when`` is a tree of conditions: ``entity``, ``keyword``, ``language``, ``source``,
combined with ``all``, ``any`` and ``not``. A mapping with several keys means all of them.
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
from services.alerter.webhooks import WebhookEndpoint, parse_secret

__all__ = [
    "Condition",
    "EntityCondition",
    "KeywordCondition",
    "LanguageCondition",
    "SourceCondition",
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


class _Facts:
    """What conditions look at in one article, computed once per article."""

    def __init__(self, article: TaggedArticle) -> None:
        self.article = article
        self.title = article.title
        self.body = article.body
        self.language = article.language.lower()
        self.source = article.source
        self.entities = article.entities


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
    """An entity linked to a QID, or with this canonical name, or unlinked with this surface text."""

    value: str

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
        reasons = []
        for cid, mentions in linked.items():
            label = mentions[0].canonical_name or mentions[0].text
            reasons.append(f"entity:{cid} ({label}) in {_fields(mentions)}")
        for text, mentions in unlinked.items():
            reasons.append(f"entity:{text!r} (unlinked) in {_fields(mentions)}")
        return reasons or None

    def describe(self) -> str:
        return f"entity:{self.value}"


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
class Rule:
    id: str
    when: Condition
    description: str = ""
    webhooks: tuple[str, ...] = ()
    enabled: bool = True
    line: int | None = None


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


_CONDITION_KEYS = ("all", "any", "not", "entity", "keyword", "language", "source")
_RULE_KEYS = ("id", "description", "when", "webhooks", "enabled")
_WEBHOOK_KEYS = ("url", "secret", "timeout_s")
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
            endpoints[name] = WebhookEndpoint(name=name, url=url, secrets=secrets, timeout_s=timeout_s)
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
        if "when" not in fields:
            raise self.error(node, f"{what} has no 'when' condition")
        when = self.condition(fields["when"][1], what)
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
        return Rule(id=rule_id, when=when, description=description, webhooks=names, enabled=enabled, line=line)

    def condition(self, node: yaml.Node, what: str) -> Condition:
        if not isinstance(node, yaml.MappingNode):
            raise self.error(node, f"{what}: a condition must be a mapping such as {{entity: Q7184}}, not a {_kind(node)}")
        if not node.value:
            raise self.error(node, f"{what}: empty condition")
        fields = self.mapping(node, what, _CONDITION_KEYS, key_kind="condition key")
        parts = [self.one_condition(key, key_node, value_node, what) for key, (key_node, value_node) in fields.items()]
        return parts[0] if len(parts) == 1 else AllOf(tuple(parts))

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
            value = self.string(node, f"{what} entity")
            return EntityCondition(value.upper() if _QID.match(value) else value)
        if key == "keyword":
            return KeywordCondition(self.strings(node, f"{what} keyword"))
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
