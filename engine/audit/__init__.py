"""The audit trail: one hash-chained record per gate decision, and the tools that read and verify it."""
