"""Exceptions of the alerter: a rules file that cannot be used, said with file and line."""

from __future__ import annotations

from services.runtime.errors import WirewatchError

__all__ = ["RuleError", "RuleErrors"]


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


class RuleErrors(RuleError):
    """Several broken parts of one rules file, each a RuleError with its line, in the file's order; ``rules`` counts the
    rules and ``webhooks`` the endpoints among them (the file's own shape is neither). As a RuleError it reads as its first error, so a
    caller that refuses a broken file refuses this one; its message holds every error, one a line."""

    def __init__(self, errors: list[RuleError], *, rules: int = 0, webhooks: int = 0) -> None:
        first = errors[0]
        super().__init__(first.problem, source=first.source, line=first.line, column=first.column)
        self.args = ("\n".join(str(e) for e in errors),)
        self.errors = tuple(errors)
        self.rules = rules
        self.webhooks = webhooks

    def __str__(self) -> str:
        return self.args[0]

    def summary(self) -> str:
        """``3 errors in 2 rules`` (``and 1 webhook``)."""
        owners = [_count(n, noun) for n, noun in ((self.rules, "rule"), (self.webhooks, "webhook")) if n]
        return _count(len(self.errors), "error") + (f" in {' and '.join(owners)}" if owners else "")


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"
