"""The compact query string form of a rule condition: ``entity:NATO AND entity:Q212 AND NOT source:example``.

Grammar (operators in capitals; adjacent terms mean AND; AND binds tighter than OR)::

    query  := or
    or     := and ("OR" and)*
    and    := unary (["AND"] unary)*
    unary  := ("NOT" | "-") unary | "(" or ")" | term
    term   := [field ":"] value ["~" N]
    value  := word | "quoted phrase"

Fields: ``entity``, ``entity.title``, ``entity.lead``, ``entity.people`` (a country, or a word for its people or a
state body named by one), ``entity.sides`` (a country, or a side taken for or against it), ``keyword`` (the default for
a bare value), ``language``, ``source``, ``tag``, ``story_size`` (at least N), ``copy`` (true or false). ``"a b"~N``
means the words a and b within N words of each other. The parser builds the same condition objects
as the YAML form; errors carry the 1-based column.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["QueryError", "parse_query", "QUERY_FIELDS", "closest", "lowercase_operators"]

QUERY_FIELDS = ("entity", "entity.title", "entity.lead", "entity.people", "entity.sides", "keyword", "language", "source",
                "tag", "story_size", "copy")


# What other query and rule languages call what ours calls all, any and not: difflib alone reads "and" as "any".
_SYNONYMS = {"and": "all", "or": "any", "none": "not", "all_of": "all", "any_of": "any", "allof": "all", "anyof": "any"}
_OPERATORS = ("AND", "OR", "NOT")


def closest(word: str, choices: tuple[str, ...] | list[str]) -> str | None:
    """The choice a user most likely meant by ``word``: the same in another case, a synonym, or a near spelling."""
    folded = word.casefold()
    for choice in choices:
        if choice.casefold() == folded:
            return choice
    if _SYNONYMS.get(folded) in choices:
        return _SYNONYMS[folded]
    close = difflib.get_close_matches(folded, list(choices), n=1)
    return close[0] if close else None


class QueryError(ValueError):
    """A query string that cannot be parsed; ``column`` is 1-based."""

    def __init__(self, problem: str, column: int) -> None:
        super().__init__(f"column {column}: {problem}")
        self.problem = problem
        self.column = column


@dataclass(frozen=True)
class _Token:
    kind: str  # "(", ")", "AND", "OR", "NOT", "TERM", "END"
    column: int
    field: str | None = None
    value: str = ""
    quoted: bool = False
    proximity: int | None = None


_WORD = re.compile(r"[^\s()\"~]+")
_FIELD = re.compile(r"([A-Za-z_][A-Za-z_.]*):")


def _tokens(text: str) -> list[_Token]:
    out: list[_Token] = []
    i = 0
    n = len(text)
    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
            continue
        col = i + 1
        if c in "()":
            out.append(_Token(c, col))
            i += 1
            continue
        if c == "-" and i + 1 < n and not text[i + 1].isspace() and (not out or out[-1].kind in ("(", "AND", "OR", "NOT", "TERM")):
            out.append(_Token("NOT", col))
            i += 1
            continue
        field = None
        m = _FIELD.match(text, i)
        if m:
            field = m.group(1)
            if field not in QUERY_FIELDS:
                if field.upper() in _OPERATORS:
                    raise QueryError(f"{field!r} is an operator, not a field: write it between terms, as in "
                                     f"'entity:NATO {field.upper()} keyword:Kyiv'", col)
                guess = closest(field, QUERY_FIELDS)
                hint = f"did you mean {guess!r}? " if guess else ""
                raise QueryError(f"unknown field {field!r} ({hint}expected one of: {', '.join(QUERY_FIELDS)})", col)
            i = m.end()
            if i >= n or text[i].isspace() or text[i] in "()":
                raise QueryError(f"{field}: needs a value", col)
        vcol = i + 1
        if text[i] == '"':
            end = text.find('"', i + 1)
            if end < 0:
                raise QueryError("unclosed quote", vcol)
            value = text[i + 1 : end]
            if not value.strip():
                raise QueryError("empty quoted phrase", vcol)
            i = end + 1
            quoted = True
        else:
            wm = _WORD.match(text, i)
            assert wm is not None
            value = wm.group(0)
            i = wm.end()
            quoted = False
            if field is None and value in ("AND", "OR", "NOT"):
                out.append(_Token(value, col))
                continue
        proximity = None
        if i < n and text[i] == "~":
            pm = re.compile(r"~([0-9]+)").match(text, i)
            if not pm or not quoted:
                raise QueryError('proximity is written "word word"~N', i + 1)
            proximity = int(pm.group(1))
            i = pm.end()
        out.append(_Token("TERM", col, field, value, quoted, proximity))
    out.append(_Token("END", n + 1))
    return out


def lowercase_operators(text: str) -> list[tuple[str, int]]:
    """The bare words of ``text`` that read as an operator in another case (``and``, ``Or``), with their columns.

    The grammar takes them as keywords, as Lucene does: ``sanctions or embargo`` means all three words, which is
    rarely what was meant. Quoted (``"and"``) or with a field (``keyword:or``) they are plainly words."""
    try:
        tokens = _tokens(text)
    except QueryError:
        return []
    return [(t.value, t.column) for t in tokens
            if t.kind == "TERM" and t.field is None and not t.quoted and t.value.upper() in _OPERATORS]


def parse_query(text: str, build: Callable[[str, str, _Token], object], combine: Callable[[str, list], object]):
    """Parse ``text``; ``build(field, value, token)`` makes a leaf condition and ``combine(op, parts)`` an
    all/any/not node (op is "all", "any" or "not"). Raises QueryError with a column."""
    if not text.strip():
        raise QueryError("empty query", 1)
    tokens = _tokens(text)
    pos = 0

    def peek() -> _Token:
        return tokens[pos]

    def take() -> _Token:
        nonlocal pos
        tok = tokens[pos]
        pos += 1
        return tok

    def parse_or():
        parts = [parse_and()]
        while peek().kind == "OR":
            take()
            parts.append(parse_and())
        return parts[0] if len(parts) == 1 else combine("any", parts)

    def parse_and():
        parts = [parse_unary()]
        while peek().kind in ("AND", "NOT", "(", "TERM"):
            if peek().kind == "AND":
                take()
            parts.append(parse_unary())
        return parts[0] if len(parts) == 1 else combine("all", parts)

    def parse_unary():
        tok = take()
        if tok.kind == "NOT":
            return combine("not", [parse_unary()])
        if tok.kind == "(":
            inner = parse_or()
            close = take()
            if close.kind != ")":
                raise QueryError(f"expected ')' to close the '(' at column {tok.column}", close.column)
            return inner
        if tok.kind == "TERM":
            try:
                return build(tok.field or "keyword", tok.value, tok)
            except ValueError as exc:
                raise QueryError(str(exc), tok.column) from None
        if tok.kind == "END":
            raise QueryError("query ends where a term was expected", tok.column)
        raise QueryError(f"expected a term, found {tok.kind if tok.kind != ')' else repr(')')}", tok.column)

    result = parse_or()
    last = peek()
    if last.kind != "END":
        raise QueryError(f"unexpected {last.kind if last.kind != ')' else repr(')')}", last.column)
    return result
