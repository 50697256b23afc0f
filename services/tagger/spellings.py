"""British and American spellings of one word ("defence" and "defense", "organisation" and "organization"), folded
to one form: for copy detection (``fold``: every word of two texts alike, near_duplicates) and for the keys of
unlinked names (``key_word``: only words English writes both ways, so that no two names meet); and the other ways of
writing a word a user types (``spellings_of``), so that an alert's keyword or a search finds either: those its key
folds, among them (since key rule 9) the British doubled l of "travelled", "cancelling", "counsellor"
(``data/doubled_l.txt``), which a search also finds in "traveller".
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache, lru_cache
from pathlib import Path

__all__ = ["SPELLINGS", "TABLES", "fold", "key_word", "key_words", "load_tables", "spellings_of"]

# The words British English writes with a doubled l and American with one ("travelled", "traveled"), as SCOWL's two
# lists write them (scripts/build_doubled_l.py): which stems double in British only is the stress of their last
# syllable, no rule of letters ("travel", "cancel"; but "control", "compel" double in both, and "filled" is no "filed").
DOUBLED_L = Path(__file__).parent / "data" / "doubled_l.txt"

_Rule = tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]]

# A doubled letter written once: travelled/traveled, worshipping, councillor. Also "dinner" and "diner", "booth" and
# "both", "Scott" and "Scot": left out of keys.
_DOUBLED = (re.compile(r"([^\W\d_])\1"), r"\1")
_ISE = (re.compile(r"(?<=\w\w)is(e|ed|es|ing|ation|ations|er|ers)$"), r"iz\1")  # organise, criticised, normalisation
_YSE = (re.compile(r"(?<=\w\w)ys(e|ed|es|ing)$"), r"yz\1")  # analyse, paralysed
_OUR = (re.compile(r"(?<=\w)our"), "or")  # neighbour, labour, favourite
_TRE = (re.compile(r"(?<=\w\w)tre(s|d)?$"), r"ter\1")  # centre, metres, theatre
_ENCE = (re.compile(r"(?<=\w\w)ence$"), "ense")  # defence, offence, licence
_OGUE = (re.compile(r"(?<=\w\w)ogue(s)?$"), r"og\1")  # catalogue, dialogue

# Added by table 2. Before the doubled letter, which would make "programme" "programe" and "jewellery" "jewelery":
_GRAMME = (re.compile(r"(?<=gra)mme(s)?$"), r"m\1")  # programme, kilogramme (the doubled letter meets "programmed")
_JEWELLERY = (re.compile(r"^jewellery$"), "jewelry")
# -re after b, g, ch and v as after t: fibre, sabre, calibre, sombre, meagre, ochre, sepulchre, louvre, manoeuvre. Not
# "timbre" ("timber" is another word), nor -red ("inbred"). Before the doubled letter, which would make "digress" and
# "tigress" "digres" and "tigres" ("diggers", "tigers").
_BRE = (re.compile(r"(?<=\w)(?<!tim)(b|g|ch|v)re(s)?$"), r"\1er\2")
# Before -ise, which would make "practise" "practize":
_PRACTISE = (re.compile(r"^practis(?=(?:e|ed|es|ing)$)"), "practic")  # practise, practised (the verb): practice
# The Greek and Latin ae and oe of medicine and science, written e in American: only in these stems ("aloe", "shoe",
# "poet", "hoe" and "daemon" keep theirs: "ale", "she", "pet", "he", "demon"; "Caesar" is not "Cesar").
_AE = (re.compile(r"^(an|h|leuk|septic|tox|ur|p|orthop|encyclop|gyn|f|arch|pal|medi|prim|c|)ae"
                  r"(?=m|d|sth|c|o[lnp]|ti|v|s(?:ium|ar[ei]an))"), r"\1e")
_OE = (re.compile(r"^(|f|man|outman|hom|am|(?:diar|gonor|pyor|logor)r?h)oe(?=dem|soph|str|t|uv|op|b|a)"), r"\1e")
# One word each, written two ways: a word beginning so is folded to begin the other way ("greying", "sulphuric",
# "smouldering"). One pattern for them all: a word is read once, not once per word of the list.
_ONE_WORD = {"grey": "gray", "aluminium": "aluminum", "sulph": "sulf", "sceptic": "skeptic", "ageing": "aging",
             "mould": "mold", "smould": "smold", "moult": "molt", "plough": "plow", "snowplough": "snowplow",
             "artefact": "artifact", "despatch": "dispatch", "pyjama": "pajama"}


def _beginnings(folds: dict[str, str]) -> tuple[re.Pattern[str], Callable[[re.Match[str]], str]]:
    """One rule folding each beginning of ``folds`` to its other spelling."""
    pattern = re.compile("^(?:" + "|".join(sorted(folds, key=len, reverse=True)) + ")")
    return pattern, lambda match: folds[match.group()]


_WORDS = _beginnings(_ONE_WORD)
_DGEMENT = (re.compile(r"(?<=\w)dgement"), "dgment")  # judgement, acknowledgement

# Each table a version of the folds: a text's fingerprint depends on it (near_duplicates.METHODS), and so do the keys
# stored reports carry (newsroom/rekey.KEY_RULE). 1: 2026-12-06. 2: -mme, -bre, ae/oe, and the words of ``_ONE_WORD``
# (2026-12-07).
TABLES: dict[int, tuple[_Rule, ...]] = {
    1: (_DOUBLED, _ISE, _YSE, _OUR, _TRE, _ENCE, _OGUE),
    2: (_GRAMME, _JEWELLERY, _BRE, _DOUBLED, _PRACTISE, _ISE, _YSE, _OUR, _TRE, _ENCE, _OGUE, _AE, _OE, _WORDS, _DGEMENT),
}
SPELLINGS = TABLES[max(TABLES)]

# A key's rules: no doubled letters ("dinner", "diner"; but DOUBLED_L's words, key_word); "our" with two letters before
# it ("labour", "colour", "odour"; "four", "tour", "mourning" and "fourth" would meet "for", "tor", "morning" and
# "forth"); and not "grey" and "mould", which are also surnames ("Grey", "Gray"; "Mould") and a town ("Mold").
_KEY_OUR = (re.compile(r"(?<=\w\w)our"), "or")
_KEY_WORDS = _beginnings({word: other for word, other in _ONE_WORD.items() if word not in ("grey", "mould")})
_KEY_RULES = tuple({_OUR: _KEY_OUR, _WORDS: _KEY_WORDS}.get(rule, rule) for rule in SPELLINGS if rule is not _DOUBLED)
# Words whose two spellings name different bodies: Britain's Labour party is not Australia's or Israel's Labor party,
# and news names both unqualified ("Labour said", "Labor won", "the Labour government"), so a key keeps them apart...
_KEY_KEPT = frozenset({"labour", "labor"})
# ... but not in a name an office's head word is in: there "labour" is a state's portfolio, the same in either spelling
# ("Labour Ministry", "Ministry of Labor", "Labour Department", "International Labour Office"). "Party", "government",
# "council", "minister" and "leader" are not such heads: "Labour minister" is as often a minister of Britain's party.
_KEY_PORTFOLIO = {"labour": "labor"}
_OFFICE_HEADS = frozenset("""ministry ministries department departments office organisation organization inspectorate court
    courts commission bureau agency administration directorate authority service secretariat""".split())


# Since key rule 9 a key writes the American of a British doubled l ("counselling" -> "counseling", "travelling" ->
# "traveling"): only the words of DOUBLED_L, every one an English word with no capitalised use in the lists (no surname or
# place: "Marshall" and "Marshal", "Jewell" and "Jewel" stay apart, neither being in it), and not "traveller(s)", whose
# spellings name two things: "Conde Nast Traveller" (British) and "Conde Nast Traveler" (American) are two magazines,
# "Travelers" an insurer, the "Travellers" of Ireland a people.
_KEY_DOUBLED_L_KEPT = frozenset({"traveller", "travellers"})


def fold(word: str, table: int = max(TABLES)) -> str:
    """``word`` (casefolded) with every spelling of ``TABLES[table]`` folded: as both texts of a possible copy are
    read."""
    for pattern, replacement in TABLES[table]:
        word = pattern.sub(replacement, word)
    return word


@lru_cache(maxsize=1 << 16)
def key_word(word: str) -> str:
    """A casefolded word of a name as its key writes it: its British spelling folded ("defence" -> "defense",
    "organisation" -> "organization", "centre" -> "center", "programme" -> "program") where English writes both words
    in lower case (SCOWL, the union of the British and American lists: ``services.normalize.casing``); a name's own
    words are left as they are ("Scott", "Phillips", "Florence": written capitalised only), as is a word whose fold is
    no English word ("court" -> "cort"). Doubled letters are not folded ("dinner" and "diner" are two words) but for the
    British doubled l of :data:`DOUBLED_L`: "counselling" -> "counseling" (not "traveller": ``_KEY_DOUBLED_L_KEPT``)."""
    if word in _KEY_KEPT:
        return word
    if word in _key_doubled_l():
        return _key_doubled_l()[word]
    folded = word
    for pattern, replacement in _KEY_RULES:
        folded = pattern.sub(replacement, folded)
    if folded == word:
        return word
    from services.tagger.name_evidence import is_english_word

    return folded if is_english_word(word) and is_english_word(folded) else word


def key_words(text: str) -> str:
    """``text``'s space-separated (casefolded) words each as :func:`key_word` writes it; and "labour" as "labor" where
    a word of ``text`` is an office's head, which makes it a state's portfolio ("Labour Ministry", "Ministry of
    Labour"), not Britain's party."""
    words = text.split(" ")
    portfolio = not _OFFICE_HEADS.isdisjoint(words)
    return " ".join((portfolio and _KEY_PORTFOLIO.get(w)) or key_word(w) for w in words)


def spellings_of(words: list[str]) -> list[tuple[str, ...]]:
    """Each casefolded word of a phrase a user typed with every spelling its key gives it, the typed one first:
    ``["defence", "ministry"]`` -> ``[("defence", "defense"), ("ministry",)]``; "defense" finds "defence" as well. A
    word the keys leave alone is its only spelling: a name's own word ("florence"), "labour" (Britain's party) except
    in an office's name, as :func:`key_words` reads it ("labour ministry": "labor" too). A word British English writes
    with a doubled l and American with one has both, as its key has since key rule 9, "traveller" too, whose key keeps
    it: ``["cancelled"]`` -> ``[("cancelled", "canceled")]``."""
    portfolio = not _OFFICE_HEADS.isdisjoint(words)
    out = []
    for word in words:
        key = (portfolio and _KEY_PORTFOLIO.get(word)) or key_word(word)
        alike = _spellings().get(key, ()) or _doubled_l().get(word, ())
        if portfolio and key in _KEY_PORTFOLIO.values():
            alike = (*_KEY_PORTFOLIO, key)
        out.append((word, *(w for w in alike if w != word)))
    return out


@cache
def _spellings() -> dict[str, tuple[str, ...]]:
    """Every key of an English word (SCOWL's lower-case words) that more than one word writes alike -> those words,
    the key first ("defense" -> ("defense", "defence")). Made once per process: each rule run over the whole list at
    once (a word per line) is a tenth of the time of folding word by word (about 0.4 s, then 0.1 s with the lists)."""
    from services.normalize.casing import english_case

    lexicon = sorted(english_case().ordinary_words())
    text = "\n".join(lexicon)
    for pattern, replacement in _KEY_RULES:
        text = re.compile(pattern.pattern, pattern.flags | re.MULTILINE).sub(replacement, text)
    groups: dict[str, list[str]] = {}
    for word, folded in zip(lexicon, text.split("\n")):
        if folded != word and key_word(word) == folded:  # key_word: both English words, and "labour" kept
            groups.setdefault(folded, [folded]).append(word)
    return {key: tuple(words) for key, words in groups.items()}


@cache
def _doubled_l() -> dict[str, tuple[str, str]]:
    """Each word of :data:`DOUBLED_L`, British or American -> both (``"traveled"`` -> ``("travelled", "traveled")``)."""
    lines = DOUBLED_L.read_text(encoding="utf-8").splitlines()
    pairs = [tuple(line.split()) for line in lines if line and not line.startswith("#")]
    return {word: pair for pair in pairs for word in pair}


@cache
def _key_doubled_l() -> dict[str, str]:
    """Each British word of :data:`DOUBLED_L` a key writes as its American, -> that American word."""
    return {pair[0]: pair[1] for pair in _doubled_l().values() if pair[0] not in _KEY_DOUBLED_L_KEPT}


def load_tables() -> None:
    """Make what :func:`spellings_of` reads (about 0.4 s), so that a server does it as it starts, not at its first
    search."""
    _spellings()
    _doubled_l()
    _key_doubled_l()
