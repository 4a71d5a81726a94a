"""Policy decisions from OPA: batched evaluation, typed decisions, fail closed."""
