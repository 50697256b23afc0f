"""Direct quotations in an article and who said them, where the sentence says so.

Attribution follows the shapes news copy uses: '"…," Stoltenberg said', '"…," said Zelensky',
'Zelensky said in a statement: "…"', '"…", according to the ministry'. A quotation whose
sentence names no speaker (or only a pronoun) is kept with no speaker rather than guessed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from schemas.models import Entity, Quote
from services.runtime.sentences import sentence_bounds

__all__ = ["SPEAKER_TYPES", "find_quotes"]

SPEAKER_TYPES = ("PERSON", "ORG", "GPE", "NORP")

# Machine translation often closes a quotation with an opening mark (“…“), so any mark closes.
_QUOTATION = re.compile(r"[“\"«„](?P<words>[^“”\"«»„\n]{6,1000}?)[”\"»“]")
_SPEECH = (
    r"said|says|say|told|tells|added|adds|stated|states|insisted|stressed|warned|wrote|declared|emphasi[sz]ed|"
    r"explained|noted|argued|announced|replied|asked|urged|claimed|recalled|affirmed|assured|pointed out|according to"
)
_SPEECH_AFTER = re.compile(rf"(?<![\w])(?:{_SPEECH})(?![\w])", re.IGNORECASE)
_SPEECH_BEFORE = re.compile(rf"(?<![\w])(?:{_SPEECH})(?![\w])[^\"“”«»]{{0,40}}[:,]?\s*$", re.IGNORECASE)
_WINDOW = 160


def _speaker(candidates: Sequence[Entity]) -> Entity | None:
    for wanted in SPEAKER_TYPES:
        for entity in candidates:
            if entity.type == wanted and entity.key is not None:
                return entity
    return None


def find_quotes(field: str, text: str, entities: Sequence[Entity]) -> list[Quote]:
    """Every quotation in ``text`` (one field), with its speaker when the same sentence names one."""
    in_field = sorted((e for e in entities if e.field == field and e.type in SPEAKER_TYPES), key=lambda e: e.start)
    quotes: list[Quote] = []
    for match in _QUOTATION.finditer(text):
        start, end = match.start("words"), match.end("words")
        words = match.group("words").strip()
        if len(words.split()) < 2:
            continue  # a scare-quoted word, not a quotation
        after_start = match.end()
        before_start, after_end = sentence_bounds(text, match.start(), after_start, _WINDOW)
        speaker: Entity | None = None
        if _SPEECH_AFTER.search(text, after_start, after_end):
            speaker = _speaker([e for e in in_field if after_start <= e.start and e.end <= after_end])
        if speaker is None:
            if _SPEECH_BEFORE.search(text[before_start : match.start()]):
                before = [e for e in in_field if before_start <= e.start and e.end <= match.start()]
                speaker = _speaker(list(reversed(before)))
        quotes.append(
            Quote(
                text=words,
                field=field,  # type: ignore[arg-type]
                start=start + (len(match.group("words")) - len(match.group("words").lstrip())),
                end=end - (len(match.group("words")) - len(match.group("words").rstrip())),
                speaker_key=speaker.key if speaker else None,
                speaker_name=(speaker.canonical_name or speaker.text) if speaker else None,
            )
        )
    return quotes
