"""What the tagger makes of reports no backend translated, in languages with a spaCy model of their own (Spanish and
French by default): the mentions those models (es_core_news_sm, fr_core_news_sm...) and the gazetteer give, counted per
set and type, and, against an earlier run's dump, every mention that changed, in context, to read.

    .venv/bin/python bench/bench_untranslated_ner.py --crosslingual ntrex_dev.jsonl --langid langid/ \
        [--languages es,fr] [--dump mentions.tsv] [--compare earlier.tsv]

--crosslingual: JSON lines {"document", "language", "title", "body"}; the lines of the languages asked are read (Spanish
`spa`, `spa-MX`, `ref-2.spa`; French `fra`, `fra-CA`; Italian `ita`, Portuguese `por`, `por-BR`, German `deu`, Dutch
`nld`, Catalan `cat`), one article each.
--langid: a folder of one-sentence-a-line files named by language (`es.txt`, `fr.txt`... are read), one article a line
(body only).
--languages: the languages to read (es, fr, it, pt, de, nl, ca), each tagged by its `<language>_core_news_sm` pipeline,
which must be installed.
--dump: every mention (set, document, field, span, type, text, key, linked id, context), one a line, to compare runs.
--compare: an earlier --dump: the mentions only it has ("-") and only this run has ("+") are printed, by article.
Every article is cleaned up as the normalizer cleans it (services/normalize/cleanup.py) and tagged as untranslated,
in its own language.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import orjson
import spacy

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_tagger import T0  # noqa: E402
from schemas import NormalizedArticle  # noqa: E402
from services.normalize.cleanup import clean_body, clean_title  # noqa: E402
from services.tagger.core import Tagger  # noqa: E402
from services.tagger.pipeline import load_pipeline  # noqa: E402
from services.tagger.settings import TaggerSettings  # noqa: E402

NTREX_LANGUAGES = {"spa": "es", "spa-MX": "es", "ref-2.spa": "es", "fra": "fr", "fra-CA": "fr", "ita": "it", "por": "pt",
                   "por-BR": "pt", "deu": "de", "nld": "nl", "cat": "ca"}
LANGUAGES = ("es", "fr", "it", "pt", "de", "nl", "ca")
TYPES = ("PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT")

Article = tuple[str, str, str, str]  # (set, language, title, body)


def read_crosslingual(path: Path, languages: Sequence[str]) -> list[Article]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = orjson.loads(line)
            if NTREX_LANGUAGES.get(row.get("language")) in languages:
                out.append((f"{path.name}:{row['language']}", NTREX_LANGUAGES[row["language"]], row.get("title") or "", row.get("body") or ""))
    return out


def read_langid(folder: Path, languages: Sequence[str]) -> list[Article]:
    return [(f"langid:{language}", language, "", line)
            for language in languages for line in (folder / f"{language}.txt").read_text(encoding="utf-8").splitlines() if line.strip()]


def tag(articles: list[Article], models: dict[str, str]) -> list[tuple[str, int, str, int, int, str, str, str, str, str]]:
    """Every linkable mention of every article: (set, article number in its set, field, start, end, type, text, key,
    linked id or "", context)."""
    tagger = Tagger(TaggerSettings(spacy_model="en_core_web_sm", language_models=models), nlp=load_pipeline("en_core_web_sm"))
    normalized = [
        NormalizedArticle(id=f"u{i}", source="bench", fetched_at=T0, published_at=T0, language=language, language_confidence=1.0,
                          original_title=title, original_body=body, title=clean_title(title)[0], body=clean_body(body)[0])
        for i, (_, language, title, body) in enumerate(articles)
    ]
    rows, numbers = [], Counter()
    for (label, *_), source, tagged in zip(articles, normalized, tagger.tag_many(normalized)):
        number = numbers[label]
        numbers[label] += 1
        for e in tagged.entities:
            if e.type in TYPES:
                text = source.title if e.field == "title" else source.body
                context = f"{text[max(0, e.start - 50):e.start]}[[{e.text}]]{text[e.end:e.end + 40]}".replace("\n", " | ").replace("\t", " ")
                rows.append((label, number, e.field, e.start, e.end, e.type, e.text, e.key or "", e.canonical_id or "", context))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--crosslingual", type=Path, help="JSON-lines articles in many languages; those of --languages are read")
    parser.add_argument("--langid", type=Path, help="folder of one-sentence-a-line files; <language>.txt of --languages are read")
    parser.add_argument("--languages", default="es,fr", help=f"comma-separated, of {', '.join(LANGUAGES)} (default es,fr)")
    parser.add_argument("--dump", type=Path, help="write every mention, in context, to this file")
    parser.add_argument("--compare", type=Path, help="an earlier --dump: print the mentions that changed")
    args = parser.parse_args()
    if not (args.crosslingual or args.langid):
        parser.error("give --crosslingual, --langid or both")
    languages = [language.strip() for language in args.languages.split(",") if language.strip()]
    if unknown := [language for language in languages if language not in LANGUAGES]:
        parser.error(f"--languages: no ntrex_dev lines are read for {', '.join(unknown)} (read: {', '.join(LANGUAGES)})")
    models = {language: f"{language}_core_news_sm" for language in languages}
    if missing := [name for name in models.values() if not spacy.util.is_package(name)]:
        parser.error(f"--languages: spaCy pipeline not installed: {', '.join(missing)}")
    articles = ((read_crosslingual(args.crosslingual, languages) if args.crosslingual else [])
                + (read_langid(args.langid, languages) if args.langid else []))
    rows = tag(articles, models)
    lines = ["\t".join(str(v) for v in row) for row in rows]
    print(f"{len(articles)} articles tagged untranslated ({', '.join(f'{n} {label}' for label, n in Counter(a[0] for a in articles).items())})")
    for label in dict.fromkeys(a[0] for a in articles):
        of_set = [row for row in rows if row[0] == label]
        counts = Counter(row[5] for row in of_set)
        print(f"  {label}: {len(of_set)} mentions, {sum(bool(row[8]) for row in of_set)} linked; "
              + " ".join(f"{kind} {counts[kind]}" for kind in TYPES if counts[kind]))
    counts = Counter(row[5] for row in rows)
    print(f"all: {len(rows)} mentions, {sum(bool(row[8]) for row in rows)} linked; " + " ".join(f"{kind} {counts[kind]}" for kind in TYPES if counts[kind]))
    if args.dump:
        args.dump.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    if args.compare:
        before = args.compare.read_text(encoding="utf-8").splitlines()
        gone, new = Counter(before) - Counter(lines), Counter(lines) - Counter(before)
        changed = sorted([("-", line) for line in gone.elements()] + [("+", line) for line in new.elements()],
                         key=lambda c: (c[1].split("\t")[0], int(c[1].split("\t")[1]), c[1].split("\t")[2], int(c[1].split("\t")[3]), c[0]))
        print(f"against {args.compare.name}: {len(before)} mentions before, {len(lines)} now; {sum(gone.values())} gone, {sum(new.values())} new")
        for sign, line in changed:
            label, number, field, start, end, kind, text, key, qid, context = line.split("\t")
            print(f"  {sign} {label}#{number} {field}:{start}-{end} {kind:<6} {text!r} {key} {qid}  ...{context}...")


if __name__ == "__main__":
    main()
