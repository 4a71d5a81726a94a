"""The walk itself: recursion guard and memo, dispatch on shape, and the keywords of a plain schema."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from engine.contracts.compat.combinators import CombinatorRules
from engine.contracts.compat.containers import ContainerRules
from engine.contracts.compat.keywords import diff_counts, diff_numeric, diff_string, diff_type, value_change
from engine.contracts.compat.report import (
    BOTH,
    B,
    CompatibilityMode,
    CompatibilityReport,
    F,
    SchemaChange,
    change_at,
    restrict,
)
from engine.contracts.compat.resolve import Kind, Shape
from engine.contracts.compat.schema import Schema, admits, content_key, types_of, values_of
from engine.errors import ContractError

# Assertions this module does not reason about: any change to them is reported as breaking.
# (Schema Registry ignores a changed `contains` altogether; it can refuse old arrays, so not here.)
_UNSUPPORTED = ("if", "then", "else", "propertyNames", "contains", "$dynamicRef")
_MAX_DEPTH = 48


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
        changes = Comparator(old, new).diff(old, new, "#")
    except RecursionError:
        # Pathological nesting must not take the CLI down; refusing is the conservative answer.
        what = "the schemas nest too deeply to compare; treated as breaking"
        changes = [SchemaChange("#", "schema_too_complex", what, BOTH)]
    return CompatibilityReport(CompatibilityMode(mode), tuple(dict.fromkeys(changes)))


class Comparator(CombinatorRules, ContainerRules):
    """Walks two schemas together; `diff` returns changes tagged with the directions they break."""

    def __init__(self, old_root: Schema, new_root: Schema) -> None:
        super().__init__(old_root, new_root)
        self._active: dict[tuple[Any, Any], int] = {}
        self._assumptions = 0  # bumped whenever the recursion guard answers instead of comparing
        self._done: dict[tuple[Any, Any], tuple[str, list[SchemaChange]]] = {}

    # entry point, recursion guard, memo -----------------------------------------------------

    def diff(self, old: Any, new: Any, path: str) -> list[SchemaChange]:
        # Keyed by content, not identity: flattening builds fresh dicts, and a $ref cycle must
        # still be recognised when it comes round again through one of them.
        key = (content_key(old, self._memo), content_key(new, self._memo))
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
            return [change_at(path, "recursive_ref_unsupported", what, BOTH)]
        if self._depth > _MAX_DEPTH:
            what = f"nesting beyond {_MAX_DEPTH} levels is not compared"
            return [change_at(path, "schema_too_deep", what, BOTH)]
        self._active[key] = self._depth
        before = self._assumptions
        try:
            changes = self._diff_shapes(self.old.shape(old), self.new.shape(new), path)
        finally:
            del self._active[key]
        if self._assumptions == before:  # an answer that leaned on an assumption is not reusable
            self._done[key] = (path, changes)
        return changes

    # dispatch ---------------------------------------------------------------------------------

    def _diff_shapes(self, o: Shape, n: Shape, path: str) -> list[SchemaChange]:
        if o.kind is Kind.FALSE and n.kind is Kind.FALSE:
            return []
        if o.kind is Kind.FALSE:
            return [
                change_at(
                    path, "schema_opened", "the old schema accepted nothing here (false)", frozenset({F})
                )
            ]
        if n.kind is Kind.FALSE:
            return [
                change_at(
                    path, "schema_closed", "the new schema accepts nothing here (false)", frozenset({B})
                )
            ]
        if Kind.OPAQUE in (o.kind, n.kind):
            if o.kind is n.kind and self._same(o.node, n.node):
                return []
            what = "a remote, unresolvable or malformed schema changed and could not be compared"
            return [change_at(path, "unresolved_schema_changed", f"{what}; treated as breaking", BOTH)]
        if o.kind is Kind.PLAIN and n.kind is Kind.PLAIN:
            assert isinstance(o.node, dict) and isinstance(n.node, dict)
            return self._diff_plain(o.node, n.node, path)
        return self._diff_composite(o, n, path)

    # plain schemas ----------------------------------------------------------------------------

    def _diff_plain(self, old: dict[str, Any], new: dict[str, Any], path: str) -> list[SchemaChange]:
        t_old, t_new = types_of(old), types_of(new)
        found: list[tuple[SchemaChange, str | None]] = [(c, None) for c in diff_type(t_old, t_new, path)]
        found += [(c, "number") for c in diff_numeric(old, new, path)]
        found += [(c, family) for c, family in diff_counts(old, new, path)]
        found += [(c, "string") for c in diff_string(old, new, path)]
        found += [(c, "array") for c in self._diff_array(old, new, path)]
        found += [(c, "object") for c in self._diff_object(old, new, path)]
        found += [(c, "object") for c in self._diff_dependencies(old, new, path)]
        found += [(c, "array") for c in self._diff_contains(old, new, path)]
        found += [(c, None) for c in self._diff_not(old, new, path)]
        for keyword in _UNSUPPORTED:
            if (keyword in old or keyword in new) and not (
                keyword in old and keyword in new and self._same(old[keyword], new[keyword])
            ):
                what = f"'{keyword}' changed; Governor does not analyse it, so it is treated as breaking"
                found.append((change_at(f"{path}/{keyword}", "keyword_changed", what, BOTH), None))
        changes = []
        for change, family in found:
            # A constraint on strings cannot break a side that produces no strings.
            keep = {d for d, types in ((B, t_old), (F, t_new)) if family is None or admits(types, family)}
            changes.append(restrict(change, frozenset(keep)))
        return self._apply_values(old, new, path, changes)

    def _diff_not(self, old: dict[str, Any], new: dict[str, Any], path: str) -> list[SchemaChange]:
        """`not` reverses inclusion: not A ⊆ not B exactly when B ⊆ A, so each direction swaps."""
        if "not" not in old and "not" not in new:
            return []
        # A missing `not` excludes nothing, the same as `not: false`.
        inner = self.diff(old.get("not", False), new.get("not", False), f"{path}/not")
        swapped = {B: F, F: B}
        breaks = frozenset(swapped[d] for c in inner for d in c.breaks)
        if not breaks:
            return []
        kind = {frozenset({B}): "not_extended", frozenset({F}): "not_narrowed"}.get(breaks, "not_changed")
        what = {
            "not_extended": "'not' excludes more than before",
            "not_narrowed": "'not' excludes less than before",
        }.get(kind, "'not' changed")
        return [change_at(f"{path}/not", kind, what, breaks)]

    def _apply_values(
        self, old: dict[str, Any], new: dict[str, Any], path: str, changes: list[SchemaChange]
    ) -> list[SchemaChange]:
        """Where a writer has a finite set of values (enum/const), test each value exactly instead."""
        old_values, new_values = values_of(old), values_of(new)
        if old_values is None and new_values is not None:
            keyword = "const" if "const" in new else "enum"
            changes.append(
                change_at(f"{path}/{keyword}", f"{keyword}_added", f"{keyword} added", frozenset({B}))
            )
        if old_values is not None and new_values is None:
            keyword = "const" if "const" in old else "enum"
            changes.append(
                change_at(f"{path}/{keyword}", f"{keyword}_removed", f"{keyword} removed", frozenset({F}))
            )
        for direction, values, w, r, w_side, r_side in (
            (B, old_values, old, new, self.old, self.new),
            (F, new_values, new, old, self.new, self.old),
        ):
            if values is None:
                continue
            changes = [restrict(c, BOTH - {direction}) for c in changes]
            for value in values:
                if w_side.accepts(w, value, unsure=True) and not r_side.accepts(r, value, unsure=False):
                    changes.append(value_change(path, value, w, r, direction))
        return changes
