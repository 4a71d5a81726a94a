"""The contract check's planned yes/no (engine/contracts/fastpath.py) must accept exactly what jsonschema's
full ``iter_errors`` walk accepts: on every real contract with instances shaped like its payloads (and
mutated), and on generated schemas with every keyword the planner steps into itself or hands through."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator, FormatChecker

from engine.contracts.fastpath import plan
from engine.contracts.registry import ContractRegistry
from engine.errors import ContractViolation
from engine.settings import REPO_ROOT

REGISTRY = ContractRegistry.load(REPO_ROOT / "contracts")
SCHEMAS = [(f"{c.metadata.name}@{v}", s) for c in REGISTRY for v, s in sorted(c.schemas.items())]
FAST = settings(max_examples=100, deadline=None)

scalars = (
    st.none()
    | st.booleans()
    | st.integers(-3, 70)
    | st.sampled_from([0.0, 1.0, 2.5, -1.0, 1e300])
    | st.text(max_size=5)
    | st.sampled_from(["0" * 64, "a1" * 32, "G" * 64, "release", "approved", "dlq", "x" * 4001])
)
json_values = st.recursive(
    scalars, lambda kids: st.lists(kids, max_size=3) | st.dictionaries(st.text(max_size=3), kids, max_size=3)
)


def full_walk_accepts(validator: Draft202012Validator, instance: Any) -> bool:
    return next(validator.iter_errors(instance), None) is None


def shaped(schema: Any, draw: st.DrawFn, root: dict[str, Any], breaks: int, depth: int = 0) -> Any:
    """An instance that follows `schema` (so every keyword is reached) except where a 1-in-`breaks` draw
    breaks it: a random value, a missing required or an extra property, a bound just missed."""
    if not isinstance(schema, dict) or depth > 6 or draw(st.integers(0, breaks)) == 0:
        return draw(json_values)
    if "$ref" in schema:
        target: Any = root
        for part in schema["$ref"].lstrip("#/").split("/"):
            target = target[part]
        return shaped(target, draw, root, breaks, depth + 1)
    for choice in ("oneOf", "anyOf"):
        if choice in schema:
            return shaped(draw(st.sampled_from(schema[choice])), draw, root, breaks, depth + 1)
    if "enum" in schema or "const" in schema:
        return draw(st.sampled_from(schema.get("enum", [schema.get("const")])))
    kind = schema.get("type")
    kind = draw(st.sampled_from(kind)) if isinstance(kind, list) else kind
    if kind == "object" or "properties" in schema:
        props, required = schema.get("properties", {}), set(schema.get("required", []))
        out = {
            k: shaped(v, draw, root, breaks, depth + 1)
            for k, v in props.items()
            if (k in required and draw(st.integers(0, breaks))) or draw(st.booleans())
        }
        if draw(st.integers(0, breaks)) == 0:
            out[draw(st.text(max_size=4))] = draw(scalars)
        return out
    if kind == "array":
        low = schema.get("minItems", 0)
        n = draw(st.integers(low, max(low, schema.get("maxItems", low + 3))))
        return [shaped(schema.get("items", {}), draw, root, breaks, depth + 1) for _ in range(n)]
    if kind == "string":
        if "pattern" in schema:
            return draw(st.from_regex(schema["pattern"], fullmatch=True))
        low = schema.get("minLength", 0)
        high = schema.get("maxLength", low + 6)
        length = draw(st.sampled_from([low, high, high + 1, max(low - 1, 0), (low + high) // 2]))
        return "é" * length
    if kind in ("integer", "number"):
        low, high = schema.get("minimum", -3), schema.get("maximum", 100)
        value = draw(st.sampled_from([low, high, low - 1, high + 1]) | st.integers(low, high))
        return draw(st.sampled_from([value, float(value), value + 0.5 if kind == "number" else value]))
    if kind == "boolean":
        return draw(st.booleans())
    if kind == "null":
        return None
    return draw(json_values)


@pytest.mark.parametrize(("contract_id", "schema"), SCHEMAS, ids=[c for c, _ in SCHEMAS])
@FAST
@given(data=st.data())
def test_every_contract_fast_check_agrees_with_the_full_walk(
    contract_id: str, schema: dict[str, Any], data: st.DataObject
) -> None:
    validator = Draft202012Validator(schema, format_checker=FormatChecker())
    check = plan(schema, validator)
    assert check is not None, f"{contract_id}: the contract schemas are all plannable today"
    instance = shaped(schema, data.draw, schema, breaks=data.draw(st.sampled_from([8, 40, 1000])))
    assert check(instance) == full_walk_accepts(validator, instance)


def test_contract_validate_still_names_the_path_and_rule() -> None:
    contract = REGISTRY.for_topic("answers.draft")
    payload = {"question": "q", "answer": "a", "model": "m", "template_version": "t", "prompt_id": "p"}
    contract.validate({**payload, "context": []})
    with pytest.raises(ContractViolation) as refused:
        contract.validate({**payload, "context": [{"id": "c1", "text": 3}]})
    assert refused.value.path == "$.context[0].text"
    assert refused.value.rule == "type"


# --- generated schemas: every keyword family, nested, with local $refs into $defs


def leaf_schemas(with_ref: bool) -> st.SearchStrategy[Any]:
    kinds = ["string", "integer", "number", "boolean", "null", "object", "array"]
    return st.one_of(
        st.builds(lambda t: {"type": t}, st.sampled_from(kinds)),
        st.builds(
            lambda ts: {"type": ts}, st.lists(st.sampled_from(kinds), min_size=1, max_size=3, unique=True)
        ),
        st.builds(lambda n: {"type": "string", "minLength": n}, st.integers(0, 3)),
        st.builds(lambda n: {"maxLength": n}, st.integers(0, 3)),
        st.builds(lambda p: {"type": "string", "pattern": p}, st.sampled_from(["^[0-9a-f]{2}$", "x", "^$"])),
        st.builds(lambda n: {"minimum": n}, st.integers(-1, 2)),
        st.builds(lambda n: {"exclusiveMaximum": n}, st.integers(-1, 2)),
        st.builds(lambda n: {"multipleOf": n}, st.sampled_from([0.5, 2])),
        st.builds(lambda e: {"enum": e}, st.lists(scalars, min_size=1, max_size=3)),
        st.builds(lambda c: {"const": c}, scalars),
        st.builds(lambda n: {"maxItems": n, "uniqueItems": True}, st.integers(0, 2)),
        st.builds(lambda n: {"minProperties": n}, st.integers(0, 2)),
        st.just({"$ref": "#/$defs/named"} if with_ref else {}),
        st.booleans(),
    )


def compose(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    names = st.sampled_from(["a", "b", "c"])
    return st.one_of(
        st.builds(
            lambda props, req, extra: {
                "type": "object",
                "properties": props,
                "required": req,
                "additionalProperties": extra,
            },
            st.dictionaries(names, children, max_size=3),
            st.lists(names, max_size=2, unique=True),
            st.booleans() | children,
        ),
        st.builds(lambda p: {"patternProperties": {"^a": p}, "propertyNames": {"maxLength": 1}}, children),
        st.builds(lambda i: {"type": "array", "items": i}, children),
        st.builds(lambda p, i: {"prefixItems": p, "items": i}, st.lists(children, max_size=2), children),
        st.builds(lambda c: {"contains": c, "minContains": 1}, children),
        st.builds(lambda xs: {"anyOf": xs}, st.lists(children, min_size=1, max_size=3)),
        st.builds(lambda xs: {"oneOf": xs}, st.lists(children, min_size=1, max_size=3)),
        st.builds(lambda xs: {"allOf": xs}, st.lists(children, min_size=1, max_size=3)),
        st.builds(lambda x: {"not": x}, children),
        st.builds(lambda i, t, e: {"if": i, "then": t, "else": e}, children, children, children),
        st.builds(lambda d: {"dependentSchemas": {"a": d}, "dependentRequired": {"b": ["c"]}}, children),
    )


schemas = st.recursive(leaf_schemas(with_ref=True), compose, max_leaves=8)
# What $ref points at holds no $ref itself: a schema that refers to itself without consuming the instance
# recurses forever in jsonschema too (the recursive case is tested on a tree below).
named_schemas = st.recursive(leaf_schemas(with_ref=False), compose, max_leaves=8)


@FAST
@given(schemas, named_schemas, st.lists(json_values, min_size=1, max_size=4))
def test_generated_schema_fast_check_agrees_with_the_full_walk(
    body: Any, named: Any, instances: list[Any]
) -> None:
    root = {"$schema": "https://json-schema.org/draft/2020-12/schema", "$defs": {"named": named}}
    root.update(body if isinstance(body, dict) else {"allOf": [body]})
    validator = Draft202012Validator(root, format_checker=FormatChecker())
    check = plan(root, validator)
    assert check is not None
    for instance in instances:
        assert check(instance) == full_walk_accepts(validator, instance), instance


trees = st.recursive(
    st.integers(0, 3) | st.text(max_size=2),
    lambda kids: st.dictionaries(
        st.sampled_from(["v", "kids", "x"]), kids | st.lists(kids, max_size=3), max_size=3
    ),
)


@FAST
@given(trees)
def test_recursive_schema_fast_check_agrees_with_the_full_walk(instance: Any) -> None:
    tree = {
        "$ref": "#/$defs/node",
        "$defs": {
            "node": {
                "type": "object",
                "required": ["v"],
                "properties": {
                    "v": {"type": "integer"},
                    "kids": {"type": "array", "items": {"$ref": "#/$defs/node"}},
                },
                "additionalProperties": False,
            }
        },
    }
    validator = Draft202012Validator(tree)
    check = plan(tree, validator)
    assert check is not None
    assert check(instance) == full_walk_accepts(validator, instance)


def test_schemas_with_identifiers_are_left_to_jsonschema() -> None:
    for schema in (
        {"$id": "https://example.com/s", "type": "object"},
        {"properties": {"a": {"$ref": "https://example.com/other"}}},
        {"properties": {"a": {"$anchor": "x"}}},
        {"unevaluatedProperties": False},
        {"items": {"$schema": "http://json-schema.org/draft-07/schema#"}},
    ):
        assert plan(schema, Draft202012Validator(schema)) is None
