"""The tagger's pure core: a normalized article in, the same article with linked entities and a story id out.

No Kafka, no metrics, no clock: the agent feeds articles in and publishes what comes back.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

from schemas import Entity, NormalizedArticle, TaggedArticle
from services.tagger.appositions import LANGUAGES as APPOSITION_LANGUAGES
from services.tagger.appositions import Appositions
from services.tagger.demonyms import Demonyms
from services.tagger.gazetteer import Gazetteer, GazetteerEntry, first_level_regions, fold
from services.tagger.languages import warm_up as warm_up_languages
from services.tagger.linking import link_article
from services.tagger.mentions import FieldMentions, Mention
from services.tagger.newswire import Newswire, english_newswire, load_organisations
from services.tagger.opening_words import trim_opening_words
from services.tagger.pipeline import LABELS, PipelineUnavailable, load_pipeline, load_pos_pipeline
from services.tagger.quotes import find_quotes
from services.tagger.salience import salience
from services.tagger.settings import TaggerSettings
from services.tagger.shared_places import SharedPlaces

if TYPE_CHECKING:
    import spacy

__all__ = ["Tagger"]

log = logging.getLogger("wirewatch.tagger")


def _mentions(doc: spacy.tokens.Doc, labels: Mapping[str, str] | None = None) -> list[Mention]:
    if labels is None:
        return [Mention(ent.start_char, ent.end_char, ent.label_) for ent in doc.ents]
    return [Mention(ent.start_char, ent.end_char, labels[ent.label_]) for ent in doc.ents if ent.label_ in labels]


def _part_of_speech(nlp: spacy.Language | None, text: str) -> Callable[[int], str | None]:
    """The universal POS tag of the token at a character offset of ``text``, tagged by ``nlp`` on the first question."""
    tags: dict[int, str] | None = None

    def at(offset: int) -> str | None:
        nonlocal tags
        if nlp is None:
            return None
        if tags is None:
            tags = {token.idx: token.pos_ for token in nlp(text)}
        return tags.get(offset)

    return at


def _is_english(article: NormalizedArticle) -> bool:
    return article.translation is not None or article.language in ("en", "und")


class Tagger:
    """Runs NER on an article's English title and body and links what it finds to canonical entities."""

    def __init__(
        self,
        settings: TaggerSettings,
        *,
        nlp: spacy.Language | None = None,
        gazetteer: Gazetteer | None = None,
        language_nlp: Mapping[str, spacy.Language] | None = None,
    ) -> None:
        self._settings = settings
        self._nlp = nlp if nlp is not None else load_pipeline(settings.spacy_model)
        self._language_nlp = dict(language_nlp) if language_nlp is not None else self._load_language_models(settings)
        # Part-of-speech tagging of the same pipelines, for a sentence's opening word NER took into a name.
        self._language_pos = {language: load_pos_pipeline(name) for language, name in settings.language_models.items()
                              if language in self._language_nlp}
        self._gazetteer = gazetteer if gazetteer is not None else Gazetteer.load(settings.gazetteer)
        self._entity_types = frozenset(settings.entity_types)
        self._newswire: Newswire = english_newswire(self._gazetteer)
        # A name in lower case the organisations file knows is a name still, in a report in another language.
        self._organisations = frozenset(fold(name) for name in load_organisations())
        self._demonyms = Demonyms.load(self._gazetteer)
        regions = first_level_regions(self._gazetteer)  # read once for both
        self._shared_places = SharedPlaces(self._gazetteer, regions)
        self._appositions = Appositions(self._gazetteer, regions, self._shared_places.names)
        warm_up_languages()  # jieba and wordfreq's Arabic list, at startup rather than on the first such article

    @staticmethod
    def _load_language_models(settings: TaggerSettings) -> dict[str, spacy.Language]:
        loaded = {}
        for language, name in settings.language_models.items():
            try:
                loaded[language] = load_pipeline(name)
            except PipelineUnavailable as exc:
                # Untranslated articles in that language still get gazetteer links, as before the model existed.
                log.warning("language_model_unavailable language=%s model=%s reason=%s", language, name, exc)
        return loaded

    def _opening_words_out(self, language: str, text: str, mentions: list[Mention], article: str) -> list[Mention]:
        """``mentions`` without a sentence's opening word NER of ``language`` took for a name (opening_words.py);
        ``article``: the article's title and body, where a capitalised opening word may be written in lower case."""
        return trim_opening_words(language, text, mentions, self._gazetteer.lookup,
                                  _part_of_speech(self._language_pos.get(language), text[: self._settings.max_ner_chars]),
                                  self._organisations, article)

    def _people_country(self, entity: Entity) -> str | None:
        found = self._demonyms.of_mention(entity.text, entity.type, entity.key)
        return found[0] if found is not None else None

    @property
    def gazetteer(self) -> Gazetteer:
        return self._gazetteer

    @property
    def countries(self) -> frozenset[str]:
        """Keys of the gazetteer's countries: actors, not the places where events happen."""
        return frozenset(e.id for e in self._gazetteer if e.country == e.id)

    def tag(self, article: NormalizedArticle) -> TaggedArticle:
        return self.tag_many([article])[0]

    def tag_many(self, articles: Sequence[NormalizedArticle]) -> list[TaggedArticle]:
        """Tag a batch; spaCy sees every English title and body in one ``nlp.pipe`` pass.

        Text that is still not English (no backend translated it) gets the pipeline of its language
        (``language_models``) or no NER at all, since English NER on other languages is noise; the
        gazetteer's multilingual aliases link it either way. A sentence's opening word that pipeline took for a name, or
        into one, is dropped or cut off (opening_words.py).
        """
        limit = self._settings.max_ner_chars
        # NER past the limit is skipped (the gazetteer still reads the whole text): a huge body must not stall the stage.
        pipelines = ["en" if _is_english(a) else a.language if a.language in self._language_nlp else None for a in articles]
        docs = {}
        for language in set(pipelines) - {None}:
            nlp = self._nlp if language == "en" else self._language_nlp[language]
            prepare = self._newswire.texts if language == "en" else lambda *fields: fields
            texts = [text[:limit] for a, p in zip(articles, pipelines) if p == language for text in prepare(a.title, a.body)]
            docs[language] = iter(nlp.pipe(texts, batch_size=self._settings.batch_size))
        tagged = []
        for article, language in zip(articles, pipelines):
            labels = None if language == "en" else LABELS
            title_mentions, body_mentions = (
                (_mentions(next(docs[language]), labels), _mentions(next(docs[language]), labels)) if language else ([], [])
            )
            if language == "en":
                title_mentions, body_mentions = self._newswire.mentions(article.title, title_mentions), self._newswire.mentions(article.body, body_mentions)
            elif language is not None:
                whole = f"{article.title}\n\n{article.body}"
                title_mentions, body_mentions = (self._opening_words_out(language, text, found, whole)
                                                 for text, found in ((article.title, title_mentions), (article.body, body_mentions)))
            written_in = "en" if _is_english(article) else article.language
            entities = link_article(
                self._gazetteer,
                [
                    FieldMentions("title", article.title, title_mentions),
                    FieldMentions("body", article.body, body_mentions),
                ],
                entity_types=self._entity_types,
                language=written_in,
                translated=article.translation is not None,
                own_ner=language not in (None, "en"),
            )
            if language == "en":
                entities = [e for e in self._newswire.entities(article.title, article.body, entities) if e.type in self._entity_types]
            # "Savannah, Georgia": the writer's own word on which place each name is, before the article's other places.
            regions: tuple[GazetteerEntry, ...] = ()
            if language in APPOSITION_LANGUAGES:  # English, and Spanish and French read by their own model
                read = self._appositions.resolve(entities, {"title": article.title, "body": article.body}, language)
                entities, regions = read.entities, read.regions
            # Before relate: "Georgia's Supreme Court" in an Atlanta report is no body of the country Georgia.
            entities = self._shared_places.resolve(entities, self._people_country, regions)
            entities = self._demonyms.relate(entities, {"title": article.title, "body": article.body}, written_in)
            quotes = [q for name, text in (("title", article.title), ("body", article.body)) for q in find_quotes(name, text, entities)]
            # The story is the article's own until the story agent clusters it.
            tagged.append(
                TaggedArticle(
                    **article.model_dump(),
                    entities=entities,
                    salience=salience(entities, article.body),
                    quotes=quotes,
                    story_id=article.id,
                )
            )
        return tagged
