"""Acronyms an Apertium hop wrote with one capital, given their capitals back before the next hop reads them.

A pair that cannot generate a word it analysed writes the lemma in the case of the surface form's first letter:
Danish "USA" and "EU" come out of ``dan-swe`` as "Usa" and "Eu", and the hops after it read a name, not an acronym:
``swe-isl`` turns "Eu" into "Esb" (Icelandic's ESB in the same case) and ``isl-eng`` leaves it "Esb". A word the hop's
input writes only in capitals, two to six letters, that its output writes with one capital and the rest in lower
case, is the same acronym: it is written in capitals again ("Usa" → "USA"), so the next hop translates it ("USA" →
"Bandaríkin" → "the United States") and the last one leaves it as the source wrote it. A word the input also writes
otherwise ("El" of "El Salvador" beside "EL PAÍS"), or only in a run of words in capitals (a headline in capitals),
is left as the hop wrote it.
"""

from __future__ import annotations

import re

from services.normalize.backends import TranslatedText

__all__ = ["restore_acronyms"]

_WORD = re.compile(r"(?<![^\W\d_])[^\W\d_]+(?![^\W\d_])")


def restore_acronyms(given: str, translated: str) -> str:
    """``translated`` (a hop's output for ``given``) with the acronyms ``given`` writes in capitals in capitals again;
    the spans a ``TranslatedText`` records stay true, as only the case of letters changes."""
    words = [m.group(0) for m in _WORD.finditer(given)]
    capitals = [len(w) >= 2 and w.isupper() for w in words]
    acronyms: set[str] = set()
    otherwise: set[str] = set()
    for i, word in enumerate(words):
        if not capitals[i]:
            otherwise.add(word.lower())
        elif not (i > 0 and capitals[i - 1] or i + 1 < len(words) and capitals[i + 1]) and len(word) <= 6:
            acronyms.add(word.lower())  # a run of capitals is a headline in capitals ("LA FRANCE GAGNE"), no acronym
    acronyms -= otherwise
    if not acronyms:
        return translated
    out = _WORD.sub(lambda m: m.group(0).upper() if m.group(0).lower() in acronyms and m.group(0) == m.group(0).capitalize()
                    else m.group(0), str(translated))
    if out == translated:
        return translated
    if isinstance(translated, TranslatedText):
        return TranslatedText(out, translated.untranslated, translated.kept)
    return out
