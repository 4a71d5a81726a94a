"""Load every contract in contracts/ at start, refuse broken ones, and validate payloads against them."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml
from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import SchemaError, best_match
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from engine.contracts.fastpath import Check, plan
from engine.errors import ContractError, ContractViolation
from engine.kafka.admin import TopicSpec
from engine.settings import Topics


class ContractMetadata(BaseModel):
    """contract.yaml: who owns a topic's data, how it is classified, who may read and write it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    version: int = Field(ge=1)
    owner: str
    description: str
    event_type: str
    classification: dict[str, Literal["public", "internal", "confidential", "pii"]] = Field(
        default_factory=dict
    )
    producers: list[str]
    consumers: list[str]
    partitions: int = Field(default=3, ge=1)
    retention_ms: int | None = None
    compatibility: Literal["backward", "forward", "full", "none"] = "backward"


@dataclass(frozen=True)
class Contract:
    """A topic's contract: metadata plus the payload schema of each known version."""

    metadata: ContractMetadata
    schemas: dict[int, dict[str, Any]]
    source: Path
    # version -> its validator and planned yes/no check, built at first use (see _checker)
    _checkers: dict[int, _Checker] = field(default_factory=dict, init=False, repr=False, compare=False)

    @property
    def id(self) -> str:
        return f"{self.metadata.name}@{self.metadata.version}"

    @property
    def schema(self) -> dict[str, Any]:
        return self.schemas[self.metadata.version]

    def validate(self, payload: Any, version: int | None = None) -> None:
        """Raise ContractViolation naming the JSON path and the rule that failed."""
        version = self.metadata.version if version is None else version
        checker = self._checkers.get(version) or self._checker(version)
        if checker.satisfied(payload):
            return
        # Only a refused payload pays for jsonschema's full walk: it names the path and the rule.
        error = best_match(checker.validator.iter_errors(payload))
        if error is not None:
            contract_id = f"{self.metadata.name}@{version}"
            path = "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path)
            rule = str(error.validator)
            message = f"fails {rule} ({_constraint(error.validator_value)})"
            raise ContractViolation(contract_id, path, rule, message)

    def _checker(self, version: int) -> _Checker:
        schema = self.schemas.get(version)
        if schema is None:
            raise ContractViolation(
                f"{self.metadata.name}@{version}",
                "$",
                "version",
                f"unknown version {version} of {self.metadata.name}",
            )
        validator = Draft202012Validator(schema, format_checker=FormatChecker())
        checker = _Checker(validator, plan(schema, validator) or validator.is_valid)
        self._checkers[version] = checker
        return checker

    def topic_spec(self, topic: str) -> TopicSpec:
        return TopicSpec(topic, self.metadata.partitions, self.metadata.retention_ms)


def _constraint(value: Any, limit: int = 100) -> str:
    """The schema's side of a failed rule, short. Never the instance: jsonschema's own message quotes
    the offending value, which may be PII and would end up in dead letters and logs."""
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
    return text if len(text) <= limit else text[: limit - 3] + "..."


@dataclass(frozen=True)
class _Checker:
    """One schema version's validator, built once, and its cheap yes/no (fastpath.plan, or is_valid)."""

    validator: Draft202012Validator
    satisfied: Check


class ContractRegistry:
    """All contracts, by topic name. Loading checks everything; a broken file stops start-up."""

    def __init__(self, contracts: dict[str, Contract], topic_names: dict[str, str] | None = None) -> None:
        self._contracts = contracts
        # Settings may rename a topic; its contract keeps the default name. contract name -> topic name.
        self._topic_of = {name: (topic_names or {}).get(name, name) for name in contracts}
        self._contract_of = {topic: name for name, topic in self._topic_of.items()}

    @classmethod
    def load(cls, directory: Path, topics: Topics | None = None) -> ContractRegistry:
        if not directory.is_dir():
            raise ContractError(f"contracts directory not found: {directory}")
        contracts = {}
        for meta_path in sorted(directory.glob("*/contract.yaml")):
            contract = _load_one(meta_path)
            contracts[contract.metadata.name] = contract
        if not contracts:
            raise ContractError(
                f"no contracts in {directory} (expected <topic>/contract.yaml and schema.json)"
            )
        renames = {}
        if topics is not None:
            for field_name, field in Topics.model_fields.items():
                renames[str(field.default)] = str(getattr(topics, field_name))
        return cls(contracts, renames)

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self._contracts.values())

    def for_topic(self, topic: str) -> Contract:
        try:
            return self._contracts[self._contract_of[topic]]
        except KeyError:
            raise ContractError(
                f"topic '{topic}' has no contract in contracts/: every topic must be governed"
            ) from None

    def pii_fields(self) -> dict[str, frozenset[str]]:
        """Contract name -> the payload fields its contract.yaml classifies as `pii`."""
        return {
            name: frozenset(f for f, cls in c.metadata.classification.items() if cls == "pii")
            for name, c in self._contracts.items()
        }

    def topic_specs(self) -> list[TopicSpec]:
        return [c.topic_spec(self._topic_of[name]) for name, c in self._contracts.items()]

    def revision(self) -> str:
        """A short digest of every contract id and schema, for build info and audit records."""
        digest = hashlib.sha256()
        for name in sorted(self._contracts):
            c = self._contracts[name]
            digest.update(json.dumps([c.id, c.schemas], sort_keys=True).encode())
        return digest.hexdigest()[:12]


def _load_one(meta_path: Path) -> Contract:
    folder = meta_path.parent
    try:
        metadata = ContractMetadata(**(yaml.safe_load(meta_path.read_text()) or {}))
    except (yaml.YAMLError, TypeError, ValidationError) as exc:
        raise ContractError(f"{meta_path}: {exc}") from exc
    if metadata.name != folder.name:
        raise ContractError(f"{meta_path}: name '{metadata.name}' must equal its folder name '{folder.name}'")
    schemas = {metadata.version: _load_schema(folder / "schema.json")}
    for old in sorted((folder / "history").glob("v*.schema.json")):
        version = int(old.name[1:].split(".", 1)[0])
        schemas[version] = _load_schema(old)
    for name in metadata.classification:
        if name not in schemas[metadata.version].get("properties", {}):
            raise ContractError(f"{meta_path}: classification names unknown field '{name}'")
    return Contract(metadata, schemas, folder)


def _load_schema(path: Path) -> dict[str, Any]:
    try:
        schema = json.loads(path.read_text())
        Draft202012Validator.check_schema(schema)
    except FileNotFoundError:
        raise ContractError(f"{path}: missing (every contract needs a schema.json)") from None
    except json.JSONDecodeError as exc:
        raise ContractError(f"{path}: not valid JSON: {exc}") from exc
    except SchemaError as exc:
        raise ContractError(f"{path}: not a valid Draft 2020-12 schema: {exc.message}") from exc
    if not isinstance(schema, dict):
        raise ContractError(f"{path}: a contract schema must be a JSON object")
    return schema
