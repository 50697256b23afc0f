"""English NER that holds on wire copy: what runs around the statistical model.

Before the model: all-capital headlines, datelines and tables are true-cased (``truecase.py``).
On its mentions: scores and dates glued to a name are cut off ("Middlesex 199" -> "Middlesex").
After linking, across the whole article (title and body):

- one name, one type: the mentions of a name the model typed differently are given the type most
  of them (or the gazetteer) have;
- a name tagged once is tagged at its other mentions too;
- organisations from the bundled ``data/organisations.yaml`` (agencies, parties, clubs, companies)
  are found where the model missed them or took them for something else (the country of its national state bodies,
  ``load_state_bodies``, is given in demonyms.py);
- a name ending in a competition's word ("U.S. Open", "Fed Cup", "Asian Games") is an event, not the
  organisation or place the model took it for;
- in a sports report (a "SOCCER -" heading, or several words of a match report: "striker", "equaliser",
  "league"), a place that is not a country and is not where something happens ("in
  Chicago") is a club ("Chicago beat Boston 4-2", "joined Milan from Torino", "his former coach at Torino");
  national sides stay places;
- in any article, a place that is not a country and beats, or is beaten by, another with a score in the
  sentence is a side too: "CSU beat Wyoming 31-24" (Wyoming's university, not the state), and so is one right
  after a result with its score ("won 2-0 at Nantes", "a 2-1 defeat at Strasbourg"), right before one ("Washington
  won 3-1") or right before a role in a club: "Liverpool manager", "Napoli striker", "the Washington right-hander".
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from schemas import Entity
from services.normalize.dates import MONTHS, WEEKDAYS
from services.tagger.linking import name_key, name_key_as
from services.tagger.mentions import Mention
from services.tagger.personal_titles import title_before
from services.tagger.truecase import truecase

__all__ = ["BUNDLED_ORGANISATIONS", "Newswire", "english_newswire", "load_article_names", "load_organisations",
           "load_state_bodies"]

BUNDLED_ORGANISATIONS = Path(__file__).with_name("data") / "organisations.yaml"
_NAME_TYPES = frozenset({"PERSON", "ORG", "GPE", "LOC", "FAC", "NORP"})
_PROPAGATED = frozenset({"PERSON", "ORG", "GPE", "LOC"})
# A trailing token of a mention that is a score, a count or a date, never part of a name.
_TRAILING_NUMBER = re.compile(r"(?:\s+[-+(]?\d[\d.,:/()-]*[*)]?)+$")
_TRAILING_LOWER = re.compile(r"(?:\s+[a-z]+)+$")
# In a results line, a team is a capitalised name right before its score: "Pohang 3 Ulsan 2", "Somerset 83 and 174".
_RESULT = re.compile(r"(?:^|(?<=, )|(?<=: )|(?<=\) )|(?<=\d ))((?!(?:[A-Z]\.)+ )[A-Z][\w'.-]*(?: [A-Z][\w'.-]*){0,2}) \d+(?:-\d+)?(?= |$)", re.M)
_LEADING_NUMBER = re.compile(r"^[-+(]?\d[\d.,:/()-]*\s+")
# An office's portfolio, which NER takes for an organisation: "Secretary of [State] John Kerry", "Minister for [Europe]".
_OFFICE_OF = re.compile(r"\b(?:[Ss]ecretary|[Mm]inister|[Uu]ndersecretary)[ \t]+(?:of|for)[ \t]+(?:the[ \t]+)?$")
_SPORTS = frozenset(
    """soccer football cricket tennis golf baseball basketball rugby athletics cycling motor motorcycling racing
    boxing hockey ice squash badminton volleyball handball swimming skiing sailing rowing yachting nba nfl nhl
    olympics formula equestrianism horse snooker darts triathlon judo wrestling""".split()
)
# National sides are named after nations that are not sovereign countries in the gazetteer.
_NATIONS = frozenset({"England", "Scotland", "Wales", "Northern Ireland", "Ireland", "Britain", "Great Britain"})
_CALENDAR = frozenset(MONTHS) | frozenset(WEEKDAYS) | frozenset("week day round game".split())
# The last word of a competition's name: "Davis Cup", "Hong Kong Open", "World Championships", "Monaco Grand Prix".
_COMPETITION = re.compile(r"\s(?:Cup|Open|Championships?|Games|Olympics|Trophy|Grand Prix|Masters|Classic|Tournament|Marathon)$")
# The same word right after a name: "Fed" in "Fed Cup", "UEFA" in "UEFA CUP" names the competition, not the body.
_COMPETITION_AFTER = re.compile(r"\s(?:Cup|Open|Championships?|Games|Olympics|Trophy|Grand Prix|Masters|Classic|Tournament|Marathon)\b",
                                re.IGNORECASE)
# A result between two sides, with its score in the same sentence: "CSU beat Wyoming 31-24", "Leeds lost to Hull 2-1".
_RESULT_VERB = r"(?:beat|beats|defeated|defeats|edged|edges|routed|thrashed|upset|downed|lost to|loses to|drew with)"
_BEFORE_RESULT = re.compile(rf"[ \t]+{_RESULT_VERB}\b")
# A side that won, lost or drew by a score, the score right after the verb: "Washington won 3-1" (not "won the vote 52-48").
_SCORED_RESULT = re.compile(r"[ \t]+(?:won|wins|lost|loses|drew|draws|tied|ties)[ \t]+\d{1,3}-\d{1,3}(?![\d-])")
_AFTER_RESULT = re.compile(rf"\b{_RESULT_VERB}[ \t]+$")
_SCORE = re.compile(r"(?<![\d-])\d{1,3}-\d{1,3}(?![\d-])")
_SENTENCE_END = re.compile(r"[.!?](?:\s|$)|\n")
# A town right after a result with its score is the side that played there or lost to it: "won 2-0 at Nantes",
# "drew 1-1 at Lille", "a 2-1 defeat at Strasbourg", "lost 3-1 to Lyon", "a 2-0 win over Rennes". Not after a tennis
# match's set scores ("won 6-3 6-4 at Toronto": the tournament's town), nor where another side stands between
# ("beat Lyon 2-0 at Nantes": a venue).
_SCORED = r"\d{1,3}-\d{1,3}(?![\d-])"
_RESULT_AT = re.compile(
    rf"(?:\b(?:won|drew|lost|tied|wins|draws|loses)[ \t]+{_SCORED}|(?<![\d-][ \t])(?<!\d,[ \t]){_SCORED}[ \t]+"
    r"(?:home[ \t]+|away[ \t]+)?(?:win|victory|defeat|loss|draw|success|triumph|reverse))"
    rf"(?:[ \t]+(?:on[ \t]+)?(?:{'|'.join(WEEKDAYS)}))?"
    r"(?:[ \t]+(?:away|at[ \t]+home))?[ \t]+(?:at|to|over|against)[ \t]+$",
    re.IGNORECASE,
)
# A city's name before a role in a club is the club: "Liverpool manager", "Napoli striker", "Torino fans", "the Washington
# right-hander", "the Dallas quarterback".
_SIDE_ROLE = re.compile(
    r"(?:['’]s)?[ \t]+(?:manager|coach|boss|striker|strikers|midfielder|midfielders|defender|defenders|goalkeeper|keeper|winger|"
    r"squad|fans|(?:right|left)[- ]?handers?|pitchers?|shortstop|outfielder|infielder|reliever|quarterback|running back|"
    r"wide receiver|linebacker|cornerback|goalie|defen[cs]eman|scrum-half|fly-half|batsman|bowler|wicketkeeper)\b"
)
# Words of a match report: an article with several of them is a sports report, with or without a "SOCCER -" heading.
_MATCH_WORDS = frozenset(
    """goal goals equaliser equalizer striker strikers midfield midfielder defender goalkeeper penalty kickoff half-time
    halftime stoppage-time touchdown quarterback innings wicket wickets playoff playoffs scored scorer league stadium
    coach""".split()
)
_MATCH_REPORT = 4  # distinct match words
_PLACE_PREPOSITIONS = frozenset("in at from near to of outside inside across around into via".split())
# In a sports report these prepositions name a side, not a place: one joins or wins points "from Nantes", a coach's or
# a player's time is "at Torino", a transfer goes "to Milan", a side plays "away at Lille" or "at home to Lyon". "In
# Nantes" is still where something happens, and so is a bare "at" ("Kansas City at Detroit", the venue in a fixtures
# list).
_SIDE_BEFORE = re.compile(
    r"(?:\bfrom|\b(?:coach|coaches|manager|boss|player|players|striker|midfielder|defender|goalkeeper|captain|spell|stint|"
    r"career|days|seasons?|contract|debut)[ \t]+at|\b(?:transferred|moved|sold|loaned|switched|traded|returned)[ \t]+to|"
    r"\b(?:away[ \t]+(?:at|to)|at[ \t]+home[ \t]+to))[ \t]+$",
    re.IGNORECASE,
)
# ... but someone who is not in the game is "from" the town they live in: "a fan from Nantes", "a man from Lyon".
_PEOPLE_FROM = re.compile(
    r"\b(?:fans?|supporters?|spectators?|residents?|natives?|people|persons?|man|men|woman|women|boys?|girls?|child|"
    r"children|famil(?:y|ies)|students?|pensioners?|couple|mother|father|parents|voters?|workers?)[ \t]+from[ \t]+$",
    re.IGNORECASE,
)


def _organisation_names(path: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    """Each name and alias of the organisations file, as written, with its entry."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    for entry in data.get("entities") or ():
        for name in [entry["name"], *(entry.get("aliases") or ())]:
            yield name, entry


def load_organisations(path: Path = BUNDLED_ORGANISATIONS) -> dict[str, str]:
    """Names and aliases of the bundled organisations file, by name as written, with their type."""
    return {name: entry.get("type", "ORG") for name, entry in _organisation_names(path)}


def load_state_bodies(path: Path = BUNDLED_ORGANISATIONS) -> dict[str, str]:
    """Names and aliases, as written, of the organisations file's national state bodies ("Kremlin", "Bundestag"), with
    the QID of their country (``state_body_of``)."""
    return {name: entry["state_body_of"] for name, entry in _organisation_names(path) if entry.get("state_body_of")}


def load_body_names(path: Path = BUNDLED_ORGANISATIONS) -> dict[str, str]:
    """Each alias, as written, of the organisations file's national state bodies, with the body's own name ("State
    Duma": "Duma"): one body, one key, whichever name an article gives it."""
    return {name: entry["name"] for name, entry in _organisation_names(path)
            if entry.get("state_body_of") and name != entry["name"]}


def load_article_names(path: Path = BUNDLED_ORGANISATIONS) -> dict[str, dict[str, str]]:
    """By language, the names the organisations file's state bodies go by only after an article of that language
    (``after_article``: French "la Douma"), each with the body's own name ("Duma")."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    found: dict[str, dict[str, str]] = {}
    for entry in data.get("entities") or ():
        for language, names in (entry.get("after_article") or {}).items():
            found.setdefault(language, {}).update((name, entry["name"]) for name in names)
    return found


@lru_cache(maxsize=2)
def _organisation_pattern(path: Path) -> tuple[re.Pattern[str] | None, dict[str, str]]:
    names = load_organisations(path)
    if not names:
        return None, names
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])"), names


def trim_mention(text: str, mention: Mention) -> Mention | None:
    """The mention without scores, counts or dates at its edges; None when nothing of a name is left, or when it is
    the portfolio of an office ("Secretary of State", "Minister of the Interior"), no organisation."""
    span = text[mention.start : mention.end]
    if mention.label not in _NAME_TYPES:
        return mention
    if mention.label == "ORG" and len(span.split()) <= 3 and _OFFICE_OF.search(text, max(0, mention.start - 30), mention.start):
        return None
    start, end = mention.start, mention.end
    dash = span.rfind(" - ")
    if dash >= 0:
        start += dash + 3  # "CRICKET - AUSTRALIA": a headline's topic and its first name, not one name
    tail = _TRAILING_NUMBER.search(text, start, end)
    if tail:
        end = tail.start()
    words = _TRAILING_LOWER.search(text, start, end)
    if words and words.start() > start:
        end = words.start()  # "Interfax news agency": the name ends at its last capitalised word
    head = _LEADING_NUMBER.match(text, start, end)
    if head:
        start = head.end()
    name = text[start:end]
    if not any(c.isupper() for c in name) or not any(c.isalpha() for c in name):
        return None  # "b", "1", "83": no name
    return mention if (start, end) == (mention.start, mention.end) else Mention(start, end, mention.label)


def _is_sports(title: str, body: str) -> bool:
    """A sports report: a "SOCCER -" style heading, or the words of a match report ("striker", "equaliser", "league")."""
    head = re.match(r"\s*([^\W\d_][^\n-]*?)\s+-\s", title) or re.match(r"\s*([^\W\d_][^\n-]*?)\s+-\s", body)
    if head and any(w in _SPORTS for w in head.group(1).lower().split()):
        return True
    return len(_MATCH_WORDS.intersection(re.findall(r"[a-z-]+", f"{title}\n{body}".lower()))) >= _MATCH_REPORT


class Newswire:
    """The steps around the English NER model; one per tagger (the lexicon and names are loaded once)."""

    def __init__(
        self,
        zipf: Callable[[str], float],
        is_name: Callable[[str], bool] = lambda w: False,
        countries: Callable[[str], bool] = lambda e: False,
        country_name: Callable[[str], bool] = lambda name: False,
        organisations: Path | None = BUNDLED_ORGANISATIONS,
    ) -> None:
        self._zipf = zipf
        self._is_name = is_name
        self._is_country = countries
        self._is_country_name = country_name
        self._organisations = organisations

    def texts(self, title: str, body: str) -> tuple[str, str]:
        """What the model reads: the fields with their all-capital lines true-cased (same offsets)."""
        cased = truecase([title, body], self._zipf, self._is_name)
        return cased[0], cased[1]

    @staticmethod
    def mentions(text: str, mentions: Sequence[Mention]) -> list[Mention]:
        return [m for m in (trim_mention(text, m) for m in mentions) if m is not None]

    def entities(self, title: str, body: str, entities: Sequence[Entity]) -> list[Entity]:
        texts = {"title": title, "body": body}
        out = list(entities)
        out = self._organisations_found(texts, out)
        parts = _person_parts(out)
        out = self._people_by_part(texts, out, parts)
        out = self._one_type_per_name(texts, out, parts)
        out = self._propagate(texts, out)
        out = _competitions_named_after(texts, out)
        out = [_as_event(e) for e in out]
        out = self._sides_by_score(texts, out)
        if _is_sports(title, body):
            out = self._clubs(texts, out)
            out = self._results_teams(texts, out)
        out.sort(key=lambda e: (e.field, e.start, e.end))
        return out

    def _organisations_found(self, texts: dict[str, str], entities: list[Entity]) -> list[Entity]:
        if self._organisations is None or not self._organisations.exists():
            return entities
        pattern, names = _organisation_pattern(self._organisations)
        if pattern is None:
            return entities
        for field, text in texts.items():
            for m in pattern.finditer(text):
                kind = names[m.group(0)]
                overlapping = [e for e in entities if e.field == field and e.start < m.end() and m.start() < e.end]
                if any(e.canonical_id is not None or (e.end - e.start > m.end() - m.start()) for e in overlapping):
                    continue  # the curated gazetteer links it already, or it is part of a longer name ("Kurdistan Democratic Party")
                if any((e.start, e.end) == m.span() and e.type == kind for e in overlapping):
                    continue
                entities = [e for e in entities if e not in overlapping]
                entities.append(Entity(text=m.group(0), type=kind, field=field, start=m.start(), end=m.end(), key=name_key(m.group(0))))  # type: ignore[arg-type]
        return entities

    @staticmethod
    def _people_by_part(texts: dict[str, str], entities: list[Entity], parts: set[str]) -> list[Entity]:
        """A word alone that is the first or last word of a person the article names in full is that person:
        "Akram" after "Wasim Akram", "Wang" after "Wang Donghai" (family name first). A linked place after a
        preposition of place stays the place: "flooding in Sydney" in an article that names Sydney Sweeney."""
        out = []
        for e in entities:
            if e.type != "PERSON" and e.type in _NAME_TYPES and e.text in parts and not _placed(texts[e.field], e):
                e = e.model_copy(update={"type": "PERSON", "canonical_id": None, "canonical_name": None, "key": name_key(e.text)})
            out.append(e)
        return out

    @staticmethod
    def _one_type_per_name(texts: dict[str, str], entities: list[Entity], parts: set[str]) -> list[Entity]:
        """Each name takes the type most of its mentions have, except a word of a person the article names in full
        (``parts``) that is the person: "Sydney" alone where Sydney Sweeney is named, though "in Sydney" is the city;
        and a person after a personal title: "Mr. Jordan" is a man where the article names Jordan the country too.
        A mention keyed by its name as its old type keys it takes the key its new type gives (:func:`_retyped`)."""
        votes: dict[str, Counter[str]] = defaultdict(Counter)
        for e in entities:
            if e.type in _NAME_TYPES:
                votes[e.text][e.type] += 3 if e.canonical_id is not None else 1
        out = []
        for e in entities:
            if e.type in _NAME_TYPES and e.canonical_id is None and len(votes[e.text]) > 1 \
                    and not (e.type == "PERSON" and (e.text in parts or title_before(texts[e.field], e.start))):
                (best, n), *rest = votes[e.text].most_common()
                if not rest or n > rest[0][1]:
                    e = _retyped(e, best)
            out.append(e)
        return out

    def _propagate(self, texts: dict[str, str], entities: list[Entity]) -> list[Entity]:
        """A name tagged once is tagged at its other mentions (a whole-word match, not inside another entity)."""
        by_name: dict[str, Entity] = {}
        for e in entities:
            if e.type in _PROPAGATED and e.text[:1].isupper() and len(e.text) >= 3 and self._zipf(e.text.lower()) < 5.0:
                by_name.setdefault(e.text, e)
        if not by_name:
            return entities
        pattern = re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(n) for n in sorted(by_name, key=len, reverse=True)) + r")(?![\w-])", re.IGNORECASE)
        by_upper = {n.upper(): e for n, e in by_name.items()}
        taken = {field: bytearray(len(text) + 1) for field, text in texts.items()}
        for e in entities:
            taken[e.field][e.start : e.end] = b"\x01" * (e.end - e.start)
        added = []
        for field, text in texts.items():
            for m in pattern.finditer(text):
                if any(taken[field][m.start() : m.end()]):
                    continue
                source = by_name.get(m.group(0)) or (by_upper.get(m.group(0)) if m.group(0).isupper() else None)
                if source is None:
                    continue  # the same letters in another case: "Bath" the club, not "a bath"
                added.append(source.model_copy(update={"field": field, "start": m.start(), "end": m.end(), "text": m.group(0)}))
                taken[field][m.start() : m.end()] = b"\x01" * (m.end() - m.start())
        return entities + added

    def _results_teams(self, texts: dict[str, str], entities: list[Entity]) -> list[Entity]:
        """In a sports report, a name right before a score in a results line is a side: a club, or a nation's team."""
        for field, text in texts.items():
            for m in _RESULT.finditer(text):
                start, end = m.span(1)
                name = m.group(1)
                if name.split()[0].lower().rstrip(".") in _CALENDAR:
                    continue  # "May 13", "Sept 3": a date
                overlapping = [e for e in entities if e.field == field and e.start < end and start < e.end]
                if any(e.type == "PERSON" and (e.start, e.end) != (start, end) for e in overlapping):
                    continue
                if name.title() in _NATIONS or self._is_country_name(name):
                    kind = "GPE"
                else:
                    kind = "ORG"
                if any((e.start, e.end, e.type) == (start, end, kind) for e in overlapping):
                    continue
                entities = [e for e in entities if e not in overlapping]
                entities.append(Entity(text=name, type=kind, field=field, start=start, end=end, key=name_key(name)))  # type: ignore[arg-type]
        return entities

    def _sides_by_score(self, texts: dict[str, str], entities: list[Entity]) -> list[Entity]:
        """A place (not a country) that beats or is beaten by a side, with the score in the sentence, that wins or loses
        by a score ("Washington won 3-1"), that a result with its score was had at or against ("won 2-0 at Nantes"), or
        that a club role follows, is a side."""
        out = []
        for e in entities:
            text = texts[e.field]
            if e.type == "GPE" and not (e.canonical_id and self._is_country(e.canonical_id)) and e.text.title() not in _NATIONS:
                begin = max(0, e.start - 300)
                starts = [m.end() for m in _SENTENCE_END.finditer(text, begin, e.start)]
                stop = _SENTENCE_END.search(text, e.end)
                sentence_start = starts[-1] if starts else begin
                sentence = text[sentence_start : stop.start() if stop else len(text)]
                result = _BEFORE_RESULT.match(text, e.end) or _AFTER_RESULT.search(text, max(0, e.start - 20), e.start)
                if ((result and _SCORE.search(sentence)) or _SIDE_ROLE.match(text, e.end) or _SCORED_RESULT.match(text, e.end)
                        or self._result_at(text, e, entities, sentence_start)):
                    e = _as_side(e)
            out.append(e)
        return out

    def _result_at(self, text: str, place: Entity, entities: list[Entity], sentence_start: int) -> bool:
        """The place right after a result with its score ("won 2-0 at Nantes"), unless a national side played there
        ("France won 2-0 at Nantes": the venue of an international)."""
        if not _RESULT_AT.search(text, max(sentence_start, place.start - 80), place.start):
            return False
        return not any(
            o.field == place.field and sentence_start <= o.start < place.start and o.type == "GPE"
            and ((o.canonical_id and self._is_country(o.canonical_id)) or o.text.title() in _NATIONS)
            for o in entities
        )

    def _clubs(self, texts: dict[str, str], entities: list[Entity]) -> list[Entity]:
        out = []
        for e in entities:
            if e.type == "GPE" and not (e.canonical_id and self._is_country(e.canonical_id)) and e.text.title() not in _NATIONS:
                text = texts[e.field]
                line_start = text.rfind("\n", 0, e.start) + 1
                line_end = text.find("\n", e.end)
                line = text[line_start : line_end if line_end >= 0 else len(text)]
                before = re.findall(r"[^\W\d_]+", text[max(line_start, e.start - 30) : e.start])
                dateline = re.fullmatch(r"\s*[^\d\n]+\s+\d{4}-\d{2}-\d{2}\s*", line) is not None
                venue = e.start == line_start and re.match(r"\s*[:(]", text[e.end :]) is not None  # "Leicester : ...", "London ( The Oval ) :"
                window = max(line_start, e.start - 40)
                side = _SIDE_BEFORE.search(text, window, e.start) and not _PEOPLE_FROM.search(text, window, e.start)
                preposition = bool(before) and before[-1].lower() in _PLACE_PREPOSITIONS and not side
                if not dateline and not venue and not preposition:
                    e = _as_side(e)
            out.append(e)
        return out


def _person_parts(entities: list[Entity]) -> set[str]:
    """The first and last words of the people the article names in full."""
    parts: set[str] = set()
    for e in entities:
        words = e.text.split()
        if e.type == "PERSON" and len(words) >= 2:
            parts.update(w for w in (words[0], words[-1]) if len(w.rstrip(".")) > 1)
    return parts


_WORD_BEFORE = re.compile(r"([^\W\d_]+)\s+(?:the\s+)?$")
_POSSESSIVE = re.compile(r"\s?['’]s\b")


def _placed(text: str, entity: Entity) -> bool:
    """A linked place written right after a preposition of place ("in Sydney", "near Washington"), not owning what
    follows ("in Jordan's film", where Neil Jordan is named: his)."""
    if entity.type not in ("GPE", "LOC") or entity.canonical_id is None or _POSSESSIVE.match(text, entity.end):
        return False
    before = _WORD_BEFORE.search(text, max(0, entity.start - 20), entity.start)
    return before is not None and before.group(1).lower() in _PLACE_PREPOSITIONS - {"of"}  # "the films of Jordan": his


def _as_side(entity: Entity) -> Entity:
    """A sports side named after a place: an unlinked organisation."""
    return entity.model_copy(update={"type": "ORG", "canonical_id": None, "canonical_name": None, "key": name_key(entity.text)})


def _competitions_named_after(texts: dict[str, str], entities: list[Entity]) -> list[Entity]:
    """An organisation's name running into a competition's word ("Fed Cup", "FED CUP") is the competition's name:
    one unlinked event over both words, not the Federal Reserve."""
    out = list(entities)
    for e in entities:
        m = _COMPETITION_AFTER.match(texts[e.field], e.end) if e.type == "ORG" and not _COMPETITION.search(e.text) else None
        if m is None or not m.group()[1:2].isupper():  # "Cup" or "CUP", not the verb in "the Games open"
            continue
        name = texts[e.field][e.start : m.end()]
        out = [o for o in out if not (o.field == e.field and o.start < m.end() and e.start < o.end)]
        out.append(Entity(text=name, type="EVENT", field=e.field, start=e.start, end=m.end(), key=name_key(name)))  # type: ignore[arg-type]
    return out


@lru_cache(maxsize=1)
def _retyped(entity: Entity, type_: str) -> Entity:
    """``entity`` typed ``type_``, and keyed as a mention of its name of that type is where its key was its name's as
    its old type keys it: "Springboks" called a team (ORG) once and a people's word (NORP) three times is
    ``name:springbok`` each time, as a NORP's is (and as the newsroom keys a stored NORP name: rekey.by_this_rule); a
    key another name gave it (a longer name's) stays."""
    name = entity.canonical_name or entity.text
    if entity.key == name_key_as(name, entity.type):
        return entity.model_copy(update={"type": type_, "key": name_key_as(name, type_)})
    return entity.model_copy(update={"type": type_})


def _as_event(entity: Entity) -> Entity:
    """A name ending in a competition's word is an event: "U.S. Open" is neither the country nor a company."""
    if entity.type not in ("ORG", "GPE", "LOC", "FAC") or not _COMPETITION.search(entity.text):
        return entity
    if entity.canonical_name and _COMPETITION.search(" " + entity.canonical_name):
        return entity.model_copy(update={"type": "EVENT"})  # linked to the competition itself: keep the link
    return entity.model_copy(update={"type": "EVENT", "canonical_id": None, "canonical_name": None, "key": name_key(entity.text)})


def _small_lexicon():
    """wordfreq's "small" English list (words seen about once per million or more): all these steps need, and half
    the memory of the normalizer's "large" one in a tagger process (27 MB against 55 MB measured)."""
    from wordfreq import get_frequency_dict

    from services.normalize.lexicon import Lexicon, _spacy_common_lowercase

    return Lexicon(get_frequency_dict("en", wordlist="small"), _spacy_common_lowercase())


def english_newswire(gazetteer) -> Newswire:
    """The newswire steps with the lexicon (wordfreq), the gazetteer's one-word names and its countries."""
    from services.normalize.evidence import known_names

    lexicon = _small_lexicon()
    names = known_names(lexicon)
    countries = frozenset(e.id for e in gazetteer if e.country == e.id)
    def country_name(name: str) -> bool:
        entry = gazetteer.lookup(name)
        return entry is not None and entry.country == entry.id

    return Newswire(lexicon.zipf, names.words.__contains__, countries.__contains__, country_name)
