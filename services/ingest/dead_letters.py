"""What ingest knows of its own dead letters when ``wirewatch dead-letters`` lists them and ``--resend`` sends them back.

Ingest's agents read its internal topics (``ingest.entries``, ``ingest.polls``) and write their dead letters to
``articles.raw.dlq``, where its rejected inputs are too; a letter names the topic its original was read from. A feed
entry goes back to ``ingest.entries``, where the dedupe agent reads it again. A feed's poll state is not sent back:
it is state, not work, and the feed's next poll stores it afresh. A letter of ingest that names a topic ingest does
not read (``articles.raw``) would be resent into nothing: what its original is says where it came from. An input ingest
rejected was never on a topic: its letter names it (``publish`` writes ``<channel>:<where>``: ``cli:stdin``,
``http:POST /ingest``, ``feed:<id>:feed "<id>" entry 2``), and what to do instead of a resend depends on where it came
from: a polled feed is read again anyway.
"""

from __future__ import annotations

import orjson

from schemas import DeadLetter
from services.runtime.resend import NotResent, Rerouted
from services.runtime.settings import Settings

__all__ = ["STAGE", "input_said", "rejected_input", "route"]

# The stage name of every ingest agent: its dead letters' service, and the wirewatch-resent-for of what is resent to it.
STAGE = "ingest"

POLL_STATE = ("a feed's poll state: state, not work; the feed's next poll stores it afresh, and sent back it could put "
              "an older ETag, failure count or moved URL in place of a newer one")


def input_said(letter: DeadLetter) -> str | None:
    """What ingest rejected, in words, for the listing: ``what it read of feed "x"``, ``an input given to `wirewatch
    ingest```; None for a letter that names a topic, or another stage's."""
    channel, sep, where = letter.source_topic.partition(":")
    if letter.service != STAGE or not sep:
        return None
    if channel == "feed":
        return f'what it read of feed "{where.partition(":")[0]}"'
    return {"cli": "an input given to `wirewatch ingest`", "http": "an input sent to POST /ingest"}.get(
        channel, f"an input ({letter.source_topic})")


def rejected_input(source_topic: str) -> NotResent:
    """Why an input ingest rejected is not resent (it was never on a topic), and what to do instead: a feed's entry
    comes again with the feed's polls, anything else is ingested again once fixed. No failure either way."""
    channel, _, rest = source_topic.partition(":")
    if channel != "feed":
        return NotResent(f"an input ingest rejected ({source_topic}), never on a topic: fix it and ingest it again")
    feed_id, _, where = rest.partition(":")
    what = where or f'what feed "{feed_id}" gave'
    # Read again at every poll that is not a 304: what the user mends is what misread the entry, not the entry.
    return NotResent(f"{what} was rejected as ingest read the feed, never on a topic: ingest reads it again at the "
                     f"feed's next polls while the feed lists it, and takes it once it reads well: mend the feed's "
                     f"fields or items in the feeds file if they misread it (the feed is then read afresh), else only "
                     f"the feed's publisher can mend it; `wirewatch feeds check FEEDS_FILE` shows what a poll rejects")


def _shape(original: bytes) -> str | None:
    """What an original is by its fields, valid or not (a letter is often written because it was not): "entry",
    "poll state", or None."""
    try:
        value = orjson.loads(original)
    except orjson.JSONDecodeError:
        return None
    if not isinstance(value, dict):
        return None
    if "article" in value:  # PolledEntry
        return "entry"
    if "config_url" in value and "feed_id" in value:  # StoredPollState
        return "poll state"
    return None


def route(letter: DeadLetter, settings: Settings) -> NotResent | Rerouted | None:
    """Ingest's word on a letter (None: not ingest's to say, or resend it to its source topic as any other)."""
    cfg = settings.ingest
    if letter.service != STAGE:
        return None
    if ":" in letter.source_topic:  # no topic name has one
        return rejected_input(letter.source_topic)
    if letter.source_topic == cfg.polls_topic:
        return NotResent(f"{POLL_STATE} (of {cfg.polls_topic})")
    if letter.source_topic == cfg.entries_topic:
        return None
    shape = _shape(letter.original)
    if shape == "entry":
        return Rerouted(cfg.entries_topic, f"a feed entry, which ingest reads from {cfg.entries_topic}, not "
                                           f"{letter.source_topic} as the letter says")
    if shape == "poll state":
        return NotResent(f"{POLL_STATE} (of {cfg.polls_topic}; the letter says {letter.source_topic})")
    return NotResent(f"ingest does not read {letter.source_topic}, and the original is neither a feed entry nor a "
                     f"feed's poll state: resent there, no stage would read it", problem=True)
