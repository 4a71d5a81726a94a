"""$ref resolution and allOf flattening: each schema becomes a `Shape` the comparator can pair up."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from enum import Enum
from typing import Any
from urllib.parse import unquote

from jsonschema import Draft202012Validator
from referencing.exceptions import Unresolvable

from engine.contracts.compat.schema import ANNOTATIONS, Schema, as_number, canon, constrains, types_of

_LOWER_MERGE = frozenset({"minLength", "minItems", "minProperties", "minimum", "exclusiveMinimum"})
_UPPER_MERGE = frozenset({"maxLength", "maxItems", "maxProperties", "maximum", "exclusiveMaximum"})
_ARRAY_SHAPE = frozenset({"items", "prefixItems", "additionalItems"})
_OBJECT_SHAPE = frozenset({"properties", "patternProperties", "additionalProperties"})


def _merge_types(a: Any, b: Any) -> Any:
    ta, tb = types_of({"type": a}), types_of({"type": b})
    if ta is None or tb is None:
        return None
    both = {t for t in ta if t in tb}
    if ("integer" in ta and "number" in tb) or ("number" in ta and "integer" in tb):
        both.add("integer")
    return sorted(both) if both else False


def _merge(
    parts: list[dict[str, Any]], parent: dict[str, Any], *, into_any_of: bool = False
) -> Schema | None:
    """One schema equivalent to parent ∧ parts, False if they contradict, None if unsure."""
    members = [parent, *parts]
    shaped = [m for m in members if _OBJECT_SHAPE & m.keys()]
    # additionalProperties/patternProperties only see their own schema's properties.
    if any(("additionalProperties" in m or "patternProperties" in m) for m in shaped) and len(shaped) > 1:
        return None
    arrays = [{k: m[k] for k in _ARRAY_SHAPE & m.keys()} for m in members if _ARRAY_SHAPE & m.keys()]
    if any(canon(a) != canon(arrays[0]) for a in arrays):
        return None
    unevaluated = {"unevaluatedProperties", "unevaluatedItems"}
    # unevaluated* sees annotations from the parent's allOf/$ref, not from sibling conjuncts.
    if any(unevaluated & p.keys() for p in parts) and sum(constrains(m) for m in members) > 1:
        return None
    if into_any_of and unevaluated & parent.keys():
        return None
    merged: dict[str, Any] = {}
    for member in members:
        for key, value in member.items():
            if key in ANNOTATIONS:
                continue
            if key not in merged:
                merged[key] = value
                continue
            current = merged[key]
            if key == "properties" and isinstance(current, dict) and isinstance(value, dict):
                combined = dict(current)
                for name, sub in value.items():
                    same = name not in combined or canon(combined[name]) == canon(sub)
                    combined[name] = sub if same else {"allOf": [combined[name], sub]}
                merged[key] = combined
            elif key == "required" and isinstance(current, list) and isinstance(value, list):
                merged[key] = list(dict.fromkeys([*current, *value]))
            elif key == "type":
                both = _merge_types(current, value)
                if both is None:
                    return None
                if both is False:
                    return False
                merged[key] = both
            elif (
                key in _LOWER_MERGE | _UPPER_MERGE
                and as_number(current) is not None
                and as_number(value) is not None
            ):
                merged[key] = max(current, value) if key in _LOWER_MERGE else min(current, value)
            elif canon(current) != canon(value):
                return None
    return merged


class Kind(Enum):
    PLAIN = "plain"
    FALSE = "false"
    ANY_OF = "anyOf"
    ONE_OF = "oneOf"
    ALL_OF = "allOf"
    OPAQUE = "opaque"


UNIONS = (Kind.ANY_OF, Kind.ONE_OF)


@dataclass(frozen=True)
class Shape:
    """A schema with $ref resolved and allOf flattened where that is exact."""

    kind: Kind
    node: Schema  # a schema equivalent to the whole shape
    parts: tuple[tuple[Schema, str], ...] = ()  # union branches or allOf members, with path suffix
    members: tuple[Shape, ...] = ()  # allOf members as shapes, for flattening nested allOf
    at: str = ""  # where this shape sits relative to the schema being shaped (e.g. "/allOf/1")

    def rooted(self) -> Shape:
        """The shape standing for the whole schema: part paths include `at`."""
        if not self.at:
            return self
        parts = tuple((node, self.at + suffix) for node, suffix in self.parts)
        return replace(self, parts=parts, at="")


FALSE_SHAPE = Shape(Kind.FALSE, False)


class Side:
    """One schema document: resolves its local $refs, shapes its subschemas and validates values."""

    def __init__(self, root: Schema) -> None:
        self.root = root
        self._validator = Draft202012Validator(root, format_checker=Draft202012Validator.FORMAT_CHECKER)

    def resolve(self, ref: str) -> Schema | None:
        if ref == "#":
            return self.root
        if not ref.startswith("#/"):
            return None  # remote documents and anchors are not fetched
        node: Any = self.root
        for raw in ref[2:].split("/"):
            token = unquote(raw).replace("~1", "/").replace("~0", "~")
            if isinstance(node, dict) and token in node:
                node = node[token]
            elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
                node = node[int(token)]
            else:
                return None
        return node if isinstance(node, dict | bool) else None

    def accepts(self, schema: Schema, value: Any, *, unsure: bool) -> bool:
        try:
            return bool(self._validator.evolve(schema=schema).is_valid(value))
        except (Unresolvable, re.error, TypeError, ValueError, RecursionError):
            return unsure  # RecursionError: a $ref cycle jsonschema itself cannot unwind

    def shape(self, node: Any, seen: frozenset[str] = frozenset()) -> Shape:
        """`node` with $ref resolved and allOf flattened where that is exact; `seen`: refs being followed."""
        if node is True:
            return Shape(Kind.PLAIN, {}, (({}, ""),))
        if node is False:
            return FALSE_SHAPE
        if not isinstance(node, dict):
            return Shape(Kind.OPAQUE, node)
        combinators = {"$ref", "allOf", "anyOf", "oneOf"} & node.keys()
        if not combinators:
            return Shape(Kind.PLAIN, node, ((node, ""),))
        conjuncts: list[Shape] = []
        if "$ref" in node:
            ref = node["$ref"]
            target = self.resolve(ref) if isinstance(ref, str) and ref not in seen else None
            if target is None:
                conjuncts.append(Shape(Kind.OPAQUE, {"$ref": ref}))
            else:
                conjuncts.append(self.shape(target, seen | {ref}))
        if "allOf" in node:
            if not isinstance(node["allOf"], list):
                return Shape(Kind.OPAQUE, node)
            for i, sub in enumerate(node["allOf"]):
                conjuncts.append(replace(self.shape(sub, seen), at=f"/allOf/{i}"))
        for kind in UNIONS:
            branches = node.get(kind.value)
            if kind.value not in node:
                continue
            if not isinstance(branches, list) or not branches:
                return Shape(Kind.OPAQUE, node)
            parts = tuple((b, f"/{kind.value}/{i}") for i, b in enumerate(branches))
            conjuncts.append(Shape(kind, {kind.value: branches}, parts))
        rest = {k: v for k, v in node.items() if k not in combinators}
        return self._combine(node, rest, conjuncts, seen)

    def _combine(
        self,
        node: dict[str, Any],
        rest: dict[str, Any],
        conjuncts: list[Shape],
        seen: frozenset[str],
    ) -> Shape:
        flat: list[Shape] = []
        pending = list(conjuncts)
        while pending:
            shape = pending.pop(0)
            if shape.kind is Kind.ALL_OF:
                pending[:0] = [replace(m, at=shape.at + m.at) for m in shape.members]
            else:
                flat.append(shape)
        if any(s.kind is Kind.FALSE for s in flat):
            return FALSE_SHAPE
        plains = [s.node for s in flat if s.kind is Kind.PLAIN and isinstance(s.node, dict)]
        others = [s for s in flat if s.kind is not Kind.PLAIN]
        merged = _merge(plains, rest)
        if merged is False:
            return FALSE_SHAPE
        if isinstance(merged, dict):
            if not others:
                return Shape(Kind.PLAIN, merged, ((merged, ""),))
            if len(others) == 1 and others[0].kind in UNIONS:
                distributed = self._distribute(merged, others[0].rooted(), seen)
                if distributed is not None:
                    return distributed
            members = ([Shape(Kind.PLAIN, merged, ((merged, ""),))] if constrains(merged) else []) + others
        elif {"unevaluatedProperties", "unevaluatedItems"} & rest.keys():
            return Shape(Kind.OPAQUE, node)  # splitting would hide allOf's properties from it
        else:
            members = [Shape(Kind.PLAIN, p, ((p, ""),)) for p in [rest, *plains] if constrains(p)] + others
        if len(members) == 1:
            return members[0].rooted()
        if not members:
            return Shape(Kind.PLAIN, {}, (({}, ""),))
        parts = tuple((m.node, m.at) for m in members)
        return Shape(Kind.ALL_OF, {"allOf": [m.node for m in members]}, parts, tuple(members))

    def _distribute(self, base: dict[str, Any], union: Shape, seen: frozenset[str]) -> Shape | None:
        """base ∧ (A | B) as (base ∧ A) | (base ∧ B), when each branch flattens exactly."""
        if not constrains(base):
            return union
        branches: list[tuple[Schema, str]] = []
        for branch, suffix in union.parts:
            shape = self.shape(branch, seen)
            if shape.kind is Kind.FALSE:
                branches.append((False, suffix))
                continue
            if shape.kind is not Kind.PLAIN or not isinstance(shape.node, dict):
                return None
            merged = _merge([shape.node], base, into_any_of=union.kind is Kind.ANY_OF)
            if merged is None:
                return None
            branches.append((merged, suffix))
        return Shape(union.kind, {union.kind.value: [b for b, _ in branches]}, tuple(branches))
