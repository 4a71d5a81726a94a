"""Hypothesis: PII checksums hold for every generated number, every validator survives any text with
in-bounds spans, and a verbatim copy of the context is always grounded."""

from __future__ import annotations

import string

from hypothesis import given, settings
from hypothesis import strategies as st

from engine.validators.base import ContextPassage, Subject, Validator
from engine.validators.data_request import DATA_REQUEST_MESSAGES
from engine.validators.format import FORMAT_MESSAGES
from engine.validators.grounding import GROUNDING_MESSAGES, grounding_validator
from engine.validators.injection import INJECTION_MESSAGES
from engine.validators.pii import _IBAN_LENGTHS, PII_MESSAGES, find_pii, luhn_valid
from engine.validators.registry import admission_validators, release_validators
from engine.validators.scope import SCOPE_MESSAGES
from engine.validators.secrets import SECRET_MESSAGES
from engine.validators.toxicity import TOXICITY_MESSAGES

# Filler around a generated value: letters and punctuation, no digits, '@', '+' or '-', so the filler
# can neither extend the value nor form PII of its own.
FILLER = st.text(alphabet=string.ascii_letters + " .,;:!?()'\"\n", max_size=40)

RELEASE: list[Validator] = release_validators(system_prompt="You are InsureBot for Acme Insurance. Be brief.")
ADMISSION: list[Validator] = admission_validators()
GROUNDING = grounding_validator()
_MESSAGE_TABLES = (PII_MESSAGES, SECRET_MESSAGES, GROUNDING_MESSAGES, INJECTION_MESSAGES, SCOPE_MESSAGES)
ALL_CODES = {
    code
    for table in (*_MESSAGE_TABLES, TOXICITY_MESSAGES, FORMAT_MESSAGES, DATA_REQUEST_MESSAGES)
    for code in table
}


def luhn_complete(body: str) -> str:
    """``body`` plus the one check digit that makes it Luhn-valid."""
    return next(body + d for d in string.digits if luhn_valid(body + d))


def group(digits: str, sep: str) -> str:
    return sep.join(digits[i : i + 4] for i in range(0, len(digits), 4)) if sep else digits


def embed(prefix: str, value: str, suffix: str) -> tuple[str, int, int]:
    text = f"{prefix} {value} {suffix}"
    start = len(prefix) + 1
    return text, start, start + len(value)


def codes_at(text: str, code: str) -> list[tuple[int, int]]:
    return [(s, e) for c, s, e in find_pii(text) if c == code]


card_bodies = st.integers(min_value=13, max_value=19).flatmap(
    lambda n: st.text(alphabet=string.digits, min_size=n - 1, max_size=n - 1)
)


@settings(max_examples=200, deadline=None)
@given(card_bodies, st.sampled_from(["", " ", "-"]), FILLER, FILLER)
def test_luhn_valid_cards_are_caught_with_exact_spans(body: str, sep: str, prefix: str, suffix: str) -> None:
    number = group(luhn_complete(body), sep)
    text, start, end = embed(prefix, number, suffix)
    assert codes_at(text, "pii.card") == [(start, end)]


@settings(max_examples=200, deadline=None)
@given(card_bodies, st.sampled_from(["", " ", "-"]), FILLER, FILLER)
def test_luhn_invalid_digit_runs_are_not_cards(body: str, sep: str, prefix: str, suffix: str) -> None:
    valid = luhn_complete(body)
    invalid = valid[:-1] + str((int(valid[-1]) + 1) % 10)
    text, _, _ = embed(prefix, group(invalid, sep), suffix)
    assert codes_at(text, "pii.card") == []


def iban(country: str, bban: str) -> str:
    rearranged = bban + country + "00"
    check = 98 - int("".join(str(int(ch, 36)) for ch in rearranged)) % 97
    return f"{country}{check:02d}{bban}"


countries = st.sampled_from(sorted(_IBAN_LENGTHS))


@settings(max_examples=200, deadline=None)
@given(countries, st.data(), st.booleans(), FILLER, FILLER)
def test_valid_ibans_are_caught_with_exact_spans(
    country: str, data: st.DataObject, spaced: bool, prefix: str, suffix: str
) -> None:
    n = _IBAN_LENGTHS[country] - 4
    bban = data.draw(st.text(alphabet=string.digits + string.ascii_uppercase, min_size=n, max_size=n))
    value = group(iban(country, bban), " " if spaced else "")
    text, start, end = embed(prefix, value, suffix)
    assert codes_at(text, "pii.iban") == [(start, end)]


@settings(max_examples=200, deadline=None)
@given(countries, st.data(), st.booleans(), FILLER, FILLER)
def test_one_digit_corrupted_ibans_are_not_flagged(
    country: str, data: st.DataObject, spaced: bool, prefix: str, suffix: str
) -> None:
    n = _IBAN_LENGTHS[country] - 4
    # Digits-only BBAN: no group inside the number can start a second, country-coded candidate.
    valid = iban(country, data.draw(st.text(alphabet=string.digits, min_size=n, max_size=n)))
    pos = data.draw(st.integers(min_value=2, max_value=len(valid) - 1))
    digit = data.draw(st.sampled_from([d for d in string.digits if d != valid[pos]]))
    corrupted = valid[:pos] + digit + valid[pos + 1 :]
    text, _, _ = embed(prefix, group(corrupted, " " if spaced else ""), suffix)
    assert codes_at(text, "pii.iban") == []


label = st.text(alphabet=string.ascii_lowercase + string.digits, min_size=1, max_size=12)
emails = st.builds(
    lambda local, more, domain, tld: f"{'.'.join([local, *more])}@{'.'.join(domain)}.{tld}",
    label,
    st.lists(label, max_size=2),
    st.lists(label, min_size=1, max_size=3),
    st.text(alphabet=string.ascii_lowercase, min_size=2, max_size=6),
)


@settings(max_examples=200, deadline=None)
@given(emails, FILLER, FILLER)
def test_emails_are_caught_with_exact_spans(email: str, prefix: str, suffix: str) -> None:
    text, start, end = embed(prefix, email, suffix)
    assert codes_at(text, "pii.email") == [(start, end)]


valid_areas = st.integers(min_value=1, max_value=899).filter(lambda a: a != 666)


@settings(max_examples=200, deadline=None)
@given(valid_areas, st.integers(1, 99), st.integers(1, 9999), FILLER, FILLER)
def test_valid_ssns_are_caught(area: int, grp: int, serial: int, prefix: str, suffix: str) -> None:
    text, start, end = embed(prefix, f"{area:03d}-{grp:02d}-{serial:04d}", suffix)
    assert codes_at(text, "pii.ssn") == [(start, end)]


invalid_areas = st.one_of(st.just(0), st.just(666), st.integers(min_value=900, max_value=999))


@settings(max_examples=200, deadline=None)
@given(invalid_areas, st.integers(1, 99), st.integers(1, 9999), FILLER, FILLER)
def test_ssns_with_an_impossible_area_are_not_flagged(
    area: int, grp: int, serial: int, prefix: str, suffix: str
) -> None:
    text, _, _ = embed(prefix, f"{area:03d}-{grp:02d}-{serial:04d}", suffix)
    assert codes_at(text, "pii.ssn") == []


passages = st.lists(
    st.builds(ContextPassage, id=st.text(max_size=5), text=st.text(max_size=200)), max_size=3
).map(tuple)


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=400), passages, st.text(max_size=100))
def test_no_validator_raises_and_spans_stay_in_bounds(
    text: str, context: tuple[ContextPassage, ...], sp: str
) -> None:
    subject = Subject(text=text, question=text[:50], context=context, system_prompt=sp)
    for validator in [*RELEASE, *ADMISSION]:
        result = validator.check(subject)
        assert result.error is None, (validator.name, result.error)
        assert result.passed == (not result.findings)
        for finding in result.findings:
            assert finding.code in ALL_CODES
            assert all(0 <= s.start <= s.end <= len(text) for s in finding.spans)


WORDS = ["policy", "covers", "water", "damage", "claim", "deductible", "adjuster", "portal", "limit", "pipes"]
sentences = st.builds(
    lambda words, number: (
        " ".join([words[0].capitalize(), *words[1:], *([str(number)] if number else [])]) + "."
    ),
    st.lists(st.sampled_from(WORDS), min_size=1, max_size=8),
    st.one_of(st.none(), st.integers(min_value=1, max_value=100_000)),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(sentences, min_size=1, max_size=8), st.data())
def test_an_answer_copied_from_the_context_is_grounded(all_sentences: list[str], data: st.DataObject) -> None:
    cut = data.draw(st.integers(min_value=0, max_value=len(all_sentences)))
    context = (
        ContextPassage("a", " ".join(all_sentences[:cut])),
        ContextPassage("b", " ".join(all_sentences[cut:])),
    )
    copied = data.draw(st.lists(st.sampled_from(all_sentences), min_size=1, max_size=5))
    result = GROUNDING.check(Subject(text=" ".join(copied), context=context))
    assert result.passed, result.findings
