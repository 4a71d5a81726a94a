"""The local stack: Kafka (KRaft), OPA and Prometheus, installed into a cache and run on 127.0.0.1."""
