"""Keyword families compared without recursion: type, numeric and count bounds, string, enum/const."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from typing import Any

from engine.contracts.compat.report import BOTH, B, CompatibilityMode, F, SchemaChange, change_at
from engine.contracts.compat.schema import as_number, canon, show, types_within, values_of

# (keyword, kind stem, type family, is an upper bound); absent lower = 0, absent upper = unbounded.
_COUNT_BOUNDS = (
    ("minLength", "min_length", "string", False), ("maxLength", "max_length", "string", True),
    ("minItems", "min_items", "array", False), ("maxItems", "max_items", "array", True),
    ("minProperties", "min_properties", "object", False), ("maxProperties", "max_properties", "object", True),
)  # fmt: skip


def value_change(
    path: str, value: Any, writer: dict[str, Any], reader: dict[str, Any], direction: CompatibilityMode
) -> SchemaChange:
    reader_values = values_of(reader)
    if reader_values is not None and canon(value) not in {canon(v) for v in reader_values}:
        added_or_removed = "enum_value_removed" if direction is B else "enum_value_added"
        kind = "const_changed" if "const" in reader or "const" in writer else added_or_removed
    else:
        kind = "enum_value_rejected"  # listed, but another keyword of the reader refuses it
    side, other = ("old", "new") if direction is B else ("new", "old")
    what = f"value {show(value)} allowed by the {side} schema is rejected by the {other} schema"
    return change_at(f"{path}/{'const' if 'const' in writer else 'enum'}", kind, what, frozenset({direction}))


def diff_type(t_old: frozenset[str] | None, t_new: frozenset[str] | None, path: str) -> list[SchemaChange]:
    backward, forward = types_within(t_old, t_new), types_within(t_new, t_old)
    if backward and forward:
        return []
    breaks = frozenset(d for d, ok in ((B, backward), (F, forward)) if not ok)
    if t_old is None:
        kind = "type_added"
    elif t_new is None:
        kind = "type_removed"
    else:
        kind = {frozenset({B}): "type_narrowed", frozenset({F}): "type_widened"}.get(breaks, "type_changed")
    shown = [sorted(t) if t is not None else "any" for t in (t_old, t_new)]
    return [change_at(f"{path}/type", kind, f"type changed from {shown[0]} to {shown[1]}", breaks)]


def diff_counts(old: dict[str, Any], new: dict[str, Any], path: str) -> Iterator[tuple[SchemaChange, str]]:
    for keyword, stem, family, upper in _COUNT_BOUNDS:
        if keyword not in old and keyword not in new:
            continue
        a, b = as_number(old.get(keyword)), as_number(new.get(keyword))
        if (keyword in old and a is None) or (keyword in new and b is None):
            what = f"'{keyword}' is not a number and could not be compared"
            yield change_at(f"{path}/{keyword}", "keyword_changed", what, BOTH), family
            continue
        default = float("inf") if upper else 0
        a_eff, b_eff = default if a is None else a, default if b is None else b
        if a_eff == b_eff:
            continue
        tighter = b_eff < a_eff if upper else b_eff > a_eff
        breaks = frozenset({B}) if tighter else frozenset({F})
        if a is None:
            kind = f"{stem}_added"
        elif b is None:
            kind = f"{stem}_removed"
        else:
            kind = f"{stem}_{'increased' if b_eff > a_eff else 'decreased'}"
        what = f"{keyword} changed from {'none' if a is None else a} to {'none' if b is None else b}"
        yield change_at(f"{path}/{keyword}", kind, what, breaks), family


def _bound(node: dict[str, Any], upper: bool) -> tuple[float, bool, str] | None:
    """The tightest numeric bound: (value, exclusive, keyword)."""
    inclusive_kw, exclusive_kw = ("maximum", "exclusiveMaximum") if upper else ("minimum", "exclusiveMinimum")
    candidates = []
    if (value := as_number(node.get(inclusive_kw))) is not None:
        # Draft 4 wrote exclusiveMinimum: true beside minimum.
        candidates.append((value, node.get(exclusive_kw) is True, inclusive_kw))
    if (value := as_number(node.get(exclusive_kw))) is not None:
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


def diff_numeric(old: dict[str, Any], new: dict[str, Any], path: str) -> list[SchemaChange]:
    changes = []
    for upper, stem in ((False, "minimum"), (True, "maximum")):
        a, b = _bound(old, upper), _bound(new, upper)
        if a == b or (a is not None and b is not None and a[:2] == b[:2]):
            continue
        if a is None or b is None:
            kind, breaks = (
                (f"{stem}_added", frozenset({B})) if a is None else (f"{stem}_removed", frozenset({F}))
            )
        else:
            breaks = frozenset({B}) if _stricter(b, a, upper) else frozenset({F})
            verb = "increased" if b[0] > a[0] else "decreased"
            kind = f"{stem}_{verb}" if a[0] != b[0] else f"{stem}_exclusivity_changed"
        keyword = b[2] if b is not None else a[2] if a is not None else stem
        shown = [
            f"{'<' if upper else '>'}{'' if x[1] else '='} {show(x[0])}" if x else "none" for x in (a, b)
        ]
        changes.append(
            change_at(f"{path}/{keyword}", kind, f"{stem} changed from {shown[0]} to {shown[1]}", breaks)
        )
    changes += _diff_multiple_of(old, new, path)
    return changes


def _decimal(value: Any) -> Decimal | None:
    number = as_number(value)
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
    breaks = frozenset(d for d, ok in ((B, backward), (F, forward)) if not ok)
    kind = "multiple_of_changed"
    if "multipleOf" not in old or "multipleOf" not in new:
        kind = "multiple_of_added" if "multipleOf" not in old else "multiple_of_removed"
    what = f"multipleOf changed from {show(old.get('multipleOf'))} to {show(new.get('multipleOf'))}"
    return [change_at(f"{path}/multipleOf", kind, what, breaks)]


def diff_string(old: dict[str, Any], new: dict[str, Any], path: str) -> list[SchemaChange]:
    changes = []
    for keyword, note in (
        ("pattern", "two different patterns cannot be compared, so this counts as breaking both ways"),
        ("format", "format is treated as an assertion"),
    ):
        a, b = old.get(keyword), new.get(keyword)
        if canon(a) == canon(b):
            continue
        if a is None:
            kind, breaks, what = f"{keyword}_added", frozenset({B}), f"{keyword} {show(b)} added"
        elif b is None:
            kind, breaks, what = f"{keyword}_removed", frozenset({F}), f"{keyword} {show(a)} removed"
        else:
            kind, breaks = f"{keyword}_changed", BOTH
            what = f"{keyword} changed from {show(a)} to {show(b)} ({note})"
        if keyword == "format" and a is None:
            what += f" ({note})"
        changes.append(change_at(f"{path}/{keyword}", kind, what, breaks))
    return changes
