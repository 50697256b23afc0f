"""Stories on real news: B-cubed on event-labelled English news, the cross-lingual join rate per language,
and the story stage's cost per article.

    .venv/bin/python bench/bench_stories.py [--events galaxy_dev.jsonl] [--crosslingual ntrex_dev.jsonl]
        [--languages es,fr,de,it,pt,ru,zh,ar] [--alone] [--cache DIR] [--folds K] [--fit MODEL_JSON]

``--languages``: two-letter codes (es fr de it pt ru zh ar tr ja nl pl uk ko) or the file's own (tha, zho-TW).

``--events``: one JSON object a line with ``id``, ``event``, ``title``, ``body``, ``published_at``; articles
go through the real Normalizer and Tagger, then the story stage in publication order, as a live run would see
them. Compared with two floors: every article its own story, and a naive single-pass TF-IDF clusterer (at
cosine 0.3, and at the threshold best on the file itself, an optimistic figure); and with one reference that
is no floor: average-link TF-IDF clustering of the whole file at once at its best threshold (offline, it sees
the future; it says how far word overlap alone can separate these events).

``--folds K`` (default 4): held-out estimates. Events are split into K folds. For the naive clusterer and the
weighted similarity alone, each fold is scored at the threshold best on the other folds' articles; for the story
stage, the learned decision is fitted on the other folds' events (``bench/story_learning.py``). Either way the
full stream is clustered, as a live run would see it, and B-cubed is read over the fold's articles; the figure
is the mean over folds.

``--stress N`` (default 160): N generated, templated articles (``bench/corpus.py``) clustered by both rules: not
the target, a check for over-merging.

``--fit MODEL_JSON``: fit the learned decision on the whole ``--events`` file and write it (the bundled one is
``services/tagger/data/story_model.json``; ``WIREWATCH_TAGGER__STORY_MODEL`` can point at another).

``--crosslingual``: one JSON object a line with ``document``, ``language`` (NTREX code), ``title``, ``body``;
every copy is normalized (Apertium translates what it can), tagged and embedded, undated as a file would be,
and clustered with the English copies (English first). Reported: how often each language's copy joins its
English copy's story, and B-cubed precision over all languages together (different documents must stay apart).

``--alone``: each of ``--languages`` in a stream of its own after the English copies, one line a language (what a
copy does when no other language's copies are there; the README's per-language story figures).

Without arguments, the files are looked for under ../shared/devdata (beside the checkout); a missing file is
said, not an error. ``--cache DIR`` keeps the tagged articles between runs (keyed by file and code state).
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import math
import os
import re
import statistics
import sys
import time
import warnings
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
warnings.filterwarnings("ignore", message=r".*\[W095\].*")

from schemas import RawArticle, TaggedArticle  # noqa: E402
from services.tagger.assign import StoryAssigner, story_config  # noqa: E402
from services.tagger.settings import TaggerSettings  # noqa: E402
from services.tagger.stories import StoryConfig  # noqa: E402
from services.tagger.story_features import article_features  # noqa: E402
from services.tagger.story_model import FEATURES, StoryModel  # noqa: E402
from bench.story_learning import fit_on_events, learned_held_out  # noqa: E402

DEVDATA = ROOT.parent / "shared" / "devdata"
NTREX = {"es": "spa", "fr": "fra", "de": "deu", "it": "ita", "pt": "por", "ru": "rus", "zh": "zho-CN", "ar": "arb",
         "tr": "tur", "ja": "jpn", "nl": "nld", "pl": "pol", "uk": "ukr", "ko": "kor"}
FETCHED = datetime(2026, 1, 1, tzinfo=timezone.utc)


def b_cubed(gold: dict[str, str], predicted: dict[str, str], over: set[str] | None = None) -> tuple[float, float, float]:
    """B-cubed precision, recall, F1 (Bagga & Baldwin 1998) of ``predicted`` clusters against ``gold`` classes.

    ``over``: average over these articles only (their clusters and events still count every article of ``gold``).
    """
    gold_sizes = Counter(gold.values())
    pred_sizes = Counter(predicted[a] for a in gold)
    pair = Counter((gold[a], predicted[a]) for a in gold)
    scored = list(gold) if over is None else [a for a in gold if a in over]
    precision = sum(pair[(gold[a], predicted[a])] / pred_sizes[predicted[a]] for a in scored) / len(scored)
    recall = sum(pair[(gold[a], predicted[a])] / gold_sizes[gold[a]] for a in scored) / len(scored)
    return precision, recall, 2 * precision * recall / (precision + recall)


# --------------------------------------------------------------------------- the naive floor

_WORD = re.compile(r"[^\W\d_]{3,}", re.UNICODE)


def tfidf_single_pass(texts: list[tuple[str, str]], threshold: float = 0.3) -> dict[str, str]:
    """Naive single-pass clustering: TF-IDF (idf over the whole file) cosine to each cluster's centroid."""
    docs = {i: Counter(w.casefold() for w in _WORD.findall(t)) for i, t in texts}
    df = Counter(w for c in docs.values() for w in c)
    n = len(docs)
    vectors = {}
    for i, c in docs.items():
        v = {w: (1 + math.log(k)) * math.log(n / df[w]) for w, k in c.items()}
        norm = math.sqrt(sum(x * x for x in v.values())) or 1.0
        vectors[i] = {w: x / norm for w, x in v.items()}
    clusters: list[tuple[str, dict[str, float]]] = []
    out = {}
    for i, _ in texts:
        v = vectors[i]
        best, best_sim = None, 0.0
        for k, (_, centroid) in enumerate(clusters):
            norm = math.sqrt(sum(x * x for x in centroid.values())) or 1.0
            sim = sum(x * centroid.get(w, 0.0) for w, x in v.items()) / norm
            if sim > best_sim:
                best, best_sim = k, sim
        if best is not None and best_sim >= threshold:
            cid, centroid = clusters[best]
            for w, x in v.items():
                centroid[w] = centroid.get(w, 0.0) + x
            out[i] = cid
        else:
            clusters.append((i, dict(v)))
            out[i] = i
    return out


def tfidf_average_link(texts: list[tuple[str, str]], threshold: float) -> dict[str, str]:
    """Offline reference (not a streaming method): average-link agglomerative clustering of TF-IDF cosines of the
    whole file, merging while the closest pair of clusters is at least ``threshold`` apart on average."""
    import numpy as np

    docs = [Counter(w.casefold() for w in _WORD.findall(t)) for _, t in texts]
    df = Counter(w for c in docs for w in c)
    vocab = {w: k for k, w in enumerate(df)}
    matrix = np.zeros((len(docs), len(vocab)))
    for i, c in enumerate(docs):
        for w, k in c.items():
            matrix[i, vocab[w]] = (1 + math.log(k)) * math.log(len(docs) / df[w])
    matrix /= np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-12)
    labels = average_link(matrix @ matrix.T, threshold)
    return {texts[i][0]: texts[k][0] for i, k in enumerate(labels)}


def average_link(sims, threshold: float) -> list[int]:
    """Agglomerative clustering of a similarity matrix, merging while two clusters' mean similarity reaches
    ``threshold``: each item's cluster, named by the index of one of its members."""
    import numpy as np

    n = len(sims)
    sums = np.array(sims, dtype=float)  # summed similarity between clusters (rows merge by addition)
    sizes = np.ones(n)
    label = list(range(n))
    alive = np.ones(n, dtype=bool)
    while alive.sum() > 1:
        mean = sums / np.outer(sizes, sizes)
        mean[~alive, :] = -np.inf
        mean[:, ~alive] = -np.inf
        np.fill_diagonal(mean, -np.inf)
        a, b = np.unravel_index(int(np.argmax(mean)), mean.shape)
        if mean[a, b] < threshold:
            break
        sums[a, :] += sums[b, :]
        sums[:, a] += sums[:, b]
        sizes[a] += sizes[b]
        alive[b] = False
        label = [a if x == b else x for x in label]
    return label


def held_out(gold: dict[str, str], runs: dict[float, dict[str, str]], folds: int) -> tuple[float, float, float, list[float]]:
    """Mean B-cubed over event folds, each scored at the threshold best on the other folds (see ``--folds``)."""
    events = sorted(set(gold.values()), key=lambda e: hashlib.sha256(e.encode()).hexdigest())
    fold_of = {e: n % folds for n, e in enumerate(events)}
    scores, chosen = [], []
    for k in range(folds):
        train = {a for a, e in gold.items() if fold_of[e] != k}
        test = {a for a, e in gold.items() if fold_of[e] == k}
        best = max(runs, key=lambda t: (b_cubed(gold, runs[t], train)[2], -t))
        chosen.append(best)
        scores.append(b_cubed(gold, runs[best], test))
    return (*(statistics.mean(s[i] for s in scores) for i in range(3)), chosen)


# --------------------------------------------------------------------------- tagging, with a cache


_STORY_STAGE = frozenset({"stories.py", "story_records.py", "story_scoring.py", "story_margins.py", "assign.py",
                          "story_features.py", "story_model.py", "near_duplicates.py", "agent.py", "settings.py"})


def _code_state() -> str:
    digest = hashlib.sha256()
    for part in ("services/normalize", "services/tagger"):
        for path in sorted((ROOT / part).rglob("*.py")):
            # The story stage's own modules: they read the tagged articles, they do not change them.
            if path.name not in _STORY_STAGE:
                digest.update(path.read_bytes())
        # The data the tagging reads (gazetteer, leaders, organisations): a changed alias changes the entities.
        for path in sorted((ROOT / part).rglob("*.yaml")):
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def tag_all(raws: list[RawArticle], cache: Path | None, label: str) -> tuple[list[TaggedArticle], dict[str, float]]:
    """Normalize, tag and embed; the seconds each part took (not counted when read from the cache)."""
    key = hashlib.sha256(b"".join(r.model_dump_json().encode() for r in raws)).hexdigest()[:12] + "-" + _code_state()
    path = cache / f"{label}-{key}.jsonl" if cache else None
    if path is not None and path.exists():
        return [TaggedArticle.model_validate_json(line) for line in path.read_text().splitlines()], {}
    from bench.corpus import normalize_all
    from services.tagger.core import Tagger
    from services.tagger.embedding import Embedder

    timing = {}
    started = time.perf_counter()
    normalized = normalize_all(raws)
    timing["normalize"] = time.perf_counter() - started
    tagger = Tagger(TaggerSettings())
    started = time.perf_counter()
    tagged = tagger.tag_many(normalized)
    timing["ner"] = time.perf_counter() - started
    embedder = Embedder()
    started = time.perf_counter()
    vectors = embedder.embed_articles(tagged)
    timing["embed"] = time.perf_counter() - started
    tagged = [t.model_copy(update={"embedding": v}) for t, v in zip(tagged, vectors)]
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("".join(t.model_dump_json() + "\n" for t in tagged))
    return tagged, timing


def countries() -> frozenset[str]:
    from services.tagger.gazetteer import Gazetteer

    return frozenset(e.id for e in Gazetteer.load([]) if e.country == e.id)


def cluster(tagged: list[TaggedArticle], config: StoryConfig, known: frozenset[str], passes: int = 2) -> tuple[dict[str, str], str]:
    """Story ids by article id, in the given order, and the story stage's cost per article: the first pass looks up
    every word's frequency (cached after), the second is what a long-running worker pays. A story merged into
    another counts under the id it was merged into for its earlier reports too, as the newsroom shows them."""
    costs = []
    for _ in range(passes):
        assigner = StoryAssigner(config, known)
        out, renamed = {}, {}
        started = time.perf_counter()
        for article in tagged:
            placed, decision = assigner.place(article, now=max(FETCHED, article.published_at or FETCHED))
            out[article.id] = placed.story_id
            renamed.update(dict.fromkeys(decision.merged, decision.reported))
        costs.append((time.perf_counter() - started) / max(1, len(tagged)) * 1000)
    return {article: _final(story, renamed) for article, story in out.items()}, \
        f"{costs[-1]:.2f} ms per article ({costs[0]:.2f} ms with the word frequencies not yet cached)"


def _final(story: str, renamed: dict[str, str]) -> str:
    seen = set()
    while story in renamed and story not in seen:
        seen.add(story)
        story = renamed[story]
    return story


# --------------------------------------------------------------------------- the two data sets


def _when(text: str) -> datetime:
    at = datetime.fromisoformat(text)
    return at if at.tzinfo is not None else at.replace(tzinfo=timezone.utc)  # a date without a zone: read as UTC


_STORY_THRESHOLDS = (0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6)
_NAIVE_THRESHOLDS = (0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4)
_AVERAGE_LINK_THRESHOLDS = (0.06, 0.08, 0.1, 0.12, 0.14, 0.16, 0.18, 0.2)


def _line(name: str, scores: tuple[float, float, float], extra: str = "") -> None:
    print("  {:<58} B-cubed precision {:.3f}  recall {:.3f}  F1 {:.3f}".format(name, *scores) + extra)


def events(path: Path, cache: Path | None, settings: TaggerSettings, folds: int = 4, fit_to: Path | None = None) -> None:
    rows = [orjson.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    rows.sort(key=lambda r: _when(r["published_at"]))
    raws = [RawArticle(id=str(r["id"]), source=r.get("source") or "events", title=r.get("title") or "", body=r["body"],
                       published_at=_when(r["published_at"]), fetched_at=FETCHED) for r in rows]
    gold = {str(r["id"]): str(r["event"]) for r in rows}
    tagged, timing = tag_all(raws, cache, "events")
    known = countries()
    config = story_config(settings)
    predicted, per_article = cluster(tagged, config, known)
    print(f"stories, real news by event ({path}; {len(rows)} articles, {len(set(gold.values()))} events, publication order):")
    texts = [(str(r["id"]), r["title"] + "\n" + r["body"]) for r in rows]
    naive = {t: tfidf_single_pass(texts, t) for t in _NAIVE_THRESHOLDS}
    naive_best = max(naive, key=lambda t: b_cubed(gold, naive[t])[2])
    _line("every article its own story", b_cubed(gold, {a: a for a in gold}))
    _line("naive single-pass TF-IDF (cosine 0.3)", b_cubed(gold, naive[0.3]))
    _line(f"naive single-pass TF-IDF (cosine {naive_best}, best on this file)", b_cubed(gold, naive[naive_best]))
    offline = {t: tfidf_average_link(texts, t) for t in _AVERAGE_LINK_THRESHOLDS}
    offline_best = max(offline, key=lambda t: b_cubed(gold, offline[t])[2])
    _line(f"[reference, offline] average-link TF-IDF ({offline_best}, best)", b_cubed(gold, offline[offline_best]))
    p, r, f = b_cubed(gold, predicted)
    model = "learned decision, bundled weights" if config.model is not None else f"threshold {config.threshold}"
    _line(f"wirewatch story stage ({model})", (p, r, f), f"  stories {len(set(predicted.values()))}")
    weighted = dataclasses.replace(config, model=None)
    features = [article_features(t, countries=known, now=max(FETCHED, t.published_at or FETCHED)) for t in tagged]
    if folds > 1:
        runs = {t: cluster(tagged, dataclasses.replace(weighted, threshold=t), known, 1)[0] for t in _STORY_THRESHOLDS}
        best = max(runs, key=lambda t: b_cubed(gold, runs[t])[2])
        _line(f"weighted similarity alone (threshold {best}, best on this file)", b_cubed(gold, runs[best]))
        print(f"  held out ({folds} folds of events; fitted on the other folds; mean over folds):")
        *scores, chosen = held_out(gold, naive, folds)
        _line("naive single-pass TF-IDF (threshold)", tuple(scores), f"  thresholds {chosen}")
        *scores, chosen = held_out(gold, runs, folds)
        _line("weighted similarity alone (threshold)", tuple(scores), f"  thresholds {chosen}")
        scores = learned_held_out(features, gold, config, folds, lambda c: cluster(tagged, c, known, 1)[0], b_cubed)
        _line("learned decision (opt-in), fitted on the other folds", scores)
    if fit_to is not None:
        fitted = fit_on_events(features, gold, config, source=f"bench/bench_stories.py --fit on {path.name} "
                               f"({len(rows)} articles, {len(set(gold.values()))} events), {datetime.now(timezone.utc):%Y-%m-%d}")
        fit_to.write_bytes(fitted.to_json())
        print(f"  fitted on the whole file, written to {fit_to}: weights "
              + ", ".join(f"{n} {w:+.2f}" for n, w in zip(FEATURES, fitted.weights)) + f", bias {fitted.bias:+.2f}")
    print(f"  story stage {per_article}" + _timing(timing, len(raws)))


def stress(articles: int, cache: Path | None, settings: TaggerSettings) -> None:
    """The generated corpus (bench/corpus.py: templated wire stories, event-labelled) as a stress test of both rules."""
    from bench.corpus import make_corpus

    records = make_corpus(articles, seed=11, prefix="gen")
    raws = [RawArticle(id=r["id"], source=r["source"], title=r["title"], body=r["body"], published_at=_when(r["published_at"]),
                       fetched_at=FETCHED) for r in records]
    gold = {r["id"]: r["event"] for r in records}
    tagged, _ = tag_all(raws, cache, "generated")
    tagged.sort(key=lambda t: t.published_at)
    known = countries()
    print(f"stories, generated stress corpus (bench/corpus.py, {len(raws)} templated articles, {len(set(gold.values()))} events; "
          "not the target, a check for over-merging):")
    config = story_config(settings)
    for name, model in (("weighted similarity", None), ("learned decision, bundled weights", StoryModel.load())):
        predicted, _ = cluster(tagged, dataclasses.replace(config, model=model), known, 1)
        _line(name, b_cubed(gold, predicted), f"  stories {len(set(predicted.values()))}")


def _timing(timing: dict[str, float], n: int) -> str:
    if not timing:
        return " (tagging read from the cache)"
    return "; " + ", ".join(f"{k} {v / n * 1000:.1f} ms" for k, v in timing.items()) + " per article"


def ntrex_code(lang: str, available: set[str]) -> str:
    """The file's code for ``lang``: a two-letter code of ``NTREX``, or one of the file's own codes as it is."""
    code = NTREX.get(lang, lang)
    if code not in available:
        raise SystemExit(f"--languages: no documents in {lang!r}; use one of {', '.join(sorted(NTREX))} "
                         f"or a code of the file: {', '.join(sorted(available))}")
    return code


def tag_languages(every: list[dict], wanted: dict[str, str], cache: Path | None) -> tuple[list[TaggedArticle], dict[str, float]]:
    """The copies of each language in ``wanted`` (file code -> the label ids carry), in that order and by document, each
    language tagged on its own: one cache entry a language, shared by every stream and by ``--alone``."""
    tagged: list[TaggedArticle] = []
    timing: dict[str, float] = {}
    for code, lang in wanted.items():
        rows = sorted((r for r in every if r["language"] == code), key=lambda r: str(r["document"]))
        raws = [RawArticle(id=f"{r['document']}-{lang}", source="file", title=r["title"], body=r["body"], fetched_at=FETCHED)
                for r in rows]
        copies, spent = tag_all(raws, cache, f"crosslingual-{code}")
        tagged += copies
        for part, seconds in spent.items():
            timing[part] = timing.get(part, 0.0) + seconds
    return tagged, timing


def crosslingual(path: Path, languages: list[str], cache: Path | None, settings: TaggerSettings) -> None:
    every = [orjson.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    available = {r["language"] for r in every}
    wanted = {"eng": "en", **{ntrex_code(lang, available): lang for lang in languages}}
    rows = [r for r in every if r["language"] in wanted]
    # English first, then each language in turn: every copy may join the English copy's story.
    tagged, timing = tag_languages(every, wanted, cache)
    gold = {f"{r['document']}-{wanted[r['language']]}": str(r["document"]) for r in rows}
    predicted, per_article = cluster(tagged, story_config(settings), countries())
    docs = sorted({str(r["document"]) for r in rows})
    print(f"stories across languages ({path}; {len(docs)} documents; English copies first, then each language):")
    got = {t.id: t for t in tagged}
    for lang in languages:
        pairs = [(d, f"{d}-{lang}") for d in docs if f"{d}-{lang}" in predicted and f"{d}-en" in predicted]
        joined = sum(predicted[i] == predicted[f"{d}-en"] for d, i in pairs)
        translated = sum(got[i].translation is not None for _, i in pairs)
        detected = Counter(got[i].language for _, i in pairs).most_common(1)
        print(f"  {lang}: joins the English copy's story {joined}/{len(pairs)} ({joined / max(1, len(pairs)):.0%})"
              f"  [{translated} translated; detected as {detected[0][0] if detected else '-'}]")
    p, r, f = b_cubed(gold, predicted)
    print(f"  all languages together: B-cubed precision {p:.3f}  recall {r:.3f}  F1 {f:.3f}  stories {len(set(predicted.values()))}")
    # What precision loses: documents that share a story, by their English titles, for a reader to judge.
    for story, documents in sorted(shared_stories(gold, predicted).items()):
        titles = "; ".join(f"{d} \"{got[f'{d}-en'].title[:70]}\"" if f"{d}-en" in got else d for d in documents)
        print(f"    one story holds documents {titles}")
    print(f"  story stage {per_article}" + _timing(timing, len(tagged)))


def alone(path: Path, languages: list[str], cache: Path | None, settings: TaggerSettings, english_last: bool = False) -> None:
    """Each language in a stream of its own after the English copies (or before them, ``english_last``: the English
    copy must find the story its translation opened): how often a copy joins its English copy's story when no other
    language's copies are there to open stories of their own. One line a language."""
    every = [orjson.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    available = {r["language"] for r in every}
    gold: dict[str, str] = {}

    def tagged_copies(code: str, lang: str) -> list[TaggedArticle]:
        gold.update({f"{r['document']}-{lang}": str(r["document"]) for r in every if r["language"] == code})
        return tag_languages(every, {code: lang}, cache)[0]  # one cache entry a language: English is tagged once

    english = tagged_copies("eng", "en")
    known = countries()
    print(f"stories, each language alone {'before' if english_last else 'after'} the English copies ({path}; "
          f"{len(english)} documents):")
    for lang in languages:
        copies = tagged_copies(ntrex_code(lang, available), lang)
        stream = [*copies, *english] if english_last else [*english, *copies]
        predicted, _ = cluster(stream, story_config(settings), known, 1)
        joined = sum(predicted[t.id] == predicted.get(f"{gold[t.id]}-en") for t in copies)
        p, _, _ = b_cubed({i: gold[i] for i in predicted}, predicted)
        detected = Counter(t.language for t in copies).most_common(1)
        translated = sum(t.translation is not None for t in copies)
        print(f"  {lang}: joins {joined}/{len(copies)} ({joined / max(1, len(copies)):.0%})  B-cubed precision {p:.3f}"
              f"  [{translated} translated; detected as {detected[0][0] if detected else '-'}]", flush=True)


def shared_stories(gold: dict[str, str], predicted: dict[str, str]) -> dict[str, list[str]]:
    """Stories holding articles of more than one gold class: story id -> the classes, sorted."""
    classes: dict[str, set[str]] = {}
    for article, story in predicted.items():
        if article in gold:
            classes.setdefault(story, set()).add(gold[article])
    return {story: sorted(c) for story, c in classes.items() if len(c) > 1}


def tagger_settings() -> TaggerSettings:
    """The tagger's settings as a worker would read them: defaults, with any WIREWATCH_TAGGER__* variable applied
    (``WIREWATCH_TAGGER__STORY_WORDS_MARGIN=0`` measures without that rule); the changed ones are printed."""
    from services.runtime.settings import Settings

    settings = Settings().tagger
    changed = {k: v for k, v in settings.model_dump().items() if v != TaggerSettings.model_fields[k].get_default(call_default_factory=True)}
    if changed:
        print(f"settings changed from the defaults: {changed}")
    return settings


def main() -> None:
    from services.runtime.logs import configure_logging

    configure_logging("warning")  # the figures on stdout; what the stages log (a failed translation) on stderr
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=Path, default=DEVDATA / "stories" / "galaxy_dev.jsonl")
    parser.add_argument("--crosslingual", type=Path, default=DEVDATA / "crosslingual" / "ntrex_dev.jsonl")
    parser.add_argument("--languages", default="es,fr,de,it,pt,ru,zh,ar")
    parser.add_argument("--alone", action="store_true",
                        help="--crosslingual: each of --languages in a stream of its own with the English copies, one line each")
    parser.add_argument("--english-last", action="store_true",
                        help="as --alone, with each language's copies before the English ones (a translation opens the story)")
    parser.add_argument("--cache", type=Path, default=None, help="keep tagged articles here between runs")
    parser.add_argument("--folds", type=int, default=4, help="event folds for the held-out estimate (1: none)")
    parser.add_argument("--stress", type=int, default=160, metavar="N",
                        help="also cluster N generated articles (bench/corpus.py) with both rules; 0: skip")
    parser.add_argument("--fit", type=Path, default=None, metavar="MODEL_JSON",
                        help="fit the learned story decision on the --events file and write it here "
                             "(the bundled one: services/tagger/data/story_model.json)")
    args = parser.parse_args()
    settings = tagger_settings()
    print(f"(machine: {os.cpu_count()} cores, shared with other work; times are indicative)")
    for name, fn, path in (("events", events, args.events), ("crosslingual", None, args.crosslingual)):
        if not path.exists():
            print(f"{name}: {path} is absent, skipped (real data lives outside the project; pass --{name} FILE)")
            continue
        if fn is not None:
            fn(path, args.cache, settings, args.folds, args.fit)
        else:
            languages = [lang.strip() for lang in args.languages.split(",") if lang.strip()]
            if args.alone or args.english_last:
                alone(path, languages, args.cache, settings, english_last=args.english_last)
            else:
                crosslingual(path, languages, args.cache, settings)
    if args.stress > 0:
        stress(args.stress, args.cache, settings)


if __name__ == "__main__":
    main()
