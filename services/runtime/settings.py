"""One typed settings object for every service, read from ``WIREWATCH_*`` variables.

Nested sections use ``__``: ``WIREWATCH_TAGGER__SPACY_MODEL=en_core_web_sm``.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from services.alerter.settings import AlerterSettings
from services.ingest.settings import IngestSettings
from services.normalize.settings import NormalizeSettings
from services.tagger.settings import TaggerSettings

__all__ = [
    "Topics",
    "dlq",
    "Settings",
    "get_settings",
]


class Topics(BaseModel):
    """Topic names. A topic X has its dead letters in ``X.dlq``."""

    raw: str = "articles.raw"
    normalized: str = "articles.normalized"
    tagged: str = "articles.tagged"
    matches: str = "alerter.matches"
    alerts: str = "alerts"

    def all(self) -> list[str]:
        main = [self.raw, self.normalized, self.tagged, self.matches, self.alerts]
        return main + [dlq(t) for t in main]


def dlq(topic: str) -> str:
    return f"{topic}.dlq"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="WIREWATCH_", env_nested_delimiter="__", extra="ignore")

    broker: str = Field(default="", description="Kafka bootstrap servers, host:port[,host:port]. Empty: start the embedded broker.")
    partitions: int = Field(default=4, description="Partitions of each topic wirewatch creates: the most workers of one service that share the work.")
    replication_factor: int = 1
    session_timeout_s: float = Field(
        default=10.0,
        description="Consumer group session timeout. Short, so a dead worker's partitions move quickly; "
        "the embedded broker also waits about half the rebalance timeout when a group forms.",
    )
    rebalance_timeout_s: float = 10.0
    web_host: str = "127.0.0.1"
    web_port: int = 6066
    data_dir: Path = Path(".wirewatch")
    log_level: str = "info"
    topics: Topics = Field(default_factory=Topics)
    ingest: IngestSettings = Field(default_factory=IngestSettings)
    normalize: NormalizeSettings = Field(default_factory=NormalizeSettings)
    tagger: TaggerSettings = Field(default_factory=TaggerSettings)
    alerter: AlerterSettings = Field(default_factory=AlerterSettings)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
