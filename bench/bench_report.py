"""The pipeline benchmark's report: runs the component benchmarks (bench/bench_*.py) for their output, holds the
figures against the benchmark issue's targets, and writes the Markdown that ``make bench`` puts in docs/BENCHMARKS.md.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

from bench.measure import MARKED_SHARE, ROOT, Size, log
from services.runtime.settings import Settings

MODE_TITLES = {"one": "all four services in one process", "four": "four processes, one per service",
               "five": "five processes: a worker per service and a second tagger worker"}
MODE_SHORT = {"one": "one process", "four": "four processes", "five": "five processes (two taggers)"}


# --------------------------------------------------------------------------- the existing benchmarks


# Real data the component benchmarks also measure when it is there (never needed: see ../shared/devdata/README.md).
DEVDATA = Path(os.environ.get("WIREWATCH_DEVDATA", ROOT.parent / "shared" / "devdata"))
DEVDATA_ARGS = {
    "bench_normalize": ("--ntrex", DEVDATA / "crosslingual" / "ntrex_dev.jsonl"),
    "bench_tagger": ("--conll", DEVDATA / "ner" / "conll2003_eng.testa"),
    "bench_languages": ("--devdata", DEVDATA),
}


def existing_benchmarks(quick: bool = False) -> list[dict]:
    out = []
    smaller = {"bench_newsroom": ["--articles", "10000", "--stories", "2000", "--live", "50"]} if quick else {}
    if quick:
        smaller["bench_overload"] = ["--seconds", "20"]
    for name in ("bench_ingest", "bench_normalize", "bench_tagger", "bench_stories", "bench_story_ceiling", "bench_copies", "bench_alerter",
                 "bench_newsroom", "bench_overload", "bench_languages"):
        log(f"running bench/{name}.py")
        t = time.monotonic()
        flag, data = DEVDATA_ARGS.get(name, (None, None))
        extra = [flag, str(data)] if flag and data.exists() else smaller.get(name, [])
        proc = subprocess.run([sys.executable, f"bench/{name}.py", *extra], cwd=ROOT, capture_output=True, text=True)
        out.append({"name": name, "seconds": time.monotonic() - t, "rc": proc.returncode,
                    "output": proc.stdout.strip() + (("\n" + proc.stderr.strip()[-2000:]) if proc.returncode else "")})
    return out


# --------------------------------------------------------------------------- targets and the report


def targets(inproc: dict, e2e: dict[str, dict], ceiling: dict) -> list[tuple[str, str, str]]:
    rows = []
    best_mode = max(e2e, key=lambda m: e2e[m]["max"]["rate"]) if e2e else None
    ms = inproc["per_stage_ms"]
    bound = (f"in one process an article takes {sum(ms.values()):.0f} ms: normalize {ms['normalize']:.0f} ms "
             f"(Apertium per translated article {inproc['normalize_translated_ms']:.0f} ms, other {inproc['normalize_untranslated_ms']:.0f} ms), "
             f"tagger {ms['tagger']:.0f} ms (bare spaCy NER alone {inproc['ner_ms']:.0f} ms, title+lead embedding {inproc.get('embed_ms', 0):.0f} ms), stories {ms['stories']:.1f} ms, "
             f"alerter {ms['alerter']:.1f} ms")
    if best_mode:
        best = e2e[best_mode]["max"]["rate"]
        verdict = "met" if best >= 50 else f"missed: {best:.1f}/s is {best / 50:.0%} of 50/s (short by {50 - best:.1f}/s, ×{50 / best:.1f} needed)"
        cpu = {m: sum(r["max"]["cpu_s_per_article"].values()) + r["max"]["broker_cpu_s_per_article"] for m, r in e2e.items()}
        budget = "; ".join(f"{MODE_SHORT.get(m, m)} {c:.3f} CPU-s per article, so about "
                           f"{(os.cpu_count() or 1) / c:.1f}/s on {os.cpu_count()} idle cores" for m, c in cpu.items())
        others = ", ".join(f"{m}: {e2e[m]['max']['rate']:.1f}/s" for m in e2e)
        rows.append(("≥ 50 articles/s sustained end to end, default models, 2 cores",
                     f"{best:.1f}/s (best of {others})", verdict + f"; CPU: {budget}; bound: " + bound))
        half = e2e[best_mode]["paced"].get("p50", {})
        p99 = half.get("webhook_p99", float("nan"))
        if half:
            verdict = ("met" if p99 < 1 else f"missed by {p99 - 1:.2f} s") + \
                f" — measured at half the measured maximum ({half['rate']:.1f}/s), since 25/s is beyond this machine"
            rows.append(("p99 fetched_at → webhook < 1 s at half the rate", f"{p99:.2f} s ({half['webhooks']} webhooks)", verdict +
                         f"; p99 to articles.tagged {half['tagged_p99']:.2f} s. Bound: six consumer hops from articles.raw to the webhook, "
                         f"each waiting on the broker's fetch (one message through four bare aiokafka hops takes "
                         f"{ceiling['latency_1500']['p50']:.2f} s at Faust's own 1.5 s fetch wait, {ceiling['latency_100']['p50']:.2f} s "
                         f"at the 100 ms wirewatch sets, WIREWATCH_FETCH_MAX_WAIT_MS), "
                         f"plus normalize ({ms['normalize']:.0f} ms, {inproc['normalize_translated_ms']:.0f} ms for Spanish), "
                         f"the tagger's batch wait (WIREWATCH_TAGGER__BATCH_WAIT_S) and its NER batch"))
        ratio = best / inproc["throughput"]
        rows.append(("broker pipeline ≥ 80 % of in-process throughput", f"{ratio:.0%} ({best:.1f} vs {inproc['throughput']:.1f}/s)",
                     ("met" if ratio >= 0.8 else f"missed by {0.8 - ratio:.0%} points") +
                     f"; the raw broker ceiling is {ceiling['rate']:.0f} messages/s through four hops, so Kafka itself is not the bound"))
    one = e2e.get("one")
    if one and "peak_rss_mb" in one:
        rss = one["peak_rss_mb"]["all-in-one"]
        rows.append(("all-in-one peak RSS < 1.5 GB", f"{rss:.0f} MB", "met" if rss < 1536 else f"missed by {rss - 1536:.0f} MB"))
    return rows


def f(x: float, digits: int = 1) -> str:
    return "–" if x != x else f"{x:,.{digits}f}"


def report(args, size: Size, info: dict, inproc: dict, ceiling: dict, e2e: dict[str, dict], existing: list[dict],
           elapsed_s: float, load_end: list[str]) -> str:
    L: list[str] = []
    L += ["# Benchmarks", "",
          "Written by `make bench` (`bench/pipeline.py`); do not edit by hand. Run the same command to check.", "",
          "## Machine, commit, command", "",
          f"- machine: {info['cores']} cores ({info['cpu']}), {info['ram_gib']} GiB RAM, Linux {info['kernel']}, "
          f"Python {info['python']}, spaCy {info['spacy']}",
          f"- load average at start {' / '.join(info['loadavg_start'])}, at end {' / '.join(load_end)} (1/5/15 min): "
          "the machine was shared while this ran, so read the rates as lower bounds; the CPU others used during "
          "the maximum-rate runs is given below",
          f"- commit: `{info['commit']}`",
          f"- command: `{args.command}` ({size.name} size{'; `--quick`' if size.name == 'quick' else ''}), "
          f"{elapsed_s / 60:.1f} minutes in all, on {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC",
          f"- models: `{Settings().tagger.spacy_model}` (NER), `es_core_news_sm` for untranslated Spanish; "
          "translation es→en by Apertium, French through Spanish (fr→es→en), German passes untranslated (the defaults)", "",
          "## Data", "",
          f"`bench/corpus.py`: seeded wire stories written from the project's own templates and word lists (events × "
          f"actors × places from the gazetteer, quotes, numbers, dates), one to four reports per event from different "
          f"agencies. The in-process set: {inproc['articles']} articles, {f(inproc['words_mean'], 0)} words on average "
          f"({inproc['words_min']}–{inproc['words_max']}), languages {inproc['languages']}; "
          f"{inproc['entities_per_article']:.0f} entity mentions per article. A {MARKED_SHARE:.0%} share of each run's articles "
          "comes from an `alert-*` source that a rule matches; the rules alert once per rule and story.", "",
          "## Where the time goes (one process, no broker)", "",
          "The stage cores `wirewatch process` uses, each timed alone over the same articles "
          f"(tagger in `nlp.pipe` batches of {Settings().tagger.batch_size}, as the agent does).", "",
          "| stage | articles/s | ms per article |", "| --- | ---: | ---: |"]
    for stage in ("normalize", "tagger", "stories", "alerter"):
        L.append(f"| {stage} | {f(inproc['per_stage_rate'][stage])} | {f(inproc['per_stage_ms'][stage])} |")
    L += [f"| **all four, in a row** | **{f(inproc['throughput'])}** | **{f(1000 / inproc['throughput'])}** |",
          f"| bare spaCy NER (`nlp.pipe`, title + body, {inproc['ner_articles']} English or translated articles) | "
          f"{f(inproc['ner_rate'])} | {f(inproc['ner_ms'])} ({inproc['ner_chars_s'] / 1000:,.0f} k chars/s) |", "",
          f"- normalize: {f(inproc['normalize_translated_ms'], 0)} ms per translated article (Apertium: Spanish, and French through Spanish; {inproc['translated']} articles), "
          f"{f(inproc['normalize_untranslated_ms'], 0)} ms per other article (language id, cleanup, repair, dates and amounts).",
          f"- tagger: bare NER takes {inproc['ner_s'] / inproc['stage_s']['tagger']:.0%} of the stage's time (German "
          "articles get no NER; the rest is gazetteer linking, salience and quotes). Model load: " + f"{inproc['tagger_load_s']:.1f} s.",
          f"- stories: {inproc['stories']} stories; alerter: {inproc['alerts']} alerts.",
          "- serialization per message (orjson + pydantic validation): " + "; ".join(
              f"{k} {v['bytes_mean'] / 1024:.1f} KiB, encode {v['encode_ms']:.2f} ms, decode {v['decode_ms']:.2f} ms"
              for k, v in inproc["codec"].items()), "",
          "## Raw broker ceiling", "",
          f"aiokafka alone in one process, consume → produce through four hops (four consumer groups, acks=all, "
          f"commit after each batch) on the embedded broker, with the pipeline's message sizes per hop "
          f"({', '.join(f'{k} {v:,} B' for k, v in ceiling['bytes_per_hop'].items())}): "
          f"**{ceiling['rate']:,.0f} messages/s** end to end ({ceiling['messages']:,} messages in {ceiling['seconds']:.1f} s).", "",
          "One message at a time through the same four hops (p50 / p95 / max), by the consumers' `fetch_max_wait_ms`: "
          f"1,500 ms (what Faust 0.15's aiokafka driver hard-codes for every agent) {f(ceiling['latency_1500']['p50'], 2)} / "
          f"{f(ceiling['latency_1500']['p95'], 2)} / {f(ceiling['latency_1500']['max'], 2)} s; 100 ms "
          f"{f(ceiling['latency_100']['p50'], 2)} / {f(ceiling['latency_100']['p95'], 2)} / {f(ceiling['latency_100']['max'], 2)} s. "
          "On this broker an idle consumer's fetch is not answered as soon as data arrives, so every hop of the "
          "pipeline (six from articles.raw to a webhook) adds a share of the fetch wait.", "",
          "## End to end on the embedded broker", ""]
    for mode, r in e2e.items():
        title = MODE_TITLES.get(mode, mode)
        m = r["max"]
        L += [f"### {title}", "", f"`{r['command']}` (workers ready {r['ready_s']:.0f} s after start)", "",
              f"- **sustained maximum: {f(m['rate'], 2)} articles/s** ({m['articles']} articles offered at once; rate over the "
              f"arrivals in `articles.tagged` after the first 10 %; {m['wall_s']:.0f} s from first send to last arrival"
              + ("" if m["complete"] else "; NOT all arrived") + ")",
              "- CPU seconds per article: " + ", ".join(f"{n} {v:.3f}" for n, v in m["cpu_s_per_article"].items())
              + f", broker {m['broker_cpu_s_per_article']:.3f}",
              f"- machine during that run: {m['machine_busy_s']:.0f} CPU-s busy of {m['cores_available_s']:.0f} available; "
              f"ours {m['ours_busy_s']:.0f} (workers, broker, harness), **others {m['others_busy_s']:.0f}**",
              "", "| offered rate | articles | tagged | p50 / p95 / p99 fetched_at → articles.tagged | webhooks | "
              "p50 / p95 / p99 fetched_at → webhook |", "| --- | ---: | ---: | --- | ---: | --- |"]
        for phase, p in r["paced"].items():
            L.append(f"| {p['share']:.0%} of max = {p['rate']:.2f}/s | {p['articles']} | {p['tagged']}"
                     f"{'' if p['complete'] else ' (incomplete)'} | {f(p['tagged_p50'], 2)} / {f(p['tagged_p95'], 2)} / "
                     f"{f(p['tagged_p99'], 2)} s | {p['webhooks']} | {f(p['webhook_p50'], 2)} / {f(p['webhook_p95'], 2)} / "
                     f"{f(p['webhook_p99'], 2)} s |")
        L.append(f"| backlog (max run) | {m['articles']} | {m['tagged']} | {f(m['tagged_p50'], 1)} / {f(m['tagged_p95'], 1)} / "
                 f"{f(m['tagged_p99'], 1)} s | {m['webhooks']} | {f(m['webhook_p50'], 1)} / {f(m['webhook_p95'], 1)} / "
                 f"{f(m['webhook_p99'], 1)} s |")
        rss = ", ".join(f"{n} {v:,.0f} MB" for n, v in r.get("peak_rss_mb", {}).items())
        L += ["", f"- peak RSS (VmHWM): {rss}; broker {r.get('broker_peak_rss_mb', float('nan')):,.0f} MB", ""]
    L += ["## Targets", "", "| target | figure | verdict |", "| --- | --- | --- |"]
    for target, figure, verdict in targets(inproc, e2e, ceiling):
        L.append(f"| {target} | {figure} | {verdict} |")
    L += ["", "## Overload: twice the sustained maximum for 5 minutes", "",
          "The bench's own output is below (`bench_overload`); one run read in full, with the lag alert's transitions checked",
          "in a real Prometheus: [docs/overload.md](overload.md)."]
    L += ["", "## The component benchmarks", ""]
    for b in existing:
        L += [f"`.venv/bin/python bench/{b['name']}.py` ({b['seconds']:.0f} s{'' if b['rc'] == 0 else ', exit ' + str(b['rc'])})",
              "", "```", b["output"], "```", ""]
    return "\n".join(L) + "\n"
