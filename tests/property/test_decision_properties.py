"""Properties of the parsers and checks behind release decisions: units, number words, negations that
state a case, the context's names and quoted scope terms."""

from __future__ import annotations

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from engine.validators.base import ContextPassage, Subject
from engine.validators.claims import align, clause, passage_clauses, quantities
from engine.validators.grounding import grounding_validator
from engine.validators.scope import DEFAULT_SCOPE_TOPICS, scope_validator
from engine.validators.stopwords import ENGLISH_STOPWORDS


def verdict(claim: str, passage: str) -> tuple[str, ...]:
    return align(clause(claim, strip_particle=True), passage_clauses(passage)).contradiction


# Spellings of one unit, by measure.
UNITS = {
    "weight": (("kg", "kilograms", "kilos"), ("lb", "lbs")),
    "distance": (("km", "kilometres", "kilometers"), ("miles", "mile")),
    "length": (("cm", "centimetres"), ("inches", "inch")),
    "time": (("minutes", "min"), ("hours", "hr")),
}


@settings(max_examples=80, deadline=None)
@given(st.integers(1, 5000), st.sampled_from(sorted(UNITS)), st.data())
def test_a_unit_spelt_another_way_restates_and_another_unit_contradicts(
    n: int, measure: str, data: st.DataObject
) -> None:
    same, other = UNITS[measure]
    stated = data.draw(st.sampled_from(same))
    passage = f"The limit for each parcel is {n:,} {stated}."
    assert verdict(f"The limit for each parcel is {n} {data.draw(st.sampled_from(same))}.", passage) == ()
    assert "quantity" in verdict(
        f"The limit for each parcel is {n} {data.draw(st.sampled_from(other))}.", passage
    )


NUMBER_WORDS = [
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "twelve",
    "fifteen",
    "twenty",
]
NUMBER_VALUES = dict(
    zip(NUMBER_WORDS, ["2", "3", "4", "5", "6", "7", "8", "9", "10", "12", "15", "20"], strict=True)
)


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(NUMBER_WORDS), st.sampled_from(["days", "weeks", "months"]))
def test_a_number_word_is_the_figure_it_names_and_never_a_content_word(word: str, unit: str) -> None:
    claim = clause(f"Refunds are paid within {word} {unit}.")
    assert word not in claim.words
    assert any(q.value == NUMBER_VALUES[word] for q in quantities(claim.text))
    ctx = (ContextPassage("r", f"Refunds are paid within {NUMBER_VALUES[word]} {unit}."),)
    assert grounding_validator().check(Subject(f"Refunds are paid within {word} {unit}.", "", ctx)).passed


ACTIONS = st.sampled_from(["cancel it", "pause it", "switch it off", "close it", "transfer it"])
PAGES = st.sampled_from(["Account", "Settings", "Billing", "Profile", "Plan"])
WANTS = st.sampled_from(["want your plan to renew", "need the service", "use the card", "wish to keep it"])


@settings(max_examples=60, deadline=None)
@given(ACTIONS, PAGES, WANTS)
def test_a_negated_case_never_negates_the_instruction_but_a_negated_instruction_contradicts(
    action: str, page: str, want: str
) -> None:
    passage = f"If you do not {want}, {action} on the {page} page in the app."
    assert verdict(f"You can {action} on the {page} page in the app.", passage) == ()
    assert verdict(f"If you do not {want}, {action} on the {page} page.", passage) == ()
    assert "negation" in verdict(f"You cannot {action} on the {page} page in the app.", passage)


_PASSAGE_WORDS = {
    "refund",
    "refunds",
    "unused",
    "voucher",
    "vouchers",
    "every",
    "year",
    "serves",
    "many",
    "customers",
}
NAMES = st.from_regex(r"[A-Z][a-z]{4,9}", fullmatch=True).filter(
    lambda w: w.lower() not in ENGLISH_STOPWORDS and w.lower() not in _PASSAGE_WORDS
)


@settings(max_examples=60, deadline=None)
@given(NAMES, NAMES)
def test_a_name_is_support_only_when_the_context_uses_it(first: str, second: str) -> None:
    assume(first != second)
    refunds = ContextPassage("refunds", "Refunds\n\nWe do not refund unused vouchers.")
    about = ContextPassage("about", f"About us\n\nEvery year {first} {second} serves many customers.")
    answer = f"{first} {second} does not refund unused vouchers."
    check = grounding_validator()
    assert check.check(Subject(answer, "", (refunds, about))).passed
    assert not check.check(Subject(answer, "", (refunds,))).passed


TERMS = st.sampled_from([t for terms in DEFAULT_SCOPE_TOPICS.values() for t in terms if " " not in t])


@settings(max_examples=60, deadline=None)
@given(TERMS)
def test_a_scope_term_quoted_with_its_phrase_from_a_passage_is_not_a_finding(term: str) -> None:
    passage = f"Payments\n\nWe do not accept cheques, vouchers or {term} for any payment."
    quoted = f"We do not accept cheques, vouchers or {term}."
    scope = scope_validator()
    assert scope.check(Subject(quoted, "", (ContextPassage("p", passage),))).passed
    assert not scope.check(Subject(quoted)).passed  # no passage to quote: the term counts
    assert not scope.check(
        Subject(f"Let me tell you about {term} today.", "", (ContextPassage("p", passage),))
    ).passed
