"""One alert per rule and story: the dedupe key, the alert id derived from it, the alert itself,
and ``decide``: what a new match of a key becomes given the key's state (window, burst, follow-ups).

The alert id is a pure function of the dedupe key (and, for follow-ups and repeats, of their
sequence number), so a re-fire after a restart or a redelivery carries the same ``webhook-id``
and receivers can drop the copy.

A follow-up that waits for its cooldown is flushed without a new article: ``follow_up_entry``
says when it is due and which candidate to re-send, ``due_follow_ups`` which keys are due at
``now``; the shell re-sends those candidates (``tick``) on the key's own partition, where
``decide`` finds nothing new and sends the follow-up because the cooldown has passed. A copy of a report the key
alerted (``story_evidence.copy_of``) sends no follow-up and is flushed by none: it waits for one a new report sends.

After a merge (the story stage found that stories X and Y report one event, and reports X as Y from
then on) a report of Y names X among its story's ``aliases``. ``route`` decides its match under
``rule:X`` when that key fired: the event's next report follows up on X's alert instead of firing the
rule again under ``rule:Y``. When no earlier id fired, the match is decided under ``rule:Y`` with what
the earlier ids' keys counted (``carried``: their windows and story bursts) added to Y's own counts.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone

from pydantic import ValidationError

from schemas import Alert, TaggedArticle, article_title_language
from schemas.models import AlertBurst, AlertWindow
from services.alerter.rules import AlertPolicy, RuleMatch
from services.alerter.window import merge_burst, merge_window, observe_burst, observe_window

__all__ = ["ALERT_ID_PREFIX", "dedupe_key", "alert_id", "sequence_id", "summarize", "make_alert", "Decision", "decide",
           "load_state", "follow_up_due", "follow_up_entry", "due_follow_ups", "route", "routed", "story_aliases", "copy_of",
           "handed_on", "Carried"]

# What one earlier id of a story hands on to the key that decides: (story id, {"window": ..., "burst": ...}).
Carried = tuple[str, dict]
# Burst ids an earlier id hands on (the newest): enough to count a re-fetch of its recent articles once.
_HANDED_IDS = 200

# Article ids remembered per key, to tell an update of an alerted story from a re-fetch.
MAX_REMEMBERED = 500

ALERT_ID_PREFIX = "alrt_"
# 26 base32 characters are 130 bits of the digest: collisions are not a practical concern.
_ID_CHARS = 26
_TITLE_CHARS = 160
_WHITESPACE = re.compile(r"\s+")


def dedupe_key(rule_id: str, story_id: str) -> str:
    """``<rule_id>:<story_id>``; rule ids cannot contain ':' so the key splits back unambiguously."""
    return f"{rule_id}:{story_id}"


def alert_id(key: str) -> str:
    digest = hashlib.sha256(key.encode("utf-8")).digest()
    return ALERT_ID_PREFIX + base64.b32encode(digest).decode("ascii").lower()[:_ID_CHARS]


def sequence_id(key: str, sequence: int) -> str:
    """The id of alert number ``sequence`` of a key: the key's own id for 0, then one id per follow-up/repeat."""
    return alert_id(key) if sequence == 0 else alert_id(f"{key}#{sequence}")


def _one_line(text: str, limit: int) -> str:
    text = _WHITESPACE.sub(" ", text).strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def summarize(rule_id: str, article: TaggedArticle) -> str:
    """One line for a human: ``nato-in-ukraine: "NATO chief in Kyiv" (wire-en, en)``."""
    title = _one_line(article.title, _TITLE_CHARS) or _one_line(article.body, _TITLE_CHARS // 2) or "(untitled)"
    return f'{rule_id}: "{title}" ({article.source}, {article.language})'


def make_alert(match: RuleMatch, article: TaggedArticle, now: datetime) -> Alert:
    """The alert for ``match`` on ``article``, fired at ``now`` (timezone-aware)."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    key = dedupe_key(match.rule.id, article.story_id)
    names = {e.canonical_name for e in article.entities if e.canonical_id and e.canonical_name}
    return Alert(
        id=alert_id(key),
        rule_id=match.rule.id,
        story_id=article.story_id,
        article_ids=[article.id],
        dedupe_key=key,
        fired_at=now,
        summary=summarize(match.rule.id, article),
        matched=list(match.matched),
        title=article.title,
        title_language=article_title_language(article),
        url=article.url,
        entities=sorted(names, key=lambda n: (n.casefold(), n)),
        sources=[article.source],
    )


# --------------------------------------------------------------------------- deciding


@dataclass(frozen=True)
class Decision:
    """The key's new state, the alert to send (None: suppressed), and why, in a few words."""

    state: dict
    alert: Alert | None
    reason: str


def load_state(value: object) -> dict:
    """A key's state from its table value; a bare timestamp is the state of an older version (fired, nothing more)."""
    if isinstance(value, dict):
        return dict(value)
    if isinstance(value, str) and value and not value.startswith("{"):
        try:
            fired = datetime.fromisoformat(value)
        except ValueError:
            return {}
        return {"fired_at": value, "last_sent": fired.timestamp(), "sequence": 0, "alerted": [], "pending": []}
    if isinstance(value, str) and value.startswith("{"):
        import orjson

        return orjson.loads(value)
    return {}


def decide(
    state: dict | None, candidate: Alert, policy: AlertPolicy, now: datetime, carried: Iterable[Carried] = (),
    copy_of: str | None = None, no_burst: str | None = None,
) -> Decision:
    """What ``candidate`` (a fresh rule match of one article, keyed ``rule:story``) becomes at ``now``.

    Before a key fires: its window or story burst must hold (when the rule has one), counting what
    the story's earlier ids counted (``carried``, from ``route``) with the key's own. Once it
    fired: a re-fetched article is dropped; a new article is a follow-up when the rule asks
    (``follow_up``), grouped with the other new articles and sent at most once per
    ``cooldown_s``; with ``repeat_s``, a story that still matches is re-alerted that often. ``copy_of`` is the
    article whose text the candidate's article repeats (``story_evidence.copy_of``): a copy of an alerted report sends
    no follow-up; it goes with the next one a new report sends. It still says the story matches, for a repeat.
    ``no_burst`` says (the burst agent's reason) that the match of an entity-burst rule came while its entity was not
    bursting: it fires no key, but is a later report like any other of a key that fired.
    """
    s = dict(state or {})
    t = now.timestamp()
    key = candidate.dedupe_key
    carried = list(carried)
    if not s.get("fired_at") and no_burst is not None:
        return Decision(s, None, no_burst)
    if not s.get("fired_at"):
        update: dict = {}
        if policy.window is not None:
            w = policy.window
            counted = merge_window(s.get("window"), [c.get("window") for _, c in carried])
            s["window"], res = observe_window(
                counted, now=t, article_id=candidate.article_ids[0], source=(candidate.sources or ["?"])[0],
                count=w.count, within_s=w.within_s, distinct=w.distinct,
            )
            if not res.met:
                have = res.sources if w.distinct == "sources" else res.articles
                return Decision(s, None, f"window {have}/{w.count} {w.distinct}")
            update = {"article_ids": res.article_ids, "sources": res.source_names,
                      "window": AlertWindow(articles=res.articles, sources=res.sources, within_s=w.within_s)}
        elif policy.burst is not None and policy.burst.of == "story":
            b = policy.burst
            merged = merge_burst(s.get("burst"), [(sid, c["burst"]) for sid, c in carried if c.get("burst")],
                                 now=t, bucket_s=b.bucket_s, alpha=b.alpha)
            s["burst"], res = observe_burst(
                merged, now=t, item_id=candidate.article_ids[0], bucket_s=b.bucket_s, alpha=b.alpha, z=b.z,
                ratio=b.ratio, min_count=b.min_count, warmup=b.warmup,
            )
            if not res.burst:
                return Decision(s, None, f"no burst ({res.count} in bucket, baseline {res.mean:g}: {res.short})")
            update = {"burst": AlertBurst(key=f"story:{candidate.story_id}", bucket_s=b.bucket_s, count=res.count,
                                          baseline=res.mean, zscore=res.zscore)}
        alert = candidate.model_copy(update={"id": sequence_id(key, 0), "kind": "fired", "sequence": 0, "fired_at": now,
                                             **update})
        s.update(fired_at=now.isoformat(), last_sent=t, sequence=0, alerted=list(alert.article_ids)[-MAX_REMEMBERED:],
                 pending=[], pending_sources=[])
        s.pop("window", None)
        return Decision(s, alert, "fired")

    alerted = list(s.get("alerted", []))
    pending = list(s.get("pending", []))
    pending_sources = list(s.get("pending_sources", []))
    copies = [a for a in s.get("pending_copies", []) if a in pending]
    last_sent = float(s.get("last_sent") or 0.0)
    new_ids = [a for a in candidate.article_ids if a not in alerted and a not in pending]
    # A copy of a report the key alerted (or of such a copy) brings nothing new: it waits, carried by the next
    # follow-up that a new report sends, and neither sends nor heads one itself. A copy of a report still pending
    # is not held: it goes with its original, as before.
    held = bool(new_ids) and copy_of is not None and (copy_of in alerted or copy_of in copies)
    if policy.follow_up and new_ids:
        pending += new_ids
        pending_sources = list(dict.fromkeys(pending_sources + list(candidate.sources)))
        if held:
            copies += new_ids
    pending = pending[-MAX_REMEMBERED:]
    copies = [a for a in copies if a in pending]
    news = [a for a in pending if a not in copies]
    s.update(pending=pending, pending_sources=pending_sources[-MAX_REMEMBERED:], pending_copies=copies)
    sequence = int(s.get("sequence", 0))
    if policy.follow_up and news and not held and t - last_sent >= policy.cooldown_s:
        sequence += 1
        alert = candidate.model_copy(update={"id": sequence_id(key, sequence), "kind": "follow-up", "sequence": sequence,
                                             "fired_at": now, "article_ids": pending, "sources": pending_sources})
        s.update(sequence=sequence, last_sent=t, alerted=(alerted + pending)[-MAX_REMEMBERED:], pending=[], pending_sources=[],
                 pending_copies=[])
        return Decision(s, alert, "follow-up")
    if held and news:
        # Not a repeat either, which would take the new reports for alerted without sending them: the flush's tick
        # (or the story's next new report) sends their follow-up, headed by the newest of them.
        return Decision(s, None, f"a copy of {copy_of}, already alerted: goes with the follow-up of {len(news)} new "
                                 "article(s) waiting")
    if policy.repeat_s is not None and t - last_sent >= policy.repeat_s:
        sequence += 1
        carried_copies = {}
        if copies and not news:  # the copies waiting (the match's own article among them when it is one) go with it
            carried_copies = {"article_ids": list(dict.fromkeys(copies + list(candidate.article_ids))),
                              "sources": list(dict.fromkeys(pending_sources + list(candidate.sources)))}
        alert = candidate.model_copy(update={"id": sequence_id(key, sequence), "kind": "repeat", "sequence": sequence,
                                             "fired_at": now, **carried_copies})
        s.update(sequence=sequence, last_sent=t, alerted=(alerted + [a for a in pending if a not in alerted])[-MAX_REMEMBERED:],
                 pending=[], pending_sources=[], pending_copies=[])
        return Decision(s, alert, "repeat")
    if policy.follow_up and news:
        return Decision(s, None, f"follow-up of {len(news)} article(s) waits for the cooldown")
    if held and policy.follow_up:
        return Decision(s, None, f"a copy of {copy_of}, already alerted: no follow-up for copies alone ({len(copies)} "
                                 "held for the next one)")
    return Decision(s, None, "already alerted" if not new_ids else "already alerted; the rule asks no follow-ups")


def copy_of(article: TaggedArticle) -> str | None:
    """The earlier article of the story whose text the article repeats (docs/tagger.md, "Copies"), or None."""
    return article.story_evidence.copy_of if article.story_evidence is not None else None


# --------------------------------------------------------------------------- merges


def story_aliases(article: TaggedArticle) -> list[str]:
    """The earlier ids of the article's story (stories merged into it), in the order ``route`` visits them."""
    return article.story_evidence.aliases if article.story_evidence is not None else []


def routed(candidate: Alert, story_id: str) -> Alert:
    """``candidate`` keyed ``rule:story_id`` instead, an earlier id of its story; the alert says which it continues."""
    key = dedupe_key(candidate.rule_id, story_id)
    return candidate.model_copy(update={"dedupe_key": key, "id": alert_id(key), "continues": [story_id]})


def handed_on(story_id: str, state: object) -> Carried | None:
    """What the key of an earlier id that never fired hands on to the key that decides: its window and story burst."""
    s = load_state(state)
    out = {}
    if s.get("window", {}).get("events"):
        out["window"] = s["window"]
    if s.get("burst"):
        out["burst"] = {**s["burst"], "ids": list(s["burst"].get("ids", []))[-_HANDED_IDS:]}
    return (story_id, out) if out else None


def route(states: Mapping[str, object], candidate: Alert, aliases: Iterable[str]) -> tuple[Alert, list[Carried]]:
    """The key that decides ``candidate`` and what it is handed: the first of its story's earlier ids (``aliases``)
    whose key fired, else its own key with what the earlier ids' keys counted (``handed_on``), for ``decide``.

    ``states`` maps dedupe keys to their states (as ``load_state`` reads them). The worker asks the same
    question one key at a time, on each key's own partition, in the same order.
    """
    carried = []
    for story_id in aliases:
        state = states.get(dedupe_key(candidate.rule_id, story_id))
        if load_state(state).get("fired_at"):
            return routed(candidate, story_id), carried
        if (handed := handed_on(story_id, state)) is not None:
            carried.append(handed)
    return candidate, carried


# --------------------------------------------------------------------------- flushing follow-ups


def follow_up_due(state: dict, policy: AlertPolicy) -> float | None:
    """When the key's pending follow-up may go out (seconds since the epoch), or None when none waits."""
    if not policy.follow_up or not state.get("fired_at") or not _news(state):
        return None  # copies of alerted reports alone send no follow-up, so nothing to flush
    return float(state.get("last_sent") or 0.0) + policy.cooldown_s


def _news(state: dict) -> set[str]:
    """The key's pending articles that are not copies of reports it alerted: what a follow-up is sent for."""
    return set(state.get("pending", [])) - set(state.get("pending_copies", []))


def follow_up_entry(previous: dict | None, state: dict, candidate: Alert, policy: AlertPolicy) -> dict | None:
    """What to remember to flush a key's pending follow-up: ``{"due": seconds, "candidate": alert JSON}``, or None.

    The candidate is the newest pending article's match (its title and link head the follow-up);
    a re-fetch, a copy of an alerted report or a tick keeps the one already remembered.
    """
    due = follow_up_due(state, policy)
    if due is None:
        return None
    pending = _news(state)
    if previous and previous.get("candidate") and not any(a in pending for a in candidate.article_ids):
        return {"due": due, "candidate": previous["candidate"]}
    return {"due": due, "candidate": candidate.model_dump(mode="json")}


def due_follow_ups(entries: Iterable[tuple[str, dict]], now: float) -> list[tuple[str, Alert]]:
    """The keys whose follow-up is due at ``now``, each with the tick to send: its candidate, fired at ``now``.

    The tick carries no new article, so ``decide`` on it only flushes what is pending.
    """
    at = datetime.fromtimestamp(now, timezone.utc)
    due = []
    for key, entry in entries:
        if entry and float(entry.get("due", float("inf"))) <= now and entry.get("candidate"):
            try:
                candidate = Alert.model_validate(entry["candidate"])
            except ValidationError:
                continue  # not an alert (an older version's entry?): the key's next match replaces it
            due.append((key, candidate.model_copy(update={"fired_at": at})))
    return due
