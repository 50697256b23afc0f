"""Text conventions every service shares."""

from __future__ import annotations

import re
from collections.abc import Mapping

__all__ = ["LEAD_MAX_CHARS", "lead_end", "interpolate", "defaulted", "references"]

_ENV_REF = re.compile(r"\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")

LEAD_MAX_CHARS = 300


def lead_end(body: str, max_chars: int = LEAD_MAX_CHARS) -> int:
    """End offset of the lead: the body's first paragraph, cut at ``max_chars`` (then at the end of that word).

    One definition for the tagger's salience (``in_lead``) and the alerter's ``entity: {in: lead}``.
    """
    stripped = len(body) - len(body.lstrip())
    paragraph = body.find("\n\n", stripped)
    end = len(body) if paragraph < 0 else paragraph
    if end - stripped <= max_chars:
        return end
    cut = stripped + max_chars
    while cut < end and not body[cut].isspace():
        cut += 1
    return cut


def interpolate(text: str, env: Mapping[str, str]) -> str:
    """Expand ``${VAR}`` and ``${VAR:-default}`` (default when unset or empty); ``$$`` is a literal ``$``.

    Raises KeyError naming a variable that is unset and has no default.
    """

    def expand(m: re.Match[str]) -> str:
        if m.group(0) == "$$":
            return "$"
        name, default = m.group(1), m.group(2)
        value = env.get(name)
        if value:
            return value
        if default is not None:
            return default
        if value is None:
            raise KeyError(name)
        return value

    return _ENV_REF.sub(expand, text)


def defaulted(text: str, env: Mapping[str, str]) -> list[str]:
    """The variables of ``text`` whose ``${VAR:-default}`` default ``interpolate`` would use (VAR unset or empty)."""
    return [m.group(1) for m in _ENV_REF.finditer(text) if m.group(2) is not None and not env.get(m.group(1))]


def references(text: str) -> list[str]:
    """The variables ``interpolate`` would read in ``text`` (``$$`` is none), in order."""
    return [m.group(1) for m in _ENV_REF.finditer(text) if m.group(1)]
