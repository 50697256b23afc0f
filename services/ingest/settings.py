"""Settings of the ingest service (``WIREWATCH_INGEST__*``)."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, Field, SecretStr

from services.runtime.setting_values import ListSetting

__all__ = ["FUTURE_FETCHED_AT_TOLERANCE_S", "IngestSettings", "REJECTED_RETENTION_S"]

# As far as a JSON record's own fetched_at may lie after its receipt (clocks apart): as for publication times.
FUTURE_FETCHED_AT_TOLERANCE_S = 900.0
# How long a poll reading a paged feed as deep as ingest reads keeps a rejected entry it did not find (rejections.py).
REJECTED_RETENTION_S = 7 * 24 * 3600.0


class IngestSettings(BaseModel):
    token: SecretStr | None = Field(default=None, description="Bearer token POST /ingest requires; unset means no auth (loopback use only).")
    max_body_bytes: int = Field(default=10 * 1024 * 1024, description="Largest POST /ingest body accepted.")
    ack_timeout_s: float = Field(default=15.0, gt=0, description="How long POST /ingest waits for the broker to acknowledge every record before answering 503 with Retry-After (the broker down or starting).")
    max_in_flight: int = Field(default=32, ge=1, description="POST /ingest requests handled at once; more are answered 429 with Retry-After instead of buffered without bound.")
    feeds_file: Path | None = Field(default=None, description="YAML (or OPML) file of feeds to poll; re-read when it changes. Unset: no polling.")
    entries_topic: str = Field(default="ingest.entries", description="Internal topic of polled feed entries keyed by article id, before de-duplication.")
    polls_topic: str = Field(default="ingest.polls", description="Internal topic of each poll's resulting feed state (ETag, moved URL, failures, 410) keyed by feed id; kept in the ingest-feeds table across restarts.")
    allow_hosts: ListSetting[str] = Field(
        default_factory=list,
        description="Hosts or IPs that may be fetched although they are loopback or private (all others are refused after DNS resolution).",
    )
    connect_timeout_s: float = Field(default=10.0, description="Connect timeout of a feed or page fetch.")
    read_timeout_s: float = Field(default=30.0, description="Longest wait for the next bytes of a response.")
    total_timeout_s: float = Field(default=60.0, description="Longest time one fetch may take, redirects and slow responses included.")
    max_feed_bytes: int = Field(default=10 * 1024 * 1024, description="A feed response, a file or stdin (one document, or one NDJSON line) larger than this is refused with an error.")
    max_page_bytes: int = Field(default=5 * 1024 * 1024, description="An article page larger than this is cut off (the summary is kept).")
    max_redirects: int = Field(default=5, description="Redirects followed per fetch.")
    max_pages: int = Field(default=10, ge=1, description="Pages of a paged feed or news API read per poll, or per URL given to ingest or process, the first included (the next page named by an RSS or Atom feed's link rel=\"next\" (RFC 5005), JSON Feed's next_url, an API's next, links.next, pagination.next, paging.next, or a Link: rel=\"next\" header; and an archived feed's archives, named by rel=\"prev-archive\" (RFC 5005), read by ingest and process given a URL and by a poller's first poll); fewer when a page holds an entry already passed on, or only entries rejected at an earlier poll, or repeats a page read (not at a feed's first poll, nor at the one made once per rejected_retention_s to let go of old rejections: those read up to this cap). 1: the first page only.")
    future_fetched_at_tolerance_s: float = Field(default=FUTURE_FETCHED_AT_TOLERANCE_S, ge=0.0, description="A JSON record's own fetched_at later than this many seconds after ingest received it (a file, stdin, POST /ingest, a URL) is not trusted: the record counts as fetched when received, and the input says so; as WIREWATCH_NORMALIZE__FUTURE_PUBLICATION_TOLERANCE_S for publication times, which are judged against fetched_at.")
    concurrency: int = Field(default=16, description="Fetches in flight at once, all hosts together.")
    per_host_concurrency: int = Field(default=2, description="Fetches in flight at once to one host.")
    user_agent: str = Field(default="wirewatch/0.1 (+https://github.com/wirewatch/wirewatch)", description="User-Agent of feed and page fetches.")
    full_text: bool = Field(default=True, description="Fetch the article page when a feed entry carries only a summary (per feed: full_text in the feeds file).")
    backoff_base_s: float = Field(default=60.0, description="First retry delay after a failed poll; doubles per failure.")
    backoff_cap_s: float = Field(default=6 * 3600.0, description="Longest retry delay after failed polls.")
    failing_after: int = Field(default=3, description="Consecutive failed polls after which a feed is reported as failing.")
    sent_cache_size: int = Field(default=200_000, ge=0, description="Feed entries a worker remembers having passed on (id and fingerprint), so an unchanged entry is not re-sent at every poll.")
    rejected_retention_s: float = Field(default=REJECTED_RETENTION_S, gt=0, description="A rejected entry of a paged feed is dead-lettered once, and remembered (in the feed's poll state) while the feed may still list it: forgotten at once by a poll that read every page the feed names without finding it, and by a poll that read every page up to max_pages (none failed, none left unread) without finding it once it was last found longer ago than this (pushed past the pages ingest reads, or dropped). A poll that read fewer pages forgets none; a paged feed whose polls read its first page only is read up to max_pages (at a poll due anyway) at its first poll, and once per this period at most when it keeps an entry last found longer ago than this (when it was last read so is kept in the feed's poll state, across restarts and rebalances).")
    reload_interval_s: float = Field(default=5.0, description="How often the feeds file is checked for changes.")
