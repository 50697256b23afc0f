"""Which of a place's names the gazetteer builds keep (build_gazetteer.py, build_regions.py): the alternate names safe
to match in English news, a place's names in other scripts taken in turns by script, the Simplified spelling of a
Chinese name, and the keys two names are compared by.
"""

from __future__ import annotations

import sys
import unicodedata
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from services.tagger.gazetteer import fold, strip_latin_accents  # noqa: E402


def _is_latin(text: str) -> bool:
    return all(not c.isalpha() or "LATIN" in unicodedata.name(c, "") for c in text)


# Scripts of the languages news comes in most, first: a city's non-Latin names are taken in turns by
# script in this order, so Chinese, Arabic and Russian names are kept before a twentieth Indic one.
SCRIPT_ORDER = ["CJK", "ARABIC", "CYRILLIC", "HANGUL", "KATAKANA", "HIRAGANA", "GREEK", "HEBREW", "DEVANAGARI", "THAI",
                "BENGALI", "TAMIL", "GEORGIAN", "ARMENIAN"]


def _script(text: str) -> str:
    letter = next((c for c in text if c.isalpha()), " ")
    return unicodedata.name(letter, "?").split()[0]


FIRST_SCRIPTS = 6  # names each of the first three scripts (Chinese, Arabic, Cyrillic) keeps before the turns


def by_script_turns(names: list[str], limit: int) -> list[str]:
    """Up to ``limit`` names: up to FIRST_SCRIPTS of each of the first three scripts of SCRIPT_ORDER, then
    one per script in turn (SCRIPT_ORDER first); each script's names in their given order."""
    groups: dict[str, list[str]] = defaultdict(list)
    for name in names:
        groups[_script(name)].append(name)
    order = [s for s in SCRIPT_ORDER if s in groups] + [s for s in groups if s not in SCRIPT_ORDER]
    chosen = [name for s in SCRIPT_ORDER[:3] for name in groups.get(s, [])[:FIRST_SCRIPTS]]
    for turn in range(max((len(g) for g in groups.values()), default=0)):
        chosen += [groups[s][turn] for s in order if turn < len(groups[s]) and groups[s][turn] not in chosen]
    return chosen[:limit]


def _han(text: str) -> bool:
    return any("\u4e00" <= c <= "\u9fff" for c in text)


def with_simplified(names: list[str]) -> list[str]:
    """Each Chinese-character name preceded by its Simplified (mainland) spelling and that without the
    suffix 市 ("city"): GeoNames often has only the Traditional or Japanese one ("紐約市" -> "纽约市", "纽约").
    The suffix stays where what is left is a common word ("自由市", Freetown, is not "自由", freedom)."""
    import zhconv
    from wordfreq import zipf_frequency

    out: list[str] = []
    for name in names:
        if _han(name):
            simplified = zhconv.convert(name, "zh-cn")
            bare = simplified[:-1]
            common = zipf_frequency(bare, "zh") >= 3.0 if len(bare) >= 2 else True
            out += [simplified, bare] if simplified.endswith("市") and not common else [simplified]
        out.append(name)
    return list(dict.fromkeys(out))


class AliasFilter:
    """Which alternate names are safe to match in English news text."""

    def __init__(self) -> None:
        from english_words import get_english_words_set

        self.lower_words = {w for w in get_english_words_set(["web2"], lower=False, alpha=True) if w.islower()}

    def is_common_word(self, name: str) -> bool:
        # The tagger also matches an alias without its Latin accents: "Malé" is also "male".
        return " " not in name and strip_latin_accents(name.casefold()) in self.lower_words

    def keep(self, alias: str) -> bool:
        alias = alias.strip()
        if not alias or any(c.isdigit() for c in alias) or any(c in alias for c in "()[]/,;:?!\"،") or len(alias.split()) > 4:
            return False
        letters = [c for c in alias if c.isalpha()]
        if not letters:
            return False
        cased = [c for c in letters if c.isupper() or c.islower()]
        if cased:  # Latin, Cyrillic, Greek, Armenian...: a proper name starts with a capital and is not a code
            if not alias[0].isupper() or all(c.isupper() for c in cased):
                return False
            if len(letters) < 4 or (_is_latin(alias) and self.is_common_word(alias)):
                return False
            return True
        return len(letters) >= 2  # CJK, Arabic, Hebrew, Devanagari...: no case to tell a code from a name


def _keys(alias: str) -> set[str]:
    key = fold(" ".join(alias.split()))
    return {key, strip_latin_accents(key)}
