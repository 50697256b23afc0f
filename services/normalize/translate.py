"""Which translator serves which source language, and the cache in front of them.

The backends live in their own modules: ``backends`` (the protocol and "none"),
``apertium`` (pairs, pipelines and pivot routes), ``neural`` (Argos, LibreTranslate).
Every backend raises ``TranslationError`` (``TranslationUnavailable`` when it cannot
serve a language pair at all); the caller decides what an untranslated article
looks like. Backends are created lazily, so a language never configured never
starts a process or opens a session.

The "auto" backend (the default) takes each language by the best path installed:
an Apertium pair into English, else Apertium through a pivot language, else an
installed Argos package; a language none of them serves stays untranslated.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Mapping

from schemas import Translation
from services.normalize.apertium import APERTIUM_CODES, ApertiumTranslator
from services.normalize.backends import NoTranslator, Translator, check_count
from services.normalize.errors import TranslationError, TranslationUnavailable
from services.normalize.neural import ArgosTranslator, LibreTranslateTranslator, argos_languages
from services.normalize.settings import NormalizeSettings

__all__ = [
    "Translator",
    "ApertiumTranslator",
    "ArgosTranslator",
    "LibreTranslateTranslator",
    "NoTranslator",
    "AutoTranslator",
    "CachingTranslator",
    "TranslatorRegistry",
    "BACKENDS",
    "APERTIUM_CODES",
    "check_count",
    "unknown_words",
]


async def unknown_words(translator: Translator, text: str, source: str, target: str = "en", *, hop: int = 0) -> frozenset[str]:
    """The words of ``text`` the ``hop``-th pair of ``translator``'s route (0: the first) does not know, as written;
    none from a backend that cannot tell (only Apertium marks them)."""
    ask = getattr(translator, "unknown_words", None)
    return await ask(text, source, target, hop=hop) if ask is not None else frozenset()


class AutoTranslator:
    """The best installed path per language: Apertium (direct, then through a pivot), else Argos.

    Raises TranslationUnavailable, naming what was tried, for a language nothing here translates."""

    name = "auto"

    def __init__(self, apertium: Translator, argos: Translator) -> None:
        self._apertium = apertium
        self._argos = argos
        self._chosen: dict[tuple[str, str], Translator] = {}
        self._argos_languages: frozenset[str] | None = None

    async def choose(self, source: str, target: str = "en") -> Translator:
        """The backend that will translate ``source``, or TranslationUnavailable."""
        key = (source, target)
        if key not in self._chosen:
            reasons = []
            route = getattr(self._apertium, "route", None)
            try:
                if route is not None:
                    await route(source, target)
                self._chosen[key] = self._apertium
            except TranslationUnavailable as exc:
                reasons.append(str(exc))
                if self._argos_languages is None:
                    self._argos_languages = argos_languages()
                if target == "en" and source in self._argos_languages:
                    self._chosen[key] = self._argos
                else:
                    reasons.append(f"argos: no installed package {source}->{target}")
                    raise TranslationUnavailable(f"no translation path for {source!r} into {target!r} ({'; '.join(reasons)})") from exc
        return self._chosen[key]

    async def translate(self, texts: list[str], source: str, target: str = "en") -> list[str]:
        return await (await self.choose(source, target)).translate(texts, source, target)

    async def unknown_words(self, text: str, source: str, target: str = "en", *, hop: int = 0) -> frozenset[str]:
        return await unknown_words(await self.choose(source, target), text, source, target, hop=hop)

    def provenance(self, source: str, target: str = "en") -> Translation:
        chosen = self._chosen.get((source, target))
        if chosen is None:
            return Translation(engine=self.name, source_language=source, target_language=target)
        return chosen.provenance(source, target)

    async def aclose(self) -> None:
        return None  # the registry closes the backends it shares with this one


BACKENDS: dict[str, type] = {
    "apertium": ApertiumTranslator,
    "argos": ArgosTranslator,
    "libretranslate": LibreTranslateTranslator,
}


class CachingTranslator:
    """A translator with an LRU of its translations, keyed by (engine, source, target, sha256 of the text)."""

    def __init__(self, inner: Translator, cache: OrderedDict[tuple[str, str, str, str], str], size: int) -> None:
        self.inner = inner
        self.name = inner.name
        self._cache = cache
        self._size = size

    def _key(self, text: str, source: str, target: str) -> tuple[str, str, str, str]:
        return (self.name, source, target, hashlib.sha256(text.encode("utf-8")).hexdigest())

    async def translate(self, texts: list[str], source: str, target: str = "en") -> list[str]:
        keys = [self._key(t, source, target) for t in texts]
        found: dict[int, str] = {}
        for i, key in enumerate(keys):
            if key in self._cache:
                self._cache.move_to_end(key)
                found[i] = self._cache[key]
        missing = [i for i in range(len(texts)) if i not in found]
        if missing:
            translated = await self.inner.translate([texts[i] for i in missing], source, target)
            if len(translated) != len(missing):
                raise TranslationError(f"{self.name}: returned {len(translated)} texts for {len(missing)}")
            for i, text in zip(missing, translated):
                found[i] = text
                self._cache[keys[i]] = text
                self._cache.move_to_end(keys[i])
            while len(self._cache) > self._size:
                self._cache.popitem(last=False)
        return [found[i] for i in range(len(texts))]

    async def unknown_words(self, text: str, source: str, target: str = "en", *, hop: int = 0) -> frozenset[str]:
        return await unknown_words(self.inner, text, source, target, hop=hop)

    def provenance(self, source: str, target: str = "en") -> Translation:
        return self.inner.provenance(source, target)

    async def aclose(self) -> None:
        await self.inner.aclose()


class TranslatorRegistry:
    """Which translator serves which source language, per ``settings.translation`` and ``settings.default_backend``."""

    def __init__(self, settings: NormalizeSettings, *, backends: Mapping[str, Translator] | None = None) -> None:
        self._settings = settings
        self._given = dict(backends or {})
        known = set(BACKENDS) | set(self._given) | {"none", "auto"}
        for lang, backend in [*settings.translation.items(), ("*", settings.default_backend)]:
            if backend not in known:
                where = "default_backend" if lang == "*" else f"translation[{lang!r}]"
                raise ValueError(f"normalize settings: {where} names unknown translation backend {backend!r} (known: {', '.join(sorted(known))})")
        self._cache: OrderedDict[tuple[str, str, str, str], str] = OrderedDict()
        self._translators: dict[str, CachingTranslator] = {}
        self._backends: dict[str, Translator] = {}

    def backend_name(self, language: str) -> str:
        return self._settings.translation.get(language, self._settings.default_backend)

    def _backend(self, name: str) -> Translator:
        """One instance per backend name, shared by "auto" and the languages that name it."""
        backend = self._backends.get(name)
        if backend is None:
            if name in self._given:
                backend = self._given[name]
            elif name == "auto":
                backend = AutoTranslator(self._backend("apertium"), self._backend("argos"))
            else:
                backend = BACKENDS[name](self._settings)
            self._backends[name] = backend
        return backend

    def for_language(self, language: str) -> Translator | None:
        """The (caching) translator for ``language``, or None when its backend is "none"."""
        name = self.backend_name(language)
        if name == "none":
            return None
        translator = self._translators.get(name)
        if translator is None:
            translator = self._translators[name] = CachingTranslator(self._backend(name), self._cache, self._settings.translation_cache_size)
        return translator

    async def aclose(self) -> None:
        for backend in self._backends.values():
            await backend.aclose()
        self._backends.clear()
        self._translators.clear()
