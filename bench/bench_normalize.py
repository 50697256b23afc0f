"""Figures for the normalize stage on the project's own corpus: language id, repairs, clean-text safety, Apertium throughput.

Run: .venv/bin/python bench/bench_normalize.py [--ntrex ../shared/devdata/crosslingual/ntrex_dev.jsonl]

With --ntrex, the repairs are also measured on real professional English (the NTREX ``eng`` documents): how many
tokens of the clean text they change, and how many of the seed's four kinds of scar (bench/scars.py) injected into
it, one at a time, they restore exactly.
"""

from __future__ import annotations

import argparse
import asyncio
import difflib
import json
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

from bench.scars import SCAR_KINDS, inject as inject_scar

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


def _changed_tokens(before: str, after: str) -> int:
    a, b = before.split(), after.split()
    kept = sum(block.size for block in difflib.SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks())
    return len(a) - kept


def ntrex_repairs(path: Path, per_kind: int) -> None:
    repairer = Repairer()
    docs = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    docs = [d for d in docs if d.get("language") == "eng"]
    tokens = changed = identical = 0
    examples: list[str] = []
    for translated in (True, False):
        tokens = changed = identical = 0
        for d in docs:
            title, body, _ = repairer.repair(d["title"], d["body"], translated=translated)
            identical += (title, body) == (d["title"], d["body"])
            for before, after in ((d["title"], title), (d["body"], body)):
                tokens += len(before.split())
                n = _changed_tokens(before, after)
                changed += n
                if n and translated:
                    for op in difflib.SequenceMatcher(None, before.split(), after.split(), autojunk=False).get_opcodes():
                        if op[0] != "equal" and len(examples) < 12:
                            examples.append(f"{' '.join(before.split()[op[1]:op[2]])!r} -> {' '.join(after.split()[op[3]:op[4]])!r}")
        how = "as machine-translated" if translated else "as written English"
        print(f"NTREX English ({path}), repaired {how}: {len(docs)} documents, {identical} byte-identical, "
              f"{changed}/{tokens} clean tokens changed ({changed / max(1, tokens):.3%})")
    for example in examples:
        print(f"    {example}")
    rng = random.Random(15)
    tried, restored = Counter(), Counter()
    misses: dict[str, list[str]] = {k: [] for k in SCAR_KINDS}
    for kind in SCAR_KINDS:
        for _ in range(per_kind):
            d = rng.choice(docs)
            scar = inject_scar(d["body"], kind, rng, repairer.lexicon)
            if scar is None:
                continue
            tried[kind] += 1
            out = repairer.repair(d["title"], scar.text)[1]
            evidence = kind != "lowercase-name" or _has_evidence(repairer, scar, d["title"])
            tried[kind, evidence] += 1
            if out == d["body"]:
                restored[kind] += 1
                restored[kind, evidence] += 1
            elif len(misses[kind]) < 4:
                misses[kind].append(f"{scar.before!r} -> {scar.after!r}")
    total_tried, total_restored = sum(tried[k] for k in SCAR_KINDS), sum(restored[k] for k in SCAR_KINDS)
    print(f"NTREX English, the seed's scars injected one at a time into a document body: "
          f"{total_restored}/{total_tried} ({total_restored / max(1, total_tried):.1%}) restored exactly")
    for kind in SCAR_KINDS:
        print(f"  {kind:16} {restored[kind]:4}/{tried[kind]:<4} ({restored[kind] / max(1, tried[kind]):.0%})  missed e.g. {'; '.join(misses[kind][:3])}")
    name = "lowercase-name"
    with_evidence = total_restored - restored[name, False], total_tried - tried[name, False]
    print(f"  of the lower-cased names, {tried[name, True]} had evidence (the name capitalised elsewhere in the article, a "
          f"gazetteer name, or a word English writes only capitalised): {restored[name, True]} ({restored[name, True] / max(1, tried[name, True]):.0%}) restored; "
          f"{tried[name, False]} had none: {restored[name, False]} restored")
    print(f"  all kinds, counting only the scars the text holds evidence for: {with_evidence[0]}/{with_evidence[1]} "
          f"({with_evidence[0] / max(1, with_evidence[1]):.1%}) restored exactly")


def article_repairs(path: Path, per_kind: int) -> None:
    """The same scars in other English news (devdata stories/galaxy_dev.jsonl: other publishers, other stories).

    The articles are cleaned as the pipeline cleans them (mojibake mended) and name variants are left on their
    spelling (Kiev -> Kyiv is policy, not damage). Such text carries real scars of its own, so the changes to
    it are counted by rule, and a scar counts as restored when the repaired scarred body equals the repaired
    original."""
    from services.normalize.cleanup import clean_body, clean_title

    repairer = Repairer(disabled=frozenset({"names:variant"}))
    docs = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    docs = [{"title": clean_title(d["title"])[0], "body": clean_body(d["body"])[0]} for d in docs if d.get("language", "eng") in ("eng", "en")]
    tokens = changed = 0
    rules: Counter[str] = Counter()
    reference = []
    for d in docs:
        title, body, changes = repairer.repair(d["title"], d["body"])
        reference.append(body)
        tokens += len(d["title"].split()) + len(d["body"].split())
        changed += _changed_tokens(d["title"], title) + _changed_tokens(d["body"], body)
        rules.update(c.rule for c in changes)
    print(f"{path.name}: {len(docs)} articles, {changed}/{tokens} tokens changed ({changed / max(1, tokens):.3%}; real scars "
          f"included) by rule: {', '.join(f'{r} {n}' for r, n in rules.most_common())}")
    rng = random.Random(15)
    tried, restored = Counter(), Counter()
    for kind in SCAR_KINDS:
        for _ in range(per_kind):
            k = rng.randrange(len(docs))
            scar = inject_scar(docs[k]["body"], kind, rng, repairer.lexicon)
            if scar is None:
                continue
            tried[kind] += 1
            restored[kind] += repairer.repair(docs[k]["title"], scar.text)[1] == reference[k]
    total_tried, total_restored = sum(tried.values()), sum(restored.values())
    print(f"{path.name}, the seed's scars injected one at a time: {total_restored}/{total_tried} ({total_restored / max(1, total_tried):.1%}) "
          f"restored to what the repair makes of the original; " + ", ".join(f"{k} {restored[k] / max(1, tried[k]):.0%}" for k in SCAR_KINDS))


def _has_evidence(repairer: Repairer, scar, title: str) -> bool:
    import re

    name = scar.before
    elsewhere = len(re.findall(rf"(?<![^\W\d_]){re.escape(name)}(?![^\W\d_])", title + "\n" + scar.text))
    return (elsewhere > 0 or scar.after in repairer.known.words or scar.after in repairer.names.canonical_words()
            or repairer.case.name(scar.after) is not None)


def extraction() -> None:
    """HTML to text: the test fixture's article page, and a 1.7 MB page of 20,000 paragraphs (tests pin that it is whole)."""
    from services.normalize.extract import html_to_text

    page = (FIXTURES / "article_page.html").read_text(encoding="utf-8")
    runs = 50
    started = time.perf_counter()
    for _ in range(runs):
        html_to_text(page)
    each = (time.perf_counter() - started) / runs
    huge = "<html><body>" + "".join(
        f"<p>Item {i}: the committee met again and discussed the harbour budget in detail.</p>" for i in range(20_000)) + "</body></html>"
    started = time.perf_counter()
    result = html_to_text(huge)
    took = time.perf_counter() - started
    print(f"HTML extraction: article page ({len(page):,} chars) {1000 * each:.1f} ms; {len(huge) / 1e6:.1f} MB page of 20,000 "
          f"paragraphs {took:.1f} s ({len(huge) / took:,.0f} chars/s, {len(result.text.split(chr(10) * 2)):,} paragraphs, {result.method})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ntrex", type=Path, help="NTREX JSONL (devdata crosslingual/ntrex_dev.jsonl): measure repairs on its English documents")
    parser.add_argument("--articles", type=Path, help="English news JSONL with title and body (devdata stories/galaxy_dev.jsonl): "
                        "the same scars in other news")
    parser.add_argument("--per-kind", type=int, default=400, help="scars injected per kind with --ntrex or --articles")
    parser.add_argument("--only-ntrex", action="store_true", help="skip the figures on the project's own corpus")
    args = parser.parse_args()
    if args.ntrex:
        ntrex_repairs(args.ntrex, args.per_kind)
    if args.articles:
        article_repairs(args.articles, args.per_kind)
    if (args.ntrex or args.articles) and args.only_ntrex:
        return
    language_id()
    extraction()
    repairs()
    asyncio.run(apertium())


if __name__ == "__main__":
    main()
