"""The rulebook in use, reloaded when its file changes; a broken new file keeps the old rules.

Table state is keyed by rule id and story, so a reload keeps every window, burst and fired key.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from services.alerter.errors import RuleError
from services.alerter.rules import RuleBook, load_rulebook

__all__ = ["LiveRulebook"]


class LiveRulebook:
    def __init__(self, path: Path, *, load: Callable[[Path], RuleBook] = load_rulebook) -> None:
        self.path = Path(path)
        self._load = load
        self.current: RuleBook = load(self.path)
        self._mtime = self._stat()
        self.last_error: str | None = None

    def _stat(self) -> float | None:
        try:
            st = self.path.stat()
        except OSError:
            return None
        return st.st_mtime_ns + st.st_size

    def check(self) -> str | None:
        """Reload when the file changed: 'reloaded', 'invalid' (old rules kept, ``last_error`` says why) or None."""
        mtime = self._stat()
        if mtime is None or mtime == self._mtime:
            return None
        self._mtime = mtime
        try:
            self.current = self._load(self.path)
        except RuleError as exc:
            self.last_error = str(exc)
            return "invalid"
        self.last_error = None
        return "reloaded"
