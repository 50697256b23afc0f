"""Translation backends behind one interface, and the registry that picks one per source language.

Every backend raises ``TranslationError`` (``TranslationUnavailable`` when it cannot
serve a language pair at all); the caller decides what an untranslated article
looks like. Backends are created lazily, so a language never configured never
starts a process or opens a session.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import re
import signal
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import aiohttp

from schemas import Translation
from services.normalize.changes import excerpt
from services.normalize.errors import TranslationError, TranslationUnavailable
from services.normalize.settings import NormalizeSettings
from services.runtime.logs import get_logger

__all__ = [
    "Translator",
    "ApertiumTranslator",
    "ArgosTranslator",
    "LibreTranslateTranslator",
    "NoTranslator",
    "CachingTranslator",
    "TranslatorRegistry",
    "BACKENDS",
    "APERTIUM_CODES",
]

log = get_logger(__name__)


@runtime_checkable
class Translator(Protocol):
    """Translates texts from ``source`` (ISO 639-1) into ``target``, one output per input, in order."""

    name: str

    async def translate(self, texts: list[str], source: str, target: str = "en") -> list[str]: ...

    def provenance(self, source: str, target: str = "en") -> Translation:
        """Engine, model and version that translate ``source`` into ``target``, as known so far."""
        ...

    async def aclose(self) -> None: ...


def _check_count(engine: str, texts: Sequence[str], out: Sequence[str]) -> list[str]:
    if len(out) != len(texts):
        raise TranslationError(f"{engine}: returned {len(out)} texts for {len(texts)}")
    for original, translated in zip(texts, out):
        if original.strip() and not translated.strip():
            raise TranslationError(f"{engine}: returned empty text for {excerpt(original, 60)!r}")
    return list(out)


class NoTranslator:
    """The "none" backend: leaves text as it is. The normalizer treats it as no translation."""

    name = "none"

    async def translate(self, texts: list[str], source: str, target: str = "en") -> list[str]:
        return list(texts)

    def provenance(self, source: str, target: str = "en") -> Translation:
        return Translation(engine=self.name, source_language=source, target_language=target)

    async def aclose(self) -> None:
        return None


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

# A line Apertium copies through unchanged (checked by the tests against the installed
# binary), used to send title and body through one process and split them after.
_SEPARATOR = "|||wirewatch-separator|||"
_SPLIT = re.compile(r"\n*[ \t]*" + re.escape(_SEPARATOR) + r"[ \t]*\n*")


class _ProcessResult:
    __slots__ = ("returncode", "stdout", "stderr")

    def __init__(self, returncode: int, stdout: bytes, stderr: bytes) -> None:
        self.returncode = returncode
        self.stdout = stdout
        self.stderr = stderr


async def _run(args: list[str], stdin: bytes | None, timeout: float, *, engine: str) -> _ProcessResult:
    """Run a process to completion; on timeout or cancellation kill its whole process group."""
    try:
        proc = await asyncio.create_subprocess_exec(
            *args,
            stdin=asyncio.subprocess.PIPE if stdin is not None else asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            # Its own group: apertium is a shell script whose pipeline children must die with it.
            start_new_session=True,
        )
    except FileNotFoundError as exc:
        raise TranslationUnavailable(f"{engine}: program {args[0]!r} not found") from exc
    except PermissionError as exc:
        raise TranslationUnavailable(f"{engine}: program {args[0]!r} is not executable") from exc
    try:
        stdout, stderr = await asyncio.wait_for(proc.communicate(stdin), timeout)
    except TimeoutError as exc:
        await _kill(proc)
        raise TranslationError(f"{engine}: timed out after {timeout:g}s; process killed") from exc
    except BaseException:
        await _kill(proc)
        raise
    return _ProcessResult(proc.returncode if proc.returncode is not None else -1, stdout, stderr)


async def _kill(proc: asyncio.subprocess.Process) -> None:
    if proc.returncode is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        try:
            proc.kill()
        except ProcessLookupError:
            pass
    await proc.wait()


# Apertium's stream format reserves these characters; its txt deformatter escapes them the same way.
_STREAM_RESERVED = re.compile(r"([\\\[\]^$/@<>{}])")
_STREAM_BLANK = re.compile(r"[ \t]*\n\s*|[~#]")
_STREAM_TOKEN = re.compile(r"\\(.)|\[((?:\\.|[^\]\\])*)\]|([^\\\[]+)|(.)", re.DOTALL)
_STREAM_UNESCAPE = re.compile(r"\\(.)", re.DOTALL)


def _deformat(text: str) -> str:
    """Plain text as Apertium's stream format: reserved characters escaped, line breaks kept as
    superblanks (passed through untranslated), and the ``.[]`` ending apertium-destxt adds so the
    last sentence is flushed."""
    out = []
    position = 0
    for blank in _STREAM_BLANK.finditer(text):
        out.append(_STREAM_RESERVED.sub(r"\\\1", text[position : blank.start()]))
        out.append("[" + _STREAM_RESERVED.sub(r"\\\1", blank.group()) + "]")
        position = blank.end()
    out.append(_STREAM_RESERVED.sub(r"\\\1", text[position:]))
    return "".join(out) + ".[]"


def _reformat(stream: str) -> str:
    """Apertium's stream output back to text, as apertium-retxt does."""
    if stream.endswith(".[]"):
        stream = stream[:-3]
    elif stream.endswith("[]"):
        stream = stream[:-2]
    out = []
    for match in _STREAM_TOKEN.finditer(stream):
        escaped, blank, plain, other = match.groups()
        if escaped is not None:
            out.append(escaped)
        elif blank is not None:
            out.append(_STREAM_UNESCAPE.sub(r"\1", blank))
        else:
            out.append(plain if plain is not None else other)
    return "".join(out)


class _ApertiumStream:
    """One language pair's Apertium pipeline kept running in null-flush mode (``-z``): a text goes
    in terminated by NUL and comes out terminated by NUL, with no process started per article.
    Requests are serialized; a stuck or dead pipeline is killed and started again on the next call."""

    def __init__(self, command: str, pair: str, timeout: float) -> None:
        self._command = command
        self._pair = pair
        self._timeout = timeout
        self._proc: asyncio.subprocess.Process | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._lock: asyncio.Lock | None = None

    @classmethod
    async def open(cls, data_dir: Path, pair: str, timeout: float) -> _ApertiumStream | None:
        """The pair's pipeline from its mode file, or None where the mode file or apertium-wblank-mode is missing."""
        mode = data_dir / "modes" / f"{pair}.mode"
        if not mode.is_file():
            return None
        try:
            result = await _run(["apertium-wblank-mode", "-z", str(mode)], None, timeout, engine="apertium-wblank-mode")
        except TranslationError:
            return None
        command = result.stdout.decode("utf-8", "replace").strip()
        if result.returncode != 0 or not command:
            return None
        return cls(command, pair, timeout)

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None and self._proc.returncode is None else None

    async def _start(self) -> asyncio.subprocess.Process:
        loop = asyncio.get_running_loop()
        if self._proc is not None and (self._proc.returncode is not None or self._loop is not loop):
            await self.aclose()
        if self._proc is None:
            # The mode file's $1 is the generator's flag (-n: no unknown-word marks, as `apertium -u`), $2 the tagger's.
            self._proc = await asyncio.create_subprocess_exec(
                "bash", "-c", self._command, "apertium-stream", "-n", "",
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.DEVNULL,
                start_new_session=True,
                limit=64 * 1024 * 1024,
            )
            self._loop = loop
        return self._proc

    async def translate(self, text: str) -> str:
        if self._lock is None or self._loop is not asyncio.get_running_loop():
            self._lock = asyncio.Lock()
        async with self._lock:
            proc = await self._start()
            assert proc.stdin is not None and proc.stdout is not None
            stdin, stdout = proc.stdin, proc.stdout

            async def send() -> None:
                stdin.write(_deformat(text.replace("\0", "")).encode("utf-8") + b"\0")
                await stdin.drain()

            try:
                _, out = await asyncio.wait_for(asyncio.gather(send(), stdout.readuntil(b"\0")), self._timeout)
            except TimeoutError as exc:
                await self.aclose()
                raise TranslationError(f"apertium {self._pair}: no answer from the pipeline within {self._timeout:g}s; restarted") from exc
            except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError) as exc:
                await self.aclose()
                raise TranslationError(f"apertium {self._pair}: pipeline ended unexpectedly ({type(exc).__name__}); restarted") from exc
            except BaseException:
                await self.aclose()
                raise
            return _reformat(out[:-1].decode("utf-8", "replace")).strip("\n")

    async def aclose(self) -> None:
        proc, self._proc = self._proc, None
        if proc is not None:
            if proc.stdin is not None:
                proc.stdin.close()
            await _kill(proc)


class ApertiumTranslator:
    """Rule-based translation with Apertium: a long-running pipeline per pair (``apertium_stream``),
    else the ``apertium`` command-line program, one process per call."""

    name = "apertium"

    def __init__(self, settings: NormalizeSettings) -> None:
        self._bin = settings.apertium_bin
        self._timeout = settings.translation_timeout_s
        self._pairs: frozenset[str] | None = None
        self._versions: dict[str, str | None] = {}
        self._lock = asyncio.Lock()
        self._stream_enabled = settings.apertium_stream
        self._data_dir = settings.apertium_data_dir
        self._streams: dict[str, _ApertiumStream | None] = {}

    async def pairs(self) -> frozenset[str]:
        """Installed language pairs, as ``apertium -l`` lists them (asked once)."""
        async with self._lock:
            if self._pairs is None:
                result = await _run([self._bin, "-l"], None, self._timeout, engine=self.name)
                if result.returncode != 0:
                    raise TranslationUnavailable(f"{self.name}: '{self._bin} -l' exited {result.returncode}: {excerpt(result.stderr.decode('utf-8', 'replace').strip(), 200)}")
                self._pairs = frozenset(line.strip() for line in result.stdout.decode("utf-8", "replace").splitlines() if line.strip())
            return self._pairs

    @staticmethod
    def _codes(source: str, target: str) -> tuple[str, str]:
        return APERTIUM_CODES.get(source, source), APERTIUM_CODES.get(target, target)

    async def pair_for(self, source: str, target: str) -> str:
        """The installed pair translating ``source`` into ``target``, or TranslationUnavailable."""
        src, tgt = self._codes(source, target)
        installed = await self.pairs()
        for pair in (f"{src}-{tgt}", f"{source}-{target}"):
            if pair in installed:
                return pair
        listed = ", ".join(sorted(installed)) or "none"
        raise TranslationUnavailable(f"{self.name}: no installed pair {src}-{tgt} (installed: {listed})")

    async def _version(self, source: str, target: str) -> str | None:
        key = f"{source}-{target}"
        if key not in self._versions:
            src, tgt = self._codes(source, target)
            version = None
            # Debian names the package after both languages, in either order.
            for package in (f"apertium-{tgt}-{src}", f"apertium-{src}-{tgt}"):
                try:
                    result = await _run(["dpkg-query", "-W", "-f=${Version}", package], None, 10.0, engine="dpkg-query")
                except TranslationError:
                    break
                if result.returncode == 0 and result.stdout.strip():
                    version = result.stdout.decode("utf-8", "replace").strip()
                    break
            self._versions[key] = version
        return self._versions[key]

    async def _translate_one(self, text: str, pair: str) -> str:
        result = await _run([self._bin, "-u", pair], text.encode("utf-8"), self._timeout, engine=self.name)
        if result.returncode != 0:
            stderr = result.stderr.decode("utf-8", "replace").strip()
            raise TranslationError(f"{self.name} {pair}: exited {result.returncode}: {excerpt(stderr, 200)}")
        return result.stdout.decode("utf-8", "replace").strip("\n")

    async def _stream(self, pair: str) -> _ApertiumStream | None:
        if not self._stream_enabled:
            return None
        if pair not in self._streams:
            self._streams[pair] = await _ApertiumStream.open(self._data_dir, pair, self._timeout)
            if self._streams[pair] is None:
                log.warning("normalize.apertium_stream_unavailable", pair=pair, data_dir=str(self._data_dir), fallback="one process per call")
        return self._streams[pair]

    async def translate(self, texts: list[str], source: str, target: str = "en") -> list[str]:
        if not texts:
            return []
        pair = await self.pair_for(source, target)
        await self._version(source, target)
        stream = await self._stream(pair)
        if stream is not None:
            return _check_count(self.name, texts, [await stream.translate(t) if t.strip() else t for t in texts])
        if len(texts) == 1:
            return _check_count(self.name, texts, [await self._translate_one(texts[0], pair)])
        if not any(_SEPARATOR in t for t in texts):
            joined = f"\n\n{_SEPARATOR}\n\n".join(texts)
            parts = _SPLIT.split(await self._translate_one(joined, pair))
            if len(parts) == len(texts):
                return _check_count(self.name, texts, [p.strip("\n") for p in parts])
        # The separator did not survive (or the text contains it): one process per text.
        return _check_count(self.name, texts, [await self._translate_one(t, pair) for t in texts])

    def provenance(self, source: str, target: str = "en") -> Translation:
        src, tgt = self._codes(source, target)
        return Translation(
            engine=self.name,
            model=f"{src}-{tgt}",
            version=self._versions.get(f"{source}-{target}"),
            source_language=source,
            target_language=target,
        )

    async def aclose(self) -> None:
        for stream in self._streams.values():
            if stream is not None:
                await stream.aclose()
        self._streams.clear()


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
        return _check_count(self.name, texts, out)

    def provenance(self, source: str, target: str = "en") -> Translation:
        model, version = self._models.get(f"{source}-{target}", (None, None))
        return Translation(engine=self.name, model=model, version=version, source_language=source, target_language=target)

    async def aclose(self) -> None:
        return None


class LibreTranslateTranslator:
    """A LibreTranslate server's ``POST /translate`` API."""

    name = "libretranslate"

    def __init__(self, settings: NormalizeSettings) -> None:
        self._url = settings.libretranslate_url.rstrip("/") + "/translate"
        self._api_key = settings.libretranslate_api_key
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
        return _check_count(self.name, texts, translated)

    def provenance(self, source: str, target: str = "en") -> Translation:
        return Translation(engine=self.name, source_language=source, target_language=target)

    async def aclose(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None


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

    def provenance(self, source: str, target: str = "en") -> Translation:
        return self.inner.provenance(source, target)

    async def aclose(self) -> None:
        await self.inner.aclose()


class TranslatorRegistry:
    """Which translator serves which source language, per ``settings.translation`` and ``settings.default_backend``."""

    def __init__(self, settings: NormalizeSettings, *, backends: Mapping[str, Translator] | None = None) -> None:
        self._settings = settings
        self._given = dict(backends or {})
        known = set(BACKENDS) | set(self._given) | {"none"}
        for lang, backend in [*settings.translation.items(), ("*", settings.default_backend)]:
            if backend not in known:
                where = "default_backend" if lang == "*" else f"translation[{lang!r}]"
                raise ValueError(f"normalize settings: {where} names unknown translation backend {backend!r} (known: {', '.join(sorted(known))})")
        self._cache: OrderedDict[tuple[str, str, str, str], str] = OrderedDict()
        self._translators: dict[str, CachingTranslator] = {}

    def backend_name(self, language: str) -> str:
        return self._settings.translation.get(language, self._settings.default_backend)

    def for_language(self, language: str) -> Translator | None:
        """The (caching) translator for ``language``, or None when its backend is "none"."""
        name = self.backend_name(language)
        if name == "none":
            return None
        translator = self._translators.get(name)
        if translator is None:
            inner = self._given.get(name) or BACKENDS[name](self._settings)
            translator = self._translators[name] = CachingTranslator(inner, self._cache, self._settings.translation_cache_size)
        return translator

    async def aclose(self) -> None:
        for translator in self._translators.values():
            await translator.aclose()
        self._translators.clear()
