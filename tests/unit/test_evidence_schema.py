"""Facts schema narrowed to an application's stated values (constrained decoding for small models)."""

from __future__ import annotations

import itertools
import json
from typing import Any

import jsonschema
import pytest

from engine.contracts.registry import ContractRegistry
from engine.settings import REPO_ROOT, Settings
from engine.stages.fact_check import evidence_schema, plain_numbers, unsupported_facts

APPLICATIONS = [
    json.loads(line) for line in (REPO_ROOT / "demo" / "applications.jsonl").read_text().splitlines()
]


@pytest.fixture(scope="module")
def facts_schema() -> dict[str, Any]:
    registry = ContractRegistry.load(Settings().contracts_dir)
    return dict(registry.for_topic("workflow.facts").schema["properties"]["facts"])


@pytest.mark.parametrize("app", APPLICATIONS, ids=[a["application_id"] for a in APPLICATIONS])
def test_every_value_the_grammar_allows_is_stated_and_in_contract(
    facts_schema: dict[str, Any], app: Any
) -> None:
    narrowed = evidence_schema(facts_schema, app["text"])["properties"]
    choices = [narrowed[name].get("enum", [True, False]) for name in facts_schema["properties"]]
    for values in itertools.product(*choices):
        facts = dict(zip(facts_schema["properties"], values, strict=True))
        jsonschema.validate(facts, facts_schema)  # narrowing never leaves the contract
        wrong = set(unsupported_facts(facts, app["text"])) - {"flood_zone"}
        assert wrong == set(), facts


def test_money_fields_take_the_amount_not_the_year(facts_schema: dict[str, Any]) -> None:
    narrowed = evidence_schema(facts_schema, "A house built in 1990, sum insured $250,000.")["properties"]
    assert narrowed["sum_insured"] == {"type": "integer", "enum": [250000]}
    assert narrowed["construction_year"] == {"type": "integer", "enum": [1990]}
    assert narrowed["property_type"] == {"enum": ["house"]}


def test_fields_without_evidence_keep_the_contract(facts_schema: dict[str, Any]) -> None:
    narrowed = evidence_schema(facts_schema, "Please insure my home.")["properties"]
    assert narrowed == facts_schema["properties"]


def test_plain_numbers_drops_thousands_separators_only() -> None:
    assert plain_numbers("$650,000 and 1,2 and 3,45") == "$650000 and 1,2 and 3,45"
