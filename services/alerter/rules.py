"""Alert rules: the public face of the rule language, one import for the rest of the project.

A rule's ``when`` is a tree of conditions: ``entity`` (with salience: in title, in lead, mention
count), ``keyword``, ``near`` (words within N of each other), ``language``, ``source``, ``tag``,
``story_size`` and ``query`` (the compact string form), combined with ``all``, ``any`` and ``not``.
A mapping with several keys means all of them. A rule may also ask for a window (N articles or
sources within W), a burst, follow-ups, a cooldown and a repeat interval (see ``AlertPolicy``).

Where each part lives: ``facts.py`` (what conditions look at in an article), ``conditions.py``
(the conditions and how each is checked; ``entity`` in ``entity_conditions.py``, ``keyword`` and ``near`` in
``keyword_conditions.py``), ``query.py`` (the compact query grammar),
``rulebook.py`` (rules, policies and ``RuleBook.evaluate``), ``loader.py`` (YAML to a rulebook,
with errors that name file and line), ``yaml_reader.py`` (each value read: ``${VAR}`` interpolation,
durations).
"""

from __future__ import annotations

from services.alerter import conditions, loader, rulebook
from services.alerter.conditions import *  # noqa: F403 - re-exported: this module is the one import
from services.alerter.loader import *  # noqa: F403
from services.alerter.rulebook import *  # noqa: F403
from services.alerter.yaml_reader import parse_duration
from services.runtime.text import interpolate, lead_end

# What each part exports, exported again from here (QID is the conditions' own detail).
__all__ = [*(name for name in conditions.__all__ if name != "QID"), *loader.__all__, *rulebook.__all__, "parse_duration",
           "interpolate", "lead_end"]
