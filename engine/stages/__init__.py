"""Pipeline stages: augment, infer, workflow (and a pass-through used as the benchmark baseline)."""
