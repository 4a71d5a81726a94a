"""Thin wrappers over confluent-kafka: client configuration and topic administration."""
