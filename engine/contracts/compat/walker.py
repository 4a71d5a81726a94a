"""State shared by every rule family: the two schema documents and the recursion bookkeeping."""

from __future__ import annotations

from typing import Any

from engine.contracts.compat.report import B, CompatibilityMode, SchemaChange
from engine.contracts.compat.resolve import Side
from engine.contracts.compat.schema import Schema, canon, content_key, refs_in


class Walker:
    """The two schema documents being compared, and the questions every rule family asks of both."""

    def __init__(self, old_root: Schema, new_root: Schema) -> None:
        self.old, self.new = Side(old_root), Side(new_root)
        self._depth = 0  # objects and arrays entered; a recursive $ref below one is assumed to hold
        self._memo: dict[int, tuple[Any, Any]] = {}

    def diff(self, old: Any, new: Any, path: str) -> list[SchemaChange]:
        """Changes between two subschemas at `path`; the Comparator supplies the guarded walk."""
        raise NotImplementedError

    def _holds(self, writer: Any, reader: Any, direction: CompatibilityMode) -> bool:
        old, new = (writer, reader) if direction is B else (reader, writer)
        return not any(direction in c.breaks for c in self.diff(old, new, "#"))

    def _same(self, old: Any, new: Any) -> bool:
        """Equal schemas whose $refs also resolve to equal targets on both sides."""
        return content_key(old, self._memo) == content_key(new, self._memo) and self._refs_agree(old)

    def _refs_agree(self, node: Any) -> bool:
        assumed: set[str] = set()
        pending = list(refs_in(node))
        while pending:
            ref = pending.pop()
            if ref in assumed:
                continue
            assumed.add(ref)
            a, b = self.old.resolve(ref), self.new.resolve(ref)
            if (a is None) != (b is None) or canon(a) != canon(b):
                return False
            pending.extend(refs_in(a))
        return True
