"""How the rules loader words what it finds wrong: PyYAML's errors with where the unfinished part began, a node's kind,
the rule a key belongs to, and "did you mean" among the keys allowed there."""

from __future__ import annotations

from collections.abc import Sequence

import yaml

from services.alerter.errors import RuleError
from services.alerter.query import closest

__all__ = ["kind", "rule_name", "suggest", "yaml_error"]


def rule_name(node: yaml.Node) -> str:
    """``rule 'x'`` when the rule's id can be read before its keys are checked, so a typo names its rule."""
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and key.value == "id" and isinstance(value, yaml.ScalarNode) and value.value:
                return f"rule {value.value!r}"
    return "rule"


def yaml_error(exc: yaml.MarkedYAMLError, source: str) -> RuleError:
    """PyYAML's problem and where it was found, and what it was reading and where that started: an unclosed quote is
    found at the end of the file, but the user needs the line where it opened."""
    problem, where = exc.problem or str(exc), exc.problem_mark
    if exc.problem_mark is not None:
        problem += f" at line {exc.problem_mark.line + 1}, column {exc.problem_mark.column + 1}"
    context = exc.context_mark
    if exc.context and context is not None:
        problem += f", {exc.context} that starts at line {context.line + 1}, column {context.column + 1}"
        # At the end of the file the problem's place says nothing; where the unfinished thing began does.
        if where is None or "end of stream" in (exc.problem or "") or "<stream end>" in (exc.problem or ""):
            where = context
    if "'\\t'" in problem:
        problem += " (indent with spaces: YAML does not allow tabs there)"
    where = where or context
    return RuleError(f"not valid YAML: {problem}", source=source, line=where.line + 1 if where else None,
                     column=where.column + 1 if where else None)


def kind(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "mapping"
    if isinstance(node, yaml.SequenceNode):
        return "list"
    return f"value ({node.value!r})" if isinstance(node, yaml.ScalarNode) else type(node).__name__


def suggest(key: str, allowed: Sequence[str]) -> str:
    close = closest(key, tuple(allowed))
    return f" (did you mean {close!r}? expected one of: {', '.join(allowed)})" if close else f" (expected one of: {', '.join(allowed)})"
