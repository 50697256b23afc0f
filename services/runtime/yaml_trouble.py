"""PyYAML's error as one line of words and the place to look: a rules, feeds or gazetteer file that is not valid YAML
is said the same way by every command (``FILE:LINE:COLUMN: not valid YAML: …``), never PyYAML's multi-line message
with ``in "<unicode string>"``."""

from __future__ import annotations

from dataclasses import dataclass

import yaml

__all__ = ["YamlTrouble", "yaml_trouble"]


@dataclass(frozen=True)
class YamlTrouble:
    problem: str  # PyYAML's problem, where it was found and what it was reading: one line
    line: int | None  # 1-based: where to look (where an unfinished thing began, when the file ended inside it)
    column: int | None

    def at(self, name: str) -> str:
        """``name:line:column: not valid YAML: problem``."""
        place = "".join(f":{n}" for n in (self.line, self.column) if n is not None)
        return f"{name}{place}: not valid YAML: {self.problem}"


def yaml_trouble(exc: yaml.YAMLError, text: str | None = None) -> YamlTrouble:
    """PyYAML's problem and where it was found, and what it was reading and where that started: an unclosed quote is
    found at the end of the file, but the user needs the line where it opened. ``text``: the document, so that an end
    found by libyaml's loader (its words differ from PyYAML's) is known as the end too."""
    if isinstance(exc, yaml.reader.ReaderError) and isinstance(exc.character, int):
        # A control character (NUL of a binary file): said with its place, not 'in "<unicode string>", position 2'.
        problem = f"unacceptable character #x{exc.character:04x}: {exc.reason}"
        if text is None:
            return YamlTrouble(problem, None, None)
        line = text.count("\n", 0, exc.position) + 1
        column = exc.position - text.rfind("\n", 0, exc.position)
        return YamlTrouble(problem, line, column)
    if not isinstance(exc, yaml.MarkedYAMLError):
        return YamlTrouble(" ".join(str(exc).split()), None, None)
    problem, where = exc.problem or " ".join(str(exc).split()), exc.problem_mark
    if exc.problem_mark is not None:
        problem += f" at line {exc.problem_mark.line + 1}, column {exc.problem_mark.column + 1}"
    context = exc.context_mark
    if exc.context and context is not None:
        problem += f", {exc.context} that starts at line {context.line + 1}, column {context.column + 1}"
        # At the end of the file the problem's place says nothing; where the unfinished thing began does.
        at_end = where is not None and text is not None and where.index >= len(text.rstrip())
        if where is None or at_end or "end of stream" in (exc.problem or "") or "<stream end>" in (exc.problem or ""):
            where = context
    if "'\\t'" in problem:
        problem += " (indent with spaces: YAML does not allow tabs there)"
    where = where or context
    return YamlTrouble(problem, where.line + 1 if where else None, where.column + 1 if where else None)
