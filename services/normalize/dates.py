"""Find the dates an English text mentions and resolve them against a reference date (the article's publication date).

Pure: the reference date is passed in. Relative mentions ("yesterday", "this
Thursday", "on Monday", "last week") follow newsroom usage: "this <weekday>" is
that day of the reference's week; a bare or "on" weekday is the last such day up
to the reference, or the next one when the sentence speaks of the future
("will", "is due to"); "last"/"next <weekday>" is the one before/after the
reference. Absolute mentions ("Sept. 28", "28 September 2023") take the year
nearest the reference when they give none.
"""

from __future__ import annotations

import re
from calendar import monthrange
from datetime import date, timedelta

from schemas.models import DateMention

__all__ = ["MONTHS", "MONTH_NAMES", "WEEKDAYS", "find_dates"]

# English weekdays and months, lower case: the one list the normalizer and the tagger read them from.
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTH_NAMES = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
               "november", "december")
# Each month's number, by its name or a newswire abbreviation.
MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4, "may": 5,
    "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9, "sept": 9, "sep": 9,
    "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}  # fmt: skip
_DAY_WORDS = {"today": 0, "tonight": 0, "this morning": 0, "this afternoon": 0, "this evening": 0,
              "yesterday": -1, "last night": -1, "tomorrow": 1, "the day before yesterday": -2, "the day after tomorrow": 2}  # fmt: skip
_WD = "|".join(WEEKDAYS)
_MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?)"

_PATTERN = re.compile(
    r"(?<!\w)(?:"
    rf"(?P<dayword>the day (?:before yesterday|after tomorrow)|today|tonight|yesterday|tomorrow|last night|this (?:morning|afternoon|evening))"
    rf"|(?P<wdmod>this|last|next|on|past|coming)\s+(?P<wd>{_WD})"
    rf"|(?P<span>this|last|next|past)\s+(?P<unit>week|month|year)"
    r"|(?P<mmod>this|last|next)\s+(?P<mname>January|February|March|April|May|June|July|August|September|October|November|December)"
    rf"|(?P<mdmonth>{_MONTH})\s+(?P<mdday>\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(?P<mdyear>\d{{4}}))?"
    rf"|(?P<dmday>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<dmmonth>{_MONTH})(?:,?\s+(?P<dmyear>\d{{4}}))?"
    rf"|(?P<bare>{_WD})"
    r")(?!\w)",
    re.IGNORECASE,
)
_FUTURE = re.compile(r"\b(?:will|would|shall|is due|are due|is to|are to|plans? to|scheduled|expected to|going to|set to)\b", re.IGNORECASE)


def _weekday(reference: date, name: str, how: str, sentence_before: str) -> date:
    target = WEEKDAYS.index(name.lower())
    monday = reference - timedelta(days=reference.weekday())
    if how == "this":
        return monday + timedelta(days=target)
    if how in ("last", "past"):
        return reference - timedelta(days=(reference.weekday() - target) % 7 or 7)
    if how in ("next", "coming") or _FUTURE.search(sentence_before):
        return reference + timedelta(days=(target - reference.weekday()) % 7 or 7)
    return reference - timedelta(days=(reference.weekday() - target) % 7)


def _period(reference: date, which: str, unit: str) -> tuple[date, date]:
    step = {"this": 0, "last": -1, "past": -1, "next": 1}[which.lower()]
    if unit == "week":
        first = reference - timedelta(days=reference.weekday()) + timedelta(weeks=step)
        return first, first + timedelta(days=6)
    if unit == "month":
        index = reference.year * 12 + reference.month - 1 + step
        year, month = divmod(index, 12)
        return date(year, month + 1, 1), date(year, month + 1, monthrange(year, month + 1)[1])
    return date(reference.year + step, 1, 1), date(reference.year + step, 12, 31)


def _absolute(reference: date, month_name: str, day: str, year: str | None) -> date | None:
    month = MONTHS[month_name.lower().rstrip(".")]
    try:
        if year:
            return date(int(year), month, int(day))
        # The year that puts the date nearest the reference ("Dec. 30" in a January story is last year's).
        options = [date(reference.year + d, month, int(day)) for d in (-1, 0, 1)]
    except ValueError:
        return None
    return min(options, key=lambda d: abs((d - reference).days))


def find_dates(text: str, field: str, reference: date | None) -> list[DateMention]:
    """Every date mention in ``text`` that can be resolved; relative ones only when there is a ``reference``."""
    found: list[DateMention] = []
    for m in _PATTERN.finditer(text):
        g = m.groupdict()
        sentence_before = re.split(r"[.!?]\s", text[max(0, m.start() - 200) : m.start()])[-1]
        until, granularity, relative = None, "day", True
        if g["mdmonth"] or g["dmmonth"]:
            month, day, year = (g["mdmonth"], g["mdday"], g["mdyear"]) if g["mdmonth"] else (g["dmmonth"], g["dmday"], g["dmyear"])
            if month.lower() == "may" and not year and g["mdmonth"] and not re.match(r"May\b", month):
                continue  # "may 5" is not a date
            if reference is None and not year:
                continue
            resolved = _absolute(reference or date(int(year), 1, 1), month, day, year)
            relative = not year
        elif reference is None:
            continue
        elif g["dayword"]:
            resolved = reference + timedelta(days=_DAY_WORDS[" ".join(g["dayword"].lower().split())])
        elif g["wd"]:
            resolved = _weekday(reference, g["wd"], g["wdmod"].lower(), sentence_before)
        elif g["mname"]:
            month = MONTHS[g["mname"].lower()]
            step = {"this": 0, "last": -1 if month >= reference.month else 0, "next": 1 if month <= reference.month else 0}[g["mmod"].lower()]
            year = reference.year + step
            resolved, until, granularity = date(year, month, 1), date(year, month, monthrange(year, month)[1]).isoformat(), "month"
        elif g["unit"]:
            resolved, last = _period(reference, g["span"], g["unit"].lower())
            until, granularity = last.isoformat(), g["unit"].lower()
        elif g["bare"]:
            if not g["bare"][0].isupper():
                continue
            resolved = _weekday(reference, g["bare"], "on", sentence_before)
        else:  # pragma: no cover - every alternative is handled above
            continue
        if resolved is None:
            continue
        found.append(
            DateMention(
                text=m.group(0), field=field, start=m.start(), end=m.end(), date=resolved.isoformat(), until=until,  # type: ignore[arg-type]
                granularity=granularity, relative=relative, reference=reference.isoformat() if reference and relative else None,  # type: ignore[arg-type]
            )
        )
    return found
