"""Properties of the fifth blind set's mechanisms: a year is twelve months whatever the count, an ISO
currency code is an amount on either side of its number, and a total counted from the question's figures
is held only when it is the sum."""

from __future__ import annotations

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from engine.validators.base import ContextPassage, Subject
from engine.validators.grounding import grounding_validator
from engine.validators.quantities import Quantity, equivalent, quantities


@given(st.integers(1, 40), st.integers(1, 600))
def test_years_are_twelve_months(years: int, months: int) -> None:
    same = equivalent(Quantity(str(years), "year"), Quantity(str(months), "month"))
    assert same == (months == 12 * years)


@given(st.sampled_from(["CHF", "SEK", "NOK", "JPY"]), st.integers(1, 9999), st.booleans())
def test_a_currency_code_is_an_amount(code: str, value: int, before: bool) -> None:
    text = f"A day pass costs {code} {value}." if before else f"A day pass costs {value} {code}."
    assert Quantity(str(value), code) in quantities(text)
    assert Quantity(str(value), code).unit_class == "money"


NUMBERS = ["two", "three", "four", "five"]


@settings(max_examples=40, deadline=None)
@given(st.integers(10, 60), st.integers(2, 9), st.integers(0, 3), st.integers(1, 9))
def test_a_total_counted_from_the_question_is_held_only_when_right(
    adult: int, child: int, n: int, off: int
) -> None:
    assume(adult != child)
    kids = n + 2
    context = (
        ContextPassage(
            "p", f"A museum ticket costs \u00a3{adult} for adults and \u00a3{child} for children."
        ),
    )
    question = f"What do tickets cost for me and my {NUMBERS[n]} children?"
    total = adult + kids * child
    right = f"\u00a3{total} in all: \u00a3{adult} for you and \u00a3{child} for each child."
    # A wrong total that no other sum of the figures gives (two terms, each a price times a count).
    terms = {x * k for x in (adult, child) for k in (1, kids)} | {0}
    assume(all(total + off not in (t + u, abs(t - u)) for t in terms for u in terms))
    wrong = f"\u00a3{total + off} in all: \u00a3{adult} for you and \u00a3{child} for each child."
    check = grounding_validator()
    assert check.check(Subject(right, question, context)).passed
    assert not check.check(Subject(wrong, question, context)).passed
