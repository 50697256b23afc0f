"""The normalize stage as one call: a RawArticle in, a NormalizedArticle (clean English beside the original) out.

Order: extract text from HTML, cap length, clean Unicode and whitespace, strip
boilerplate, identify the language, translate into English, clean the English,
repair machine-translation artifacts and name variants, find dates and amounts
(the last two steps on English text only: translated, or English to begin with).
Every edit is a Change on the result. Only an article with no text at all raises
(``EmptyArticle``); a failed translation leaves the text untranslated and says why.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

from schemas import Bridge, Change, NormalizedArticle, RawArticle, Translation
from schemas.languages import TITLE_KEPT_ENGLISH
from schemas.models import Amount, DateMention
from services.normalize.amounts import DECIMAL_COMMA_LANGUAGES, find_amounts
from services.normalize.backends import SourceText, kept_spans, untranslated_spans
from services.normalize.boilerplate import strip_boilerplate
from services.normalize.casing import english_case
from services.normalize.changes import Edit, excerpt, record
from services.normalize.cleanup import clean_body, clean_title
from services.normalize.dates import find_dates
from services.normalize.errors import EmptyArticle, TranslationError, TranslationUnavailable
from services.normalize.extract import (
    html_fragment_to_text,
    html_to_text,
    looks_like_html,
    truncate,
)
from services.normalize.language import (
    UNDETERMINED,
    LanguageDetector,
    LanguageGuess,
    SecondOpinion,
    ShortTextJudge,
    choose_language,
    count_letters,
    title_is_english,
)
from services.normalize.judge_process import IsolatedShortTextJudge, shared_judge
from services.normalize.kept_names import KeptName, NameKeeper
from services.normalize.name_runs import NameRun, find_name_runs, lost_as_words, names_in, word_parts
from services.normalize.untranslated_names import name_untranslated
from services.normalize.names import load_name_table
from services.normalize.pivot import clean_pivot_output
from services.normalize.published import trusted_publication
from services.normalize.repair import Repairer
from services.normalize.settings import NormalizeSettings
from services.normalize.text import carry_spans
from services.normalize.titles import lead_of, title_from_text
from services.normalize.translate import Translator, TranslatorRegistry, unknown_words
from services.runtime.logs import get_logger

__all__ = ["Normalizer", "TARGET_LANGUAGE"]

TARGET_LANGUAGE = "en"
KEPT_NAMES_RULE = "names:kept-through-translation"
KEPT_RUNS_RULE = "names:kept-as-written"

log = get_logger(__name__)


class Normalizer:
    """Turns RawArticles into NormalizedArticles; holds the detector and translators between calls."""

    def __init__(
        self,
        settings: NormalizeSettings,
        *,
        detector: LanguageDetector | None = None,
        translators: TranslatorRegistry | None = None,
        repairer: Repairer | None = None,
    ) -> None:
        self._settings = settings
        second = SecondOpinion() if settings.language_second_opinion else None
        self._judge: ShortTextJudge | IsolatedShortTextJudge | None = None
        if settings.language_short_text_judge and detector is None:
            self._judge = shared_judge(preload=settings.language_short_text_preload) if settings.language_short_text_process else ShortTextJudge()
            if settings.language_short_text_process and settings.language_short_text_preload:
                self._judge.start()  # loads in its own process while the worker starts and joins its group
        self._detector = detector or LanguageDetector(
            sample_chars=settings.language_sample_chars,
            second_opinion=second,
            short_judge=self._judge,
            short_chars=settings.language_short_text_chars,
            uncertain_below=settings.language_uncertain_below,
        )
        self._repairer = repairer
        if self._repairer is None and settings.repair:
            self._repairer = Repairer(load_name_table(settings.name_variant_files), disabled=frozenset(settings.repair_disabled_rules))
        self._names = NameKeeper(settings.name_gazetteer_files) if settings.keep_names else None
        self._owns_translators = translators is None
        self._translators = translators or TranslatorRegistry(settings)

    async def aclose(self) -> None:
        """Close what this normalizer opened (translator sessions); a registry passed in is the caller's to close."""
        if self._owns_translators:
            await self._translators.aclose()

    async def normalize(self, raw: RawArticle) -> NormalizedArticle:
        changes: list[Change] = []
        published_at, future = trusted_publication(
            raw.published_at, raw.fetched_at, tolerance=timedelta(seconds=self._settings.future_publication_tolerance_s))
        if future is not None:
            changes.append(future)
        title, body = await self._extract(raw, changes)
        title, body = self._clean(title, body, changes)
        if not title and not body:
            raise EmptyArticle(
                f"article {raw.id!r} from {raw.source!r} has no text: title and body are empty after extraction and cleanup "
                f"({raw.content_type}, {len(raw.body)} body characters received)"
            )
        if isinstance(self._judge, IsolatedShortTextJudge) or (self._judge is not None and not self._judge.ready):
            # The short-text judge may be loading models (seconds, tens of seconds for every language; in its own
            # process, or in this one when not isolated): wait in a thread, so the event loop (and Kafka heartbeats) go on.
            guess, keep_title = await asyncio.to_thread(self._languages, title, body, raw.language_hint)
        else:
            guess, keep_title = self._languages(title, body, raw.language_hint)
        if keep_title:  # an aggregator's English headline over the report as the agency wrote it
            changes.append(Change(kind="translation", rule=TITLE_KEPT_ENGLISH, field="title", span=None, before=excerpt(title), after=excerpt(title),
                                  reason=f"the title is English (the body is {guess.language}): left as it is"))
        english_title, english_body, translation, untranslated = await self._translate(
            raw.id, guess.language, "" if keep_title else title, body, changes)
        if keep_title:
            english_title = title
        if translation is not None:
            translated_title, translated_body = english_title, english_body
            english_title, english_body = self._clean(english_title, english_body, changes)
            untranslated = {"title": carry_spans(translated_title, english_title, untranslated["title"]),
                            "body": carry_spans(translated_body, english_body, untranslated["body"])}
        english = translation is not None or guess.language == TARGET_LANGUAGE
        bridge = None if english else await self._bridge(raw.id, guess.language, title, body, changes)
        dates: list[DateMention] = []
        amounts: list[Amount] = []
        if english:
            if self._repairer is not None:
                english_title, english_body, repaired = self._repairer.repair(
                    english_title, english_body, max_changes=self._settings.max_changes_per_rule, translated=translation is not None,
                    untranslated=(untranslated["title"], untranslated["body"]))
                changes.extend(repaired)
            reference = (published_at or raw.fetched_at).date()
            for name, text in (("title", english_title), ("body", english_body)):
                dates.extend(find_dates(text, name, reference))
                amounts.extend(find_amounts(text, name, decimal_comma=translation is not None and guess.language in DECIMAL_COMMA_LANGUAGES))
        if not english_title and english_body:
            english_title = title_from_text(english_body)
            changes.append(Change(kind="extraction", rule="title:first-sentence", field="title", span=None, before="", after=excerpt(english_title),
                                  reason="no headline: the body's first sentence, cut at a word break when long"))
        return NormalizedArticle(
            id=raw.id,
            source=raw.source,
            url=raw.url,
            published_at=published_at,
            fetched_at=raw.fetched_at,
            language=guess.language,
            language_confidence=max(0.0, min(1.0, guess.confidence)),
            original_title=title,
            original_body=body,
            title=english_title,
            body=english_body,
            translation=translation,
            changes=changes,
            dates=dates,
            amounts=amounts,
            bridge=bridge,
            feed_id=raw.feed_id,
            tags=list(raw.tags),
            revision=raw.revision,
        )

    async def _extract(self, raw: RawArticle, changes: list[Change]) -> tuple[str, str]:
        s = self._settings
        title, body = raw.title, raw.body
        if raw.content_type == "text/html":
            if looks_like_html(title):
                plain = html_fragment_to_text(title)
                changes.append(
                    Change(kind="extraction", rule="html:title", field="title", span=None, before=excerpt(title), after=excerpt(plain), reason="markup and character references in the title converted to text")
                )
                title = plain
            body, cut = truncate(body, s.max_html_chars, field="body", rule="truncate:max-html-chars")
            changes.extend(cut)
            if body.strip():
                # Parsing a big page is CPU work; a thread keeps the event loop (and Kafka heartbeats) responsive.
                extraction = await asyncio.to_thread(html_to_text, body)
                changes.append(
                    Change(
                        kind="extraction",
                        rule=f"html:{extraction.method}",
                        field="body",
                        span=None,
                        before=excerpt(body),
                        after=excerpt(extraction.text),
                        reason=f"HTML body ({len(body)} characters) converted to text ({len(extraction.text)} characters) by {extraction.method}"
                        if extraction.method != "none"
                        else "HTML body holds no extractable text",
                    )
                )
                body = extraction.text
        title, cut = truncate(title, s.max_title_chars, field="title", rule="truncate:max-title-chars")
        changes.extend(cut)
        body, cut = truncate(body, s.max_body_chars, field="body", rule="truncate:max-body-chars")
        changes.extend(cut)
        return title, body

    def _clean(self, title: str, body: str, changes: list[Change]) -> tuple[str, str]:
        limit = self._settings.max_changes_per_rule
        title, made = clean_title(title, max_changes=limit)
        changes.extend(made)
        body, made = clean_body(body, max_changes=limit)
        changes.extend(made)
        body, made = strip_boilerplate(body, title=title)
        changes.extend(made)
        return title, body

    def _languages(self, title: str, body: str, hint: str | None) -> tuple[LanguageGuess, bool]:
        """The article's language, and whether its title is English over a body in another language (both may ask
        the short-text judge, so both run where waiting for it is safe)."""
        guess = self._language(title, body, hint)
        return guess, guess.language not in (TARGET_LANGUAGE, UNDETERMINED) and title_is_english(self._detector, title)

    def _language(self, title: str, body: str, hint: str | None) -> LanguageGuess:
        s = self._settings
        body_letters = count_letters(body[: s.language_sample_chars])
        # The title is only looked at when the body is too short to decide on.
        return choose_language(
            self._detector.candidates(title) if title and body_letters < s.language_min_body_letters else [],
            self._detector.candidates(body) if body else [],
            body_letters=body_letters,
            hint=hint,
            min_body_letters=s.language_min_body_letters,
            low_confidence=s.language_low_confidence,
            tie_margin=s.language_tie_margin,
            undetermined_below=s.language_undetermined_below,
        )

    async def _bridge(self, article_id: str, language: str, title: str, body: str, changes: list[Change]) -> Bridge | None:
        """The title and lead in the language's configured bridge language, or None (none configured, or it failed)."""
        target = self._settings.bridges.get(language)
        translator = None if target is None or language == UNDETERMINED else self._translators.for_language(language)
        if translator is None:
            return None
        fields = [(name, text) for name, text in (("title", title), ("lead", lead_of(body))) if text]
        try:
            out = await translator.translate([text for _, text in fields], language, target)
        except Exception as exc:  # noqa: BLE001 - the bridge is a help to story clustering; the article goes on without it
            error = str(exc) if isinstance(exc, TranslationError) else f"{translator.name}: {type(exc).__name__}: {exc}"
            if not isinstance(exc, TranslationUnavailable):  # no installed pair is said in the change, not once per article
                log.warning("normalize.bridge_failed", article_id=article_id, language=language, bridge=target, error=error)
            changes.append(Change(kind="translation", rule="bridge-failed", field="body", span=None, before="", after="",
                                  reason=f"no {target} bridge for this {language} text: {error}"))
            return None
        translated = dict(zip([name for name, _ in fields], out))
        return Bridge(language=target, title=translated.get("title", ""), lead=translated.get("lead", ""),
                      translation=translator.provenance(language, target))

    async def _translate(
        self, article_id: str, language: str, title: str, body: str, changes: list[Change]
    ) -> tuple[str, str, Translation | None, dict[str, list[tuple[int, int]]]]:
        """The English title and body, how they were translated (None: not at all), and per field the spans of words
        the translator copied from the source untranslated, which the repairs leave alone."""
        untranslated: dict[str, list[tuple[int, int]]] = {"title": [], "body": []}
        if language == TARGET_LANGUAGE:
            return title, body, None, untranslated
        translator: Translator | None = None if language == UNDETERMINED else self._translators.for_language(language)
        if translator is None or translator.name == "none":
            reason = (
                "language could not be identified ('und'); text left untranslated"
                if language == UNDETERMINED
                else f"no translation backend for {language!r}"
            )
            changes.append(Change(kind="translation", rule="untranslated", field="body", span=None, before="", after="", reason=reason))
            return title, body, None, untranslated
        fields = [(name, text) for name, text in (("title", title), ("body", body)) if text]
        try:
            names = await self._names_to_keep(translator, language, fields)
            sources = [SourceText(text, tuple((n.start, n.end, n.english) for n in names[name])) if names[name] else text for name, text in fields]
            translated = await translator.translate(sources, language, TARGET_LANGUAGE)
            if len(translated) != len(fields):
                raise TranslationError(f"{translator.name}: returned {len(translated)} texts for {len(fields)}")
        except TranslationUnavailable as exc:
            if translator.name != "auto":
                raise
            # "auto" found no installed path for this language: untranslated by design, not a failure.
            changes.append(Change(kind="translation", rule="untranslated", field="body", span=None, before="", after="", reason=str(exc)))
            return title, body, None, untranslated
        except Exception as exc:  # noqa: BLE001 - a backend failure must leave the article untranslated, not lost
            error = str(exc) if isinstance(exc, TranslationError) else f"{translator.name}: {type(exc).__name__}: {exc}"
            log.warning("normalize.translation_failed", article_id=article_id, engine=translator.name, language=language, error=error)
            changes.append(
                Change(kind="translation", rule="translation-failed", field="body", span=None, before="", after="", reason=f"translation by {translator.name} failed: {error}")
            )
            return title, body, None, untranslated
        provenance = translator.provenance(language, TARGET_LANGUAGE)
        out = {"title": title, "body": body}
        for (name, original), english in zip(fields, translated):
            out[name] = str(english)
            untranslated[name] = list(untranslated_spans(english))
            changes.append(
                Change(
                    kind="translation",
                    rule=provenance.engine,
                    field=name,  # type: ignore[arg-type]
                    span=None,
                    before=excerpt(original),
                    after=excerpt(english),
                    reason=f"translated from {language} to {TARGET_LANGUAGE} by {provenance.engine}" + (f" ({provenance.model})" if provenance.model else ""),
                )
            )
            changes.extend(self._kept_names(names[name], english, name))
            if len(provenance.hops) > 1:
                out[name], cleaned = clean_pivot_output(out[name], name, max_changes=self._settings.max_changes_per_rule)
                untranslated[name] = carry_spans(english, out[name], untranslated[name])
                changes.extend(cleaned)
            if self._names is not None:
                out[name], untranslated[name], named = name_untranslated(
                    out[name], untranslated[name], name, max_changes=self._settings.max_changes_per_rule, english_name=self._names.english,
                    sounds_like=self._names.sounds_like)
                changes.extend(named)
        return out["title"], out["body"], provenance, untranslated

    async def _names_to_keep(self, translator: Translator, language: str, fields: list[tuple[str, str]]) -> dict[str, list[KeptName]]:
        """Per field, the names the gazetteer knows that the translator loses: those whose translation on their own
        (through the registry's translation cache, as names recur) is no name the gazetteer knows."""
        found = {name: self._names.find(text, language) if self._names is not None else [] for name, text in fields}
        candidates = sorted({n.source for names in found.values() for n in names})
        lost = set()
        for source in candidates:  # one at a time: a name the translator renders as nothing must not fail the others
            try:
                [alone] = await translator.translate([source], language, TARGET_LANGUAGE)
            except TranslationUnavailable:
                raise
            except TranslationError:
                alone = ""  # ro-es gives nothing for "Marea Britanie" on its own
            if self._names is not None and self._names.lost(alone):
                lost.add(source)
        kept = {name: [n for n in names if n.source in lost] for name, names in found.items()}
        if self._settings.keep_name_runs:
            for name, text in fields:
                kept[name] = sorted(kept[name] + await self._runs_to_keep(translator, language, text, kept[name]), key=lambda n: n.start)
        return kept

    async def _runs_to_keep(self, translator: Translator, language: str, text: str, names: list[KeptName]) -> list[KeptName]:
        """The runs of capitalised words in ``text`` (none overlapping ``names``) that hold a word the translator's first
        hop does not know and that it changes when given them on their own: kept as the source writes them."""
        runs = [r for r in find_name_runs(text) if not any(n.start < r.end and r.start < n.end for n in names)]
        if not runs:
            return []
        try:
            unknown = set(await unknown_words(translator, "\n".join(dict.fromkeys(r.source for r in runs)), language, TARGET_LANGUAGE))
            if len(translator.provenance(language, TARGET_LANGUAGE).hops) > 1:
                unknown |= await self._misread_by_pivot(translator, language, runs)
        except TranslationUnavailable:
            raise
        except TranslationError as exc:  # a help to the translation, not a condition of it: the article is translated as is
            log.warning("normalize.name_runs_failed", language=language, error=str(exc)[:300])
            return []
        kept = []
        for run in names_in(runs, unknown, lambda word: english_case().name(word) is not None):
            try:
                [alone] = await translator.translate([run.source], language, TARGET_LANGUAGE)
            except TranslationUnavailable:
                raise
            except TranslationError:
                continue
            if lost_as_words(run, alone):
                kept.append(KeptName(run.start, run.end, run.source, run.source, ""))
        return kept

    async def _misread_by_pivot(self, translator: Translator, language: str, runs: list[NameRun]) -> set[str]:
        """The runs' words the first hop knows only as a name's (unknown to it in lower case: "Las" of "Las Vegas",
        which fr-es copies as it stands) and the pivot's pair knows in lower case, as a word of its own (spa-eng: "las",
        the): a name's words the pivot would translate ("The Vegas"). A name both know only as names ("América") is left
        to them, and so is a word the first hop knows in lower case."""
        words = {p for run in runs for word in run.words for p in word_parts(word)}
        lower = "\n".join(sorted({w.lower() for w in words}))
        names_only = await unknown_words(translator, lower, language, TARGET_LANGUAGE)
        if not names_only:
            return set()
        unknown_to_pivot = await unknown_words(translator, "\n".join(sorted(names_only)), language, TARGET_LANGUAGE, hop=1)
        return {w for w in words if w.lower() in names_only - unknown_to_pivot}

    def _kept_names(self, names: list[KeptName], english: str, field: str) -> list[Change]:
        """A Change for each name the translator kept (spans into the source field): those whose English name
        stands, in order, where the translation says it kept a name."""
        found = iter([english[a:b] for a, b in kept_spans(english)])
        kept = [n for n in names if n.english in found]
        known = [Edit(n.start, n.end, n.source, n.english) for n in kept if n.entity_id]
        written = [Edit(n.start, n.end, n.source, n.english) for n in kept if not n.entity_id]
        limit = self._settings.max_changes_per_rule
        return (record(known, kind="translation", rule=KEPT_NAMES_RULE, field=field, max_changes=limit,
                       reason="a name the gazetteer knows, kept through translation as its English name instead of translated as words")
                + record(written, kind="translation", rule=KEPT_RUNS_RULE, field=field, max_changes=limit,
                         reason="capitalised words beside a word the translator does not know (a name), kept as written instead of translated as words"))
