"""The words for a state's portfolios ("foreign", "defence", "labour"), and the one order a portfolio ministry's or
department's key takes however its name is written: "Ministry of Foreign Affairs", "Foreign Affairs Ministry" and
"Foreign Ministry" are one ``name:foreign ministry``, as "Russia's Ministry of Defence" and "Russian Defence Ministry"
are one ``name:russian defense ministry``.
"""

from __future__ import annotations

import re

__all__ = ["PORTFOLIO", "is_portfolio_ministry", "portfolio_first"]

# A portfolio's words, as a state's bodies are named by them: "Foreign Ministry", "Armed Forces", "Supreme Court".
PORTFOLIO = (r"(?:foreign|defen[cs]e|interior|home|health|justice|finance|treasury|economy|economic|commerce|energy|"
             r"education|agriculture|emergency|emergencies|information|culture|trade|transport|environment|labou?r|war|air|armed|naval|"
             r"security|intelligence|border|coast|state|central|supreme|constitutional|general|military|investigative|"
             r"prosecutor['’]?s?|federal)")
# Only a ministry or department named by its portfolio alone (one or two of its words, "affairs" after them) is written
# both ways; "Office of the President", "Department of Homeland Security", "Department of the Air Force", "Ministry of
# Internal Affairs", "Department of Health and Human Services" and "Court of Justice" are left as written; but a
# country's "Ministry of Internal Affairs" (words before it: "Russian", "Ukrainian") is its interior ministry (Russia's
# and Ukraine's MVD, which English news calls the "Interior Ministry"), while one named alone says no country, and New
# Zealand's "Department of Internal Affairs" (passports, the civil register) is no interior ministry: both as written.
_HEAD = r"(?P<head>ministry|department)"
_REMIT = rf"(?P<remit>{PORTFOLIO}(?: {PORTFOLIO})?)"
_OF_REMIT = re.compile(rf"(?P<before>(?:.+ )?){_HEAD} of (?:the )?{_REMIT}(?: affairs)?")
_REMIT_AFFAIRS = re.compile(rf"(?P<before>(?:.+ )?){_REMIT} affairs {_HEAD}")
_INTERNAL_AFFAIRS = re.compile(r"(?P<before>.+ )(?:ministry of internal affairs|internal affairs ministry)")
_PORTFOLIO_MINISTRY = re.compile(rf"{_REMIT} {_HEAD}")


def portfolio_first(words: str) -> str:
    """A key's (casefolded, space-separated) ``words`` with a portfolio ministry or department at their end written as
    "<portfolio> <head>", the order "Foreign Ministry" has: "ministry of foreign affairs", "ministry of the interior",
    "foreign affairs ministry" and "russian ministry of defense" become "foreign ministry", "interior ministry",
    "foreign ministry" and "russian defense ministry", and "russian ministry of internal affairs" "russian interior
    ministry"; any other words are returned as they are."""
    found = _OF_REMIT.fullmatch(words) or _REMIT_AFFAIRS.fullmatch(words)
    if found:
        return f"{found['before']}{found['remit']} {found['head']}"
    found = _INTERNAL_AFFAIRS.fullmatch(words)
    return f"{found['before']}interior ministry" if found else words


def is_portfolio_ministry(words: str) -> bool:
    """Whether ``words`` (casefolded, space-separated) name a portfolio ministry or department alone, in either order
    ("ministry of foreign affairs", "defence ministry", "department of state"), or a "ministry of internal affairs"."""
    return bool(_PORTFOLIO_MINISTRY.fullmatch(portfolio_first(words))) or words in ("ministry of internal affairs",
                                                                                    "internal affairs ministry")
