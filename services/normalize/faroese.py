"""Faroese or Icelandic: a second opinion from the letters and small words the two spell differently.

Neither fastText's lite model nor lingua knows Faroese, and both read it as Icelandic: the two share ð, æ and
the accented vowels, and much of their vocabulary. What tells them apart is well known: Faroese writes ø where
Icelandic writes ö, and has no þ and no é; and the commonest small words differ ("at" for Icelandic "að", "ikki"
for "ekki", "tað" for "það", "sum" for "sem", "fyri" for "fyrir", "ella" for "eða", "hevur" for "hefur").
"""

from __future__ import annotations

import re

__all__ = ["judge"]

_WORD = re.compile(r"[^\W\d_]+")

# Faroese "oy" where Icelandic writes "ey" or "é" ("oyggj", "doyr", "broyta"), in a word written in lower case: in
# Icelandic it is only in foreign names ("Lloyds", "Croydon").
_OY = re.compile(r"\b[^\W\d_A-ZÁÉÍÓÚÝÆØÐÞ]*oy[^\W\d_]*")
# Words of one language whose counterpart in the other is spelt differently (none that both write: "og", "í", "á",
# "við", "til", "er", "um", "hann", "frá", "eftir", "meðan", "varð").
_FAROESE = frozenset("""
at ikki tað hetta sum fyri ella av hevur hevði hava hon teir tey teimum eg tú vit tá tí so eisini hansara hennara okkara
ímóti áðrenn nógv vóru vórðu segði fekk millum sambært seg hesin hesi hesum hesar hesa nakað har tann sítt
""".split())
_ICELANDIC = frozenset("""
að ekki það þetta sem fyrir eða af hefur hefði hafa hún þeir þau þeim ég þú þá því svo einnig hennar okkar
gegn áður mikið voru sagði segir fékk aðeins milli samkvæmt sig mér þér eitthvað
""".split())


def judge(text: str, *, o_slash: bool = True) -> str | None:
    """'fo' when the text reads as Faroese rather than Icelandic (more Faroese letters and words than Icelandic
    ones), 'is' when it reads as Icelandic, None when it shows neither. Without ``o_slash``, ø is no evidence (for a
    text that may be Danish or Norwegian, which write it too)."""
    lowered = text.lower()
    words = _WORD.findall(lowered)
    faroese = (lowered.count("ø") if o_slash else 0) + len(_OY.findall(text)) + sum(w in _FAROESE for w in words)
    icelandic = sum(lowered.count(c) for c in "þöé") + sum(w in _ICELANDIC for w in words)
    if faroese > icelandic:
        return "fo"
    if icelandic > faroese:
        return "is"
    return None
