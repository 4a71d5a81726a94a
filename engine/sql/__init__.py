"""Governed SQL: check model-written SQL, let Rego decide, inject limits into the tree, run read-only."""
