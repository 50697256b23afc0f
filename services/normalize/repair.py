"""Repair of machine-translation artifacts in English text, each edit recorded as a Change (kind "repair").

The rules and their names (the ``rule`` of each Change):

- ``glue:name-boundary`` — a known name glued to a word: "Zelenskyduring" → "Zelensky during".
- ``glue:word-boundary`` — two common words glued: "militarysupport" → "military support".
- ``names:variant`` — a transliteration or exonym variant: "Kiev" → "Kyiv" (see ``names.py``).
- ``spelling:doubled-final-letter`` — "euross" → "euros", only when the result is a word and the original is not.
- ``space:after-punctuation`` — "July.in which" → "July. in which"; never decimals, abbreviations, URLs, domains.
- ``quotes:misplaced-opening`` / ``quotes:space-after-closing`` — "loses“said" → "loses,” said"; "freedom.”while" → "freedom.” while".
- ``punctuation:space-before`` / ``punctuation:repeated-stop`` — "ammunition. ." → "ammunition.".
- ``dash:spacing`` — a dash spaced on one side only gets a space on both.
- ``pronoun:before-inverted-subject`` — "“…,” she affirmed Stoltenberg in" → "“…,” affirmed Stoltenberg in"
  (``inverted_subject.py``).
- ``case:proper-name`` — "kyiv" → "Kyiv", from the name table and the capitalization the article itself uses
  (``proper_case.py``; the evidence it reads is gathered by ``evidence.py``).
- ``article:before-country`` — "in the Indonesia." → "in Indonesia.", in translations (``country_article.py``).

Every rule is built to leave clean professional English alone: it acts only on
shapes that do not occur in edited text (a word that is in no dictionary, a
quote glued between two words), and skips URLs, e-mail addresses, domain and
file names, handles and hashtags. No rule but ``names:variant`` edits a word
the translator left untranslated (``untranslated`` spans: source-language text,
which an English dictionary says nothing about); punctuation beside it is
still repaired.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from spacy.lang.en.stop_words import STOP_WORDS

from schemas import Change
from services.normalize.casing import english_case
from services.normalize.changes import Edit, record
from services.normalize.country_article import article_before_country, country_names
from services.normalize.evidence import ALWAYS_CAPITALIZED, ArticleNames, article_names, common_word, known_names
from services.normalize.inverted_subject import perfect_before_inverted_subject, pronoun_before_inverted_subject
from services.normalize.lexicon import Lexicon, default_lexicon
from services.normalize.names import NameTable, apply_name_variants, load_name_table
from services.normalize.proper_case import proper_case, verb_form
from services.normalize.text import (
    FILE_EXTENSIONS,
    TLDS,
    apply_edits,
    carry_spans,
    merge_spans,
    overlaps,
    protected_spans,
    shift_spans,
)

__all__ = ["ALWAYS_CAPITALIZED", "RULES", "ArticleNames", "Repairer", "article_names"]

_WORD = re.compile(r"(?<!\w)[^\W\d_]+(?!\w)")
# Two-letter words that may be one side of a glued pair; other parts need three letters.
_SHORT_WORDS = frozenset("of in on at to by as is it an or if be we he us up so no do my me".split())
# Word parts that make real compounds ("overfunded", "statewide"): never split there.
_PREFIXES = frozenset(
    "over under out non anti pre post re co sub super inter counter self multi mid mis up down off back cross cyber "
    "micro macro mega mini semi ultra well bio geo eco tele auto trans extra hyper infra neo para pro".split()
)
# Endings of place and family names ("Rockbridge", "Greenwood", "Johnson"): a capitalised word ending so is no glued pair.
_NAME_ENDINGS = frozenset(
    "bridge ford field fields wood woods land lands ton town ville berg burg burgh stein man men son sen ley lee worth well "
    "wells more dale gate hill hills stone water port mouth wick ham shire side view brook croft way vale mont castle bury "
    "church house bay by hurst holm stead borough cliff dean moor ridge haven park hall ward ing er ers".split()
)
# Short words a glued pair of ordinary words may have on one side.
_SHORT_GLUE_WORDS = frozenset("of in on at to by as is it an or if".split())
_GLUE_TAILS = frozenset("and the for was has had who but not are its with from did".split())
_SUFFIXES = frozenset("less ness ship like wide ward wards man men hood side land way ways work able ism ist ists dom fold".split())
ABBREVIATIONS = frozenset(
    "mr mrs ms dr st jr sr gen lt col capt sgt rep reps sen gov prof no nos vs etc inc corp ltd co jan feb mar apr "
    "jun jul aug sep sept oct nov dec approx dept est fig figs vol vols pp al ave blvd mt ft op ed eds ch".split()
)
# Titles written with a full stop before a name: "Dr.PawPaw" is "Dr. PawPaw" whatever the name's case.
_TITLES = frozenset("mr mrs ms dr st prof gen sen rep gov rev lt col capt sgt det".split())
_SPEECH_VERBS = frozenset("said says say told added stressed insisted warned explained noted asked replied wrote declared emphasized emphasised commented stated".split())


RuleFn = Callable[[str, "ArticleNames", Lexicon, list[tuple[int, int]]], list[Edit]]


@dataclass(frozen=True, slots=True)
class RepairRule:
    name: str
    reason: str
    find: RuleFn
    translated_only: bool = False  # an artifact only machine translation makes: English as written is left alone
    not_headline_case: bool = False  # skip a title written in headline case, where a capital says nothing


def _words(text: str, blocked: list[tuple[int, int]]):
    for m in _WORD.finditer(text):
        if not overlaps(m.span(), blocked):
            yield m


def _glue_names(text: str, ctx: ArticleNames, lexicon: Lexicon, blocked) -> list[Edit]:
    edits = []
    for m in _words(text, blocked):
        token = m.group(0)
        if len(token) < 5 or lexicon.zipf(token) > 0 or ctx.evidence.writes(token) > 1:
            continue  # a word, or a name the article writes more than once ("Donggala")
        split = None
        if token[0].isupper() and token[1:].islower():
            split = _name_split(token, ctx, lexicon)
        elif re.fullmatch(r"[A-Z]{2,5}[a-z]{3,}", token):
            head = re.match(r"[A-Z]+", token).group(0)  # type: ignore[union-attr]
            rest = token[len(head) :]
            if lexicon.zipf(rest) >= 3.5 and rest not in _SUFFIXES:
                split = (head, rest)
        elif token[0].islower():
            for i in range(2, len(token) - 2):
                head, rest = token[:i], token[i:]
                if rest[0].isupper() and rest in ctx.names and head.islower() and (len(head) >= 3 or head in _SHORT_WORDS) and lexicon.zipf(head) >= 3.5:
                    split = (head, rest)
                    break
        if split:
            edits.append(Edit(m.start(), m.end(), token, f"{split[0]} {split[1]}"))
    return edits


def _head_evidence(head: str, ctx: ArticleNames, lexicon: Lexicon) -> int:
    """How sure it is that a glued token starts with ``head`` as a word: 3 the article writes it on its own (or it
    is a known name), 2 English writes it only capitalised (a name), 1 an English word, 0 nothing known."""
    if head in ctx.names or ctx.evidence.writes(head) or ctx.evidence.writes(head.lower()):
        return 3
    if (ctx.case is not None and ctx.case.name(head) == head) or head.lower() in ctx.known.words:
        return 2
    return 1 if len(head) >= 4 and lexicon.zipf(head) >= 3.5 else 0


# Least frequency of the word after the split, by the evidence for the head.
_REST_ZIPF = {3: 3.0, 2: 4.0, 1: 4.0}


def _long_rest(head_zipf: float, rest_zipf: float, level: int) -> bool:
    """A rarer English word of six letters or more after a very common word or a name English writes only
    capitalised: "Servicespokesperson", "Americanservicemen" (after a less common word it may be a name's own part:
    a made-up "Ironmeadow" stays)."""
    return rest_zipf >= 3.0 and (level == 2 or head_zipf >= 5.0)


def _name_split(token: str, ctx: ArticleNames, lexicon: Lexicon) -> tuple[str, str] | None:
    """A capitalised token that is no word split into a name or word and the word glued to it ("Zelenskyduring",
    "Hundredsof", "Roadclosures"): of the splits the evidence allows, the one whose head has the most, the longest
    head first. Without evidence for the head, only a very common word after it counts ("Faenzaand")."""
    best: tuple[int, int, str, str] | None = None
    for i in range(len(token) - 2, 2, -1):
        head, rest = token[:i], token[i:]
        if not (len(rest) >= 3 or rest in _SHORT_WORDS):
            continue
        level = _head_evidence(head, ctx, lexicon)
        rest_zipf = lexicon.zipf(rest)
        if rest in _NAME_ENDINGS and level < 3 and not (lexicon.zipf(head) >= 5.5 and level == 1):
            continue  # "Rockbridge", "Tweezerman": a name's own ending ("Threemen" has a very common word first)
        if level:
            # a rarer word after a head the article writes, when English knows it: "Presidentobliquely"
            ok = (rest_zipf >= _REST_ZIPF[level] or (level == 3 and rest_zipf >= 2.5 and ctx.case is not None and ctx.case.ordinary(rest))
                  or (level in (1, 2) and len(rest) >= 6 and _long_rest(lexicon.zipf(head), rest_zipf, level)))  # "Servicespokesperson"
        else:
            ok = (len(rest) >= 4 or rest in _GLUE_TAILS) and rest_zipf >= 5.5
        if not ok and head.lower() in STOP_WORDS and len(rest) >= 6 and rest_zipf >= 2.0 and ctx.case is not None and ctx.case.name(rest) is None:
            ok, level = True, 1  # a function word before an English word no name ends in: "Butdenuclearization", "Theiconoclasm"
        if ok and (best is None or level > best[0] or (level == best[0] and rest_zipf > lexicon.zipf(best[3]) + 1.0)):
            best = (level, i, head, rest)  # of equal evidence, a far commoner word after wins: "Conservative said"
    return (best[2], best[3]) if best else None


def _glue_words(text: str, ctx: ArticleNames, lexicon: Lexicon, blocked) -> list[Edit]:
    edits = []
    for m in _words(text, blocked):
        token = m.group(0)
        if len(token) < 5 or not (token.islower() or (token[0].isupper() and token[1:].islower())):
            continue
        if not token.islower() and lexicon.zipf(token) > 0:
            continue  # a capitalized word the dictionary knows is a name, not a glued pair
        if ctx.evidence.writes(token) > 1:
            continue  # the article's own word, written so more than once ("homewear"): a scar is not repeated
        capitalized = not token.islower()
        whole = lexicon.zipf(token)
        if _inflection_of_known_word(token, lexicon):
            continue
        best: tuple[float, str, str, float] | None = None
        for i in range(1, len(token) - 1):
            head, rest = token[:i], token[i:]
            if head in _PREFIXES or rest in _SUFFIXES:
                continue
            if any(len(p) < 3 and p.lower() not in _SHORT_GLUE_WORDS for p in (head, rest)) and head.lower() != "a":
                continue
            if rest.lower() == "a" or len(rest) < 2:
                continue
            low, high = sorted((lexicon.zipf(head), lexicon.zipf(rest)))
            # The likelier pair wins ("reporters at", not "reporter sat").
            if capitalized and lexicon.zipf(head) < 5.0 and lexicon.zipf(rest) < 5.5:
                continue  # a rare capitalized word is a name ("Robotyne") unless it starts or ends with a very common word
            if low >= (4.0 if capitalized else 3.5) and (best is None or low + high > best[0]):
                # a capitalised token is likelier a name ("Baderin", "Yousur"): both parts must be common words
                best = (low + high, head, rest, low)
        # A glued pair is far rarer than either word; a real compound is not ("into", "cannot", "notable").
        if best and whole < best[3] - 3.0:
            edits.append(Edit(m.start(), m.end(), token, f"{best[1]} {best[2]}"))
    return edits


def _inflection_of_known_word(token: str, lexicon: Lexicon) -> bool:
    """"shaheds" is the plural of a rare word, not "shah" + "eds"."""
    for suffix in ("s", "es", "ed", "d", "ing", "ly", "er", "ers"):
        if token.endswith(suffix) and len(token) - len(suffix) >= 4 and lexicon.zipf(token[: -len(suffix)]) >= 1.0:
            return True
    return False


def _doubled_letter(text: str, ctx: ArticleNames, lexicon: Lexicon, blocked) -> list[Edit]:
    edits = []
    for m in _words(text, blocked):
        token = m.group(0)
        if len(token) < 4 or token[-1] != token[-2] or not token[-1].islower() or not (token.islower() or token[1:].islower()):
            continue
        if lexicon.zipf(token) == 0 and lexicon.zipf(token[:-1]) >= (1.5 if token.islower() else 3.0):
            edits.append(Edit(m.start(), m.end(), token, token[:-1]))
    return edits


_MISSING_SPACE = re.compile(r"(?<![\w.@/])([^\W\d_]{2,})([.!?,;])([^\W\d_]{2,})(?![\w@/]|\.\w)")


def _missing_space(text: str, ctx: ArticleNames, lexicon: Lexicon, blocked) -> list[Edit]:
    edits = []
    for m in _MISSING_SPACE.finditer(text):
        left, mark, right = m.groups()
        if overlaps(m.span(), blocked):
            continue
        if right.lower() in TLDS or right.lower() in FILE_EXTENSIONS:
            continue
        if not (right.islower() or (right[0].isupper() and right[1:].islower())) and not (mark == "." and left.lower() in _TITLES and right[0].isupper()):
            continue  # "ASP.NET", "Node.JS": names, not sentences (but "Dr.PawPaw" is a title before a name)
        if left.isupper() and len(left) <= 3 and mark == ".":
            continue  # "U.K.", "E.U." spelled oddly
        needed = 3.0 if mark in ",;" else 2.5
        sentence_end = mark in ".!?" and right[0].isupper() and (left.islower() and lexicon.zipf(left) >= 3.0 or left.lower() in ABBREVIATIONS)
        if not sentence_end and (lexicon.zipf(right) < needed or (mark in ",;" and lexicon.zipf(left) < needed)):
            continue
        at = m.start(2)
        edits.append(Edit(at, at + 1, mark, mark + " "))
    return edits


def _quote_edits(text: str, ctx: ArticleNames, lexicon: Lexicon, blocked) -> list[Edit]:
    """An opening quote where a closing one belongs ("loses“said"): paragraph by paragraph, tracking open quotes."""
    edits = []
    for para in re.finditer(r"[^\n]+", text):
        inside = False
        for q in re.finditer("[“”]", para.group(0)):
            i = para.start() + q.start()
            prev = text[i - 1] if i > 0 else " "
            nxt = text[i + 1] if i + 1 < len(text) else " "
            if q.group(0) == "“":
                if inside and not prev.isspace() and prev not in "(“":
                    word = re.match(r"[^\W\d_]+", text[i + 1 :])
                    comma = "," if prev.isalpha() and word and word.group(0).lower() in _SPEECH_VERBS else ""
                    space = " " if nxt.isalpha() else ""
                    edits.append(Edit(i, i + 1, "“", f"{comma}”{space}"))
                    inside = False
                else:
                    inside = True
            else:
                inside = False
    return edits


_CLOSING_GLUED = re.compile(r"(?<=[^\W\d_][.,!?])”(?=[^\W\d_])")


def _space_after_closing(text: str, ctx: ArticleNames, lexicon: Lexicon, blocked) -> list[Edit]:
    return [Edit(m.start(), m.end(), "”", "” ") for m in _CLOSING_GLUED.finditer(text)]


_SPACE_BEFORE = re.compile(r"(?<=[^\W\d_])[ ]+(?=[,;!?](?:\s|$)|\.(?:\s|$)(?<!\.\.))")
_REPEATED_STOP = re.compile(r"(?<=[^\W\d_][.!?])[ ]+\.(?=\s|$)")


def _space_before(text: str, ctx: ArticleNames, lexicon: Lexicon, blocked) -> list[Edit]:
    return [Edit(m.start(), m.end(), m.group(0), "") for m in _SPACE_BEFORE.finditer(text) if not overlaps(m.span(), blocked)]


def _repeated_stop(text: str, ctx: ArticleNames, lexicon: Lexicon, blocked) -> list[Edit]:
    return [Edit(m.start(), m.end(), m.group(0), "") for m in _REPEATED_STOP.finditer(text)]


_DASH = re.compile(r"(?<=[^\W\d_])(?: ([–—])(?=[^\W\d_])|([–—]) (?=[^\W\d_]))")


_NAME_THEN_WORD = re.compile(r"\b([A-Z][a-z\u00C0-\u024F'\u2019-]{2,}) ([A-Z][a-z]{2,})\b(?= ?([^\s]*))")


# Apertium gives the word after an unknown capitalised word (a name it does not know) the name's case:
# "Stoltenberg prometió" becomes "Stoltenberg Promised". Verbs only: past forms and the reporting verbs
# news copy uses, as no other English word class follows a subject like that.
def _verb_after_name(text: str, ctx: ArticleNames, lexicon: Lexicon, blocked) -> list[Edit]:
    edits = []
    for m in _NAME_THEN_WORD.finditer(text):
        name, word, following = m.group(1), m.group(2), m.group(3)
        start = m.start(2)
        if overlaps((start, m.end(2)), blocked) or common_word(name.lower(), lexicon):
            continue
        if following[:1].isupper():
            continue  # a title-case phrase: "Armed Forces", "Said Business School"
        if verb_form(word.lower(), lexicon):
            edits.append(Edit(start, m.end(2), word, word.lower()))
    return edits


def _headline_case(title: str, lexicon: Lexicon) -> bool:
    """Most ordinary words capitalised: "Stoltenberg Promises More Air Defence" (a capital says nothing there).
    Names do not count either way."""
    words = [w for w in re.findall(r"[^\W\d_]{4,}", title) if common_word(w.lower(), lexicon) or lexicon.zipf(w) >= 4.0]
    return bool(words) and sum(w[0].isupper() for w in words) / len(words) > 0.5


def _dash_spacing(text: str, ctx: ArticleNames, lexicon: Lexicon, blocked) -> list[Edit]:
    return [Edit(m.start(), m.end(), m.group(0), f" {m.group(1) or m.group(2)} ") for m in _DASH.finditer(text)]


RULES: tuple[RepairRule, ...] = (
    RepairRule("spelling:doubled-final-letter", "doubled last letter removed: the word is in no dictionary, the word without it is", _doubled_letter),
    RepairRule("glue:name-boundary", "a known name glued to the next or previous word split apart", _glue_names),
    RepairRule("glue:word-boundary", "two words glued together (the glued form is no English word) split apart", _glue_words),
    RepairRule("names:variant", "", lambda *a: []),  # applied by names.apply_name_variants, here for its place in the order
    RepairRule("space:after-punctuation", "space inserted after punctuation glued to the next word", _missing_space),
    RepairRule("quotes:misplaced-opening", "an opening quote mark where a quotation ends replaced by a closing one", _quote_edits),
    RepairRule("quotes:space-after-closing", "space inserted after a closing quote glued to the next word", _space_after_closing),
    RepairRule("punctuation:space-before", "space before punctuation removed", _space_before),
    RepairRule("punctuation:repeated-stop", "stray full stop after the end of a sentence removed", _repeated_stop),
    RepairRule("dash:spacing", "dash spaced on one side only given a space on both", _dash_spacing),
    RepairRule("pronoun:before-inverted-subject", "pronoun machine translation put before a reporting verb whose subject follows it "
               "removed (\"…\", it added Hammel)", pronoun_before_inverted_subject),
    RepairRule("tense:perfect-before-inverted-subject", "present perfect of a reporting verb whose subject follows it made simple past "
               "(\"…\", has affirmed Rutte)", perfect_before_inverted_subject, translated_only=True),
    RepairRule("case:proper-name", "proper name restored to the capitalization of the name table or of the rest of the article", proper_case),
    RepairRule("case:verb-after-name", "verb after a name lower-cased: machine translation gave it the name's capital (\"Stoltenberg Promised\")",
               _verb_after_name, translated_only=True, not_headline_case=True),
    RepairRule("article:before-country", "article a Romance language puts before a country's name dropped: English writes the name "
               "without it (\"in the Indonesia.\")", article_before_country, translated_only=True),
)


class Repairer:
    """Runs the repair rules over an article's English title and body."""

    def __init__(self, names: NameTable | None = None, lexicon: Lexicon | None = None, *, disabled: frozenset[str] = frozenset()) -> None:
        self.names = names if names is not None else load_name_table()
        self.lexicon = lexicon if lexicon is not None else default_lexicon()
        self.disabled = disabled
        self.known = known_names(self.lexicon)
        self.case = english_case()
        country_names()  # loaded here, with the other word lists, not on the first translated article

    def repair_field(self, text: str, field_name: str, ctx: ArticleNames, *, max_changes: int = 20,
                     translated: bool = True, refresh: Callable[[str], ArticleNames] | None = None,
                     untranslated: Sequence[tuple[int, int]] = ()) -> tuple[str, list[Change]]:
        """``refresh`` gathers the evidence again from the text as the earlier rules left it, for the case rules:
        a glued "Newportpolice" split into "Newport police" is one more "police" the article writes.
        ``untranslated``: spans of words the translator copied from the source language, which no rule edits."""
        changes: list[Change] = []
        given = text
        kept = merge_spans(untranslated)
        for rule in RULES:
            if rule.name.startswith("case:") and refresh is not None and text != given:
                ctx, given = refresh(text), text
            if rule.name in self.disabled or not text:
                continue
            if rule.translated_only and not translated:
                continue
            if rule.not_headline_case and field_name == "title" and _headline_case(text, self.lexicon):
                continue
            if rule.name == "names:variant":
                # The one rule that edits untranslated words: the table lists names as other languages write them
                # ("Zelenski", "Kijev"), which Apertium leaves untranslated.
                before = text
                text, made = apply_name_variants(text, field_name, self.names, max_changes=max_changes)
                kept = carry_spans(before, text, kept) if made else kept
                changes.extend(made)
                continue
            edits = rule.find(text, ctx, self.lexicon, merge_spans(protected_spans(text) + kept) if kept else protected_spans(text))
            edits = [e for e in sorted(edits, key=lambda e: e.start) if e.after != e.before and not overlaps((e.start, e.end), kept)]
            if edits:
                text = apply_edits(text, edits)
                kept = shift_spans(kept, edits)
                changes.extend(record(edits, kind="repair", rule=rule.name, field=field_name, reason=rule.reason, max_changes=max_changes))
        return text, changes

    def repair(self, title: str, body: str, *, max_changes: int = 20, translated: bool = True,
               untranslated: tuple[Sequence[tuple[int, int]], Sequence[tuple[int, int]]] = ((), ())) -> tuple[str, str, list[Change]]:
        """The repaired title and body, and every Change made (title first); ``translated``: machine-translated text;
        ``untranslated``: the spans of the title's and the body's words the translator left in the source language."""
        ctx = article_names(body, self.names, self.lexicon, title=title, known=self.known, case=self.case)
        title, title_changes = self.repair_field(title, "title", ctx, max_changes=max_changes, translated=translated, untranslated=untranslated[0])
        body, body_changes = self.repair_field(body, "body", ctx, max_changes=max_changes, translated=translated, untranslated=untranslated[1],
                                               refresh=lambda text: article_names(text, self.names, self.lexicon, title=title, known=self.known, case=self.case))
        return title, body, title_changes + body_changes
