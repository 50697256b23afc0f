"""Near-duplicates: the same text published twice (a wire story syndicated by other sites, an edition republished
under another address, a localised copy), found by the SimHash of its words (Charikar 2002; Manku et al. 2007,
"Detecting near-duplicates for web crawling": 64 bits, at most 3 apart).

A text's SimHash is 64 bits: each bit is the sign of the sum, over its two-word shingles, of that bit of the
shingle's hash (+1 when set, -1 when not). Texts that share most shingles agree on most bits; a few changed words
(a byline, "programme" for "program") move a few bits. Two-word shingles, not three: on a 200-word article a byline
and one respelling moved three-word shingles' hash 7 bits, two-word ones 2; single words let different reports of
one event meet (galaxy_dev: 1 bit apart), two-word ones keep them 15 or more apart. Two texts at most
``MAX_DISTANCE`` bits apart are copies. ``BANDS`` cuts the 64 bits into four 16-bit bands: two hashes at most
3 bits apart agree on at least one band exactly (pigeonhole), so an index by band finds every copy without
comparing against every article.

Measured (bench/bench_stories.py --copies): the English editions of NTREX-128's 40 documents (eng, eng-GB, eng-IN,
eng-US) and the event-labelled galaxy_dev articles; see docs/tagger.md.
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache

import numpy as np

__all__ = ["MIN_WORDS", "MAX_DISTANCE", "simhash", "distance", "bands"]

# Fewer words than this give too few shingles for the bits to mean anything (two short notices share most).
MIN_WORDS = 50
MAX_DISTANCE = 3
_SHINGLE = 2
_BAND_BITS = 16
_WORD = re.compile(r"\w+")
# Odd 64-bit constants (splitmix64's): the first two combine a shingle's two word hashes (order-sensitive), the
# last two are its finaliser's multipliers.
_MIX = (np.uint64(0x9E3779B97F4A7C15), np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB))


@lru_cache(maxsize=200_000)
def _word_hash(word: str) -> int:
    return int.from_bytes(hashlib.blake2b(word.encode("utf-8"), digest_size=8).digest(), "little")


def _finalize(x: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser: every input bit reaches every output bit."""
    x = x ^ (x >> np.uint64(30))
    x = x * _MIX[1]
    x = x ^ (x >> np.uint64(27))
    x = x * _MIX[2]
    return x ^ (x >> np.uint64(31))


def simhash(text: str) -> str | None:
    """The text's SimHash as 16 hex digits; None for a text of fewer than ``MIN_WORDS`` words."""
    words = _WORD.findall(text.casefold())
    if len(words) < MIN_WORDS:
        return None
    hashes = np.fromiter((_word_hash(w) for w in words), dtype=np.uint64, count=len(words))
    with np.errstate(over="ignore"):
        n = len(words) - _SHINGLE + 1
        shingles = _finalize(hashes[:n] * _MIX[0] + hashes[1 : n + 1] * _MIX[1])
    bits = np.unpackbits(shingles.astype("<u8").view(np.uint8).reshape(-1, 8), axis=1, bitorder="little")
    votes = 2 * bits.sum(axis=0, dtype=np.int64) - n
    value = sum(1 << i for i in range(64) if votes[i] > 0)
    return f"{value:016x}"


def distance(a: str, b: str) -> int:
    """How many of the 64 bits two SimHashes differ in."""
    return (int(a, 16) ^ int(b, 16)).bit_count()


def bands(value: str) -> list[str]:
    """The four band keys of a SimHash (``"<band>:<four hex digits>"``): copies share at least one."""
    digits = _BAND_BITS // 4
    return [f"{i}:{value[i * digits:(i + 1) * digits]}" for i in range(64 // _BAND_BITS)]
