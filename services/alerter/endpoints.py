"""Endpoints disabled by an HTTP 410, remembered in a small JSON file so a restart keeps them disabled.

An endpoint is identified by its name and URL: changing the URL in the rules file enables it again. Its
``wirewatch_webhook_endpoints_disabled`` series is the alerter's to set (metrics.show_rulebook, agent.py), for the
endpoints of the rules file in use only.
"""

from __future__ import annotations

import os
import tempfile
from datetime import datetime, timezone
from pathlib import Path

import orjson

from services.alerter.webhooks import WebhookEndpoint

__all__ = ["EndpointStates"]


def _key(endpoint: WebhookEndpoint) -> str:
    return f"{endpoint.name} {endpoint.url}"


class EndpointStates:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        try:
            self._disabled: dict[str, dict] = orjson.loads(self.path.read_bytes())
        except (OSError, orjson.JSONDecodeError):
            self._disabled = {}

    def disabled(self, endpoint: WebhookEndpoint) -> bool:
        return _key(endpoint) in self._disabled

    def reason(self, endpoint: WebhookEndpoint) -> str:
        record = self._disabled.get(_key(endpoint)) or {}
        return f"{record.get('reason', 'HTTP 410')} at {record.get('at', '?')}"

    def disable(self, endpoint: WebhookEndpoint, reason: str) -> None:
        self._disabled[_key(endpoint)] = {"reason": reason, "at": datetime.now(timezone.utc).isoformat()}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # Write then rename, so a crash mid-write cannot leave a half file.
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".endpoints-")
        with os.fdopen(fd, "wb") as f:
            f.write(orjson.dumps(self._disabled))
        os.replace(tmp, self.path)
