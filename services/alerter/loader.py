"""Loading a rulebook from YAML: its webhooks, rules, policies and conditions, with entity names resolved through the
gazetteer. Every error names the file and line (and column in a query), and every broken rule and endpoint is said at
once (RuleErrors), not only the first; reading each value (``${VAR}``, durations, "did you mean") is ``yaml_reader.py``'s.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

import yaml

from services.alerter.conditions import (AllOf, AnyOf, Condition, CopyCondition, EntityCondition, KeywordCondition,
                                         LanguageCondition, NearCondition, Not, SourceCondition, StorySizeCondition,
                                         TagCondition, names_it_only_itself, parse_condition_query)
from services.alerter.errors import RuleError
from services.alerter.loader_errors import kind, rule_name, yaml_error
from services.alerter.names import ENTITY_ID, EntityNames, default_names, normal_id
from services.alerter.query import QueryError, lowercase_operators
from services.alerter.rulebook import AlertPolicy, BurstSpec, Rule, RuleBook, WindowSpec
from services.alerter.webhooks import WebhookEndpoint, parse_secret
from services.alerter.yaml_reader import YamlReader
from services.runtime.settings import environment
from services.runtime.text import defaulted, written_out

__all__ = ["load_rulebook"]

_RULE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")


def load_rulebook(source: str | Path, *, env: Mapping[str, str] | None = None, names: EntityNames | None = None) -> RuleBook:
    """Load and validate a rulebook from a YAML file path or YAML text.

    A ``str`` is read as a path when it is one line naming an existing file or ending in
    ``.yaml``/``.yml``; otherwise as YAML text. Raises RuleError with file and line. Entity names
    resolve through ``names`` (default: the tagger's gazetteer); what cannot resolve is in ``warnings``.
    """
    name, text = _read(source)
    return _Loader(name, environment() if env is None else env, names).load(text)


def _read(source: str | Path) -> tuple[str, str]:
    if isinstance(source, str) and ("\n" in source or not (source.endswith((".yaml", ".yml")) or Path(source).is_file())):
        return "<rules>", source
    path = Path(source)
    try:
        return str(path), path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise RuleError("no such rules file", source=str(path)) from None
    except IsADirectoryError:
        raise RuleError("is a directory, not a rules file", source=str(path)) from None
    except UnicodeDecodeError as exc:
        raise RuleError(f"cannot read rules file: not UTF-8 text (byte {exc.start})", source=str(path)) from None
    except OSError as exc:
        raise RuleError(f"cannot read rules file: {exc.strerror or exc}", source=str(path)) from exc


_CONDITION_KEYS = ("all", "any", "not", "entity", "keyword", "near", "language", "source", "tag", "story_size", "copy", "query")
_RULE_KEYS = ("id", "description", "when", "query", "webhooks", "enabled", "window", "burst", "follow_up", "cooldown",
              "repeat_interval")
_WEBHOOK_KEYS = ("url", "secret", "timeout_s", "format", "concurrency")
_ENTITY_KEYS = ("id", "name", "in", "min_mentions", "min_salience", "people", "sides")
_WINDOW_KEYS = ("count", "within", "distinct")
_BURST_KEYS = ("of", "entity", "people", "sides", "bucket", "alpha", "z", "ratio", "min_count", "warmup")
_FORMATS = ("standard", "slack", "teams")
_TOP_KEYS = ("webhooks", "rules")


class _NoGazetteer(RuleError):
    """The gazetteer cannot be read: said once, not once for each rule that names an entity."""


class _Loader(YamlReader):
    """Walks the composed YAML nodes so every error can point at its line."""

    stops = (_NoGazetteer,)

    def __init__(self, name: str, env: Mapping[str, str], names: EntityNames | None = None) -> None:
        super().__init__(name, env)
        self._names = names
        self.endpoint_warnings: list[str] = []  # those of ``warnings`` about delivering to the endpoints
        self.broken_webhooks: set[str] = set()  # defined, but unreadable: a rule naming one is not wrong for that

    # ---- entity names and queries

    @property
    def names(self) -> EntityNames:
        if self._names is None:
            from services.runtime.errors import WirewatchError

            try:
                self._names = default_names()
            except WirewatchError as exc:
                raise _NoGazetteer(f"cannot read the gazetteer entity names resolve through: {exc}", source=self.name) from None
        return self._names

    def resolve(self, condition: Condition, node: yaml.Node, what: str) -> Condition:
        """The condition with each entity name resolved to the key the tagger links it to; warns of what does not resolve."""
        if isinstance(condition, (AllOf, AnyOf)):
            return type(condition)(tuple(self.resolve(c, node, what) for c in condition.conditions))
        if isinstance(condition, Not):
            return Not(self.resolve(condition.condition, node, what))
        if not isinstance(condition, EntityCondition):
            return condition
        resolved = self._resolve_entity(condition, node, what)
        target = resolved.qid or resolved.key
        if resolved.people and target is not None and not self.names.is_country(target):
            self.warn(node, f"{what}: entity {condition.value!r} is not a country, so no word for a people names it and "
                            f"'people' adds nothing")
        if resolved.sides and target is not None and not self.names.is_country(target):
            self.warn(node, f"{what}: entity {condition.value!r} is not a country, so no side is taken for or against its "
                            f"people and 'sides' adds nothing")
        return resolved

    def _resolve_entity(self, condition: EntityCondition, node: yaml.Node, what: str) -> EntityCondition:
        ident = condition.qid
        if ident is not None:
            label = self.names.known(ident)
            if label is None:
                self.warn(node, f"{what}: entity {ident} is not in the gazetteer, so the tagger links no mention to it "
                                f"and it matches nothing (`wirewatch gazetteer lookup NAME` gives a place's id)")
            return replace(condition, label=label)
        found = self.names.resolve(condition.value)
        if found.id is not None:
            return replace(condition, key=found.id, label=found.name)
        if found.ambiguous:
            ids = ", ".join(f"{i} ({n})" for i, n in found.ambiguous)
            self.warn(node, f"{what}: entity {condition.value!r} is ambiguous: the gazetteer gives that name to {ids}, "
                            f"so the tagger links it to none of them; write the id")
            return condition
        hint = ""
        if found.suggestions:
            hint = " (did you mean " + " or ".join(f"{alias!r} ({i} {n})" if alias != n else f"{alias!r} ({i})"
                                                   for alias, i, n in found.suggestions) + "?)"
        self.warn(node, f"{what}: entity {condition.value!r} is not in the gazetteer: it matches only mentions the "
                        f"tagger leaves unlinked with that text{hint}")
        return condition

    def query(self, node: yaml.Node, what: str) -> Condition:
        text = self.string(node, f"{what} query")
        for word, column in lowercase_operators(text):
            self.warn(node, f"{what} query: {word!r} (column {column} of the query) is read as a keyword, so the terms "
                            f"around it must all hold; for the operator write {word.upper()}; to search for the word, quote it: \"{word}\"")
        try:
            return self.resolve(parse_condition_query(text), node, what)
        except QueryError as exc:
            # Point at the character in the file: a quoted scalar starts one column after its quote.
            mark = node.start_mark
            offset = 1 if getattr(node, "style", None) in ("'", '"') else 0
            if getattr(node, "style", None) in ("|", ">"):
                raise RuleError(f"{what} query: {exc.problem} (column {exc.column} of the query)", source=self.name,
                                line=mark.line + 2) from None
            raise RuleError(f"{what} query: {exc.problem}", source=self.name, line=mark.line + 1,
                            column=mark.column + 1 + offset + exc.column - 1) from None

    # ---- the document

    def load(self, text: str) -> RuleBook:
        try:
            root = yaml.compose(text, Loader=yaml.SafeLoader)
        except yaml.YAMLError as exc:
            raise yaml_error(exc, self.name, text) from None
        if root is None:
            raise RuleError("rules file is empty", source=self.name, line=1)
        top = self.mapping(root, "rules file", _TOP_KEYS)
        webhooks: dict[str, WebhookEndpoint] = {}
        if "webhooks" in top:
            webhooks = self.webhooks(top["webhooks"][1])
        if "rules" not in top:
            self.errors.append((None, self.error(root, "rules file has no 'rules' list")))
            self.raise_errors()
        rules_node = top["rules"][1]
        if not isinstance(rules_node, yaml.SequenceNode):
            self.errors.append((None, self.error(rules_node, f"'rules' must be a list, not a {kind(rules_node)}")))
            self.raise_errors()
        rules: list[Rule] = []
        seen: dict[str, int] = {}
        for item in rules_node.value:
            with self.collecting(("rule", item.start_mark.line)):
                rule = self.rule(item, webhooks)
                if rule is None:
                    continue
                if rule.id in seen:
                    raise self.error(item, f"duplicate rule id {rule.id!r} (first defined on line {seen[rule.id]})")
                seen[rule.id] = rule.line or 0
                rules.append(rule)
        self.raise_errors()
        return RuleBook(rules=tuple(rules), webhooks=webhooks, source=self.name, warnings=tuple(self.warnings),
                        endpoint_warnings=tuple(self.endpoint_warnings))

    def webhooks(self, node: yaml.Node) -> dict[str, WebhookEndpoint]:
        """The endpoints that read; each that does not is an error, and a name rules may still give."""
        endpoints = {}
        for name, (key_node, value_node) in self.mapping(node, "webhooks", ()).items():
            with self.collecting(("webhook", name)):
                endpoints[name] = self.endpoint(name, value_node)
            if name not in endpoints:
                self.broken_webhooks.add(name)
        return endpoints

    def endpoint(self, name: str, value_node: yaml.Node) -> WebhookEndpoint:
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
        for node in secret_node.value if isinstance(secret_node, yaml.SequenceNode) else [secret_node]:
            self.warn_of_a_secret_in_the_file(node, what)
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
        return WebhookEndpoint(name=name, url=url, secrets=secrets, timeout_s=timeout_s, format=fmt,
                               concurrency=concurrency)

    def warn_of_a_secret_in_the_file(self, node: yaml.Node, what: str) -> None:
        """A secret anyone who has the file can sign with: written out in it, or a ``${VAR:-default}`` default as VAR is
        unset (a warning, not an error: a file kept as private as a secret is a choice)."""
        text = str(node.value)
        problems = [f"{what} signs with a secret written in this file: anyone who has the file can sign as wirewatch; "
                    f"write secret: ${{VAR}} and set VAR in the environment (or .env)"] if written_out(text).strip() else []
        problems += [f"{what} signs with the secret written in this file, as {variable} is not set: anyone who has the "
                     f"file can sign as wirewatch; set {variable}" for variable in defaulted(text, self.env)]
        for problem in problems:
            if (message := self.warn(node, problem)) is not None:
                self.endpoint_warnings.append(message)

    def rule(self, node: yaml.Node, webhooks: Mapping[str, WebhookEndpoint]) -> Rule | None:
        """The rule; or None when any of its parts is wrong, each such part's error kept (its ``when``, its policy, its
        webhooks... are read apart, so a rule's every mistake is said at once)."""
        line = node.start_mark.line + 1
        fields = self.mapping(node, rule_name(node), _RULE_KEYS)
        if "id" not in fields:
            raise self.error(node, "rule without id")
        id_node = fields["id"][1]
        rule_id = self.string(id_node, "rule id")
        if not _RULE_ID.match(rule_id):
            raise self.error(id_node, f"rule id {rule_id!r} must be letters, digits, '.', '_' or '-' (at most 128)")
        what = f"rule {rule_id!r}"
        owner = ("rule", node.start_mark.line)
        errors = len(self.errors)
        if "when" not in fields and "query" not in fields:
            self.errors.append((owner, self.error(node, f"{what} has no 'when' condition (or 'query')")))
        parts = []
        for key, read in (("when", self.condition), ("query", self.query)):
            if key in fields:
                with self.collecting(owner):
                    parts.append(read(fields[key][1], what))
        when = None if len(self.errors) > errors else parts[0] if len(parts) == 1 else AllOf(tuple(parts))
        policy = description = None
        with self.collecting(owner):
            policy = self.policy(fields, what, when)
        with self.collecting(owner):
            description = self.string(fields["description"][1], f"{what} description", allow_empty=True) if "description" in fields else ""
        names = self.rule_webhooks(fields, what, webhooks, owner)
        enabled = True
        if "enabled" in fields:
            enabled_node = fields["enabled"][1]
            with self.collecting(owner):
                enabled = self.scalar(enabled_node, f"{what} enabled")
                if not isinstance(enabled, bool):
                    raise self.error(enabled_node, f"{what}: enabled must be true or false, got {enabled!r}")
        if len(self.errors) > errors or when is None or policy is None or description is None:
            return None
        return Rule(id=rule_id, when=when, description=description, webhooks=names, enabled=bool(enabled), line=line,
                    policy=policy)

    def rule_webhooks(self, fields: dict[str, tuple[yaml.Node, yaml.Node]], what: str,
                      webhooks: Mapping[str, WebhookEndpoint], owner: tuple[str, object]) -> tuple[str, ...]:
        """The endpoint names a rule sends to; each that is not one is an error of the rule's."""
        if "webhooks" not in fields:
            return ()
        hooks_node = fields["webhooks"][1]
        nodes = hooks_node.value if isinstance(hooks_node, yaml.SequenceNode) else [hooks_node]
        names = []
        for hook_node in nodes:
            with self.collecting(owner):
                hook = self.string(hook_node, f"{what} webhook name")
                names.append(hook)
                if hook not in webhooks and hook not in self.broken_webhooks:
                    known = ", ".join(sorted({*webhooks, *self.broken_webhooks})) or "none defined"
                    raise self.error(hook_node, f"{what}: webhook {hook!r} is not defined under 'webhooks' (defined: {known})")
        return tuple(names)

    def policy(self, fields: dict[str, tuple[yaml.Node, yaml.Node]], what: str, when: Condition | None) -> AlertPolicy:
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
            for option in ("people", "sides"):
                if option in b:
                    kw[option] = self.people(b[option][1], what, f"burst {option}")
                    if "entity" not in b:
                        raise self.error(b[option][1], f"{what} burst {option} needs 'entity: <a country's QID or name>'")
            if "entity" in b:
                value = self.string(b["entity"][1], f"{what} burst entity")
                kw["entity"] = normal_id(value) if ENTITY_ID.match(value) else value
                kw["entity_match"] = self.resolve(EntityCondition(kw["entity"], people=bool(kw.get("people")),
                                                                  sides=bool(kw.get("sides"))), b["entity"][1], what)
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
            for option in ("people", "sides"):
                if getattr(burst, option):
                    self.burst_option_unmatched(burst, option, when, b[option][1], what)
            if window is not None:
                raise self.error(b_node, f"{what}: a rule takes a window or a burst, not both")
        follow_up = False
        if "follow_up" in fields:
            follow_up = self.scalar(fields["follow_up"][1], f"{what} follow_up")
            if not isinstance(follow_up, bool):
                raise self.error(fields["follow_up"][1], f"{what}: follow_up must be true or false, got {follow_up!r}")
        cooldown = self.duration(fields["cooldown"][1], f"{what} cooldown") if "cooldown" in fields else 300.0
        if "cooldown" in fields and not follow_up:
            self.warn(fields["cooldown"][1], f"{what}: cooldown spaces follow-ups, and the rule asks none (follow_up: true), "
                                             "so it changes nothing")
        repeat = self.duration(fields["repeat_interval"][1], f"{what} repeat_interval") if "repeat_interval" in fields else None
        return AlertPolicy(window=window, burst=burst, follow_up=follow_up, cooldown_s=cooldown, repeat_s=repeat)

    def burst_option_unmatched(self, burst: BurstSpec, option: str, when: Condition | None, node: yaml.Node,
                               what: str) -> None:
        """Warns when the rule's condition matches only reports naming the burst's country itself: its people (or sides)
        never reach the burst, which counts the rule's matches only. (Not for what is no country: warned of already.)"""
        entity = burst.entity_match
        target = entity.qid or entity.key if isinstance(entity, EntityCondition) else None
        if when is None or target is None or not self.names.is_country(target) or not names_it_only_itself(when, entity, option):
            return
        how = "a word for its people" if option == "people" else "a side taken for or against its people"
        field = "entity.people" if option == "people" else "entity.sides"
        self.warn(node, f"{what}: burst '{option}' adds nothing: the rule's condition matches only reports naming "
                        f"{burst.entity} itself, so none naming it only by {how} is counted; ask it of the condition too "
                        f"({{entity: {{name: {burst.entity}, {option}: true}}}}, or {field}:{burst.entity} in a query)")

    def condition(self, node: yaml.Node, what: str) -> Condition:
        if not isinstance(node, yaml.MappingNode):
            raise self.error(node, f"{what}: a condition must be a mapping such as {{entity: Q7184}}, not a {kind(node)}")
        if not node.value:
            raise self.error(node, f"{what}: empty condition")
        fields = self.mapping(node, what, _CONDITION_KEYS, key_kind="condition key")
        parts = [self.one_condition(key, key_node, value_node, what) for key, (key_node, value_node) in fields.items()]
        return parts[0] if len(parts) == 1 else AllOf(tuple(parts))

    def entity(self, node: yaml.Node, what: str) -> EntityCondition:
        e = self.mapping(node, f"{what} entity", _ENTITY_KEYS)
        if ("id" in e) == ("name" in e):
            raise self.error(node, f"{what}: entity takes one of 'id' (a QID or geonames:<id>) or 'name'")
        value = self.string((e.get("id") or e["name"])[1], f"{what} entity")
        if "id" in e and not ENTITY_ID.match(value):
            raise self.error(e["id"][1], f"{what}: entity id {value!r} is not a Wikidata QID like Q7184 or a GeoNames id "
                                         f"like geonames:709717 (for a name, write 'name:')")
        where: tuple[str, ...] = ()
        if "in" in e:
            where = tuple(w.lower() for w in self.strings(e["in"][1], f"{what} entity in"))
            for w in where:
                if w not in ("title", "lead"):
                    raise self.error(e["in"][1], f"{what}: entity in must be 'title' or 'lead' (or both), got {w!r}")
        mentions = int(self.number(e["min_mentions"][1], f"{what} entity min_mentions", integer=True, minimum=1)) if "min_mentions" in e else 1
        salience = float(self.number(e["min_salience"][1], f"{what} entity min_salience", minimum=0)) if "min_salience" in e else 0.0
        people = self.people(e["people"][1], what, "entity people") if "people" in e else False
        sides = self.people(e["sides"][1], what, "entity sides") if "sides" in e else False
        condition = EntityCondition(normal_id(value) if ENTITY_ID.match(value) else value, where=where,
                                    min_mentions=mentions, min_salience=salience, people=people, sides=sides)
        return self.resolve(condition, node, what)  # type: ignore[return-value]

    def people(self, node: yaml.Node, what: str, label: str) -> bool:
        """``people: true``: a country is also named by a word for its people (an entity condition's, a burst's); read
        the same, ``sides: true``: also by a side taken for or against its people (an entity condition's, a burst's)."""
        people = self.scalar(node, f"{what} {label}")
        if not isinstance(people, bool):
            raise self.error(node, f"{what}: {label} must be true or false, got {people!r}")
        return people

    def one_condition(self, key: str, key_node: yaml.Node, node: yaml.Node, what: str) -> Condition:
        if key in ("all", "any"):
            if not isinstance(node, yaml.SequenceNode):
                raise self.error(node, f"{what}: '{key}' takes a list of conditions, not a {kind(node)}")
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
            return self.resolve(EntityCondition(normal_id(value) if ENTITY_ID.match(value) else value), node, what)
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
        if key == "copy":
            value = self.scalar(node, f"{what} copy")
            if not isinstance(value, bool):
                raise self.error(node, f"{what}: copy must be true or false, got {value!r}")
            return CopyCondition(value)
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
