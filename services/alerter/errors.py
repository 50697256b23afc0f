"""Exceptions of the alerter: a rules file that cannot be used, said with file and line."""

from __future__ import annotations

from services.runtime.errors import WirewatchError

__all__ = ["RuleError"]


class RuleError(WirewatchError):
    """A rules file that cannot be loaded: ``rules.yaml:12: rule 'x': unknown condition key 'entitty'``."""

    def __init__(self, problem: str, *, source: str = "<rules>", line: int | None = None, column: int | None = None) -> None:
        where = f"{source}:{line}" if line is not None else source
        if line is not None and column is not None:
            where += f":{column}"
        super().__init__(f"{where}: {problem}")
        self.problem = problem
        self.source = source
        self.line = line
        self.column = column
