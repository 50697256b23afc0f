"""Money and quantities extracted from English text as numbers with their currency or unit."""

from __future__ import annotations

import pytest

from services.normalize.amounts import find_amounts


@pytest.mark.parametrize(
    ("text", "value", "currency"),
    [
        ("aid already amounts to 100 billion euros", 100e9, "EUR"),
        ("contracts worth 2.4 billion euros", 2.4e9, "EUR"),
        ("a loan of $3.5 million", 3.5e6, "USD"),
        ("a €20bn fund", 20e9, "EUR"),
        ("fined 1,200 dollars", 1200, "USD"),
        ("a road costing 128 billion rupees", 128e9, "INR"),
        ("Brent at $92.38 a barrel", 92.38, "USD"),
        ("£15m for schools", 15e6, "GBP"),
    ],
)
def test_money_is_a_value_and_a_currency(text: str, value: float, currency: str):
    (amount,) = find_amounts(text, "body")
    assert (amount.kind, amount.value, amount.currency) == ("money", pytest.approx(value), currency)
    assert text[amount.start : amount.end] == amount.text


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("recovered more than 110 square kilometers", 110, "square kilometer"),
        ("the 155-millimeter ammunition", 155, "millimeter"),
        ("250 mm of rain", 250, "millimeter"),
        ("a 10.58-km link", 10.58, "kilometer"),
        ("shares rose 1.4% on the day", 1.4, "percent"),
        ("3.2 million tonnes of grain", 3.2e6, "tonne"),
    ],
)
def test_quantities_are_a_value_and_a_unit(text: str, value: float, unit: str):
    (amount,) = find_amounts(text, "body")
    assert (amount.kind, amount.value, amount.unit) == ("quantity", pytest.approx(value), unit)


@pytest.mark.parametrize("text", ["more than 40 drones", "20 countries attended", "2 men were hurt", "in 2023 and 2024"])
def test_a_count_of_things_is_not_a_quantity(text: str):
    assert find_amounts(text, "body") == []


def test_numbers_in_the_source_format_of_a_translation_are_read_with_a_decimal_comma():
    text = "the aid already adds 100.000 million euros and 2,4 million euros more, over 1.200 square kilometres"
    got = [(a.value, a.currency or a.unit) for a in find_amounts(text, "body", decimal_comma=True)]
    assert got == [(pytest.approx(100e9), "EUR"), (pytest.approx(2.4e6), "EUR"), (pytest.approx(1200), "square kilometer")]


@pytest.mark.parametrize("text, decimal_comma, value", [
    ("The car cost 26 750 dollars.", False, 26750.0),  # NTREX es/pt copies: "$26,750" came out as 750 USD
    ("A fine of 1 200 000 euros.", False, 1_200_000.0),  # was 0 EUR
    ("It cost €1 200 000 in all.", False, 1_200_000.0),  # was €1
    ("A fine of 1\u202f200\u202f000,50 euros.", True, 1_200_000.5),  # narrow no-break spaces, decimal comma
    ("It cost 26 750 dollars.", True, 26750.0),
])
def test_thousands_grouped_by_spaces_are_one_number(text, decimal_comma, value):
    (amount,) = find_amounts(text, "body", decimal_comma=decimal_comma)
    assert amount.value == value and amount.kind == "money"


def test_a_year_before_a_count_is_not_a_grouped_number():
    assert [a.value for a in find_amounts("In 2019 200 people paid 5 euros.", "body")] == [5.0]
