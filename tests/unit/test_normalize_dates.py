"""Relative and absolute dates resolved against the article's publication date."""

from __future__ import annotations

from datetime import date

import pytest

from services.normalize.dates import find_dates

THURSDAY = date(2023, 9, 28)


def _resolved(text: str, reference: date | None = THURSDAY) -> dict[str, tuple[str, str | None]]:
    return {d.text: (d.date, d.until) for d in find_dates(text, "body", reference)}


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("The chief said this Thursday that", "2023-09-28"),
        ("Shelling resumed yesterday", "2023-09-27"),
        ("The forum opens tomorrow", "2023-09-29"),
        ("Leaders met on Monday", "2023-09-25"),
        ("Strikes hit the port last Friday", "2023-09-22"),
        ("Talks continue next Tuesday", "2023-10-03"),
        ("The minister will travel on Saturday", "2023-09-30"),
        ("Drones attacked last night", "2023-09-27"),
    ],
)
def test_relative_days_resolve_against_the_publication_date(text: str, day: str):
    (mention,) = find_dates(text, "body", THURSDAY)
    assert (mention.date, mention.relative, mention.reference) == (day, True, "2023-09-28")
    assert text[mention.start : mention.end] == mention.text


def test_weeks_months_and_years_resolve_to_their_first_and_last_day():
    got = _resolved("Attacks rose last week, at the summit last July and will fall next month and next year.")
    assert got["last week"] == ("2023-09-18", "2023-09-24")
    assert got["last July"] == ("2023-07-01", "2023-07-31")
    assert got["next month"] == ("2023-10-01", "2023-10-31")
    assert got["next year"] == ("2024-01-01", "2024-12-31")


def test_absolute_dates_take_the_year_nearest_the_reference():
    got = _resolved("Filed on Dec. 30 and heard on 3 October 2022.", reference=date(2024, 1, 4))
    assert got["Dec. 30"] == ("2023-12-30", None)
    assert got["3 October 2022"] == ("2022-10-03", None)


def test_without_a_reference_only_dates_with_a_year_are_resolved():
    assert _resolved("Yesterday, on Monday, and on 3 October 2022.", reference=None) == {"3 October 2022": ("2022-10-03", None)}


def test_words_that_only_look_like_dates_are_not_dates():
    assert _resolved("Prices may 5 times exceed costs; a sunday school; the march went on.") == {}
