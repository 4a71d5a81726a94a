"""presidio-analyzer's pattern recognizers, run without an NLP model, with their context words applied.

Presidio scores a match by its pattern (weak shapes score low) and validates checksums (NHS mod 11,
crypto base58check/bech32, IBAN, Luhn); its ``AnalyzerEngine`` then raises the score of a match
preceded by one of the recognizer's context words, which needs the spaCy model we cannot load.
Here the same boost is applied from a lower-cased window of text before the match.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from presidio_analyzer.predefined_recognizers import (
    AbaRoutingRecognizer,
    AuMedicareRecognizer,
    AuTfnRecognizer,
    CaSinRecognizer,
    CryptoRecognizer,
    EsNifRecognizer,
    InAadhaarRecognizer,
    IpRecognizer,
    ItFiscalCodeRecognizer,
    MedicalLicenseRecognizer,
    NhsRecognizer,
    PhoneRecognizer,
    PlPeselRecognizer,
    SgFinRecognizer,
    UkNinoRecognizer,
    UkPassportRecognizer,
    UsBankRecognizer,
    UsItinRecognizer,
    UsLicenseRecognizer,
    UsMbiRecognizer,
    UsPassportRecognizer,
)

# presidio entity -> (Governor code, human message).
ENTITIES: dict[str, tuple[str, str]] = {
    "CREDIT_CARD": ("pii.card", "payment card number (Luhn-valid)"),
    "IBAN_CODE": ("pii.iban", "IBAN (mod-97 valid)"),
    "US_SSN": ("pii.ssn", "US social security number"),
    "PHONE_NUMBER": ("pii.phone", "phone number"),
    "US_ITIN": ("pii.itin", "US individual taxpayer identification number"),
    "US_PASSPORT": ("pii.passport", "passport number"),
    "UK_PASSPORT": ("pii.passport", "passport number"),
    "US_DRIVER_LICENSE": ("pii.driver_license", "driver's licence number"),
    "UK_NINO": ("pii.uk_nino", "UK national insurance number"),
    "UK_NHS": ("pii.nhs", "UK NHS number (checksum valid)"),
    "US_MBI": ("pii.medicare_mbi", "US Medicare beneficiary identifier"),
    "IP_ADDRESS": ("pii.ip_address", "IP address"),
    "CRYPTO": ("pii.crypto_wallet", "crypto wallet address (checksum valid)"),
    "US_BANK_NUMBER": ("pii.bank_account", "bank account number"),
    "ABA_ROUTING_NUMBER": ("pii.bank_routing", "bank routing number (checksum valid)"),
    "MEDICAL_LICENSE": ("pii.medical_license", "medical licence number"),
    "AU_TFN": ("pii.tax_id", "tax file number"),
    "AU_MEDICARE": ("pii.health_id", "Australian Medicare number"),
    "IN_AADHAAR": ("pii.national_id", "Aadhaar number"),
    "ES_NIF": ("pii.national_id", "Spanish NIF"),
    "IT_FISCAL_CODE": ("pii.tax_id", "Italian fiscal code"),
    "PL_PESEL": ("pii.national_id", "Polish PESEL"),
    "SG_NRIC_FIN": ("pii.national_id", "Singapore NRIC/FIN"),
    "CA_SIN": ("pii.national_id", "Canadian social insurance number"),
}
PRESIDIO_MESSAGES = {code: message for code, message in ENTITIES.values()}

# Cards and IBANs are the own finders' too: presidio accepts a checksum-valid run inside a longer
# number (a Luhn-valid prefix, a shorter IBAN), which the own finders refuse (property-tested).
# US SSNs are the own finder's (presidio's accepts 9xx areas, which the SSA never issues); presidio's
# Indian PAN recognizer is left out: its pattern takes seconds on long adversarial text.
# Bare digit runs whose checksum one random number in ten passes count only next to a context word.
_NEEDS_CONTEXT = frozenset({"ABA_ROUTING_NUMBER", "US_BANK_NUMBER", "AU_TFN", "AU_MEDICARE", "IN_AADHAAR",
                            "PL_PESEL", "CA_SIN", "MEDICAL_LICENSE"})  # fmt: skip

# presidio's own figures: a context word adds 0.35, and a result counts from 0.4.
CONTEXT_BOOST = 0.35
MIN_SCORE = 0.4
_WINDOW = 60  # characters before a match searched for a context word


@cache
def _recognizers() -> tuple[tuple[Any, re.Pattern[str] | None], ...]:
    recognizers = [
        PhoneRecognizer(
            supported_regions=_PHONE_REGIONS
        ), UsItinRecognizer(), UsPassportRecognizer(), UkPassportRecognizer(), UsLicenseRecognizer(),
        UkNinoRecognizer(), NhsRecognizer(), UsMbiRecognizer(), IpRecognizer(), CryptoRecognizer(),
        UsBankRecognizer(), AbaRoutingRecognizer(), MedicalLicenseRecognizer(), AuTfnRecognizer(),
        AuMedicareRecognizer(), InAadhaarRecognizer(), EsNifRecognizer(),
        ItFiscalCodeRecognizer(), PlPeselRecognizer(), SgFinRecognizer(), CaSinRecognizer(),
    ]  # fmt: skip
    out = []
    for r in recognizers:
        words = [w for w in (getattr(r, "context", None) or ()) if len(w) > 2]
        pattern = (
            re.compile(r"\b(?:" + "|".join(map(re.escape, words)) + r")", re.IGNORECASE) if words else None
        )
        out.append((r, pattern))
    return tuple(out)


# phonenumbers' matcher costs ~1 ms per region on a paragraph: it runs only on runs of 7+ digits that
# could be a phone number, each with a little text around it.
_PHONE_CANDIDATE = re.compile(r"\+?\(?\d[\d ().-]{5,20}\d")
_PHONE_MARGIN = 4
_MAX_PHONE_CANDIDATES = 16
_ID_PREFIX = re.compile(r"[A-Za-z][-/#]$")
_NATIONAL_PHONE_SCORE = 0.3
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}|\d{1,2}[./-]\d{1,2}[./-]\d{2,4}")
# National formats of these regions; a number written with "+" is found whatever its country.
_PHONE_REGIONS = ("US", "GB", "DE", "FR", "AU", "IN")
# On equal scores the more specific entity names the span (a passport before a phone number).
_LAST_ON_TIE = {"PHONE_NUMBER": 0.001}


def _results(recognizer: Any, text: str) -> list[Any]:
    if not isinstance(recognizer, PhoneRecognizer):
        return list(recognizer.analyze(text, recognizer.supported_entities, None) or ())
    out = []
    for n, m in enumerate(_PHONE_CANDIDATE.finditer(text)):
        if n >= _MAX_PHONE_CANDIDATES and not text.startswith("+", m.start()):
            continue  # a wall of digits: national formats are not looked for beyond the first ones
        if sum(ch.isdigit() for ch in m.group()) < 7 or _DATE.fullmatch(m.group().strip()):
            continue
        a, b = max(0, m.start() - _PHONE_MARGIN), min(len(text), m.end() + _PHONE_MARGIN)
        for r in recognizer.analyze(text[a:b], recognizer.supported_entities, None) or ():  # type: ignore[arg-type]
            r.start, r.end = r.start + a, r.end + a
            if _ID_PREFIX.search(text, max(0, r.start - 2), r.start):
                continue  # "CLM-2023-884512": the digits of an id
            if not text.startswith("+", r.start):
                r.score = _NATIONAL_PHONE_SCORE  # a national format counts next to "call", "phone", ...
            out.append(r)
    return out


def find_with_presidio(text: str) -> list[tuple[str, int, int]]:
    """``(code, start, end)`` for every presidio result that reaches ``MIN_SCORE``, strongest first."""
    if not any(ch.isdigit() for ch in text):
        return []  # every entity here has digits; prose without any is the common case
    scored: list[tuple[float, str, int, int]] = []
    for recognizer, context in _recognizers():
        if context is not None and _needs_context(recognizer) and not context.search(text):
            continue  # its weak shapes count only next to a context word, and the text has none
        for result in _results(recognizer, text):
            score = float(result.score) - _LAST_ON_TIE.get(result.entity_type, 0.0)
            if result.entity_type in _NEEDS_CONTEXT:
                score = min(score, MIN_SCORE - CONTEXT_BOOST)
            window = max(0, result.start - _WINDOW)
            if (
                score < MIN_SCORE - 0.01
                and context is not None
                and context.search(text, window, result.start)
            ):
                score += CONTEXT_BOOST
            if score >= MIN_SCORE - 0.01 and result.entity_type in ENTITIES:
                scored.append((score, ENTITIES[result.entity_type][0], result.start, result.end))
    scored.sort(key=lambda s: (-s[0], s[2]))
    return [(code, start, end) for _, code, start, end in scored]


def _needs_context(recognizer: Any) -> bool:
    """Whether no match of this recognizer counts without a context word (so it can be skipped)."""
    entity = recognizer.supported_entities[0]
    if entity in _NEEDS_CONTEXT:
        return True
    patterns = getattr(recognizer, "patterns", None) or ()
    checksummed = entity in ("CREDIT_CARD", "IBAN_CODE", "CRYPTO", "UK_NHS")  # validation raises the score
    return bool(patterns) and not checksummed and max(p.score for p in patterns) < MIN_SCORE - 0.01
