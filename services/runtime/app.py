"""The one Faust app factory: one app per service, or every agent on one app for ``wirewatch run``."""

from __future__ import annotations

import importlib
import os
from collections.abc import Sequence
from pathlib import Path

import faust
from faust.sensors.prometheus import setup_prometheus_sensors

from services.runtime.delivery import SendErrors
from services.runtime.error_words import os_error_in_words
from services.runtime.health import register_health
from services.runtime.kafka import faust_credentials
from services.runtime.metrics import export_without_created_series
from services.runtime.settings import InvalidSettings, Settings
from services.runtime.tables import WirewatchTable, WirewatchTableManager
from services.runtime.topics import ensure_topics
from services.runtime.transport import WirewatchApp
from services.runtime.web import Listening

__all__ = ["SERVICES", "create_app", "app_id_for", "prepare_data_dir", "producer_settings", "table_dir"]

SERVICES: tuple[str, ...] = ("ingest", "normalize", "tagger", "alerter", "newsroom")


def app_id_for(services: Sequence[str]) -> str:
    """The app id is the consumer group: one per service, or one for the all-in-one run."""
    return "wirewatch" if len(services) > 1 else f"wirewatch-{services[0]}"


def producer_settings(settings: Settings) -> dict[str, object]:
    """How every worker's Faust producer is set up."""
    return {
        "producer_acks": -1,
        # See Settings.producer_one_record_per_batch: records after a batch's first would hide from table recovery.
        "producer_max_batch_size": 1 if settings.producer_one_record_per_batch else None,
    }


def prepare_data_dir(settings: Settings) -> None:
    """Create the data directory, or say in one line (InvalidSettings) why it cannot be used."""
    path = settings.data_dir
    try:
        path.mkdir(parents=True, exist_ok=True)
    except FileExistsError as exc:  # a file of that name: "File exists" read as if all were well
        raise InvalidSettings(f"WIREWATCH_DATA_DIR: {path} exists and is not a directory") from exc
    except OSError as exc:
        raise InvalidSettings(f"WIREWATCH_DATA_DIR: cannot create {path}: {os_error_in_words(exc)}") from exc
    if not os.access(path, os.W_OK | os.X_OK):
        raise InvalidSettings(f"WIREWATCH_DATA_DIR: {path} is not writable by this user (uid {os.getuid()})")


def table_dir(settings: Settings, app_id: str) -> Path:
    """This worker's own directory of RocksDB tables (WIREWATCH_TABLE_DIR), absolute: Faust reads a relative one
    as under its versioned app directory."""
    return (settings.table_dir or settings.data_dir / app_id / f"tables-{settings.web_port}").absolute()


def create_app(settings: Settings, services: Sequence[str] = SERVICES, listening: Listening | None = None) -> faust.App:
    """The app of ``services``; its web server serves ``listening`` (the sockets the command bound) when given, else
    binds WIREWATCH_WEB_PORT as it starts."""
    unknown = [s for s in services if s not in SERVICES]
    if unknown:
        raise ValueError(f"unknown service(s) {unknown}; choose from {', '.join(SERVICES)}")
    if not settings.broker:
        raise ValueError("no broker: set WIREWATCH_BROKER=host:port (or use `wirewatch run`, which starts one)")
    app_id = app_id_for(services)
    prepare_data_dir(settings)
    app = WirewatchApp(
        app_id,
        fetch_max_wait_ms=settings.fetch_max_wait_ms,
        listening=listening,
        broker=[f"kafka://{b.strip()}" for b in settings.broker.split(",") if b.strip()],
        broker_credentials=faust_credentials(settings),
        # Tables on disk (RocksDB through rocksdict) survive a broker that lost their changelogs while the worker was down.
        store=f"{settings.table_store}://",
        datadir=str(settings.data_dir / app_id),
        tabledir=str(table_dir(settings, app_id)),
        web_enabled=True,
        web_bind=settings.web_host,
        web_host=settings.web_host,
        # The port it serves, when another than the one asked for: Faust tells it to the group (canonical_url).
        web_port=listening.port if listening is not None else settings.web_port,
        # aiohttp's own cap is 1 MiB: POST /ingest's limit is ours (JSON 413 past WIREWATCH_INGEST__MAX_BODY_BYTES).
        web_application_options={"client_max_size": settings.ingest.max_body_bytes + 1},
        topic_partitions=settings.partitions,
        topic_replication_factor=settings.replication_factor,
        consumer_auto_offset_reset="earliest",
        broker_commit_interval=settings.commit_interval_s,
        broker_session_timeout=settings.session_timeout_s,
        broker_rebalance_timeout=settings.rebalance_timeout_s,
        broker_heartbeat_interval=min(3.0, settings.session_timeout_s / 3),
        **producer_settings(settings),
        # Tables that keep their rows when the broker lost their changelogs (services/runtime/tables.py).
        Table=WirewatchTable,
        TableManager=WirewatchTableManager,
        autodiscover=False,
        loghandlers=[],
    )
    export_without_created_series()
    setup_prometheus_sensors(app, name_prefix="faust")
    app.sensors.add(SendErrors())
    register_health(app, stall_after_s=settings.stall_after_s, on_broker_reset=lambda: ensure_topics(settings, timeout_s=10))
    for service in services:
        module = importlib.import_module(f"services.{service}.agent")
        module.register(app, settings)
    return app
