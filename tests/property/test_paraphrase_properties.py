"""Properties of the mechanisms that let grounding and relevance read paraphrases: word forms, titles' names,
units after numbers, figures joined in one sentence and "not ... until"."""

from __future__ import annotations

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from engine.validators.base import ContextPassage, Subject
from engine.validators.claims import align, clause, passage_clauses
from engine.validators.grounding import grounding_validator
from engine.validators.lexicon import canonical
from engine.validators.names import title_names
from engine.validators.stopwords import ENGLISH_STOPWORDS


def verdict(claim: str, passage: str) -> tuple[str, ...]:
    return align(clause(claim, strip_particle=True), passage_clauses(passage)).contradiction


# Regular verbs ending in a consonant (so "-ed"/"-ing" attach without spelling changes), and in "e".
PLAIN_VERBS = st.sampled_from(
    ["collect", "deduct", "insert", "renew", "accept", "print", "report", "request", "attach", "borrow"]
)
E_VERBS = st.sampled_from(["approve", "arrive", "reserve", "locate", "complete", "donate", "compare"])


@settings(max_examples=60, deadline=None)
@given(PLAIN_VERBS)
def test_a_regular_verbs_inflections_share_its_form(verb: str) -> None:
    forms = {verb, verb + "s", verb + "ed", verb + "ing"}
    assert len({canonical(f) for f in forms}) == 1


@settings(max_examples=40, deadline=None)
@given(E_VERBS)
def test_a_verb_ending_in_e_keeps_one_form_when_inflected(verb: str) -> None:
    forms = {verb, verb + "s", verb + "d", verb[:-1] + "ing"}
    assert len({canonical(f) for f in forms}) == 1


STEMS = st.from_regex(r"[bcdfglmnprt][aeiou][bcdfglmnprt]{1,2}[aeiou][lmnrt]", fullmatch=True)


@settings(max_examples=80, deadline=None)
@given(STEMS, st.sampled_from(["", "d", "s"]))
def test_british_and_american_ise_ize_spellings_share_a_form(stem: str, ending: str) -> None:
    british, american = f"{stem}ise{ending}", f"{stem}ize{ending}"
    assert canonical(british) == canonical(american)


NOUNS = st.sampled_from(["bicycle", "kayak", "locker", "parcel", "voucher", "helmet", "ticket", "permit"])
PRICES = st.integers(1, 999)


@settings(max_examples=60, deadline=None)
@given(NOUNS, st.sampled_from(["charges", "costs", "fees", "prices"]), PRICES)
def test_a_charge_in_other_words_is_supported(noun: str, word: str, price: int) -> None:
    passage = ContextPassage("p", f"Each {noun} hired costs £{price} a day.")
    answer = f"The daily {word} for a hired {noun} is £{price}."
    assert grounding_validator().check(Subject(answer, "", (passage,))).passed


ORGS = st.from_regex(r"[A-Z][a-z]{4,8}", fullmatch=True).filter(lambda w: w.lower() not in ENGLISH_STOPWORDS)


@settings(max_examples=60, deadline=None)
@given(ORGS, ORGS, NOUNS)
def test_the_organisation_a_sentence_case_title_names_supports_a_claim_naming_it(
    first: str, second: str, noun: str
) -> None:
    assume(first != second)
    title = f"{first} {second} {noun} hire terms"
    assert {canonical(first.lower()), canonical(second.lower())} <= title_names(title)
    context = (
        ContextPassage("t", title),
        ContextPassage("p", f"A {noun} must not be taken abroad without our written consent."),
    )
    answer = f"Only with {first} {second}'s written consent."
    assert grounding_validator().check(Subject(answer, f"Can I take the {noun} abroad?", context)).passed


MODALS = st.sampled_from(["can", "may", "must", "will", "should"])


@settings(max_examples=80, deadline=None)
@given(st.integers(2, 99), MODALS, MODALS, st.integers(1, 50))
def test_a_modal_after_a_number_is_not_its_unit(n: int, said: str, stated: str, delta: int) -> None:
    passage = f"Riders under {n} {stated} use the junior track."
    assert verdict(f"Riders under {n} {said} use the junior track.", passage) == ()
    assert "quantity" in verdict(f"Riders under {n + delta} {said} use the junior track.", passage)


GROUPS = st.sampled_from(
    [("adult", "child"), ("member", "guest"), ("student", "senior"), ("weekday", "weekend")]
)


@settings(max_examples=80, deadline=None)
@given(GROUPS, PRICES, PRICES, st.integers(1, 50))
def test_two_joined_figures_are_each_checked_against_their_own_sentence(
    groups: tuple[str, str], a: int, b: int, delta: int
) -> None:
    first, second = groups
    assume(a != b)
    context = (ContextPassage("p", f"{first.title()} passes cost £{a}. {second.title()} passes cost £{b}."),)
    right = f"Passes cost £{a} for {first}s and £{b} for {second}s."
    wrong = f"Passes cost £{a} for {first}s and £{b + delta} for {second}s."
    assume(b + delta != a)
    check = grounding_validator()
    assert check.check(Subject(right, "", context)).passed
    assert [f.code for f in check.check(Subject(wrong, "", context)).findings] == ["grounding.contradicted"]


ACTS = st.sampled_from(
    [
        ("enter", "the pool", "showered"),
        ("board", "the boat", "checked in"),
        ("use", "the gym", "been shown around"),
    ]
)


@settings(max_examples=40, deadline=None)
@given(ACTS, st.sampled_from(["Swimmers", "Passengers", "Members"]))
def test_must_not_until_is_a_wait_not_a_negation(act: tuple[str, str, str], who: str) -> None:
    verb, thing, event = act
    passage = f"{who} must not {verb} {thing} until they have {event}."
    assert verdict(f"You can {verb} {thing} once you have {event}.", passage) == ()
    assert verdict(f"You need to wait until you have {event}.", passage) == ()
    assert verdict(f"You can {verb} {thing} at any time.", passage)


# --- the second blind set's mechanisms ----------------------------------------------------------------------

THINGS = st.sampled_from(["eye tests", "car washes", "gym inductions", "library cards", "bike repairs"])
FREE_FORMS = st.sampled_from(
    ["{x} are free of charge.", "{x} don't cost anything.", "There is no charge for {x}.", "{x} are free.",
     "{x} are provided at no cost.", "{x} are provided for free."]
)  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(THINGS, FREE_FORMS, FREE_FORMS)
def test_every_way_of_saying_free_agrees_with_every_other(thing: str, said: str, stated: str) -> None:
    claim, passage = said.format(x=thing), stated.format(x=thing)
    assert "negation" not in verdict(claim[0].upper() + claim[1:], passage[0].upper() + passage[1:])


EVENTS = st.sampled_from(
    [("the deposit is paid", "the keys are handed over"), ("the form is signed", "the course starts"),
     ("the meter is read", "the account is closed"), ("the bike is inspected", "the hire begins")]
)  # fmt: skip


@settings(max_examples=40, deadline=None)
@given(EVENTS)
def test_before_and_after_agree_on_one_order_and_contradict_on_the_other(events: tuple[str, str]) -> None:
    first, then = events
    passage = f"{first.capitalize()} before {then}."
    assert verdict(f"{then.capitalize()} after {first}.", passage) == ()
    assert verdict(f"{first.capitalize()} after {then}.", passage)


COUNTS = st.sampled_from([("once", 1), ("twice", 2), ("three times", 3), ("4 times", 4)])


@settings(max_examples=40, deadline=None)
@given(COUNTS, COUNTS)
def test_how_many_times_is_a_figure(said: tuple[str, int], stated: tuple[str, int]) -> None:
    passage = f"A parking permit can be renewed {stated[0]} a year."
    result = verdict(f"A parking permit can be renewed {said[0]} a year.", passage)
    assert bool(result) == (said[1] != stated[1])
