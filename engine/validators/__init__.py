"""Validators report findings (spans and reason codes); only the Rego policy decides what they mean."""
