"""Hypothesis: seal() makes, in one serialisation, the hash and MAC that record_hash and record_mac (what
`audit verify` recomputes) give for any record, whatever its keys and where they sort around "hash" and
"mac_key"."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from engine.audit import chain

keys = st.sampled_from(
    [
        "a",
        "chain",
        "gate",
        "h",
        "has",
        "hash0",
        "hasi",
        "latency_ms",
        "mac",
        "mac_kex",
        "mac_key0",
        "macz",
        "obligations",
        "z",
        "é",
        "Zürich",
        "\u2603",
    ]
) | st.text(max_size=6)
values: st.SearchStrategy[Any] = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8),
    lambda kids: st.lists(kids, max_size=3) | st.dictionaries(keys, kids, max_size=3),
    max_leaves=10,
)


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(keys, values, max_size=8),
    st.integers(0, 10**6),
    st.text(min_size=1, max_size=20),
    st.binary(min_size=32, max_size=32),
)
def test_seal_matches_what_verify_recomputes(
    record: dict[str, Any], seq: int, key_id: str, secret: bytes
) -> None:
    head = chain.ChainHead(seq, "a" * 64)
    sealed = chain.seal(record, head, (key_id, secret))
    assert sealed["hash"] == chain.record_hash(sealed)
    assert sealed["mac"] == chain.record_mac(sealed, secret)
    assert sealed["mac_key"] == key_id and sealed["seq"] == seq + 1
    unkeyed = chain.seal(record, None)
    assert unkeyed["hash"] == chain.record_hash(unkeyed)
