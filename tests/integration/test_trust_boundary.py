"""The secured stack: every principal may do what the contracts say and nothing else."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import pytest
from confluent_kafka import Consumer, KafkaError, KafkaException, Producer, TopicPartition
from confluent_kafka.admin import AdminClient

from engine.client import ApprovalRefused, GovernorClient
from engine.contracts.codec import GovernedCodec
from engine.contracts.registry import ContractRegistry
from engine.envelope import Envelope, Trace
from engine.kafka import access, config
from engine.pipeline.processor import TransactionalProcessor
from engine.pipeline.publish import GovernedProducer
from engine.pipeline.records import Output
from engine.settings import Settings
from engine.stack import credentials
from engine.trust import cluster
from engine.trust.acl import Acl
from engine.trust.approvals import release_codec
from tests.kafka_helpers import kafka_login

pytestmark = pytest.mark.integration

Principal = Callable[[str], Settings]


@pytest.fixture
def acls(test_settings: Settings) -> Iterator[ContractRegistry]:
    """The contracts' ACLs applied for this test's topics and group prefix; removed after."""
    registry = ContractRegistry.load(test_settings.contracts_dir, test_settings.topics)
    cluster.apply(test_settings, registry)
    yield registry
    empty = ContractRegistry({}, {})
    cluster.apply(test_settings, empty)  # nothing wanted: every ACL of this test's resources goes


@pytest.fixture
def principal(test_settings: Settings, stack_endpoints: dict[str, str]) -> Principal:
    """Settings that log in to the test stack as the named principal."""
    from pathlib import Path

    run_dir = Path(stack_endpoints["run_dir"])
    assert stack_endpoints["run_dir"], "principal tests need the project's own stack (its credentials)"

    def login(name: str) -> Settings:
        return test_settings.model_copy(update=kafka_login(name, credentials.password(run_dir, name)))

    return login


def _write(settings: Settings, topic: str) -> KafkaError | None:
    """Produce one record; the delivery error (None when it was written)."""
    errors: list[KafkaError | None] = []
    producer = Producer({**config.producer(settings), "message.timeout.ms": 10000})
    producer.produce(topic, b"{}", on_delivery=lambda err, _msg: errors.append(err))
    producer.flush(15)
    return errors[0] if errors else KafkaError(KafkaError._MSG_TIMED_OUT)


def _read(settings: Settings, topic: str, timeout: float = 15) -> KafkaError | bytes:
    """The first record of partition 0, or the error the broker answered with (to the metadata request
    a consumer makes first, or to the fetch)."""
    consumer = Consumer(config.consumer(settings, f"{settings.group(settings.sasl_username or 'x')}.t"))
    try:
        refused = consumer.list_topics(topic, timeout=10).topics[topic].error
        if refused is not None:
            return refused  # type: ignore[no-any-return]
        consumer.assign([TopicPartition(topic, 0, 0)])
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            msg = consumer.poll(0.5)
            if msg is None:
                continue
            if msg.error():
                return msg.error()  # type: ignore[no-any-return]
            return msg.value()  # type: ignore[no-any-return]
        return KafkaError(KafkaError._TIMED_OUT)
    finally:
        consumer.close()


def _written_to_partition_0(settings: Settings, topic: str) -> None:
    producer = Producer(config.producer(settings))
    producer.produce(topic, b'{"approved": true}', partition=0)
    assert producer.flush(15) == 0


def test_web_app_reads_approved_answers_and_nothing_else(
    test_settings: Settings, acls: ContractRegistry, principal: Principal
) -> None:
    topics = test_settings.topics
    web_app = principal("web-app")
    for topic in (topics.answers_approved, topics.requests_status):  # what the web app follows
        _written_to_partition_0(test_settings, topic)
        assert _read(web_app, topic) == b'{"approved": true}', topic
    for topic in (topics.answers_draft, topics.answers_rejected, topics.dlq, topics.prompts_admitted):
        _written_to_partition_0(test_settings, topic)
        error = _read(web_app, topic)
        assert isinstance(error, KafkaError), f"web-app read {topic}"
        assert error.code() == KafkaError.TOPIC_AUTHORIZATION_FAILED, (topic, error)
    for topic in (topics.answers_approved, topics.requests_status):  # it can neither approve nor report
        denied = _write(web_app, topic)
        assert denied is not None and denied.code() == KafkaError.TOPIC_AUTHORIZATION_FAILED, topic
    assert _write(web_app, topics.prompts_requested) is None


def test_a_stage_writes_its_contracts_topics_only(
    test_settings: Settings, acls: ContractRegistry, principal: Principal
) -> None:
    infer = principal("infer")
    for topic in (
        test_settings.topics.answers_draft,
        test_settings.topics.dlq,
        test_settings.topics.requests_status,
    ):
        assert _write(infer, topic) is None, topic
    for topic in (test_settings.topics.answers_approved, test_settings.topics.audit):
        denied = _write(infer, topic)
        assert denied is not None and denied.code() == KafkaError.TOPIC_AUTHORIZATION_FAILED, topic
    # A stage the status contract does not name as a producer cannot report a request's step.
    denied = _write(principal("augment"), test_settings.topics.requests_status)
    assert denied is not None and denied.code() == KafkaError.TOPIC_AUTHORIZATION_FAILED


def test_a_client_without_credentials_gets_nothing(test_settings: Settings) -> None:
    anonymous = test_settings.model_copy(
        update={"security_protocol": "PLAINTEXT", "sasl_mechanism": None, "sasl_username": None}
    )
    with pytest.raises(KafkaException):
        AdminClient({**config.common(anonymous), "log_level": 0}).list_topics(timeout=3)
    wrong = test_settings.model_copy(update=kafka_login("web-app", "not-the-password"))
    with pytest.raises(KafkaException):
        AdminClient({**config.common(wrong), "log_level": 0}).list_topics(timeout=3)


def test_plan_is_empty_on_an_unchanged_cluster_and_removes_stale_acls(
    test_settings: Settings, acls: ContractRegistry, principal: Principal
) -> None:
    assert cluster.cluster_plan(test_settings, acls).unchanged
    # Someone grants web-app the drafts by hand: the plan names it, apply takes it away again.
    stale = Acl("web-app", "TOPIC", "LITERAL", test_settings.topics.answers_draft, "READ")
    client = AdminClient(config.common(test_settings))
    for future in client.create_acls([cluster._binding(stale)]).values():
        future.result()
    deadline = time.monotonic() + 15
    while stale not in cluster.existing(test_settings) and time.monotonic() < deadline:
        time.sleep(0.1)
    plan = cluster.cluster_plan(test_settings, acls)
    assert plan.remove == (stale,) and not plan.add
    assert cluster.apply(test_settings, acls).remove == (stale,)
    assert cluster.cluster_plan(test_settings, acls).unchanged
    _written_to_partition_0(test_settings, test_settings.topics.answers_draft)
    error = _read(principal("web-app"), test_settings.topics.answers_draft)
    assert isinstance(error, KafkaError) and error.code() == KafkaError.TOPIC_AUTHORIZATION_FAILED


def test_the_admin_is_a_super_user_without_acls(test_settings: Settings) -> None:
    assert test_settings.sasl_username == credentials.ADMIN
    assert _write(test_settings, test_settings.topics.answers_approved) is None


def _approval(trace_id: str) -> Envelope:
    payload = {
        "question": "q",
        "answer": "The excess is $500.",
        "citations": [],
        "model": "m",
        "template_version": "v1",
        "decision_id": "d",
        "obligations": [],
    }
    approved = {"type": "answer.approved", "contract": "answers.approved@1", "tenant": "default"}
    return Envelope(**approved, payload=payload, trace=Trace(trace_id))


def test_the_client_refuses_a_forged_approval_and_takes_a_signed_one(test_settings: Settings) -> None:
    registry = ContractRegistry.load(test_settings.contracts_dir, test_settings.topics)
    topic = test_settings.topics.answers_approved
    with GovernorClient(test_settings) as client:
        client.expect("forged-trace")
        # A super user writes a contract-valid approval that the release gate never signed.
        forger = GovernedProducer(test_settings, GovernedCodec(registry))
        forger.send(topic, _approval("forged-trace"))
        forger.flush()
        with pytest.raises(ApprovalRefused, match=r"forged-trace.*unsigned"):
            client.wait("forged-trace", timeout=30)
        client.expect("signed-trace")
        gate = GovernedProducer(test_settings, release_codec(test_settings, registry))
        gate.send(topic, _approval("signed-trace"))
        gate.flush()
        answer = client.wait("signed-trace", timeout=30)
    assert answer.outcome == "approved" and answer.text == "The excess is $500."


def test_opa_answers_401_without_the_token_and_refuses_policy_writes(test_settings: Settings) -> None:
    import requests

    assert test_settings.opa_url and test_settings.opa_token, "the test stack's OPA requires a token"
    url, token = test_settings.opa_url, test_settings.opa_token.get_secret_value()
    query = f"{url}/v1/data/governor/release/decision"
    assert requests.post(query, json={"input": {}}, timeout=5).status_code == 401
    wrong = {"Authorization": "Bearer not-the-token"}
    assert requests.post(query, json={"input": {}}, headers=wrong, timeout=5).status_code == 401
    bearer = {"Authorization": f"Bearer {token}"}
    assert requests.post(query, json={"input": {}}, headers=bearer, timeout=5).status_code == 200
    rogue = 'package governor.release\ndecision := {"allow": true}\n'
    put = requests.put(f"{url}/v1/policies/rogue", data=rogue, headers=bearer, timeout=5)
    assert put.status_code in (401, 403), "policies load from policies/ only, never by PUT"
    assert requests.get(f"{url}/health", timeout=5).status_code == 200


def test_a_refused_login_names_the_principal_at_once(test_settings: Settings) -> None:
    wrong = test_settings.model_copy(update=kafka_login("release", "not-the-password"))
    with pytest.raises(access.AccessDenied) as refused:
        access.check_login(wrong)  # a librdkafka timeout would be a GovernorError saying "did not answer"
    assert "refused the login of principal release" in str(refused.value)
    assert "not-the-password" not in str(refused.value)


def test_a_stage_refused_by_an_acl_stops_and_names_the_principal_and_operation(
    test_settings: Settings, acls: ContractRegistry, principal: Principal
) -> None:
    topics, infer = test_settings.topics, principal("infer")
    # Another stage's transactional id.
    with pytest.raises(access.AccessDenied, match=r"principal infer: WRITE transactional id \S*admission"):
        TransactionalProcessor(infer, "admission", [topics.prompts_admitted], lambda records: [])
    # A topic its contract does not let it read.
    reading = TransactionalProcessor(infer, "infer", [topics.prompts_requested], lambda records: [])
    with pytest.raises(access.AccessDenied, match=rf"principal infer: READ topic {topics.prompts_requested}"):
        reading.run(idle_exit_seconds=60)
    # Its own input, but an output outside its contract's producers: refused at commit, not retried.
    _written_to_partition_0(test_settings, topics.prompts_admitted)
    approve = [Output(topics.answers_approved, b"{}")]
    writing = TransactionalProcessor(infer, "infer", [topics.prompts_admitted], lambda records: approve)
    with pytest.raises(access.AccessDenied, match=rf"principal infer: WRITE topic {topics.answers_approved}"):
        writing.run(idle_exit_seconds=60)
