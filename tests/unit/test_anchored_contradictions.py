"""The third blind set's causes, one mechanism each, on examples of our own wording and domains: a
contradiction is asserted only where it is anchored (the same thing, a clear opposite), figures worked out
from stated ones restate them, spelt durations are figures, a refusal with its exception drops no
condition, and yes/no questions are answered by yes, no or a condition."""

from __future__ import annotations

import pytest

from engine.validators.base import ContextPassage, Subject
from engine.validators.claims import align, clause, passage_clauses
from engine.validators.grounding import grounding_validator
from engine.validators.quantities import Quantity, equivalent, quantities, worked_out
from engine.validators.relevance import relevance_validator
from tests.validator_helpers import codes


def verdict(claim: str, passage: str, question: str = "") -> tuple[str, ...]:
    given = clause(question).words if question else frozenset()
    return align(clause(claim, strip_particle=True), passage_clauses(passage), given=given).contradiction


# --- a difference in polarity must be anchored ------------------------------------------------------------

GYM = (
    "Towels and padlocks are not supplied, so members must bring their own. "
    "The sauna is not open to members under 18."
)


def test_a_negation_about_another_predicate_of_the_same_things_is_no_contradiction() -> None:
    # The passage negates "supplied"; the claim restates the "bring" of the clause after it.
    assert verdict("You have to bring your own padlocks and towels.", GYM) == ()
    # The same things with the passage's own predicate, the other way round, still contradict.
    assert verdict("Towels and padlocks are supplied.", GYM)


def test_words_negated_and_said_plainly_in_one_clause_do_not_decide() -> None:
    ferry = (
        "Cars travel at the standard fare and the weekday discount does not apply to them: "
        "they pay the full fare."
    )
    assert verdict("Cars pay the full fare on weekdays.", ferry) == ()


def test_a_negation_before_a_when_clause_governs_it() -> None:
    hire = "Renters are insured by the company while on the course only, not when riding their own board."
    assert verdict("No, the company insures renters only on the course, not on their own board.", hire) == ()


def test_a_negation_whose_head_the_claim_never_says_does_not_oppose_its_other_words() -> None:
    library = "Overdue fines do not roll over to the next term."
    assert verdict("You get 3 free loans again the next term.", library) == ()
    assert verdict("Overdue fines roll over to the next term.", library)


def test_no_longer_negates_the_verb_after_it() -> None:
    assert clause("we no longer repair bicycles").heads == ("repair",)


def test_cannot_x_before_y_is_a_wait_as_until_is() -> None:
    plan = "Members on the annual plan cannot leave before the 12 months are over."
    assert verdict("You can't leave until the year is over.", plan) == ()
    # A period before an event is not a wait: the negation stands.
    assert clause("Divers must not fly in the 24 hours before a dive.").negations


# --- figures ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("half an hour", Quantity("30", "minute")),
        ("the first half hour", Quantity("30", "minute")),
        ("An hour.", Quantity("1", "hour")),
        ("an hour and a half", Quantity("90", "minute")),
        ("within a fortnight", Quantity("14", "day")),
        ("tickets are half price", Quantity("50", "%")),
    ],
)
def test_spelt_durations_and_half_price_are_figures(text: str, expected: Quantity) -> None:
    assert quantities(text) == {expected}


@pytest.mark.parametrize("text", ["£3 an hour", "twice an hour", "open 24 hours a day", "€0.20 a minute"])
def test_rates_are_not_spelt_durations(text: str) -> None:
    assert Quantity("1", "hour") not in quantities(text)


def test_time_units_compare_in_minutes() -> None:
    assert equivalent(Quantity("30", "minute"), Quantity(".5", "hour"))
    assert equivalent(Quantity("2", "week"), Quantity("14", "day"))
    assert not equivalent(Quantity("1", "month"), Quantity("30", "day"))  # months do not convert exactly
    assert (
        verdict(
            "The first half hour of each session is free.", "The first 30 minutes of each session are free."
        )
        == ()
    )
    assert verdict(
        "The first 45 minutes of each session are free.", "The first 30 minutes of each session are free."
    )


def test_amounts_worked_out_from_stated_figures() -> None:
    mine = quantities("£70: four classes would cost £80, and the pass costs £70.")
    assert worked_out(Quantity("80", "£"), mine, quantities("classes cost £20 each"))
    assert worked_out(Quantity("42", "$"), quantities("$42 a night: $60 with the 30% discount"))
    assert not worked_out(Quantity("45", "$"), quantities("$45 a night: $60 with the 30% discount"))
    assert not worked_out(Quantity("25", "%"), quantities("25% off and 50% off"))  # only amounts


def test_a_claim_working_out_a_total_from_a_clause_restates_it() -> None:
    passage = "Yoga classes cost £20 each. A pass for 4 classes costs £70."
    assert verdict("£10: four single classes would cost £80", passage) == ()
    assert verdict("A pass for 4 classes costs £80.", passage)  # the pass's own figure is another


def test_a_worked_out_answer_is_supported() -> None:
    context = (ContextPassage("p", "A studio costs $60 a night. Members get 30% off the nightly rate."),)
    answer = "$42 a night: the usual $60 with the 30% discount for members."
    assert codes(grounding_validator(), Subject(answer, "What would a member pay per night?", context)) == []
    wrong = "$45 a night: the usual $60 with the 30% discount for members."
    assert codes(grounding_validator(), Subject(wrong, "What would a member pay per night?", context))


def test_half_price_against_another_discount_contradicts() -> None:
    assert verdict(
        "You get 25% off your next class.", "If a class is cancelled late, your next class is half price."
    )


# --- conditions -------------------------------------------------------------------------------------------


def test_a_refusal_with_its_exception_drops_no_condition() -> None:
    pool = "Children may swim on Sundays only, provided an adult stays in the water with them."
    assert verdict("No, children may only swim on Sundays.", pool) == ()
    # Granting without the condition still contradicts.
    assert verdict("Yes, children may swim on Sundays.", pool)


def test_even_if_against_unless_contradicts() -> None:
    locker = "A lost key is charged at £40, unless the loss is reported at the desk before closing."
    assert verdict(
        "A lost key is charged at £40, even if you report the loss at the desk before closing.", locker
    )
    assert (
        verdict("A lost key is charged at £40 unless you report the loss at the desk before closing.", locker)
        == ()
    )


def test_the_other_side_of_a_figure_contradicts() -> None:
    vouchers = "Vouchers can be exchanged for cash, provided you ask within 6 months of purchase."
    assert verdict("Vouchers can still be exchanged for cash after 6 months.", vouchers)
    assert verdict("Vouchers can be exchanged for cash within 6 months.", vouchers) == ()


def test_every_x_against_x_only_is_an_absolute() -> None:
    printing = "Colour printing is included for premium members only; basic members pay 10p a page."
    assert verdict("Colour printing is included for every member.", printing)
    assert verdict("Colour printing is included for premium members.", printing) == ()


def test_a_reason_joined_to_a_claim_is_a_claim_of_its_own() -> None:
    passage = (
        "Climbers must be 18 or older. Climbers aged 14 to 17 may climb only if a parent signs the form."
    )
    context = (ContextPassage("p", passage),)
    answer = "Only if a parent signs the form, since climbers otherwise have to be 18 or over."
    assert codes(grounding_validator(), Subject(answer, "I'm 15. Can I climb?", context)) == []


# --- explanations -----------------------------------------------------------------------------------------


def test_explain_names_the_rule_and_the_clause() -> None:
    context = (ContextPassage("p", "The museum is closed on Mondays."),)
    [(_sentence, outcome, why)] = grounding_validator().explain(
        Subject("The museum is open on Mondays.", "", context)
    )
    assert outcome == "grounding.contradicted"
    assert "antonym" in why and "closed on Mondays" in why


# --- relevance: closed questions, what happens, payment, negative sentences --------------------------------

CLUB = (
    ContextPassage("c#0", "Riverside Tennis Club rules"),
    ContextPassage(
        "c#1",
        "Courts are handed only to people listed on the booking, unless a member has called the office "
        "first. "
        "If a racket is not returned within 2 hours, a £30 fee is charged. Guests must leave by 9 pm. "
        "Ball machines are free for the first hour; after that "
        "each 30 minutes costs £2. Lockers over 40 litres are not available.",
    ),
)


@pytest.mark.parametrize(
    ("question", "answer"),
    [
        (
            "Can my cousin play on my court?",
            "Only if they are listed on the booking, or a member calls the office first.",
        ),
        ("May I bring a friend?", "Yes, guests are welcome as long as they leave by 9 pm."),
        ("What happens if I lose a racket?", "If it is not returned within 2 hours a £30 fee is charged."),
        (
            "How long can I use the ball machine before I pay?",
            "The first hour is free; then each 30 minutes costs £2.",
        ),
        ("How long is the free ball machine time?", "An hour."),
    ],
)
def test_answers_that_address_their_question(question: str, answer: str) -> None:
    assert codes(relevance_validator(), Subject(answer, question, CLUB)) == []


def test_a_negative_sentence_is_not_terse_by_type() -> None:
    subject = Subject("Lockers over 40 litres are not available.", "Until what time can guests stay?", CLUB)
    assert codes(relevance_validator(), subject) == ["relevance.off_question"]


# --- a figure moved from one fact to another ---------------------------------------------------------------

BOATYARD = (
    "Boats must be lifted out of the water by 31 October and their engines winterised. "
    "We cannot store a boat whose engine has not been winterised. "
    "Storage fees are invoiced within 14 days of the lift-out."
)


def test_a_figure_attached_to_a_fact_that_states_none_is_unsupported() -> None:
    # Every figure is in the context and every word of the fact is too: only where the figure sits is wrong.
    moved = "Lift your boat out by 31 October and have the engine winterised within 14 days."
    subject = Subject(
        text=moved, question="When must my boat come out?", context=(ContextPassage("b", BOATYARD),)
    )
    assert codes(grounding_validator(), subject) == ["grounding.unsupported"]


@pytest.mark.parametrize(
    "answer",
    [
        "Lift your boat out by 31 October and have the engine winterised.",
        "Lift it out by 31 October; storage fees are invoiced within 14 days of the lift-out.",
    ],
)
def test_a_figure_with_its_own_fact_is_not_misplaced(answer: str) -> None:
    subject = Subject(
        text=answer, question="When must my boat come out?", context=(ContextPassage("b", BOATYARD),)
    )
    assert "grounding.unsupported" not in codes(grounding_validator(), subject)
