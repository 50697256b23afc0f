"""Linking coverage: what share of the organisations (and NORP/EVENT names) real news names the tagger links to a
gazetteer entity, and which names it finds but leaves unlinked (key `name:...`), most frequent first.

    .venv/bin/python bench/bench_linking.py --events galaxy_dev.jsonl --crosslingual ntrex_dev.jsonl \
        --conll eng.testa [--top 40]

--events: JSON lines {"title", "body", optional "language"} (articles not marked English are left out);
--crosslingual: JSON lines {"title", "body", "language"}, of which the `eng` lines are read;
--conll: a CoNLL-2003-format file, read per document; here only the mentions whose span is a gold ORG count.
The English text is tagged as it is (no normalizer: the articles are English already).
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_tagger import T0, article, read_conll_documents  # noqa: E402
from services.tagger.core import Tagger  # noqa: E402
from services.tagger.settings import TaggerSettings  # noqa: E402

TYPES = ("ORG", "NORP", "EVENT")


def english_records(path: Path, language: str | None) -> list[tuple[str, str]]:
    """(title, body) of the lines in `language` (None: those with no language or an English one)."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = orjson.loads(line)
        lang = row.get("language")
        if (lang == language) if language else (lang in (None, "", "en", "eng")):
            out.append((row.get("title") or "", row.get("body") or ""))
    return out


def mentions(tagger: Tagger, documents: list[tuple[str, str]]) -> list[list[tuple]]:
    """Per document, (type, text, canonical id or None, field, start, end) of each ORG/NORP/EVENT mention."""
    tagged = tagger.tag_many([article(f"l{i}", title, body, False, T0) for i, (title, body) in enumerate(documents)])
    return [[(e.type, e.text, e.canonical_id, e.field, e.start, e.end) for e in t.entities if e.type in TYPES]
            for t in tagged]


def report(label: str, found: list[tuple[str, str, str | None]], top: int) -> dict[str, tuple[int, int]]:
    """Print the linked share per type and the most frequent unlinked names; returns {type: (linked, all)}."""
    shares = {}
    print(f"{label}:")
    for kind in TYPES:
        of_kind = [(text, cid) for t, text, cid in found if t == kind]
        if not of_kind:
            continue
        linked = sum(cid is not None for _, cid in of_kind)
        shares[kind] = (linked, len(of_kind))
        print(f"  {kind:<5} {linked}/{len(of_kind)} mentions linked ({linked / len(of_kind):.3f})")
    unlinked = Counter(text for t, text, cid in found if t == "ORG" and cid is None)
    if unlinked and top:
        print(f"  top unlinked ORG names ({len(unlinked)} distinct): "
              + ", ".join(f"{name} {n}" for name, n in unlinked.most_common(top)))
    return shares


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="en_core_web_md", help="spaCy pipeline (default: the service default)")
    parser.add_argument("--events", type=Path, help="JSON-lines English articles")
    parser.add_argument("--crosslingual", type=Path, help="JSON-lines articles in many languages; the `eng` ones are read")
    parser.add_argument("--conll", type=Path, help="CoNLL-2003-format file: mentions on gold ORG spans")
    parser.add_argument("--top", type=int, default=40, help="unlinked names listed per set")
    args = parser.parse_args()
    if not (args.events or args.crosslingual or args.conll):
        parser.error("give at least one of --events, --crosslingual, --conll")
    tagger = Tagger(TaggerSettings(spacy_model=args.model))
    print(f"model {args.model}; gazetteer {len(tagger.gazetteer)} entities")
    total = Counter()
    sets = []
    if args.events:
        sets.append((args.events.name, mentions(tagger, english_records(args.events, None))))
    if args.crosslingual:
        sets.append((f"{args.crosslingual.name} (eng)", mentions(tagger, english_records(args.crosslingual, "eng"))))
    if args.conll:
        documents = read_conll_documents(args.conll)
        per_doc = mentions(tagger, [(title, body) for title, body, _ in documents])
        gold_org = [{(f, s, e) for f, s, e, t in gold if t == "ORG"} for _, _, gold in documents]
        sets.append((f"{args.conll.name} (gold ORG spans)",
                     [[m for m in found if m[0] == "ORG" and m[3:] in spans] for found, spans in zip(per_doc, gold_org)]))
    for label, per_doc in sets:
        flat = [m[:3] for found in per_doc for m in found]
        for kind, (linked, n) in report(label, flat, args.top).items():
            total[kind, "linked"] += linked
            total[kind, "all"] += n
    if len(sets) > 1:
        print("all sets: " + "  ".join(f"{kind} {total[kind, 'linked']}/{total[kind, 'all']} "
                                      f"({total[kind, 'linked'] / total[kind, 'all']:.3f})"
                                      for kind in TYPES if total[kind, "all"]))


if __name__ == "__main__":
    main()
