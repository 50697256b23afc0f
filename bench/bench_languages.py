"""Languages, measured on real documents: one story in many languages, each copy compared with its English original.

    .venv/bin/python bench/bench_languages.py --ntrex ../shared/devdata/crosslingual/ntrex_dev.jsonl \\
        [--langid ../shared/devdata/langid] [--languages spa,fra,deu,...] [--docs 40]
    .venv/bin/python bench/bench_languages.py --devdata ../shared/devdata   # both (what `make bench` runs)
    .venv/bin/python bench/bench_languages.py --ntrex ../shared/devdata/crosslingual/ntrex_dev.jsonl --langid-ntrex fao,isl \\
        [--langid ../shared/devdata/langid --langid-show is,nb] --docs 0   # language id only, sentence by sentence

Per language (NTREX code): language id accuracy on the documents, the translation path and the share
translated, chrF against the English original (when sacrebleu is installed), the share of copies with at
least one linked entity among those whose English copy has one, the mean Jaccard of linked entity keys
against the English copy, and the median normalize time. With --langid, also the language id accuracy on
single sentences of 75 languages. The data is not part of the project: its paths are arguments.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import statistics
import sys
import time
import warnings
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
warnings.filterwarnings("ignore", message=r".*\[W095\].*")

from schemas import RawArticle  # noqa: E402
from services.normalize.core import Normalizer  # noqa: E402
from services.normalize.name_runs import find_name_runs  # noqa: E402
from services.normalize.language import (  # noqa: E402
    TITLE_MIN_WORDS,
    LanguageDetector,
    SecondOpinion,
    ShortTextJudge,
    title_is_english,
    to_iso639_1,
)
from services.runtime.settings import load_settings  # noqa: E402

ACCEPTANCE = "spa,fra,deu,ita,por,rus,zho-CN,arb,cat,glg,ron,hrv,srp-Latn,srp-Cyrl,bos,eus,isl,mkd"
# NTREX codes whose ISO 639-1 code to_iso639_1 does not give (Standard Arabic, Filipino as fastText names it).
_ISO = {"arb": "ar", "fil": "tl"}


def iso(code: str) -> str:
    return _ISO.get(code) or to_iso639_1(code.split("-", 1)[0])


def load(path: Path) -> dict[str, dict[str, dict]]:
    docs: dict[str, dict[str, dict]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            docs.setdefault(row["language"], {})[str(row["document"])] = row
    return docs


def _raw(row: dict) -> RawArticle:
    return RawArticle(id=f"ntrex-{row['document']}-{row['language']}", source="ntrex", title=row["title"], body=row["body"],
                      content_type="text/plain", fetched_at=datetime(2019, 1, 1, tzinfo=timezone.utc))


def _keys(tagged) -> set[str]:
    return {e.canonical_id for e in tagged.entities if e.canonical_id}


def _surfaces(tagged) -> dict[str, str]:
    """Linked key -> the first text it was found as (for --misses)."""
    found: dict[str, str] = {}
    for e in tagged.entities:
        if e.canonical_id:
            found.setdefault(e.canonical_id, f"{e.canonical_name} ({e.text})")
    return found


async def measure(docs: dict[str, dict[str, dict]], languages: list[str], n_docs: int, misses: int = 0) -> list[dict]:
    from services.tagger.core import Tagger
    from services.tagger.settings import TaggerSettings

    normalizer = Normalizer(load_settings().normalize)  # WIREWATCH_NORMALIZE__* apply: compare a setting off and on
    tagger = Tagger(TaggerSettings())
    english = docs.get("eng") or docs["eng-US"]
    ids = sorted(english, key=lambda d: (len(d), d))[:n_docs]
    try:
        chrf = __import__("sacrebleu").metrics.CHRF()
    except ImportError:
        chrf = None
    english_keys, english_names = {}, {}
    for doc in ids:
        article = await normalizer.normalize(_raw(english[doc]))
        tagged = tagger.tag(article)
        english_keys[doc], english_names[doc] = _keys(tagged), _surfaces(tagged)
    rows = []
    for code in languages:
        copies = docs.get(code, {})
        want = iso(code)
        times, right, translated, paths, hyps, refs, jaccards, linked, need = [], 0, 0, set(), [], [], [], 0, 0
        missed, extra = Counter(), Counter()
        names_found = names_total = 0
        for doc in ids:
            if doc not in copies:
                continue
            started = time.perf_counter()
            article = await normalizer.normalize(_raw(copies[doc]))
            times.append((time.perf_counter() - started) * 1000)
            right += article.language == want
            if article.translation is not None:
                translated += 1
                paths.add(article.translation.model or article.translation.engine)
            hyps.append(article.body)
            refs.append(english[doc]["body"])
            # The English original's names of two words or more ("Brett Kavanaugh", "Las Vegas") found as written.
            runs = [r.source for r in find_name_runs(english[doc]["body"]) if " " in r.source]
            names_total += len(runs)
            names_found += sum(r in article.body for r in runs)
            tagged = tagger.tag(article)
            keys = _keys(tagged)
            missed.update(english_names[doc][k] for k in english_keys[doc] - keys)
            names = _surfaces(tagged)
            extra.update(names[k] for k in keys - english_keys[doc])
            if english_keys[doc]:
                need += 1
                linked += bool(keys)
            union = keys | english_keys[doc]
            if union:
                jaccards.append(len(keys & english_keys[doc]) / len(union))
        if not times:
            continue
        n = len(times)
        rows.append({
            "code": code, "language": want, "docs": n, "langid": right / n, "translated": translated / n,
            "path": "+".join(sorted(paths)) or "none", "chrf": chrf.corpus_score(hyps, [refs]).score if chrf else None,
            "linked": linked / need if need else None, "jaccard": statistics.fmean(jaccards) if jaccards else None,
            "median_ms": statistics.median(times),
        })
        print(_line(rows[-1]), flush=True)
        if misses:
            print(f"    {code} names of 2+ words in the English original found as written: {names_found} of {names_total}")
            print(f"    {code} missed (in the English copy only): " + "; ".join(f"{n} x{c}" for n, c in missed.most_common(misses)))
            print(f"    {code} extra (in this copy only): " + "; ".join(f"{n} x{c}" for n, c in extra.most_common(misses)))
    await normalizer.aclose()
    return rows


def _fmt(value, spec: str) -> str:
    return "–" if value is None else format(value, spec)


def _line(r: dict) -> str:
    return (f"| {r['code']} | {r['language']} | {r['docs']} | {r['langid']:.2f} | {r['path']} | {r['translated']:.2f} | "
            f"{_fmt(r['chrf'], '.1f')} | {_fmt(r['linked'], '.2f')} | {_fmt(r['jaccard'], '.2f')} | {r['median_ms']:.0f} |")


def _detector() -> LanguageDetector:
    return LanguageDetector(second_opinion=SecondOpinion(), short_judge=ShortTextJudge())


def langid_sentences(folder: Path, show: frozenset[str] = frozenset()) -> tuple[float, int, int, float]:
    """Accuracy on every sentence; and over the sentences of 4 words or more, how many in other languages are taken
    for a surely English title (left untranslated over a body in another language), out of how many, and the share
    of the English ones that are. Prints the accuracy of the languages in ``show``, with what they were taken for."""
    detector = _detector()
    right = total = false_english = others = english_kept = english = 0
    for path in sorted(folder.glob("*.txt")):
        taken: Counter[str] = Counter()
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                total += 1
                found = detector.detect(line)[0]
                taken[found] += 1
                right += found == path.stem
                if len(line.split()) >= TITLE_MIN_WORDS:
                    kept = title_is_english(detector, line)
                    if path.stem == "en":
                        english, english_kept = english + 1, english_kept + kept
                    else:
                        others, false_english = others + 1, false_english + kept
        if path.stem in show:
            _print_taken(path.stem, taken)
    return right / total, false_english, others, english_kept / max(english, 1)


# A sentence ends at . ! or ? before a capital (or an opening quotation mark).
_SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+(?=[\"“‘'(]?[^\W\d_])")


def langid_ntrex_sentences(docs: dict[str, dict[str, dict]], codes: list[str]) -> None:
    """Language id on the titles and body sentences of the NTREX copies in ``codes`` (for a language the langid folder
    lacks, such as Faroese), one line each."""
    detector = _detector()
    for code in codes:
        taken: Counter[str] = Counter()
        for row in docs.get(code, {}).values():
            sentences = [row["title"], *(s for p in row["body"].splitlines() for s in _SENTENCE_BREAK.split(p))]
            taken.update(detector.detect(s.strip())[0] for s in sentences if s.strip())
        _print_taken(f"{code} ({iso(code)}, ntrex sentences)", taken, want=iso(code))


def _print_taken(name: str, taken: Counter[str], want: str | None = None) -> None:
    total = sum(taken.values())
    right = taken[want or name]
    print(f"  {name}: {right}/{total} ({right / max(total, 1):.3f}); taken for " + ", ".join(f"{c} {n}" for c, n in taken.most_common(6)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ntrex", type=Path, help="ntrex_dev.jsonl")
    parser.add_argument("--langid", type=Path, help="folder of XX.txt sentence files")
    parser.add_argument("--devdata", type=Path, help="a devdata folder: --ntrex and --langid from it")
    parser.add_argument("--languages", default=ACCEPTANCE, help="NTREX codes, comma-separated, or 'all'")
    parser.add_argument("--docs", type=int, default=40, help="documents per language")
    parser.add_argument("--langid-show", default="", help="with --langid: also each of these languages' accuracy (ISO 639-1 file names, comma-separated)")
    parser.add_argument("--langid-ntrex", default="", help="with --ntrex: language id on the titles and body sentences of these NTREX codes (e.g. fao,isl); no normalizing")
    parser.add_argument("--misses", type=int, default=0, help="also print the N entities most often missed and most often linked only in the copy, per language")
    args = parser.parse_args()
    if args.devdata:
        args.ntrex = args.ntrex or args.devdata / "crosslingual" / "ntrex_dev.jsonl"
        args.langid = args.langid or args.devdata / "langid"
    if not args.ntrex and not args.langid:
        print("bench_languages: no data given (--ntrex, --langid or --devdata); nothing measured")
        return
    if args.ntrex:
        docs = load(args.ntrex)
        languages = sorted(c for c in docs if not c.startswith("eng")) if args.languages == "all" else args.languages.split(",")
        if args.langid_ntrex:
            print(f"language id on the sentences of NTREX copies ({args.ntrex}):")
            langid_ntrex_sentences(docs, args.langid_ntrex.split(","))
            if not args.langid:
                return
        print(f"data: {args.ntrex} ({args.docs} documents per language; shared machine, times are noisy)")
        print("| NTREX | code | docs | language id | translation path | translated | chrF | ≥1 linked (when English has one) | entity Jaccard vs English | median normalize ms |")
        print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
        asyncio.run(measure(docs, languages, args.docs, args.misses))
    if args.langid:
        accuracy, false_english, others, english_kept = langid_sentences(args.langid, frozenset(filter(None, args.langid_show.split(","))))
        print(f"language id on single sentences ({args.langid}): {accuracy:.4f}")
        print(f"titles taken for English over a body in another language: {false_english} of {others} sentences of "
              f"{TITLE_MIN_WORDS}+ words in other languages; {english_kept:.2f} of the English ones")


if __name__ == "__main__":
    main()
