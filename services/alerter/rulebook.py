"""A rulebook: rules (a condition and an alert policy each) and the webhooks they send to.

``RuleBook.evaluate`` says which enabled rules hold for an article and why; what becomes an alert
(windows, bursts, one alert per story, follow-ups, repeats) is decided later, by ``AlertPolicy``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from schemas import TaggedArticle
from services.alerter.conditions import Condition, EntityCondition
from services.alerter.facts import Facts
from services.alerter.webhooks import WebhookEndpoint

__all__ = ["WindowSpec", "BurstSpec", "AlertPolicy", "Rule", "RuleMatch", "RuleBook"]


@dataclass(frozen=True)
class WindowSpec:
    """Fire only once ``count`` matching articles (or distinct sources) of a story arrived within ``within_s``."""

    count: int
    within_s: float
    distinct: str = "articles"  # or "sources"


@dataclass(frozen=True)
class BurstSpec:
    """Fire when the rate of matching articles jumps above its own recent baseline (see ``window.burst``).

    ``of`` is ``story`` (per rule and story) or ``entity`` (per rule and the entity ``entity``, across stories);
    with ``people``, a country's count includes the articles naming it only by a word for its people (or a state body
    named by one), and with ``sides`` those naming it only by a side taken for or against it ("pro-Russian").
    """

    of: str = "story"
    entity: str | None = None
    people: bool = False
    sides: bool = False
    bucket_s: float = 900.0
    alpha: float = 0.3
    z: float = 3.0
    ratio: float = 3.0
    min_count: int = 3
    warmup: int = 3
    # ``entity`` resolved as an entity condition would be (a name through the gazetteer).
    entity_match: EntityCondition | None = field(default=None, compare=False)

    @property
    def key(self) -> str | None:
        """What the burst counts under: the entity's key (``Q7795``) when the rule's name resolves to one, so any
        alias, or the id itself, keeps one baseline; the name as written when it does not resolve."""
        resolved = self.entity_match.key if self.entity_match is not None else None
        return resolved or self.entity

    @property
    def also(self) -> str:
        """What else the burst counts as its entity, for a person to read: `` or its people``, `` or a side``."""
        return (" or its people" if self.people else "") + (" or a side" if self.sides else "")

    def state_keys(self, rule_id: str) -> tuple[str, ...]:
        """The ``alerter-bursts`` keys of this rule's baseline: ``<rule>:<key>``, then the key before entity names were
        resolved (``<rule>:<name as written>``), still read when the new key has no state yet (an upgrade)."""
        keys = (f"{rule_id}:{self.key}", f"{rule_id}:{self.entity}")
        return keys[:1] if keys[0] == keys[1] else keys


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
    warnings: tuple[str, ...] = ()  # what loaded but will not do what it seems to: an entity name no entity has
    endpoint_warnings: tuple[str, ...] = ()  # those of ``warnings`` about the endpoints (a secret written in the file)

    def evaluate(self, article: TaggedArticle) -> list[RuleMatch]:
        """The enabled rules that hold for ``article``, in rulebook order."""
        facts = Facts(article)
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

    def unsent(self) -> list[str]:
        """Warnings for the enabled rules whose alerts reach no webhook (valid: they still go to the ``alerts`` topic
        and the newsroom), in the style of the loader's: one for a file with no endpoints, else one per such rule."""
        quiet = [r for r in self.rules if r.enabled and not r.webhooks]
        where = "go only to the alerts topic and the newsroom"
        if quiet and not self.webhooks:
            return [f"{self.source}: no webhook endpoints (no 'webhooks' section): every rule's alerts {where}"]
        return [f"{self.source}:{r.line}: rule {r.id!r} has no webhooks: its alerts {where}" if r.line else
                f"{self.source}: rule {r.id!r} has no webhooks: its alerts {where}" for r in quiet]

    def endpoints_for(self, rule: Rule | str) -> list[WebhookEndpoint]:
        if isinstance(rule, str):
            rule = self.rule(rule)
        return [self.webhooks[name] for name in rule.webhooks]


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))
