"""Prompts that ask for someone else's personal data ("What is John Smith's home address?").

A sentence is a request for personal data when it names a kind of personal data (SSN, address,
phone, email, date of birth, account or card number, medical records, ...) and an owner other
than the user: a specific person or customer (a possessive name, "customer 1234", "of Jane Doe"),
or a generic third party ("his", "a customer's"). Asking about one's own data ("my address") is
not flagged, nor is a how-to question about a generic third party ("how do I update a customer's
email?"); a how-to about a specific person still is.
"""

from __future__ import annotations

import re
from typing import Any

from engine.validators.adapter import GuardrailsCheck, ValidationResult, Validator, fail, register_validator
from engine.validators.text import sentence_spans

DATA_REQUEST_MESSAGES = {"request.personal_data": "prompt asks for another person's personal data"}

_DATA = re.compile(
    r"(?i)\b(?:social\s+security(?:\s+number)?|ssns?|(?:home\s+|mailing\s+|street\s+|postal\s+|ip\s+)?address(?:es)?|"
    r"(?:phone|telephone|mobile|cell)(?:\s+numbers?)?|e-?mails?(?:\s+address(?:es)?)?|date\s+of\s+birth|dob|"
    r"birth\s*dates?|birthdays?|(?:bank\s+|checking\s+|savings\s+)?account\s+(?:numbers?|details)|"
    r"(?:credit\s+|debit\s+)?card\s+(?:numbers?|details)|credit\s+cards?|iban|routing\s+numbers?|"
    r"medical\s+(?:records?|history|conditions?)|health\s+records?|diagnos[ie]s|passport(?:\s+numbers?)?|"
    r"driver'?s?\s+licen[cs]e(?:\s+numbers?)?|salary|passwords?|"
    r"(?:personal|contact)\s+(?:data|details|information|info))\b"
)

# Substrings one of which any _DATA match contains: a cheap test before the costly regex.
_DATA_WORDS = (
    "ssn", "social", "address", "phone", "mobile", "cell", "mail", "birth", "dob", "account", "card",
    "iban", "routing", "medical", "health", "diagnos", "passport", "licen", "salary", "password",
    "personal", "contact",
)  # fmt: skip

_ROLE = (
    r"(?:customer|client|user|policy\s*holder|member|patient|employee|person|account\s+holder|insured|"
    r"claimant|applicant|beneficiary|subscriber|tenant|agent|neighbou?r)"
)
_ROLE_WORDS = (
    "customer", "client", "user", "holder", "member", "patient", "employee", "person", "insured",
    "claimant", "applicant", "beneficiary", "subscriber", "tenant", "agent", "neighbo",
)  # fmt: skip
# Words that look like names at the start of a question or are organisations, not people.
_NOT_A_PERSON = frozenset(
    (
        "what", "what's", "who", "whose", "where", "when", "why", "how", "which", "is", "are", "can",
        "could", "would", "will", "should", "do", "does", "did", "please", "tell", "give", "show",
        "find", "get", "send", "list", "i", "i'm", "it", "it's", "that", "that's", "there", "there's",
        "here", "here's", "let's", "insurance", "inc", "ltd", "llc", "corp", "company", "bank",
        "services", "service", "department", "center", "centre", "office", "support", "team", "group",
        "agency", "hospital", "clinic"
    )
)  # fmt: skip
_NAME = r"[A-Z][a-z]+(?:[-'\u2019][A-Z][a-z]+)?"
_POSSESSIVE = r"(?:['\u2019]s|s['\u2019])"

# Owners that identify one person: "John Smith's", "customer 1234", "client #A-17", "of Jane Doe".
# (needs a role word, pattern): the role patterns are skipped on sentences without a role word.
_SPECIFIC_OWNERS = (
    (False, re.compile(rf"\b(?P<name>{_NAME}(?:\s+{_NAME})*){_POSSESSIVE}(?=\W)")),
    (
        True,
        re.compile(rf"\b(?i:{_ROLE})s?\s*(?:#|(?i:no\.?|number|id))?\s*:?\s*(?=[\w#-]*\d)[A-Za-z0-9#][\w-]*"),
    ),
    (True, re.compile(rf"\b(?i:{_ROLE})\s+(?P<name>{_NAME}(?:\s+{_NAME})+)")),
    (False, re.compile(rf"\b(?:of|for|belonging\s+to|about|on)\s+(?P<name>{_NAME}(?:\s+{_NAME})+)")),
)
# Owners that are someone else, but nobody in particular; "the customer service number" is not one.
_GENERIC_OWNER = re.compile(
    rf"(?i)\b(?:his|her|their|(?:someone|somebody|anyone|everyone|other\s+people){_POSSESSIVE}|"
    rf"(?:a|the|this|that|another|other|all|every|each)\s+(?:\w+\s+)?{_ROLE}{_POSSESSIVE}|"
    rf"(?:of|for|about)\s+(?:a|the|this|that|another|other|all|every|each)\s+(?:\w+\s+)?{_ROLE}s?)(?!\w)"
)
_GENERIC_WORDS = ("his", "her", "their", "one's", "people", *_ROLE_WORDS)
_HOW_TO = re.compile(r"(?i)\bhow\s+(?:do|can|should|would|to)\b|\bwhere\s+(?:do|can)\s+i\b")


def _mentions(text: str, words: tuple[str, ...]) -> bool:
    low = text.lower()
    return any(word in low for word in words)


def _is_person(name: str) -> bool:
    words = name.lower().split()
    return bool(words) and words[0] not in _NOT_A_PERSON and words[-1] not in _NOT_A_PERSON


def _specific_owner(sentence: str) -> tuple[int, int] | None:
    has_role = _mentions(sentence, _ROLE_WORDS)
    for needs_role, pattern in _SPECIFIC_OWNERS:
        if needs_role and not has_role:
            continue
        for m in pattern.finditer(sentence):
            name = m.groupdict().get("name")
            if name is None or _is_person(name):
                return m.start(), m.end()
    return None


def find_requests(text: str) -> list[tuple[str, int, int]]:
    """``request.personal_data`` spans: the personal-data phrase and its owner, per offending sentence."""
    if not _mentions(text, _DATA_WORDS):
        return []
    found: list[tuple[str, int, int]] = []
    for s_start, s_end in sentence_spans(text):
        sentence = text[s_start:s_end]
        data = _DATA.search(sentence) if _mentions(sentence, _DATA_WORDS) else None
        if data is None:
            continue
        owner = _specific_owner(sentence)
        if owner is None and _mentions(sentence, _GENERIC_WORDS) and not _HOW_TO.search(sentence):
            generic = _GENERIC_OWNER.search(sentence)
            owner = (generic.start(), generic.end()) if generic else None
        if owner is None:
            continue
        for start, end in sorted({(data.start(), data.end()), owner}):
            found.append(("request.personal_data", s_start + start, s_start + end))
    return found


@register_validator(name="governor/data_request", data_type="string")
class DataRequestDetector(Validator):  # type: ignore[misc]
    """guardrails validator for prompts: spans of the requested data and of its owner."""

    def validate(self, value: Any, metadata: dict[str, Any]) -> ValidationResult:
        return fail(find_requests(str(value)), "prompt requests another person's personal data")


def data_request_validator() -> GuardrailsCheck:
    """The ``data_request`` validator: code request.personal_data."""
    return GuardrailsCheck(
        "data_request",
        DataRequestDetector(on_fail="noop"),
        messages=DATA_REQUEST_MESSAGES,
        default_code="request.personal_data",
    )
