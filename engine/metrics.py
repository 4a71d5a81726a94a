"""Every Prometheus metric Governor exports, defined in one place, and the observer that feeds them.

Label values come from small fixed sets (gate, stage, outcome, reason code, validator, topic);
never a message id or a tenant-supplied string.
"""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram, start_http_server

from engine import __version__

LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)
SIZE_BUCKETS = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000)

DECISIONS = Counter("governor_decisions", "Gate decisions.", ["gate", "outcome", "reason"])
GATE_LATENCY = Histogram(
    "governor_gate_latency_seconds",
    "Time from consume to decision, per message.",
    ["gate"],
    buckets=LATENCY_BUCKETS,
)
POLICY_EVAL = Histogram(
    "governor_policy_eval_seconds",
    "One OPA round trip (a batch of decisions).",
    ["gate"],
    buckets=LATENCY_BUCKETS,
)
POLICY_BATCH = Histogram(
    "governor_policy_batch_size", "Decisions per OPA round trip.", ["gate"], buckets=SIZE_BUCKETS
)
POLICY_ERRORS = Counter("governor_policy_errors", "Failed OPA round trips (before retry).", ["gate"])
CONTRACT_VIOLATIONS = Counter(
    "governor_contract_violations", "Events refused by their contract.", ["topic", "direction"]
)
VALIDATOR_FAILURES = Counter("governor_validator_failures", "Validator verdicts that failed.", ["validator"])
VALIDATOR_ERRORS = Counter(
    "governor_validator_errors", "Validators that raised (gate fails closed).", ["validator"]
)
MESSAGES_IN = Counter("governor_messages_consumed", "Messages consumed.", ["stage", "topic"])
MESSAGES_OUT = Counter(
    "governor_messages_produced", "Messages produced (committed or not).", ["stage", "topic"]
)
DLQ = Counter("governor_dlq_messages", "Messages sent to the dead-letter topic.", ["stage", "reason"])
TRANSACTIONS = Counter("governor_transactions", "Kafka transactions.", ["stage", "outcome"])
AUDIT_RECORDS = Counter("governor_audit_records", "Audit records written.", ["gate"])
AUDIT_CHAIN_BREAKS = Counter(
    "governor_audit_chain_breaks", "Audit chain heads that failed verification on recovery.", ["gate"]
)
STAGE_LATENCY = Histogram(
    "governor_stage_latency_seconds",
    "Processing time per batch in a stage.",
    ["stage"],
    buckets=LATENCY_BUCKETS,
)
BATCH_SIZE = Histogram(
    "governor_batch_size", "Messages per processed batch.", ["stage"], buckets=SIZE_BUCKETS
)
STAGE_BLOCKED = Gauge(
    "governor_stage_blocked",
    "1 while a stage waits out an outage (its batch rewound and retried with backoff), else 0.",
    ["stage"],
)
STAGE_BLOCKED_SECONDS = Counter(
    "governor_stage_blocked_seconds", "Time a stage spent backing off before retrying a batch.", ["stage"]
)
IN_FLIGHT = Gauge("governor_in_flight_messages", "Messages consumed but not yet committed.", ["stage"])
CONSUMER_LAG = Gauge(
    "governor_consumer_lag_messages",
    "High watermark minus committed offset.",
    ["group", "topic", "partition"],
)
LLM_REQUEST = Histogram(
    "governor_llm_request_seconds", "One LLM call.", ["backend", "outcome"], buckets=LATENCY_BUCKETS
)
RETRIEVAL = Histogram("governor_retrieval_seconds", "Vector store search.", buckets=LATENCY_BUCKETS)
EMBEDDING_SECONDS = Histogram("governor_embedding_seconds", "One embedding batch.", buckets=LATENCY_BUCKETS)
EMBEDDING_BATCH = Histogram(
    "governor_embedding_batch_size", "Texts per embedding batch.", buckets=SIZE_BUCKETS
)
VECTOR_STORE_CHUNKS = Gauge("governor_vector_store_chunks", "Chunks in the vector store.")
QUALITY_BATCHES = Counter(
    "governor_quality_batches", "Augmentation batches checked for quality.", ["outcome"]
)
BUILD_INFO = Gauge(
    "governor_build_info",
    "Build and governance revision in force.",
    ["version", "policy_revision", "contracts"],
)


def prime_stage(stage: str, gate: str | None = None) -> None:
    """Create the series alerts watch at zero, so increase() sees the first real event and dashboards
    show 0 rather than nothing."""
    for outcome in ("committed", "aborted"):
        TRANSACTIONS.labels(stage, outcome)
    IN_FLIGHT.labels(stage).set(0)
    STAGE_BLOCKED.labels(stage).set(0)
    STAGE_BLOCKED_SECONDS.labels(stage)
    if gate:
        for reason in ("policy_unavailable", "validator_error"):
            DECISIONS.labels(gate, "rejected", reason)
        DECISIONS.labels(gate, "approved", "none")
        AUDIT_CHAIN_BREAKS.labels(gate)
        POLICY_ERRORS.labels(gate)
        AUDIT_RECORDS.labels(gate)


# Where each `governor run STAGE` (and the demo) serves /metrics unless told otherwise; the local
# Prometheus scrapes all of them, so whichever are running show up (the others as up == 0).
DEFAULT_PORTS = {
    "demo": 9470,
    "admission": 9471,
    "release": 9472,
    "augment": 9473,
    "infer": 9474,
    "workflow": 9475,
    "cdc": 9476,
    "data": 9477,
}


def serve(port: int, policy_revision: str = "unknown", contracts: str = "unknown") -> None:
    """Expose /metrics on 127.0.0.1:port (0 picks none) and publish build info."""
    BUILD_INFO.labels(__version__, policy_revision, contracts).set(1)
    if port:
        start_http_server(port, addr="127.0.0.1")
