"""Compatibility of two versions of a JSON Schema (Draft 2020-12), as Schema Registry defines it.

BACKWARD: every instance the old schema accepts, the new one accepts (new readers, old data).
FORWARD: every instance the new schema accepts, the old one accepts (old readers, new data).
The check proves `writer ⊆ reader` structurally, keyword by keyword, in both directions at once;
whatever it cannot prove is reported as breaking, and the message says so.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from enum import Enum, StrEnum
from typing import Any
from urllib.parse import unquote

from jsonschema import Draft202012Validator
from referencing.exceptions import Unresolvable

from engine.errors import ContractError

Schema = dict[str, Any] | bool


class CompatibilityMode(StrEnum):
    """Which readers must keep working: new readers on old data, old readers on new data, or both."""

    BACKWARD = "backward"
    FORWARD = "forward"
    FULL = "full"


_B = CompatibilityMode.BACKWARD
_F = CompatibilityMode.FORWARD
_BOTH = frozenset({_B, _F})
_NONE: frozenset[CompatibilityMode] = frozenset()


@dataclass(frozen=True)
class SchemaChange:
    """One difference between the schemas, where it is, and which directions it breaks."""

    path: str
    kind: str
    message: str
    breaks: frozenset[CompatibilityMode] = _NONE

    def breaks_mode(self, mode: CompatibilityMode) -> bool:
        """FULL is broken when either direction is."""
        return bool(self.breaks) if mode is CompatibilityMode.FULL else mode in self.breaks


@dataclass(frozen=True)
class CompatibilityReport:
    """Every change found between two schema versions, judged against one mode."""

    mode: CompatibilityMode
    changes: tuple[SchemaChange, ...]

    @property
    def incompatibilities(self) -> tuple[SchemaChange, ...]:
        return tuple(c for c in self.changes if c.breaks_mode(self.mode))

    @property
    def compatible(self) -> bool:
        return not self.incompatibilities


def compare_schemas(
    old: Schema, new: Schema, mode: CompatibilityMode = CompatibilityMode.BACKWARD
) -> CompatibilityReport:
    """Compare two versions of a schema and report each change and the directions it breaks."""
    for label, schema in (("old", old), ("new", new)):
        if not isinstance(schema, dict | bool):
            raise ContractError(
                f"{label} schema must be a JSON object or a boolean, not {type(schema).__name__}"
            )
    try:
        changes = _Comparator(old, new).diff(old, new, "#")
    except RecursionError:
        # Pathological nesting must not take the CLI down; refusing is the conservative answer.
        what = "the schemas nest too deeply to compare; treated as breaking"
        changes = [SchemaChange("#", "schema_too_complex", what, _BOTH)]
    return CompatibilityReport(CompatibilityMode(mode), tuple(dict.fromkeys(changes)))


# --- keyword tables -------------------------------------------------------------------------

# Keywords that never change what validates (2020-12 also ignores keywords it does not know).
_ANNOTATIONS = frozenset(
    {"$schema", "$id", "$anchor", "$dynamicAnchor", "$comment", "$defs", "definitions", "$vocabulary",
     "title", "description", "default", "examples", "deprecated", "readOnly", "writeOnly",
     "contentEncoding", "contentMediaType", "contentSchema"}
)  # fmt: skip
# Assertions this module does not reason about: any change to them is reported as breaking.
_UNSUPPORTED = (
    "not", "if", "then", "else", "dependentSchemas", "dependentRequired", "dependencies",
    "propertyNames", "contains", "minContains", "maxContains", "unevaluatedItems", "$dynamicRef",
)  # fmt: skip
# (keyword, kind stem, type family, is an upper bound); absent lower = 0, absent upper = unbounded.
_COUNT_BOUNDS = (
    ("minLength", "min_length", "string", False), ("maxLength", "max_length", "string", True),
    ("minItems", "min_items", "array", False), ("maxItems", "max_items", "array", True),
    ("minProperties", "min_properties", "object", False), ("maxProperties", "max_properties", "object", True),
)  # fmt: skip
_LOWER_MERGE = frozenset({"minLength", "minItems", "minProperties", "minimum", "exclusiveMinimum"})
_UPPER_MERGE = frozenset({"maxLength", "maxItems", "maxProperties", "maximum", "exclusiveMaximum"})
_ARRAY_SHAPE = frozenset({"items", "prefixItems", "additionalItems"})
_OBJECT_SHAPE = frozenset({"properties", "patternProperties", "additionalProperties"})
_MAX_DEPTH = 48


def _why(breaks: frozenset[CompatibilityMode]) -> str:
    if breaks == _BOTH:
        return "breaks BACKWARD and FORWARD"
    if _B in breaks:
        return "breaks BACKWARD: data valid under the old schema can fail the new one"
    if _F in breaks:
        return "breaks FORWARD: data valid under the new schema can fail the old one"
    return "compatible both ways"


def _change(path: str, kind: str, what: str, breaks: frozenset[CompatibilityMode]) -> SchemaChange:
    return SchemaChange(path, kind, f"{what}; {_why(breaks)}", breaks)


def _restrict(change: SchemaChange, keep: frozenset[CompatibilityMode]) -> SchemaChange:
    breaks = change.breaks & keep
    if breaks == change.breaks:
        return change
    # The message's verdict clause is regenerated so it never contradicts `breaks`.
    return _change(change.path, change.kind, change.message.rsplit("; ", 1)[0], breaks)


# --- small pure helpers ---------------------------------------------------------------------


def _canon(value: Any, memo: dict[int, tuple[Any, Any]] | None = None) -> Any:
    """A hashable form where JSON-equal values are equal (1 == 1.0) but true != 1."""
    if isinstance(value, bool):
        return ("b", value)
    if isinstance(value, int | float):
        return ("n", value)
    if isinstance(value, str):
        return ("s", value)
    if value is None:
        return ("z",)
    if not isinstance(value, list | dict):
        return ("?", repr(value))
    if memo is not None and id(value) in memo:
        return memo[id(value)][1]
    if isinstance(value, list):
        result: Any = ("a", tuple(_canon(v, memo) for v in value))
    else:
        result = ("o", frozenset((k, _canon(v, memo)) for k, v in value.items()))
    if memo is not None:
        memo[id(value)] = (value, result)  # holding `value` keeps its id from being reused
    return result


def _key(node: Any, memo: dict[int, tuple[Any, Any]] | None = None) -> Any:
    """Content identity of a schema, ignoring its own annotations (a root's $defs, a title)."""
    if isinstance(node, dict) and _ANNOTATIONS & node.keys():
        return _canon({k: v for k, v in node.items() if k not in _ANNOTATIONS}, memo)
    return _canon(node, memo)


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def _show(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str)


def _number(value: Any) -> float | int | None:
    return value if isinstance(value, int | float) and not isinstance(value, bool) else None


def _types(node: dict[str, Any]) -> frozenset[str] | None:
    declared = node.get("type")
    if isinstance(declared, str):
        return frozenset({declared})
    if isinstance(declared, list) and all(isinstance(t, str) for t in declared):
        return frozenset(declared)
    return None


def _covered(types: frozenset[str] | None, one: str) -> bool:
    # "integer" is a subset of "number": every integer is a number.
    return types is None or one in types or (one == "integer" and "number" in types)


def _types_within(inner: frozenset[str] | None, outer: frozenset[str] | None) -> bool:
    if outer is None:
        return True
    return inner is not None and all(_covered(outer, t) for t in inner)


def _admits(types: frozenset[str] | None, family: str) -> bool:
    if types is None:
        return True
    return family in types or (family == "number" and "integer" in types)


def _values(node: dict[str, Any]) -> list[Any] | None:
    """The finite set of instances a schema allows by const/enum, or None when unrestricted."""
    if "const" in node:
        return [node["const"]]
    enum = node.get("enum")
    if isinstance(enum, list):
        return list({_canon(v): v for v in enum}.values())
    return None


def _required(node: dict[str, Any]) -> list[str]:
    names = node.get("required")
    return [n for n in names if isinstance(n, str)] if isinstance(names, list) else []


def _as_dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _additional(node: dict[str, Any]) -> tuple[Schema, str]:
    # unevaluatedProperties acts like additionalProperties once allOf/$ref have been flattened.
    for keyword in ("additionalProperties", "unevaluatedProperties"):
        if keyword in node:
            return node[keyword], keyword
    return True, "additionalProperties"


def _search(pattern: str, name: str) -> bool:
    try:
        return re.search(pattern, name) is not None
    except re.error:
        return False


def _tuple_items(node: dict[str, Any]) -> tuple[list[Any], Any]:
    items = node.get("items", True)
    if isinstance(items, list):  # Draft 7 tuple form
        return items, node.get("additionalItems", True)
    prefix = node.get("prefixItems")
    return (prefix if isinstance(prefix, list) else []), items


def _constrains(node: dict[str, Any]) -> bool:
    return any(k not in _ANNOTATIONS for k in node)


def _openness(schema: Any) -> str:
    if schema is True or (isinstance(schema, dict) and not _constrains(schema)):
        return "open_model"
    if schema is False:
        return "closed_model"
    return "constrained_model"


# --- flattening allOf / $ref ----------------------------------------------------------------


def _merge_types(a: Any, b: Any) -> Any:
    ta, tb = _types({"type": a}), _types({"type": b})
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
    if any(_canon(a) != _canon(arrays[0]) for a in arrays):
        return None
    unevaluated = {"unevaluatedProperties", "unevaluatedItems"}
    # unevaluated* sees annotations from the parent's allOf/$ref, not from sibling conjuncts.
    if any(unevaluated & p.keys() for p in parts) and sum(_constrains(m) for m in members) > 1:
        return None
    if into_any_of and unevaluated & parent.keys():
        return None
    merged: dict[str, Any] = {}
    for member in members:
        for key, value in member.items():
            if key in _ANNOTATIONS:
                continue
            if key not in merged:
                merged[key] = value
                continue
            current = merged[key]
            if key == "properties" and isinstance(current, dict) and isinstance(value, dict):
                combined = dict(current)
                for name, sub in value.items():
                    same = name not in combined or _canon(combined[name]) == _canon(sub)
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
                and _number(current) is not None
                and _number(value) is not None
            ):
                merged[key] = max(current, value) if key in _LOWER_MERGE else min(current, value)
            elif _canon(current) != _canon(value):
                return None
    return merged


# --- the comparison -------------------------------------------------------------------------


class _Kind(Enum):
    PLAIN = "plain"
    FALSE = "false"
    ANY_OF = "anyOf"
    ONE_OF = "oneOf"
    ALL_OF = "allOf"
    OPAQUE = "opaque"


_UNIONS = (_Kind.ANY_OF, _Kind.ONE_OF)


@dataclass(frozen=True)
class _Shape:
    """A schema with $ref resolved and allOf flattened where that is exact."""

    kind: _Kind
    node: Schema  # a schema equivalent to the whole shape
    parts: tuple[tuple[Schema, str], ...] = ()  # union branches or allOf members, with path suffix
    members: tuple[_Shape, ...] = ()  # allOf members as shapes, for flattening nested allOf
    at: str = ""  # where this shape sits relative to the schema being shaped (e.g. "/allOf/1")

    def rooted(self) -> _Shape:
        """The shape standing for the whole schema: part paths include `at`."""
        if not self.at:
            return self
        parts = tuple((node, self.at + suffix) for node, suffix in self.parts)
        return replace(self, parts=parts, at="")


_FALSE_SHAPE = _Shape(_Kind.FALSE, False)


class _Side:
    """One schema document: resolves its local $refs and validates values against its subschemas."""

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


class _Comparator:
    """Walks two schemas together; `diff` returns changes tagged with the directions they break."""

    def __init__(self, old_root: Schema, new_root: Schema) -> None:
        self.old, self.new = _Side(old_root), _Side(new_root)
        self._active: dict[tuple[Any, Any], int] = {}
        self._depth = 0
        self._assumptions = 0  # bumped whenever the recursion guard answers instead of comparing
        self._memo: dict[int, tuple[Any, Any]] = {}
        self._done: dict[tuple[Any, Any], tuple[str, list[SchemaChange]]] = {}

    # entry point, recursion guard, memo -----------------------------------------------------

    def diff(self, old: Any, new: Any, path: str) -> list[SchemaChange]:
        # Keyed by content, not identity: flattening builds fresh dicts, and a $ref cycle must
        # still be recognised when it comes round again through one of them.
        key = (_key(old, self._memo), _key(new, self._memo))
        if key[0] == key[1] and self._refs_agree(old):
            return []
        if key in self._done:
            # anyOf/allOf checks compare the same pairs many times; re-root the earlier answer.
            at, changes = self._done[key]
            return [replace(c, path=path + c.path[len(at) :]) for c in changes]
        entered = self._active.get(key)
        if entered is not None:
            self._assumptions += 1
            if self._depth > entered:
                return []  # recursive $ref reached through an object or array: assume it holds
            what = "a $ref cycle that never passes through an object or array could not be compared"
            return [_change(path, "recursive_ref_unsupported", what, _BOTH)]
        if self._depth > _MAX_DEPTH:
            what = f"nesting beyond {_MAX_DEPTH} levels is not compared"
            return [_change(path, "schema_too_deep", what, _BOTH)]
        self._active[key] = self._depth
        before = self._assumptions
        try:
            changes = self._diff_shapes(self._shape(old, self.old), self._shape(new, self.new), path)
        finally:
            del self._active[key]
        if self._assumptions == before:  # an answer that leaned on an assumption is not reusable
            self._done[key] = (path, changes)
        return changes

    def _holds(self, writer: Any, reader: Any, direction: CompatibilityMode) -> bool:
        old, new = (writer, reader) if direction is _B else (reader, writer)
        return not any(direction in c.breaks for c in self.diff(old, new, "#"))

    def _same(self, old: Any, new: Any) -> bool:
        """Equal schemas whose $refs also resolve to equal targets on both sides."""
        return _key(old, self._memo) == _key(new, self._memo) and self._refs_agree(old)

    def _refs_agree(self, node: Any) -> bool:
        assumed: set[str] = set()
        pending = list(_refs(node))
        while pending:
            ref = pending.pop()
            if ref in assumed:
                continue
            assumed.add(ref)
            a, b = self.old.resolve(ref), self.new.resolve(ref)
            if (a is None) != (b is None) or _canon(a) != _canon(b):
                return False
            pending.extend(_refs(a))
        return True

    # normalising ------------------------------------------------------------------------------

    def _shape(self, node: Any, side: _Side, seen: frozenset[str] = frozenset()) -> _Shape:
        if node is True:
            return _Shape(_Kind.PLAIN, {}, (({}, ""),))
        if node is False:
            return _FALSE_SHAPE
        if not isinstance(node, dict):
            return _Shape(_Kind.OPAQUE, node)
        combinators = {"$ref", "allOf", "anyOf", "oneOf"} & node.keys()
        if not combinators:
            return _Shape(_Kind.PLAIN, node, ((node, ""),))
        conjuncts: list[_Shape] = []
        if "$ref" in node:
            ref = node["$ref"]
            target = side.resolve(ref) if isinstance(ref, str) and ref not in seen else None
            if target is None:
                conjuncts.append(_Shape(_Kind.OPAQUE, {"$ref": ref}))
            else:
                conjuncts.append(self._shape(target, side, seen | {ref}))
        if "allOf" in node:
            if not isinstance(node["allOf"], list):
                return _Shape(_Kind.OPAQUE, node)
            for i, sub in enumerate(node["allOf"]):
                conjuncts.append(replace(self._shape(sub, side, seen), at=f"/allOf/{i}"))
        for kind in _UNIONS:
            branches = node.get(kind.value)
            if kind.value not in node:
                continue
            if not isinstance(branches, list) or not branches:
                return _Shape(_Kind.OPAQUE, node)
            parts = tuple((b, f"/{kind.value}/{i}") for i, b in enumerate(branches))
            conjuncts.append(_Shape(kind, {kind.value: branches}, parts))
        rest = {k: v for k, v in node.items() if k not in combinators}
        return self._combine(node, rest, conjuncts, side, seen)

    def _combine(
        self,
        node: dict[str, Any],
        rest: dict[str, Any],
        conjuncts: list[_Shape],
        side: _Side,
        seen: frozenset[str],
    ) -> _Shape:
        flat: list[_Shape] = []
        pending = list(conjuncts)
        while pending:
            shape = pending.pop(0)
            if shape.kind is _Kind.ALL_OF:
                pending[:0] = [replace(m, at=shape.at + m.at) for m in shape.members]
            else:
                flat.append(shape)
        if any(s.kind is _Kind.FALSE for s in flat):
            return _FALSE_SHAPE
        plains = [s.node for s in flat if s.kind is _Kind.PLAIN and isinstance(s.node, dict)]
        others = [s for s in flat if s.kind is not _Kind.PLAIN]
        merged = _merge(plains, rest)
        if merged is False:
            return _FALSE_SHAPE
        if isinstance(merged, dict):
            if not others:
                return _Shape(_Kind.PLAIN, merged, ((merged, ""),))
            if len(others) == 1 and others[0].kind in _UNIONS:
                distributed = self._distribute(merged, others[0].rooted(), side, seen)
                if distributed is not None:
                    return distributed
            members = ([_Shape(_Kind.PLAIN, merged, ((merged, ""),))] if _constrains(merged) else []) + others
        elif {"unevaluatedProperties", "unevaluatedItems"} & rest.keys():
            return _Shape(_Kind.OPAQUE, node)  # splitting would hide allOf's properties from it
        else:
            members = [_Shape(_Kind.PLAIN, p, ((p, ""),)) for p in [rest, *plains] if _constrains(p)] + others
        if len(members) == 1:
            return members[0].rooted()
        if not members:
            return _Shape(_Kind.PLAIN, {}, (({}, ""),))
        parts = tuple((m.node, m.at) for m in members)
        return _Shape(_Kind.ALL_OF, {"allOf": [m.node for m in members]}, parts, tuple(members))

    def _distribute(
        self, base: dict[str, Any], union: _Shape, side: _Side, seen: frozenset[str]
    ) -> _Shape | None:
        """base ∧ (A | B) as (base ∧ A) | (base ∧ B), when each branch flattens exactly."""
        if not _constrains(base):
            return union
        branches: list[tuple[Schema, str]] = []
        for branch, suffix in union.parts:
            shape = self._shape(branch, side, seen)
            if shape.kind is _Kind.FALSE:
                branches.append((False, suffix))
                continue
            if shape.kind is not _Kind.PLAIN or not isinstance(shape.node, dict):
                return None
            merged = _merge([shape.node], base, into_any_of=union.kind is _Kind.ANY_OF)
            if merged is None:
                return None
            branches.append((merged, suffix))
        return _Shape(union.kind, {union.kind.value: [b for b, _ in branches]}, tuple(branches))

    # dispatch ---------------------------------------------------------------------------------

    def _diff_shapes(self, o: _Shape, n: _Shape, path: str) -> list[SchemaChange]:
        if o.kind is _Kind.FALSE and n.kind is _Kind.FALSE:
            return []
        if o.kind is _Kind.FALSE:
            return [
                _change(
                    path, "schema_opened", "the old schema accepted nothing here (false)", frozenset({_F})
                )
            ]
        if n.kind is _Kind.FALSE:
            return [
                _change(path, "schema_closed", "the new schema accepts nothing here (false)", frozenset({_B}))
            ]
        if _Kind.OPAQUE in (o.kind, n.kind):
            if o.kind is n.kind and self._same(o.node, n.node):
                return []
            what = "a remote, unresolvable or malformed schema changed and could not be compared"
            return [_change(path, "unresolved_schema_changed", f"{what}; treated as breaking", _BOTH)]
        if o.kind is _Kind.PLAIN and n.kind is _Kind.PLAIN:
            assert isinstance(o.node, dict) and isinstance(n.node, dict)
            return self._diff_plain(o.node, n.node, path)
        return self._diff_composite(o, n, path)

    # anyOf / oneOf / allOf ----------------------------------------------------------------

    def _covers(self, o: _Shape, n: _Shape, direction: CompatibilityMode, *, exclusive: bool = True) -> bool:
        """Whether writer ⊆ reader for the direction (old ⊆ new for BACKWARD)."""
        w, r = (o, n) if direction is _B else (n, o)
        if w.kind in _UNIONS:
            branches = [b for b, _ in w.parts]
            return all(
                self._part_covered(b, branches[:i] + branches[i + 1 :] if w.kind is _Kind.ONE_OF else [],
                                   r, direction, exclusive)
                for i, b in enumerate(branches)
            )  # fmt: skip
        return self._part_covered(w.node, [], r, direction, exclusive)

    def _part_covered(
        self, part: Any, siblings: list[Any], r: _Shape, direction: CompatibilityMode, exclusive: bool
    ) -> bool:
        """Whether one writer schema fits the reader; `siblings` are its fellow oneOf branches."""
        w_side, r_side = (self.old, self.new) if direction is _B else (self.new, self.old)
        w = self._shape(part, w_side)
        if w.kind is _Kind.FALSE:
            return True
        if w.kind in _UNIONS:  # exact: a union fits when each of its branches does
            return all(self._part_covered(b, [], r, direction, exclusive) for b, _ in w.parts)
        if w.kind is _Kind.PLAIN and isinstance(w.node, dict) and (values := _values(w.node)) is not None:
            # A finite writer is tested value by value, which is exact.
            return all(
                r_side.accepts(r.node, v, unsure=False)
                for v in values
                if w_side.accepts(w.node, v, unsure=True)
            )  # fmt: skip
        if r.kind is _Kind.ALL_OF:  # exact: fitting an allOf means fitting each member
            return all(self._holds(part, p, direction) for p, _ in r.parts)
        if r.kind in _UNIONS and any(
            self._holds(part, p, direction)
            and (not exclusive or r.kind is _Kind.ANY_OF or self._exclusive(r, j, siblings, direction))
            for j, (p, _) in enumerate(r.parts)
        ):
            return True
        # Sufficient, not necessary: one member of the writer's allOf may already fit.
        if w.kind is _Kind.ALL_OF:
            return any(self._holds(p, r.node, direction) for p, _ in w.parts)
        return r.kind not in _UNIONS and self._holds(part, r.node, direction)

    def _exclusive(self, r: _Shape, j: int, siblings: list[Any], direction: CompatibilityMode) -> bool:
        """An instance in reader branch j matches no other oneOf branch."""
        side = self.new if direction is _B else self.old
        chosen = r.parts[j][0]
        for k, (other, _) in enumerate(r.parts):
            if k == j or self._disjoint(other, chosen, side):
                continue
            # The writer's own oneOf already kept its instances out of its other branches.
            if any(self._same(s, other) if direction is _B else self._same(other, s) for s in siblings):
                continue
            return False
        return True

    def _disjoint(self, a: Any, b: Any, side: _Side, depth: int = 0) -> bool:
        sa, sb = self._shape(a, side), self._shape(b, side)
        if _Kind.FALSE in (sa.kind, sb.kind):
            return True
        if sa.kind is not _Kind.PLAIN or sb.kind is not _Kind.PLAIN or depth > 4:
            return False
        x, y = sa.node, sb.node
        assert isinstance(x, dict) and isinstance(y, dict)
        tx, ty = _types(x), _types(y)
        if (
            tx is not None
            and ty is not None
            and not any(_covered(ty, t) or _covered(tx, u) for t in tx for u in ty)
        ):
            return True
        for p, q in ((x, y), (y, x)):
            values = _values(p)
            if values is not None and not any(
                side.accepts(p, v, unsure=True) and side.accepts(q, v, unsure=True) for v in values
            ):
                return True
        shared = set(_required(x)) & set(_required(y))
        return any(
            self._disjoint(self._property(x, name), self._property(y, name), side, depth + 1)
            for name in shared
        )

    def _diff_composite(self, o: _Shape, n: _Shape, path: str) -> list[SchemaChange]:
        broken = frozenset(d for d in (_B, _F) if not self._covers(o, n, d))
        old_parts = [p for p in o.parts if not any(self._same(p[0], q[0]) for q in n.parts)]
        new_parts = [q for q in n.parts if not any(self._same(p[0], q[0]) for p in o.parts)]
        changes: list[SchemaChange] = []
        for (op, o_suffix), (np, n_suffix) in zip(old_parts, new_parts, strict=False):
            keep = self._part_breaks(o, n, op, np, broken)
            # Positional pairing is only a guess at which branch became which: keep what still breaks.
            detail = [_restrict(c, keep) for c in self.diff(op, np, path + (n_suffix or o_suffix))]
            changes += [c for c in detail if c.breaks]
        for op, suffix in old_parts[len(new_parts) :]:
            keep = self._part_breaks(o, n, op, None, broken)
            what = f"{o.kind.value} branch removed" if o.kind in _UNIONS else "schema removed"
            changes.append(_change(path + suffix, f"{_stem(o.kind)}_removed", what, keep))
        for np, suffix in new_parts[len(old_parts) :]:
            keep = self._part_breaks(o, n, None, np, broken)
            what = f"{n.kind.value} branch added" if n.kind in _UNIONS else "schema added"
            if n.kind is _Kind.ONE_OF and _B in keep:
                what += " that may overlap an existing branch, so old data could match two of them"
            changes.append(_change(path + suffix, f"{_stem(n.kind)}_added", what, keep))
        missing = broken - frozenset().union(*(c.breaks for c in changes))
        if missing:
            overlap = all(self._covers(o, n, d, exclusive=False) for d in missing)
            kind, what = (
                ("one_of_branches_overlap", "an instance could match more than one oneOf branch")
                if overlap
                else ("combined_schema_changed", "could not prove the combined schemas compatible")
            )
            changes.append(_change(path, kind, what, missing))
        return changes

    def _part_breaks(
        self, o: _Shape, n: _Shape, op: Any, np: Any, broken: frozenset[CompatibilityMode]
    ) -> frozenset[CompatibilityMode]:
        """Directions in which this old/new part pair (None: no counterpart) still fails on its own."""
        breaks: set[CompatibilityMode] = set()
        # BACKWARD: an old union branch must fit the new schema; a new allOf member must hold for old data.
        b_writer = self._shape(op, self.old) if o.kind in _UNIONS and op is not None else o
        b_reader = self._shape(np, self.new) if n.kind is _Kind.ALL_OF and np is not None else n
        # FORWARD, mirrored: a new union branch must fit the old schema, an old allOf member new data.
        f_writer = self._shape(np, self.new) if n.kind in _UNIONS and np is not None else n
        f_reader = self._shape(op, self.old) if o.kind is _Kind.ALL_OF and op is not None else o
        for direction, old_shape, new_shape in ((_B, b_writer, b_reader), (_F, f_reader, f_writer)):
            if direction not in broken:
                continue
            # Comparing the two wholes again would re-enter this very diff; `broken` already says.
            whole = old_shape is o and new_shape is n
            if whole or not self._covers(old_shape, new_shape, direction):
                breaks.add(direction)
        return frozenset(breaks)

    # plain schemas ----------------------------------------------------------------------------

    def _diff_plain(self, old: dict[str, Any], new: dict[str, Any], path: str) -> list[SchemaChange]:
        t_old, t_new = _types(old), _types(new)
        found: list[tuple[SchemaChange, str | None]] = [(c, None) for c in _diff_type(t_old, t_new, path)]
        found += [(c, "number") for c in _diff_numeric(old, new, path)]
        found += [(c, family) for c, family in _diff_counts(old, new, path)]
        found += [(c, "string") for c in _diff_string(old, new, path)]
        found += [(c, "array") for c in self._diff_array(old, new, path)]
        found += [(c, "object") for c in self._diff_object(old, new, path)]
        for keyword in _UNSUPPORTED:
            if (keyword in old or keyword in new) and not (
                keyword in old and keyword in new and self._same(old[keyword], new[keyword])
            ):
                what = f"'{keyword}' changed; Governor does not analyse it, so it is treated as breaking"
                found.append((_change(f"{path}/{keyword}", "keyword_changed", what, _BOTH), None))
        changes = []
        for change, family in found:
            # A constraint on strings cannot break a side that produces no strings.
            keep = {d for d, types in ((_B, t_old), (_F, t_new)) if family is None or _admits(types, family)}
            changes.append(_restrict(change, frozenset(keep)))
        return self._apply_values(old, new, path, changes)

    def _apply_values(
        self, old: dict[str, Any], new: dict[str, Any], path: str, changes: list[SchemaChange]
    ) -> list[SchemaChange]:
        """Where a writer has a finite set of values (enum/const), test each value exactly instead."""
        old_values, new_values = _values(old), _values(new)
        if old_values is None and new_values is not None:
            keyword = "const" if "const" in new else "enum"
            changes.append(
                _change(f"{path}/{keyword}", f"{keyword}_added", f"{keyword} added", frozenset({_B}))
            )
        if old_values is not None and new_values is None:
            keyword = "const" if "const" in old else "enum"
            changes.append(
                _change(f"{path}/{keyword}", f"{keyword}_removed", f"{keyword} removed", frozenset({_F}))
            )
        for direction, values, w, r, w_side, r_side in (
            (_B, old_values, old, new, self.old, self.new),
            (_F, new_values, new, old, self.new, self.old),
        ):
            if values is None:
                continue
            changes = [_restrict(c, _BOTH - {direction}) for c in changes]
            for value in values:
                if w_side.accepts(w, value, unsure=True) and not r_side.accepts(r, value, unsure=False):
                    changes.append(_value_change(path, value, w, r, direction))
        return changes

    def _diff_array(self, old: dict[str, Any], new: dict[str, Any], path: str) -> list[SchemaChange]:
        old_prefix, old_items = _tuple_items(old)
        new_prefix, new_items = _tuple_items(new)
        changes: list[SchemaChange] = []
        self._depth += 1
        try:
            for i in range(max(len(old_prefix), len(new_prefix))):
                o = old_prefix[i] if i < len(old_prefix) else old_items
                n = new_prefix[i] if i < len(new_prefix) else new_items
                changes += self.diff(o, n, f"{path}/prefixItems/{i}")
            changes += self.diff(old_items, new_items, f"{path}/items")
        finally:
            self._depth -= 1
        old_unique, new_unique = old.get("uniqueItems") is True, new.get("uniqueItems") is True
        if new_unique and not old_unique:
            changes.append(
                _change(f"{path}/uniqueItems", "unique_items_added", "uniqueItems added", frozenset({_B}))
            )
        if old_unique and not new_unique:
            what = "uniqueItems removed"
            changes.append(_change(f"{path}/uniqueItems", "unique_items_removed", what, frozenset({_F})))
        return changes

    def _property(self, node: dict[str, Any], name: str) -> Any:
        """The schema an object applies to the value of property `name`."""
        declared = _as_dict(node.get("properties"))
        parts = [declared[name]] if name in declared else []
        parts += [s for p, s in _as_dict(node.get("patternProperties")).items() if _search(p, name)]
        if not parts:
            return _additional(node)[0]
        return parts[0] if len(parts) == 1 else {"allOf": parts}

    def _diff_object(self, old: dict[str, Any], new: dict[str, Any], path: str) -> list[SchemaChange]:
        old_props, new_props = _as_dict(old.get("properties")), _as_dict(new.get("properties"))
        changes: list[SchemaChange] = []
        self._depth += 1
        try:
            for name in [*old_props, *(n for n in new_props if n not in old_props)]:
                changes += self._diff_property(old, new, name, f"{path}/properties/{_escape(name)}")
            changes += self._diff_additional(old, new, path)
        finally:
            self._depth -= 1
        old_required, new_required = _required(old), _required(new)
        for name in new_required:
            if name not in old_required:
                what = f"property '{name}' is now required; old data may omit it"
                changes.append(_change(f"{path}/required", "required_added", what, frozenset({_B})))
        for name in old_required:
            if name not in new_required:
                what = f"property '{name}' is no longer required; new data may omit it"
                changes.append(_change(f"{path}/required", "required_removed", what, frozenset({_F})))
        return changes

    def _diff_property(
        self, old: dict[str, Any], new: dict[str, Any], name: str, path: str
    ) -> list[SchemaChange]:
        in_old, in_new = name in _as_dict(old.get("properties")), name in _as_dict(new.get("properties"))
        nested = self.diff(self._property(old, name), self._property(new, name), path)
        if in_old and in_new:
            return nested
        breaks = frozenset().union(*(c.breaks for c in nested))
        if in_new:
            model = _openness(self._property(old, name))
            what = f"property '{name}' added; the old schema's {model.replace('_', ' ')} governed it before"
            return [_change(path, f"property_added_{model}", what, breaks)]
        model = _openness(self._property(new, name))
        what = f"property '{name}' removed; the new schema's {model.replace('_', ' ')} governs it now"
        return [_change(path, f"property_removed_{model}", what, breaks)]

    def _diff_additional(self, old: dict[str, Any], new: dict[str, Any], path: str) -> list[SchemaChange]:
        (old_extra, old_kw), (new_extra, new_kw) = _additional(old), _additional(new)
        changes: list[SchemaChange] = []
        extra_path = f"{path}/{new_kw if new_kw in new else old_kw}"
        if _openness(old_extra) != "closed_model" and new_extra is False:
            what = "undeclared properties are now rejected (closed content model)"
            changes.append(_change(extra_path, "content_model_closed", what, frozenset({_B})))
        elif old_extra is False and _openness(new_extra) != "closed_model":
            what = "undeclared properties are now accepted (content model opened)"
            changes.append(_change(extra_path, "content_model_opened", what, frozenset({_F})))
        else:
            changes += self.diff(old_extra, new_extra, extra_path)
        old_patterns = _as_dict(old.get("patternProperties"))
        new_patterns = _as_dict(new.get("patternProperties"))
        for pattern in [*old_patterns, *(p for p in new_patterns if p not in old_patterns)]:
            sub_path = f"{path}/patternProperties/{_escape(pattern)}"
            nested = self.diff(
                old_patterns.get(pattern, old_extra), new_patterns.get(pattern, new_extra), sub_path
            )
            if pattern in old_patterns and pattern in new_patterns:
                changes += nested
                continue
            state = "added" if pattern in new_patterns else "removed"
            what = f"patternProperties '{pattern}' {state} (compared against additionalProperties)"
            breaks = frozenset().union(*(c.breaks for c in nested))
            changes.append(_change(sub_path, f"pattern_property_{state}", what, breaks))
        return changes


def _stem(kind: _Kind) -> str:
    return {_Kind.ANY_OF: "any_of_branch", _Kind.ONE_OF: "one_of_branch", _Kind.ALL_OF: "all_of_schema"}.get(
        kind, "schema"
    )


def _value_change(
    path: str, value: Any, writer: dict[str, Any], reader: dict[str, Any], direction: CompatibilityMode
) -> SchemaChange:
    reader_values = _values(reader)
    if reader_values is not None and _canon(value) not in {_canon(v) for v in reader_values}:
        added_or_removed = "enum_value_removed" if direction is _B else "enum_value_added"
        kind = "const_changed" if "const" in reader or "const" in writer else added_or_removed
    else:
        kind = "enum_value_rejected"  # listed, but another keyword of the reader refuses it
    side, other = ("old", "new") if direction is _B else ("new", "old")
    what = f"value {_show(value)} allowed by the {side} schema is rejected by the {other} schema"
    return _change(f"{path}/{'const' if 'const' in writer else 'enum'}", kind, what, frozenset({direction}))


# --- keyword families -------------------------------------------------------------------------


def _diff_type(t_old: frozenset[str] | None, t_new: frozenset[str] | None, path: str) -> list[SchemaChange]:
    backward, forward = _types_within(t_old, t_new), _types_within(t_new, t_old)
    if backward and forward:
        return []
    breaks = frozenset(d for d, ok in ((_B, backward), (_F, forward)) if not ok)
    if t_old is None:
        kind = "type_added"
    elif t_new is None:
        kind = "type_removed"
    else:
        kind = {frozenset({_B}): "type_narrowed", frozenset({_F}): "type_widened"}.get(breaks, "type_changed")
    shown = [sorted(t) if t is not None else "any" for t in (t_old, t_new)]
    return [_change(f"{path}/type", kind, f"type changed from {shown[0]} to {shown[1]}", breaks)]


def _diff_counts(old: dict[str, Any], new: dict[str, Any], path: str) -> Iterator[tuple[SchemaChange, str]]:
    for keyword, stem, family, upper in _COUNT_BOUNDS:
        if keyword not in old and keyword not in new:
            continue
        a, b = _number(old.get(keyword)), _number(new.get(keyword))
        if (keyword in old and a is None) or (keyword in new and b is None):
            what = f"'{keyword}' is not a number and could not be compared"
            yield _change(f"{path}/{keyword}", "keyword_changed", what, _BOTH), family
            continue
        default = float("inf") if upper else 0
        a_eff, b_eff = default if a is None else a, default if b is None else b
        if a_eff == b_eff:
            continue
        tighter = b_eff < a_eff if upper else b_eff > a_eff
        breaks = frozenset({_B}) if tighter else frozenset({_F})
        if a is None:
            kind = f"{stem}_added"
        elif b is None:
            kind = f"{stem}_removed"
        else:
            kind = f"{stem}_{'increased' if b_eff > a_eff else 'decreased'}"
        what = f"{keyword} changed from {'none' if a is None else a} to {'none' if b is None else b}"
        yield _change(f"{path}/{keyword}", kind, what, breaks), family


def _bound(node: dict[str, Any], upper: bool) -> tuple[float, bool, str] | None:
    """The tightest numeric bound: (value, exclusive, keyword)."""
    inclusive_kw, exclusive_kw = ("maximum", "exclusiveMaximum") if upper else ("minimum", "exclusiveMinimum")
    candidates = []
    if (value := _number(node.get(inclusive_kw))) is not None:
        # Draft 4 wrote exclusiveMinimum: true beside minimum.
        candidates.append((value, node.get(exclusive_kw) is True, inclusive_kw))
    if (value := _number(node.get(exclusive_kw))) is not None:
        candidates.append((value, True, exclusive_kw))
    if not candidates:
        return None
    best = candidates[0]
    for candidate in candidates[1:]:
        if _stricter(candidate, best, upper):
            best = candidate
    return best


def _stricter(a: tuple[float, bool, str], b: tuple[float, bool, str], upper: bool) -> bool:
    if a[0] != b[0]:
        return a[0] < b[0] if upper else a[0] > b[0]
    return a[1] and not b[1]


def _diff_numeric(old: dict[str, Any], new: dict[str, Any], path: str) -> list[SchemaChange]:
    changes = []
    for upper, stem in ((False, "minimum"), (True, "maximum")):
        a, b = _bound(old, upper), _bound(new, upper)
        if a == b or (a is not None and b is not None and a[:2] == b[:2]):
            continue
        if a is None or b is None:
            kind, breaks = (
                (f"{stem}_added", frozenset({_B})) if a is None else (f"{stem}_removed", frozenset({_F}))
            )
        else:
            breaks = frozenset({_B}) if _stricter(b, a, upper) else frozenset({_F})
            verb = "increased" if b[0] > a[0] else "decreased"
            kind = f"{stem}_{verb}" if a[0] != b[0] else f"{stem}_exclusivity_changed"
        keyword = b[2] if b is not None else a[2] if a is not None else stem
        shown = [
            f"{'<' if upper else '>'}{'' if x[1] else '='} {_show(x[0])}" if x else "none" for x in (a, b)
        ]
        changes.append(
            _change(f"{path}/{keyword}", kind, f"{stem} changed from {shown[0]} to {shown[1]}", breaks)
        )
    changes += _diff_multiple_of(old, new, path)
    return changes


def _decimal(value: Any) -> Decimal | None:
    number = _number(value)
    try:
        return None if number is None or number <= 0 else Decimal(str(number))
    except InvalidOperation:
        return None


def _diff_multiple_of(old: dict[str, Any], new: dict[str, Any], path: str) -> list[SchemaChange]:
    a, b = _decimal(old.get("multipleOf")), _decimal(new.get("multipleOf"))
    if a == b and ("multipleOf" in old) == ("multipleOf" in new):
        return []
    backward = b is None or (a is not None and a % b == 0)
    forward = a is None or (b is not None and b % a == 0)
    if backward and forward and a is not None:
        return []
    breaks = frozenset(d for d, ok in ((_B, backward), (_F, forward)) if not ok)
    kind = "multiple_of_changed"
    if "multipleOf" not in old or "multipleOf" not in new:
        kind = "multiple_of_added" if "multipleOf" not in old else "multiple_of_removed"
    what = f"multipleOf changed from {_show(old.get('multipleOf'))} to {_show(new.get('multipleOf'))}"
    return [_change(f"{path}/multipleOf", kind, what, breaks)]


def _diff_string(old: dict[str, Any], new: dict[str, Any], path: str) -> list[SchemaChange]:
    changes = []
    for keyword, note in (
        ("pattern", "two different patterns cannot be compared, so this counts as breaking both ways"),
        ("format", "format is treated as an assertion"),
    ):
        a, b = old.get(keyword), new.get(keyword)
        if _canon(a) == _canon(b):
            continue
        if a is None:
            kind, breaks, what = f"{keyword}_added", frozenset({_B}), f"{keyword} {_show(b)} added"
        elif b is None:
            kind, breaks, what = f"{keyword}_removed", frozenset({_F}), f"{keyword} {_show(a)} removed"
        else:
            kind, breaks = f"{keyword}_changed", _BOTH
            what = f"{keyword} changed from {_show(a)} to {_show(b)} ({note})"
        if keyword == "format" and a is None:
            what += f" ({note})"
        changes.append(_change(f"{path}/{keyword}", kind, what, breaks))
    return changes
