"""Properties of ``compare_schemas`` over generated schemas, checked against jsonschema itself.

The soundness properties are the ones that matter: when the checker says a direction is compatible,
no instance may validate under the writer's schema and fail the reader's.
"""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from engine.contracts.compat import CompatibilityMode, compare_schemas

B, F, FULL = CompatibilityMode.BACKWARD, CompatibilityMode.FORWARD, CompatibilityMode.FULL
NAMES = ["a", "b", "c"]
SCALARS = ["string", "integer", "number", "boolean", "null"]
VALUES: list[Any] = ["x", "yy", "", 0, 1, -2, 1.5, True, False, None]
ANY_VALUE = st.sampled_from([*VALUES, [], ["x"], {}, {"a": 1}, {"z": "x"}])
BOUNDS = {
    "string": ["minLength", "maxLength"],
    "integer": ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"],
    "number": ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"],
    "array": ["minItems", "maxItems"],
    "object": ["minProperties", "maxProperties"],
}
COUNTS = {"minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties"}
FAST = settings(max_examples=150, deadline=None)


def value_key(value: Any) -> tuple[str, Any]:
    return (type(value).__name__, value)


def bound_value(keyword: str) -> st.SearchStrategy[int | float]:
    if keyword == "multipleOf":
        return st.sampled_from([0.5, 1, 2, 3])
    if keyword in COUNTS:
        return st.integers(0, 4)
    return st.integers(-3, 3)


@st.composite
def scalar_schemas(draw: st.DrawFn) -> dict[str, Any]:
    kind = draw(st.sampled_from([*SCALARS, "several", "enum"]))
    if kind == "enum":
        return {"enum": draw(st.lists(st.sampled_from(VALUES), min_size=1, max_size=4, unique_by=value_key))}
    if kind == "several":
        return {"type": sorted(draw(st.sets(st.sampled_from(SCALARS), min_size=1, max_size=3)))}
    schema: dict[str, Any] = {"type": kind}
    for keyword in BOUNDS.get(kind, []):
        if draw(st.booleans()):
            schema[keyword] = draw(bound_value(keyword))
    return schema


def schemas(depth: int = 2) -> st.SearchStrategy[dict[str, Any]]:
    if depth == 0:
        return scalar_schemas()
    return st.one_of(scalar_schemas(), object_schemas(depth - 1), array_schemas(depth - 1))


@st.composite
def object_schemas(draw: st.DrawFn, depth: int) -> dict[str, Any]:
    names = draw(st.lists(st.sampled_from(NAMES), unique=True, max_size=3))
    schema: dict[str, Any] = {"type": "object", "properties": {n: draw(schemas(depth)) for n in names}}
    required = draw(st.lists(st.sampled_from(NAMES), unique=True, max_size=2))
    if required:
        schema["required"] = required
    extra = draw(st.sampled_from(["absent", "false", "true", "schema"]))
    if extra != "absent":
        schema["additionalProperties"] = {"false": False, "true": True}.get(extra) or draw(scalar_schemas())
    for keyword in BOUNDS["object"]:
        if draw(st.integers(0, 4)) == 0:
            schema[keyword] = draw(bound_value(keyword))
    return schema


@st.composite
def array_schemas(draw: st.DrawFn, depth: int) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "array", "items": draw(schemas(depth))}
    for keyword in BOUNDS["array"]:
        if draw(st.booleans()):
            schema[keyword] = draw(bound_value(keyword))
    return schema


def instances(schema: Any) -> st.SearchStrategy[Any]:
    """Values shaped by the schema; most validate under it, the rest are filtered by the tests."""
    if not isinstance(schema, dict) or not schema:
        return ANY_VALUE
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    declared = schema.get("type")
    if isinstance(declared, list):
        return st.one_of([instances({**schema, "type": t}) for t in declared] or [ANY_VALUE])
    if declared == "object":
        props: dict[str, Any] = schema.get("properties", {})
        extra = schema.get("additionalProperties", True)
        value_of = {n: instances(props.get(n, extra)) for n in [*NAMES, "z"]}
        needed = {n: value_of[n] for n in schema.get("required", [])}
        optional = {n: s for n, s in value_of.items() if n not in needed}
        return st.fixed_dictionaries(needed, optional=optional)
    return {
        "string": st.text(alphabet="xy", max_size=6),
        "integer": st.integers(-5, 5),
        "number": st.one_of(st.integers(-5, 5), st.sampled_from([-1.5, 0.5, 2.5, 3.0])),
        "boolean": st.booleans(),
        "null": st.none(),
        "array": st.lists(instances(schema.get("items", True)), max_size=4),
    }.get(str(declared), ANY_VALUE)


@st.composite
def mutations(draw: st.DrawFn, schema: dict[str, Any]) -> dict[str, Any]:
    """One small edit somewhere in the schema: the kind of change a contract owner proposes."""
    new = copy.deepcopy(schema)
    node = new
    while True:  # walk down to the node to edit
        children = [("properties", n) for n in node.get("properties", {})]
        children += [("items", None)] if isinstance(node.get("items"), dict) else []
        if not children or draw(st.booleans()):
            break
        where, name = draw(st.sampled_from(children))
        node = node[where][name] if name is not None else node[where]
    edit = draw(
        st.sampled_from(["bound", "type", "enum", "required", "property", "extra", "nullable", "replace"])
    )
    declared = node.get("type") if isinstance(node.get("type"), str) else None
    if edit == "bound" and declared in BOUNDS:
        keyword = draw(st.sampled_from(BOUNDS[declared]))
        if keyword in node and draw(st.booleans()):
            del node[keyword]
        else:
            node[keyword] = draw(bound_value(keyword))
    elif edit == "type" and "type" in node:
        node["type"] = sorted(draw(st.sets(st.sampled_from(SCALARS), min_size=1, max_size=2)))
    elif edit == "enum" and "enum" in node:
        values = [v for v in node["enum"] if draw(st.booleans())] + draw(
            st.lists(st.sampled_from(VALUES), max_size=2)
        )
        node["enum"] = list({value_key(v): v for v in values}.values()) or [None]
    elif edit == "required" and declared == "object":
        node["required"] = draw(st.lists(st.sampled_from(NAMES), unique=True, max_size=2))
    elif edit == "property" and declared == "object":
        name = draw(st.sampled_from(NAMES))
        if name in node["properties"] and draw(st.booleans()):
            del node["properties"][name]
        else:
            node["properties"][name] = draw(schemas(1))
    elif edit == "extra" and declared == "object":
        node["additionalProperties"] = draw(st.sampled_from([False, True, {"type": "string"}]))
    elif edit == "nullable":
        wrapped = copy.deepcopy(node)
        node.clear()
        node["anyOf"] = [wrapped, {"type": "null"}]
    elif edit == "replace":
        replacement = draw(scalar_schemas())
        node.clear()
        node.update(replacement)
    return new


def valid(schema: Any, value: Any) -> bool:
    return bool(Draft202012Validator(schema).is_valid(value))


@FAST
@given(schemas())
def test_every_schema_is_fully_compatible_with_itself(schema: dict[str, Any]) -> None:
    report = compare_schemas(schema, copy.deepcopy(schema), FULL)
    assert report.compatible and report.changes == ()


@FAST
@given(st.data())
def test_a_compatible_verdict_never_lets_a_valid_instance_fail(data: st.DataObject) -> None:
    old = data.draw(schemas(), label="old")
    new = data.draw(mutations(old), label="new")
    for direction, writer, reader in ((B, old, new), (F, new, old)):
        if not compare_schemas(old, new, direction).compatible:
            continue
        candidates = data.draw(st.lists(st.one_of(instances(writer), instances(reader)), max_size=8))
        writer_check, reader_check = Draft202012Validator(writer), Draft202012Validator(reader)
        for value in candidates:
            if writer_check.is_valid(value):
                assert reader_check.is_valid(value), (direction, value)


@FAST
@given(schemas(), st.data())
def test_directions_mirror_each_other(old: dict[str, Any], data: st.DataObject) -> None:
    new = data.draw(mutations(old))
    assert compare_schemas(old, new, B).compatible == compare_schemas(new, old, F).compatible
    assert compare_schemas(old, new, F).compatible == compare_schemas(new, old, B).compatible


@FAST
@given(object_schemas(1), scalar_schemas())
def test_adding_an_optional_property_depends_on_the_content_model(
    base: dict[str, Any], prop: dict[str, Any]
) -> None:
    open_model = {k: v for k, v in base.items() if k != "additionalProperties"}
    open_model["properties"] = {k: v for k, v in open_model["properties"].items() if k != "new"}
    unconstrained = {
        **open_model,
        "properties": {**open_model["properties"], "new": {"description": "free text"}},
    }
    typed = {**open_model, "properties": {**open_model["properties"], "new": prop}}
    # Unconstrained: nothing old data could hold under "new" is refused, and old readers ignore it.
    assert compare_schemas(open_model, unconstrained, FULL).compatible
    # Typed: old readers still accept new data, but old data may already carry "new" with any value
    # (Schema Registry's PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL), so BACKWARD is not claimed.
    assert compare_schemas(open_model, typed, F).compatible
    assert not compare_schemas(open_model, typed, B).compatible
    closed_model = {**open_model, "additionalProperties": False}
    closed_typed = {**typed, "additionalProperties": False}
    assert compare_schemas(closed_model, closed_typed, B).compatible
    assert not compare_schemas(closed_model, closed_typed, F).compatible


@FAST
@given(scalar_schemas(), st.sampled_from(["raise_max", "lower_min", "add_null", "add_enum_value"]))
def test_widening_edits_are_backward_compatible_and_break_forward(old: dict[str, Any], edit: str) -> None:
    new = copy.deepcopy(old)
    widened = False  # whether the edit let in a value the old schema refused
    if edit == "raise_max":
        for keyword in ("maxLength", "maximum", "exclusiveMaximum"):
            if keyword in new:
                new[keyword], widened = new[keyword] + 2, True
    elif edit == "lower_min":
        for keyword in ("minLength", "minimum", "exclusiveMinimum"):
            if keyword in new and not (keyword == "minLength" and new[keyword] == 0):
                new[keyword], widened = new[keyword] - 1, True
    elif edit == "add_null" and "type" in new:
        types = new["type"] if isinstance(new["type"], list) else [new["type"]]
        new["type"], widened = sorted({*types, "null"}), "null" not in types
    elif edit == "add_enum_value" and "enum" in new:
        new["enum"], widened = [*new["enum"], "brand-new"], True
    assert compare_schemas(old, new, B).compatible
    assert compare_schemas(old, new, F).compatible is not widened
