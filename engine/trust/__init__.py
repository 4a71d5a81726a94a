"""The trust boundary: Kafka principals and ACLs from the contracts, signing keys, signatures."""
