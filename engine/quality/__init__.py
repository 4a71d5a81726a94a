"""Data-quality checks (great-expectations) for augmentation micro-batches."""
