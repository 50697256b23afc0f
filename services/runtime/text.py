"""Text conventions every service shares."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from functools import lru_cache

__all__ = ["LEAD_MAX_CHARS", "kind_of", "lead_end", "shortened", "interpolate", "defaulted", "references", "written_out", "unaccented", "is_unaccented"]

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


def shortened(text: str, width: int) -> str:
    """``text`` within ``width`` characters, ending in "…" where it was cut, so a cut title does not read as whole."""
    return text if len(text) <= width else text[:width - 1].rstrip() + "…"


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


def written_out(text: str) -> str:
    """What of ``text`` is written as it is, outside its ``${VAR}`` and ``${VAR:-default}`` (``$$`` as the ``$`` it is)."""
    return _ENV_REF.sub(lambda m: "$" if m.group(0) == "$$" else "", text)


def references(text: str) -> list[str]:
    """The variables ``interpolate`` would read in ``text`` (``$$`` is none), in order."""
    return [m.group(1) for m in _ENV_REF.finditer(text) if m.group(1)]


@lru_cache(maxsize=1)
def _latin_bases() -> dict[int, str]:
    # Every precomposed Latin letter whose canonical decomposition is an ASCII letter and marks: 'ã' -> 'a', 'Ğ' -> 'G'.
    # Letters with no decomposition ('ø', 'ł', 'ß') and other scripts ('й', 'ά') are kept, as SQLite's FTS5
    # ``unicode61 remove_diacritics 2`` keeps them, so the newsroom's two stores and the alerter fold alike.
    table = {}
    for code in range(0xC0, 0x1F00):  # Latin-1 Supplement to Latin Extended Additional (Vietnamese among others)
        parts = unicodedata.normalize("NFD", chr(code))
        if len(parts) > 1 and parts[0].isascii() and parts[0].isalpha():
            table[code] = parts[0]
    return table


def unaccented(text: str) -> str:
    """``text`` with its Latin letters' diacritics taken off, one character for each character (so a match's offsets are
    the text's own): "São Paulo" -> "Sao Paulo", "Erdoğan" -> "Erdogan"; case and other scripts as they are."""
    return text if text.isascii() else text.translate(_latin_bases())


def is_unaccented(text: str) -> bool:
    """Whether ``text`` has no Latin letter with a diacritic: a name typed in plain letters ("Sao Paulo", "Kyiv", "Київ")."""
    return text.isascii() or unaccented(text) == text


def kind_of(value: object, *, yaml: bool = False) -> str:
    """What a JSON (or, with ``yaml``, a YAML) value is, in words for the line that says it is not what was expected:
    ``a number``, ``an array``, not Python's ``int`` or ``list``."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false" if yaml else "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list" if yaml else "an array"
    if isinstance(value, Mapping):
        return "a mapping" if yaml else "an object"
    return type(value).__name__
