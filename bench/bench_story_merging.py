"""Story merging on real news: the story stage run with merging off and at several margins, on the same streams.

    .venv/bin/python bench/bench_story_merging.py [--events galaxy_dev.jsonl] [--crosslingual ntrex_dev.jsonl]
        [--languages es,fr,de,it,pt,ru,zh,ar] [--margins off,0.1,0.2,0.3] [--cache DIR]

A document split over two stories (an early report no rule could read opened a story of its own, and a later one
joined it) is the story stage's recall loss. With ``merge_margin`` set, an article that scores that far above the
threshold with stories reported under two ids merges them: from then on they are reported under one id (each
keeps its own summary for comparisons). This bench runs the real story stage (``bench_stories.cluster``, earlier
reports of a merged story counted under the id it was merged into, as the newsroom shows them) once per margin and
prints B-cubed on event-labelled news, and on the cross-lingual file B-cubed over all languages together and the
share of each language's copies that end in their English copy's story. Mixed streams of many languages are where
merging matters: pass ``--languages`` with many of the file's codes. Data paths are arguments.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_stories import (  # noqa: E402
    DEVDATA, FETCHED, RawArticle, _when, b_cubed, cluster, countries, ntrex_code, story_config, tag_all, tag_languages,
    tagger_settings,
)
from services.tagger.settings import TaggerSettings  # noqa: E402


def _margin(text: str) -> float | None:
    return None if text.strip() in ("off", "none") else float(text)


def _configs(settings: TaggerSettings, margins: list[float | None]):
    base = story_config(settings)
    return [("off" if m is None else f"margin {m}", dataclasses.replace(base, merge_margin=m)) for m in margins]


def events(path: Path, cache: Path | None, settings: TaggerSettings, margins: list[float | None]) -> None:
    rows = sorted((orjson.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()),
                  key=lambda r: _when(r["published_at"]))
    raws = [RawArticle(id=str(r["id"]), source=r.get("source") or "events", title=r.get("title") or "", body=r["body"],
                       published_at=_when(r["published_at"]), fetched_at=FETCHED) for r in rows]
    gold = {str(r["id"]): str(r["event"]) for r in rows}
    tagged, _ = tag_all(raws, cache, "events")
    print(f"events ({path}; {len(rows)} articles, {len(set(gold.values()))} events, publication order):")
    for name, config in _configs(settings, margins):
        predicted, _ = cluster(tagged, config, countries(), 1)
        print(f"  merging {name:<12} B-cubed P {{:.3f}}  R {{:.3f}}  F1 {{:.3f}}".format(*b_cubed(gold, predicted))
              + f"  stories {len(set(predicted.values()))}")


def crosslingual(path: Path, languages: list[str], cache: Path | None, settings: TaggerSettings,
                 margins: list[float | None]) -> None:
    every = [orjson.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    available = {r["language"] for r in every}
    wanted = {"eng": "en", **{ntrex_code(lang, available): lang for lang in languages}}
    rows = [r for r in every if r["language"] in wanted]
    gold = {f"{r['document']}-{wanted[r['language']]}": str(r["document"]) for r in rows}
    tagged, _ = tag_languages(every, wanted, cache)
    docs = sorted(set(gold.values()))
    print(f"across languages ({path}; {len(docs)} documents; English first, then {len(languages)} languages in the order given):")
    for name, config in _configs(settings, margins):
        predicted, _ = cluster(tagged, config, countries(), 1)
        p, r, f = b_cubed(gold, predicted)
        joins = " ".join(f"{lang} {sum(predicted.get(f'{d}-{lang}') == predicted[f'{d}-en'] for d in docs) / len(docs):.0%}"
                         for lang in languages)
        print(f"  merging {name:<12} B-cubed P {p:.3f}  R {r:.3f}  F1 {f:.3f}  stories {len(set(predicted.values()))}")
        print(f"    joins the English copy: {joins}")


def main() -> None:
    from services.runtime.logs import configure_logging

    configure_logging("warning")  # the figures on stdout; what the stages log (a failed translation) on stderr
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=Path, default=DEVDATA / "stories" / "galaxy_dev.jsonl")
    parser.add_argument("--crosslingual", type=Path, default=DEVDATA / "crosslingual" / "ntrex_dev.jsonl")
    parser.add_argument("--languages", default="es,fr,de,it,pt,ru,zh,ar")
    parser.add_argument("--margins", default="off,0.1,0.2,0.3", help="merge margins to compare; off: no merging")
    parser.add_argument("--cache", type=Path, default=None, help="keep tagged articles here between runs")
    args = parser.parse_args()
    settings = tagger_settings()
    margins = [_margin(m) for m in args.margins.split(",") if m.strip()]
    for path, what in ((args.events, "events"), (args.crosslingual, "crosslingual")):
        if not path.exists():
            print(f"{what}: {path} is absent, skipped (real data lives outside the project; pass --{what} FILE)")
        elif what == "events":
            events(path, args.cache, settings, margins)
        else:
            languages = [lang.strip() for lang in args.languages.split(",") if lang.strip()]
            crosslingual(path, languages, args.cache, settings, margins)


if __name__ == "__main__":
    main()
