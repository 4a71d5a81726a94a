"""Objects and arrays: properties, required, content model, pattern properties, items, uniqueItems."""

from __future__ import annotations

from typing import Any

from engine.contracts.compat.report import B, F, SchemaChange, change_at
from engine.contracts.compat.schema import (
    additional_of,
    as_dict,
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
