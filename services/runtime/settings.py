"""One typed settings object for every service, read from ``WIREWATCH_*`` variables.

Nested sections use ``__``: ``WIREWATCH_TAGGER__SPACY_MODEL=en_core_web_sm``.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from typing import Literal

from pydantic import BaseModel, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from services.alerter.settings import AlerterSettings
from services.ingest.settings import IngestSettings
from services.newsroom.settings import NewsroomSettings
from services.normalize.settings import NormalizeSettings
from services.tagger.settings import TaggerSettings

__all__ = [
    "KafkaSecurity",
    "Topics",
    "dlq",
    "Settings",
    "get_settings",
    "describe",
]


class Topics(BaseModel):
    """Topic names. A topic X has its dead letters in ``X.dlq``."""

    raw: str = Field(default="articles.raw", description="Articles as ingest found them (RawArticle).")
    normalized: str = Field(default="articles.normalized", description="Clean English articles (NormalizedArticle).")
    tagged: str = Field(default="articles.tagged", description="Articles with entities and story (TaggedArticle).")
    stories: str = Field(default="tagger.stories", description="Tagged articles on their way to story assignment, all under one key (TaggedArticle).")
    matches: str = Field(default="alerter.matches", description="Rule matches keyed by rule and story, before de-duplication (Alert).")
    alerts: str = Field(default="alerts", description="Alerts, one per rule and story (Alert).")

    def all(self) -> list[str]:
        main = [self.raw, self.normalized, self.stories, self.tagged, self.matches, self.alerts]
        return main + [dlq(t) for t in main]


def dlq(topic: str) -> str:
    return f"{topic}.dlq"


class KafkaSecurity(BaseModel):
    """How to reach a secured Kafka cluster: TLS, SASL, or both."""

    security_protocol: Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"] = Field(
        default="PLAINTEXT", description="PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL."
    )
    sasl_mechanism: Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"] = Field(default="PLAIN", description="SASL mechanism.")
    sasl_username: str | None = Field(default=None, description="SASL user name.")
    sasl_password: SecretStr | None = Field(default=None, description="SASL password (never logged).")
    ssl_cafile: Path | None = Field(default=None, description="CA bundle to trust for the brokers' certificates (default: the system's).")
    ssl_certfile: Path | None = Field(default=None, description="Client certificate, for mutual TLS.")
    ssl_keyfile: Path | None = Field(default=None, description="Client certificate's private key.")
    ssl_check_hostname: bool = Field(default=True, description="Check that the broker's certificate names its host.")


class Settings(BaseSettings):
    # An empty variable counts as unset, so `FOO=` in an env file or compose does not break a typed setting.
    model_config = SettingsConfigDict(env_prefix="WIREWATCH_", env_nested_delimiter="__", extra="ignore", env_ignore_empty=True)

    broker: str = Field(default="", description="Kafka bootstrap servers, host:port[,host:port]. Empty: start the embedded broker.")
    partitions: int = Field(default=4, description="Partitions of each topic wirewatch creates: the most workers of one service that share the work.")
    replication_factor: int = Field(default=1, description="Replication factor of the topics wirewatch creates (3 on a production cluster).")
    session_timeout_s: float = Field(
        default=10.0,
        description="Consumer group session timeout. Short, so a dead worker's partitions move quickly; "
        "the embedded broker also waits about half the rebalance timeout when a group forms.",
    )
    commit_interval_s: float = Field(
        default=1.0, gt=0,
        description="How often consumed offsets are committed: what a killed worker re-processes (Faust's default is 2.8 s).",
    )
    fetch_max_wait_ms: int = Field(
        default=100, ge=0,
        description="How long a consumer's fetch may wait for more data; each pipeline hop can pay it once per article "
        "(Faust's own default is 1500 ms).",
    )
    producer_one_record_per_batch: bool = Field(
        default=True,
        description="Send each record in a batch of its own. The embedded broker (Tansu 0.6.0) reports a partition's end "
        "offset as its last batch's first offset + 1, so Faust, restoring a table up to it, would miss the later records "
        "of a batch after a restart. Costs throughput nothing at news rates; set false on Apache Kafka.",
    )
    rebalance_timeout_s: float = Field(default=10.0, description="How long a group rebalance may take before slow members are dropped.")
    stall_after_s: float = Field(
        default=120.0, description="A partition behind its high-water mark that has not moved for this long is stalled (/readyz fails)."
    )
    web_host: str = Field(default="127.0.0.1", description="Address of the HTTP server (/metrics, POST /ingest); 0.0.0.0 in containers.")
    web_port: int = Field(default=6066, description="Port of the HTTP server; each worker on one host needs its own.")
    data_dir: Path = Field(default=Path(".wirewatch"), description="Where Faust keeps its local state.")
    log_level: str = Field(default="info", description="debug, info, warning or error.")
    kafka: KafkaSecurity = Field(default_factory=KafkaSecurity)
    topics: Topics = Field(default_factory=Topics)
    ingest: IngestSettings = Field(default_factory=IngestSettings)
    normalize: NormalizeSettings = Field(default_factory=NormalizeSettings)
    tagger: TaggerSettings = Field(default_factory=TaggerSettings)
    alerter: AlerterSettings = Field(default_factory=AlerterSettings)
    newsroom: NewsroomSettings = Field(default_factory=NewsroomSettings)


def describe(model: type[BaseModel] = None, prefix: str = "WIREWATCH_"):  # type: ignore[assignment]
    """(variable, default, meaning) for every setting, nested sections flattened with ``__``."""
    for name, field in (model or Settings).model_fields.items():
        if isinstance(field.annotation, type) and issubclass(field.annotation, BaseModel):
            yield from describe(field.annotation, f"{prefix}{name.upper()}__")
            continue
        default = field.default_factory() if field.default_factory is not None else field.default
        if isinstance(default, dict):
            default = ",".join(f"{k}={v}" for k, v in default.items())
        elif isinstance(default, list):
            default = ",".join(map(str, default)) or "(none)"
        yield f"{prefix}{name.upper()}", "(unset)" if default in (None, "") else str(default), field.description or ""


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
