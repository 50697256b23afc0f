"""Linking coverage: what share of the names real news gives (organisations, people, places, NORP and EVENT names)
the tagger links to a gazetteer entity, and which organisations it finds but leaves unlinked (key `name:...`), most
frequent first; with --sample N, N linked mentions of each set drawn at random, in context, to read for precision.

    .venv/bin/python bench/bench_linking.py --events galaxy_dev.jsonl --crosslingual ntrex_dev.jsonl \
        --conll eng.testa [--top 40] [--sample 100 [--seed 1]] [--dump linked.tsv [--dump-every]]

--events: JSON lines {"title", "body", optional "language"} (articles not marked English are left out);
--crosslingual: JSON lines {"title", "body", "language"}, of which the `eng` lines are read;
--conll: a CoNLL-2003-format file, read per document: every mention, and apart the mentions whose span is a gold ORG.
--dump: every linked mention of every set, and every mention given a country (``country_id``: "Ukrainian troops") or a
side's country (``side_country_id``: "pro-Russian"), one a line with its context, to diff two runs and read each changed
link or relation; with --dump-every, every mention, linked or not, to read each changed key (``name:...``) too.
The JSON-lines articles are tagged after the normalizer's cleanup (services/normalize/cleanup.py: mojibake such as
"Russiaâ\x80\x99s" repaired, whitespace tidied), as the pipeline tags them; they are English already, so nothing is
translated or repaired further. The CoNLL documents are tagged as read (their gold spans are offsets into that text).
"""

from __future__ import annotations

import argparse
import random
import sys
from collections import Counter
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_tagger import T0, article, read_conll_documents  # noqa: E402
from services.normalize.cleanup import clean_body, clean_title  # noqa: E402
from services.tagger.core import Tagger  # noqa: E402
from services.tagger.settings import TaggerSettings  # noqa: E402

TYPES = ("ORG", "PERSON", "GPE", "LOC", "NORP", "EVENT")
GOLD_ORG = "{} (gold ORG spans)"


def english_records(path: Path, language: str | None) -> list[tuple[str, str]]:
    """(title, body) of the lines in `language` (None: those with no language or an English one), cleaned up as the
    normalizer cleans every article before the tagger reads it."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = orjson.loads(line)
        lang = row.get("language")
        if (lang == language) if language else (lang in (None, "", "en", "eng")):
            out.append((clean_title(row.get("title") or "")[0], clean_body(row.get("body") or "")[0]))
    return out


def mentions(tagger: Tagger, documents: list[tuple[str, str]]) -> list[list[tuple]]:
    """Per document, (type, text, canonical id or None, field, start, end, canonical name, country id or None, side and
    side's country id or None, key) of each mention of TYPES."""
    tagged = tagger.tag_many([article(f"l{i}", title, body, False, T0) for i, (title, body) in enumerate(documents)])
    return [[(e.type, e.text, e.canonical_id, e.field, e.start, e.end, e.canonical_name, e.country_id,
              f"{e.side} {e.side_country_id}" if e.side_country_id else None, e.key)
             for e in t.entities if e.type in TYPES]
            for t in tagged]


def sample(label: str, documents: list[tuple[str, str]], per_doc: list[list[tuple]], n: int, seed: int) -> None:
    """Print n linked mentions drawn at random, each in its context, to count the wrong ones by reading."""
    found = [(d, m) for d, doc in enumerate(per_doc) for m in doc if m[2] is not None]
    print(f"{label}: {min(n, len(found))} of {len(found)} linked mentions at random (seed {seed}):")
    for d, (kind, text, _, field, start, end, name, *_) in sorted(random.Random(seed).sample(found, min(n, len(found)))):
        source = documents[d][0 if field == "title" else 1]
        context = f"{source[max(0, start - 60):start]}[[{text}]]{source[end:end + 40]}".replace("\n", " | ")
        print(f"  {d:>4} {kind:<6} {name:<28.28} ...{context}...")


def dump(out, label: str, documents: list[tuple[str, str]], per_doc: list[list[tuple]], every: bool = False) -> None:
    """Write every linked mention and every mention given a country or a side's (``every``: every mention) as a
    tab-separated line: set, document, field, span, type, text, id, name, country, context, side ("pro Q159"), key
    (``name:russian foreign ministry``)."""
    for d, doc in enumerate(per_doc):
        for kind, text, cid, field, start, end, name, country, side, key in doc:
            if cid is None and country is None and side is None and not every:
                continue
            source = documents[d][0 if field == "title" else 1]
            context = f"{source[max(0, start - 60):start]}[[{text}]]{source[end:end + 40]}"
            row = (label, d, field, start, end, kind, text, cid, name, country, context, side or "", key)
            out.write("\t".join(str(v).replace("\t", " ").replace("\n", " | ") for v in row) + "\n")


def report(label: str, found: list[tuple[str, str, str | None, str | None, str | None]], top: int) -> dict[str, tuple[int, int, int, int]]:
    """Print the linked share per type, the mentions given a country or a side's, and the most frequent unlinked names;
    returns {type: (linked, all, with a country, with a side's)}."""
    shares = {}
    print(f"{label}:")
    for kind in TYPES:
        of_kind = [(text, cid, country, side) for t, text, cid, country, side in found if t == kind]
        if not of_kind:
            continue
        linked = sum(cid is not None for _, cid, _, _ in of_kind)
        related = sum(country is not None for _, _, country, _ in of_kind)
        sides = sum(side is not None for *_, side in of_kind)
        shares[kind] = (linked, len(of_kind), related, sides)
        print(f"  {kind:<5} {linked}/{len(of_kind)} mentions linked ({linked / len(of_kind):.3f})"
              + (f", {related} given a country" if related else "") + (f", {sides} a side's" if sides else ""))
    unlinked = Counter(text for t, text, cid, *_ in found if t == "ORG" and cid is None)
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
    parser.add_argument("--sample", type=int, default=0, help="linked mentions printed at random per set, in context")
    parser.add_argument("--seed", type=int, default=1, help="the --sample draw")
    parser.add_argument("--dump", type=Path, help="write every linked mention, in context, to this file (to diff two runs)")
    parser.add_argument("--dump-every", action="store_true", help="--dump every mention, linked or not, with its key")
    args = parser.parse_args()
    if not (args.events or args.crosslingual or args.conll):
        parser.error("give at least one of --events, --crosslingual, --conll")
    tagger = Tagger(TaggerSettings(spacy_model=args.model))
    print(f"model {args.model}; gazetteer {len(tagger.gazetteer)} entities")
    total = Counter()
    sets = []
    if args.events:
        documents = english_records(args.events, None)
        sets.append((args.events.name, documents, mentions(tagger, documents)))
    if args.crosslingual:
        documents = english_records(args.crosslingual, "eng")
        sets.append((f"{args.crosslingual.name} (eng)", documents, mentions(tagger, documents)))
    if args.conll:
        conll = read_conll_documents(args.conll)
        documents = [(title, body) for title, body, _ in conll]
        per_doc = mentions(tagger, documents)
        sets.append((args.conll.name, documents, per_doc))
        gold_org = [{(f, s, e) for f, s, e, t in gold if t == "ORG"} for _, _, gold in conll]
        sets.append((GOLD_ORG.format(args.conll.name), documents,
                     [[m for m in found if m[0] == "ORG" and m[3:6] in spans] for found, spans in zip(per_doc, gold_org)]))
    if args.dump:
        with args.dump.open("w", encoding="utf-8") as out:
            for label, documents, per_doc in sets:
                if label != GOLD_ORG.format(args.conll.name if args.conll else ""):
                    dump(out, label, documents, per_doc, args.dump_every)
    for label, documents, per_doc in sets:
        gold_org = label == GOLD_ORG.format(args.conll.name if args.conll else "")
        if args.sample and not gold_org:
            sample(label, documents, per_doc, args.sample, args.seed)
        flat = [(*m[:3], *m[7:9]) for found in per_doc for m in found]
        for kind, (linked, n, related, sides) in report(label, flat, args.top).items():
            if gold_org:
                continue  # a part of the CoNLL set counted already
            total[kind, "linked"] += linked
            total[kind, "all"] += n
            total[kind, "country"] += related
            total[kind, "side"] += sides
    if len(sets) > 1:
        print("all sets: " + "  ".join(f"{kind} {total[kind, 'linked']}/{total[kind, 'all']} "
                                      f"({total[kind, 'linked'] / total[kind, 'all']:.3f})"
                                      for kind in TYPES if total[kind, "all"]))
        print("given a country, all sets: " + "  ".join(f"{kind} {total[kind, 'country']}" for kind in TYPES if total[kind, "country"])
              + "; a side's: " + "  ".join(f"{kind} {total[kind, 'side']}" for kind in TYPES if total[kind, "side"]))


if __name__ == "__main__":
    main()
