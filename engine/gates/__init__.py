"""Admission and release gates: contract -> validators -> policy -> route, with an audit record each."""
