"""Figures for the normalize stage on the project's own corpus: language id, repairs, clean-text safety, Apertium throughput.

Run: .venv/bin/python bench/bench_normalize.py
"""

from __future__ import annotations

import asyncio
import random
import shutil
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from services.normalize.artifacts import KINDS, inject, paragraphs
from services.normalize.language import LanguageDetector, SecondOpinion
from services.normalize.repair import Repairer
from services.normalize.settings import NormalizeSettings
from services.normalize.translate import TranslatorRegistry

FIXTURES = ROOT / "tests" / "unit" / "fixtures" / "normalize"


def language_id() -> None:
    rows = [line.split("\t", 1) for line in (FIXTURES / "language_sentences.tsv").read_text(encoding="utf-8").splitlines() if line.strip()]
    for label, detector in (("fastText lite", LanguageDetector()), ("fastText + lingua second opinion", LanguageDetector(second_opinion=SecondOpinion()))):
        detector.detect("warm up")
        texts = [t for _, t in rows] * 20
        started = time.perf_counter()
        for text in texts:
            detector.detect(text)
        elapsed = time.perf_counter() - started
        right = sum(detector.detect(text)[0] == lang for lang, text in rows)
        chars = sum(len(t) for t in texts)
        print(f"language id ({label}): {right}/{len(rows)} right ({right / len(rows):.0%}) on {len(rows)} languages, {chars / elapsed:,.0f} chars/s")


def repairs() -> None:
    repairer = Repairer()
    clean = [p for f in sorted((FIXTURES / "clean_english").glob("*.txt")) for p in paragraphs(f.read_text(encoding="utf-8"))]
    tokens = sum(len(p.split()) for p in clean)
    started = time.perf_counter()
    changed = sum(len(repairer.repair("", p)[2]) for p in clean)
    elapsed = time.perf_counter() - started
    chars = sum(len(p) for p in clean)
    print(f"clean English: {len(clean)} paragraphs, {tokens} tokens, {changed} changed ({changed / tokens:.3%}); repair runs at {chars / elapsed:,.0f} chars/s")
    rng = random.Random(2024)
    tried, restored = Counter(), Counter()
    for paragraph in clean:
        for kind in KINDS:
            for _ in range(3):
                injected = inject(paragraph, kind, rng, repairer.names, repairer.lexicon)
                if injected is None:
                    continue
                tried[kind] += 1
                restored[kind] += repairer.repair("", injected.text)[1] == paragraph
    total_tried, total_restored = sum(tried.values()), sum(restored.values())
    print(f"injected artifacts restored exactly: {total_restored}/{total_tried} ({total_restored / total_tried:.1%})")
    for kind in KINDS:
        print(f"  {kind:18} {restored[kind]:4}/{tried[kind]:<4} ({restored[kind] / max(1, tried[kind]):.0%})")


async def apertium() -> None:
    if shutil.which("apertium") is None:
        print("apertium: not installed, skipped")
        return
    _, _, body = (FIXTURES / "spanish_agency.txt").read_text(encoding="utf-8").partition("\n\n")
    texts = [body] * 5
    for stream, how in ((True, "one long-running pipeline, the default"), (False, "one `apertium` process per call")):
        settings = NormalizeSettings(translation={"es": "apertium"}, translation_cache_size=0, apertium_stream=stream)
        registry = TranslatorRegistry(settings)
        try:
            translator = registry.for_language("es")
            started = time.perf_counter()
            await translator.translate(["Hola."], "es", "en")  # starts the pipeline (stream) or asks the pairs once
            first = time.perf_counter() - started
            started = time.perf_counter()
            for text in texts:
                await translator.translate([text], "es", "en")
            elapsed = time.perf_counter() - started
            chars = sum(len(t) for t in texts)
            print(f"apertium es→en, {how}: {chars / elapsed:,.0f} chars/s ({len(texts)} articles of {len(body)} chars, "
                  f"{elapsed / len(texts) * 1000:.0f} ms each; first call {first * 1000:.0f} ms)")
        finally:
            await registry.aclose()


def main() -> None:
    language_id()
    repairs()
    asyncio.run(apertium())


if __name__ == "__main__":
    main()
