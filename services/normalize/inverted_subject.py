"""The ``pronoun:before-inverted-subject`` repair: a pronoun machine translation put before a reporting verb whose
subject follows it.

Spanish, Galician, Portuguese and Romanian put the speaker after the verb ("…", afirmó Stoltenberg; como explicó
Paul Mills-Hicks), and Apertium, finding no subject before the verb, sometimes supplies one: "…", it added Hammel;
such as it commented Paul Mills-Hicks; "…", she affirmed Stoltenberg. English keeps the inversion without the
pronoun ("…", added Hammel), so the pronoun is dropped; the word order is left as it is. Italian and French report in the present perfect (ha
affermato Rutte, a déclaré Nugroho), which the pivot through Spanish keeps word for word ("…", has affirmed
Rutte); English reports in the simple past, so the auxiliary is dropped the same way ("…", affirmed Rutte).

Only where edited English cannot have it: right after a closing quotation mark (or "as"), a pronoun, a verb that
only reports speech (never "told", "asked", "warned", "assured", which take the person spoken to), then a name
(capitalised words, no weekday or month: "she said Monday", no possessive: "she noted Smith's") that ends the
clause or meets a preposition ("affirmed Stoltenberg in a press conference"; not "he said Russia would").
"""

from __future__ import annotations

import re

from services.normalize.changes import Edit
from services.normalize.evidence import ALWAYS_CAPITALIZED, ArticleNames
from services.normalize.lexicon import Lexicon
from services.normalize.text import overlaps

__all__ = ["pronoun_before_inverted_subject", "perfect_before_inverted_subject"]

# Verbs that report speech and take no person as their object.
_REPORTING = (
    "said|added|affirmed|declared|explained|commented|stated|stressed|emphasized|emphasised|indicated|asserted|"
    "underlined|underscored|remarked|concluded|insisted|replied|answered|maintained|specified|clarified"
)
_NAME_WORD = r"[A-Z][^\W\d_]*(?:[-'’][A-Z]?[^\W\d_]+)*"
_AFTER_NAME = r"(?=\s*[.,;:!?…)]|\s+(?:in|at|during|after|before|from|on|while|when|with)\b)"
_INVERTED = re.compile(
    r"(?:[”\"»’'],?|,[”\"»’']|(?<![^\W\d_])[Aa]s)\s+"
    rf"(?P<pronoun>(?:he|she|it)\s+)?(?P<aux>(?:has|have)\s+)?(?:{_REPORTING})\s+"
    rf"(?P<name>{_NAME_WORD}(?: {_NAME_WORD})*){_AFTER_NAME}"
)
_NOT_NAMES = frozenset(w.lower() for w in ALWAYS_CAPITALIZED) | {"march", "may", "august", "the", "this", "that", "there", "then", "today"}


def _dropped(text: str, blocked, group: str) -> list[Edit]:
    """The ``group`` word ("pronoun" or "aux") dropped wherever it stands before an inverted reporting verb."""
    edits = []
    for m in _INVERTED.finditer(text):
        first = m.group("name").split()[0]
        if m.group(group) is None or first.lower() in _NOT_NAMES or m.group("name").endswith(("'s", "’s")):
            continue
        start, end = m.span(group)
        if not overlaps((start, end), blocked):  # the name itself is often a word the translator left as written
            edits.append(Edit(start, end, m.group(group), ""))
    return edits


def pronoun_before_inverted_subject(text: str, ctx: ArticleNames, lexicon: Lexicon, blocked) -> list[Edit]:
    return _dropped(text, blocked, "pronoun")


def perfect_before_inverted_subject(text: str, ctx: ArticleNames, lexicon: Lexicon, blocked) -> list[Edit]:
    """"…", has affirmed Rutte → "…", affirmed Rutte."""
    return _dropped(text, blocked, "aux")
