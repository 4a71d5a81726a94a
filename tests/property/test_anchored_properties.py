"""Properties of the third blind set's mechanisms: anchored polarity, worked-out amounts, durations in any
time unit, and closed questions answered by yes, no or a condition."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from engine.validators.base import ContextPassage, Subject
from engine.validators.claims import align, clause, passage_clauses
from engine.validators.quantities import Quantity, equivalent, quantity_conflict, worked_out
from engine.validators.relevance import relevance_validator


def verdict(claim: str, passage: str) -> tuple[str, ...]:
    return align(clause(claim, strip_particle=True), passage_clauses(passage)).contradiction


THINGS = st.sampled_from(["towels", "helmets", "goggles", "aprons", "notebooks", "gloves", "pillows", "maps"])
OTHERS = st.sampled_from(["padlocks", "blankets", "pencils", "lanterns", "ropes", "cushions"])
VERBS = st.sampled_from(["supplied", "provided", "lent", "handed out", "sold"])


@settings(max_examples=40, deadline=None)
@given(THINGS, OTHERS, VERBS)
def test_restating_the_positive_clause_after_a_negated_one_is_no_contradiction(
    thing: str, other: str, verb: str
) -> None:
    passage = f"{thing.capitalize()} and {other} are not {verb}, so guests must bring their own."
    assert verdict(f"You will need to bring your own {other} and {thing}.", passage) == ()
    assert verdict(f"{thing.capitalize()} and {other} are {verb}.", passage)


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 400), st.sampled_from([("minute", 1), ("hour", 60), ("day", 1440), ("week", 10080)]))
def test_a_duration_is_the_same_figure_in_any_unit_it_converts_to(n: int, unit: tuple[str, int]) -> None:
    name, factor = unit
    in_minutes = Quantity(str(n * factor), "minute")
    assert equivalent(Quantity(str(n), name), in_minutes)
    assert not quantity_conflict(frozenset({Quantity(str(n), name)}), frozenset({in_minutes}))
    assert quantity_conflict(frozenset({Quantity(str(n + 1), name)}), frozenset({in_minutes}))


@settings(max_examples=60, deadline=None)
@given(st.integers(2, 500), st.integers(2, 50), st.sampled_from(["$", "£", "\u20ac"]))
def test_a_total_of_a_stated_price_is_worked_out_and_an_odd_one_is_not(
    price: int, count: int, cur: str
) -> None:
    stated = frozenset({Quantity(str(price), cur)})
    mine = frozenset({Quantity(str(count), "class")})
    assert worked_out(Quantity(str(price * count), cur), mine, stated, from_theirs=True)
    assert not worked_out(Quantity(str(price * count + 1), cur), mine, stated, from_theirs=True)


QUESTIONS = st.sampled_from(["Can I park here overnight?", "Is my dog allowed inside?", "Do I need to book?"])
OPENERS = st.sampled_from(["Yes, ", "No, ", "Only if ", "Unless ", "If "])


@settings(max_examples=40, deadline=None)
@given(QUESTIONS, OPENERS)
def test_a_closed_question_answered_by_yes_no_or_a_condition_addresses_it(question: str, opener: str) -> None:
    context = (ContextPassage("p", "Members who show their card at the desk may stay until 10 pm."),)
    answer = opener + "members show their card at the desk."
    assert relevance_validator().check(Subject(answer, question, context)).passed
