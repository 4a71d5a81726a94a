"""anyOf / oneOf / allOf: whether each writer branch fits the reader, and which branch changed."""

from __future__ import annotations

from typing import Any

from engine.contracts.compat.report import B, CompatibilityMode, F, SchemaChange, change_at, restrict
from engine.contracts.compat.resolve import UNIONS, Kind, Shape, Side
from engine.contracts.compat.schema import covered, property_schema, required_of, types_of, values_of
from engine.contracts.compat.walker import Walker


class CombinatorRules(Walker):
    """Compares shapes where either side is a union (anyOf/oneOf) or an allOf that did not flatten."""

    def _covers(self, o: Shape, n: Shape, direction: CompatibilityMode, *, exclusive: bool = True) -> bool:
        """Whether writer ⊆ reader for the direction (old ⊆ new for BACKWARD)."""
        w, r = (o, n) if direction is B else (n, o)
        if w.kind in UNIONS:
            branches = [b for b, _ in w.parts]
            return all(
                self._part_covered(b, branches[:i] + branches[i + 1 :] if w.kind is Kind.ONE_OF else [],
                                   r, direction, exclusive)
                for i, b in enumerate(branches)
            )  # fmt: skip
        return self._part_covered(w.node, [], r, direction, exclusive)

    def _part_covered(
        self, part: Any, siblings: list[Any], r: Shape, direction: CompatibilityMode, exclusive: bool
    ) -> bool:
        """Whether one writer schema fits the reader; `siblings` are its fellow oneOf branches."""
        w_side, r_side = (self.old, self.new) if direction is B else (self.new, self.old)
        w = w_side.shape(part)
        if w.kind is Kind.FALSE:
            return True
        if w.kind in UNIONS:  # exact: a union fits when each of its branches does
            return all(self._part_covered(b, [], r, direction, exclusive) for b, _ in w.parts)
        if w.kind is Kind.PLAIN and isinstance(w.node, dict) and (values := values_of(w.node)) is not None:
            # A finite writer is tested value by value, which is exact.
            return all(
                r_side.accepts(r.node, v, unsure=False)
                for v in values
                if w_side.accepts(w.node, v, unsure=True)
            )  # fmt: skip
        if r.kind is Kind.ALL_OF:  # exact: fitting an allOf means fitting each member
            return all(self._holds(part, p, direction) for p, _ in r.parts)
        if r.kind in UNIONS and any(
            self._holds(part, p, direction)
            and (not exclusive or r.kind is Kind.ANY_OF or self._exclusive(r, j, siblings, direction))
            for j, (p, _) in enumerate(r.parts)
        ):
            return True
        # Sufficient, not necessary: one member of the writer's allOf may already fit.
        if w.kind is Kind.ALL_OF:
            return any(self._holds(p, r.node, direction) for p, _ in w.parts)
        return r.kind not in UNIONS and self._holds(part, r.node, direction)

    def _exclusive(self, r: Shape, j: int, siblings: list[Any], direction: CompatibilityMode) -> bool:
        """An instance in reader branch j matches no other oneOf branch."""
        side = self.new if direction is B else self.old
        chosen = r.parts[j][0]
        for k, (other, _) in enumerate(r.parts):
            if k == j or self._disjoint(other, chosen, side):
                continue
            # The writer's own oneOf already kept its instances out of its other branches.
            if any(self._same(s, other) if direction is B else self._same(other, s) for s in siblings):
                continue
            return False
        return True

    def _disjoint(self, a: Any, b: Any, side: Side, depth: int = 0) -> bool:
        sa, sb = side.shape(a), side.shape(b)
        if Kind.FALSE in (sa.kind, sb.kind):
            return True
        if sa.kind is not Kind.PLAIN or sb.kind is not Kind.PLAIN or depth > 4:
            return False
        x, y = sa.node, sb.node
        assert isinstance(x, dict) and isinstance(y, dict)
        tx, ty = types_of(x), types_of(y)
        if (
            tx is not None
            and ty is not None
            and not any(covered(ty, t) or covered(tx, u) for t in tx for u in ty)
        ):
            return True
        for p, q in ((x, y), (y, x)):
            values = values_of(p)
            if values is not None and not any(
                side.accepts(p, v, unsure=True) and side.accepts(q, v, unsure=True) for v in values
            ):
                return True
        shared = set(required_of(x)) & set(required_of(y))
        return any(
            self._disjoint(property_schema(x, name), property_schema(y, name), side, depth + 1)
            for name in shared
        )

    def _diff_composite(self, o: Shape, n: Shape, path: str) -> list[SchemaChange]:
        broken = frozenset(d for d in (B, F) if not self._covers(o, n, d))
        old_parts = [p for p in o.parts if not any(self._same(p[0], q[0]) for q in n.parts)]
        new_parts = [q for q in n.parts if not any(self._same(p[0], q[0]) for p in o.parts)]
        changes: list[SchemaChange] = []
        for (op, o_suffix), (np, n_suffix) in zip(old_parts, new_parts, strict=False):
            keep = self._part_breaks(o, n, op, np, broken)
            # Positional pairing is only a guess at which branch became which: keep what still breaks.
            detail = [restrict(c, keep) for c in self.diff(op, np, path + (n_suffix or o_suffix))]
            changes += [c for c in detail if c.breaks]
        for op, suffix in old_parts[len(new_parts) :]:
            keep = self._part_breaks(o, n, op, None, broken)
            what = f"{o.kind.value} branch removed" if o.kind in UNIONS else "schema removed"
            changes.append(change_at(path + suffix, f"{_stem(o.kind)}_removed", what, keep))
        for np, suffix in new_parts[len(old_parts) :]:
            keep = self._part_breaks(o, n, None, np, broken)
            what = f"{n.kind.value} branch added" if n.kind in UNIONS else "schema added"
            if n.kind is Kind.ONE_OF and B in keep:
                what += " that may overlap an existing branch, so old data could match two of them"
            changes.append(change_at(path + suffix, f"{_stem(n.kind)}_added", what, keep))
        missing = broken - frozenset().union(*(c.breaks for c in changes))
        if missing:
            overlap = all(self._covers(o, n, d, exclusive=False) for d in missing)
            kind, what = (
                ("one_of_branches_overlap", "an instance could match more than one oneOf branch")
                if overlap
                else ("combined_schema_changed", "could not prove the combined schemas compatible")
            )
            changes.append(change_at(path, kind, what, missing))
        return changes

    def _part_breaks(
        self, o: Shape, n: Shape, op: Any, np: Any, broken: frozenset[CompatibilityMode]
    ) -> frozenset[CompatibilityMode]:
        """Directions in which this old/new part pair (None: no counterpart) still fails on its own."""
        breaks: set[CompatibilityMode] = set()
        # BACKWARD: an old union branch must fit the new schema; a new allOf member must hold for old data.
        b_writer = self.old.shape(op) if o.kind in UNIONS and op is not None else o
        b_reader = self.new.shape(np) if n.kind is Kind.ALL_OF and np is not None else n
        # FORWARD, mirrored: a new union branch must fit the old schema, an old allOf member new data.
        f_writer = self.new.shape(np) if n.kind in UNIONS and np is not None else n
        f_reader = self.old.shape(op) if o.kind is Kind.ALL_OF and op is not None else o
        for direction, old_shape, new_shape in ((B, b_writer, b_reader), (F, f_reader, f_writer)):
            if direction not in broken:
                continue
            # Comparing the two wholes again would re-enter this very diff; `broken` already says.
            whole = old_shape is o and new_shape is n
            if whole or not self._covers(old_shape, new_shape, direction):
                breaks.add(direction)
        return frozenset(breaks)


def _stem(kind: Kind) -> str:
    return {Kind.ANY_OF: "any_of_branch", Kind.ONE_OF: "one_of_branch", Kind.ALL_OF: "all_of_schema"}.get(
        kind, "schema"
    )
