"""Settings of the normalize service (``WIREWATCH_NORMALIZE__*``)."""

from __future__ import annotations

import difflib
from pathlib import Path

from pydantic import BaseModel, Field, SecretStr

from services.runtime.setting_values import DictSetting, ListSetting

__all__ = ["NormalizeSettings", "BACKEND_NAMES", "REPAIR_RULE_NAMES", "unknown_backends", "unknown_repair_rules"]

# What `translation` and `default_backend` may name (services/normalize/translate.py's BACKENDS, "auto" and "none").
BACKEND_NAMES = ("auto", "apertium", "argos", "libretranslate", "none")
# What `repair_disabled_rules` may name: services/normalize/repair.py's RULES, in their order (a test keeps the two alike;
# importing repair.py here would load spaCy for every command that reads a setting).
REPAIR_RULE_NAMES = (
    "spelling:doubled-final-letter", "glue:name-boundary", "glue:word-boundary", "names:variant", "space:after-punctuation",
    "quotes:misplaced-opening", "quotes:space-after-closing", "punctuation:space-before", "punctuation:repeated-stop",
    "dash:spacing", "pronoun:before-inverted-subject", "tense:perfect-before-inverted-subject", "case:proper-name",
    "case:verb-after-name", "article:before-country",
)


class NormalizeSettings(BaseModel):
    translation: DictSetting[str] = Field(
        default_factory=lambda: {"es": "apertium"},
        description="Backend per source language: auto, apertium, argos, libretranslate or none.",
    )
    default_backend: str = Field(
        default="auto",
        description="Backend for languages not named in `translation`. \"auto\": the best installed path per language (an Apertium pair into English, else Apertium through `apertium_pivots`, else an installed Argos package); languages with none stay untranslated.",
    )
    apertium_pivots: ListSetting[str] = Field(
        default_factory=lambda: ["es", "mk", "hr", "is", "sv"],
        description="Languages Apertium may translate through when no pair goes straight into English, in order of preference, one or two of them in a route (French, Italian, Portuguese, Romanian, Occitan and Aragonese have pairs into Spanish, Bulgarian one into Macedonian, Slovenian one into Serbo-Croatian, Swedish one into Icelandic, Danish and Norwegian into Swedish).",
    )
    bridges: DictSetting[str] = Field(
        default_factory=lambda: {"uk": "ru", "be": "ru", "af": "nl"},
        description="For a language nothing translates into English: a related language its title and lead are translated into "
        "(by the language's backend), which the tagger's sentence encoder reads, so its reports still meet their stories in other "
        "languages (Ukrainian and Belarusian into Russian, Afrikaans into Dutch). The English fields stay untranslated.",
    )
    translation_timeout_s: float = Field(default=30.0, description="A translation slower than this is abandoned; the article passes untranslated and says why.")
    apertium_bin: str = Field(default="apertium", description="The Apertium command.")
    apertium_stream: bool = Field(
        default=True,
        description="Keep one Apertium pipeline per language pair running in null-flush mode instead of starting `apertium` for every article (about 12 times faster on a 734-character Spanish article: 19 ms against 240 ms, bench/bench_normalize.py in docs/BENCHMARKS.md); falls back to one process per call when the pair's mode file is not found.",
    )
    apertium_data_dir: Path = Field(default=Path("/usr/share/apertium"), description="Where Apertium's language pairs keep their `modes/<pair>.mode` files (for the streaming pipeline).")
    libretranslate_url: str = Field(default="http://127.0.0.1:5000", description="Base URL of a self-hosted LibreTranslate server.")
    libretranslate_api_key: SecretStr | None = Field(default=None, description="API key for LibreTranslate, when the server wants one.")
    max_body_chars: int = Field(default=200_000, description="Longer article text is cut here (and the cut recorded).")
    max_html_chars: int = Field(default=5_000_000, description="Raw HTML beyond this is cut before parsing, so a huge page cannot stall the worker.")
    max_title_chars: int = Field(default=1_000, description="Longer titles are cut here (and the cut recorded).")
    future_publication_tolerance_s: float = Field(
        default=900.0, ge=0.0,
        description="A publication time later than this many seconds after the article was received (its fetched_at) is not trusted: the article is placed at its receipt time, and the replacement recorded as a Change (published_at:future).",
    )
    max_changes_per_rule: int = Field(default=20, description="Past this many edits by one rule in one field, record one summary Change instead.")
    translation_cache_size: int = Field(default=1024, description="Translations kept in memory, keyed by engine, language and text hash.")
    language_sample_chars: int = Field(default=3000, description="Characters of a field given to language identification.")
    language_min_body_letters: int = Field(default=40, description="Below this many letters the body is too short to decide the language; the title's is used.")
    language_low_confidence: float = Field(default=0.5, description="Below this detection confidence, the feed's language hint wins if it is a candidate.")
    language_tie_margin: float = Field(default=0.15, description="The hint wins when its score is within this of the best candidate's.")
    language_undetermined_below: float = Field(default=0.2, description="Below this confidence and with no usable hint, the language is 'und'.")
    repair: bool = Field(default=True, description="Repair machine-translation artifacts in the English text (glued words, doubled letters, missing spaces, quotes, name case); every edit is recorded.")
    repair_disabled_rules: ListSetting[str] = Field(default_factory=list, description="Repair rules to skip, by name (e.g. [\"glue:word-boundary\"]); see docs/normalize.md.")
    keep_names: bool = Field(
        default=True,
        description="Before translation, find the names the tagger's gazetteer knows (Latin script, written with a capital inside a sentence) that Apertium translates as words, and have it pass them through as the entity's English name (\"Colonia\" as Cologne, not \"Colony\"); each is recorded as a Change (names:kept-through-translation). Also: a name Apertium leaves in Cyrillic that the gazetteer knows comes out as its English name (names:untranslated-as-english), and one it knows in no spelling as the one English name it sounds like, if only one does (names:untranslated-by-sound: \"Джонсън\" as Johnson).",
    )
    keep_name_runs: bool = Field(
        default=True,
        description="Before Apertium translates, find the runs of capitalised words inside a sentence that hold a word its first hop does not know (a name the gazetteer lacks) and that it would change (Swedish \"Brett Kavanaugh\" as \"Spread Kavanaugh\"), and have it pass them through as written; each is recorded as a Change (names:kept-as-written).",
    )
    name_gazetteer_files: ListSetting[Path] = Field(default_factory=list, description="Extra gazetteer YAML files (as the tagger's `gazetteer`) merged over the bundled one for `keep_names`.")
    name_variant_files: ListSetting[Path] = Field(default_factory=list, description="Extra name-variant YAML files merged over the bundled one; an entry with the same name replaces it.")
    language_short_text_judge: bool = Field(
        default=True,
        description="Judge short or uncertain texts with lingua's high-accuracy mode over its 75 languages as well, weighed with fastText's scores (about 1.3 GB of models).",
    )
    language_short_text_process: bool = Field(
        default=True,
        description="Run the short-text judge in a process of its own: lingua's loading holds the GIL (40-55 s for every language), which in the worker's own process froze its event loop and heartbeats.",
    )
    language_short_text_preload: bool = Field(
        default=False,
        description="Start the short-text judge's process when the worker starts, loading every language's models (about 1.3 GB, 40-55 s, while the worker joins its group), so no short text ever waits; off: the first short text starts it and models load as languages come.",
    )
    language_short_text_chars: int = Field(default=200, description="A text sample shorter than this (characters) is short: the short-text judge decides with fastText.")
    language_uncertain_below: float = Field(default=0.9, description="Below this fastText confidence, the short-text judge decides with fastText, whatever the length.")
    language_second_opinion: bool = Field(default=True, description="Ask lingua when fastText's top candidates are close languages (nb/nn/da, ms/id, cs/sk, es/ca/gl/pt); "
                                          "hr/sr/bs are told apart by their spellings and words instead (services/normalize/shtokavian.py).")


def unknown_backends(cfg: NormalizeSettings, prefix: str = "WIREWATCH_NORMALIZE__") -> list[str]:
    """Each backend name in ``cfg`` that no backend has, said with its variable and the closest known name."""
    named = [(f"{prefix}TRANSLATION", f"{lang}={backend}", backend) for lang, backend in cfg.translation.items()]
    named.append((f"{prefix}DEFAULT_BACKEND", cfg.default_backend, cfg.default_backend))
    problems = []
    for variable, written, backend in named:
        if backend in BACKEND_NAMES:
            continue
        close = difflib.get_close_matches(backend, BACKEND_NAMES, n=1)
        hint = f"did you mean {close[0]}? " if close else ""
        problems.append(f"{variable}: {written}: no translation backend is called {backend!r} ({hint}known: {', '.join(BACKEND_NAMES)})")
    return problems


def unknown_repair_rules(cfg: NormalizeSettings, prefix: str = "WIREWATCH_NORMALIZE__") -> list[str]:
    """Each rule name ``repair_disabled_rules`` gives that no repair rule has, said with its variable and the closest
    known name, or the known names when none is close."""
    problems = []
    for rule in cfg.repair_disabled_rules:
        if rule in REPAIR_RULE_NAMES:
            continue
        close = difflib.get_close_matches(rule, REPAIR_RULE_NAMES, n=1)
        hint = f"did you mean {close[0]}?" if close else f"known: {', '.join(REPAIR_RULE_NAMES)}"
        problems.append(f"{prefix}REPAIR_DISABLED_RULES: no repair rule is called {rule!r} ({hint})")
    return problems
