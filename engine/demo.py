"""`governor demo`: the whole governed pipeline on this machine, with real answers from local models.

Starts the local stack, provisions topics, runs every stage in this process, indexes the bundled
corpus of a fictional insurer, asks scripted questions, runs the underwriting workflow, and prints
each outcome with its reasons, then a summary."""

from __future__ import annotations

import statistics
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from engine import app, demo_data, metrics
from engine.client import Answer, AnswerTimeout, GovernorClient
from engine.contracts.codec import GovernedCodec
from engine.contracts.provision import provision
from engine.contracts.registry import ContractRegistry
from engine.envelope import Envelope, Trace
from engine.pipeline.publish import GovernedProducer
from engine.settings import REPO_ROOT, STAGES, Settings
from engine.stack import local, postgres

DEMO_DIR = REPO_ROOT / "demo"


def say(message: str = "") -> None:
    print(message, flush=True)


def corpus_events(corpus: Path) -> list[Envelope]:
    events = []
    for path in sorted(corpus.glob("*.md")):
        text = path.read_text()
        title = text.splitlines()[0].lstrip("# ").strip() if text else path.stem
        payload = {
            "doc_id": path.stem,
            "version": 1,
            "source": f"demo/corpus/{path.name}",
            "title": title,
            "text": text,
            "deleted": False,
        }
        events.append(
            Envelope(type="document.upserted", contract="docs.raw@1", tenant="harbor-mutual", payload=payload)
        )
    return events


class StageThreads:
    """Every stage as a thread of this process (they share one embedding model, LLM and vector store),
    each logged in as its own principal on the local stack, so the contracts' ACLs are all it has."""

    def __init__(
        self, settings: Settings, registry: ContractRegistry, stages: tuple[str, ...] = STAGES
    ) -> None:
        self.stop = threading.Event()
        self.errors: list[str] = []
        self.processors = {name: app.stage(name, local.login_as(settings, name), registry) for name in stages}
        self.threads = [threading.Thread(target=self._run, args=(n,), daemon=True, name=n) for n in stages]

    def _run(self, name: str) -> None:
        try:
            self.processors[name].run(stop=self.stop)
        except Exception as exc:  # reported in the summary; the other stages go on
            self.errors.append(f"{name}: {exc}")

    def __enter__(self) -> StageThreads:
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        for t in self.threads:
            t.join(30)


def wait_for_index(settings: Settings, doc_ids: set[str], timeout: float = 300) -> int:
    store = app.vector_store(settings, app.embedder(settings).dimension)
    started, last = time.monotonic(), -1
    while time.monotonic() - started < timeout:
        indexed = len(doc_ids & set(store.document_versions()))
        if indexed != last:
            say(f"  indexed {indexed}/{len(doc_ids)} documents ({store.count()} chunks)")
            last = indexed
        if indexed == len(doc_ids):
            return store.count()
        time.sleep(1)
    raise TimeoutError(f"only {last} of {len(doc_ids)} documents were indexed after {timeout:.0f}s")


def show(index: int, total: int, question: str, answer: Answer, expect: str = "", note: str = "") -> None:
    say(f"\n[{index}/{total}] Q: {question}")
    if answer.outcome == "approved":
        text = (answer.text or "").replace("\n", "\n      ")
        say(f"  APPROVED ({answer.seconds:.1f}s): {text}")
        if answer.citations:
            say(f"  cites: {', '.join(answer.citations)}")
    elif answer.outcome == "dlq":
        say(
            f"  DEAD-LETTERED by the {answer.gate} stage: "
            + "; ".join(f"{c} ({m})" for c, m in answer.reasons)
        )
    else:
        where = f"at the {answer.gate} gate" if answer.gate else ""
        say(
            f"  STOPPED {where} ({answer.seconds:.1f}s): "
            + "; ".join(f"{c} ({m})" for c, m in answer.reasons)
        )
    if expect == "approved" and answer.outcome != "approved":
        # The gate judged this draft, not the question: a true answer is approved, this one was not.
        source = f" ({note})" if note else ""
        say(f"  (a true answer is approved{source}; the local model's answer was not one)")
    elif expect:
        say(f"  (scripted as: {expect})")


def run(
    settings: Settings,
    start_stack: Callable[[Settings], Settings],
    keep_running: bool = False,
    serve_web: Callable[[Settings], str] | None = None,
) -> int:
    """The demo; `start_stack` starts (or reuses) Kafka and OPA and returns settings pointing at them;
    `serve_web` starts the web application (logged in as the web-app principal) and returns its URL."""
    say("Governor demo: a governed RAG assistant and underwriting workflow for Harbor Mutual (fictional)\n")
    say(
        "1/7 starting the local stack: Kafka, OPA, PostgreSQL with the operational data, Kafka Connect with "
        "Debezium (the first run installs them and the models into the cache)"
    )
    settings = start_stack(settings)
    registry = ContractRegistry.load(settings.contracts_dir, settings.topics)
    provision(settings, registry)
    revision = app.policy_revision(app.policy_client(settings))
    port = settings.metrics_port or metrics.DEFAULT_PORTS["demo"]
    metrics.serve(port, revision, registry.revision())
    say(
        f"  kafka {settings.bootstrap_servers}, opa {settings.opa_url}, metrics http://127.0.0.1:{port}/metrics"
    )

    say("2/7 starting the stages: " + ", ".join(STAGES) + " (loading the embedding model and the LLM)")
    with (
        StageThreads(settings, registry) as stages,
        GovernorClient(local.login_as(settings, "ask")) as client,
    ):
        producer = GovernedProducer(settings, GovernedCodec(registry))
        docs = corpus_events(DEMO_DIR / "corpus")
        say(
            f"3/7 indexing the {len(docs)} knowledge articles PostgreSQL holds: Debezium's snapshot -> "
            "cdc.articles -> cdc stage -> docs.raw -> augment (chunk, embed, quality-check, store)"
        )
        server = postgres.load(settings.run_dir)
        wait_for_index(settings, {d.payload["doc_id"] for d in docs})
        if server is not None:  # a run after an edit: start from the article as the corpus has it
            restored = demo_data.edit_article(server, old="21-day", new="14-day")
            wait_for_version(settings, demo_data.EDITED_ARTICLE, restored)

        script: list[dict[str, Any]] = yaml.safe_load((DEMO_DIR / "questions.yaml").read_text())
        say(
            f"4/7 asking {len(script)} scripted questions at once (the local LLM answers one at a time, "
            "so later answers include the wait)"
        )
        traces = [client.submit(q["question"], q.get("tenant", "default")) for q in script]
        answers: list[Answer] = []
        for i, (item, trace) in enumerate(zip(script, traces, strict=True), 1):
            if stages.errors:
                say("\n  a stage stopped, so no answer can come: " + "; ".join(stages.errors))
                break
            try:
                answer = client.wait(trace, timeout=300)
            except AnswerTimeout as exc:
                say(f"\n[{i}/{len(script)}] Q: {item['question']}: {exc}")
                continue
            answers.append(answer)
            show(i, len(script), item["question"], answer, item.get("expect", ""), item.get("note", ""))

        applications = [_application(item) for item in _jsonl(DEMO_DIR / "applications.jsonl")]
        say(
            f"\n5/7 underwriting workflow: {len(applications)} applications "
            "(LLM extracts facts -> risk model -> LLM explains -> release gate)"
        )
        client.listen()
        for application in applications:
            producer.send(
                settings.topics.workflow_applications, application, key=application.payload["application_id"]
            )
            client.expect(application.trace.trace_id)
        producer.flush()
        for i, application in enumerate(applications, 1):
            if stages.errors:
                say("\n  a stage stopped, so no answer can come: " + "; ".join(stages.errors))
                break
            try:
                answer = client.wait(application.trace.trace_id, timeout=300)
            except AnswerTimeout as exc:
                say(f"\n[{i}/{len(applications)}] {application.payload['application_id']}: {exc}")
                continue
            answers.append(answer)
            show(i, len(applications), f"explain the risk of {application.payload['application_id']}", answer)
        if settings.llm_backend == "local" and any(a.outcome == "dlq" for a in answers[-len(applications) :]):
            say(
                "\n  The 135M-parameter local model often misreads applications (amounts, flood zones);"
                "\n  the facts contract and the fact check stop such steps before any risk score exists."
                "\n  With GOVERNOR_LLM_BACKEND=openai and a capable model the chain runs to the release gate."
            )
        if not stages.errors:
            answers += _operational_data(settings, client, producer, server)
        _summary(answers, stages.errors, settings)
        if serve_web is not None:
            url = serve_web(settings)
            say(f"web:      {url} (sign in as demo / demo){'' if keep_running else ' while the demo runs'}")
        if keep_running:
            say('\nstages and the web application keep running (Ctrl-C stops them); `bin/governor ask "..."`')
            try:
                while True:
                    time.sleep(1)
            except KeyboardInterrupt:
                pass
    say(
        "\nthe stack is still up for you to explore: `bin/governor audit tail`, `bin/governor stack status`, "
        "`bin/governor stack down` to stop it"
    )
    return 1 if stages.errors else 0


def _operational_data(
    settings: Settings,
    client: GovernorClient,
    producer: GovernedProducer,
    server: postgres.PostgresServer | None,
) -> list[Answer]:
    """Steps 6 and 7: governed questions over PostgreSQL, then an article edited there reaching answers."""
    say(
        "\n6/7 questions over the operational database: the LLM writes SQL; sqlglot and Rego (governor.sql) "
        "check it; the tenant's row filter and a LIMIT go into the syntax tree; it runs read-only; the rows "
        "ground the answer, which the release gate decides"
    )
    answers = demo_data.run_data_questions(settings, client, producer, say)
    if server is None:
        return answers
    say(f"\n7/7 change data capture: the article {demo_data.EDITED_ARTICLE!r} is edited in PostgreSQL")
    before = client.ask(demo_data.EDIT_QUESTION, tenant="acme-insurance", timeout=300)
    show(1, 2, demo_data.EDIT_QUESTION + " (before the edit)", before)
    version = demo_data.edit_article(server)
    say(f"  UPDATE articles: 14-day -> 21-day cooling-off (version {version}); waiting for it to be indexed")
    wait_for_version(settings, demo_data.EDITED_ARTICLE, version)
    after = client.ask(demo_data.EDIT_QUESTION, tenant="acme-insurance", timeout=300)
    show(2, 2, demo_data.EDIT_QUESTION + " (after the edit)", after)
    if any(code == "grounding.contradicted" for code, _ in after.reasons):
        say("  the article retrieved now says 21 days: an answer still saying 14 contradicts it: stopped")
    return [*answers, before, after]


def wait_for_version(settings: Settings, doc_id: str, version: int, timeout: float = 120) -> None:
    store = app.vector_store(settings, app.embedder(settings).dimension)
    deadline = time.monotonic() + timeout
    while store.document_versions().get(doc_id) != version:
        if time.monotonic() > deadline:
            raise TimeoutError(f"{doc_id} version {version} was not indexed after {timeout:.0f}s")
        time.sleep(0.5)


def _jsonl(path: Path) -> list[dict[str, Any]]:
    import json

    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def _application(item: dict[str, Any]) -> Envelope:
    import uuid

    return Envelope(
        type="application.submitted",
        contract="workflow.applications@1",
        tenant="acme-insurance",
        payload={"application_id": item["application_id"], "text": item["text"]},
        trace=Trace(uuid.uuid4().hex),
    )


def _summary(answers: list[Answer], errors: list[str], settings: Settings) -> None:
    outcomes = Counter(a.outcome for a in answers)
    reasons = Counter(code for a in answers for code, _ in a.reasons)
    latencies = sorted(a.seconds for a in answers)
    say("\n== summary")
    say("outcomes: " + ", ".join(f"{n} {o}" for o, n in sorted(outcomes.items())))
    if reasons:
        say("reasons:  " + ", ".join(f"{c} x{n}" for c, n in reasons.most_common()))
    if latencies:
        say(
            f"latency:  p50 {statistics.median(latencies):.1f}s, max {latencies[-1]:.1f}s "
            "(question to decision)"
        )
    say(
        "metrics:  /metrics on 127.0.0.1:9470 "
        "(start Prometheus with `bin/governor stack up --with-prometheus`)"
    )
    say(
        "audit:    `bin/governor audit tail` shows every decision; "
        "`bin/governor audit verify` checks the chain"
    )
    for error in errors:
        say(f"STAGE FAILED: {error}")
    if errors:
        print("governor demo: a stage failed (see above)", file=sys.stderr)
