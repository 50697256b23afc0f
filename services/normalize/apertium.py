"""Apertium: its language pairs, and routes into English through them.

A pair runs as one long-lived pipeline in null-flush mode (``ApertiumStream``, in ``apertium_pipeline.py`` with the
other processes), else as the ``apertium`` program once per call. A language with no pair into the target goes
through one or two pivot languages (Spanish first: French, Italian, Portuguese, Romanian,
Occitan and Aragonese have pairs into Spanish, and Spanish has one into English; Danish
and Norwegian go through Swedish and Icelandic);
Serbian written in Cyrillic is first transliterated to Latin (the ``Cyrl-Latn`` mode the
Serbo-Croatian pair ships). Every hop is recorded in the provenance.
"""

from __future__ import annotations

import asyncio
import itertools
import re

from schemas import Translation
from schemas.models import TranslationHop
from services.normalize.acronym_case import restore_acronyms
from services.normalize.apertium_pipeline import (
    CG_ONLY_PAIRS,
    MISSING_PACKAGES,
    SETUP_TIMEOUT_S,
    ApertiumStream,
    missing_programs,
    run_process,
    spans_to_keep,
)
from services.normalize.apertium_stream import deformat, deformat_text, reformat
from services.normalize.backends import SourceText, TranslatedText, check_count, kept_spans
from services.normalize.changes import excerpt
from services.normalize.errors import TranslationError, TranslationUnavailable
from services.normalize.settings import NormalizeSettings
from services.normalize.text import carry_spans
from services.runtime.logs import get_logger

__all__ = ["ApertiumTranslator", "APERTIUM_CODES", "MAX_PIVOTS"]

log = get_logger(__name__)


# ISO 639-1 to the ISO 639-3 codes Apertium names its pairs with.
APERTIUM_CODES: dict[str, str] = {
    "en": "eng", "es": "spa", "ca": "cat", "gl": "glg", "eu": "eus", "pt": "por", "fr": "fra", "it": "ita",
    "oc": "oci", "an": "arg", "ro": "ron", "de": "deu", "nl": "nld", "af": "afr", "da": "dan", "sv": "swe",
    "nb": "nob", "nn": "nno", "no": "nob", "is": "isl", "fo": "fao", "cy": "cym", "br": "bre", "ga": "gle",
    "gd": "gla", "eo": "epo", "mt": "mlt", "ar": "ara", "he": "heb", "kk": "kaz", "tt": "tat", "ru": "rus",
    "uk": "ukr", "be": "bel", "pl": "pol", "cs": "ces", "sk": "slk", "sl": "slv", "hr": "hbs", "sr": "hbs",
    "bs": "hbs", "mk": "mkd", "bg": "bul", "sq": "sqi", "hi": "hin", "ur": "urd", "id": "ind", "ms": "msa",
    "sc": "srd", "co": "cos", "lt": "lit", "lv": "lav", "et": "est", "fi": "fin", "hu": "hun", "el": "ell",
}  # fmt: skip

# The most pivot languages one route goes through: each hop loses meaning, and three pairs (Danish through Swedish
# and Icelandic) still leave the names, numbers and many content words a story is found by.
MAX_PIVOTS = 2

# A superblank Apertium copies through unchanged (checked by the tests against the installed
# binary), used to send title and body through one process and split them after.
_SEPARATOR = "[\n\n|||wirewatch-separator|||\n\n]"


# A pair as a route takes it ("swe-nor"), not a variant mode ("eo-en-j", "en-eo-bytecode").
_PLAIN_PAIR = re.compile(r"[a-z]{2,3}-[a-z]{2,3}")


def _next_hop(text: str) -> str:
    """A text as a hop's input: a source as given; an earlier hop's output (or transliteration's) with the names it
    kept kept again, as they now stand."""
    if not isinstance(text, TranslatedText):
        return text
    return SourceText(str(text), tuple((a, b, text[a:b]) for a, b in text.kept)) if text.kept else str(text)


# Apertium's transliteration of Serbian Cyrillic to Latin (shipped with the Serbo-Croatian pair).
TRANSLITERATION = "Cyrl-Latn"
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LETTER = re.compile(r"[^\W\d_]")


def _mostly_cyrillic(text: str) -> bool:
    sample = text[:2000]
    return len(_CYRILLIC.findall(sample)) * 2 > len(_LETTER.findall(sample))


class ApertiumTranslator:
    """Rule-based translation with Apertium: a long-running pipeline per pair (``apertium_stream``),
    else the ``apertium`` command-line program, one process per call; chained through a pivot
    language (``apertium_pivots``) where no pair goes straight into the target."""

    name = "apertium"

    def __init__(self, settings: NormalizeSettings) -> None:
        self._bin = settings.apertium_bin
        self._timeout = settings.translation_timeout_s
        self._pairs: frozenset[str] | None = None
        self._versions: dict[str, str | None] = {}
        self._lock = asyncio.Lock()
        self._stream_enabled = settings.apertium_stream
        self._data_dir = settings.apertium_data_dir
        self._pivots = list(settings.apertium_pivots)
        self._streams: dict[tuple[str, bool], ApertiumStream | None] = {}
        self._routes: dict[tuple[str, str], tuple[TranslationHop, ...]] = {}
        self._last: dict[tuple[str, str], tuple[TranslationHop, ...]] = {}

    async def pairs(self) -> frozenset[str]:
        """Installed language pairs, as ``apertium -l`` lists them (asked once), but those whose pipeline needs a
        program that is not installed: such a pair gives no translation, only a timeout per article."""
        async with self._lock:
            if self._pairs is None:
                result = await run_process([self._bin, "-l"], None, SETUP_TIMEOUT_S, engine=self.name)
                if result.returncode != 0:
                    raise TranslationUnavailable(f"{self.name}: '{self._bin} -l' exited {result.returncode}: {excerpt(result.stderr.decode('utf-8', 'replace').strip(), 200)}")
                listed = {line.strip() for line in result.stdout.decode("utf-8", "replace").split() if line.strip()}
                unusable = {pair: missing for pair in sorted(listed)
                            if (missing := missing_programs(self._data_dir / "modes" / f"{pair}.mode"))}
                for pair, missing in unusable.items():
                    # A variant mode ("eo-en-j", "en-eo-bytecode": Java or bytecode builds) is no pair a route takes.
                    say = log.warning if _PLAIN_PAIR.fullmatch(pair) else log.debug
                    say("normalize.apertium_pair_unusable", pair=pair, missing=missing,
                        hint=MISSING_PACKAGES.get(missing[0], "install the package that provides it"))
                self._pairs = frozenset(listed - unusable.keys())
            return self._pairs

    @staticmethod
    def _codes(language: str) -> list[str]:
        """The names Apertium may give ``language`` in a pair: ISO 639-3 first, then 639-1 (``gl-en``, ``fr-es``)."""
        three = APERTIUM_CODES.get(language, language)
        return [three] if three == language else [three, language]

    def _direct(self, installed: frozenset[str], source: str, target: str) -> TranslationHop | None:
        for src in self._codes(source):
            for tgt in self._codes(target):
                if f"{src}-{tgt}" in installed:
                    return TranslationHop(engine=self.name, model=f"{src}-{tgt}", source_language=source, target_language=target)
        return None

    def _chain(self, installed: frozenset[str], languages: tuple[str, ...]) -> tuple[TranslationHop, ...] | None:
        """One installed pair for each step of ``languages`` (source, pivots..., target), or None."""
        hops = []
        for source, target in itertools.pairwise(languages):
            hop = self._direct(installed, source, target)
            if hop is None:
                return None
            hops.append(hop)
        return tuple(hops)

    async def route(self, source: str, target: str = "en") -> tuple[TranslationHop, ...]:
        """The pairs that take ``source`` to ``target``: one installed pair, else the shortest chain through the
        pivot languages (at most ``MAX_PIVOTS``), the earlier pivots preferred; TranslationUnavailable when there
        is none. Danish reaches English as dan-swe, swe-isl, isl-eng."""
        key = (source, target)
        if key not in self._routes:
            installed = await self.pairs()
            same = {APERTIUM_CODES.get(source, source), APERTIUM_CODES.get(target, target)}
            pivots = [p for p in dict.fromkeys(self._pivots) if APERTIUM_CODES.get(p, p) not in same]
            route: tuple[TranslationHop, ...] | None = None
            for count in range(MAX_PIVOTS + 1):
                for through in itertools.permutations(pivots, count):
                    if len({APERTIUM_CODES.get(p, p) for p in through}) < count:
                        continue  # Croatian and Serbian are one Apertium language
                    route = self._chain(installed, (source, *through, target))
                    if route is not None:
                        break
                if route is not None:
                    break
            if route is None:
                src, tgt = self._codes(source)[0], self._codes(target)[0]
                through = f"; nor through {', '.join(self._pivots)}" if self._pivots else ""
                into = sorted(p for p in installed if any(p.endswith(f"-{code}") for code in self._codes(target)))
                raise TranslationUnavailable(f"{self.name}: no installed pair {src}-{tgt}{through} (pairs into {tgt}: {', '.join(into) or 'none'})")
            self._routes[key] = route
        return self._routes[key]

    async def _version(self, pair: str) -> str | None:
        """The version of the Debian package that ships ``pair``'s mode file (or, failing that, named after it)."""
        if pair not in self._versions:
            version = None
            packages: list[str] = []
            try:
                owner = await run_process(["dpkg-query", "-S", str(self._data_dir / "modes" / f"{pair}.mode")], None, 10.0, engine="dpkg-query")
                if owner.returncode == 0:
                    packages.append(owner.stdout.decode("utf-8", "replace").split(":", 1)[0].strip())
            except TranslationError:
                pass
            src, _, tgt = pair.partition("-")
            # Debian names the package after both languages, in either order.
            packages += [f"apertium-{tgt}-{src}", f"apertium-{src}-{tgt}"]
            for package in filter(None, packages):
                try:
                    result = await run_process(["dpkg-query", "-W", "-f=${Version}", package], None, 10.0, engine="dpkg-query")
                except TranslationError:
                    break
                if result.returncode == 0 and result.stdout.strip():
                    version = result.stdout.decode("utf-8", "replace").strip()
                    break
            self._versions[pair] = version
        return self._versions[pair]

    async def _translate_stream(self, stream: str, pair: str, *, marked: bool) -> str:
        """A text already in Apertium's stream format through ``apertium -f none`` (``-u``: no unknown-word marks)."""
        if pair in CG_ONLY_PAIRS:
            raise TranslationError(f"{self.name} {pair}: the pair's statistical tagger crashes, so it runs only as a streaming "
                                   "pipeline without it (apertium_stream, and apertium-wblank-mode installed)")
        args = [self._bin, "-f", "none", pair] if marked else [self._bin, "-f", "none", "-u", pair]
        result = await run_process(args, stream.encode("utf-8"), self._timeout, engine=self.name)
        if result.returncode != 0:
            stderr = result.stderr.decode("utf-8", "replace").strip()
            raise TranslationError(f"{self.name} {pair}: exited {result.returncode}: {excerpt(stderr, 200)}")
        return result.stdout.decode("utf-8", "replace")

    async def _translate_one(self, text: str, pair: str, *, marked: bool) -> TranslatedText:
        return reformat(await self._translate_stream(deformat(text, spans_to_keep(text)), pair, marked=marked))

    async def _stream(self, pair: str, *, marked: bool) -> ApertiumStream | None:
        if not self._stream_enabled:
            return None
        key = (pair, marked)
        if key not in self._streams:
            self._streams[key] = await ApertiumStream.open(self._data_dir, pair, self._timeout, marked=marked)
            if self._streams[key] is None:
                log.warning("normalize.apertium_stream_unavailable", pair=pair, data_dir=str(self._data_dir), fallback="one process per call")
        return self._streams[key]

    async def _run_pair(self, texts: list[str], pair: str, *, marked: bool) -> list[TranslatedText]:
        stream = await self._stream(pair, marked=marked)
        if stream is not None:
            return [await stream.translate(t) if t.strip() else TranslatedText(t) for t in texts]
        if len(texts) == 1:
            return [await self._translate_one(texts[0], pair, marked=marked)]
        # The separator is a superblank: it cannot occur in a deformatted text, whose brackets are escaped.
        joined = _SEPARATOR.join(deformat_text(t, spans_to_keep(t)) for t in texts) + ".[]"
        parts = (await self._translate_stream(joined, pair, marked=marked)).split(_SEPARATOR)
        if len(parts) == len(texts):
            return [reformat(p) for p in parts]
        # The separator did not survive: one process per text.
        return [await self._translate_one(t, pair, marked=marked) for t in texts]

    async def run_pair(self, texts: list[str], pair: str, *, find_untranslated: bool = False) -> list[str]:
        """``texts`` through one installed pair, as ``apertium -u`` translates them; with ``find_untranslated``, as
        ``TranslatedText`` that records the words Apertium left in the source language. Those come from a second run
        with its unknown-word marks, aligned to the first: a mark in the pipeline changes more than the word it is on
        (the post-generator writes "a *aragosta" where it writes "an aragosta" without it)."""
        translated = check_count(f"{self.name} {pair}", texts, await self._run_pair(texts, pair, marked=False))
        if not find_untranslated:
            return translated
        marked = check_count(f"{self.name} {pair}", texts, await self._run_pair(texts, pair, marked=True))
        return [TranslatedText(text, tuple(carry_spans(str(mark), text, mark.untranslated)), kept_spans(text))
                for text, mark in zip(translated, marked)]

    async def unknown_words(self, text: str, source: str, target: str = "en", *, hop: int = 0) -> frozenset[str]:
        """The words of ``text`` the first hop of ``source``'s route does not know, as written (names, mostly): a word
        the first hop knows is no name to it even where a pivot does not know its translation, and a word it does not
        know may still be one a pivot reads as its own ("Las" of "Las Vegas", Icelandic for "read"). With ``hop``, the
        words that hop's pair does not know (``text`` read as its source language: a word it knows is one of its own)."""
        route = await self.route(source, target)
        if hop >= len(route) or route[hop].model is None:
            raise TranslationError(f"{self.name}: no pair {hop + 1} on the route from {source} to {target}")
        [latin], _ = await self._transliterate([text], route) if hop == 0 else ([text], None)
        [marked] = await self._run_pair([latin], route[hop].model, marked=True)
        return frozenset(marked[a:b] for a, b in marked.untranslated)

    async def _transliterate(self, texts: list[str], route: tuple[TranslationHop, ...]) -> tuple[list[str], TranslationHop | None]:
        """Cyrillic texts Latin first where the route starts with a Serbo-Croatian pair and Apertium can transliterate."""
        if not route[0].model or not route[0].model.startswith("hbs-"):
            return texts, None
        cyrillic = [i for i, t in enumerate(texts) if _mostly_cyrillic(t)]
        if not cyrillic or TRANSLITERATION not in await self.pairs():
            return texts, None
        latin = await self.run_pair([texts[i] for i in cyrillic], TRANSLITERATION)
        out = list(texts)
        for i, text in zip(cyrillic, latin):
            out[i] = text
        language = route[0].source_language
        hop = TranslationHop(engine=self.name, model=TRANSLITERATION, version=await self._version(TRANSLITERATION), source_language=language, target_language=language)
        return out, hop

    async def translate(self, texts: list[str], source: str, target: str = "en") -> list[str]:
        if not texts:
            return []
        route = await self.route(source, target)
        texts, transliterated = await self._transliterate(texts, route)
        hops = [transliterated] if transliterated else []
        for hop in route:
            assert hop.model is not None
            # Only the last hop's marks count: a word the first hop could not translate is one the next cannot either
            # (it is no word of the pivot language), so the last hop marks it again; a mark fed into a hop would break it.
            given = [_next_hop(t) for t in texts]
            texts = [restore_acronyms(g, t) for g, t in zip(given, await self.run_pair(given, hop.model, find_untranslated=hop is route[-1]))]
            hops.append(hop.model_copy(update={"version": await self._version(hop.model)}))
        self._last[(source, target)] = tuple(hops)
        return texts

    def provenance(self, source: str, target: str = "en") -> Translation:
        hops = self._last.get((source, target)) or self._routes.get((source, target))
        if not hops:
            src, tgt = self._codes(source)[0], self._codes(target)[0]
            return Translation(engine=self.name, model=f"{src}-{tgt}", source_language=source, target_language=target)
        versions = [hop.version for hop in hops]
        return Translation(
            engine=self.name,
            model="+".join(hop.model or "?" for hop in hops),
            version=versions[0] if len(hops) == 1 else ("+".join(v for v in versions if v) if all(versions) else None),
            source_language=source,
            target_language=target,
            hops=list(hops),
        )

    async def aclose(self) -> None:
        for stream in self._streams.values():
            if stream is not None:
                await stream.aclose()
        self._streams.clear()
