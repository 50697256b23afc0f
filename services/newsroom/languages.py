"""English names of the language codes the pipeline writes (ISO 639-1, else 639-3), for filters, cards and legends.

The names are CLDR's, through Babel; the few varieties fastText's language-id model labels and CLDR does not name
are named here, so no code is ever shown bare.
"""

from __future__ import annotations

from functools import lru_cache

from babel import Locale, UnknownLocaleError

__all__ = ["language_name"]

# "und" is what the normalizer writes when it cannot tell (CLDR's "Unknown language" reads as an error).
_OWN = {"und": "undetermined", "als": "Alemannic", "bcl": "Central Bikol", "bh": "Bihari", "bxr": "Buryat",
        "diq": "Zazaki", "dty": "Doteli", "eml": "Emilian-Romagnol", "gom": "Goan Konkani", "mhr": "Eastern Mari"}


@lru_cache(maxsize=1024)
def language_name(code: str | None) -> str:
    """``el`` → "Greek", ``sr-Latn`` → "Serbian (Latin)"; a code nothing names is shown as it is."""
    if not code:
        return _OWN["und"]
    if code in _OWN:
        return _OWN[code]
    named = Locale("en").languages.get(code)
    if named:
        return named
    try:
        return Locale.parse(code.replace("-", "_")).get_display_name("en") or code
    except (ValueError, UnknownLocaleError):
        return code
