"""Near-duplicates: the same text published twice (a wire story syndicated by other sites, an edition republished
under another address, a localised copy), found by the SimHash of its words (Charikar 2002; Manku et al. 2007,
"Detecting near-duplicates for web crawling": 64 bits, at most 3 apart) and confirmed by the resemblance of its
two-word shingles (Broder 1997), estimated from a MinHash sketch.

A text's SimHash is 64 bits: each bit is the sign of the sum, over its two-word shingles, of that bit of the
shingle's hash (+1 when set, -1 when not). Texts that share most shingles agree on most bits; a few changed words
(a byline, "programme" for "program") move a few bits. Two-word shingles, not three: on a 200-word article a byline
and one respelling moved three-word shingles' hash 7 bits, two-word ones 2; single words let different reports of
one event meet (galaxy_dev: 1 bit apart), two-word ones keep them 15 or more apart. ``bands`` cuts the 64 bits into
four 16-bit bands: two hashes at most 3 bits apart agree on at least one band exactly (pigeonhole), so an index by
band finds them without comparing against every article.

SimHash alone is too strict for a copy with edits: its bits estimate the angle between the two texts' shingle sets
(a bit differs with probability angle/pi), so 3 bits of 64 is a cosine of about 0.99, about one changed word in a
hundred; one respelling in a 120-word text moves 4 or 5 bits. Two things let a copy with edits be known:

- words are folded before shingling (``words``): British and American spellings ("organised defence" and
  "organized defense", "neighbour", "centre", "travelled"), the dots of abbreviations ("U.S.", "p.m."), "per cent",
  and digits run into letters ("2pm") read alike, as a localised edition writes them;
- ``sketch`` keeps 128 one-byte minima of the shingles' hashes (b-bit MinHash, Li & König 2010): the share of
  equal bytes estimates the Jaccard resemblance of the two shingle sets (``resemblance``), with a standard error of
  about 0.04 near 0.7. Where both texts have one, those that resemble each other at least ``MIN_RESEMBLANCE`` are
  copies whatever their bits, and those that do not are not, however near their bits: about one word in twenty
  changed, inserted or dropped, where reports of one event by different publishers share under a fifth of their
  shingles and template-filled texts (one notice, other names or figures) under four fifths.

SimHash alone is also too loose for template fills (3 bits apart, sharing two thirds of their shingles): the story
stage compares by SimHash only members hashed before sketches were kept (``METHOD``), never one whose sketch it let go.

Measured (bench/bench_copies.py): the English editions of NTREX-128's 40 documents (eng, eng-GB, eng-IN, eng-US),
the event-labelled galaxy_dev articles and the generated corpus; see docs/tagger.md.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from functools import lru_cache

import numpy as np

from services.tagger import spellings

__all__ = ["MIN_WORDS", "MAX_DISTANCE", "MIN_RESEMBLANCE", "METHOD", "METHODS", "SKETCHED", "words", "fingerprint",
           "simhash", "sketch", "distance", "resemblance", "resemblances", "sketch_rows", "bands"]

# Fewer words than this give too few shingles for the bits to mean anything (two short notices share most).
MIN_WORDS = 50
MAX_DISTANCE = 3
MIN_RESEMBLANCE = 0.8
# How fingerprints are computed now; story records keep it with their members' (story_records), so that only
# fingerprints of one method are compared. 1: casefolded ``\w+`` words, SimHash only (before 2026-12-06); 2: words
# folded (``words``) by spellings table 1, SimHash and sketch (2026-12-06); 3: by spellings table 2 ("programme",
# "fibre", "paediatric", "grey"...). One text's SimHashes by methods 1 and 2 lie 6-14 bits apart (NTREX's English
# editions): compared across methods, a copy is not known as one.
METHOD = 3
_TABLE = {2: 1, 3: 2}  # method -> the spellings table its words are folded by
METHODS = (1, *_TABLE)  # the methods ``simhash`` computes
SKETCHED = tuple(_TABLE)  # the methods ``sketch`` computes (method 1 kept no sketch)
_UNFOLDED = re.compile(r"\w+")  # method 1's words
_SHINGLE = 2
_BAND_BITS = 16
_SKETCH = 128
# A word: "U.S." and "a.m." (letters each followed by a dot) are one, "2pm" and "55am" two, as "2 p.m." is.
_WORD = re.compile(r"(?:[^\W\d_]\.){2,}|[^\W\d_]+|\d+")
# Odd 64-bit constants (splitmix64's): the first two combine a shingle's two word hashes (order-sensitive), the
# last two are its finaliser's multipliers.
_MIX = (np.uint64(0x9E3779B97F4A7C15), np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB))
# One odd multiplier per minimum of the sketch: multiplying by an odd number permutes the 64-bit hashes.
_PERMUTATIONS = (np.random.default_rng(20070508).integers(0, 2**63, _SKETCH, dtype=np.uint64) << np.uint64(1)) | np.uint64(1)


@lru_cache(maxsize=200_000)
def _word_hash(word: str) -> int:
    return int.from_bytes(hashlib.blake2b(word.encode("utf-8"), digest_size=8).digest(), "little")


@lru_cache(maxsize=200_000)
def _folded(word: str, table: int) -> str:
    # Both texts are folded alike, so a fold that also meets an unrelated word ("four" and "for") costs two texts only
    # a shingle of likeness, never a copy.
    return spellings.fold(word.replace(".", ""), table)


def words(text: str, method: int = METHOD) -> list[str]:
    """The text's words as a copy is compared by: casefolded, abbreviations and spellings folded (by the spellings
    table of ``method``, 2 or later)."""
    table = _TABLE[method]
    return [_folded(w, table) for w in _WORD.findall(text.casefold().replace("per cent", "percent"))]


def _finalize(x: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser: every input bit reaches every output bit."""
    x = x ^ (x >> np.uint64(30))
    x = x * _MIX[1]
    x = x ^ (x >> np.uint64(27))
    x = x * _MIX[2]
    return x ^ (x >> np.uint64(31))


def _shingles(text: str, method: int = METHOD) -> np.ndarray | None:
    """The 64-bit hashes of the text's two-word shingles, its words read by ``method``; None for a text of fewer than
    ``MIN_WORDS`` words."""
    if method not in METHODS:
        raise ValueError(f"no fingerprint method {method} (known: {METHODS})")
    found = _UNFOLDED.findall(text.casefold()) if method == 1 else words(text, method)
    if len(found) < MIN_WORDS:
        return None
    hashes = np.fromiter((_word_hash(w) for w in found), dtype=np.uint64, count=len(found))
    n = len(found) - _SHINGLE + 1
    with np.errstate(over="ignore"):
        return _finalize(hashes[:n] * _MIX[0] + hashes[1 : n + 1] * _MIX[1])


def _simhash(shingles: np.ndarray) -> str:
    bits = np.unpackbits(shingles.astype("<u8").view(np.uint8).reshape(-1, 8), axis=1, bitorder="little")
    votes = 2 * bits.sum(axis=0, dtype=np.int64) - len(shingles)
    value = sum(1 << i for i in range(64) if votes[i] > 0)
    return f"{value:016x}"


def _sketch(shingles: np.ndarray) -> str:
    # Each minimum over the set (not the sequence: a repeated shingle is one), its lowest byte kept.
    unique = np.unique(shingles)
    with np.errstate(over="ignore"):
        minima = (unique[:, None] * _PERMUTATIONS[None, :]).min(axis=0)
    return (minima & np.uint64(0xFF)).astype(np.uint8).tobytes().hex()


def fingerprint(text: str) -> tuple[str, str] | None:
    """The text's SimHash (16 hex digits) and sketch (256 hex digits); None for fewer than ``MIN_WORDS`` words."""
    shingles = _shingles(text)
    return None if shingles is None else (_simhash(shingles), _sketch(shingles))


def simhash(text: str, method: int = METHOD) -> str | None:
    """The text's SimHash as 16 hex digits, by ``method`` (an older one: to compare with a member hashed by it);
    None for a text of fewer than ``MIN_WORDS`` words."""
    shingles = _shingles(text, method)
    return None if shingles is None else _simhash(shingles)


def sketch(text: str, method: int = METHOD) -> str | None:
    """The text's MinHash sketch (``resemblance`` reads two), by ``method`` (one of ``SKETCHED``); None for a text of
    fewer than ``MIN_WORDS`` words."""
    if method not in SKETCHED:
        raise ValueError(f"no sketch by fingerprint method {method} (known: {SKETCHED})")
    shingles = _shingles(text, method)
    return None if shingles is None else _sketch(shingles)


def distance(a: str, b: str) -> int:
    """How many of the 64 bits two SimHashes differ in."""
    return (int(a, 16) ^ int(b, 16)).bit_count()


def sketch_rows(sketches: Iterable[str]) -> np.ndarray:
    """Sketches decoded, one row each, for ``resemblances``."""
    return np.frombuffer(bytes.fromhex("".join(sketches)), np.uint8).reshape(-1, _SKETCH)


def resemblances(row: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """The Jaccard resemblance of a text's shingle set (its sketch decoded, ``sketch_rows``) with each of ``rows``'s,
    estimated from the sketches: the share of equal minima, less the 1 in 256 that two different minima share a lowest
    byte."""
    equal = np.count_nonzero(rows == row, axis=1) / _SKETCH
    return np.maximum(0.0, (equal - 1 / 256) / (1 - 1 / 256))


def resemblance(a: str, b: str) -> float:
    """The Jaccard resemblance of two texts' shingle sets, estimated from their sketches (``resemblances``)."""
    return float(resemblances(sketch_rows([a]), sketch_rows([b]))[0])


def bands(value: str) -> list[str]:
    """The four band keys of a SimHash (``"<band>:<four hex digits>"``): copies share at least one."""
    digits = _BAND_BITS // 4
    return [f"{i}:{value[i * digits:(i + 1) * digits]}" for i in range(64 // _BAND_BITS)]
