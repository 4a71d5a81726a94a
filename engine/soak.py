"""`governor soak`: traffic through the admission and release gates on three brokers, real OPA and a
scripted model endpoint, while members are killed (SIGKILL) and frozen (SIGSTOP past the session
timeout), a broker dies and comes back, and OPA and the model endpoint go down and come back. At the
end every output is read read_committed and each input must have been decided exactly once, with
nothing approved while a check could not run."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from confluent_kafka import Consumer, Producer, TopicPartition
from pydantic import SecretStr

from engine.contracts.registry import ContractRegistry
from engine.envelope import Envelope, Trace
from engine.kafka import config
from engine.kafka.admin import ensure_topics
from engine.models.scripted import ScriptedModel
from engine.settings import REPO_ROOT, Settings
from engine.stack import credentials, kafka, local, opa, process
from engine.trust import identity, keys
from engine.trust.provision import secure_local

GROUNDED = "The excess for water damage claims is $500."
CONTEXT = [
    {
        "id": "home-water#0",
        "text": "The excess for water damage claims is $500. Claims must be reported within 30 days.",
    }
]
OUTAGE_SECONDS = 20.0
FREEZE_SECONDS = 22.0  # past the 15 s session timeout
RATE_PER_SECOND = 4


@dataclass
class SoakReport:
    inputs: int = 0
    exactly_once: int = 0
    lost: int = 0
    duplicated: int = 0
    kills: int = 0
    approved_while_down: int = 0
    notes: list[str] = field(default_factory=list)

    def line(self) -> str:
        return (
            f"soak: {self.inputs} in, {self.exactly_once} decided exactly once, {self.lost} lost, "
            f"{self.duplicated} duplicated, {self.kills} kills, "
            f"{self.approved_while_down} approved while down"
        )

    @property
    def ok(self) -> bool:
        return self.inputs > 0 and not (self.lost or self.duplicated or self.approved_while_down)


class Members:
    """Stage members as separate processes (`python -m engine run STAGE`), so kills are real; `logs` is
    the stack's run folder, which also holds each stage principal's password."""

    def __init__(self, env: dict[str, str], logs: Path) -> None:
        self.env, self.logs = env, logs
        self.procs: dict[tuple[str, int], subprocess.Popen[bytes]] = {}

    def start(self, stage: str, instance: int) -> None:
        env = {
            **self.env,
            "GOVERNOR_SASL_USERNAME": stage,
            "GOVERNOR_SASL_PASSWORD": credentials.password(self.logs, stage),
            "GOVERNOR_INSTANCE_ID": str(instance),
            "GOVERNOR_METRICS_PORT": str(process.free_port()),
        }
        log = (self.logs / f"{stage}-{instance}.log").open("ab")
        self.procs[(stage, instance)] = subprocess.Popen(
            [sys.executable, "-m", "engine", "run", stage], cwd=REPO_ROOT, env=env, stdout=log, stderr=log
        )

    def signal(self, stage: str, instance: int, sig: signal.Signals) -> None:
        os.kill(self.procs[(stage, instance)].pid, sig)

    def kill_and_restart(self, stage: str, instance: int) -> None:
        proc = self.procs[(stage, instance)]
        proc.kill()
        proc.wait(30)
        self.start(stage, instance)

    def supervise(self) -> None:
        """What systemd does: a member that exited (fenced, or refused) is started again."""
        for (stage, instance), proc in list(self.procs.items()):
            if proc.poll() is not None:
                self.start(stage, instance)

    def stop(self) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGCONT)
                proc.terminate()
        for proc in self.procs.values():
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()


class Outages:
    """When OPA and the model endpoint were down (monotonic clock and wall clock)."""

    def __init__(self) -> None:
        self.windows: list[tuple[str, float, float]] = []  # what, wall-clock start, end

    def record(self, what: str, down: Callable[[], object], up: Callable[[], object], seconds: float) -> None:
        down()
        start = time.time()
        time.sleep(seconds)
        end = time.time()
        up()
        self.windows.append((what, start, end))

    def covering(self, when: float, needed_model_at: Callable[[float], bool]) -> str | None:
        """The outage during which a decision stamped ``when`` could not have been made, if any. OPA
        answers no decision from memory; the model's embeddings are cached by text, so a decision needs
        the model when its text had not been embedded before the outage began (`needed_model_at(start)`,
        from the model's own log). A second of margin at each end: a decision stamped just as a service
        stopped was made before it stopped."""
        for what, start, end in self.windows:
            if not start + 1 < when < end - 1:
                continue
            if what == "opa" or (what == "model" and needed_model_at(start)):
                return what
        return None


def run(settings: Settings, duration: float, say: Callable[[str], None] = print) -> SoakReport:
    cache, policies = settings.cache_dir, REPO_ROOT / "policies"
    run_dir = Path(tempfile.mkdtemp(prefix="governor-soak-"))
    report, stop_traffic = SoakReport(), threading.Event()
    model = ScriptedModel().start()
    say(f"soak: starting 3 brokers and OPA in {run_dir}")
    app_keys = identity.publish_local(settings.keys_path, policies, run_dir)
    state = local.up(cache, run_dir, policies, brokers=3, log=False, data_dirs=[app_keys])
    opa_binary, libs = opa.install(cache), kafka.install(cache)
    opa_port = int(state.opa_url.rsplit(":", 1)[1])
    suffix = str(int(time.time()))
    opa_token = credentials.load(run_dir)[credentials.OPA_TOKEN]
    soak = local.as_principal(
        settings.model_copy(
            update={
                "bootstrap_servers": state.bootstrap_servers,
                "opa_url": state.opa_url,
                "opa_token": SecretStr(opa_token),
                "group_prefix": f"soak-{suffix}",
            }
        ),
        run_dir,
        credentials.ADMIN,
    )
    registry = ContractRegistry.load(soak.contracts_dir, soak.topics)
    ensure_topics(soak, registry.topic_specs(), timeout=60)
    secure_local(soak, run_dir)  # each member logs in as its stage, with the contracts' ACLs only
    env = {
        **os.environ,
        "GOVERNOR_BOOTSTRAP_SERVERS": state.bootstrap_servers,
        "GOVERNOR_SECURITY_PROTOCOL": "SASL_PLAINTEXT",
        "GOVERNOR_SASL_MECHANISM": "SCRAM-SHA-512",
        "GOVERNOR_OPA_URL": state.opa_url,
        "GOVERNOR_OPA_TOKEN": opa_token,
        "GOVERNOR_GROUP_PREFIX": soak.group_prefix,
        "GOVERNOR_EMBEDDING_BACKEND": "openai",
        "GOVERNOR_EMBEDDING_URL": model.url,
        "GOVERNOR_BATCH_SIZE": "20",
        "GOVERNOR_OPA_RETRIES": "1",
        "GOVERNOR_LLM_BACKEND": "openai",
        "GOVERNOR_LLM_URL": model.url,
    }
    members = Members(env, run_dir)
    outages = Outages()
    sent: list[str] = []
    sent_at: dict[str, float] = {}
    try:
        for stage, instance in (("admission", 0), ("release", 0), ("release", 1)):
            members.start(stage, instance)
        traffic = threading.Thread(target=_traffic, args=(soak, sent, sent_at, stop_traffic), daemon=True)
        traffic.start()
        started = time.monotonic()

        def at(fraction: float) -> None:
            while time.monotonic() - started < fraction * duration:
                members.supervise()
                time.sleep(0.5)

        broker = state.brokers[1]
        schedule: list[tuple[float, str, Callable[[], None]]] = [
            (0.10, "SIGKILL admission", lambda: members.kill_and_restart("admission", 0)),
            (0.18, "SIGKILL release-0", lambda: members.kill_and_restart("release", 0)),
            (0.26, "SIGSTOP release-1 past the session timeout", lambda: _freeze(members, "release", 1)),
            (0.40, f"kill broker {broker.node_id}", lambda: _broker_down(run_dir, libs, broker)),
            (0.55, "SIGKILL release-1", lambda: members.kill_and_restart("release", 1)),
            (0.62, "stop OPA", lambda: outages.record(
                "opa", lambda: opa.kill(run_dir),
                lambda: opa.start(opa_binary, run_dir, policies, opa_port, data_dirs=[app_keys]),
                OUTAGE_SECONDS)),
            (0.75, "stop the model endpoint", lambda: outages.record(
                "model", model.stop, lambda: model.start() and None, OUTAGE_SECONDS)),
            (0.85, "SIGKILL admission", lambda: members.kill_and_restart("admission", 0)),
        ]  # fmt: skip
        for fraction, what, act in schedule:
            at(fraction)
            say(f"soak: t={time.monotonic() - started:.0f}s {what}")
            act()
            if what.startswith(("SIGKILL", "SIGSTOP")):
                report.kills += 1
        at(1.0)
        stop_traffic.set()
        traffic.join(30)
        say(f"soak: {len(sent)} sent; waiting for every one to be decided")
        decisions = _decisions(soak, set(sent), members)
    finally:
        stop_traffic.set()
        members.stop()
        model.stop()
        local.down(run_dir, quiet=True)
    counts = Counter({i: 0 for i in sent})
    for cause, _, _ in decisions:
        if cause in counts:
            counts[cause] += 1
    report.inputs = len(sent)
    report.exactly_once = sum(1 for n in counts.values() if n == 1)
    report.lost = sum(1 for n in counts.values() if n == 0)
    report.duplicated = sum(1 for n in counts.values() if n > 1)
    by_outage: Counter[str] = Counter()
    for cause, approved_at, gate in decisions:
        hit = None
        if approved_at is not None and cause in sent_at:
            marker = f"plan {_word(int(cause[1:]))}" if gate == "release" else None  # the draft's own words

            def needed_model_at(start: float, marker: str | None = marker) -> bool:
                return marker is not None and not model.embedded_before(marker, start)

            hit = outages.covering(approved_at, needed_model_at)
        if hit:
            report.approved_while_down += 1
            by_outage[f"{gate} during {hit}"] += 1
    if by_outage:
        say(f"soak: approved while down: {dict(by_outage)}")
    shutil.rmtree(run_dir, ignore_errors=True)
    return report


def _freeze(members: Members, stage: str, instance: int) -> None:
    members.signal(stage, instance, signal.SIGSTOP)
    time.sleep(FREEZE_SECONDS)
    members.signal(stage, instance, signal.SIGCONT)


def _broker_down(run_dir: Path, libs: Path, node: kafka.BrokerNode) -> None:
    process.kill_daemon(run_dir / f"kafka-{node.node_id}", f"kafka-{node.node_id}")
    time.sleep(OUTAGE_SECONDS)
    kafka.restart_node(libs, run_dir, node)


def _traffic(settings: Settings, sent: list[str], sent_at: dict[str, float], stop: threading.Event) -> None:
    """Prompts to the admission gate and drafts to the release gate, acknowledged by all in-sync replicas."""
    producer = Producer({**config.producer(settings), "acks": "all"})
    ask_key = keys.signing_key(settings.keys_path, "ask")  # prompts are signed, as the client signs them
    i = 0
    while not stop.is_set():
        for kind in ("p", "d"):
            ident = f"{kind}{i}"
            if kind == "p":
                env = Envelope(
                    type="prompt.requested",
                    contract="prompts.requested@1",
                    tenant="default",
                    payload={"question": "What is the water damage excess?", "user": "u"},
                    id=ident,
                )
                topic = settings.topics.prompts_requested
            else:
                # A text of its own per draft, which its passage words differently: the release gate must
                # ask the model endpoint for its embedding (no cache hit, and not a passage sentence word
                # for word, which grounding settles without one), so a model outage is a check that
                # cannot run.
                word = _word(i)
                sentence = GROUNDED.replace("claims", f"claims under plan {word}")
                source = f"Under plan {word} the excess for water damage claims is $500."
                payload = {
                    "question": "What is the water damage excess?",
                    "answer": sentence,
                    "context": [{"id": "home-water#0", "text": f"{source} {CONTEXT[0]['text']}"}],
                    "model": "scripted",
                    "template_version": "rag-answer@2",
                    "prompt_id": "p",
                }
                env = Envelope(
                    type="answer.draft",
                    contract="answers.draft@1",
                    tenant="default",
                    payload=payload,
                    id=ident,
                    trace=Trace(trace_id=ident),
                )
                topic = settings.topics.answers_draft
            value = env.to_bytes()
            signed: list[tuple[str, str | bytes | None]] = [
                *(identity.sign_request(value, ask_key) if topic == settings.topics.prompts_requested else [])
            ]
            producer.produce(
                topic,
                value,
                key=ident.encode(),
                headers=signed,
                on_delivery=_acknowledged(sent, ident),
            )
            sent_at[ident] = time.time()
        i += 1
        producer.poll(0)
        stop.wait(1 / RATE_PER_SECOND)
    producer.flush(120)


def _word(i: int) -> str:
    """A distinct word of letters for each number (digits would be claims the context must state)."""
    letters = ""
    while True:
        i, r = divmod(i, 26)
        letters += chr(ord("a") + r)
        if i == 0:
            return f"plan{letters}".replace("plan", "q")


def _acknowledged(sent: list[str], ident: str) -> Callable[[Any, Any], None]:
    """Counts an input as sent once every in-sync replica has it."""

    def delivered(err: Any, _msg: Any) -> None:
        if err is None:
            sent.append(ident)

    return delivered


def _decisions(
    settings: Settings, sent: set[str], members: Members, timeout: float = 300
) -> list[tuple[str, float | None, str]]:
    """(input id, approval wall time or None, gate) for every committed output, once all inputs are decided
    or the timeout passes."""
    t = settings.topics
    gates = {
        t.prompts_admitted: "admission",
        t.answers_approved: "release",
        t.answers_rejected: "",
        t.dlq: "",
    }
    consumer = Consumer(config.consumer(settings, f"{settings.group_prefix}.soak-reader"))
    assignment = []
    for topic in gates:
        parts = consumer.list_topics(topic, timeout=30).topics[topic].partitions
        assignment += [TopicPartition(topic, p, 0) for p in parts]
    consumer.assign(assignment)
    found: list[tuple[str, float | None, str]] = []
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline and not sent <= {f[0] for f in found}:
            members.supervise()
            for msg in consumer.consume(500, 1.0):
                if msg.error() or msg.value() is None:
                    continue
                found.append(_decision(Envelope.from_bytes(msg.value()), str(msg.topic()), gates))
        end = time.monotonic() + 5  # duplicates arrive late, if at all
        while time.monotonic() < end:
            for msg in consumer.consume(500, 0.5):
                if not msg.error() and msg.value() is not None:
                    found.append(_decision(Envelope.from_bytes(msg.value()), str(msg.topic()), gates))
    finally:
        consumer.close()
    return found


def _decision(env: Envelope, topic: str, gates: dict[str, str]) -> tuple[str, float | None, str]:
    gate = gates[topic]
    cause = env.trace.causation_id or ""
    if topic.startswith("governance.dlq") or gate == "":
        return cause, None, gate
    return cause, _wall(env.produced_at), gate


def _wall(produced_at: Any) -> float:
    from datetime import datetime

    return datetime.fromisoformat(str(produced_at)).timestamp()
