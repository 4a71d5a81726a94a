"""Objects and arrays: properties, required, content model, pattern properties, items, uniqueItems."""

from __future__ import annotations

from typing import Any

from engine.contracts.compat.report import BOTH, B, F, SchemaChange, change_at
from engine.contracts.compat.schema import (
    additional_of,
    as_dict,
    as_number,
    escape_token,
    openness,
    property_schema,
    required_of,
    tuple_items,
)
from engine.contracts.compat.walker import Walker


class ContainerRules(Walker):
    """Recurses into the subschemas of objects and arrays."""

    def _diff_array(self, old: dict[str, Any], new: dict[str, Any], path: str) -> list[SchemaChange]:
        old_prefix, old_items = tuple_items(old)
        new_prefix, new_items = tuple_items(new)
        changes: list[SchemaChange] = []
        self._depth += 1
        try:
            for i in range(max(len(old_prefix), len(new_prefix))):
                o = old_prefix[i] if i < len(old_prefix) else old_items
                n = new_prefix[i] if i < len(new_prefix) else new_items
                changes += self.diff(o, n, f"{path}/prefixItems/{i}")
            changes += self.diff(old_items, new_items, f"{path}/items")
            for keyword in _inert_item_keywords(old, new):
                changes += self.diff(old.get(keyword, True), new.get(keyword, True), f"{path}/{keyword}")
        finally:
            self._depth -= 1
        old_unique, new_unique = old.get("uniqueItems") is True, new.get("uniqueItems") is True
        if new_unique and not old_unique:
            changes.append(
                change_at(f"{path}/uniqueItems", "unique_items_added", "uniqueItems added", frozenset({B}))
            )
        if old_unique and not new_unique:
            what = "uniqueItems removed"
            changes.append(change_at(f"{path}/uniqueItems", "unique_items_removed", what, frozenset({F})))
        return changes

    def _diff_object(self, old: dict[str, Any], new: dict[str, Any], path: str) -> list[SchemaChange]:
        old_props, new_props = as_dict(old.get("properties")), as_dict(new.get("properties"))
        changes: list[SchemaChange] = []
        self._depth += 1
        try:
            for name in [*old_props, *(n for n in new_props if n not in old_props)]:
                changes += self._diff_property(old, new, name, f"{path}/properties/{escape_token(name)}")
            changes += self._diff_additional(old, new, path)
        finally:
            self._depth -= 1
        old_required, new_required = required_of(old), required_of(new)
        # Every name counts, declared under `properties` or not, default or not. Schema Registry
        # compares `required` only for properties both versions declare (so it passes ["a"] -> ["b"]
        # with "b" undeclared) and passes a newly required property that has a default; we do not:
        # validation fills in no defaults, so old data without the name is refused all the same.
        for name in new_required:
            if name not in old_required:
                what = f"property '{name}' is now required; old data may omit it"
                changes.append(change_at(f"{path}/required", "required_added", what, frozenset({B})))
        for name in old_required:
            if name not in new_required:
                what = f"property '{name}' is no longer required; new data may omit it"
                changes.append(change_at(f"{path}/required", "required_removed", what, frozenset({F})))
        return changes

    def _diff_property(
        self, old: dict[str, Any], new: dict[str, Any], name: str, path: str
    ) -> list[SchemaChange]:
        in_old, in_new = name in as_dict(old.get("properties")), name in as_dict(new.get("properties"))
        nested = self.diff(property_schema(old, name), property_schema(new, name), path)
        if in_old and in_new:
            return nested
        breaks = frozenset().union(*(c.breaks for c in nested))
        if in_new:
            model = openness(property_schema(old, name))
            what = f"property '{name}' added; the old schema's {model.replace('_', ' ')} governed it before"
            return [change_at(path, f"property_added_{model}", what, breaks)]
        model = openness(property_schema(new, name))
        what = f"property '{name}' removed; the new schema's {model.replace('_', ' ')} governs it now"
        return [change_at(path, f"property_removed_{model}", what, breaks)]

    def _diff_additional(self, old: dict[str, Any], new: dict[str, Any], path: str) -> list[SchemaChange]:
        (old_extra, old_kw), (new_extra, new_kw) = additional_of(old), additional_of(new)
        changes: list[SchemaChange] = []
        extra_path = f"{path}/{new_kw if new_kw in new else old_kw}"
        if openness(old_extra) != "closed_model" and new_extra is False:
            what = "undeclared properties are now rejected (closed content model)"
            changes.append(change_at(extra_path, "content_model_closed", what, frozenset({B})))
        elif old_extra is False and openness(new_extra) != "closed_model":
            what = "undeclared properties are now accepted (content model opened)"
            changes.append(change_at(extra_path, "content_model_opened", what, frozenset({F})))
        else:
            changes += self.diff(old_extra, new_extra, extra_path)
        present = old.keys() | new.keys()
        if "additionalProperties" in present and "unevaluatedProperties" in present:
            # Beside additionalProperties, unevaluatedProperties never applies, but Schema Registry
            # compares it anyway (absent -> false is breaking there): following it only adds breaks.
            uneval = "unevaluatedProperties"
            changes += self.diff(old.get(uneval, True), new.get(uneval, True), f"{path}/{uneval}")
        old_patterns = as_dict(old.get("patternProperties"))
        new_patterns = as_dict(new.get("patternProperties"))
        for pattern in [*old_patterns, *(p for p in new_patterns if p not in old_patterns)]:
            sub_path = f"{path}/patternProperties/{escape_token(pattern)}"
            nested = self.diff(
                old_patterns.get(pattern, old_extra), new_patterns.get(pattern, new_extra), sub_path
            )
            if pattern in old_patterns and pattern in new_patterns:
                changes += nested
                continue
            state = "added" if pattern in new_patterns else "removed"
            what = f"patternProperties '{pattern}' {state} (compared against additionalProperties)"
            breaks = frozenset().union(*(c.breaks for c in nested))
            changes.append(change_at(sub_path, f"pattern_property_{state}", what, breaks))
        return changes

    # dependencies -----------------------------------------------------------------------------

    def _diff_dependencies(self, old: dict[str, Any], new: dict[str, Any], path: str) -> list[SchemaChange]:
        """dependentRequired / dependentSchemas (and Draft 7 `dependencies`), one trigger at a time."""
        (old_arrays, old_schemas), (new_arrays, new_schemas) = _dependencies(old), _dependencies(new)
        changes: list[SchemaChange] = []
        for name in [*old_arrays, *(n for n in new_arrays if n not in old_arrays)]:
            at = f"{path}/dependentRequired/{escape_token(name)}"
            before, after = set(old_arrays.get(name, [])), set(new_arrays.get(name, []))
            if before == after:
                continue
            if name not in old_arrays or name not in new_arrays:
                state = "added" if name in new_arrays else "removed"
                what = f"properties required with '{name}' {state}"
                breaks = frozenset({B}) if state == "added" else frozenset({F})
                changes.append(change_at(at, f"dependency_array_{state}", what, breaks))
            elif before < after:
                what = f"'{name}' now also requires {sorted(after - before)}"
                changes.append(change_at(at, "dependency_array_extended", what, frozenset({B})))
            elif after < before:
                what = f"'{name}' no longer requires {sorted(before - after)}"
                changes.append(change_at(at, "dependency_array_narrowed", what, frozenset({F})))
            else:
                what = f"the properties required with '{name}' changed"
                changes.append(change_at(at, "dependency_array_changed", what, BOTH))
        self._depth += 1
        try:
            for name in [*old_schemas, *(n for n in new_schemas if n not in old_schemas)]:
                at = f"{path}/dependentSchemas/{escape_token(name)}"
                # A missing dependent schema applies nothing: the same as `true`.
                nested = self.diff(old_schemas.get(name, True), new_schemas.get(name, True), at)
                if name in old_schemas and name in new_schemas:
                    changes += nested
                    continue
                breaks = frozenset().union(*(c.breaks for c in nested))
                state = "added" if name in new_schemas else "removed"
                what = f"schema applied when '{name}' is present {state}"
                changes.append(change_at(at, f"dependency_schema_{state}", what, breaks))
        finally:
            self._depth -= 1
        return changes

    # contains ---------------------------------------------------------------------------------

    def _diff_contains(self, old: dict[str, Any], new: dict[str, Any], path: str) -> list[SchemaChange]:
        """minContains / maxContains: bounds on the number of items matching `contains`, like minItems.

        Compared even where `contains` changed or is absent (and they assert nothing), as Schema
        Registry does; a changed `contains` is reported on its own as not analysed.
        """
        changes: list[SchemaChange] = []
        for keyword, upper in (("minContains", False), ("maxContains", True)):
            if keyword not in old and keyword not in new:
                continue
            a, b = as_number(old.get(keyword)), as_number(new.get(keyword))
            if (keyword in old and a is None) or (keyword in new and b is None):
                what = f"'{keyword}' is not a number and could not be compared"
                changes.append(change_at(f"{path}/{keyword}", "keyword_changed", what, BOTH))
                continue
            default = float("inf") if upper else 1  # `contains` alone asks for at least one match
            a_eff, b_eff = default if a is None else a, default if b is None else b
            breaks = set() if a_eff == b_eff else {B if (b_eff < a_eff if upper else b_eff > a_eff) else F}
            # Schema Registry calls any added bound breaking (a removed one, read the other way),
            # even minContains: 1, which only restates the default; following it only adds breaks.
            # Removing minContains: 0 stays breaking here although the registry allows it: the
            # default of 1 then refuses old arrays with no matching item.
            if a is None:
                breaks.add(B)
            elif b is None:
                breaks.add(F)
            if not breaks:
                continue
            stem = "max_contains" if upper else "min_contains"
            if a is None or b is None:
                kind = f"{stem}_{'added' if a is None else 'removed'}"
            else:
                kind = f"{stem}_{'increased' if b > a else 'decreased'}"
            what = f"{keyword} changed from {'none' if a is None else a} to {'none' if b is None else b}"
            changes.append(change_at(f"{path}/{keyword}", kind, what, frozenset(breaks)))
        return changes


def _inert_item_keywords(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """Array keywords that cannot change what validates here, but that Schema Registry compares.

    Draft 7 ignores additionalItems unless `items` is a list; unevaluatedItems never applies beside
    `items` (and beside `contains` it is already folded into the items comparison). Schema Registry
    still calls additionalItems true -> false, or unevaluatedItems absent -> false, breaking; comparing
    them as it does can only add breaks, so `contracts check` never passes what the registry refuses.
    """
    present = old.keys() | new.keys()
    inert = []
    if "additionalItems" in present and not any(isinstance(n.get("items"), list) for n in (old, new)):
        inert.append("additionalItems")
    if "unevaluatedItems" in present and {"items", "contains"} & present:
        inert.append("unevaluatedItems")
    return inert


def _dependencies(node: dict[str, Any]) -> tuple[dict[str, list[str]], dict[str, Any]]:
    """(trigger -> names it requires, trigger -> schema it applies), from all three spellings."""
    arrays: dict[str, list[str]] = {}
    schemas: dict[str, Any] = {}
    for keyword in ("dependencies", "dependentRequired", "dependentSchemas"):
        for name, value in as_dict(node.get(keyword)).items():
            if isinstance(value, list):
                arrays[name] = sorted({*arrays.get(name, []), *(v for v in value if isinstance(v, str))})
            elif name in schemas:
                schemas[name] = {"allOf": [schemas[name], value]}
            else:
                schemas[name] = value
    return arrays, schemas
