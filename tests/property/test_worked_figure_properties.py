"""Worked-out figures, as properties: a total of stated figures (a sum of an amount and a count times a
price, a share of an amount and its remainder) is held, and any other total is not."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from engine.validators.quantities import Quantity, worked_out

POUND = "\u00a3"
amounts = st.integers(min_value=1, max_value=500)
counts = st.integers(min_value=2, max_value=12)


@given(base=amounts, count=counts, price=amounts)
def test_a_sum_with_a_product_is_worked_out(base: int, count: int, price: int) -> None:
    mine = frozenset({Quantity(str(base), POUND), Quantity(str(count), ""), Quantity(str(price), POUND)})
    assert worked_out(Quantity(str(base + count * price), POUND), mine)


@given(base=amounts, count=counts, price=amounts, off=st.integers(min_value=1, max_value=9))
def test_a_wrong_total_is_not_worked_out(base: int, count: int, price: int, off: int) -> None:
    mine = frozenset({Quantity(str(base), POUND), Quantity(str(count), ""), Quantity(str(price), POUND)})
    total = base + count * price + off * 100_000  # beyond every sum and product of these figures
    assert not worked_out(Quantity(str(total), POUND), mine)


@given(total=st.integers(min_value=1, max_value=2000), share=st.sampled_from([10, 20, 25, 50, 75]))
def test_a_share_and_its_remainder(total: int, share: int) -> None:
    part = total * share / 100
    if part != int(part):
        return
    stated = frozenset({Quantity(str(total), POUND)})
    mine = frozenset({Quantity(str(share), "%"), Quantity(str(int(part)), POUND)})
    assert worked_out(Quantity(str(int(part)), POUND), mine - {Quantity(str(int(part)), POUND)}, stated)
    assert worked_out(Quantity(str(total - int(part)), POUND), mine, stated)
