"""Settings of the newsroom service (``WIREWATCH_NEWSROOM__*``)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, SecretStr

__all__ = ["NewsroomSettings"]


class NewsroomSettings(BaseModel):
    store: Literal["sqlite", "postgresql"] = Field(
        default="sqlite", description="Where the read model lives: sqlite (one file under the data directory, one replica) "
        "or postgresql (several replicas share it; set WIREWATCH_NEWSROOM__DATABASE_URL).")
    sqlite_path: Path | None = Field(default=None, description="The SQLite file (default: newsroom.sqlite3 under the data directory).")
    database_url: SecretStr | None = Field(
        default=None, description="PostgreSQL connection string (postgresql://user:pass@host:5432/db), for store=postgresql.")
    host: str = Field(default="127.0.0.1", description="Address of the newsroom's web page and API; 0.0.0.0 in containers.")
    port: int = Field(default=8080, ge=0, le=65535, description="Port of the newsroom's web page, API and feeds (0: any free port).")
    any_port_if_taken: bool = Field(
        default=False, description="When the port is taken, listen on any free one instead of failing (as `wirewatch demo` "
        "asks); the worker prints the address it listens on.")
    public_url: str | None = Field(
        default=None, description="The newsroom's address as readers reach it, for links in Atom feeds (default: http://host:port).")
    require_token: bool = Field(
        default=False, description="Reads need the ingest bearer token (WIREWATCH_INGEST__TOKEN): an Authorization header, "
        "or a cookie set by the sign-in page.")
    retention_days: float = Field(default=30.0, gt=0, description="Articles, stories and alerts older than this are deleted.")
    prune_every_s: float = Field(default=600.0, gt=0, description="How often expired rows are deleted.")
    page_size: int = Field(default=25, ge=1, le=200, description="Items per page in the API and on the page, unless ?limit= asks otherwise.")
