"""Hypothesis: facts stated in an application are always supported; a changed fact never is."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from engine.stages.fact_check import unsupported_facts

facts_strategy = st.fixed_dictionaries({
    "property_type": st.sampled_from(["house", "apartment", "townhouse", "cottage"]),
    "construction_year": st.integers(1800, 2025),
    "flood_zone": st.booleans(),
    "prior_claims": st.integers(0, 12),
    "sum_insured": st.integers(50_000, 3_000_000),
})  # fmt: skip


def render(f: dict[str, object]) -> str:
    flood = "It lies in a designated flood zone." if f["flood_zone"] else "It is not in a flood zone."
    return (
        f"We apply to insure a {f['property_type']} built in {f['construction_year']}. {flood} "
        f"There have been {f['prior_claims']} prior claims. Sum insured: ${f['sum_insured']:,}."
    )


@settings(max_examples=200, deadline=None)
@given(facts_strategy)
def test_facts_stated_in_the_text_are_supported(facts: dict[str, object]) -> None:
    assert unsupported_facts(facts, render(facts)) == []


@settings(max_examples=200, deadline=None)
@given(facts_strategy, st.sampled_from(["construction_year", "sum_insured", "flood_zone", "property_type"]))
def test_a_changed_fact_is_reported(facts: dict[str, object], field: str) -> None:
    text = render(facts)
    changed = dict(facts)
    if field == "flood_zone":
        changed[field] = not facts[field]
    elif field == "property_type":
        changed[field] = next(t for t in ("house", "apartment", "townhouse", "cottage") if t not in text)
    else:
        changed[field] = int(facts[field]) + 7919  # type: ignore[call-overload]
    assert field in unsupported_facts(changed, text)
