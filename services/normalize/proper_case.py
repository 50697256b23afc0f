"""The ``case:proper-name`` repair: a lower-cased name restored to its capitals, only on evidence (issue 15).

The evidence, in the order ``cased_form`` asks for it: the name table and abbreviations; how the article writes
the word (capitalised on its own, in a pair, in a gazetteer phrase); how English writes it (SCOWL: only
capitalised); the name it stands in (``name_context``); and for a word no English list knows, where it stands
(``unknown_names``). See docs/normalize.md.
"""

from __future__ import annotations

import re

from spacy.lang.en.stop_words import STOP_WORDS

from services.normalize.changes import Edit
from services.normalize.evidence import ArticleEvidence, ArticleNames, KnownNames
from services.normalize.lexicon import Lexicon
from services.normalize.name_context import NAME_LINKS, abbreviation, between_names, inside_title_phrase, surname
from services.normalize.text import DEMONYM_ENDINGS as _DEMONYM_ENDINGS, mid_sentence as _mid_sentence, overlaps
from services.normalize.unknown_names import unknown_name

__all__ = ["proper_case", "verb_form"]

_WORD = re.compile(r"(?<!\w)[^\W\d_]+(?!\w)")

# Verb forms are never names restored (and ``case:verb-after-name`` lower-cases them): irregular ones by list.
_IRREGULAR_VERBS = frozenset(
    "said says told tells met meets went goes gave gives made makes took takes came comes left leaves held holds "
    "sent sends spoke speaks wrote writes saw sees brought brings thought thinks found finds kept keeps began begins "
    "became becomes paid pays lost loses won wins led leads fell falls rose rises stood stands sought seeks "
    "warns asks adds insists promises announces vows urges calls visits arrives".split()
)
# -ed words that are part of names ("Manchester United", "Allied Forces"): never lower-cased.
_NAME_PARTS = frozenset(
    "united limited allied associated advanced applied integrated consolidated incorporated reformed federated "
    "unified armed red wanted tangled fixed licensed chartered registered certified sacred".split()
)


def verb_form(low: str, lexicon: Lexicon) -> bool:
    if low in _NAME_PARTS:
        return False
    if low in _IRREGULAR_VERBS:
        return True
    if low.endswith("ed") and len(low) > 4:
        stems = (low[:-1], low[:-2], low[:-3] if len(low) > 5 and low[-3] == low[-4] else "", low[:-3] + "y" if low.endswith("ied") else "")
        return any(stem and lexicon.is_common_lowercase(stem) for stem in stems)
    return False


# Below this Zipf frequency (about three in a million words) a word the article capitalises is taken for a name.
_RARE = 3.5


def _capitalized(word: str) -> str:
    return word[0].upper() + word[1:]


def _cased_form(text: str, tokens: list[re.Match[str]], i: int, ctx: ArticleNames, lexicon: Lexicon) -> str | None:
    """The capitalisation evidence gives a lower-case word, or None: a name is restored only on evidence."""
    token = tokens[i].group(0)
    if (abbreviated := abbreviation(text, tokens, i)) is not None:
        return abbreviated  # "the rev. David Johnson", "on oct. 2", "Det Insp bob Blemmings"
    if token in ctx.cased:
        return ctx.cased[token]  # the name table, weekdays and months
    cap = _capitalized(token)
    ev = ctx.evidence
    ordinary = ctx.case is not None and ctx.case.ordinary(token)  # English also writes it in lower case: "republic"
    if token in ctx.article and not _attached(text, tokens[i]) and _outweighs(ev.writes(ctx.article[token]), ev.writes(token) + ordinary, token):
        return ctx.article[token]  # the article writes it capitalised on its own mid-sentence, and mostly so
    if (lexicon.zipf(token) < _RARE and not lexicon.is_common_lowercase(token) and not _attached(text, tokens[i])
            and not _prefixed(token, lexicon) and _outweighs(ev.writes(cap), ev.writes(token) + ordinary, token)):
        return cap  # a rare word the article writes capitalised (at a sentence start or in a name) at least as often;
        # not part of a hyphenated word ("congress-edits") nor a prefixed English word ("antigovernment")
    case = ctx.case
    if case is not None and not case.ordinary(token) and not _attached(text, tokens[i]):
        name = case.name(token)
        if name is not None and (ev.writes(token) <= 1 or ev.writes(token) <= ev.writes(name) or _nationality(name, ctx.known)) and (len(token) > 3 or ev.writes(name)):
            # English writes the word only capitalised: "london", "jason", "indonesian"; a three-letter word needs
            # the article's capital too (untranslated "del" is no "Del"); a nationality however often a translation
            # wrote it in lower case ("the german brigade ... german soldiers")
            return name
        if (name is None and not lexicon.is_common_lowercase(token) and not _prefixed(token, lexicon)
                and _outweighs(ev.writes(cap), ev.writes(token), token)):
            return cap  # no English word, and the article writes it capitalised at least as often: "willoughby"
    if ev.writes(token) <= 1 and (ctx.standalone[cap] >= 2 or (ctx.standalone[cap] and ev.writes(cap) >= 3 and token not in STOP_WORDS)) and not _attached(text, tokens[i]):
        return cap  # the article writes the word capitalised on its own mid-sentence (and often so), and never in
        # lower case: "the welsh assembly"
    if token not in STOP_WORDS and token not in NAME_LINKS and _sandwich_pair(text, tokens, i, cap, ev):
        return cap  # "Britain's Prime minister Theresa May" where the article writes "Prime Minister" elsewhere
    if lexicon.zipf(token) < 6.0 and ev.writes(token) <= ev.writes(cap) and _pair_evidence(text, tokens, i, cap, ev, both=lexicon.zipf(token) >= 4.5):
        return cap  # "Prime minister Theresa" where the article writes "Prime Minister"
    if ev.writes(token) <= 1 and lexicon.zipf(token) < 6.0 and not verb_form(token, lexicon) and _name_role(tokens, i, cap, ev, text, lexicon):
        return cap  # "Newport police Department" where the article writes "Police" before a name word elsewhere
    if token in ctx.known.words and (_name_like(token, ctx) or (ev.writes(token) <= 1 and ev.writes(ctx.known.words[token]))):
        return ctx.known.words[token]  # a gazetteer name: "greece", however often a translation lower-cased it ("in
        # vilnius ... to vilnius"); one English also writes in lower case ("china", "turkey") only where the article
        # writes the name too, and once
    for lo, hi in ((i - 1, i + 1), (i, i + 2), (i - 2, i + 1), (i - 1, i + 2), (i, i + 3)):
        if lo < 0 or hi > len(tokens) or hi - lo < 2:
            continue
        span = text[tokens[lo].start() : tokens[hi - 1].end()]
        phrase = ctx.known.phrases.get(span.lower())
        if phrase is not None and len(phrase) == len(span) and (_name_like(token, ctx) or _title_word_in(tokens[lo:hi], i - lo, ordinary)
                                                                or _writes_phrase(text, phrase, span, token)):
            offset = tokens[i].start() - tokens[lo].start()
            return phrase[offset : offset + len(token)]  # "san Francisco": the gazetteer's "San Francisco"
    if case is None:
        return None
    is_verb = lambda w: verb_form(w, lexicon)  # noqa: E731
    # the shape alone: "Baton Rouge police Department" is no house style however the article writes "police"
    found = inside_title_phrase(text, tokens, i, case, is_verb, lambda w: _person(w, ctx)) or between_names(text, tokens, i, case)
    if found is not None:
        return found
    if ev.writes(token) <= 1:
        found = surname(text, tokens, i, case, ctx.standalone[cap], ev.writes(cap), ev.writes(token), is_verb)  # "Jeff flake"
        if found is not None:
            return found
        return unknown_name(text, tokens, i, case, lexicon, lambda w: verb_form(w, lexicon))  # "Zoran zaev", "in encinitas."
    return None


def _nationality(name: str, known: KnownNames) -> bool:
    """A word English writes only capitalised, with a nationality's ending, that starts as a gazetteer place does:
    "German" (Germany), "Lithuanian" (Lithuania), "Ukrainian" (Ukraine). (Asked only of a word the article writes
    in lower case more than once.)"""
    if len(name) < 5 or not name.endswith(_DEMONYM_ENDINGS):
        return False
    stem = name[:4].lower()
    return any(low.startswith(stem) for low in known.words)


def _person(word: str, ctx: ArticleNames) -> bool:
    """The article uses a capitalised word as a person's name: on its own mid-sentence ("Hazard said") or after a
    name English writes only capitalised ("Eden Hazard"). (Where it is asked, after a lower-case word, the word
    counts once as standalone.)"""
    return ctx.standalone[word] > 1 or any(b == word and ctx.case is not None and ctx.case.name(a) == a for a, b in ctx.evidence.pairs)


def _writes_phrase(text: str, phrase: str, span: str, token: str) -> bool:
    """Only ``token`` lost its capital, the article writes the gazetteer's phrase as the gazetteer does elsewhere
    (more than once), and this form of it only here: "the European union" beside "the European Union" (a house style writes it one
    way throughout; "UN security council" is house style, not one lost capital)."""
    if sum(a != b for a, b in zip(phrase.split(), span.split())) != 1 or token in span.replace(token, "", 1):
        return False
    def count(s: str) -> int:
        return len(re.findall(rf"(?<![^\W\d_]){re.escape(s)}(?![^\W\d_])", text))
    return count(phrase) >= 2 and count(span) == 1  # once each way is a tie: house style, no evidence


_PREFIXES = ("anti", "pro", "non", "counter", "post", "pre", "pan", "semi", "multi", "inter", "trans", "ultra")


def _prefixed(token: str, lexicon: Lexicon) -> bool:
    """An English word with a prefix ("antigovernment", "postwar"): capitalised only at a sentence start."""
    return any(token.startswith(p) and len(token) - len(p) >= 4 and lexicon.zipf(token[len(p) :]) >= 3.0 for p in _PREFIXES)


def _name_like(token: str, ctx: ArticleNames) -> bool:
    return ctx.case is None or not ctx.case.ordinary(token)


def _title_word_in(span: list[re.Match[str]], i: int, ordinary: bool = True) -> bool:
    """An ordinary word ("council") joins a known phrase only beside a word written as a name: "new York", not
    "UN security council" (a house style that writes the phrase in lower case); and an ordinary word that ends the
    phrase after its capitalised words is house style too ("the Crimean peninsula", "the Gaza strip")."""
    return any(len(w) > 1 and w[0].isupper() and w[1:].islower() for j, m in enumerate(span)
               if (w := m.group(0)) and j != i and (j > i or not ordinary))


def _outweighs(capitalised: int, lower: int, token: str) -> bool:
    """The article writes the word capitalised at least as often as in lower case; a word of three letters
    must be capitalised more often (a short word written both ways is as often a foreign word or a mention
    of one, Welsh "twp", as a name)."""
    return 0 < lower <= capitalised and (len(token) > 3 or capitalised > lower)


def _attached(text: str, m: re.Match[str]) -> bool:
    """Part of a hyphenated or apostrophised word ("anti-semitic", "o'neill"): its case is a matter of style."""
    return text[m.start() - 1 : m.start()] in ("-", "'", "’") or text[m.end() : m.end() + 1] == "-"


# A proper adjective is no name the next word belongs to: "a Russian bank", "the Malaysian transport minister".


def _name_role(tokens: list[re.Match[str]], i: int, cap: str, ev: ArticleEvidence, text: str, lexicon: Lexicon) -> bool:
    """The word follows a capitalised word mid-sentence, and the article writes it capitalised after such a word
    elsewhere: "Newport police Department" beside "Baton Rouge Police Department". Only after a name: before one,
    an ordinary word keeps its case ("southern Nevada", "foreign minister Boris Johnson"); not after an acronym
    ("UN security council" is a house style)."""
    if i == 0 or cap not in ev.seconds:
        return False
    left = tokens[i - 1]
    word = left.group(0)
    return (text[left.end() : tokens[i].start()] == " " and word[0].isupper() and not word.isupper() and lexicon.zipf(word) < 6.0
            and not word.endswith(_DEMONYM_ENDINGS) and _mid_sentence(text, left.start()) and not _attached(text, left))


def _pair_evidence(text: str, tokens: list[re.Match[str]], i: int, cap: str, ev: ArticleEvidence, *, both: bool) -> bool:
    """The word with its capitalised neighbour is a pair the article writes capitalised elsewhere; a common word
    ("police") needs it on its right ("police Department") or capitals on both sides ("Prime minister Theresa")."""
    found, right, capital_sides = False, False, 0
    for j in (i - 1, i + 1):
        if not 0 <= j < len(tokens):
            continue
        a, b = sorted((tokens[i], tokens[j]), key=lambda m: m.start())
        neighbour = tokens[j].group(0)
        if text[a.end() : b.start()] != " " or not neighbour[:1].isupper():
            continue
        capital_sides += 1
        if ((neighbour, cap) if j < i else (cap, neighbour)) in ev.pairs:
            found, right = True, right or j > i
    return found and (capital_sides == 2 or not both or right)


def _before_written_pair(text: str, tokens: list[re.Match[str]], i: int, ev: ArticleEvidence) -> bool:
    nxt = tokens[i + 1] if i + 1 < len(tokens) else None
    return (nxt is not None and text[tokens[i].end() : nxt.start()] == " "
            and (_capitalized(tokens[i].group(0)), nxt.group(0)) in ev.pairs)


def _sandwich_pair(text: str, tokens: list[re.Match[str]], i: int, cap: str, ev: ArticleEvidence) -> bool:
    """Capitalised words on both sides mid-sentence, and the article writes the word capitalised beside one of them
    elsewhere, if only at a sentence start ("Prime Minister Theresa May said ..."): however often it writes the
    word in lower case on its own ("her foreign minister")."""
    if i == 0 or i + 1 >= len(tokens):
        return False
    left, m, right = tokens[i - 1], tokens[i], tokens[i + 1]
    if text[left.end() : m.start()] != " " or text[m.end() : right.start()] != " ":
        return False
    if not (left.group(0)[0].isupper() and right.group(0)[0].isupper() and _mid_sentence(text, left.start())):
        return False
    seen = ev.pairs | ev.openings
    return (left.group(0), cap) in seen or (cap, right.group(0)) in seen


def proper_case(text: str, ctx: ArticleNames, lexicon: Lexicon, blocked) -> list[Edit]:
    edits = []
    tokens = [m for m in _WORD.finditer(text) if not overlaps(m.span(), blocked)]
    for i, m in enumerate(tokens):
        token = m.group(0)
        if not token.islower() or len(token) < 3:
            continue
        if (re.search(r"(?i)\ban?\s+$", text[max(0, m.start() - 4) : m.start()]) and (ctx.case is None or ctx.case.ordinary(token))
                and not _before_written_pair(text, tokens, i, ctx.evidence)):
            continue  # "a turkey": a common noun (but "a scottish source" is no common noun, nor "a welsh Parliament"
            # where the article writes "Welsh Parliament")
        cased = _cased_form(text, tokens, i, ctx, lexicon)
        if cased is not None and cased != token and cased.lower() == token:
            edits.append(Edit(m.start(), m.end(), token, cased))
    return edits
