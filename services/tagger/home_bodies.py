"""A legislature, top court or ministry named with no country ("the Senate", "Parliament", "the Supreme Court", "the
Defense Ministry") in an article about one country: that country's, keyed as its name with the country's word is ("U.S.
Senate", "British Parliament"), where the article leaves no doubt whose it is.

The article's country is its dateline's, or by far its most named (places, people's words, state bodies), and no
other country's (or region's, "Welsh Parliament") body of the same words is named in it: in a report on two countries'
relations, neither is the home of a bare "Parliament". A department ("the Treasury Department") of a report from the
United States is the United States' whatever other country it names more, and so is a bare "Treasury" there (the
Treasury Department); in a report about Britain, "the Treasury" is the British Treasury; in one about any other country
it is left alone. A state's or a city's own body is left alone ("the state Senate", "the Supreme Court of Georgia", "the
Health Department").
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence

from schemas import Entity
from services.runtime.sentences import mid_sentence, sentence_bounds
from services.tagger.gazetteer import Gazetteer
from services.tagger.linking import name_key
from services.tagger.name_evidence import is_dateline
from services.tagger.portfolios import is_portfolio_ministry

__all__ = ["home_country", "home_bodies", "names_a_security", "treasury_words"]

# The bodies a country has one of: its legislature and its top courts, by their words alone ("Congress" only where the
# gazetteer has the country's: India's "Congress" is a party); a portfolio ministry (``is_portfolio_ministry``).
_LEGISLATURE_OR_COURT = re.compile(r"(?:parliament|senate|congress|(?:supreme|constitutional) court)", re.IGNORECASE)
_GAZETTEER_ONLY = frozenset({"congress"})
# A city's own department ("the Health Department" of a New York report) is no ministry.
_CITY_REMITS = re.compile(r".*\b(?:health|transport|transportation|education|police|fire|parks|water|housing|sanitation|"
                          r"buildings|planning)\b.*", re.IGNORECASE)
_LEADING_THE = re.compile(r"(?i:the)[ \t]+")
# Right before the body, no word that makes it another's: a capitalised one NER left out ("Welsh [Parliament]"), a
# possessive ("Gazprom's"), a state's, a region's or a city's word ("the state Senate", "the city Health Ministry");
# right after it, no "of" ("Supreme Court of Georgia").
_WORD_BEFORE = re.compile(r"([\w'’.-]+)[ \t]+$")
_NOT_NATIONAL = frozenset("""state states provincial province regional region city county municipal local district
    territorial student party church club""".split())
_OF_AFTER = re.compile(r"[ \t]+of[ \t]")
# How far one country leads the next for the article to be about it: by its dateline, named at least as often as any
# other; else named this many times as the next, and this often at least.
_LEAD = 3
_MIN_MENTIONS = 3
# The country that calls its ministries departments ("Treasury Department", "Commerce Department", "Justice
# Department"): where the news writes other countries' ministries as ministries, a department a report from it names
# with no country is its own, even where the report names another country more ("WASHINGTON - ... sanctions against
# Russia ... the Treasury Department said").
_DEPARTMENTS_OF = "Q30"
# The countries whose finance ministry the news calls "the Treasury", and that body's words: the US Department of the
# Treasury (keyed as "the Treasury Department" of a US report is) and Britain's HM Treasury. Elsewhere (Australia's and
# New Zealand's Treasury too, for now) a bare "Treasury" is left alone, as is one that is a bond ("the 30-year Treasury",
# "Treasury bills", "Treasury yields").
_TREASURY_OF = {"Q30": "Treasury Department", "Q145": "Treasury"}
_TREASURY = re.compile(r"treasury", re.IGNORECASE)
_SECURITY_AFTER = re.compile(r"[ \t]+(?:bills?|bonds?|notes?|futures?|yields?|securities|debt|market|prices?|issues?|"
                             r"auctions?|refunding|strips)\b", re.IGNORECASE)
_SECURITY_BEFORE = re.compile(r"(?:-year|-month|-week)[ \t]+$", re.IGNORECASE)


def treasury_words(qid: str, words: str) -> str:
    """The words a body of the country ``qid`` is keyed by: its "Treasury" the US Treasury Department's for the United
    States ("U.S. Treasury", "US Treasury" and "the Treasury" of a US report are one ``name:american treasury
    department`` with "U.S. Treasury Department"), any other body's (Britain's "Treasury" too) as written."""
    return _TREASURY_OF.get(qid, words) if _TREASURY.fullmatch(words) else words


def _bare(name: str) -> str:
    return _LEADING_THE.sub("", name, count=1) if _LEADING_THE.match(name) else name


def _national(text: str, start: int) -> bool:
    """Whether the word before the offset ``start`` of ``text`` leaves a body written there the nation's: "the",
    "full", "his"; not "Welsh", "Gazprom's", "state"."""
    found = _WORD_BEFORE.search(text, max(0, start - 40), start)
    if found is None:
        return True
    word = found.group(1)
    at_start = not mid_sentence(text, found.start(1))
    return (not (word[:1].isupper() and not at_start) or word.casefold() == "the") and not word.endswith(("'s", "’s", "'", "’")) \
        and word.casefold() not in _NOT_NATIONAL


def _is_home_body(words: str) -> bool:
    """Whether ``words`` name a body every country has one of: a legislature, a top court, a portfolio ministry."""
    if _LEGISLATURE_OR_COURT.fullmatch(words):
        return True
    key = name_key(words)[5:]
    return is_portfolio_ministry(key) and not (key.endswith("department") and _CITY_REMITS.fullmatch(key))


def _is_treasury(entity: Entity, text: str) -> bool:
    """Whether a bare "Treasury" is the body, not a bond named after it ("the 30-year Treasury", "Treasury bills")."""
    return (_TREASURY.fullmatch(_bare(entity.text)) is not None and not _SECURITY_AFTER.match(text, entity.end)
            and not _SECURITY_BEFORE.search(text, max(0, entity.start - 12), entity.start))


def names_a_security(entity: Entity, text: str) -> bool:
    """Whether a bare "Treasury" is a bond named after it ("the 30-year Treasury", "Treasury bond future"), which no
    rule gives the body's key, named again after the "U.S. Treasury" or not."""
    return _TREASURY.fullmatch(_bare(entity.text)) is not None and not _is_treasury(entity, text)


def _is_department(words: str) -> bool:
    """Whether ``words`` name a portfolio department ("Treasury Department", "Department of Commerce")."""
    key = name_key(words)[5:]
    return key.endswith(" department") and _is_home_body(words)


def _country_of(entity: Entity, gazetteer: Gazetteer) -> str | None:
    """The QID of the country a mention names: a people's word's or a state body's, a linked place's."""
    if entity.country_id is not None or entity.canonical_id is None:
        return entity.country_id
    entry = gazetteer.get(entity.canonical_id)
    return entry.country if entry is not None and entry.type in ("GPE", "LOC") else None


def _counts(entities: Sequence[Entity], texts: Mapping[str, str], gazetteer: Gazetteer) -> tuple[Counter[str], str | None]:
    """How often the article names each country (by its QID), and its dateline's country (or None)."""
    counts: Counter[str] = Counter()
    dateline = None
    for e in entities:
        country = _country_of(e, gazetteer)
        if country is None:
            continue
        counts[country] += 1
        if dateline is None and e.canonical_id is not None and e.field in texts and is_dateline(e.field, texts[e.field], e.start, e.end):
            dateline = country
    return counts, dateline


def home_country(entities: Sequence[Entity], texts: Mapping[str, str], gazetteer: Gazetteer) -> str | None:
    """The QID of the country the article is about: its dateline's, named at least as often as any other, or the one
    it names ``_LEAD`` times as often as the next (and ``_MIN_MENTIONS`` times at least); None where none leads so."""
    counts, dateline = _counts(entities, texts, gazetteer)
    if not counts:
        return None
    (top, n), *rest = counts.most_common()
    second = max((c for q, c in counts.items() if q != dateline), default=0) if dateline else (rest[0][1] if rest else 0)
    if dateline is not None:
        return dateline if counts[dateline] >= second else None
    return top if n >= _MIN_MENTIONS and n >= _LEAD * second else None


def home_bodies(entities: Sequence[Entity], texts: Mapping[str, str], gazetteer: Gazetteer,
                as_body: Callable[[Entity, str, str], Entity], country_name: Callable[[str], str | None],
                has_adjective: Callable[[str], bool]) -> list[Entity]:
    """``entities`` with each unlinked bare legislature, top court or ministry given the article's country
    (:func:`home_country`; a department of a report datelined in the United States, the United States:
    ``_DEPARTMENTS_OF``) and keyed by it (``as_body(entity, qid, words)``: the gazetteer's entity, "U.S. Senate", or
    the country's adjective's key, ``name:british parliament``), where no other body of its words is named in the
    article; "Congress" only where the gazetteer has the country's."""
    bare = [e for e in entities if e.canonical_id is None and e.country_id is None and e.canonical_name is None
            and e.type in ("ORG", "GPE", "LOC", "FAC") and e.field in texts
            and (_is_home_body(_bare(e.text)) or _is_treasury(e, texts[e.field]))
            and e.text[:1].isupper() and _national(texts[e.field], e.start)
            and not _OF_AFTER.match(texts[e.field], e.end)]
    if not bare:
        return list(entities)
    home = home_country(entities, texts, gazetteer)
    departments = _DEPARTMENTS_OF if home is None and _counts(entities, texts, gazetteer)[1] == _DEPARTMENTS_OF else None
    out = []
    for e in entities:
        words = _bare(e.text)
        if e in bare and _TREASURY.fullmatch(words):
            # Only the US's and Britain's; a US report's even where it names another country more, as a department.
            country = home if home in _TREASURY_OF else departments if home is None else None
            words = treasury_words(country, words) if country is not None else words
        else:
            country = home or (departments if _is_department(words) else None) if e in bare else None
        if country is not None and has_adjective(country) and country_name(country) is not None:
            own = name_key(words)[5:]
            # another body of the same words, named with its country's or region's word: "Welsh Parliament"
            others = [o for o in entities if o is not e and name_key(o.canonical_name or o.text)[5:].endswith(" " + own)
                      and o.country_id != country]
            # another country named before it in its sentence: "U.S. Senator Lindsey Graham, the top Republican on the
            # Senate subcommittee" of a report on Egypt
            start = sentence_bounds(texts[e.field], e.start, e.end, e.start)[0]
            others += [o for o in entities if o.field == e.field and start <= o.start and o.end <= e.start
                       and _country_of(o, gazetteer) not in (None, country)]
            if not others:
                body = as_body(e, country, words)
                linked = body.canonical_id is not None
                if linked or own not in _GAZETTEER_ONLY:
                    e = body.model_copy(update={"country_id": country, "country_name": country_name(country)})
        out.append(e)
    return out
