"""Per-stage accounting over what the topics hold: messages in = messages out + dead letters (+ counted
duplicates, + what the stage lets through by design, e.g. articles no alert rule matches)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

import orjson

__all__ = ["StageAccount", "account", "ids_by_key", "ids_by_value", "dead_letter_ids"]

Records = Iterable[tuple[bytes | None, bytes]]


def ids_by_key(records: Records) -> Counter:
    return Counter(k.decode() for k, _ in records if k)


def ids_by_value(records: Records, field_name: str = "id") -> Counter:
    """Ids read from the messages themselves (for a topic keyed by something else, such as tagger.stories)."""
    found: Counter = Counter()
    for _, value in records:
        try:
            value = orjson.loads(value)
        except orjson.JSONDecodeError:
            continue  # not a message at all: the stage reading it dead-letters it by key
        ids = value.get(field_name)
        for one in ids if isinstance(ids, list) else [ids]:
            found[one] += 1
    return found


def dead_letter_ids(records: Records, source_topic: str, field_name: str = "id") -> Counter:
    """Ids of the dead letters a stage wrote for ``source_topic`` (a prefix when it ends with ":"): the original
    message's ``field_name``, else the key."""
    import base64

    found: Counter = Counter()
    for _, value in records:
        letter = orjson.loads(value)
        where = letter.get("source_topic") or ""
        if not (where.startswith(source_topic) if source_topic.endswith(":") else where == source_topic):
            continue
        try:
            original = orjson.loads(base64.b64decode(letter["original"]))
            ident = original.get(field_name) if isinstance(original, dict) else None
        except (orjson.JSONDecodeError, ValueError, TypeError):
            ident = None
        if ident is None and letter.get("key"):
            ident = base64.b64decode(letter["key"]).decode("utf-8", "replace")
        found[ident if ident is not None else f"<undecodable at {len(found)}>"] += 1
    return found


@dataclass
class StageAccount:
    stage: str
    into: int
    out: int
    dead: int
    passed_over: int
    duplicates: int
    missing: set[str] = field(default_factory=set)
    unexpected: set[str] = field(default_factory=set)

    @property
    def balanced(self) -> bool:
        return not self.missing and not self.unexpected

    def __str__(self) -> str:
        state = "balanced" if self.balanced else f"{len(self.missing)} MISSING, {len(self.unexpected)} from nowhere"
        over = f" + {self.passed_over} passed over" if self.passed_over else ""
        return (f"{self.stage}: in {self.into} = out {self.out} + dead letters {self.dead}{over} "
                f"({self.duplicates} duplicates counted): {state}")


def account(stage: str, into: Counter, out: Counter, dead: Counter, passed_over: Iterable[str] = ()) -> StageAccount:
    """What came in, against what went out, was dead-lettered, or was passed over by design."""
    passed = set(passed_over) & set(into)
    seen_in, seen_out, seen_dead = set(into), set(out), set(dead)
    accounted = seen_out | seen_dead | passed
    return StageAccount(
        stage=stage, into=len(seen_in), out=len(seen_out), dead=len(seen_dead), passed_over=len(passed),
        duplicates=sum(out.values()) + sum(dead.values()) - len(seen_out | seen_dead),
        missing=seen_in - accounted, unexpected=(seen_out | seen_dead) - seen_in,
    )
