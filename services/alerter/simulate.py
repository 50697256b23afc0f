"""What the alerter would do with a list of tagged articles, in one process: ``wirewatch process --until alerts``
and ``wirewatch rules test`` both run it, so the two agree with each other and with the live alerter.

The live alerter's steps, in its order: the rules' match, an entity burst (a rule with ``burst: {of: entity}``
fires a story's first alert only when the entity bursts; with ``follow_up`` its other matches go on, to follow up on
a story it alerted), then the dedupe per rule and story (windows, story bursts, follow-ups, repeats)
through the earlier ids of a story (a copy of an alerted report, ``story_evidence.copy_of``, sends no follow-up).
Time is the clock of the run (``now``), as the live alerter counts by arrival: articles read together arrive together. Then the follow-up flush: a follow-up that waits for its cooldown goes out
as the live alerter's timer sends it once due (the key's last alert + cooldown), with no new article, stamped with
that time. A repeat needs a match that arrives ``repeat_interval`` after the last alert; articles read together
never do, in the pipeline or here.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime

from schemas import Alert, TaggedArticle
from schemas.models import AlertBurst
from services.alerter.conditions import EntityCondition
from services.alerter.dedupe import (
    copy_of,
    decide,
    due_follow_ups,
    follow_up_entry,
    load_state,
    make_alert,
    route,
    story_aliases,
)
from services.alerter.facts import Facts
from services.alerter.rules import AlertPolicy, BurstSpec, RuleBook, RuleMatch
from services.alerter.window import BurstResult, observe_burst

__all__ = ["Outcome", "simulate", "mentions", "entity_burst"]


@dataclass(frozen=True)
class Outcome:
    """One rule's match of one article, and what came of it: the alert, or why there is none."""

    article: TaggedArticle
    match: RuleMatch
    alert: Alert | None
    reason: str
    flushed: bool = False  # sent by the follow-up flush once its cooldown passed, not on ``article``'s arrival


def mentions(article: TaggedArticle, value: str | EntityCondition) -> bool:
    """Whether the article names the entity (an id, a name or unlinked text), as an entity condition would."""
    condition = value if isinstance(value, EntityCondition) else EntityCondition(value)
    return condition.check(Facts(article)) is not None


def entity_burst(spec: BurstSpec, result: BurstResult) -> AlertBurst:
    """What an alert says of the entity burst that made it: keyed ``entity:<the entity's key>``."""
    return AlertBurst(key=f"entity:{spec.key}", bucket_s=spec.bucket_s, count=result.count, baseline=result.mean,
                      zscore=result.zscore)


def simulate(rulebook: RuleBook, tagged: Iterable[TaggedArticle], now: datetime, *, flush: bool = True) -> Iterator[Outcome]:
    """Every rule match of ``tagged``, in order, with the alert the alerter would send for it at ``now``; then, with
    ``flush`` (the alerter's WIREWATCH_ALERTER__FOLLOW_UP_FLUSH_S above 0), the follow-ups its timer sends after."""
    states: dict[str, dict] = {}
    bursts: dict[str, dict | None] = {}
    # dedupe key -> what the flush would re-send (alerter-follow-ups), the policy that decides it, and the
    # article and match of the candidate it re-sends.
    waiting: dict[str, tuple[dict, AlertPolicy, TaggedArticle, RuleMatch]] = {}
    for article in tagged:
        aliases = story_aliases(article)
        for match in rulebook.evaluate(article):
            candidate = make_alert(match, article, now)
            policy = match.rule.policy
            spec = policy.burst
            no_burst = None
            if spec is not None and spec.of == "entity":
                if not (spec.entity and mentions(article, spec.entity_match or spec.entity)):
                    yield Outcome(article, match, None, f"does not name the burst's entity {spec.entity}"
                                                        f"{spec.also.replace(' or ', ' nor ')}")
                    continue
                key = spec.state_keys(match.rule.id)[0]
                bursts[key], result = observe_burst(
                    bursts.get(key), now=now.timestamp(), item_id=candidate.article_ids[0], bucket_s=spec.bucket_s,
                    alpha=spec.alpha, z=spec.z, ratio=spec.ratio, min_count=spec.min_count, warmup=spec.warmup)
                if not result.burst:
                    no_burst = (f"no burst of {spec.entity} ({result.count} in this {spec.bucket_s:g} s bucket, "
                                f"baseline {result.mean:.1f}: {result.short})")
                    if not policy.follow_up:
                        yield Outcome(article, match, None, no_burst)
                        continue
                else:
                    candidate = candidate.model_copy(update={"burst": entity_burst(spec, result)})
                policy = type(policy)(follow_up=policy.follow_up, cooldown_s=policy.cooldown_s, repeat_s=policy.repeat_s)
            # An earlier id of the story that fired decides; else the story's own key, with what the earlier ids counted.
            candidate, carried = route(states, candidate, aliases)
            decision = decide(load_state(states.get(candidate.dedupe_key)), candidate, policy, now, carried,
                              copy_of(article), no_burst)
            states[candidate.dedupe_key] = decision.state
            _remember(waiting, candidate, decision.state, policy, article, match)
            yield Outcome(article, match, decision.alert, decision.reason)
    if flush:
        yield from _flush(states, waiting)


def _remember(waiting: dict, candidate: Alert, state: dict, policy: AlertPolicy, article: TaggedArticle,
              match: RuleMatch) -> None:
    """Keep ``waiting`` as the agent keeps ``alerter-follow-ups``: an entry while a follow-up waits, none after."""
    key = candidate.dedupe_key
    previous = waiting.pop(key, None)
    entry = follow_up_entry(previous[0] if previous else None, state, candidate, policy)
    if entry is None:
        return
    # A re-fetch keeps the candidate already remembered, and with it that candidate's article.
    kept = previous is not None and entry["candidate"] is previous[0]["candidate"]
    waiting[key] = (entry, policy, *(previous[2:] if kept else (article, match)))


def _flush(states: dict[str, dict], waiting: dict) -> Iterator[Outcome]:
    """The follow-ups still waiting after the last article, as the flush timer sends them: each key's tick once due
    (earliest first), decided like any match of the key; nothing new in it, so it sends what is pending."""
    for key, (entry, policy, article, match) in sorted(waiting.items(), key=lambda item: item[1][0]["due"]):
        for _, tick in due_follow_ups([(key, entry)], float(entry["due"])):
            decision = decide(load_state(states.get(key)), tick, policy, tick.fired_at)
            states[key] = decision.state
            yield Outcome(article, match, decision.alert, decision.reason, flushed=True)
