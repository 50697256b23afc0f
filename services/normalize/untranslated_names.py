"""Names the translator left in their own script, written as their English names in the English text.

Apertium copies a word it cannot translate as the source writes it: out of Macedonian (and Bulgarian through it)
that leaves Cyrillic names in the English ("President Трамп"), which an English reader cannot read. A word so
left, capitalised inside a sentence, that the tagger's gazetteer knows as one entity's alias comes out as the
entity's English name ("Трамп" → Trump, "Кьолн" → Cologne; Bulgarian's "Тръмп" as well, see
``kept_names.NameKeeper.english``); it stays marked untranslated, so no English repair edits it. One no alias
matches, in any spelling, comes out as the one English name it sounds like, when only one does ("Джонсън" →
Johnson, "Уелс" → Wales; ``sound_names``), unless a capitalised word follows it: a given name is not looked for
("Джердан Шакири", Xherdan Shaqiri, is no Jordan).

Other untranslated words stay as they are. Romanizing them too (Bulgarian's Streamlined System: "Танева" →
Taneva, "неделя" → nedelya) raised chrF against the English originals (Bulgarian 38.9 → 45.6, Macedonian 44.4 →
50.0) but cost the stories: with a Bulgarian report before its English copy, 37 of 40 joined, 30 once romanized;
a romanized word is a rare "English" word to the story's word weights and a stranger to the multilingual
encoder, where the Cyrillic word was neither (docs/normalize.md). Romanizing only the capitalised ones, the names
("Каванау" → Kavanau), cost them too: 37 → 35 Bulgarian, 38 → 37 Macedonian (the English copy writes Kavanaugh);
with anyascii, 37 → 36 and 38 → 37 ("Tr'mp": it writes Bulgarian's ъ as an apostrophe).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from schemas import Change
from services.normalize.changes import Edit, record
from services.normalize.text import latin_letters, mid_sentence

__all__ = ["ENGLISH_NAME_RULE", "SOUND_NAME_RULE", "name_untranslated"]

ENGLISH_NAME_RULE = "names:untranslated-as-english"
SOUND_NAME_RULE = "names:untranslated-by-sound"
_REASONS = {
    ENGLISH_NAME_RULE: "a name the translator left in its own script, written as the English name the gazetteer gives it",
    SOUND_NAME_RULE: "a name the translator left in its own script, written as the one English name in the gazetteer it sounds like",
}


def name_untranslated(
    text: str, spans: Sequence[tuple[int, int]], field: str, *, max_changes: int, english_name: Callable[[str], str | None],
    sounds_like: Callable[[str], str | None] | None = None,
) -> tuple[str, list[tuple[int, int]], list[Change]]:
    """``text`` with each untranslated word (``spans``) that is a known name in another script written as its
    English name (``english_name``, None for a word it does not know), or else, unless a capitalised word follows
    it (it is then a given name: "Джердан Шакири" is no Jordan), as the one name it sounds like (``sounds_like``); the spans
    where the untranslated words now stand; the changes made (spans into ``text`` as given)."""
    edits: list[tuple[str, Edit]] = []
    parts: list[str] = []
    moved: list[tuple[int, int]] = []
    last = length = 0
    for start, end in sorted(spans):
        word = text[start:end]
        # A capital says "name" only inside a sentence: Bulgarian "Пътна" opening one is "road", not Patna.
        name = not latin_letters(word) and word[:1].isupper() and mid_sentence(text, start)
        known, rule = (name and english_name(word)), ENGLISH_NAME_RULE
        if name and not known and sounds_like is not None and not _given_name(text, end):
            known, rule = sounds_like(word), SOUND_NAME_RULE
        after = known or word
        if after != word:
            edits.append((rule, Edit(start, end, word, after)))
        parts += [text[last:start], after]
        length += start - last
        moved.append((length, length + len(after)))
        length += len(after)
        last = end
    if not edits:
        return text, list(spans), []
    parts.append(text[last:])
    changes = [change for rule, reason in _REASONS.items()
               for change in record([e for r, e in edits if r == rule], kind="translation", rule=rule, field=field, reason=reason, max_changes=max_changes)]
    return "".join(parts), moved, sorted(changes, key=lambda c: c.span or (0, 0))


def _given_name(text: str, end: int) -> bool:
    """Whether the word ending at ``end`` is followed, after a space, by a capitalised word (translated or not:
    Apertium knows "Шакири" as Shaqiri)."""
    return text[end:end + 1] == " " and text[end + 1:end + 2].isupper()
