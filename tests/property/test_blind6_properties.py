"""Properties of the sixth blind set's mechanisms: a rate times the periods a stated duration makes is held,
and a total between two such products is not."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from engine.validators.quantities import Quantity, worked_out

UNITS = ["hours", "days", "weeks"]


@settings(max_examples=60, deadline=None)
@given(st.integers(2, 90), st.integers(2, 12), st.sampled_from(UNITS), st.data())
def test_a_rate_times_a_duration_is_held_only_when_right(
    rate: int, n: int, unit: str, data: st.DataObject
) -> None:
    off = data.draw(st.integers(1, rate - 1))
    duration = Quantity(str(n), unit.rstrip("s"))
    passage = frozenset({Quantity(str(rate), "$"), Quantity("1", unit.rstrip("s"))})
    right = Quantity(str(rate * n), "$")
    wrong = Quantity(str(rate * n + off), "$")
    assert worked_out(right, frozenset({right, duration}), passage)
    assert not worked_out(wrong, frozenset({wrong, duration}), passage)


@settings(max_examples=60, deadline=None)
@given(st.integers(2, 90), st.sampled_from([5, 10, 15, 20, 30]), st.integers(2, 8), st.data())
def test_a_rate_per_period_times_how_many_periods_a_duration_makes(
    rate: int, minutes: int, k: int, data: st.DataObject
) -> None:
    off = data.draw(st.integers(1, rate - 1))
    duration = Quantity(str(minutes * k), "minute")
    passage = frozenset({Quantity(str(rate), "$"), Quantity(str(minutes), "minute")})
    right = Quantity(str(rate * k), "$")
    wrong = Quantity(str(rate * k + off), "$")
    assert worked_out(right, frozenset({right, duration}), passage)
    assert not worked_out(wrong, frozenset({wrong, duration}), passage)
