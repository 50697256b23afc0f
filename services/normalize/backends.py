"""What every translation backend is: the ``Translator`` protocol, the output check they share, and "none"."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

from schemas import Translation
from services.normalize.changes import excerpt
from services.normalize.errors import TranslationError

__all__ = ["Translator", "SourceText", "TranslatedText", "NoTranslator", "check_count", "kept_spans", "untranslated_spans"]


Span = tuple[int, int]


class SourceText(str):
    """A text to translate with spans that must come out as given, untranslated: ``keep`` holds
    ``(start, end, replacement)`` (a name the gazetteer knows and its English name). A backend that
    cannot keep a span (any but Apertium) reads it as the plain text it is."""

    keep: tuple[tuple[int, int, str], ...]

    def __new__(cls, text: str, keep: tuple[tuple[int, int, str], ...] = ()) -> SourceText:
        self = super().__new__(cls, text)
        self.keep = tuple(keep)
        return self


class TranslatedText(str):
    """A translation that knows which of its words the engine could not translate: ``untranslated`` holds the
    spans of words copied from the source language as they stand (Apertium's unknown words), which no English
    repair may edit. ``kept`` holds the spans where the replacements a ``SourceText`` asked for stand. A plain
    ``str`` from a backend that cannot tell means none are known."""

    untranslated: tuple[Span, ...]
    kept: tuple[Span, ...]

    def __new__(cls, text: str, untranslated: tuple[Span, ...] = (), kept: tuple[Span, ...] = ()) -> TranslatedText:
        self = super().__new__(cls, text)
        self.untranslated = tuple(untranslated)
        self.kept = tuple(kept)
        return self


def untranslated_spans(text: str) -> tuple[Span, ...]:
    """The spans of untranslated words a backend recorded in ``text`` (none for a plain string)."""
    return text.untranslated if isinstance(text, TranslatedText) else ()


def kept_spans(text: str) -> tuple[Span, ...]:
    """The spans of ``text`` (a translation) where the replacements its source asked to keep stand (none for a plain string)."""
    return text.kept if isinstance(text, TranslatedText) else ()


@runtime_checkable
class Translator(Protocol):
    """Translates texts from ``source`` (ISO 639-1) into ``target``, one output per input, in order."""

    name: str

    async def translate(self, texts: list[str], source: str, target: str = "en") -> list[str]: ...

    def provenance(self, source: str, target: str = "en") -> Translation:
        """Engine, model and version that translate ``source`` into ``target``, as known so far."""
        ...

    async def aclose(self) -> None: ...


def check_count(engine: str, texts: Sequence[str], out: Sequence[str]) -> list[str]:
    """``out`` as a list, or TranslationError when it has the wrong length or lost a text."""
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
