"""Governor: a governance engine for event-driven GenAI applications on Apache Kafka."""

__version__ = "0.1.0"
