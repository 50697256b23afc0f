"""Find sums of money ("100 billion euros", "$3.5 million", "€20bn") and measured quantities ("110 square kilometers", "155-millimeter") in English text, as numbers.

Pure and regex-based: a count of things ("40 drones") is not a quantity, only a
number with a unit of measure is.
"""

from __future__ import annotations

import re
from functools import lru_cache

from schemas.models import Amount

__all__ = ["find_amounts", "CURRENCY_WORDS", "UNITS", "DECIMAL_COMMA_LANGUAGES"]

# Source languages that write "1.200,5": their machine translations keep that format.
DECIMAL_COMMA_LANGUAGES = frozenset("es ca gl eu pt fr it de nl ru uk pl cs sk ro tr el sv da nb nn no fi hu hr sr bs sl bg lt lv et id".split())

# Thousands grouped by spaces ("26 750 dollars", "€1 200 000"; a space, a no-break or a narrow no-break space), as
# French, Russian, Polish and the Nordic languages write them, in either number format.
_GROUP_SPACE = "[ \u00a0\u202f]"
_NUMBER = rf"(?P<num>\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d{{1,3}}(?:{_GROUP_SPACE}\d{{3}})+(?:\.\d+)?(?!\d)|\d+(?:\.\d+)?)"
SCALES = {"thousand": 1e3, "k": 1e3, "million": 1e6, "mln": 1e6, "mn": 1e6, "m": 1e6, "billion": 1e9, "bn": 1e9, "b": 1e9, "trillion": 1e12, "tn": 1e12, "trn": 1e12}
_SCALE = r"(?:\s*(?P<scale>thousand|million|billion|trillion|mln|mn|bn|trn|tn)\b|(?P<short>[kmb])\b)?"
SYMBOLS = {"$": "USD", "US$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₴": "UAH", "₽": "RUB", "₹": "INR", "C$": "CAD", "A$": "AUD", "HK$": "HKD", "R$": "BRL", "CHF": "CHF"}
CURRENCY_WORDS = {
    "euro": "EUR", "euros": "EUR", "dollar": "USD", "dollars": "USD", "us dollars": "USD", "pound": "GBP", "pounds": "GBP",
    "pounds sterling": "GBP", "yen": "JPY", "yuan": "CNY", "renminbi": "CNY", "rouble": "RUB", "roubles": "RUB", "ruble": "RUB",
    "rubles": "RUB", "hryvnia": "UAH", "hryvnias": "UAH", "rupee": "INR", "rupees": "INR", "franc": "CHF",
    "swiss francs": "CHF", "francs": "CHF", "peso": "MXN", "pesos": "MXN", "zloty": "PLN", "zlotys": "PLN", "lira": "TRY",
    "liras": "TRY", "won": "KRW", "real": "BRL", "reais": "BRL", "canadian dollars": "CAD", "australian dollars": "AUD",
    "usd": "USD", "eur": "EUR", "gbp": "GBP", "jpy": "JPY", "cny": "CNY", "rub": "RUB", "uah": "UAH", "inr": "INR", "chf": "CHF",
}  # fmt: skip
# Unit words (singular and plural, with abbreviations) to the singular name recorded.
UNITS = {
    "square kilometers": "square kilometer", "square kilometres": "square kilometer", "square kilometer": "square kilometer",
    "square kilometre": "square kilometer", "sq km": "square kilometer", "km2": "square kilometer", "km²": "square kilometer",
    "square miles": "square mile", "square mile": "square mile", "square meters": "square meter", "square metres": "square meter",
    "hectares": "hectare", "hectare": "hectare", "acres": "acre", "acre": "acre",
    "kilometers": "kilometer", "kilometres": "kilometer", "kilometer": "kilometer", "kilometre": "kilometer", "km": "kilometer",
    "meters": "meter", "metres": "meter", "meter": "meter", "metre": "meter", "m": "meter",
    "millimeters": "millimeter", "millimetres": "millimeter", "millimeter": "millimeter", "millimetre": "millimeter", "mm": "millimeter",
    "centimeters": "centimeter", "centimetres": "centimeter", "centimeter": "centimeter", "centimetre": "centimeter", "cm": "centimeter",
    "micrometres": "micrometer", "micrometers": "micrometer", "miles": "mile", "mile": "mile", "feet": "foot", "foot": "foot",
    "ft": "foot", "inches": "inch", "inch": "inch", "light-years": "light-year", "light-year": "light-year",
    "tonnes": "tonne", "tonne": "tonne", "tons": "ton", "ton": "ton", "kilograms": "kilogram", "kilogram": "kilogram", "kg": "kilogram",
    "grams": "gram", "gram": "gram", "pounds": "pound", "liters": "liter", "litres": "liter", "liter": "liter", "litre": "liter",
    "barrels": "barrel", "barrel": "barrel", "cubic meters": "cubic meter", "cubic metres": "cubic meter", "bcm": "billion cubic meters",
    "megawatts": "megawatt", "megawatt": "megawatt", "mw": "megawatt", "gigawatts": "gigawatt", "gigawatt": "gigawatt", "gw": "gigawatt",
    "kilowatt-hours": "kilowatt-hour", "kwh": "kilowatt-hour", "percent": "percent", "per cent": "percent", "%": "percent",
    "degrees celsius": "degree Celsius", "°c": "degree Celsius", "degrees": "degree", "knots": "knot",
    "hours": "hour", "hour": "hour", "minutes": "minute", "minute": "minute", "seconds": "second", "second": "second",
    "km/h": "kilometer per hour", "mph": "mile per hour", "basis points": "basis point",
}  # fmt: skip


def _alternatives(words) -> str:
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))


_SYMBOL = _alternatives(SYMBOLS)
_CURRENCY = _alternatives(CURRENCY_WORDS)
_UNIT = _alternatives(UNITS)

# Text machine-translated from Spanish, German, French... keeps the source's number format ("100.000 million", "2,4 million").
_NUMBER_DECIMAL_COMMA = rf"(?P<num>\d{{1,3}}(?:\.\d{{3}})+(?:,\d+)?|\d{{1,3}}(?:{_GROUP_SPACE}\d{{3}})+(?:,\d+)?(?!\d)|\d+(?:,\d+)?)"


@lru_cache(maxsize=2)
def _patterns(decimal_comma: bool) -> tuple[re.Pattern[str], ...]:
    number = _NUMBER_DECIMAL_COMMA if decimal_comma else _NUMBER
    return (
        re.compile(rf"(?<![\w$€£¥])(?P<sym>{_SYMBOL})\s?{number}{_SCALE}", re.IGNORECASE),
        re.compile(rf"(?<!\w)(?P<code>USD|EUR|GBP|JPY|CNY|RUB|UAH|INR|CHF)\s?{number}{_SCALE}"),
        re.compile(rf"(?<![\w.,]){number}{_SCALE}\s*(?P<cur>{_CURRENCY})(?!\w)", re.IGNORECASE),
        # "155-millimeter" (a compound adjective) or "110 square kilometers"; the unit must end the word ("5 m" yes, "5 men" no).
        re.compile(rf"(?<![\w.,$€£¥]){number}{_SCALE}(?:-|\s*)(?P<unit>{_UNIT})(?![\w/])", re.IGNORECASE),
    )


def _value(m: re.Match[str], decimal_comma: bool = False) -> float:
    digits = re.sub(_GROUP_SPACE, "", m.group("num"))
    digits = digits.replace(".", "").replace(",", ".") if decimal_comma else digits.replace(",", "")
    value = float(digits)
    scale = m.group("scale") or m.group("short")
    return value * SCALES[scale.lower()] if scale else value


def find_amounts(text: str, field: str, *, decimal_comma: bool = False) -> list[Amount]:
    """Money and quantities in ``text``, in order of position; a span is claimed by the first kind that matches it.

    ``decimal_comma``: numbers are written "1.200,5" (text translated from a language that writes them so).
    """
    money_before, money_code_first, money_after, quantity = _patterns(decimal_comma)
    found: list[Amount] = []
    taken: list[tuple[int, int]] = []

    def free(m: re.Match[str]) -> bool:
        return not any(s < m.end() and m.start() < e for s, e in taken)

    for pattern in (money_before, money_code_first, money_after):
        for m in pattern.finditer(text):
            if not free(m):
                continue
            if pattern is money_before:
                symbol = m.group("sym")
                currency = SYMBOLS.get(symbol) or SYMBOLS.get(symbol.upper())
            elif pattern is money_code_first:
                currency = m.group("code")
            else:
                currency = CURRENCY_WORDS[" ".join(m.group("cur").lower().split())]
            taken.append(m.span())
            found.append(Amount(text=m.group(0), field=field, start=m.start(), end=m.end(), kind="money", value=_value(m, decimal_comma), currency=currency))  # type: ignore[arg-type]
    for m in quantity.finditer(text):
        if not free(m):
            continue
        unit_text = " ".join(m.group("unit").lower().split())
        taken.append(m.span())
        found.append(Amount(text=m.group(0), field=field, start=m.start(), end=m.end(), kind="quantity", value=_value(m, decimal_comma), unit=UNITS[unit_text]))  # type: ignore[arg-type]
    return sorted(found, key=lambda a: a.start)
