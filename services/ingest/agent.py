"""The ingest service's shell: ``POST /ingest`` (JSON or NDJSON) onto ``articles.raw``.

Feed polling lands here too; files and stdin go through ``wirewatch ingest``.
"""

from __future__ import annotations

import hmac
from datetime import datetime, timezone

import faust
from faust.web import Request, Response, View

from services.ingest.publish import publish
from services.ingest.readers import json_records
from services.runtime.logs import get_logger
from services.runtime.settings import Settings, dlq
from services.runtime.stage import raw_topic

__all__ = ["register"]

log = get_logger("wirewatch.ingest")


def register(app: faust.App, settings: Settings) -> None:
    topics = {name: raw_topic(app, name, settings) for name in (settings.topics.raw, dlq(settings.topics.raw))}

    async def send(topic: str, key: bytes | None, value: bytes) -> None:
        await topics[topic].send(key=key, value=value)

    @app.page("/ingest")
    class Ingest(View):
        async def post(self, request: Request) -> Response:
            token = settings.ingest.token
            if token:
                given = request.headers.get("Authorization", "")
                if not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
                    return self.json({"error": "missing or wrong bearer token"}, status=401)
            length = request.content_length
            if length is not None and length > settings.ingest.max_body_bytes:
                return self.json({"error": f"body of {length} bytes exceeds {settings.ingest.max_body_bytes}"}, status=413)
            body = await request.read()
            if len(body) > settings.ingest.max_body_bytes:
                return self.json({"error": f"body exceeds {settings.ingest.max_body_bytes} bytes"}, status=413)
            now = datetime.now(timezone.utc)
            records = json_records(body, where="POST /ingest", source="http", now=now)
            report = await publish(send, settings, records, channel="http")
            log.info("ingest_http", accepted=len(report.accepted), rejected=len(report.rejected))
            status = 202 if report.accepted or not report.rejected else 400
            return self.json(
                {
                    "accepted": report.accepted,
                    "rejected": [{"where": r.where, "error": r.error_class, "reason": r.reason} for r in report.rejected],
                },
                status=status,
            )
