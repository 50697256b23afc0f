"""A sentence's opening word that the NER of another language takes for a name, or into one.

The small Spanish and French pipelines read a capital as a name, and every sentence opens with one: they tag
"Ayer", "Además", "Samedi" alone, and glue the word onto the name after it ("Según el Kremlin", "Después Agüero").
Such a word is capitalised only because it opens the sentence: it stands at a sentence's start, and it is a word of
the language, not a name. wordfreq says so: the word (case-folded) is common in the language (Zipf >= 4) and far more
common there than in English, where names are as common as anywhere ("trump", "lee", "madrid" are not; "según",
"samedi", "señaló" are). The English test is the one ``languages`` applies to a gazetteer match at a sentence's start.

- A mention that is only such a word is dropped, unless the gazetteer knows it (Spanish "Grecia", "Atenas").
- A longer mention loses the word only where the language's model tags it a word that opens no name: a preposition,
  an adverb, a conjunction, a pronoun, an auxiliary, a numeral, a determiner other than a definite article. Names
  open with nouns and adjectives that are common words as well ("Casa Blanca", "Nueva York", "Banco Santander",
  "Reino Unido"), and with the article ("La Paz", "El Salvador", "Los Angeles"; "el Kremlin" after "Según" is left
  to demonyms.py, which names a state body after an article as the bare name).
- A one-word mention written in lower case that is such a word is no name either, wherever it stands ("habían", "qu"
  before an apostrophe the model did not split off): the language capitalises names. Longer ones are left alone:
  news writes some names so ("l'union européenne", "el partido laborista").
- A person's mention is cut before a preposition standing in lower case between capitalised words: the model glues a
  person onto the club or place after him ("Dolly Menga para el Livingston" is "Dolly Menga"). The particles of names
  ("Pedro Sánchez de la Vega", "María de los Ángeles", "Ludwig van Beethoven") are prepositions too, and are kept.
- No name ends with a word in lower case that is elided ("police n’a", "Holt n’ont": the "n" of "n’") or a
  preposition, article or conjunction ("Commission judiciaire du", "Sergio Agüero del"), nor opens with an elided word
  other than an article ("d’Aguero", "qu’Harlem"; "l’Est" keeps its article): those are cut off. The words that
  stand inside names ("Charles de Gaulle", "Banco de España", "Côte d’Ivoire") are not at its ends.
- A title opening a span ("M. Zaev", "Président Erdogan", "el ministro Sánchez") or a common noun in lower case with
  its article and particle ("terremoto de Lombok") is cut off: "Zaev", "Erdogan", "Sánchez", "Lombok"
  (lowercase_words.py says which stay whole). So is such a noun capitalised as a sentence's or a headline's first word
  ("Terremoto de Lombok: ..."), where the article writes it in lower case too ("el terremoto") and never capitalised
  inside a sentence: "López Obrador", "Golfo de México" stay whole. A storm word before a name is not cut off: "el
  huracán Florence", "la tempête Ciara" are the storm, an event (storms.py), whether NER spans the word or the name.
- What is left with no capital letter (and no letter of a script without case) is no name ("province de",
  "jusqu’", "bolsa de trabajo"), unless it is a web domain ("weather.com") or the gazetteer or the organisations file
  knows it ("union européenne").
- A one-word opening word the gazetteer knows is kept only where NER's label agrees with the entity's kind ("Grecia",
  a place; "Cita", a PERSON, is no Chita). One NER types PERSON is kept where a surname follows it (a capitalised word
  the model tags a proper noun, after a word that may open a name) or the text writes it again inside a sentence
  ("Esperanza Aguirre"; "Esperanza habló... Luego Esperanza viajó").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Sequence

from services.runtime.sentences import mid_sentence
from services.tagger.gazetteer import GazetteerEntry, fold
from services.tagger.languages import is_common_word
from services.tagger.linking import clean_mention
from services.tagger.lowercase_words import (
    DISASTER_NOUNS,
    MONARCHS,
    is_web_domain,
    monarch_names_a_place,
    name_start,
    only_titles,
    word_before,
)
from services.tagger.mentions import LINKABLE_TYPES, Mention
from services.tagger.name_evidence import label_agrees
from services.tagger.state_bodies import ARTICLES
from services.tagger.storms import storm_start

__all__ = ["trim_opening_words"]

# Universal POS tags of words that open no name. A definite article does (see the module's docstring).
_OPENS_NO_NAME = frozenset({"ADP", "ADV", "AUX", "CCONJ", "SCONJ", "PRON", "NUM", "INTJ", "PART", "DET"})
# The definite articles of each language a name may open with; English "the" is cut off every span already.
_DEFINITE = {language: frozenset(words.split()) for language, words in ARTICLES.items() if language != "en"}
# Prepositions (and contractions of one with an article) that stand inside names: "de la Vega", "da Silva", "van Gogh".
_NAME_PARTICLES = frozenset("de del da do dos das di dei della delle degli dal dalla du des d van von vom zu zum zur "
                            "der den ter ten te al bin ibn ben y e i".split())
# Words that end no name: the particles, and prepositions, articles and conjunctions NER runs a name on into.
_ENDS_NO_NAME = _NAME_PARTICLES | frozenset("a à al au aux en et o ou u el la lo los las le les il un una une con por "
                                            "para per sur par dans".split())
_APOSTROPHES = "'’"
_SPACES = re.compile(r"[ \t]*")
_ELIDED_OPENING = re.compile(r"([^\W\d_]+)['’](?=[^\W\d_])")


def _without_function_ends(language: str, text: str, start: int, end: int) -> tuple[int, int]:
    """The span less an elided word in lower case opening it (not an article: "l’Est" stays) and less the elided words,
    prepositions, articles and conjunctions in lower case ending it ("police n|’a", "Bulletin de liaison| de la")."""
    opening = _ELIDED_OPENING.match(text, start, end)
    if opening and opening.group(1).islower() and f"{opening.group(1)}'" not in _DEFINITE[language]:
        start = opening.end()
    while True:
        last = text.rfind(" ", start, end) + 1
        word = text[last:end] if last > start else ""
        elided = end + 1 < len(text) and text[end] in _APOSTROPHES and text[end + 1].isalpha()
        if not (word.isalpha() and word.islower() and (elided or word in _ENDS_NO_NAME)):
            return start, end
        end = len(text[:last].rstrip(" ,;:'’\"“”«»"))
        if end <= start:
            return start, end


def _names_nothing(text: str) -> bool:
    """No capital letter, and no letter of a script without case ("province de", "jusqu"): no name."""
    return not any(c.isupper() or (c.isalpha() and c.lower() == c.upper()) for c in text)


def _person_alone(language: str, text: str, start: int, end: int, pos: Callable[[int], str | None]) -> bool:
    """Whether a one-word person's mention opening a sentence is the name by the text around it: a surname follows it
    (a capitalised word the model tags a proper noun: "Esperanza Aguirre"; not after a word that opens no name, "Ayer
    Gómez"), or the text writes it again inside a sentence."""
    following = re.match(r" ([^\W\d_][^\W\d_'’-]*)", text[end:end + 40])
    if (following and following.group(1)[0].isupper() and pos(end + 1) == "PROPN"
            and pos(start) not in _OPENS_NO_NAME):
        return True
    name = re.escape(text[start:end])
    return any(m.start() != start and mid_sentence(text, m.start())
               for m in re.finditer(rf"(?<![\w'’-]){name}(?![\w'’-])", text))


def _first_word_end(text: str, start: int, end: int) -> int:
    i = start
    while i < end and not text[i].isspace():
        i += 1
    return i


def _before_glued_preposition(text: str, start: int, end: int, pos: Callable[[int], str | None]) -> int:
    """Where a person's mention ends that goes on past a preposition in lower case to a capitalised word: before it
    ("Dolly Menga| para el Livingston"). Name particles ("de", "van") and the rest are left alone: ``end`` as it was."""
    words = [(m.start(), m.end()) for m in re.finditer(r"\S+", text[:end]) if m.start() >= start]
    for i in range(1, len(words) - 1):
        word = text[words[i][0]:words[i][1]]
        if (word.isalpha() and word.islower() and word not in _NAME_PARTICLES and text[words[i - 1][0]].isupper()
                and any(text[w_start].isupper() for w_start, _ in words[i + 1:]) and pos(words[i][0]) == "ADP"):
            return words[i - 1][1]
    return end


def _written_as_common_noun(word: str, text: str, article: str) -> bool:
    """Whether the article writes ``word`` (capitalised at a sentence's start in ``text``) in lower case, and nowhere
    capitalised inside a sentence of ``text``: a common noun ("el terremoto" beside "Terremoto de Lombok: ..."), not a
    name that is a word too ("López Obrador", "Golfo de México" written so inside a sentence)."""
    pattern = rf"(?<![\w'’-]){re.escape(word.lower())}(?![\w'’-])"
    if re.search(pattern, article or text) is None:
        return False
    return not any(mid_sentence(text, m.start()) for m in re.finditer(rf"(?<![\w'’-]){re.escape(word)}(?![\w'’-])", text))


def _places_named_after_monarchs(text: str, mentions: Sequence[Mention]) -> list[Mention]:
    """``mentions`` with a monarch's title that opens a place's name ("la Rey", lowercase_words.monarch_names_a_place)
    and the mention right after it, which the model spans apart ("la Rey | Juan Carlos", the university), one name: the
    institution's ("Rey Juan Carlos"), not a king's."""
    after = {m.start: m for m in mentions if m.label in LINKABLE_TYPES}
    joined, out = set(), []
    for m in mentions:
        if m in joined:
            continue
        title, before = text[m.start:m.end], word_before(text, m.start)
        name = after.get(_SPACES.match(text, m.end).end())
        if (name is not None and m.label in LINKABLE_TYPES and title.casefold() in MONARCHS
                and monarch_names_a_place(title, before.group(1) if before else None)):
            joined.add(name)
            m = Mention(m.start, name.end, "ORG")
        out.append(m)
    return out


def trim_opening_words(
    language: str | None,
    text: str,
    mentions: Sequence[Mention],
    known: Callable[[str], GazetteerEntry | None],
    pos: Callable[[int], str | None],
    organisations: Collection[str] = frozenset(),
    article: str = "",
) -> list[Mention]:
    """``mentions`` (NER's, in ``text`` written in ``language``) without a sentence's opening word that is a word of the
    language, and without those that are only such a word, or one in lower case; a person's mention ends before a
    preposition NER glued onto it; no mention ends with a function word or opens with an elided one, and none is left
    without a capital. ``known``: the gazetteer's entity of a name, if any; ``pos``: the universal POS tag of the token
    at a character offset (asked only for a longer mention
    opening with such a word, or going on past a lower-case word); ``organisations``: the organisations file's names and
    aliases, folded (``gazetteer.fold``). A title or a common noun in lower case opening a mention is cut off, and so
    is a sentence's capitalised opening word the language knows as a common noun where ``article`` (the article's whole
    text, ``text`` where not given) writes it in lower case too ("Terremoto de Lombok: ..." beside "el terremoto").
    Other languages' mentions, and other labels' (dates, money), are returned as they are."""
    if language not in _DEFINITE:
        return list(mentions)

    def is_known(name: str) -> bool:
        return known(name) is not None or fold(name) in organisations

    mentions = _places_named_after_monarchs(text, mentions)
    starts = {m.start for m in mentions}
    kept = []
    for mention in mentions:
        label = mention.label
        # Read as linking will read it: "qu’" is "qu", a quotation mark before a word is no part of it.
        cleaned = clean_mention(text, mention) if mention.label in LINKABLE_TYPES else None
        start, end = (cleaned.start, cleaned.end) if cleaned is not None else (mention.start, mention.end)
        if cleaned is not None:
            start, end = _without_function_ends(language, text, start, end)
            if end <= start:
                continue
            storm = storm_start(text, start, end, _DEFINITE[language])
            if storm is not None:  # "el huracán Florence" is the storm, not Florence (storms.py)
                kept.append(Mention(storm, end, "EVENT"))
                continue
            if only_titles(text, start, end, _DEFINITE[language], language) and _SPACES.match(text, end).end() in starts:
                continue  # "el Rey" of "el Rey Juan Carlos", which the model spans apart: the title of the name after it
            word_end = _first_word_end(text, start, end)
            opening = start
            disaster = text[start:word_end].lower() in DISASTER_NOUNS
            common_opening = (text[start].isupper() and not mid_sentence(text, start)
                              and (disaster or is_common_word(language, text[start:word_end])))
            if common_opening:
                if word_end == end:
                    entry = known(text[start:end])
                    if not ((entry is not None and label_agrees(entry, mention.label))
                            or (mention.label == "PERSON" and _person_alone(language, text, start, end, pos))):
                        continue  # "Ayer", "Samedi", "Señaló"; "Cita" (PERSON), no Chita
                elif pos(start) in _OPENS_NO_NAME and text[start:word_end].lower() not in _DEFINITE[language]:
                    start = word_end + len(text[word_end:end]) - len(text[word_end:end].lstrip())
            # A common noun capitalised as the sentence's first word is read as in lower case ("Terremoto de Lombok").
            noun_opening = (common_opening and start == opening and word_end < end
                            and text[start:word_end].lower() not in _DEFINITE[language]
                            and (disaster or _written_as_common_noun(text[start:word_end], text, article)))
            start = name_start(text, start, end, mention.label, _DEFINITE[language], is_known, noun_opening, language)
            if disaster and start > opening and label == "PERSON":
                label = "GPE"  # the place a disaster is named by ("Séisme de Lombok", which the model took for a person)
            if text[start:end].islower() and is_common_word(language, text[start:end]):
                continue  # "habían", "qu" (of "qu’il", an apostrophe the model did not split off), "Nadie podía"
            if _names_nothing(text[start:end]) and not (is_web_domain(text[start:end]) or is_known(text[start:end])):
                continue  # "province de", "jusqu", "bolsa de trabajo"
        if cleaned is not None and mention.label == "PERSON":
            end = _before_glued_preposition(text, start, end, pos)
        kept.append(mention if cleaned is None or (start, end, label) == (cleaned.start, cleaned.end, mention.label)
                    else Mention(start, end, label))
    return kept
