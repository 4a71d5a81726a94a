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
from tests.validator_helpers import codes


def verdict(claim: str, passage: str) -> tuple[str, ...]:
    return align(clause(claim, strip_particle=True), passage_clauses(passage)).contradiction


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


# --- the second blind set's causes, one mechanism each, on examples of our own ----------------------------

GYM = (
    "Members aged 65 or over use the sauna free of charge. Towel hire costs £2 a visit.\n"
    "Lockers are included in every membership."
)


@pytest.mark.parametrize(
    "claim",
    [
        "Sauna use doesn't cost anything for members aged 65 or over.",
        "Members aged 65 or over can use the sauna at no cost.",
        "There is no charge for the sauna for members aged 65 or over.",
        "Members aged 65 or over use the sauna for free.",
    ],
)
def test_implicit_negations_of_a_charge_share_one_polarity(claim: str) -> None:
    assert verdict(claim, GYM) == ()


def test_a_charge_against_free_still_contradicts() -> None:
    assert verdict("Members aged 65 or over are charged for the sauna.", GYM)
    assert verdict("Towel hire doesn't cost anything.", GYM)


def test_a_contraction_after_a_number_is_not_its_unit() -> None:
    assert {q.unit for q in clause("Visitors over 70 don't pay for parking.").quantities} == {""}
    assert {q.unit for q in clause("Children under 12 can't swim alone.").quantities} == {""}
    assert (
        "can" not in clause("What can't I bring?").words and "ca" not in clause("What can't I bring?").words
    )


CLINIC = "Blood tests are booked online. A referral letter is needed before the first appointment."


@pytest.mark.parametrize(
    "claim",
    [
        "You can have your first appointment after a referral letter.",
        "After a referral letter, you can have your first appointment.",
        "A referral letter is needed before the first appointment.",
    ],
)
def test_before_and_after_that_order_the_same_events_alike_agree(claim: str) -> None:
    assert verdict(claim, CLINIC) == ()


@pytest.mark.parametrize(
    "claim",
    [
        "A referral letter is needed after the first appointment.",
        "The first appointment comes before a referral letter is needed.",
    ],
)
def test_the_same_two_events_in_the_other_order_contradict(claim: str) -> None:
    assert verdict(claim, CLINIC)


WARRANTY = (
    ContextPassage("title", "Brightline Appliances warranty"),
    ContextPassage("w", "Washing machines are covered for 24 months, provided they are registered online."),
)


def test_a_terse_value_is_not_held_to_the_clauses_condition() -> None:
    question = "How long is a washing machine covered for?"
    assert grounding_validator().check(Subject("24 months.", question, WARRANTY)).passed


@pytest.mark.parametrize(
    "answer",
    ["24 months, no matter what.", "Always 24 months.", "Washing machines are always covered for 24 months."],
)
def test_an_unconditional_value_against_a_condition_still_contradicts(answer: str) -> None:
    question = "How long is a washing machine covered for?"
    result = grounding_validator().check(Subject(answer, question, WARRANTY))
    assert [f.code for f in result.findings] == ["grounding.contradicted"]


MARINA = (
    ContextPassage(
        "boats",
        "Boats are not insured by us. You must insure your boat with a marine insurer before mooring.",
    ),
)


def test_opposite_polarity_about_another_agent_is_no_contradiction() -> None:
    assert verdict("The marina does not insure your boat.", MARINA[0].text) == ()
    assert verdict("You must insure your boat before mooring.", MARINA[0].text) == ()


def test_the_same_agent_with_the_other_polarity_still_contradicts() -> None:
    assert verdict("You don't need to insure your boat before mooring.", MARINA[0].text)
    assert verdict("Boats are insured by us.", MARINA[0].text)


def test_light_verbs_and_function_phrases_are_not_content() -> None:
    assert clause("You can take the ferry or use the bridge.").words == {"ferry", "bridg"}
    # "ahead" after a duration orders in time, as "before" does: no content of its own.
    assert clause("as long as you book at least 3 days ahead").words == {"book", "day"}


@pytest.mark.parametrize(
    ("a", "b"),
    [("Prebook a table.", "Book a table in advance."), ("Tickets are prepaid.", "Tickets paid in advance."),
     ("Pay upfront.", "Pay in advance."), ("Pay beforehand.", "Pay in advance."),
     ("Pre-register online.", "Register online in advance.")],
)  # fmt: skip
def test_prefixes_and_idioms_read_as_the_words_they_stand_for(a: str, b: str) -> None:
    assert clause(a).words == clause(b).words


def test_a_prefixed_paraphrase_answers_the_question_in_other_words() -> None:
    context = (
        ContextPassage("title", "Riverside Cinema membership"),
        ContextPassage("rent", "Tickets are paid for at the box office or online in advance."),
        ContextPassage("deal", "Members who prebook 5 films get the sixth film free."),
    )
    question = "Do I get anything for booking upfront?"
    assert (
        relevance_validator()
        .check(Subject("Yes, prebook 5 films and the sixth is free.", question, context))
        .passed
    )


ALLOTMENT = (
    "A plot can be swapped once in 3 years for a fee of £15. A third swap is not allowed.\n"
    "Hoses may be used between 7 am and 9 pm. Watering outside these hours is not permitted.\n"
    "Hens are welcome on plots of 250 square metres or more. Other animals are not allowed.\n"
    "Tenants may bring guests, up to 4 per plot, and must accompany them."
)


@pytest.mark.parametrize(
    "claim",
    [
        "A plot can be swapped twice in 3 years.",  # once is 1
        "A plot can be swapped three times in 3 years.",
        "You can water outside 7 am to 9 pm with a hose.",  # negated in the next sentence
        "All animals are welcome on plots of 250 square metres or more.",  # "other animals are not allowed"
        "Tenants may bring guests.",  # the limit dropped
    ],
)
def test_counts_negations_next_door_other_and_dropped_limits_contradict(claim: str) -> None:
    assert verdict(claim, ALLOTMENT)


@pytest.mark.parametrize(
    "claim",
    [
        "A plot can be swapped once in 3 years.",
        "Hoses may be used between 7 am and 9 pm.",
        "Hens are welcome on plots of 250 square metres or more.",
        "Tenants may bring up to 4 guests per plot.",
    ],
)
def test_their_restatements_agree(claim: str) -> None:
    assert verdict(claim, ALLOTMENT) == ()


def test_a_short_sentence_on_another_fact_is_off_question_when_no_type_is_wanted() -> None:
    context = (
        ContextPassage("title", "Harbour Lane allotments"),
        ContextPassage("a", "Bonfires must not be lit on any plot."),
        ContextPassage("b", "Seeds are sold at the site shop."),
    )
    off = Subject("Seeds are sold at the shop.", "What can't I do on my plot?", context)
    assert codes(relevance_validator(), off) == ["relevance.off_question"]
    bare = Subject("Yes, £3.", "Is there a charge for seeds?", context)
    assert relevance_validator().check(bare).passed
