"""What ingest knows of its own dead letters when ``wirewatch dead-letters --resend`` sends them back.

Ingest's agents read its internal topics (``ingest.entries``, ``ingest.polls``) and write their dead letters to
``articles.raw.dlq``, where its rejected inputs are too; a letter names the topic its original was read from. A feed
entry goes back to ``ingest.entries``, where the dedupe agent reads it again. A feed's poll state is not sent back:
it is state, not work, and the feed's next poll stores it afresh. A letter of ingest that names a topic ingest does
not read (``articles.raw``) would be resent into nothing: what its original is says where it came from.
"""

from __future__ import annotations

import orjson

from schemas import DeadLetter
from services.runtime.resend import NotResent, Rerouted
from services.runtime.settings import Settings

__all__ = ["STAGE", "route"]

# The stage name of every ingest agent: its dead letters' service, and the wirewatch-resent-for of what is resent to it.
STAGE = "ingest"

POLL_STATE = ("a feed's poll state: state, not work; the feed's next poll stores it afresh, and sent back it could put "
              "an older ETag, failure count or moved URL in place of a newer one")


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
    if letter.service != STAGE or ":" in letter.source_topic:  # another stage's, or an input ingest rejected
        return None
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
