"""What every translation backend is: the ``Translator`` protocol, the output check they share, and "none"."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

from schemas import Translation
from services.normalize.changes import excerpt
from services.normalize.errors import TranslationError

__all__ = ["Translator", "NoTranslator", "check_count"]


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
