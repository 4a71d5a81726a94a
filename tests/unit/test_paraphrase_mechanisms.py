"""The causes of the blind set's false rejects and misses, one mechanism each, on examples of our own:
paraphrase (word forms, synonyms, spellings), names in titles, units that are not units, negations before
a subordinate clause, figures joined in one sentence, conditions and restrictions, and relevance that
reads what a question asks rather than its words."""

from __future__ import annotations

import pytest

from engine.validators.base import ContextPassage, Subject
from engine.validators.claims import align, clause, passage_clauses
from engine.validators.grounding import grounding_validator
from engine.validators.lexicon import canonical
from engine.validators.names import context_names, is_heading, title_names
from engine.validators.relevance import relevance_validator


def verdict(claim: str, passage: str) -> tuple[str, ...]:
    return align(clause(claim, strip_particle=True), passage_clauses(passage)).contradiction


def codes(validator: object, subject: Subject) -> list[str]:
    return [f.code for f in validator.check(subject).findings]  # type: ignore[attr-defined]


# --- one form for a word's inflections, derivations, spellings and common synonyms -----------------------


@pytest.mark.parametrize(
    "forms",
    [
        ("pay", "paid", "payment", "payable", "paying"),
        ("visit", "visitor", "visiting", "visited"),
        ("rent", "rental", "rented"),
        ("refund", "refundable", "reimbursed", "repaid"),
        ("cancel", "cancelled", "canceled", "cancellation"),
        ("authorise", "authorized", "authorisation"),
        ("licence", "license", "licensed"),
        ("colour", "color"),
        ("child", "children", "kids"),
        ("keep", "kept", "retained"),
        ("use", "used", "using"),
        ("allowed", "permitted", "permission"),
        ("fee", "cost", "charges", "price"),
        ("deliver", "delivery", "delivered"),
        ("bicycle", "bike", "bikes"),
    ],
)
def test_forms_of_one_word_share_one_canonical_form(forms: tuple[str, ...]) -> None:
    assert len({canonical(f) for f in forms}) == 1


@pytest.mark.parametrize(
    "a, b", [("pay", "play"), ("rent", "rest"), ("need", "feed"), ("visit", "vision"), ("fee", "free")]
)
def test_different_words_stay_different(a: str, b: str) -> None:
    assert canonical(a) != canonical(b)


BIKES = (
    ContextPassage(
        "hire",
        "Bicycles hired from a docking station must be returned within 24 hours. A late return costs £15 "
        "for each additional day.",
    ),
)


@pytest.mark.parametrize(
    "answer",
    [
        "Late returns of hired bikes are charged £15 per extra day.",
        "Hired bikes have to be returned within 24 hours.",
    ],
)
def test_a_paraphrase_in_other_word_forms_is_supported(answer: str) -> None:
    assert grounding_validator().check(Subject(answer, "", BIKES)).passed


def test_a_sentence_about_something_else_is_still_unsupported() -> None:
    answer = "A lost helmet is replaced at the rider's expense."
    assert codes(grounding_validator(), Subject(answer, "", BIKES)) == ["grounding.unsupported"]


# --- a document's title names its organisation ------------------------------------------------------------

KAYAKS = (
    ContextPassage("title", "Lakeside Kayak Hire terms"),
    ContextPassage("age", "Hirers must be at least 16 years old."),
    ContextPassage("sea", "Kayaks must not be taken onto the sea without our written permission."),
    ContextPassage("kit", "Each kayak must be returned with its paddle and buoyancy aid."),
)


def test_names_in_a_sentence_case_title_count_in_every_passage() -> None:
    assert {"lakesid", "kayak", "hir"} <= title_names("Lakeside Kayak Hire terms")
    answer = "Only with written permission from Lakeside Kayak Hire."
    subject = Subject(answer, "Can I take a hired kayak onto the sea?", KAYAKS)
    assert grounding_validator().check(subject).passed
    assert relevance_validator().check(subject).passed


def test_a_title_case_heading_names_nothing_and_is_a_heading() -> None:
    assert title_names("Opening Hours And Prices") == frozenset()
    assert context_names("# Opening Hours And Prices\n\nWe open at 9 am.") == frozenset()
    assert is_heading("Lakeside Kayak Hire terms") and is_heading("# Storm cover")
    assert not is_heading("- 2 years: 35%") and not is_heading("We open at 9 am.")


# --- the word after a number is its unit only when it is one ----------------------------------------------


@pytest.mark.parametrize(
    "claim, passage",
    [
        ("Passengers under 5 can travel free.", "Passengers under 5 may travel free."),
        ("Children under 12 years travel at half fare.", "Children under 12 travel at half fare."),
    ],
)
def test_the_same_figure_with_a_verb_or_no_unit_after_it_agrees(claim: str, passage: str) -> None:
    assert verdict(claim, passage) == ()


def test_another_figure_still_contradicts() -> None:
    assert "quantity" in verdict("Passengers under 6 can travel free.", "Passengers under 5 may travel free.")


# --- "must not X until Y" is a condition on X; a negation does not reach into a subordinate clause -------

POOL = "Swimmers must not enter the pool until they have showered."


@pytest.mark.parametrize(
    "claim",
    ["You can enter the pool once you have showered.", "You should wait until you have showered."],
)
def test_a_restated_wait_is_not_a_negation(claim: str) -> None:
    assert verdict(claim, POOL) == ()


@pytest.mark.parametrize(
    "claim", ["You can enter the pool at any time.", "You may enter the pool without showering."]
)
def test_dropping_the_wait_still_contradicts(claim: str) -> None:
    assert verdict(claim, POOL)


# --- one sentence joining two facts, each with its own figure -------------------------------------------

TICKETS = (ContextPassage("prices", "Adult tickets cost £12. Child tickets cost £6."),)


@pytest.mark.parametrize(
    "answer", ["Tickets cost £12 for adults and £6 for children.", "It is £12 for adults, £6 for children."]
)
def test_two_figures_in_one_sentence_are_each_checked_against_their_own_fact(answer: str) -> None:
    assert grounding_validator().check(Subject(answer, "How much are tickets?", TICKETS)).passed


def test_one_wrong_figure_of_two_still_contradicts() -> None:
    answer = "Tickets cost £12 for adults and £8 for children."
    assert codes(grounding_validator(), Subject(answer, "", TICKETS)) == ["grounding.contradicted"]


# --- a dropped condition: "only" before a verb states none; a question may state it ---------------------

LENDING = (
    "Members can borrow up to 5 e-books at a time and pay only for audiobooks, provided their membership "
    "is up to date."
)
DROPPED = "Members can borrow up to 5 e-books at a time and only pay for audiobooks."


def test_only_before_a_verb_does_not_state_the_condition() -> None:
    assert "condition" in verdict(DROPPED, LENDING)
    assert verdict(DROPPED + " Their membership must be up to date.", LENDING) == ()
    # The condition's words without its marker state it too.
    stated = "Members whose membership is up to date can borrow up to 5 e-books and pay just for audiobooks."
    assert verdict(stated, LENDING) == ()


def test_a_condition_the_question_states_need_not_be_repeated() -> None:
    context = (ContextPassage("lending", LENDING),)
    stated = Subject(DROPPED, "My membership is up to date. How many e-books can I borrow?", context)
    unstated = Subject(DROPPED, "How many e-books can members borrow?", context)
    assert grounding_validator().check(stated).passed
    assert codes(grounding_validator(), unstated) == ["grounding.contradicted"]


# --- "any X" against "only X" ------------------------------------------------------------------------------

CAFE = "Only dogs on a short lead may enter the café."


@pytest.mark.parametrize("claim", ["Any dog may enter the café.", "All dogs are welcome in the café."])
def test_any_against_only_contradicts(claim: str) -> None:
    assert "absolute" in verdict(claim, CAFE)


@pytest.mark.parametrize(
    "claim, passage",
    [
        ("Dogs on a short lead may enter the café.", CAFE),
        ("Any cancellation must be made online.", "You can only cancel online."),
    ],
)
def test_a_restated_restriction_or_a_restricted_manner_agrees(claim: str, passage: str) -> None:
    assert verdict(claim, passage) == ()


# --- relevance reads the clauses that answer, what the question asks, and each clause of the answer ------


def test_an_answer_about_another_fact_of_a_titled_document_is_off_question() -> None:
    question = "How old must I be to hire a kayak?"
    off = Subject("Each kayak must be returned with its paddle and buoyancy aid.", question, KAYAKS)
    assert codes(relevance_validator(), off) == ["relevance.off_question"]
    on = Subject("Hirers must be at least 16 years old to take a kayak out.", question, KAYAKS)
    assert relevance_validator().check(on).passed


POOL_RULES = (
    ContextPassage("title", "Northfield Leisure swimming pool rules"),
    ContextPassage("lanes", "Lane swimming sessions run from 6 am to 9 am on weekdays."),
    ContextPassage(
        "safety",
        "Children under 8 must be supervised in the water by an adult. Swim caps must be worn in the "
        "swimming pool.",
    ),
    ContextPassage("towels", "Towels can be hired at reception for £2."),
)


def test_the_question_word_the_context_uses_least_is_a_focus_too() -> None:
    question = "Can I get a towel at the swimming pool?"
    on = Subject("Yes, a towel can be hired at reception, and it costs £2.", question, POOL_RULES)
    off = Subject("Children under 8 must be supervised in the water by an adult.", question, POOL_RULES)
    assert relevance_validator().check(on).passed
    assert codes(relevance_validator(), off) == ["relevance.off_question"]


@pytest.mark.parametrize(
    "answer",
    [
        "Lane swimming runs from 6 am to 9 am, on weekdays only.",
        "Lane sessions are on weekday mornings.",
        "Lane swimming sessions run for 3 hours each weekday.",
    ],
)
def test_a_when_question_is_answered_by_a_time_of_day_a_day_or_a_duration(answer: str) -> None:
    assert relevance_validator().check(Subject(answer, "When can I swim lanes?", POOL_RULES)).passed


def test_a_when_question_answered_without_any_time_is_off_question() -> None:
    subject = Subject("Swim caps must be worn in the swimming pool.", "When can I swim lanes?", POOL_RULES)
    assert codes(relevance_validator(), subject) == ["relevance.off_question"]


REPAIRS = (
    ContextPassage("title", "Brightfix phone repair terms"),
    ContextPassage(
        "report", "Accidental damage must be reported within 10 days. Theft must be reported within 48 hours."
    ),
    ContextPassage("returns", "Phones bought in store can be returned within 30 days if unopened."),
    ContextPassage("screens", "A cracked screen is repaired free of charge once a year."),
)


def test_a_question_that_tells_its_situation_first_is_judged_by_what_it_asks() -> None:
    question = "My phone screen cracked. How long do I have to report it?"
    subject = Subject("Accidental damage has to be reported within 10 days.", question, REPAIRS)
    assert relevance_validator().check(subject).passed


DEPOSITS = (
    ContextPassage(
        "deposit",
        "If your tenancy deposit is more than £200, we return it by bank transfer. Smaller deposits are "
        "returned in cash at the desk.",
    ),
    ContextPassage(
        "keys", "Lost keys are charged at £40 each. Tenants must give 30 days' notice before moving out."
    ),
)


def test_an_answer_joining_two_sentences_restates_both() -> None:
    question = "Is my tenancy deposit returned when I leave?"
    answer = (
        "If it is more than £200 we return it by bank transfer; smaller deposits are returned in cash at the "
        "desk."
    )
    assert relevance_validator().check(Subject(answer, question, DEPOSITS)).passed
    off = "Lost keys are charged at £40 each, and tenants must give 30 days' notice."
    assert codes(relevance_validator(), Subject(off, question, DEPOSITS)) == ["relevance.off_question"]
