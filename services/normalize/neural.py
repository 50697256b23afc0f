"""Neural translation backends: Argos Translate (offline, installed language packages) and a LibreTranslate server."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp

from schemas import Translation
from schemas.models import TranslationHop
from services.normalize.backends import check_count
from services.normalize.changes import excerpt
from services.normalize.errors import TranslationError, TranslationUnavailable
from services.normalize.settings import NormalizeSettings

__all__ = ["ArgosTranslator", "LibreTranslateTranslator", "argos_languages"]


def argos_languages() -> frozenset[str]:
    """Source languages an installed Argos package translates into English; empty without argostranslate."""
    try:
        import argostranslate.package as argos_package
    except ImportError:
        return frozenset()
    try:
        return frozenset(p.from_code for p in argos_package.get_installed_packages() if p.to_code == "en")
    except Exception:  # noqa: BLE001 - a broken Argos install offers nothing
        return frozenset()


def _one_hop(engine: str, model: str | None, version: str | None, source: str, target: str) -> Translation:
    hop = TranslationHop(engine=engine, model=model, version=version, source_language=source, target_language=target)
    return Translation(engine=engine, model=model, version=version, source_language=source, target_language=target, hops=[hop])


class ArgosTranslator:
    """Offline neural translation with Argos Translate (CTranslate2 models installed as Argos packages)."""

    name = "argos"

    def __init__(self, settings: NormalizeSettings) -> None:
        self._timeout = settings.translation_timeout_s
        self._models: dict[str, tuple[str | None, str | None]] = {}

    @staticmethod
    def _import() -> tuple[Any, Any]:
        try:
            import argostranslate.package as argos_package
            import argostranslate.translate as argos_translate
        except ImportError as exc:
            raise TranslationUnavailable(
                "argos: the argostranslate package is not installed (pip install argostranslate, then install a language package)"
            ) from exc
        return argos_package, argos_translate

    def _translate_blocking(self, texts: list[str], source: str, target: str) -> list[str]:
        argos_package, argos_translate = self._import()
        codes = {language.code for language in argos_translate.get_installed_languages()}
        missing = [code for code in (source, target) if code not in codes]
        if missing:
            raise TranslationUnavailable(f"argos: no installed language package for {source}->{target} (missing: {', '.join(missing)})")
        translation = argos_translate.get_translation_from_codes(source, target)
        if translation is None:
            raise TranslationUnavailable(f"argos: no installed translation {source}->{target}")
        key = f"{source}-{target}"
        if key not in self._models:
            self._models[key] = self._package_of(argos_package, source, target)
        out = []
        for text in texts:
            # Argos splits on single newlines; blank lines would be translated as empty paragraphs.
            paragraphs = text.split("\n\n")
            out.append("\n\n".join(translation.translate(p) if p.strip() else p for p in paragraphs))
        return out

    @staticmethod
    def _package_of(argos_package: Any, source: str, target: str) -> tuple[str | None, str | None]:
        try:
            for package in argos_package.get_installed_packages():
                if package.from_code == source and package.to_code == target:
                    return f"translate-{source}_{target}", getattr(package, "package_version", None)
        except Exception:  # noqa: BLE001 - provenance is best effort; the translation itself worked
            pass
        # Reached through a pivot language: no single package names it.
        return None, None

    async def translate(self, texts: list[str], source: str, target: str = "en") -> list[str]:
        if not texts:
            return []
        try:
            # The thread cannot be stopped on timeout; the result is dropped and the worker moves on.
            out = await asyncio.wait_for(asyncio.to_thread(self._translate_blocking, texts, source, target), self._timeout)
        except TimeoutError as exc:
            raise TranslationError(f"argos: timed out after {self._timeout:g}s") from exc
        except TranslationError:
            raise
        except Exception as exc:  # noqa: BLE001 - any library failure is a failed translation, not a crashed worker
            raise TranslationError(f"argos: {type(exc).__name__}: {exc}") from exc
        return check_count(self.name, texts, out)

    def provenance(self, source: str, target: str = "en") -> Translation:
        model, version = self._models.get(f"{source}-{target}", (None, None))
        return _one_hop(self.name, model, version, source, target)

    async def aclose(self) -> None:
        return None


class LibreTranslateTranslator:
    """A LibreTranslate server's ``POST /translate`` API."""

    name = "libretranslate"

    def __init__(self, settings: NormalizeSettings) -> None:
        self._url = settings.libretranslate_url.rstrip("/") + "/translate"
        self._api_key = settings.libretranslate_api_key.get_secret_value() if settings.libretranslate_api_key else None
        self._timeout = settings.translation_timeout_s
        self._session: aiohttp.ClientSession | None = None

    def _session_for_loop(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=self._timeout))
        return self._session

    async def translate(self, texts: list[str], source: str, target: str = "en") -> list[str]:
        if not texts:
            return []
        payload: dict[str, Any] = {"q": texts, "source": source, "target": target, "format": "text"}
        if self._api_key:
            payload["api_key"] = self._api_key
        try:
            async with self._session_for_loop().post(self._url, json=payload) as response:
                body = await response.text(errors="replace")
                if response.status != 200:
                    raise TranslationError(f"libretranslate: HTTP {response.status} from {self._url}: {excerpt(body.strip(), 200)}")
                try:
                    data = await response.json(content_type=None)
                except ValueError as exc:
                    raise TranslationError(f"libretranslate: reply is not JSON: {excerpt(body.strip(), 200)}") from exc
        except TimeoutError as exc:
            raise TranslationError(f"libretranslate: no reply from {self._url} within {self._timeout:g}s") from exc
        except aiohttp.ClientError as exc:
            raise TranslationError(f"libretranslate: request to {self._url} failed: {type(exc).__name__}: {exc}") from exc
        translated = data.get("translatedText") if isinstance(data, dict) else None
        if isinstance(translated, str):
            translated = [translated]
        if not isinstance(translated, list) or not all(isinstance(t, str) for t in translated):
            raise TranslationError(f"libretranslate: reply has no translatedText list: {excerpt(str(data), 200)}")
        return check_count(self.name, texts, translated)

    def provenance(self, source: str, target: str = "en") -> Translation:
        return _one_hop(self.name, None, None, source, target)

    async def aclose(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None
