"""The tagger's pure core: a normalized article in, the same article with linked entities and a story id out.

No Kafka, no metrics, no clock: the agent feeds articles in and publishes what comes back.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from schemas import NormalizedArticle, TaggedArticle
from services.tagger.gazetteer import Gazetteer
from services.tagger.linking import FieldMentions, Mention, link_article
from services.tagger.pipeline import load_pipeline
from services.tagger.settings import TaggerSettings

if TYPE_CHECKING:
    import spacy

__all__ = ["Tagger"]


def _mentions(doc: spacy.tokens.Doc) -> list[Mention]:
    return [Mention(ent.start_char, ent.end_char, ent.label_) for ent in doc.ents]


def _is_english(article: NormalizedArticle) -> bool:
    return article.translation is not None or article.language in ("en", "und")


class Tagger:
    """Runs NER on an article's English title and body and links what it finds to canonical entities."""

    def __init__(self, settings: TaggerSettings, *, nlp: spacy.Language | None = None, gazetteer: Gazetteer | None = None) -> None:
        self._settings = settings
        self._nlp = nlp if nlp is not None else load_pipeline(settings.spacy_model)
        self._gazetteer = gazetteer if gazetteer is not None else Gazetteer.load(settings.gazetteer)
        self._entity_types = frozenset(settings.entity_types)

    @property
    def gazetteer(self) -> Gazetteer:
        return self._gazetteer

    def tag(self, article: NormalizedArticle) -> TaggedArticle:
        return self.tag_many([article])[0]

    def tag_many(self, articles: Sequence[NormalizedArticle]) -> list[TaggedArticle]:
        """Tag a batch; spaCy sees every English title and body in one ``nlp.pipe`` pass.

        Text that is still not English (no backend translated it) gets no English NER, whose
        guesses on other languages are noise; the gazetteer's multilingual aliases still link it.
        """
        limit = self._settings.max_ner_chars
        # NER past the limit is skipped (the gazetteer still reads the whole text): a huge body must not stall the stage.
        english = [_is_english(article) for article in articles]
        texts = [
            text[:limit]
            for article, is_english in zip(articles, english)
            if is_english
            for text in (article.title, article.body)
        ]
        docs = iter(self._nlp.pipe(texts, batch_size=self._settings.batch_size))
        tagged = []
        for article, is_english in zip(articles, english):
            title_mentions, body_mentions = (_mentions(next(docs)), _mentions(next(docs))) if is_english else ([], [])
            entities = link_article(
                self._gazetteer,
                [
                    FieldMentions("title", article.title, title_mentions),
                    FieldMentions("body", article.body, body_mentions),
                ],
                entity_types=self._entity_types,
            )
            # One story per article until stories are clustered.
            tagged.append(TaggedArticle(**article.model_dump(), entities=entities, story_id=article.id))
        return tagged
