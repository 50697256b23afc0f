"""A state body's country ("Russian Foreign Ministry", "Russia's Foreign Ministry", "the Foreign Ministry in Moscow",
"Ministry of Foreign Affairs of Ukraine", "Kremlin", "State Department") and the key it takes: by its country's
adjective (``name:russian foreign ministry``) however the article names the country, the gazetteer's entity where it
has the body, its place for a city's own office ("Moscow's Health Department": ``name:moscow health department``).

The words for countries (people's words, countries' names) are :class:`~services.tagger.demonyms.Demonyms`', which
asks this module about each unlinked mention that is no people's word; the bodies named without one ("Kremlin",
"Duma") are the organisations file's and the gazetteer's.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence

from schemas import Entity
from services.tagger.chambers import chambers, named_by_another
from services.tagger.gazetteer import Gazetteer
from services.tagger.home_bodies import home_bodies, names_a_security, treasury_words
from services.tagger.linking import name_key
from services.tagger.name_evidence import may_lack_evidence
from services.tagger.portfolios import PORTFOLIO, is_portfolio_ministry

__all__ = ["ARTICLES", "BODY_LABELS", "PEOPLE_LABELS", "StateBodies", "shared_names"]

# The labels a people's word comes with: NORP, and the ones NER gives it by mistake.
PEOPLE_LABELS = frozenset({"NORP", "GPE", "LOC", "ORG"})
# The labels NER gives a state body named by the building it sits in: "at the Kremlin", "the White House said".
_PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
BODY_LABELS = _PLACE_LABELS | {"ORG"}
# The articles a state body's name is written after, by the language of the article: NER of a language may keep one in
# the span (the French model's "le Pentagone", the Spanish model's "La Duma"). English "the" is cut off every span
# already (linking.clean_mention). "l'" is elided: "l'Élysée".
ARTICLES = {"en": "the", "es": "el la los las", "ca": "el la els les l'", "fr": "le la les l'", "it": "il lo la i gli le l'",
             "pt": "o a os as", "de": "der die das dem den des", "nl": "de het"}
_LEADING_ARTICLE = {
    language: re.compile("(?:" + "|".join([*(rf"{w}[ \t]+" for w in words.split() if not w.endswith("'")),
                                           *(rf"{w[:-1]}['’]" for w in words.split() if w.endswith("'"))]) + ")",
                         re.IGNORECASE)
    for language, words in ARTICLES.items()
}
# ... and one of them right before a mention NER spanned without it: the French model's "la [Douma]".
_ARTICLE_BEFORE = {language: re.compile(rf"(?<![\w'’]){pattern.pattern}$", re.IGNORECASE)
                   for language, pattern in _LEADING_ARTICLE.items()}

# A state's body, named by its people's word: "Russian Foreign Ministry", "Ukrainian Defence Ministry", "Ukrainian Army",
# "Syrian Air Force", "American Embassy", "Russian Ministry of Foreign Affairs", "Russian Federal Protective Service",
# "U.S. Federal Aviation Administration", "U.S. Agency for International Development": the body, before an "of ..." (an
# office's also before a "for ...": "Swedish Ministry for Foreign Affairs"). Two kinds of head noun:
# - an office's (_OFFICE): a ministry, office, department, service, agency, bureau, commission, authority,
#   administration, directorate, inspectorate or court is what a state's institutions are called, whatever their remit,
#   so a portfolio's words or any capitalised words (at most three, "and" between two) may say which: "Federal
#   Protective", "Prosecutor General's", "National Anti-Corruption", "Securities and Exchange"; but not a word that
#   makes it a medium, a sport's or a faith's body ("Syrian Arab News Agency", "Russian Anti-Doping Agency": _NOT_STATE),
#   nor "Rights" or "Liberties", which a watchdog's name shares with a state's ("Human Rights Commission of Pakistan" is
#   an NGO, as is the "Kenya Human Rights Commission"; Kenya's own is the "National Commission on Human Rights"): NER
#   labels both ORG and no word of the name says which, so neither gets a country from its words;
# - any other (_BODY): an army, guard, bank, committee, government... only after at most two words for its portfolio
#   (_PORTFOLIO), and forces after one at least, as armed groups, parties, banks and committees of no state are named
#   like a state's ("Irish Republican Army", "Syrian Democratic Forces", "Syrian National Army", "Lebanese Forces",
#   "Russian Olympic Committee"); not with a "for ...", which many an NGO's name has ("U.S. Committee for Refugees").
# Any other name is left alone: "Syrian Observatory for Human Rights" (a monitor in Britain), "British Airways",
# "Russian Railways" (a company the state owns is no state body), "Russian Orthodox Church", "American Red Cross",
# "U.S. Chamber of Commerce", "Chinese Academy of Sciences".
_PORTFOLIO = PORTFOLIO
_BODY = (r"(?:ministries|government|army|navy|military|guard|guards|police|parliament|embassy|"
         r"consulate|cabinet|presidency|senate|staff|bank|committee|authorities|junta|treasury|"
         r"national guard|national bank|reserve bank|national police|security council)")
_OFFICE = (r"(?:ministry|office|department|service|agency|bureau|commission|authority|administration|directorate|"
           r"inspectorate|court)")
_NOT_STATE = (r"(?:news|press|telegraph|telegraphic|broadcasting|television|radio|media|olympic|paralympic|anti-doping|"
              r"rights|liberties|football|soccer|church|orthodox|catholic|jewish|muslim|christian)\b")
_NAMING = rf"(?!{_NOT_STATE})(?-i:[A-Z])[\w'’-]*"  # a capitalised word of an office's name: "Protective", "General's"
_FORCES = r"(?:forces|force)"  # only after a portfolio: "Armed Forces", "Air Force"; not the party "Lebanese Forces"
_STATE_BODY = re.compile(rf"(?:(?:(?:{_PORTFOLIO} ){{0,2}}{_BODY}|(?:{_PORTFOLIO} ){{1,2}}{_FORCES})(?: of(?: the)? [\w ]+)?|"
                         rf"(?:(?:{_PORTFOLIO}|{_NAMING}) (?:and )?){{0,3}}{_OFFICE}(?: (?:of|for)(?: the)? [\w ]+)?)",
                         re.IGNORECASE)
_MAX_BODY_WORDS = 5  # "Iranian Ministry of Foreign Affairs"; not a longer run NER made across a sentence
# Whose a body named without its people's word is: "Russia's Foreign Ministry", "the Foreign Ministry in Moscow".
_OWNER_BEFORE = re.compile(r"['’]s[ \t]+")
_SEAT_AFTER = re.compile(r"[ \t]+in[ \t]+")
# "The Ministry of Foreign Affairs of Ukraine said", "the Armed Forces of Ukraine": a state body named with its country
# after it (_before_its_country), unless that country opens a list ("the Ministry of Foreign Affairs of Ukraine and
# Poland": whose, the rule cannot tell).
_OF_AFTER = re.compile(r"[ \t]+of[ \t]+(?:the[ \t]+)?")
_LIST_AFTER = re.compile(r"[ \t]*(?:,[ \t]*(?:and[ \t]+|or[ \t]+)?|[ \t]+(?:and|or)[ \t]+)")
# The word or two right before a body, one a country's: "the Ukrainian [Duma]", "North Korean [...]", "Ukraine's [Duma]".
_WORDS_BEFORE = re.compile(r"(?:([\w.’'-]+)[ \t]+)?([\w.’'-]+?)(?:['’]s)?[ \t]+$")
_MISSION = re.compile(r".*\b(?:embassy|consulate)\b.*", re.IGNORECASE)  # "the Embassy in Moscow" is another country's
# The offices a city has as a state does, named after its capital: "Moscow's Health Department" is the city's, "Moscow's
# Defence Ministry" and "Moscow's Federal Security Service" Russia's. A city's: one of these heads, an administration or
# police (Ukraine's cities' military administrations) or a city's remit, and no word only a state's offices have.
_CITY_HEADS = frozenset("""office department service agency bureau commission authority administration directorate
    inspectorate court police""".split())
_CITY_REMITS = frozenset("""health transport transportation traffic roads education culture housing fire sanitation parks
    water planning buildings property tourism social welfare city municipal metropolitan regional district""".split())
_STATE_ONLY = frozenset("""federal state national presidential prosecutor prosecutor's general general's supreme
    constitutional central foreign defence defense interior intelligence security border justice treasury commerce
    homeland""".split())


def _citys_own(body: str) -> bool:
    """Whether ``body`` (a state body's name, :data:`_STATE_BODY`) named after a capital is the city's own office."""
    words = body.casefold().replace("’", "'").split()
    head = words[words.index("of") - 1 if "of" in words else words.index("for") - 1 if "for" in words else -1]
    return (head in _CITY_HEADS and (head in ("administration", "police") or not _CITY_REMITS.isdisjoint(words))
            and _STATE_ONLY.isdisjoint(words))


# What a body named with its country after it may be: a portfolio ministry ("Ministry of Foreign Affairs of Ukraine") or
# any body its country's word may open (_STATE_BODY: "Armed Forces of Ukraine", "Central Bank of Russia", "Security
# Service of Ukraine", "Supreme Court of India", "Parliament of Georgia"), but not one with an "of" or a "for" of its own
# ("Office of the President of Ukraine": the office is the president's), nor a bank named by its country alone ("Bank of
# China", "Bank of America", "Bank of England": the names of banks, whatever the state has to do with them; a central,
# national or reserve bank is the state's: "Reserve Bank of India", "Reserve Bank of Australia"). "People's Bank" is
# China's central bank's only with its country after it: the "People's Bank" of Sri Lanka is a lender the state owns.
_OWN_COMPLEMENT = re.compile(r".*\b(?:of|for)\b.*", re.IGNORECASE)
_BANK = re.compile(r"(?:.+ )?bank", re.IGNORECASE)
_STATE_BANK = re.compile(r"(?:.+ )?(?:central|national|reserve) bank", re.IGNORECASE)
_PEOPLES_BANK = re.compile(r"people['’]s bank", re.IGNORECASE)


def _before_its_country(words: str) -> bool:
    """Whether ``words``, written before "of" and a country's name, are that country's state body, as they are after
    its people's word: "Armed Forces" ("Armed Forces of Ukraine", "Ukrainian Armed Forces"), "Ministry of Foreign
    Affairs"; not "Bank" ("Bank of China") nor "Office of the President"."""
    if is_portfolio_ministry(name_key(words)[5:]) or _PEOPLES_BANK.fullmatch(words):
        return True
    return (_STATE_BODY.fullmatch(words) is not None and not _OWN_COMPLEMENT.fullmatch(words)
            and (not _BANK.fullmatch(words) or _STATE_BANK.fullmatch(words) is not None))


def _opens_list(place: Entity, entities: Sequence[Entity], text: str) -> bool:
    """Whether another place mention follows ``place`` after a comma, "and" or "or": "of Ukraine, Poland and Moldova"."""
    return any(e.field == place.field and e.type in ("GPE", "LOC") and place.end <= e.start
               and _LIST_AFTER.fullmatch(text, place.end, e.start) for e in entities)


# What a region's name adds to the place's own: "Niger State", "State of Georgia", "Équateur Province".
_REGION_WORDS = re.compile(r"^(?:state|province|region|department) of |"
                           r" (?:state|province|region|department|oblast|governorate)$")


def shared_names(gazetteer: Gazetteer, aliases: Iterable[tuple[str, str]]) -> set[str]:
    """The countries' names another country's place also has ("Georgia", a US state; "Niger", a Nigerian state): such
    a name before a body ("Georgia Supreme Court") does not say whose it is, so it opens none (casefolded)."""
    countries: dict[str, set[str]] = {}
    for alias, qid in aliases:
        countries.setdefault(alias.casefold(), set()).add(qid)
    shared = set()
    for entity in gazetteer:
        if entity.type == "GPE" and entity.country != entity.id:
            for alias, _ in entity.surface_forms():
                name = _REGION_WORDS.sub("", alias.casefold())
                if countries.get(name, {entity.country}) - {entity.country}:
                    shared.add(name)
    return shared


def _state_names(state_bodies: Mapping[str, str], gazetteer: Gazetteer | None) -> tuple[dict[str, str], frozenset[str]]:
    """The names, as written, of the national state bodies of the organisations file (``state_bodies``) and of the
    gazetteer (its entries' names and aliases, ``state_body_of``), with their country's QID: what an unlinked mention
    gives its country by, its name exactly one of these. A name two countries' bodies share names neither. And the
    gazetteer's names it links in English only with evidence (``may_lack_evidence``: "Fed"), but those the
    organisations file lists too ("Pentagon"): left unlinked in English, such a name lacked the evidence, and may be no
    body at all ("Fed up with the photographs")."""
    found: dict[str, set[str]] = {name: {qid} for name, qid in state_bodies.items()}
    doubtful = set()
    for entry in gazetteer or ():
        if entry.state_body_of:
            for alias, _ in entry.surface_forms():
                found.setdefault(alias, set()).add(entry.state_body_of)
                if alias not in state_bodies and may_lack_evidence(entry, alias):
                    doubtful.add(alias)
    return {name: next(iter(qids)) for name, qids in found.items() if len(qids) == 1}, frozenset(doubtful)



class StateBodies:
    """The country of an unlinked state body, by the words of its name or what the article writes beside it, and the
    key it takes."""

    def __init__(self, countries: Mapping[str, tuple[str, str]], names: Mapping[str, tuple[str, str]],
                 adjectives: Mapping[str, str], forms: Mapping[str, Sequence[str]], country_names: Mapping[str, str],
                 seats: Mapping[str, tuple[str, str]], gazetteer: Gazetteer | None = None,
                 state_bodies: Mapping[str, str] | None = None,
                 article_names: Mapping[str, Mapping[str, str]] | None = None,
                 body_names: Mapping[str, str] | None = None, shared: Mapping[str, tuple[str, str]] | None = None) -> None:
        """``countries``: a people's word's key → (QID, name) of its country; ``names``: a country's own name's key →
        the same, which opens a state body's name as its people's word does ("UK Foreign Office", "U.S. Army");
        ``shared``: the same of the countries' names another country's place also has ("Georgia"), which no name
        opens, and which a name ends with only as the article links the country (:meth:`_country_after`);
        ``adjectives``: QID → the country's adjective, which keys its bodies ("Russian"); ``forms``: QID → every word
        a body's name may open with ("American", "U.S."); ``country_names``: QID → the country's name; ``seats``: the
        id of each country and capital → (QID, name) of its country; the rest as ``Demonyms`` takes them."""
        self._countries, self._names = countries, names
        self._adjectives, self._forms, self._country_names = adjectives, forms, country_names
        self._seats = seats
        self._gazetteer = gazetteer
        self._file_bodies = dict(state_bodies or {})
        self._state_names, self._needs_evidence = _state_names(self._file_bodies, gazetteer)
        self._article_names = {language: dict(names) for language, names in (article_names or {}).items()}
        self._body_names = dict(body_names or {})
        self._shared = dict(shared or {})

    def _opening(self, words: str) -> tuple[str, str] | None:
        """The (QID, name) of the country ``words`` (a people's word or the country's own name) say, or None."""
        key = name_key(words)
        return self._countries.get(key) or self._names.get(key)

    def named(self, entity: Entity, entities: Sequence[Entity], texts: Mapping[str, str] | None
              ) -> tuple[Entity, tuple[str, str] | None, tuple[str | None, str, str] | None]:
        """An unlinked mention (no people's word) as a state body named by its country's word or name, or beside the
        country or its capital (:meth:`_seat_of_body`): keyed by the country (:meth:`_as_body`), or a city's own office
        by the city; with the (QID, name) of its country where it is no gazetteer entity, and the body found (QID or
        None, country's or place's name, the body's own words). ``(entity, None, None)`` for any other."""
        # "the Foreign Ministry" named again after the "Russian Foreign Ministry" has its canonical name
        name = entity.canonical_name or entity.text
        linked = {e.canonical_id for e in entities if e.canonical_id is not None}
        body = self.body(name, linked)
        after = (self._country_after(name, linked) if body is not None and texts is not None and entity.field in texts
                 else None)
        if after is not None and _opens_list(entity, entities, texts[entity.field]):
            # "the Armed Forces of Ukraine and Poland": whose, the rule cannot tell; the body's own words, as where NER
            # spans "Armed Forces" apart (and as a stored report's name keys it again: rekey.rebodied)
            return entity.model_copy(update={"canonical_name": after[2], "key": name_key(after[2])}), None, None
        owner = None if body is not None else self._seat_of_body(entity, entities, texts)
        if owner is not None:
            body = (*owner, entity.text)
        found = None
        if body is not None and body[0] is None:  # a city's own office: "Moscow Health Department"
            entity = entity.model_copy(update={"canonical_name": f"{body[1]} {body[2]}",
                                               "key": name_key(f"{body[1]} {body[2]}")})
        elif body is not None:
            entity = self._as_body(entity, body[0], body[2], named=owner is not None)
            found = None if entity.canonical_id else body[:2]
        return entity, found, body

    def key_of(self, name: str, type_: str, people_word: bool) -> str | None:
        """The key an unlinked mention of ``name`` labelled ``type_`` takes as a state body by its name alone: another
        name of an organisations-file body the body's ("State Duma": ``name:duma``), as any of its names after its
        country's word ("Russian State Duma", :meth:`_unqualified`); a body named by its country (no ``people_word``)
        the key its country's adjective gives; None for any other name."""
        bare = self._unqualified(name) if type_ in BODY_LABELS else name
        if type_ in BODY_LABELS and (bare != name or name in self._body_names):  # "(Russian) State Duma": the "Duma"
            return name_key(self._body_names.get(bare, bare))
        if type_ in PEOPLE_LABELS and not people_word:
            body = self.body(name)
            if body is not None and body[0] in self._adjectives:
                return name_key(f"{self._adjectives[body[0]]} {treasury_words(body[0], body[2])}")
        return None

    def body(self, name: str, linked: Collection[str] = ()) -> tuple[str, str, str] | None:
        """The (QID, name) of the country whose state body ``name`` is and the body's own words after the country's
        ("Foreign Ministry"), or before the country's name ("Ministry of Health of Brazil": "Ministry of Health";
        "Armed Forces of Ukraine": "Armed Forces"; :meth:`_country_after`, ``linked`` as it takes them)."""
        found = self._country_after(name, linked)
        if found is not None:
            return found
        words = name.split()
        if not 2 <= len(words) <= _MAX_BODY_WORDS:
            return None
        for n in (2, 1):  # "North Korean Army" is North Korea's, not Korea's
            opening = " ".join(words[:n])
            found = (self._opening(opening)) if len(words) > n else None
            if found is not None:
                rest = " ".join(words[n:])
                return (*found, rest) if _STATE_BODY.fullmatch(rest) else None
        return None

    def _country_after(self, name: str, linked: Collection[str] = ()) -> tuple[str, str, str] | None:
        """:meth:`body` of a body named with its country's name after it (:func:`_before_its_country`): "Ministry of
        Health of (the) Brazil", "Armed Forces of Ukraine"; by a name another country's place also has ("Parliament of
        Georgia") only where the article links that name's country (the ids ``linked``); None for any other name."""
        for words, country in self._countries_after(name, linked):
            if _before_its_country(words):
                return (*country, words)
        return None

    def _countries_after(self, name: str, linked: Collection[str] = ()) -> Iterator[tuple[str, tuple[str, str]]]:
        """Each (words before "of", (QID, name) of the country) of ``name`` written as words, "of" and all of a
        country's name ("Human Rights Commission of Pakistan"), whatever the words are."""
        words = name.split()
        for at, word in enumerate(words[1:-1], 1):
            if word != "of":
                continue
            after = words[at + 2:] if words[at + 1].casefold() == "the" else words[at + 1:]
            key = name_key(" ".join(after))
            # the country's name, all of it: not "Defence of the Russian Federation", which a key reads as a title's
            if len(key[5:].split()) != len(after):
                continue
            country, shared = self._names.get(key), self._shared.get(key)
            country = country or (shared if shared is not None and shared[0] in linked else None)
            if country is not None:
                yield " ".join(words[:at]), country

    def adjective_key_after(self, name: str) -> str | None:
        """The key ``name``, written with its country's name after it, takes by that country's adjective whatever its
        words before ("Human Rights Commission of Pakistan": ``name:pakistani human rights commission``): what key
        rules 7 and 8 gave a watchdog so named, made from its name alone (``rekey.rebodied``); None for any other."""
        for words, (qid, _) in self._countries_after(name):
            if qid in self._adjectives:
                return name_key(f"{self._adjectives[qid]} {words}")
        return None

    def _as_body(self, entity: Entity, qid: str, body: str, named: bool) -> Entity:
        """``entity``, a state body of the country ``qid`` whose own words are ``body``, keyed by the country, not by
        how the article writes it: the key the country's adjective gives ("U.S. Army", "American Army" and "the Army"
        after "US Army" are all ``name:american army``; ``named``: the adjective's name too, for "Russia's Foreign
        Ministry"), or the gazetteer's entity it is under another of the country's words ("American State Department"
        is the "U.S. State Department"). The US's "Treasury" is its Treasury Department (:func:`treasury_words`)."""
        body = treasury_words(qid, body)
        for form in self._forms.get(qid, ()) if self._gazetteer is not None else ():
            entry = self._gazetteer.lookup(f"{form} {body}")
            if entry is not None and entry.type == "ORG":
                return entity.model_copy(update={"canonical_id": entry.id, "canonical_name": entry.name, "key": entry.id})
        if qid not in self._adjectives:
            return entity
        name = f"{self._adjectives[qid]} {body}"
        return entity.model_copy(update={"key": name_key(name), **({"canonical_name": name} if named else {})})
    def _seat_of_body(self, body: Entity, entities: Sequence[Entity],
                      texts: Mapping[str, str] | None) -> tuple[str, str] | tuple[None, str] | None:
        """The (QID, name) of the country whose state body ``body`` is, named without a people's word but beside the
        country or its capital: "Russia's Foreign Ministry", "Moscow's Defence Ministry", "the Foreign Ministry in
        Moscow", a portfolio ministry before "of" and the country not opening a list ("the Ministry of Foreign Affairs
        of Ukraine said"); or (None, the place as written) where a city or region names its own office with a possessive
        ("Moscow's Health Department", "Kharkiv's Military Administration", "Gaza's Health Ministry": a capital's own
        only where the office is one a city has, :func:`_citys_own`; the place by :meth:`_place_name`); None for any
        other."""
        if texts is None or body.field not in texts or len(body.text.split()) > _MAX_BODY_WORDS or not _STATE_BODY.fullmatch(body.text):
            return None
        text = texts[body.field]
        for other in entities:
            if other.field != body.field or other.canonical_id is None:
                continue
            seat = self._seats.get(other.canonical_id)
            national = seat is not None and (seat[0] == other.canonical_id or not _citys_own(body.text))
            if other.end <= body.start and _OWNER_BEFORE.fullmatch(text, other.end, body.start):
                if national:
                    return seat
                return (None, self._place_name(other)) if self._is_place(other.canonical_id) else None
            if national and body.end <= other.start and _SEAT_AFTER.fullmatch(text, body.end, other.start) and not _MISSION.fullmatch(body.text):
                return seat
            if (seat is not None and seat[0] == other.canonical_id and body.end <= other.start
                    and _OF_AFTER.fullmatch(text, body.end, other.start)
                    and _before_its_country(body.text) and not _opens_list(other, entities, text)):
                return seat
        return None

    @staticmethod
    def _place_name(place: Entity) -> str:
        """The name a city's or region's own office is keyed by: the gazetteer's name of the linked ``place``, however
        the article spells it ("Kiev": "Kyiv"; "Odessa": "Odesa"), but the name as written where it is the gazetteer
        name's opening words ("Gaza" for "Gaza Strip"), as a report writing "the Gaza Health Ministry" names it too."""
        written, canonical = name_key(place.text)[5:].split(), name_key(place.canonical_name or place.text)[5:].split()
        return place.text if canonical[:len(written)] == written else place.canonical_name or place.text

    def _is_place(self, qid: str) -> bool:
        """Whether the gazetteer's ``qid`` is a city or region: a place of a country, not one."""
        entry = self._gazetteer.get(qid) if self._gazetteer is not None else None
        return entry is not None and entry.type in ("GPE", "LOC") and entry.country is not None and entry.country != entry.id

    def unlinked(self, entity: Entity, language: str | None,
                             texts: Mapping[str, str] | None = None) -> tuple[Entity, tuple[str, str] | None]:
        """An unlinked mention that names a national state body, and the (QID, name) of its country: typed an
        organisation or a place ("Kremlin", "at the Kremlin": GPE, LOC, FAC), its name exactly one of the organisations
        file's or the gazetteer's (:func:`_state_names`); or, whatever NER typed it, that name after an article of
        ``language``, the article's ("el Kremlin", a person to the Spanish model; "la Maison Blanche"), then named as the
        name alone is (:meth:`_as_named`). In English (or no language said), not a gazetteer name the gazetteer links
        only with evidence ("Fed"): unlinked, it had none. A name the body goes by only after an article of ``language``
        (``article_names``: French "Douma") is the body after one, in the span or, with the fields' ``texts``, right
        before it ("la Douma", NER's "Douma"), and named as the body is ("Duma"); "à Douma" is the Syrian town. Else
        ``(entity, None)``, as for a person named without an article ("Kremlin" typed PERSON), which is left as NER
        said."""
        name, article = entity.text, _LEADING_ARTICLE.get(language or "")
        cut = article.match(name) if article is not None else None
        if cut is not None and entity.type in BODY_LABELS | {"PERSON"}:
            name = name[cut.end():]
        elif entity.type not in BODY_LABELS:
            return entity, None
        name = self._unqualified(name)  # "Russian State Duma": the "State Duma"
        names = self._article_names.get(language or "", {})
        if name in names and (cut is not None or self._after_article(entity, language, texts)):
            name = names[name]
        country = self._state_names.get(name)
        # a country this tagger does not know (not in its gazetteer) has no name to give
        if country not in self._country_names or (language in (None, "en") and name in self._needs_evidence):
            return entity, None
        # "State Duma" is the "Duma", and so is "Duma" named again after it (linking gave it the longer name's key)
        name = self._body_names.get(name, name)
        renamed = name != entity.text or self._body_names.get(entity.canonical_name or "") == name
        return self._as_named(entity, name) if renamed else entity, (country, self._country_names[country])

    def _unqualified(self, name: str) -> str:
        """``name`` without the people's word or name of its country it opens with where the rest is a name of that
        country's body in the organisations file ("Russian State Duma", "Russian Duma", "Israeli Knesset": "State
        Duma", "Duma", "Knesset"); else ``name`` ("Ukrainian Duma" is no name of Russia's parliament)."""
        words = name.split()
        for n in (2, 1):
            if len(words) > n:
                opening = " ".join(words[:n])
                found = self._opening(opening)
                rest = " ".join(words[n:])
                if found is not None and self._file_bodies.get(rest) == found[0]:
                    return rest
        return name

    @staticmethod
    def _after_article(entity: Entity, language: str | None, texts: Mapping[str, str] | None) -> bool:
        """Whether an article of ``language`` is written right before ``entity`` in its field's text."""
        before = _ARTICLE_BEFORE.get(language or "")
        text = (texts or {}).get(entity.field)
        if before is None or text is None:
            return False
        return before.search(text, max(0, entity.start - 8), entity.start) is not None

    def _as_named(self, entity: Entity, name: str) -> Entity:
        """``entity``, a state body written with an article before its name ``name`` ("le Pentagone", "el Kremlin"),
        as a mention of ``name`` alone is: linked, typed and keyed by the gazetteer's entry where it has the name (the
        Pentagon: "Pentagone" is one of its names), else keyed by the name and named by it (``name:kremlin``,
        "Kremlin"), typed as NER typed it but for a person, which is the organisation it names."""
        entry = self._gazetteer.lookup(name) if self._gazetteer is not None else None
        if entry is not None and entry.state_body_of:
            return entity.model_copy(update={"type": entry.type, "canonical_id": entry.id, "canonical_name": entry.name,
                                             "key": entry.id})
        return entity.model_copy(update={"type": "ORG" if entity.type == "PERSON" else entity.type, "canonical_name": name,
                                         "key": name_key(name)})

    def at_home(self, entities: Sequence[Entity], texts: Mapping[str, str]) -> list[Entity]:
        """``entities`` with a bare legislature, top court or ministry of an article about one country keyed as that
        country's, as its name with the country's word is ("the Senate" of a Washington report: the "U.S. Senate";
        "Parliament": ``name:british parliament``, and so named; :func:`~services.tagger.home_bodies.home_bodies`); a
        bare "Parliament" a chamber of one country is named beside first ("the State Duma, the lower house of
        Parliament": ``name:russian parliament``; :func:`~services.tagger.chambers.chambers`); an organisations-file
        body another country's word is written right before ("the Ukrainian Duma") no country's, keyed by the words
        written (:func:`~services.tagger.chambers.named_by_another`)."""
        def as_body(e: Entity, qid: str, words: str) -> Entity:
            return self._as_body(e, qid, words, named=True)

        def own(e: Entity) -> bool:  # "Duma", given Russia by the organisations file
            return e.canonical_id is None and e.country_id is not None and self._file_bodies.get(e.text) == e.country_id

        def country_name(qid: str) -> str | None:
            return self._country_names.get(qid) if qid in self._adjectives else None

        entities = named_by_another(entities, texts, own, self._country_before)
        entities = chambers(entities, texts, as_body, country_name)
        if self._gazetteer is None:
            return list(entities)
        return home_bodies(entities, texts, self._gazetteer, as_body, self._country_names.get, self._adjectives.__contains__)

    def _country_before(self, text: str, start: int) -> tuple[int, str] | None:
        """Where the people's word or country's name written right before the offset ``start`` of ``text`` starts (two
        words, "North Korean", else one; a possessive's "'s" after it), and the QID of its country; or None."""
        found = _WORDS_BEFORE.search(text, max(0, start - 40), start)
        if found is None:
            return None
        two = found.group(1) is not None and found.group(1).casefold() not in ("the", "a", "an")
        for at in ((found.start(1),) if two else ()) + (found.start(2),):
            country = self._opening(text[at:found.end(2)])
            if country is not None:
                return at, country[0]
        return None

    def state_of(self, entity: Entity) -> tuple[str, str] | None:
        """The (QID, name) of the country whose national state body the linked ``entity`` is, its gazetteer entry's
        ``state_body_of`` ("State Department", "Pentagon"); or None: a party or company with a ``country`` is none, and
        so is an unlinked mention (:meth:`unlinked`)."""
        if entity.canonical_id is None:
            return None
        entry = self._gazetteer.get(entity.canonical_id) if self._gazetteer is not None else None
        country = None if entry is None else entry.state_body_of
        if country is None:
            return None
        named = self._gazetteer.get(country)
        return country, self._country_names.get(country) or (named.name if named is not None else country)

    def named_again(self, entity: Entity, bodies: Mapping[str, Sequence[Entity]], texts: Mapping[str, str] | None) -> Entity:
        """``entity`` as the one body of ``bodies`` (given its country by ``Demonyms.relate``) it names again by the
        body's own words after the article named it: "the Foreign Ministry" after "Russia's Foreign Ministry" (as
        linking names it after "the Russian Foreign Ministry": short_names.py); left alone where two countries' bodies
        of those words came before it, where none did ("the Defence Ministry said" of Ukraine's helicopter, "Russia's
        Defence Ministry" a paragraph later), where a possessive before it says whose ("Gazprom's Foreign
        Ministry"), or where it is a bond named after a treasury ("the September Treasury bond future" after "U.S.
        Treasury securities")."""
        if (entity.canonical_id is not None or entity.country_id is not None or entity.canonical_name is not None
                or entity.type not in PEOPLE_LABELS or not entity.text[:1].isupper()):
            return entity
        at = (entity.field != "title", entity.start)
        before = {b.key: b for b in bodies.get(entity.key or "", ()) if (b.field != "title", b.start) < at}
        if len(before) != 1:
            return entity
        if texts is not None and entity.field in texts and (_OWNER_BEFORE.search(texts[entity.field][max(0, entity.start - 3):entity.start])
                                                            or names_a_security(entity, texts[entity.field])):
            return entity
        (body,) = before.values()
        return entity.model_copy(update={"canonical_id": body.canonical_id, "canonical_name": body.canonical_name or body.text,
                                         "key": body.key, "country_id": body.country_id, "country_name": body.country_name})
