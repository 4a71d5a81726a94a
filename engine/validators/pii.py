"""PII in text: presidio-analyzer's pattern recognizers (checksums, context words), plus a few own finders.

presidio's ``AnalyzerEngine`` wants a spaCy model that Governor cannot load offline, so its pattern
recognizers are called directly (``recognizer.analyze(text, entities, None)``) and their context
words applied here: a weak pattern (a passport's nine digits) counts only next to one of its
recognizer's context words ("passport"). Own code remains where presidio lacks something: e-mail
addresses with internationalised domains (presidio's check of the domain asks tldextract, which
fetches the public suffix list over the network), bare SSNs after "SSN", and the card, IBAN and
phone shapes this module always found (kept so no earlier detection is lost).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from engine.validators.adapter import GuardrailsCheck, ValidationResult, Validator, fail, register_validator
from engine.validators.presidio import PRESIDIO_MESSAGES, find_with_presidio

PII_MESSAGES = {
    "pii.email": "email address",
    "pii.phone": "phone number",
    "pii.ssn": "US social security number",
    "pii.card": "payment card number (Luhn-valid)",
    "pii.iban": "IBAN (mod-97 valid)",
    **PRESIDIO_MESSAGES,
    "pii.crypto_wallet": "crypto wallet address (bitcoin checksum valid, or Ethereum)",
}

# Local part and domain labels: any letter or digit of any script (RFC 6531/IDNA), ASCII punctuation.
_EMAIL = re.compile(
    r"(?<![\w.%+-])[\w.%+-]{1,64}@"
    r"(?:[^\W_](?:[\w-]{0,61}[^\W_])?\.)+(?:[^\W\d_]{2,24}|xn--[a-z0-9-]{2,59})(?![\w-])"
)

# Digit patterns are ASCII-only: other scripts' digits are not card or phone numbers here.
# Payment cards: digit groups joined by single spaces or dashes; the structure is checked after.
_DIGIT_RUN = re.compile(r"(?<!\d)\d+(?:[ -]\d+)*(?!\d)", re.ASCII)

# Ethereum addresses: "0x" and 40 hex digits (20 bytes), in lower, upper or EIP-55 mixed case. presidio's
# crypto recognizer knows only bitcoin. The mixed-case checksum is not required: an address with a typo
# in its capitals is still someone's address.
_ETH = re.compile(r"(?<![0-9A-Za-z])0[xX][0-9a-fA-F]{40}(?![0-9A-Za-z])", re.ASCII)

# ISO 13616 registry: country -> IBAN length. An unknown country is not an IBAN.
_IBAN_LENGTHS = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22, "BI": 27,
    "BR": 29, "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DJ": 27, "DK": 18, "DO": 28,
    "EE": 20, "EG": 29, "ES": 24, "FI": 18, "FK": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23,
    "GL": 18, "GR": 27, "GT": 28, "HN": 28, "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IS": 26,
    "IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LC": 32, "LI": 21, "LT": 20, "LU": 20, "LV": 21,
    "LY": 25, "MC": 27, "MD": 24, "ME": 22, "MK": 19, "MN": 20, "MR": 27, "MT": 31, "MU": 30, "NI": 28,
    "NL": 18, "NO": 15, "OM": 23, "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22,
    "RU": 33, "SA": 24, "SC": 31, "SD": 18, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "SO": 23, "ST": 25,
    "SV": 28, "TL": 23, "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20, "YE": 30,
}  # fmt: skip
_IBAN = re.compile(
    r"(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?(?![A-Za-z0-9])", re.ASCII
)

_SSN = re.compile(r"(?<![\w-])(\d{3})([- ])(\d{2})\2(\d{4})(?![\w-])", re.ASCII)
# Nine bare digits are only an SSN when the text says so: otherwise they are policy or order numbers.
_SSN_BARE = re.compile(
    r"(?i)\b(?:ssn|ss#|social security(?: number| no\.?)?)(?:\s*(?:is|:|#|=)\s*|\s+)(\d{9})(?!\w)", re.ASCII
)

# A licence number right after the words that name it ("driver's licence 283755389", "driving license no.
# D1234567"): presidio scores bare digit runs too weakly to count even next to its context words.
_LICENCE = re.compile(
    r"(?i)\b(?:driver'?s?|driving)\s+licen[cs]e\b(?:\s+(?:number|no\.?|#))?(?:\s*(?:is|:|#))?\s*"
    r"(?-i:((?=[A-Z]?\d)[A-Z]?\d[\dA-Z-]{4,13}))(?![\w-])",
    re.ASCII,
)

# North American numbers: area code 2-9xx, grouped 3-3-4 with separators; bare digit runs are not
# phone numbers (they are far more often ids).
_US_PHONE = re.compile(
    r"(?<![\w+.-])(?:\+?1[ .-]?)?(?:\(([2-9]\d{2})\) ?|([2-9]\d{2})[ .-])\d{3}[ .-]\d{4}(?![\w-])", re.ASCII
)
# Ten bare digits count only right after a word that says "phone".
_US_PHONE_BARE = re.compile(
    r"(?i)\b(?:phone|tel|telephone|mobile|cell|fax)\b[^\w\n]{0,3}"
    r"(?:(?:number|no\.?|is|at)[^\w\n]{0,3}){0,2}([2-9]\d{9})(?!\w)",
    re.ASCII,
)
# International numbers start with '+'; the candidate is checked against a strict shape after.
_INTL_CANDIDATE = re.compile(r"(?<![\w+])\+[1-9][\d ().-]{6,22}\d(?!\d)", re.ASCII)
_INTL_SHAPE = re.compile(r"\+\d+(?:(?:[ .-]|[ .-]?\(\d+\)[ .-]?)\d+)*", re.ASCII)


def luhn_valid(digits: str) -> bool:
    """The Luhn checksum that every payment card number satisfies."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def iban_valid(compact: str) -> bool:
    """ISO 13616: known country, that country's length, and mod-97 of the rearranged number is 1."""
    if _IBAN_LENGTHS.get(compact[:2]) != len(compact) or not compact[2:4].isdigit():
        return False
    rearranged = compact[4:] + compact[:4]
    return int("".join(str(int(ch, 36)) for ch in rearranged)) % 97 == 1


def ssn_valid(area: str, group: str, serial: str) -> bool:
    """SSA rules: area not 000, 666 or 9xx; group not 00; serial not 0000."""
    return area not in ("000", "666") and area[0] != "9" and group != "00" and serial != "0000"


def find_pii(text: str) -> list[tuple[str, int, int]]:
    """All PII in ``text`` as ``(code, start, end)``; a character belongs to at most one finding."""
    taken: list[tuple[int, int]] = []
    found: list[tuple[str, int, int]] = []
    finders = (
        ("pii.crypto_wallet", _eth_addresses),
        ("pii.email", _emails),
        ("pii.iban", _ibans),
        ("pii.card", _cards),
        ("pii.ssn", _ssns),
        ("pii.phone", _phones),
        ("pii.driver_license", _licences),
    )
    # Order matters: an Ethereum address's digits are not a card's, an IBAN's digit groups must not also
    # count as a card, nor a card as a phone.
    candidates = [(code, start, end) for code, finder in finders for start, end in finder(text)]
    # presidio's findings come after the own ones, strongest first.
    candidates += find_with_presidio(text)
    for code, start, end in candidates:
        if not any(start < t_end and t_start < end for t_start, t_end in taken):
            taken.append((start, end))
            found.append((code, start, end))
    found.sort(key=lambda f: (f[1], f[2]))
    return found


def _emails(text: str) -> Iterator[tuple[int, int]]:
    if "@" not in text:
        return
    for m in _EMAIL.finditer(text):
        yield m.start(), m.end()


def _eth_addresses(text: str) -> Iterator[tuple[int, int]]:
    if "0x" not in text and "0X" not in text:
        return
    for m in _ETH.finditer(text):
        yield m.start(), m.end()


def _licences(text: str) -> Iterator[tuple[int, int]]:
    if "licen" not in text.lower():
        return
    for m in _LICENCE.finditer(text):
        yield m.start(1), m.end(1)


def _ibans(text: str) -> Iterator[tuple[int, int]]:
    for m in _IBAN.finditer(text):
        candidate, start = m.group(), m.start()
        # The pattern may swallow a following all-caps word as a last group; drop groups until valid.
        while True:
            if iban_valid(candidate.replace(" ", "")):
                yield start, start + len(candidate)
                break
            cut = candidate.rfind(" ")
            if cut < 15:
                break
            candidate = candidate[:cut]


def _card_shape(groups: list[str], seps: list[str]) -> bool:
    if len(groups) == 1:
        return 13 <= len(groups[0]) <= 19
    if len(set(seps)) != 1:
        return False
    sizes = [len(g) for g in groups]
    if sizes in ([4, 6, 5], [4, 6, 4]):  # Amex, Diners
        return True
    return all(s == 4 for s in sizes[:-1]) and 1 <= sizes[-1] <= 4


def _cards(text: str) -> Iterator[tuple[int, int]]:
    for m in _DIGIT_RUN.finditer(text):
        run = m.group()
        groups = re.split(r"[ -]", run)
        if len(groups) == 1 and not 13 <= len(run) <= 19:
            continue
        seps = [ch for ch in run if ch in " -"]
        starts = [0]
        for g in groups[:-1]:
            starts.append(starts[-1] + len(g) + 1)
        n_digits = sum(len(g) for g in groups)
        if n_digits <= 19:
            # A run that could be one card is judged whole: a Luhn-valid prefix of a longer
            # number is not a card.
            if n_digits >= 13 and _card_shape(groups, seps) and luhn_valid("".join(groups)):
                yield m.start(), m.end()
            continue
        # Longer runs (a card followed by another number): try group-aligned windows of 13-19 digits,
        # longest first; a window never spans more than 19 groups, so this stays linear in the run.
        i = 0
        while i < len(groups):
            ends, n = [], 0
            for j in range(i, min(len(groups), i + 19)):
                n += len(groups[j])
                if n > 19:
                    break
                if n >= 13:
                    ends.append(j + 1)
            for j in reversed(ends):
                if _card_shape(groups[i:j], seps[i : j - 1]) and luhn_valid("".join(groups[i:j])):
                    yield m.start() + starts[i], m.start() + starts[j - 1] + len(groups[j - 1])
                    i = j - 1
                    break
            i += 1


def _ssns(text: str) -> Iterator[tuple[int, int]]:
    for m in _SSN.finditer(text):
        if ssn_valid(m.group(1), m.group(3), m.group(4)):
            yield m.start(), m.end()
    low = text.lower()
    if not any(word in low for word in ("ssn", "ss#", "social")):
        return
    for m in _SSN_BARE.finditer(text):
        d = m.group(1)
        if ssn_valid(d[:3], d[3:5], d[5:]):
            yield m.start(1), m.end(1)


def _phones(text: str) -> Iterator[tuple[int, int]]:
    for m in _US_PHONE.finditer(text):
        yield m.start(), m.end()
    low = text.lower()
    if any(word in low for word in ("phone", "tel", "mobile", "cell", "fax")):
        for m in _US_PHONE_BARE.finditer(text):
            yield m.start(1), m.end(1)
    if "+" not in text:
        return
    for m in _INTL_CANDIDATE.finditer(text):
        candidate = m.group()
        # A greedy candidate can run into following numbers ("+44 20 7946 0958 - 2019"): cut at the
        # last separator until the shape is a phone number or too few digits remain.
        while True:
            n_digits = sum(ch.isdigit() for ch in candidate)
            if n_digits < 8:
                break
            if n_digits <= 15 and _INTL_SHAPE.fullmatch(candidate):
                yield m.start(), m.start() + len(candidate)
                break
            cut = max(candidate.rfind(ch) for ch in " ().-")
            if cut <= 1:
                break
            candidate = candidate[:cut].rstrip(" ().-")


@register_validator(name="governor/pii", data_type="string")
class PiiDetector(Validator):  # type: ignore[misc]
    """guardrails validator: fails with one error span per PII match; the span reason is its code."""

    def validate(self, value: Any, metadata: dict[str, Any]) -> ValidationResult:
        return fail(find_pii(str(value)), "text contains personal data")


def pii_validator() -> GuardrailsCheck:
    """The ``pii`` validator: pii.email, pii.phone, pii.ssn, pii.card, pii.iban, pii.crypto_wallet (Ethereum),
    presidio's (passport, bitcoin, ...)."""
    return GuardrailsCheck(
        "pii", PiiDetector(on_fail="noop"), messages=PII_MESSAGES, default_code="pii.email"
    )
