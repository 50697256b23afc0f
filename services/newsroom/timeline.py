"""A story's reports per hour by language as a small SVG bar chart (presentation attributes only: no inline style)."""

from __future__ import annotations

from datetime import datetime, timedelta

from services.newsroom.languages import language_name

__all__ = ["timeline_chart", "PALETTE", "OTHER"]

# Okabe-Ito's seven colours (told apart with the common colour-vision deficiencies), then five of Paul Tol's and
# Tableau's that are far from all of them; every one readable on the light and the dark page.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442",
           "#882255", "#117733", "#999933", "#AA4499", "#8C564B"]
# A story in more languages than there are colours: the least reported share this grey, and the legend says which.
OTHER = "#999999"
MAX_HOURS = 72


def timeline_chart(timeline: list[dict], *, width: int = 560, height: int = 120) -> dict:
    """Bars (x, y, w, h, colour, label) for the template, the legend, the rows for a table, and how many reports came
    before the hours shown (``earlier``, from the hour ``since``): the chart says so rather than leave them out unsaid."""
    if not timeline:
        return {"bars": [], "legend": [], "rows": [], "width": width, "height": height, "hours": 0, "earlier": 0}
    hours = sorted({t["hour"] for t in timeline})
    first = datetime.fromisoformat(hours[0].replace("Z", "+00:00"))
    last = datetime.fromisoformat(hours[-1].replace("Z", "+00:00"))
    span = min(MAX_HOURS, int((last - first).total_seconds() // 3600) + 1)
    if span == MAX_HOURS:  # show the last MAX_HOURS hours of a long story
        first = last - timedelta(hours=MAX_HOURS - 1)
    languages = sorted({t["language"] for t in timeline}, key=lambda lang: (-sum(t["articles"] for t in timeline if t["language"] == lang), lang))
    coloured = languages if len(languages) <= len(PALETTE) else languages[:len(PALETTE) - 1]
    colour = {lang: PALETTE[i] for i, lang in enumerate(coloured)} | {lang: OTHER for lang in languages[len(coloured):]}
    per_hour: dict[int, list[tuple[str, int]]] = {}
    earlier = 0  # reports before the hours shown (a long story, or an old backlog beside a report received now)
    for t in timeline:
        when = datetime.fromisoformat(t["hour"].replace("Z", "+00:00"))
        slot = int((when - first).total_seconds() // 3600)
        if 0 <= slot < span:
            per_hour.setdefault(slot, []).append((t["language"], t["articles"]))
        elif slot < 0:
            earlier += t["articles"]
    top = max(sum(n for _, n in v) for v in per_hour.values()) if per_hour else 1
    bar_w = min(48.0, max(2.0, (width - 10) / span))
    bars = []
    for slot, counts in per_hour.items():
        y = height - 16
        for lang, n in sorted(counts, key=lambda c: languages.index(c[0])):
            h = (height - 24) * n / top
            y -= h
            hour = (first + timedelta(hours=slot)).strftime("%Y-%m-%d %H:00")
            bars.append({"x": round(5 + slot * bar_w, 1), "y": round(y, 1), "w": round(max(1.0, bar_w - 2), 1), "h": round(h, 1),
                         "colour": colour[lang], "label": f"{hour} UTC: {n} in {language_name(lang)}"})
    rows = [{"hour": t["hour"], "language": t["language"], "articles": t["articles"]} for t in timeline]
    legend = [{"language": lang, "name": language_name(lang), "colour": colour[lang]} for lang in coloured]
    others = languages[len(coloured):]
    if others:
        legend.append({"language": None, "name": "Other: " + ", ".join(language_name(lang) for lang in others), "colour": OTHER})
    return {"bars": bars, "legend": legend, "rows": rows, "earlier": earlier, "since": hours[0],
            "width": width, "height": height, "hours": span, "start": first.strftime("%Y-%m-%d %H:00 UTC"),
            "end": (first + timedelta(hours=span - 1)).strftime("%Y-%m-%d %H:00 UTC")}
