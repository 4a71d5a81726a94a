"""Thin wrappers over confluent-kafka: client configuration, admin, and the transactional loop."""
