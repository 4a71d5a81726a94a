"""Data contracts: load, validate, check compatibility, provision topics."""
