"""Turn NER mentions and gazetteer matches into an article's linked entities.

Each mention is resolved to a canonical entity by exact alias, normalized
form, acronym, or by a surname whose full name the same article gives (surnames.py). NER and
gazetteer results are merged so every entity keeps ``text == field_text[start:end]``. The spans it reads and
the candidates it builds are mentions.py's.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import replace

from schemas import Entity
from services.tagger.gazetteer import Gazetteer, GazetteerEntry, GazetteerMatch, _bare_name, fold, strip_latin_accents
from services.tagger.longer_names import inside_arabic_name, inside_longer_name
from services.tagger.mentions import (
    DEFAULT_ENTITY_TYPES, LINKABLE_TYPES, TITLE_WORDS, Candidate, FieldMentions, Mention, strip_titles, strip_titles_for_key,
)
from services.tagger.name_evidence import Ambiguity, ambiguity, label_agrees
from services.tagger.personal_titles import people_after_titles
from services.tagger.short_names import name_by_longer_names
from services.tagger.portfolios import portfolio_first
from services.tagger.spellings import key_words
from services.tagger.storms import english_storm_key, name_spans, numbered_storm, placed_in, storm_names, storm_spans, storm_start
from services.tagger.surnames import link_surnames

__all__ = [
    "clean_mention",
    "link_article",
    "name_key",
    "name_key_as",
    "people_word_key",
]

_PLACE_TYPES = frozenset({"GPE", "LOC"})
_CONNECTORS = frozenset({"of", "the", "and", "de", "s", "'s", "’s", "for"})
_EDGE_JUNK = " \t\r\n\"'“”‘’«»()[]{}<>,;:!?*•·|/\\–—-"
_LEADING_THE = re.compile(r"the\s+", re.IGNORECASE)  # used with .match(text, pos): anchored at pos
_POSSESSIVE = re.compile(r"['’]s$")
_PLACE_NOUN = re.compile(
    r"[ \t]+(?:base|air ?base|airbase|airfield|airport|garrison|village|town|district|province|region|oblast|border|crossing|"
    r"checkpoint|port|harbou?r|river|valley|refinery|power plant|nuclear plant|dam|bridge|train station)\b"
)
# After a city's name, what only a person, an organisation or a work does: "Vladimir said" (a man), "Granma reported"
# (Cuba's newspaper), "Batman co-creator Bob Kane". A city speaks for its authorities ("Donetsk said", "Tel Aviv said",
# "Moscow said"): only one the article has as a person ("Vladimir", "Florence") or a newspaper is not the place there.
_SPEAKS = re.compile(r"[ \t]+(?:said|says|told|tells|added|adds|announced|wrote|writes|tweeted|insisted|denied|confirmed|reported|claimed)\b")
_SPEAKS_AS_PERSON = re.compile(_SPEAKS.pattern + r"[ \t]+(?:that[ \t]+)?(?:he|she|his|her|him)\b")
_MADE_BY = re.compile(r"[ \t]+(?:co-?creators?|creators?)\b")
# A publication's name: "the official newspaper Granma reported", "the daily Tishreen said".
_PUBLICATION_BEFORE = re.compile(r"\b(?:newspaper|paper|daily|weekly|magazine|journal|tabloid|news agency|agency|broadcaster|radio|television|channel)[ \t]+$", re.IGNORECASE)
# "Police in the town of Uyo said", "Separatists in neighbouring Luhansk announced": the place's people speak.
_PLACE_BEFORE = re.compile(r"\b(?:in|at|from|near|of|to|outside|inside|across|around|into|via)[ \t]+(?:the[ \t]+)?(?:[a-z]+[ \t]+)?$")
_INNER_QUOTES = "\"“”„«»"
_WORD = re.compile(r"[\w'’.-]+")


def clean_mention(text: str, mention: Mention, entity_types: Collection[str] = DEFAULT_ENTITY_TYPES) -> Mention | None:
    """Trim quotes, punctuation, a leading 'the' and a possessive; None for junk or unwanted labels."""
    if mention.label not in entity_types:
        return None
    start, end = mention.start, mention.end
    while start < end and text[start] in _EDGE_JUNK:
        start += 1
    while end > start and text[end - 1] in _EDGE_JUNK:
        end -= 1
    leading = _LEADING_THE.match(text, start, end)
    if leading:
        start = leading.end()
    if mention.label in LINKABLE_TYPES:
        possessive = _POSSESSIVE.search(text, start, end)
        if possessive and end - start > 2:
            end = possessive.start()
        # A sentence full stop, but not the one that ends an abbreviation ("U.S.", "D.C.").
        if end > start and text[end - 1] == "." and text[start:end].split()[-1].count(".") == 1:
            end -= 1
    while end > start and text[end - 1] in _EDGE_JUNK:
        end -= 1
    span = text[start:end]
    # Quotes or line breaks inside a span mean NER ran across a quotation or a heading: junk.
    if not any(c.isalnum() for c in span) or "\n" in span or any(q in span for q in _INNER_QUOTES):
        return None
    if mention.label in LINKABLE_TYPES and len(span) < 2:
        return None
    return Mention(start, end, mention.label)


def name_key(name: str) -> str:
    """The key of an entity no gazetteer knows: 'name:' + its bare, folded, accent-free name.

    "President Jane Okafor", "Jane Okafor's" and "JANE OKAFOR" all give ``name:jane okafor``,
    so the same unknown name links to itself across articles and sources. A body keeps its portfolio and an office
    named alone its title: "Foreign Ministry" is ``name:foreign ministry``, not the "Defence Ministry"'s key. A British
    spelling is keyed as the American (``spellings.key_words``): "Israel Defence Forces" and "Israel Defense Forces" are
    one ``name:israel defense forces``; the entity keeps the name as written. A portfolio ministry or department is
    keyed in one word order (``portfolios.portfolio_first``): "Ministry of Foreign Affairs" is ``name:foreign ministry``.
    A storm is keyed by its English storm word (storms.py): "huracán Florence" is ``name:hurricane florence``.
    """
    bare = strip_titles_for_key(_bare_name(name))
    words = _WORD.findall(strip_latin_accents(fold(bare)))
    return "name:" + english_storm_key(portfolio_first(key_words(" ".join(w.strip(".'’-") for w in words if w.strip(".'’-")))))


def _resolve(gazetteer: Gazetteer, text: str) -> GazetteerEntry | None:
    """Exact alias, normalized form (case, 'the', possessive, leading titles), then acronym."""
    return gazetteer.lookup(text) or gazetteer.lookup(strip_titles(text)) or gazetteer.lookup_acronym(text)


def _split_around_matches(text: str, mention: Mention, inside: Sequence[GazetteerMatch]) -> list[Mention] | None:
    """Split an NER span that is only titles around the names it contains; None when it is one name.

    "NATO Secretary General Jens Stoltenberg" -> NATO (a gazetteer match) and
    "Jens Stoltenberg" (returned); "Ukrainian President Volodymyr Zelensky" ->
    the gazetteer match alone; "Melania Trump" -> None (not Donald Trump).
    """
    bounds = [mention.start, *(x for g in inside for x in (g.start, g.end)), mention.end]
    gaps = list(zip(bounds[::2], bounds[1::2]))
    extra: list[Mention] = []
    for number, (gap_start, gap_end) in enumerate(gaps):
        words = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(text, gap_start, gap_end)]
        titles = [w.casefold().strip(".'’-") in TITLE_WORDS for _, _, w in words]

        def ignorable(i: int) -> bool:
            bare = words[i][2].casefold().strip(".'’-")
            if not bare or titles[i] or bare in _CONNECTORS or not words[i][2][:1].isupper():
                return True
            return any(titles[i + 1 :])  # "Ukrainian President", "Defence Minister": qualifies a title

        flags = [ignorable(i) for i in range(len(words))]
        if all(flags):
            continue
        first = flags.index(False)
        # Only a name right after the titles, ending the span: "... Secretary General Jens Stoltenberg".
        if number != len(gaps) - 1 or first == 0 or any(titles[first:]) or len(words) - first > 4:
            return None
        extra.append(Mention(words[first][0], words[-1][1], "PERSON"))
    return extra


def _field_matches(gazetteer: Gazetteer, field: FieldMentions, entity_types: Collection[str], language: str | None) -> list[GazetteerMatch]:
    return [m for m in gazetteer.find(field.text, language=language) if m.entry.type in entity_types]


def _field_mentions(field: FieldMentions, entity_types: Collection[str]) -> list[Mention]:
    return [m for m in (clean_mention(field.text, m, entity_types) for m in field.mentions) if m is not None]


def _doubtful(
    gazetteer: Gazetteer,
    fields: Sequence[FieldMentions],
    mentions: dict[str, list[Mention]],
    matches: dict[str, list[GazetteerMatch]],
    translated: bool = False,
    language: str | None = None,
) -> set[tuple[str, int, int]]:
    """Spans of names that lack the evidence to link (name_evidence.py): neither their NER label nor
    another mention of the same entity in the article speaks for them, nor, for a national body's acronym or a
    place's foreign spelling, another entity of its country. In a ``language`` other than English (fields its own NER
    tagged), only common words of it opening a sentence are asked about, and NER's agreeing label speaks for any."""
    seen: list[tuple[str, int, int, GazetteerEntry, Ambiguity | None, bool]] = []
    for f in fields:
        labels = [(m.start, m.end, m.label) for m in mentions[f.field]]
        for m in mentions[f.field]:
            entry = _resolve(gazetteer, f.text[m.start : m.end]) if m.label in LINKABLE_TYPES else None
            if entry is not None:
                seen.append((f.field, m.start, m.end, entry, ambiguity(entry, f.field, f.text, m.start, m.end, translated=translated, language=language), label_agrees(entry, m.label)))
        for g in matches[f.field]:
            agrees = any(s < g.end and g.start < e and label_agrees(g.entry, label) for s, e, label in labels)
            seen.append((f.field, g.start, g.end, g.entry, ambiguity(g.entry, f.field, f.text, g.start, g.end, translated=translated, language=language), agrees))
    own_language = language not in (None, "en")
    supported = {entry.id for _, _, _, entry, kind, agrees in seen
                 if kind is None or (agrees and (own_language or _label_is_evidence(kind, entry)))}
    named = [entry for _, _, _, entry, kind, _ in seen if entry.id in supported or kind is Ambiguity.NATIONAL]
    supported |= {
        entry.id
        for _, _, _, entry, kind, _ in seen
        if kind in (Ambiguity.NATIONAL, Ambiguity.FOREIGN) and any(other.id != entry.id and entry.country in _countries(other) for other in named)
    }
    return {(field, start, end) for field, start, end, entry, kind, _ in seen if kind is not None and entry.id not in supported}


def _parts_of_longer_names(
    gazetteer: Gazetteer, fields: Sequence[FieldMentions], mentions: dict[str, list[Mention]], matches: dict[str, list[GazetteerMatch]]
) -> set[tuple[str, int, int]]:
    """Spans of places named only as part of a longer name NER and the gazetteer missed ("Hong Kong" in "the
    Hong Kong Open", "Cuba" in "Santiago de Cuba", "Ahmad" in "Ahmad al-Ali"; longer_names.py)."""
    found = set()
    for f in fields:
        spans = [(g.start, g.end, g.entry) for g in matches[f.field]]
        spans += [(m.start, m.end, _resolve(gazetteer, f.text[m.start : m.end])) for m in mentions[f.field] if m.label in LINKABLE_TYPES]
        for start, end, entry in spans:
            if entry is None or entry.type not in _PLACE_TYPES:
                continue
            others = [(s, e, other) for s, e, other in spans if e <= start or end <= s]
            names, known = [(s, e) for s, e, _ in others], [(s, e) for s, e, other in others if other is not None]
            if inside_longer_name(f.text, start, end, names, TITLE_WORDS) or inside_arabic_name(f.text, start, end, known):
                found.add((f.field, start, end))
    return found


def _cities_not_meant(
    fields: Sequence[FieldMentions], mentions: dict[str, list[Mention]], matches: dict[str, list[GazetteerMatch]]
) -> set[tuple[str, int, int]]:
    """Spans of a city (not a capital) that the words around make a person, a publication or a work: "Vladimir said"
    (a city English knows only as a person's name), "Duran told Reuters" (the article names Roberto Duran), "the
    newspaper Granma reported", "Batman co-creator". Any other city that speaks is its authorities ("Donetsk said"),
    as is one after a preposition ("Police in Uyo said"). The article's other mentions of such a city, by the same
    name, name the same person ("Vladimir, who was in tears, said")."""
    spans = [(f, g) for f in fields for g in matches[f.field] if g.entry.type == "GPE" and g.entry.country not in (None, g.entry.id)]
    people: tuple[set[str], set[str]] | None = None  # the people NER names, read once a city speaks

    def named_like_a_person(f: FieldMentions, g: GazetteerMatch) -> bool:
        nonlocal people
        if people is None:
            named = [(other.text[m.start : m.end].split(), _SPEAKS.match(other.text, m.end) is not None)
                     for other in fields for m in mentions[other.field] if m.label == "PERSON"]
            # NER takes any name right before "said" for a person's ("Sydney said"): no evidence there.
            people = ({strip_latin_accents(fold(w)) for words, _ in named if len(words) >= 2 for w in (words[0], words[-1])},
                      {strip_latin_accents(fold(" ".join(words))) for words, speaks in named if not speaks})
        in_full, alone = people
        bare = strip_latin_accents(fold(g.text))
        if bare in in_full:
            return True
        # A city English knows only as a person's name is the person where the article has one by that name: NER
        # takes another of its mentions for a person ("Vladimir, who was in tears, said"), or it speaks of itself as
        # one ("Florence said she..."). "Sydney said it would open shelters" is the city's authorities.
        if g.entry.person_name and bare == strip_latin_accents(fold(g.entry.name)):
            return bare in alone or _SPEAKS_AS_PERSON.match(f.text, g.end) is not None
        return _PUBLICATION_BEFORE.search(f.text, max(0, g.start - 30), g.start) is not None

    speaks = [
        (f, g)
        for f, g in spans
        if not g.entry.capital
        and _SPEAKS.match(f.text, g.end)
        and not _PLACE_BEFORE.search(f.text, max(0, g.start - 20), g.start)
        and named_like_a_person(f, g)
    ]
    named = {(g.entry.id, f.text[g.start : g.end]) for f, g in speaks}
    return {(f.field, g.start, g.end) for f, g in spans if _MADE_BY.match(f.text, g.end)} | {
        (f.field, g.start, g.end)
        for f, g in spans
        if (g.entry.id, f.text[g.start : g.end]) in named and not _PLACE_BEFORE.search(f.text, max(0, g.start - 20), g.start)
    }


def _label_is_evidence(kind: Ambiguity, entry: GazetteerEntry) -> bool:
    """NER's agreeing label speaks for capitals, and for a country's name ("China hits back", a headline with no
    body), not for a word that names an organisation or a city: spaCy calls "Fed" in "Fed up with" an ORG."""
    return kind is Ambiguity.ACRONYM or (kind is Ambiguity.WORD and entry.country == entry.id)


def _countries(entry: GazetteerEntry) -> set[str]:
    """The countries an entity belongs to: a place's, a national body's, those a person holds an office of."""
    return ({entry.country} if entry.country else set()) | {role.of for role in entry.roles}


def _merge_field(
    gazetteer: Gazetteer,
    field: FieldMentions,
    mentions: Sequence[Mention],
    matches: Sequence[GazetteerMatch],
    doubtful: Collection[tuple[str, int, int]] = (),
) -> list[Candidate]:
    text = field.text
    matches = [g for g in matches if (field.field, g.start, g.end) not in doubtful]
    consumed: set[int] = set()
    kept: list[tuple[Mention, GazetteerEntry | None]] = []
    for mention in mentions:
        if mention.label not in LINKABLE_TYPES:
            kept.append((mention, None))
            continue
        resolved = None if (field.field, mention.start, mention.end) in doubtful else _resolve(gazetteer, text[mention.start : mention.end])
        inside = [
            i
            for i, g in enumerate(matches)
            if mention.start <= g.start and g.end <= mention.end and (g.start, g.end) != (mention.start, mention.end)
        ]
        if inside:
            if resolved is not None and all(matches[i].entry.id == resolved.id for i in inside):
                consumed.update(inside)
            else:
                parts = _split_around_matches(text, mention, [matches[i] for i in inside])
                if parts is not None:
                    # The gazetteer spans, and any name beside them, stand in for this mention.
                    kept.extend((part, _resolve(gazetteer, text[part.start : part.end])) for part in parts)
                    continue
                consumed.update(inside)  # "Melania Trump" is not Donald Trump
        kept.append((mention, resolved))
    candidates: list[Candidate] = []
    free = [g for i, g in enumerate(matches) if i not in consumed]
    for mention, resolved in kept:
        if any(g.start < mention.end and mention.start < g.end for g in free):
            continue  # a curated name overlapping an NER guess wins
        if resolved is not None:
            candidates.append(Candidate(field.field, mention.start, mention.end, resolved.type, resolved, resolved.name))
        else:
            candidates.append(Candidate(field.field, mention.start, mention.end, mention.label))
    for g in free:
        candidates.append(Candidate(field.field, g.start, g.end, g.entry.type, g.entry, g.entry.name))
    return candidates


def _as_storm(c: Candidate, text: str, storms: dict[str, str], places: Collection[int]) -> Candidate:
    """An unlinked name of a storm is the storm, an event: "Typhoon Mangkhut" (NER's FAC), "Storm Isaac" after
    "Tropical " (the whole "Tropical Storm Isaac"), "Florence" alone where the article names "Hurricane Florence"
    (keyed as the storm), unless a place's region follows it ("Florence, S.C."; ``places``: where the field's places'
    mentions start). ``storms``: the article's storms' names, folded, with the storm's whole name (storms.py). The name
    alone is the storm even where the article's place of that name ("Florence, Italy") lent it its entity."""
    if c.type not in LINKABLE_TYPES:
        return c
    numbered = numbered_storm(text, c.start, c.end) if c.entry is None else None
    if numbered is not None:  # "Typhoon No" of NER's, "Typhoon No. 21" as written
        return replace(c, start=numbered[0], end=numbered[1], type="EVENT", canonical_name=None)
    start = storm_start(text, c.start, c.end) if c.entry is None else None
    if start is not None:
        return replace(c, start=start, type="EVENT", canonical_name=None)
    storm = None if placed_in(text, c.end, places) else storms.get(fold(text[c.start : c.end]))
    return replace(c, type="EVENT", entry=None, canonical_name=storm) if storm is not None else c


def _place_modifiers(fields: Sequence[FieldMentions], candidates: list[Candidate]) -> list[Candidate]:
    """A one-word name NER called a person, before a noun for a place, is a place: "the Rukla base", "the
    Bagram airfield" (people do not have bases; "the Biden administration" and "the Trump camp" keep theirs)."""
    texts = {f.field: f.text for f in fields}
    return [
        replace(c, type="GPE")
        if c.entry is None and c.type == "PERSON" and " " not in texts[c.field][c.start : c.end] and _PLACE_NOUN.match(texts[c.field], c.end)
        else c
        for c in candidates
    ]


def _singular(key: str) -> str:
    """A NORP name's key in the singular, so "Ukrainians" and "Ukrainian" are one entity: "Israelis", "Kurds",
    "Filipinos" lose their "s"; "Swiss", "Hamas", "Cyprus" keep it."""
    if len(key) > len("name:") + 3 and key.endswith("s") and not key.endswith(("ss", "us", "as")):
        return key[:-1]
    return key


def people_word_key(word: str) -> str:
    """The key of a NORP word ("Ukrainians" -> ``name:ukrainian``), as the entity's key in every article."""
    return _singular(name_key(word))


def name_key_as(name: str, type_: str) -> str:
    """The key an unlinked mention of ``name`` labelled ``type_`` takes by its name: a people's word's singular
    (:func:`people_word_key`), any other name's :func:`name_key`."""
    return people_word_key(name) if type_ == "NORP" else name_key(name)


def _key(c: Candidate, surface: str) -> str | None:
    if c.entry is not None:
        return c.entry.id
    if c.type not in LINKABLE_TYPES:
        return None
    key = name_key_as(c.canonical_name or surface, c.type)
    return key if key != "name:" else None


def link_article(
    gazetteer: Gazetteer,
    fields: Iterable[FieldMentions],
    *,
    entity_types: Collection[str] = DEFAULT_ENTITY_TYPES,
    language: str | None = None,
    translated: bool = False,
    own_ner: bool = False,
) -> list[Entity]:
    """All entities of an article's fields, linked where possible, sorted by (field, start).

    ``language`` is the ISO 639-1 code the fields are written in, when known: the gazetteer then
    leaves out matches that are ordinary words of that language (see languages.py). ``translated``: the
    fields are a machine translation, which keeps the source's spellings of places ("Bruselas"). ``own_ner``: the
    fields' mentions are from the NER of their language, not English: a common word of it opening a sentence links
    only where NER's label or another mention speaks for the entity (name_evidence.py).
    """
    fields = list(fields)
    mentions = {f.field: _field_mentions(f, entity_types) for f in fields}
    matches = {f.field: _field_matches(gazetteer, f, entity_types, language) for f in fields}
    # The evidence rules read English capitalisation and English words; of another language its own NER tagged, only
    # its common words opening a sentence (name_evidence.py): without that NER, no label could speak for "Deutschland".
    doubtful = (
        _doubtful(gazetteer, fields, mentions, matches, translated)
        | _parts_of_longer_names(gazetteer, fields, mentions, matches)
        | _cities_not_meant(fields, mentions, matches)
        if language in (None, "en")
        else _doubtful(gazetteer, fields, mentions, matches, language=language) if own_ner
        else set()
    )
    storms = {name: storm for f in fields for name, storm in storm_names(f.text).items()}
    # A storm NER missed ("el huracán Florence" untagged, the gazetteer's Florence inside it) is named all the same.
    for f in fields:
        mentions[f.field] += [Mention(start, end, "EVENT") for start, end in storm_spans(f.text)
                              if not any(m.start < end and start < m.end for m in mentions[f.field])]
        mentions[f.field].sort(key=lambda m: (m.start, m.end))
    # Where a place's mention starts: "Florence, |S.C." is the town, not the storm.
    places = {f.field: {m.start for m in mentions[f.field] if m.label in _PLACE_TYPES}
              | {g.start for g in matches[f.field] if g.entry.type in _PLACE_TYPES} for f in fields}
    doubtful |= {(f.field, g.start, g.end) for f in fields for g in matches[f.field]
                 if fold(g.text) in storms and not placed_in(f.text, g.end, places[f.field])}
    # The storm's name alone that NER left untagged ("Florence brought record rain") is the storm too, not the place
    # another of its mentions names ("Florence, Italy"), which English newswire would spread to it.
    for f in fields:
        mentions[f.field] += [Mention(start, end, "EVENT") for start, end in name_spans(f.text, storms.values())
                              if not placed_in(f.text, end, places[f.field])
                              and not any(m.start < end and start < m.end for m in mentions[f.field])]
        mentions[f.field].sort(key=lambda m: (m.start, m.end))
    candidates: list[Candidate] = []
    for field in fields:
        candidates.extend(_merge_field(gazetteer, field, mentions[field.field], matches[field.field], doubtful))
    texts = {f.field: f.text for f in fields}
    # "Mr. Jordan", "la reina Sofía": people, before the surname pass gives them an article's full name.
    candidates = people_after_titles(texts, _place_modifiers(fields, candidates), gazetteer.lookup, language)
    candidates = link_surnames(gazetteer, fields, candidates, language)
    candidates = name_by_longer_names(texts, candidates, _key)
    candidates = [_as_storm(c, texts[c.field], storms, places[c.field]) for c in candidates]
    # A date or number inside a storm's span is its number ("21" of "Typhoon No. 21", NER's DATE), no date.
    events = [(c.field, c.start, c.end) for c in candidates if c.type == "EVENT"]
    candidates = [c for c in candidates if c.type in LINKABLE_TYPES
                  or not any(f == c.field and s <= c.start and c.end <= e for f, s, e in events)]
    entities = [
        Entity(
            text=texts[c.field][c.start : c.end],
            type=c.type,
            field=c.field,  # type: ignore[arg-type]
            start=c.start,
            end=c.end,
            canonical_id=c.entry.id if c.entry is not None else None,
            canonical_name=c.canonical_name,
            key=_key(c, texts[c.field][c.start : c.end]),
        )
        for c in candidates
        if c.type in entity_types
    ]
    entities.sort(key=lambda e: (e.field, e.start, e.end))
    return entities
