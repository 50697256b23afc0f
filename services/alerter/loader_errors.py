"""How the rules loader words what it finds wrong: PyYAML's errors with where the unfinished part began, a node's kind,
the rule a key belongs to, and "did you mean" among the keys allowed there."""

from __future__ import annotations

from collections.abc import Sequence

import yaml

from services.alerter.errors import RuleError
from services.alerter.query import closest
from services.runtime.yaml_trouble import yaml_trouble

__all__ = ["kind", "rule_name", "suggest", "yaml_error"]


def rule_name(node: yaml.Node) -> str:
    """``rule 'x'`` when the rule's id can be read before its keys are checked, so a typo names its rule."""
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and key.value == "id" and isinstance(value, yaml.ScalarNode) and value.value:
                return f"rule {value.value!r}"
    return "rule"


def yaml_error(exc: yaml.YAMLError, source: str, text: str | None = None) -> RuleError:
    """PyYAML's problem, with where the unfinished part began (``runtime/yaml_trouble.py``), as a rule error."""
    trouble = yaml_trouble(exc, text)
    return RuleError(f"not valid YAML: {trouble.problem}", source=source, line=trouble.line, column=trouble.column)


def kind(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "mapping"
    if isinstance(node, yaml.SequenceNode):
        return "list"
    return f"value ({node.value!r})" if isinstance(node, yaml.ScalarNode) else type(node).__name__


def suggest(key: str, allowed: Sequence[str]) -> str:
    close = closest(key, tuple(allowed))
    return f" (did you mean {close!r}? expected one of: {', '.join(allowed)})" if close else f" (expected one of: {', '.join(allowed)})"
