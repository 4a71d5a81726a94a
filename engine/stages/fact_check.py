"""Is each fact the LLM extracted from an application actually stated in it? A deterministic check
on the workflow's first step: a fact the text does not support is reported, never passed on."""

from __future__ import annotations

import re
from typing import Any

NUMBER_WORDS = {"no": 0, "none": 0, "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
                "seven": 7, "eight": 8, "nine": 9, "ten": 10}  # fmt: skip
NEGATIONS = ("not ", "outside ", "no ", "isn't ", "is not ", "never ")


def plain_numbers(text: str) -> str:
    """The text with thousands separators dropped ($650,000 -> $650000): small models read the comma
    as the end of the number, and the fact check compares digits the same way."""
    return re.sub(r"(?<=\d),(?=\d{3})", "", text)


def unsupported_facts(facts: dict[str, Any], text: str) -> list[str]:
    """The names of the facts `text` does not state."""
    plain = plain_numbers(text.lower())
    numbers = {int(n) for n in re.findall(r"\d+", plain)}
    numbers |= {value for word, value in NUMBER_WORDS.items() if re.search(rf"\b{word}\b", plain)}
    wrong = []
    if not re.search(rf"\b{re.escape(str(facts.get('property_type', '')).lower())}\b", plain):
        wrong.append("property_type")
    for name in ("construction_year", "prior_claims", "sum_insured"):
        if facts.get(name) not in numbers:
            wrong.append(name)
    if bool(facts.get("flood_zone")) != _states_flood_zone(plain):
        wrong.append("flood_zone")
    return wrong


def _states_flood_zone(text: str) -> bool:
    for match in re.finditer(r"flood zone", text):
        before = text[max(0, match.start() - 25) : match.start()]
        if not any(neg in before for neg in NEGATIONS):
            return True
    return False


def evidence_schema(schema: dict[str, Any], text: str) -> dict[str, Any]:
    """The facts schema narrowed to what the application states: each number field an enum of the
    numbers in the text within its range, property_type an enum of the types the text names. JSON-schema
    constrained decoding then lets a small model choose among stated values only; a field with no
    candidate keeps its schema (and the fact check reports it)."""
    plain = plain_numbers(text.lower())
    numbers = {int(n) for n in re.findall(r"\d+", plain)}
    numbers |= {value for word, value in NUMBER_WORDS.items() if re.search(rf"\b{word}\b", plain)}
    money = {int(n) for n in re.findall(r"\$\s?(\d+)", plain)}
    properties = dict(schema["properties"])
    for name, spec in schema["properties"].items():
        if spec.get("type") == "integer":
            low, high = spec.get("minimum", float("-inf")), spec.get("maximum", float("inf"))
            candidates = sorted(n for n in numbers if low <= n <= high)
            if high >= 1_000_000 and money & set(candidates):  # an amount: the figures written as money
                candidates = sorted(money & set(candidates))
            if candidates:
                properties[name] = {"type": "integer", "enum": candidates}
        elif "enum" in spec and all(isinstance(v, str) for v in spec["enum"]):
            named = [v for v in spec["enum"] if re.search(rf"\b{re.escape(v.lower())}\b", plain)]
            if named:
                properties[name] = {"enum": named}
    return {**schema, "properties": properties}
