"""A name Apertium leaves in Cyrillic comes out of translation as its English name when the gazetteer knows it."""

from __future__ import annotations

from datetime import datetime, timezone

from schemas import RawArticle
from services.normalize.core import Normalizer
from services.normalize.settings import NormalizeSettings
from services.normalize.untranslated_names import ENGLISH_NAME_RULE, SOUND_NAME_RULE, name_untranslated

KNOWN = {"Трамп": "Trump", "Пътна": "Patna"}


def test_only_known_names_inside_a_sentence_change_and_the_spans_follow():
    text = "Пътна police met President Трамп in недела, with Танева."
    spans = [(0, 5), (27, 32), (36, 42), (49, 55)]  # Пътна (opens the sentence), Трамп, недела, Танева (unknown)
    out, moved, changes = name_untranslated(text, spans, "body", max_changes=20, english_name=KNOWN.get)
    assert out == "Пътна police met President Trump in недела, with Танева."
    assert [out[a:b] for a, b in moved] == ["Пътна", "Trump", "недела", "Танева"]
    assert [(c.rule, c.span, c.before, c.after) for c in changes] == [(ENGLISH_NAME_RULE, (27, 32), "Трамп", "Trump")]


async def _normalized(body: str, settings: NormalizeSettings | None = None):
    normalizer = Normalizer(settings or NormalizeSettings())
    raw = RawArticle(id="https://news.example/1", source="test-feed", title="", body=body, fetched_at=datetime(2024, 11, 4, tzinfo=timezone.utc))
    try:
        return await normalizer.normalize(raw)
    finally:
        await normalizer.aclose()


async def test_a_macedonian_report_names_trump_as_english_does():
    article = await _normalized("Министерот Никола Димитров рече дека Трамп е добредојден во Скопје.")
    assert article.language == "mk" and article.translation is not None
    assert "Trump" in article.body and "Трамп" not in article.body and "Skopje" in article.body
    assert ("Трамп", "Trump") in [(c.before, c.after) for c in article.changes if c.rule == ENGLISH_NAME_RULE]


async def test_without_kept_names_the_cyrillic_name_stays():
    article = await _normalized("Министерот рече дека Трамп е добредојден.", NormalizeSettings(keep_names=False))
    assert article.translation is not None and "Трамп" in article.body
    assert not any(c.rule == ENGLISH_NAME_RULE for c in article.changes)


async def test_a_bulgarian_report_names_trump_as_english_does():
    # Bulgarian writes "Тръмп" where the gazetteer's Russian and Macedonian aliases write "Трамп"; bul-mkd and mkd-eng
    # leave it as written
    article = await _normalized("Министърът каза, че президентът Тръмп ще посети Бъркенхед през декември.")
    assert article.language == "bg" and article.translation is not None
    assert "Trump" in article.body and "Birkenhead" in article.body and "ъ" not in article.body
    assert {("Тръмп", "Trump"), ("Бъркенхед", "Birkenhead")} <= {(c.before, c.after) for c in article.changes if c.rule == ENGLISH_NAME_RULE}


def test_a_name_no_alias_matches_comes_out_as_the_one_name_it_sounds_like_unless_a_given_name():
    text = "Shaqiri met Джердан Shaqiri and Boris Джонсън in Уелс."
    spans = [(text.index(w), text.index(w) + len(w)) for w in ("Джердан", "Джонсън", "Уелс")]
    sounds = {"Джердан": "Jordan", "Джонсън": "Johnson", "Уелс": "Wales"}.get
    out, moved, changes = name_untranslated(text, spans, "body", max_changes=20, english_name=KNOWN.get, sounds_like=sounds)
    assert out == "Shaqiri met Джердан Shaqiri and Boris Johnson in Wales."
    assert [out[a:b] for a, b in moved] == ["Джердан", "Johnson", "Wales"]
    assert [(c.rule, c.before, c.after) for c in changes] == [(SOUND_NAME_RULE, "Джонсън", "Johnson"), (SOUND_NAME_RULE, "Уелс", "Wales")]


async def test_a_bulgarian_report_names_johnson_and_wales_as_english_does():
    # Neither has a Bulgarian alias in the gazetteer: Boris Johnson's is Russian "Джонсон", Wales's "Уельс"
    article = await _normalized("Според министъра Борис Джонсън е говорил с депутатите от Уелс през декември.")
    assert article.language == "bg" and article.translation is not None
    assert "Johnson" in article.body and "Wales" in article.body, article.body
    assert {("Джонсън", "Johnson"), ("Уелс", "Wales")} <= {(c.before, c.after) for c in article.changes if c.rule == SOUND_NAME_RULE}
