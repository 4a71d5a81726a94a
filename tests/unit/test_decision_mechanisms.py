"""False rejects and misses of the release validators, one mechanism each: negations that state a case,
the context's own names, number words, the question's focus, quoted terms, terse answers' language,
units, the claim's specific word, included/optional and age restrictions."""

from __future__ import annotations

import pytest

from engine.validators.base import ContextPassage, Subject
from engine.validators.claims import align, clause, passage_clauses
from engine.validators.format import format_validator
from engine.validators.grounding import context_names, grounding_validator
from engine.validators.relevance import relevance_validator
from engine.validators.scope import scope_validator
from tests.validator_helpers import codes


def verdict(claim: str, passage: str) -> tuple[str, ...]:
    return align(clause(claim, strip_particle=True), passage_clauses(passage)).contradiction


# --- a negation inside "if ..." states a case, not the claim ------------------------------------------

GYM = (
    "If you do not want your membership to continue, cancel it on the Account page before your next "
    "billing date. You can rejoin at any time."
)


def test_a_negated_case_does_not_make_the_instruction_that_follows_it_negative() -> None:
    assert (
        verdict("You can cancel your membership on the Account page before your next billing date.", GYM)
        == ()
    )


@pytest.mark.parametrize(
    "claim",
    [
        "You cannot cancel your membership on the Account page.",
        "If you want your membership to continue, cancel it on the Account page.",
    ],
)
def test_a_flipped_instruction_or_a_flipped_case_is_still_a_contradiction(claim: str) -> None:
    assert "negation" in verdict(claim, GYM)


# --- the organisation a passage calls "we" is named elsewhere in the context -----------------------------

AIRLINE = (
    ContextPassage("refunds", "Refunds\n\nWe do not refund seat upgrades after departure."),
    ContextPassage("about", "About us\n\nEvery day Northwind Air flies to 40 cities in Europe."),
)


def test_a_claim_that_names_the_organisation_the_passage_calls_we_is_supported() -> None:
    answer = "No, Northwind Air does not refund seat upgrades after departure."
    assert grounding_validator().check(Subject(answer, "Can I get my upgrade refunded?", AIRLINE)).passed


def test_a_name_the_context_never_uses_still_counts_against_support() -> None:
    answer = "Southbound Rail does not refund seat upgrades."
    assert codes(grounding_validator(), Subject(answer, "", AIRLINE)) == ["grounding.unsupported"]


def test_names_are_read_from_sentences_not_headings_or_sentence_openers() -> None:
    names = context_names(
        "Baggage Rules And Fees\n\nBags are weighed by Northwind Air staff. Cabin bags fly free."
    )
    assert {"northwind", "air", "staff"} >= names >= {"northwind", "air"}
    assert not names & {"baggage", "rul", "fe", "bag", "cabin"}


# --- number words are quantities ---------------------------------------------------------------------

CLAIMS_TIME = (ContextPassage("c", "Claims are paid within 3 weeks of the assessor's report."),)


def test_a_number_written_as_a_word_restates_the_figure() -> None:
    subject = Subject("Claims are paid within three weeks of the assessor's report.", "", CLAIMS_TIME)
    assert grounding_validator().check(subject).passed
    wrong = Subject("Claims are paid within four weeks of the assessor's report.", "", CLAIMS_TIME)
    assert codes(grounding_validator(), wrong) == ["grounding.contradicted"]


# --- relevance: the focus is where the context answers the question ----------------------------------

DENTAL = (
    ContextPassage(
        "d",
        "If you miss a dental appointment without 24 hours' notice, we charge a $30 fee. Missed dental "
        "appointments are recorded on your account. What happened at each visit is shown in your records.",
    ),
)


def test_a_question_word_used_once_elsewhere_in_the_context_is_not_the_focus() -> None:
    answer = "We charge a fee of $30 when there is less than 24 hours' notice."
    assert (
        relevance_validator()
        .check(Subject(answer, "What happens if I miss a dental appointment?", DENTAL))
        .passed
    )


PARCELS = (
    ContextPassage(
        "p",
        "Parcels are delivered to your door on weekdays by our couriers. If a parcel is lost in transit, we "
        "refund the postage within 5 working days and open a trace. Tracking shows what happened to each "
        "parcel at every depot.",
    ),
)


def test_an_answer_that_restates_the_clause_matching_the_question_best_is_on_it() -> None:
    question = "What happens if a parcel is lost?"
    rel = relevance_validator()
    assert rel.check(
        Subject("We refund the postage within 5 working days and open a trace.", question, PARCELS)
    ).passed
    off = Subject("Parcels are delivered to your door on weekdays by our couriers.", question, PARCELS)
    assert codes(rel, off) == ["relevance.off_question"]


def test_a_terse_answer_with_the_figure_spelt_out_is_on_the_question() -> None:
    ctx = (
        ContextPassage("a", "We acknowledge every complaint within 2 business days."),
        ContextPassage("b", "We send a final response to every complaint within 8 weeks."),
    )
    question = "How quickly do you acknowledge a complaint?"
    assert (
        relevance_validator()
        .check(Subject("Within two business days of receiving it.", question, ctx))
        .passed
    )


# --- scope: a term quoted with its phrase from a retrieved passage --------------------------------------


def test_a_term_quoted_from_the_tenants_own_passage_is_not_out_of_scope() -> None:
    ctx = (ContextPassage("pay", "You can pay by card. We do not accept bitcoin, gift cards or cheques."),)
    scope = scope_validator()
    assert scope.check(Subject("No, we do not accept bitcoin, gift cards or cheques.", "", ctx)).passed
    assert codes(scope, Subject("You should invest in bitcoin now.", "", ctx)) == ["scope.out_of_scope"]
    assert codes(scope, Subject("We do not accept bitcoin, gift cards or cheques.")) == ["scope.out_of_scope"]


# --- format: a terse answer without stopwords -------------------------------------------------------------


def test_a_terse_answer_in_the_passages_words_is_english_and_a_foreign_one_is_not() -> None:
    ctx = (ContextPassage("t", "Northwind Air refunds cancelled tickets within 5 working days."),)
    fmt = format_validator()
    assert fmt.check(
        Subject("Northwind Air refunds every cancelled ticket within 5 working days.", "", ctx)
    ).passed
    foreign = Subject("Northwind Air rembourse chaque billet annule sous cinq jours ouvrables.", "", ctx)
    assert codes(fmt, foreign) == ["format.language"]


# --- contradictions: units, the specific word, included/optional, age restrictions --------------------------

BAGS = "Each Economy passenger may check one bag of up to 20 kg. Cabin bags may be up to 55 cm long."


@pytest.mark.parametrize(
    ("claim", "contradicted"),
    [
        ("Each Economy passenger may check one bag of up to 20 lb.", True),
        ("Each Economy passenger may check one bag of up to 20 kilograms.", False),
        ("Cabin bags may be up to 55 inches long.", True),
        ("Cabin bags may be up to 55 centimetres long.", False),
    ],
)
def test_a_figure_in_another_unit_of_the_same_measure_is_another_figure(
    claim: str, contradicted: bool
) -> None:
    assert ("quantity" in verdict(claim, BAGS)) is contradicted


GARDEN = (
    "Home insurance covers your garden furniture, sheds and fences against storm damage. Home insurance "
    "covers theft from your garden up to $1,000. Trampolines and hot tubs are never covered."
)


def test_a_claim_is_compared_with_what_the_passages_say_about_its_specific_word() -> None:
    assert "negation" in verdict("Trampolines are covered by home insurance.", GARDEN)
    assert verdict("Garden furniture is covered by home insurance against storm damage.", GARDEN) == ()


def test_included_against_an_optional_add_on_is_a_contradiction() -> None:
    passage = "Key cover is an optional add-on to a Lakeside home policy. It costs $25 a year."
    assert "antonym" in verdict("Key cover is included with every Lakeside home policy.", passage)
    assert verdict("Key cover is an optional add-on to a home policy.", passage) == ()


def test_dropping_an_age_restriction_is_a_contradiction() -> None:
    passage = "For cats aged 12 years or older, you pay an excess of $200 for each claim."
    assert "condition" in verdict("You pay an excess of $200 for each cat claim.", passage)
    assert verdict("Cats aged 12 or older pay an excess of $200 for each claim.", passage) == ()
