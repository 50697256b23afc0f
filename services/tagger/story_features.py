"""What story clustering reads from one tagged article: when it happened, who and where, which words, and its embedding.

Words are weighed by how rare they are in news and the web at large (``wordfreq``'s Zipf frequency, a
background document-frequency proxy that does not depend on the few stories live at the moment): "said"
or "government" tell nothing about which event an article reports, "birdshot" or "Stoltenberg" a lot.

Time: an article is placed by its publication date; without one, by an unambiguous date at the very start
of its text (a dateline); without that, an article fetched live from a feed by its fetch time; and an
article read from a file, stdin or a push without a date has no known time at all (``at`` is None).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache, partial

import numpy as np
import regex

from schemas import TaggedArticle
from services.normalize.dates import MONTH_NAMES, WEEKDAYS
from services.tagger.embedding import decode_vector, written_text
from services.tagger.near_duplicates import fingerprint, simhash as simhash_by, sketch as sketch_by

__all__ = ["PLACE_TYPES", "ArticleFeatures", "article_features", "article_time", "event_dates", "word_rarity", "terms", "name_keys"]

PLACE_TYPES = frozenset({"GPE", "LOC", "FAC"})
_CLUSTERED_TYPES = frozenset({"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT"})
# A letter, then letters and combining marks: a vowel sign of Devanagari, Bengali, Tamil or Thai is a mark, not a
# letter, and a pattern of letters alone would cut "नरेंद्र" into pieces too short to count.
_WORD = regex.compile(r"\p{L}[\p{L}\p{M}]{2,}")
# Zipf frequency is log10 of occurrences per billion words: "the" 7.7, "said" 6.0, "Ukraine" 4.3, "Stoltenberg" 2.3.
# Rarity = CEILING - Zipf, so a word seen once per million (Zipf 3) weighs 4, one in ten thousand (Zipf 5) weighs 2.
_ZIPF_CEILING = 7.0
MAX_TERMS = 200
_MIN_RARITY = 0.25
# A date this close to the start of the body is a dateline ("KYIV, Sept. 28, 2023 -"), not a mention in passing.
_DATELINE_CHARS = 80
# Function words, weekdays and months, and the vocabulary of every news story: rarity weighs them low, but
# they would still add up across a long body.
_STOPWORDS = frozenset(
    """
    the and for that with this from have has had was were are been being will would could should may might must can
    not but its his her their they them she him who whom whose which what when where while than then there here
    also into onto over under about after before during since until upon between among against within without
    said says say told tell added according statement reporters news agency report reported reports reuters
    today yesterday week weeks month year years day days
    one two three four five six seven eight nine ten first second third last next new more most many much other
    some such only very just even still well back out off all any each both few own same very per via
    our ours your yours we you it is be do does did done an as at by if in of on or so to up us no nor
    this these those because however although though yet again further once how why
    people government official officials country countries president minister ministers leader leaders
    """.split()
) | frozenset(WEEKDAYS) | frozenset(MONTH_NAMES)


@dataclass(frozen=True, slots=True)
class ArticleFeatures:
    """What clustering reads from one article. ``at`` is None when the article's time is unknown."""

    article_id: str
    at: datetime | None
    entities: Mapping[str, float]
    places: frozenset[str]
    terms: Mapping[str, float]
    embedding: np.ndarray | None = field(default=None, compare=False)
    names: Mapping[str, str] = field(default_factory=dict, compare=False)  # entity key -> name, for the evidence
    words: Mapping[str, str] = field(default_factory=dict, compare=False)  # term -> a word it came from, for the evidence
    language: str = "en"  # the original language of the article (its words may be a translation)
    title_terms: Mapping[str, float] = field(default_factory=dict, compare=False)  # the title's words alone
    name_keys: Mapping[str, float] = field(default_factory=dict, compare=False)  # its names, in Latin letters (name_keys)
    name_words: Mapping[str, str] = field(default_factory=dict, compare=False)  # name key -> a name it came from, for the evidence
    names_cased: bool = True  # written in a script with capitals (its names are its capitalised words), else every word is a key
    simhash: str | None = None  # of its text (near_duplicates.simhash), to know a copy of an earlier article
    sketch: str | None = None  # of its text (near_duplicates.sketch), to confirm a copy and know one with edits
    # Its text's SimHash and sketch by an older method (near_duplicates.simhash, sketch), computed only for stories
    # whose members were hashed by one; None: unknown.
    older_simhash: Callable[[int], str | None] | None = field(default=None, compare=False)
    older_sketch: Callable[[int], str | None] | None = field(default=None, compare=False)
    # When it was read (fetched): an article of unknown time was published no later, so its story may be that recent.
    read_at: datetime | None = None
    # The days its title and lead say its event happened on (``event_dates``); empty when they say none.
    event_dates: frozenset[date] = frozenset()


def _stem(word: str) -> str:
    # A five-letter prefix: "defence"/"defense", "promised"/"promises" meet; cheap and language-blind.
    return word[:5]


@lru_cache(maxsize=None)
def _has_wordlist(language: str) -> bool:
    from wordfreq import available_languages

    return language in available_languages()


@lru_cache(maxsize=200_000)
def word_rarity(word: str, language: str) -> float:
    """How rare ``word`` is in ``language`` (0.25..7): CEILING minus its Zipf frequency; 3 where the wordlist needs a
    segmenter not installed (jieba for Chinese, MeCab for Japanese)."""
    from wordfreq import zipf_frequency

    try:
        zipf = zipf_frequency(word, language)
    except (LookupError, ImportError):  # no wordlist, or its segmenter (jieba for Chinese, MeCab for Japanese) is not installed
        return 3.0
    return max(_MIN_RARITY, _ZIPF_CEILING - zipf)


# Languages wordfreq lists under another name: Tagalog (fastText's "tl") as Filipino, Norwegian as Bokmål, and
# Croatian, Serbian and Bosnian (when no translation reached them) as Serbo-Croatian.
_WORDLIST_NAMES = {"tl": "fil", "no": "nb", "hr": "sh", "sr": "sh", "bs": "sh"}


def _wordlist(article: TaggedArticle) -> str:
    if article.translation is not None or article.language in ("en", "und"):
        return "en"
    return _WORDLIST_NAMES.get(article.language, article.language)


def _weighed(counts: dict[str, float], rarity: dict[str, float]) -> dict[str, float]:
    """(1 + log count) times rarity, the heaviest ``MAX_TERMS`` only: a story keeps its heaviest words and names, and
    an article is compared on as many."""
    weights = {k: (1.0 + math.log(c)) * rarity[k] for k, c in counts.items()}
    if len(weights) > MAX_TERMS:
        weights = dict(sorted(weights.items(), key=lambda kv: (-kv[1], kv[0]))[:MAX_TERMS])
    return weights


def terms(title: str, body: str, language: str = "en") -> tuple[dict[str, float], dict[str, str]]:
    """Content-word stems weighed by (1 + log count) times rarity (the title counts twice), and a word per stem.

    None in a language wordfreq has no wordlist for (Kazakh, Belarusian...): there "and", "Tuesday" and "in the city"
    cannot be told from "earthquake", and two reports of different events from one city would meet on them. (wordfreq
    itself would answer from its "nearest match", Russian for both, where every such word is unseen: as rare as a name.)
    """
    if not _has_wordlist(language):
        return {}, {}
    counts: dict[str, float] = {}
    rarity: dict[str, float] = {}
    words: dict[str, str] = {}
    for text, weight in ((title, 2.0), (body, 1.0)):
        for match in _WORD.finditer(text):
            word = match.group().casefold()
            if word in _STOPWORDS:
                continue
            stem = _stem(word)
            counts[stem] = counts.get(stem, 0.0) + weight
            r = word_rarity(word, language)
            if r > rarity.get(stem, -1.0):
                rarity[stem] = r
                words[stem] = word
    return _weighed(counts, rarity), words


# A name written in another script, in Latin letters and spelled the way most scripts agree on: "Попокатепетль",
# "Ποποκατεπέτλ" and "Popocatépetl" all become "popok". Where spellings differ (c/k, ph/f, doubled letters) the
# key keeps one; its first five letters are compared, as words are.
_KEY_SPELLING = (("ph", "f"), ("c", "k"), ("q", "k"), ("w", "v"), ("y", "i"), ("j", "i"), ("x", "ks"))
_DOUBLED = re.compile(r"(.)\1+")
_NOT_LATIN = re.compile(r"[^a-z]+")
_SENTENCE_END = re.compile(r"[.!?:;\"“”«»\n]\s*$")


# Greek writes a foreign name by its sound with digraphs letter-by-letter transliteration misses: "ου" is u ("Πούτιν"
# is Putin, not "Poytin"), "μπ", "ντ" and "γκ" are b, d and g at a word's start and mb, nd and ng inside it
# ("Ντόναλντ" is Donald), and "χ" is written h in the names it renders ("Νετανιάχου").
_GREEK = (("ου", "u"), ("χ", "h"))
_GREEK_START = (("μπ", "b"), ("ντ", "d"), ("γκ", "g"))
_GREEK_INSIDE = (("μπ", "mb"), ("ντ", "nd"), ("γκ", "ng"))


def _greek_sounds(word: str) -> str:
    if not any("\u0370" <= c <= "\u03ff" for c in word):
        return word
    word = "".join(c for c in unicodedata.normalize("NFD", word.lower()) if not unicodedata.combining(c))
    for before, after in _GREEK_START:
        if word.startswith(before):
            word = after + word[len(before):]
    for before, after in (*_GREEK, *_GREEK_INSIDE):
        word = word.replace(before, after)
    return word


# A name's consonants as a key of its own ("~trmp"): scripts that write no vowels (Urdu, Persian, Pashto) or only some
# (Brahmic clusters: Telugu "ట్రంప్" is "trmp" in Latin letters) meet the English spelling there ("Trump": "trump",
# "~trmp"), where the five-letter key does not. Compared only for articles in scripts without capitals
# (story_margins.MarginRules._clear_names).
SKELETON = "~"
_VOWELS = re.compile(r"[aeiou]")


def _skeleton(key: str) -> str | None:
    """The first four consonants of a name key, marked; None for fewer than four."""
    bare = _DOUBLED.sub(r"\1", _VOWELS.sub("", key))
    return SKELETON + bare[:4] if len(bare) >= 4 else None


@lru_cache(maxsize=200_000)
def _name_key(word: str) -> tuple[str, float] | None:
    """The word's key (whole: it is compared by its first five letters and by its consonants) and how rare its Latin
    spelling is as an English word; None for a short or common one."""
    from anyascii import anyascii
    from wordfreq import zipf_frequency

    latin = anyascii(_greek_sounds(word)).lower()
    if latin in _STOPWORDS:
        return None  # "Saturday", "The" after a colon
    key = _NOT_LATIN.sub("", latin)
    for before, after in _KEY_SPELLING:
        key = key.replace(before, after)
    key = _DOUBLED.sub(r"\1", key)
    if len(key) < 4:
        return None
    return key, max(_MIN_RARITY, _ZIPF_CEILING - zipf_frequency(latin, "en"))


def _cased(text: str) -> bool:
    """Whether the text's script writes names with capitals (Latin, Cyrillic, Greek, Armenian) or not (Arabic, Hebrew,
    Devanagari, Georgian...)."""
    letters = [c for c in text[:2000] if c.isalpha()]
    return bool(letters) and sum(c.isupper() for c in letters) >= 0.01 * len(letters)


def name_keys(title: str, body: str, language: str | None = None) -> tuple[dict[str, float], dict[str, str]]:
    """The article's names as script-blind keys (``_name_key``: its first five letters, and its consonants marked
    ``SKELETON``), weighed by (1 + log count) times how rare they are as English words. In a cased script a name is
    a capitalised word not starting a sentence; in one without capitals every word is taken, and the few that are
    names are what can meet a story in another script. Also a name as written for each key."""
    counts: dict[str, float] = {}
    rarity: dict[str, float] = {}
    written: dict[str, str] = {}
    for text in (title, body):
        cased = _cased(text)
        for match in _WORD.finditer(text):
            word = match.group()
            if cased and (not word[0].isupper() or word.isupper() or match.start() == 0
                          or _SENTENCE_END.search(text, max(0, match.start() - 3), match.start())):
                continue
            found = _name_key(word)
            if found is None:
                continue
            whole, rare = found
            if not cased and language is not None and _has_wordlist(language):
                rare = min(rare, word_rarity(word, language))  # "של", "के": common in their own language, not names
            for key in filter(None, (whole[:5], _skeleton(whole))):
                counts[key] = counts.get(key, 0.0) + 1.0
                rarity[key] = max(rarity.get(key, _MIN_RARITY), rare)
                written.setdefault(key, word)
    weights = _weighed(counts, rarity)
    return weights, {k: written[k] for k in weights}


def article_time(article: TaggedArticle, *, now: datetime) -> datetime | None:
    """When the article's event happened, as far as the article says; never later than ``now``; None when unknown."""
    if article.published_at is not None:
        return min(article.published_at, now)
    for mention in article.dates:
        if (mention.field == "body" and mention.start < _DATELINE_CHARS and not mention.relative
                and mention.granularity == "day"):
            day = date.fromisoformat(mention.date)
            return min(datetime.combine(day, time(12), tzinfo=timezone.utc), now)
    if article.feed_id is not None:
        # Polled from a configured feed: fetched as it was published, within the polling interval.
        return min(article.fetched_at, now)
    return None  # a file, stdin or a push without a date: when it happened is not known, and "now" would be a guess


# The title and lead say what the report is about; a date further down is background ("since the coup of July 3").
_LEAD_CHARS = 400
# How far before the article's own day a stated date is still its event's: "on Sunday" in Tuesday's report is the
# last seven days (services/normalize/dates resolves it so), "July 13" in a report filed weeks later (a digest, a
# crawl) a month. A later date is a plan ("the vote on May 11"), not what happened.
_WEEKDAY_DAYS = 7
_EXPLICIT_DAYS = 30
_WEEKDAY_NAME = re.compile("(?i)" + "|".join(WEEKDAYS))
_MONTH_NAME = re.compile(r"(?i)\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)")


def event_dates(article: TaggedArticle, at: datetime | None) -> frozenset[date]:
    """The days the article's title and lead say its event happened on: explicit dates ("on 12 March", "March 12,
    2015") up to a month before its own day ``at``, and weekdays ("on Tuesday", resolved by the normalizer against its
    publication date) up to a week before. "Yesterday" and "today" say only what the publication date says. Empty
    for an article of unknown time, which is judged as before."""
    if at is None:
        return frozenset()
    day = at.date()
    found = set()
    for mention in article.dates:
        if mention.granularity != "day" or (mention.field == "body" and mention.start >= _LEAD_CHARS):
            continue
        back = _EXPLICIT_DAYS if _MONTH_NAME.search(mention.text) else _WEEKDAY_DAYS if _WEEKDAY_NAME.search(mention.text) else None
        stated = date.fromisoformat(mention.date)
        if back is not None and day - timedelta(days=back) <= stated <= day:
            found.add(stated)
    return frozenset(found)


def article_features(article: TaggedArticle, *, countries: frozenset[str] = frozenset(), now: datetime) -> ArticleFeatures:
    """Salience-weighted entity keys, salient places, rarity-weighted content words, time and embedding of an article.

    ``countries`` are the keys of countries: a country is an actor, not where an event happens.
    """
    entities: dict[str, float] = {}
    names: dict[str, str] = {}
    places: set[str] = set()
    for record in article.salience:
        if record.type not in _CLUSTERED_TYPES:
            continue
        weight = 1.0 + 2.0 * record.in_title + 1.0 * record.in_lead + 0.5 * min(record.mentions - 1, 4)
        entities[record.key] = weight
        names[record.key] = record.name
        if record.type in PLACE_TYPES and record.key not in countries and (record.in_title or record.in_lead):
            places.add(record.key)
    weights, words = terms(article.title, article.body, _wordlist(article))
    title_terms, _ = terms(article.title, "", _wordlist(article))
    language = article.language
    embedding = decode_vector(article.embedding) if article.embedding else None
    own_title, own_body = written_text(article)  # its names as written, repaired ("Zelensky during", not "Zelenskyduring")
    keys, written = name_keys(own_title, own_body, _WORDLIST_NAMES.get(article.language, article.language))
    at = article_time(article, now=now)
    simhash, sketch = fingerprint(article.body) or (None, None)
    return ArticleFeatures(article.id, at, entities, frozenset(places), weights,
                           embedding=embedding, names=names, words=words, language=language, title_terms=title_terms,
                           name_keys=keys, name_words=written,
                           names_cased=_cased(own_body or own_title),
                           simhash=simhash, sketch=sketch, older_simhash=partial(simhash_by, article.body),
                           older_sketch=partial(sketch_by, article.body),
                           read_at=min(article.fetched_at, now), event_dates=event_dates(article, at))
