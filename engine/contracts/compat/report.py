"""What a comparison returns: each change, where it is, and which directions it breaks."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class CompatibilityMode(StrEnum):
    """Which readers must keep working: new readers on old data, old readers on new data, or both."""

    BACKWARD = "backward"
    FORWARD = "forward"
    FULL = "full"


B = CompatibilityMode.BACKWARD
F = CompatibilityMode.FORWARD
BOTH = frozenset({B, F})
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


def _why(breaks: frozenset[CompatibilityMode]) -> str:
    if breaks == BOTH:
        return "breaks BACKWARD and FORWARD"
    if B in breaks:
        return "breaks BACKWARD: data valid under the old schema can fail the new one"
    if F in breaks:
        return "breaks FORWARD: data valid under the new schema can fail the old one"
    return "compatible both ways"


def change_at(path: str, kind: str, what: str, breaks: frozenset[CompatibilityMode]) -> SchemaChange:
    return SchemaChange(path, kind, f"{what}; {_why(breaks)}", breaks)


def restrict(change: SchemaChange, keep: frozenset[CompatibilityMode]) -> SchemaChange:
    breaks = change.breaks & keep
    if breaks == change.breaks:
        return change
    # The message's verdict clause is regenerated so it never contradicts `breaks`.
    return change_at(change.path, change.kind, change.message.rsplit("; ", 1)[0], breaks)
