"""Alert rules: the public face of the rule language, one import for the rest of the project.

A rule's ``when`` is a tree of conditions: ``entity`` (with salience: in title, in lead, mention
count), ``keyword``, ``near`` (words within N of each other), ``language``, ``source``, ``tag``,
``story_size`` and ``query`` (the compact string form), combined with ``all``, ``any`` and ``not``.
A mapping with several keys means all of them. A rule may also ask for a window (N articles or
sources within W), a burst, follow-ups, a cooldown and a repeat interval (see ``AlertPolicy``).

Where each part lives: ``facts.py`` (what conditions look at in an article), ``conditions.py``
(the conditions and how each is checked), ``query.py`` (the compact query grammar),
``rulebook.py`` (rules, policies and ``RuleBook.evaluate``), ``loader.py`` (YAML to a rulebook,
with errors that name file and line, and ``${VAR}`` interpolation).
"""

from __future__ import annotations

from services.alerter.conditions import (
    AllOf,
    AnyOf,
    Condition,
    EntityCondition,
    KeywordCondition,
    LanguageCondition,
    NearCondition,
    Not,
    SourceCondition,
    StorySizeCondition,
    TagCondition,
    parse_condition_query,
)
from services.alerter.loader import interpolate, load_rulebook, parse_duration
from services.alerter.rulebook import AlertPolicy, BurstSpec, Rule, RuleBook, RuleMatch, WindowSpec
from services.runtime.text import lead_end

__all__ = [
    "Condition",
    "EntityCondition",
    "KeywordCondition",
    "LanguageCondition",
    "SourceCondition",
    "NearCondition",
    "TagCondition",
    "StorySizeCondition",
    "AlertPolicy",
    "WindowSpec",
    "BurstSpec",
    "parse_duration",
    "parse_condition_query",
    "lead_end",
    "AllOf",
    "AnyOf",
    "Not",
    "Rule",
    "RuleMatch",
    "RuleBook",
    "load_rulebook",
    "interpolate",
]
