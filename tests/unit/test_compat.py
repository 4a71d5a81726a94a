"""Schema compatibility: what a contract owner is told when a new schema version is proposed."""

from __future__ import annotations

from typing import Any

import pytest

from engine.contracts.compat import (
    CompatibilityMode,
    CompatibilityReport,
    SchemaChange,
    compare_schemas,
)
from engine.errors import ContractError

B, F, FULL = CompatibilityMode.BACKWARD, CompatibilityMode.FORWARD, CompatibilityMode.FULL

STR: dict[str, Any] = {"type": "string"}
INT: dict[str, Any] = {"type": "integer"}


def obj(props: dict[str, Any], *, required: list[str] | None = None, **extra: Any) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "object", "properties": props, **extra}
    if required is not None:
        schema["required"] = required
    return schema


def closed(props: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return obj(props, additionalProperties=False, **extra)


DEFS: dict[str, Any] = {"$defs": {"text": {"type": "string", "maxLength": 10}}}
DEFS_NARROWED: dict[str, Any] = {"$defs": {"text": {"type": "string", "maxLength": 3}}}
NODE = {
    "$defs": {
        "node": {
            "type": "object",
            "properties": {"v": INT, "children": {"type": "array", "items": {"$ref": "#/$defs/node"}}},
        }
    },
    "$ref": "#/$defs/node",
}
NODE_NARROWED = {
    "$defs": {
        "node": {
            "type": "object",
            "properties": {
                "v": {"type": "integer", "maximum": 5},
                "children": {"type": "array", "items": {"$ref": "#/$defs/node"}},
            },
        }
    },
    "$ref": "#/$defs/node",
}
TAGGED_A = obj({"kind": {"const": "a"}, "x": INT}, required=["kind"])
TAGGED_B = obj({"kind": {"const": "b"}, "y": STR}, required=["kind"])
TAGGED_C = obj({"kind": {"const": "c"}}, required=["kind"])
BASE_DEFS = {"base": obj({"id": INT}, required=["id"])}


def case(name: str, old: Any, new: Any, backward: bool, forward: bool) -> Any:
    """One row: does a new reader accept old data (backward), an old reader new data (forward)?"""
    return pytest.param(old, new, backward, forward, id=name)


CASES = [
    # types
    case("type unchanged", STR, STR, True, True),
    case("type list gains null", STR, {"type": ["string", "null"]}, True, False),
    case("type list loses null", {"type": ["string", "null"]}, STR, False, True),
    case("integer widened to number", INT, {"type": "number"}, True, False),
    case("number narrowed to integer", {"type": "number"}, INT, False, True),
    case("string changed to integer", STR, INT, False, False),
    case("type added to anything", {}, STR, False, True),
    case("type removed", STR, {}, True, False),
    case("integer+number same as number", {"type": ["integer", "number"]}, {"type": "number"}, True, True),
    # bounds
    case("maxLength decreased", {**STR, "maxLength": 10}, {**STR, "maxLength": 5}, False, True),
    case("maxLength increased", {**STR, "maxLength": 5}, {**STR, "maxLength": 10}, True, False),
    case("minLength removed", {**STR, "minLength": 1}, STR, True, False),
    case("minLength added", STR, {**STR, "minLength": 2}, False, True),
    case("minLength 0 added is no change", STR, {**STR, "minLength": 0}, True, True),
    case("minimum raised", {**INT, "minimum": 0}, {**INT, "minimum": 1}, False, True),
    case("maximum removed", {**INT, "maximum": 10}, INT, True, False),
    case(
        "minimum made exclusive",
        {"type": "number", "minimum": 0},
        {"type": "number", "exclusiveMinimum": 0},
        False,
        True,
    ),
    case(
        "exclusiveMaximum made inclusive",
        {"type": "number", "exclusiveMaximum": 10},
        {"type": "number", "maximum": 10},
        True,
        False,
    ),
    case("minItems raised", {"type": "array", "minItems": 1}, {"type": "array", "minItems": 2}, False, True),
    case("maxItems raised", {"type": "array", "maxItems": 3}, {"type": "array", "maxItems": 5}, True, False),
    case("minProperties added", {"type": "object"}, {"type": "object", "minProperties": 1}, False, True),
    case(
        "maxProperties lowered",
        {"type": "object", "maxProperties": 5},
        {"type": "object", "maxProperties": 2},
        False,
        True,
    ),
    case("multipleOf 2 to 4", {**INT, "multipleOf": 2}, {**INT, "multipleOf": 4}, False, True),
    case("multipleOf 4 to 2", {**INT, "multipleOf": 4}, {**INT, "multipleOf": 2}, True, False),
    case("string keyword on an integer is irrelevant", INT, {**INT, "maxLength": 3}, True, True),
    # enum and const
    case("enum value added", {"enum": ["a", "b"]}, {"enum": ["a", "b", "c"]}, True, False),
    case("enum value removed", {"enum": ["a", "b", "c"]}, {"enum": ["a", "b"]}, False, True),
    case("enum reordered", {"enum": ["a", "b"]}, {"enum": ["b", "a"]}, True, True),
    case("const changed", {"const": "a"}, {"const": "b"}, False, False),
    case("enum added", STR, {**STR, "enum": ["a"]}, False, True),
    case("enum removed", {"enum": ["a", "b"]}, STR, True, False),
    case("true is not 1", {"const": True}, {"const": 1}, False, False),
    case(
        "enum value rejected by a new bound",
        {"enum": ["a", "bb"]},
        {"enum": ["a", "bb"], "maxLength": 1},
        False,
        True,
    ),
    case(
        "enum to equivalent anyOf of consts",
        {"enum": ["a", "b"]},
        {"anyOf": [{"const": "a"}, {"const": "b"}]},
        True,
        True,
    ),
    # required
    case("required added", obj({"a": STR}), obj({"a": STR}, required=["a"]), False, True),
    case("required removed", obj({"a": STR}, required=["a"]), obj({"a": STR}), True, False),
    # properties under content models
    case(
        "closed model gains optional property", closed({"a": STR}), closed({"a": STR, "b": INT}), True, False
    ),
    case("closed model loses property", closed({"a": STR, "b": INT}), closed({"a": STR}), False, True),
    case("open model gains typed property", obj({"a": STR}), obj({"a": STR, "b": INT}), False, True),
    case("open model gains unconstrained property", obj({"a": STR}), obj({"a": STR, "b": {}}), True, True),
    case("open model loses property", obj({"a": STR, "b": INT}), obj({"a": STR}), True, False),
    case(
        "partially open model gains matching property",
        obj({}, additionalProperties=STR),
        obj({"x": STR}, additionalProperties=STR),
        True,
        True,
    ),
    case(
        "partially open model gains clashing property",
        obj({}, additionalProperties=STR),
        obj({"x": INT}, additionalProperties=STR),
        False,
        False,
    ),
    case("model closed", obj({"a": STR}), closed({"a": STR}), False, True),
    case("model opened", closed({"a": STR}), obj({"a": STR}), True, False),
    case(
        "unevaluatedProperties false gains property",
        obj({"a": STR}, unevaluatedProperties=False),
        obj({"a": STR, "b": INT}, unevaluatedProperties=False),
        True,
        False,
    ),
    case(
        "unevaluatedProperties false dropped",
        obj({"a": STR}, unevaluatedProperties=False),
        obj({"a": STR}),
        True,
        False,
    ),
    case(
        "nested property narrowed",
        obj({"meta": obj({"lang": {**STR, "maxLength": 8}})}),
        obj({"meta": obj({"lang": {**STR, "maxLength": 2}})}),
        False,
        True,
    ),
    case(
        "partially open model gains a non-matching property",
        closed({"a": STR}, patternProperties={"^x_": {}}),
        closed({"a": STR, "b": INT}, patternProperties={"^x_": {}}),
        True,
        False,
    ),
    case(
        "partially open model gains a matching typed property",
        closed({"a": STR}, patternProperties={"^x_": {}}),
        closed({"a": STR, "x_b": INT}, patternProperties={"^x_": {}}),
        False,
        True,
    ),
    case("property schema false to true", obj({"secret": False}), obj({"secret": True}), True, False),
    # arrays
    case(
        "items gain null",
        {"type": "array", "items": STR},
        {"type": "array", "items": {"type": ["string", "null"]}},
        True,
        False,
    ),
    case(
        "items narrowed",
        {"type": "array", "items": {**STR, "maxLength": 9}},
        {"type": "array", "items": {**STR, "maxLength": 3}},
        False,
        True,
    ),
    case(
        "tuple gains position",
        {"type": "array", "prefixItems": [STR], "items": False},
        {"type": "array", "prefixItems": [STR, INT], "items": False},
        True,
        False,
    ),
    case(
        "tuple loses position",
        {"type": "array", "prefixItems": [STR, INT], "items": False},
        {"type": "array", "prefixItems": [STR], "items": False},
        False,
        True,
    ),
    case(
        "tuple position retyped",
        {"type": "array", "prefixItems": [STR]},
        {"type": "array", "prefixItems": [INT]},
        False,
        False,
    ),
    case(
        "draft-7 tuple gains position",
        {"type": "array", "items": [STR], "additionalItems": False},
        {"type": "array", "items": [STR, INT], "additionalItems": False},
        True,
        False,
    ),
    case("uniqueItems added", {"type": "array"}, {"type": "array", "uniqueItems": True}, False, True),
    # pattern and format
    case("pattern unchanged", {**STR, "pattern": "^a"}, {**STR, "pattern": "^a"}, True, True),
    case("pattern changed", {**STR, "pattern": "^a"}, {**STR, "pattern": "^a+"}, False, False),
    case("pattern removed", {**STR, "pattern": "^a"}, STR, True, False),
    case("pattern added", STR, {**STR, "pattern": "^a"}, False, True),
    case("format added", STR, {**STR, "format": "email"}, False, True),
    case("format removed", {**STR, "format": "email"}, STR, True, False),
    case("format changed", {**STR, "format": "date"}, {**STR, "format": "date-time"}, False, False),
    # anyOf / oneOf / allOf
    case("made nullable with anyOf", STR, {"anyOf": [STR, {"type": "null"}]}, True, False),
    case("anyOf collapsed", {"anyOf": [STR, {"type": "null"}]}, STR, False, True),
    case("anyOf reordered", {"anyOf": [STR, INT]}, {"anyOf": [INT, STR]}, True, True),
    case(
        "anyOf branch narrowed",
        {"anyOf": [{**STR, "maxLength": 10}, INT]},
        {"anyOf": [{**STR, "maxLength": 5}, INT]},
        False,
        True,
    ),
    case("nested anyOf flattens", {"anyOf": [{"anyOf": [STR, INT]}]}, {"anyOf": [STR, INT]}, True, True),
    case(
        "closed model with oneOf variants, field narrowed",
        closed({"a": STR}, oneOf=[TAGGED_A, TAGGED_B]),
        closed({"a": {**STR, "maxLength": 3}}, oneOf=[TAGGED_A, TAGGED_B]),
        False,
        True,
    ),
    case(
        "oneOf gains disjoint branch",
        {"oneOf": [STR, INT]},
        {"oneOf": [STR, INT, {"type": "null"}]},
        True,
        False,
    ),
    case(
        "oneOf gains overlapping branch",
        {"oneOf": [STR, INT]},
        {"oneOf": [STR, INT, {"type": "number"}]},
        False,
        False,
    ),
    case(
        "tagged oneOf gains variant",
        {"oneOf": [TAGGED_A, TAGGED_B]},
        {"oneOf": [TAGGED_A, TAGGED_B, TAGGED_C]},
        True,
        False,
    ),
    case(
        "allOf with $ref equals flattened",
        {"allOf": [{"$ref": "#/$defs/base"}, obj({"x": STR})], "$defs": BASE_DEFS},
        obj({"id": INT, "x": STR}, required=["id"]),
        True,
        True,
    ),
    case(
        "allOf gains member",
        {"allOf": [obj({"a": STR})]},
        {"allOf": [obj({"a": STR}), {"required": ["a"]}]},
        False,
        True,
    ),
    case(
        "allOf loses member",
        {"allOf": [obj({"a": STR}), {"required": ["a"]}]},
        {"allOf": [obj({"a": STR})]},
        True,
        False,
    ),
    # $ref
    case(
        "$defs target narrowed",
        obj({"t": {"$ref": "#/$defs/text"}}, **DEFS),
        obj({"t": {"$ref": "#/$defs/text"}}, **DEFS_NARROWED),
        False,
        True,
    ),
    case(
        "definitions target widened",
        obj({"t": {"$ref": "#/definitions/n"}}, definitions={"n": INT}),
        obj({"t": {"$ref": "#/definitions/n"}}, definitions={"n": {"type": "number"}}),
        True,
        False,
    ),
    case(
        "$ref equals inlined schema",
        obj({"t": {"$ref": "#/$defs/text"}}, **DEFS),
        obj({"t": {**STR, "maxLength": 10}}),
        True,
        True,
    ),
    case("recursive schema unchanged", NODE, NODE, True, True),
    case("recursive schema narrowed", NODE, NODE_NARROWED, False, True),
    case(
        "$ref with sibling bound",
        {"$ref": "#/$defs/text", **DEFS},
        {"$ref": "#/$defs/text", "maxLength": 3, **DEFS},
        False,
        True,
    ),
    case(
        "remote $ref unchanged",
        obj({"u": {"$ref": "https://example.com/u.json"}}),
        obj({"u": {"$ref": "https://example.com/u.json"}}),
        True,
        True,
    ),
    case(
        "remote $ref changed",
        obj({"u": {"$ref": "https://example.com/u.json"}}),
        obj({"u": {"$ref": "https://example.com/v.json"}}),
        False,
        False,
    ),
    # boolean schemas
    case("true to false", True, False, False, True),
    case("false to true", False, True, True, False),
    case("true equals empty object", True, {}, True, True),
    case("false to string", False, STR, True, False),
    # keywords Schema Registry compares and Governor now follows (its JSON Schema diff table)
    case("not narrowed (excludes less)", {"not": {"type": "number"}}, {"not": INT}, True, False),
    case("not extended (excludes more)", {"not": INT}, {"not": {"type": "number"}}, False, True),
    case("not added", STR, {**STR, "not": {"const": "x"}}, False, True),
    case(
        "dependentRequired trigger moved",
        obj({"a": INT, "b": STR}, dependentRequired={"a": ["b"]}),
        obj({"a": INT, "b": STR}, dependentRequired={"b": ["a"]}),
        False,
        False,
    ),
    case(
        "dependentRequired narrowed",
        obj({}, dependentRequired={"a": ["b", "c"]}),
        obj({}, dependentRequired={"a": ["b"]}),
        True,
        False,
    ),
    case(
        "dependentSchemas entry removed",
        {"dependentSchemas": {"a": STR, "b": STR}},
        {"dependentSchemas": {"a": STR}},
        True,
        False,
    ),
    case("dependentSchemas emptied", {"dependentSchemas": {"a": STR}}, {"dependentSchemas": {}}, True, False),
    case(
        "dependentSchemas entry retyped",
        {"dependentSchemas": {"a": STR}},
        {"dependentSchemas": {"a": {"type": "number"}}},
        False,
        False,
    ),
    case(
        "draft-7 dependencies schema removed",
        {"dependencies": {"a": STR, "b": STR}},
        {"dependencies": {"a": STR}},
        True,
        False,
    ),
    case(
        "unevaluatedItems false gains a prefix position",
        {"type": "array", "prefixItems": [STR], "unevaluatedItems": False},
        {"type": "array", "prefixItems": [STR, INT], "unevaluatedItems": False},
        True,
        False,
    ),
    case(
        "unevaluatedItems narrowed",
        {"type": "array", "unevaluatedItems": {"type": "number"}},
        {"type": "array", "unevaluatedItems": INT},
        False,
        True,
    ),
    case(
        "minContains raised",
        {"type": "array", "contains": INT, "minContains": 1},
        {"type": "array", "contains": INT, "minContains": 2},
        False,
        True,
    ),
    case(
        "maxContains added",
        {"type": "array", "contains": INT},
        {"type": "array", "contains": INT, "maxContains": 3},
        False,
        True,
    ),
    case(
        "maxContains removed",
        {"type": "array", "contains": INT, "maxContains": 3},
        {"type": "array", "contains": INT},
        True,
        False,
    ),
    # Rows below mirror Schema Registry's own JSON Schema diff tables (json-schema-provider test
    # resources diff-schema-examples.json and diff-schema-examples-2020-12.json) and the rules of
    # its diff code for the keywords those tables do not yet cover; schemas are our own.
    case("not removed", {"not": INT}, {}, True, False),
    case(
        "draft-7 dependencies schema moved to another trigger",
        {"dependencies": {"a": STR}},
        {"dependencies": {"b": STR}},
        False,
        False,
    ),
    case(
        "draft-7 dependencies array trigger moved",
        obj({"a": INT, "b": STR}, dependencies={"a": ["b"]}),
        obj({"a": INT, "b": STR}, dependencies={"b": ["a"]}),
        False,
        False,
    ),
    # Deliberately stricter than the registry, which compares `required` only for properties
    # declared in both versions: a newly required name breaks old data whether or not it is declared.
    case(
        "required moved to an undeclared name",
        obj({"a": STR}, required=["a"]),
        obj({"a": STR}, required=["b"]),
        False,
        False,
    ),
    case(
        "required added for an undeclared name", obj({"a": STR}), obj({"a": STR}, required=["b"]), False, True
    ),
    # Also stricter: the registry accepts a newly required property that has a default, but
    # validation never fills defaults in, so old data without it is refused.
    case(
        "required added to a property with a default",
        obj({"a": {**STR, "default": "x"}}),
        obj({"a": {**STR, "default": "x"}}, required=["a"]),
        False,
        True,
    ),
    case(
        "draft-7 additionalItems closed without tuple items",
        {"type": "array", "additionalItems": True},
        {"type": "array", "additionalItems": False},
        False,
        True,
    ),
    case(
        "unevaluatedItems false dropped beside items",
        {"type": "array", "items": STR, "unevaluatedItems": False},
        {"type": "array", "items": STR},
        True,
        False,
    ),
    case(
        "unevaluatedItems false added beside items",
        {"type": "array", "items": STR},
        {"type": "array", "items": STR, "unevaluatedItems": False},
        False,
        True,
    ),
    case(
        "unevaluatedItems widened beside contains",
        {"type": "array", "contains": STR, "unevaluatedItems": INT},
        {"type": "array", "contains": STR, "unevaluatedItems": {"type": "number"}},
        True,
        False,
    ),
    case(
        "unevaluatedItems beside contains takes over a dropped prefix position",
        {"type": "array", "prefixItems": [STR, INT], "contains": STR, "unevaluatedItems": False},
        {"type": "array", "prefixItems": [STR], "contains": STR, "unevaluatedItems": False},
        False,
        False,
    ),
    case(
        "unevaluatedProperties false added beside additionalProperties",
        obj({"a": STR}, additionalProperties=STR),
        obj({"a": STR}, additionalProperties=STR, unevaluatedProperties=False),
        False,
        True,
    ),
    case(
        "unevaluatedProperties false dropped beside additionalProperties",
        obj({"a": STR}, additionalProperties=STR, unevaluatedProperties=False),
        obj({"a": STR}, additionalProperties=STR),
        True,
        False,
    ),
    case(
        "minContains lowered",
        {"type": "array", "contains": INT, "minContains": 3},
        {"type": "array", "contains": INT, "minContains": 2},
        True,
        False,
    ),
    case(
        "minContains added at its default",
        {"type": "array", "contains": INT},
        {"type": "array", "contains": INT, "minContains": 1},
        False,
        True,
    ),
    case(
        "maxContains lowered without contains",
        {"type": "array", "maxContains": 3},
        {"type": "array", "maxContains": 2},
        False,
        True,
    ),
    # Deliberately stricter than the registry, which allows both: without minContains, `contains`
    # asks for one match again, and a changed `contains` can refuse old arrays either way.
    case(
        "minContains 0 removed",
        {"type": "array", "contains": INT, "minContains": 0},
        {"type": "array", "contains": INT},
        False,
        False,
    ),
    case(
        "contains changed",
        {"type": "array", "contains": STR},
        {"type": "array", "contains": INT},
        False,
        False,
    ),
    # keywords not analysed, annotations
    case("not changed", {"not": STR}, {"not": INT}, False, False),
    case("not unchanged", {"not": STR}, {"not": STR}, True, True),
    case(
        "annotations only",
        {**STR, "title": "A", "description": "x"},
        {**STR, "title": "B", "examples": ["y"]},
        True,
        True,
    ),
]


@pytest.mark.parametrize(("old", "new", "backward", "forward"), CASES)
def test_compatibility_table(old: Any, new: Any, backward: bool, forward: bool) -> None:
    assert compare_schemas(old, new, B).compatible is backward
    assert compare_schemas(old, new, F).compatible is forward
    assert compare_schemas(old, new, FULL).compatible is (backward and forward)


def only(report: CompatibilityReport, kind: str) -> SchemaChange:
    matches = [c for c in report.changes if c.kind == kind]
    assert len(matches) == 1, report.changes
    return matches[0]


def test_report_names_path_kind_and_direction_of_a_narrowed_nested_bound() -> None:
    old = obj({"answer": {**STR, "maxLength": 2000}})
    new = obj({"answer": {**STR, "maxLength": 500}})
    report = compare_schemas(old, new, B)
    change = only(report, "max_length_decreased")
    assert change.path == "#/properties/answer/maxLength"
    assert change.breaks == frozenset({B})
    assert "2000" in change.message and "500" in change.message
    assert report.incompatibilities == (change,)
    assert compare_schemas(old, new, F).compatible


def test_full_mode_is_broken_by_either_direction() -> None:
    widened = compare_schemas({**STR, "maxLength": 5}, {**STR, "maxLength": 10}, FULL)
    assert not widened.compatible
    assert [c.kind for c in widened.incompatibilities] == ["max_length_increased"]


def test_closed_model_property_removal_is_named() -> None:
    change = only(
        compare_schemas(closed({"a": STR, "b": INT}), closed({"a": STR})), "property_removed_closed_model"
    )
    assert change.path == "#/properties/b"
    assert change.breaks == frozenset({B})


def test_open_model_property_addition_follows_schema_registry() -> None:
    # Old data may already carry "b" with any value, so a typed "b" is not provably backward compatible.
    change = only(compare_schemas(obj({"a": STR}), obj({"a": STR, "b": INT})), "property_added_open_model")
    assert change.breaks == frozenset({B})


def test_type_narrowing_and_enum_removal_kinds() -> None:
    assert only(compare_schemas({"type": ["string", "null"]}, STR), "type_narrowed").path == "#/type"
    change = only(compare_schemas({"enum": ["low", "high"]}, {"enum": ["low"]}), "enum_value_removed")
    assert change.path == "#/enum" and '"high"' in change.message


def test_required_added_names_the_property() -> None:
    change = only(
        compare_schemas(obj({"trace_id": STR}), obj({"trace_id": STR}, required=["trace_id"])),
        "required_added",
    )
    assert change.path == "#/required" and "trace_id" in change.message


def test_change_inside_a_ref_is_reported_where_it_is_used() -> None:
    old = obj({"t": {"$ref": "#/$defs/text"}}, **DEFS)
    new = obj({"t": {"$ref": "#/$defs/text"}}, **DEFS_NARROWED)
    assert only(compare_schemas(old, new), "max_length_decreased").path == "#/properties/t/maxLength"


def test_any_of_branch_change_points_at_the_branch() -> None:
    old = {"anyOf": [{**STR, "maxLength": 10}, INT]}
    new = {"anyOf": [{**STR, "maxLength": 5}, INT]}
    assert only(compare_schemas(old, new), "max_length_decreased").path == "#/anyOf/0/maxLength"


def test_overlapping_one_of_branches_are_reported() -> None:
    report = compare_schemas({"oneOf": [STR, INT]}, {"oneOf": [STR, INT, {"type": "number"}]}, B)
    assert not report.compatible
    assert any(c.kind in {"one_of_branch_added", "one_of_branches_overlap"} for c in report.incompatibilities)


def test_unanalysed_keyword_is_conservative_and_says_so() -> None:
    change = only(compare_schemas({"propertyNames": STR}, {"propertyNames": INT}), "keyword_changed")
    assert change.breaks == frozenset({B, F}) and "treated as breaking" in change.message


def test_non_contractive_ref_cycle_is_conservative_not_a_crash() -> None:
    loop = {"$defs": {"a": {"anyOf": [{"$ref": "#/$defs/a"}, STR]}}, "$ref": "#/$defs/a"}
    other = {"$defs": {"a": {"anyOf": [{"$ref": "#/$defs/a"}, INT]}}, "$ref": "#/$defs/a"}
    assert compare_schemas(loop, loop, FULL).compatible
    assert not compare_schemas(loop, other, FULL).compatible


def test_sibling_keywords_beside_one_of_are_reported_at_their_own_path() -> None:
    old = closed({"a": STR}, oneOf=[TAGGED_A, TAGGED_B])
    new = closed({"a": {**STR, "maxLength": 3}}, oneOf=[TAGGED_A, TAGGED_B])
    assert [c.path for c in compare_schemas(old, new).incompatibilities] == ["#/properties/a/maxLength"]


def test_very_deep_nesting_is_refused_conservatively_not_crashed() -> None:
    old: dict[str, Any] = STR
    new: dict[str, Any] = {**STR, "maxLength": 1}
    for _ in range(80):
        old, new = obj({"x": old}), obj({"x": new})
    report = compare_schemas(old, new, FULL)
    assert not report.compatible
    assert {c.kind for c in report.incompatibilities} <= {"schema_too_deep", "schema_too_complex"}


def test_identical_schemas_report_no_changes() -> None:
    schema = obj({"a": {"anyOf": [STR, {"$ref": "#/$defs/text"}]}}, required=["a"], **DEFS)
    assert compare_schemas(schema, schema, FULL).changes == ()


def test_mode_may_be_given_as_its_string_value() -> None:
    report = compare_schemas(STR, INT, "forward")  # type: ignore[arg-type]
    assert report.mode is F and not report.compatible


def test_a_schema_that_is_not_an_object_or_boolean_is_refused() -> None:
    with pytest.raises(ContractError, match="old schema"):
        compare_schemas([STR], STR)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("old", "new", "kind"),
    [
        pytest.param({"not": {"type": "number"}}, {"not": INT}, "not_narrowed", id="not narrowed"),
        pytest.param({"not": INT}, {"not": {"type": "number"}}, "not_extended", id="not extended"),
        pytest.param(
            {"dependentRequired": {"a": ["b"]}},
            {"dependentRequired": {}},
            "dependency_array_removed",
            id="dep array",
        ),
        pytest.param(
            {"dependentRequired": {"a": ["b"]}},
            {"dependentRequired": {"a": ["b", "c"]}},
            "dependency_array_extended",
            id="dep array extended",
        ),
        pytest.param(
            {"dependentSchemas": {"a": STR}},
            {"dependentSchemas": {}},
            "dependency_schema_removed",
            id="dep schema",
        ),
        pytest.param(
            {"type": "array", "contains": INT},
            {"type": "array", "contains": INT, "minContains": 2},
            "min_contains_added",
            id="minContains",
        ),
    ],
)
def test_schema_registry_keyword_changes_are_named(old: Any, new: Any, kind: str) -> None:
    assert kind in {c.kind for c in compare_schemas(old, new, FULL).changes}
