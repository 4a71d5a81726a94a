"""`governor web bench --streams N`: one `governor web` process holding N concurrent event streams.

On fresh topics (deleted afterwards, with the contracts' ACLs for them): submit N questions through the
API, open N event streams, then write an `admitted` status and a signed approval for each request straight
to Kafka, as admission and the release gate would (no stages run: this measures the web tier, not the LLM),
and time each stream from the write to its `released` event. The instance logs in as the web app. The
baseline, measured in the same run, is the same with a single stream.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass

import httpx

from engine.contracts.registry import ContractRegistry
from engine.envelope import Envelope, Trace
from engine.errors import GovernorError
from engine.kafka.admin import delete_topics, ensure_topics
from engine.pipeline.publish import GovernedProducer
from engine.settings import Settings, Topics
from engine.trust import cluster
from engine.trust.approvals import release_codec
from engine.web import server

TIMEOUT = 120.0


@dataclass(frozen=True)
class Round:
    streams: int
    submit_seconds: float
    open_seconds: float
    latencies: list[float]
    failures: int

    def line(self) -> str:
        lat = sorted(self.latencies) or [float("nan")]
        p95 = lat[min(len(lat) - 1, int(len(lat) * 0.95))]
        return (
            f"{self.streams:4d} streams: submitted in {self.submit_seconds:.2f}s, all open in "
            f"{self.open_seconds:.2f}s, released delivered to {len(self.latencies)}/{self.streams} "
            f"(p50 {statistics.median(lat) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, "
            f"max {lat[-1] * 1000:.0f} ms), "
            f"failures {self.failures}"
        )


def run(settings: Settings, web: Settings, streams: int = 200) -> int:
    """`settings`: a login that may create topics and ACLs and write every topic (the local stack's admin);
    `web`: the web app's login, for the instance."""
    suffix = uuid.uuid4().hex[:8]
    topics = Topics(**{name: f"{f.default}.bench-{suffix}" for name, f in Topics.model_fields.items()})
    fresh = {"topics": topics, "group_prefix": f"bench-web-{suffix}"}
    settings, web = settings.model_copy(update=fresh), web.model_copy(update=fresh)
    registry = ContractRegistry.load(settings.contracts_dir, settings.topics)
    ensure_topics(settings, registry.topic_specs())
    secured = web.sasl_username is not None and web.sasl_username != settings.sasl_username
    if secured:  # the web app reads the bench's topics only with the contracts' ACLs for them
        cluster.apply(settings, registry)
    port = _free_port()
    instance = _start_instance(web, port)
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_healthy(base)
        token = server.signer(settings).issue("demo", "bearer", 3600)
        producer = GovernedProducer(settings, release_codec(settings, registry))
        baseline = asyncio.run(_round(base, token, producer, settings, 1))
        print(f"baseline {baseline.line()}", flush=True)
        loaded = asyncio.run(_round(base, token, producer, settings, streams))
        print(f"loaded   {loaded.line()}", flush=True)
        if baseline.latencies and loaded.latencies:
            ratio = statistics.median(loaded.latencies) / statistics.median(baseline.latencies)
            print(f"median delivery latency, {streams} streams vs 1: {ratio:.1f}x")
        return 0 if loaded.failures == 0 and len(loaded.latencies) == streams else 1
    finally:
        instance.terminate()
        instance.wait(15)
        if secured:
            cluster.apply(settings, ContractRegistry({}, {}))  # nothing wanted: the bench's ACLs go
        delete_topics(settings, [spec.name for spec in registry.topic_specs()])


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start_instance(settings: Settings, port: int) -> subprocess.Popen[bytes]:
    """A real `governor web` process, pointed at the bench's topics, with the web app's login, through the
    environment."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GOVERNOR_") or k == "GOVERNOR_CACHE"}
    env["GOVERNOR_CACHE"] = str(settings.cache_dir)
    env["GOVERNOR_STACK_NAME"] = settings.stack_name
    env["GOVERNOR_BOOTSTRAP_SERVERS"] = settings.bootstrap_servers or ""
    env["GOVERNOR_GROUP_PREFIX"] = settings.group_prefix
    env["GOVERNOR_SECURITY_PROTOCOL"] = settings.security_protocol
    password, ca = settings.sasl_password, settings.ssl_ca_location
    login = {
        "GOVERNOR_SASL_MECHANISM": settings.sasl_mechanism,
        "GOVERNOR_SASL_USERNAME": settings.sasl_username,
        "GOVERNOR_SASL_PASSWORD": password.get_secret_value() if password else None,
        "GOVERNOR_SSL_CA_LOCATION": str(ca) if ca else None,
    }
    env.update({k: v for k, v in login.items() if v is not None})
    for name in Topics.model_fields:
        env[f"GOVERNOR_TOPICS__{name.upper()}"] = getattr(settings.topics, name)
    argv = [sys.executable, "-m", "engine", "web", "--port", str(port)]
    return subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL)


def _wait_healthy(base: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/api/health", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.3)
    raise GovernorError(f"the web instance on {base} did not become healthy in {timeout:.0f}s")


async def _round(base: str, token: str, producer: GovernedProducer, settings: Settings, n: int) -> Round:
    auth = {"Authorization": f"Bearer {token}"}
    limits = httpx.Limits(max_connections=n + 20, max_keepalive_connections=n + 20)
    # Streams get their own connections: reusing the POSTs' idle keep-alive connections races the server
    # closing them (uvicorn's keep-alive timeout), which an EventSource would retry but this client would not.
    async with (
        httpx.AsyncClient(base_url=base, headers=auth, limits=limits, timeout=TIMEOUT) as client,
        httpx.AsyncClient(base_url=base, headers=auth, limits=limits, timeout=TIMEOUT) as streams,
    ):
        started = time.perf_counter()
        answers = await asyncio.gather(
            *(client.post("/api/ask", json={"question": f"bench question {i}?"}) for i in range(n))
        )
        submit_seconds = time.perf_counter() - started
        ids = [r.json()["request_id"] for r in answers if r.status_code == 202]
        for r in answers:
            if r.status_code != 202:
                _note(f"ask answered {r.status_code}: {r.text[:200]}")
        opened: set[str] = set()
        received: dict[str, float] = {}
        failures = [n - len(ids)]
        started = time.perf_counter()
        tasks = [asyncio.create_task(_follow(streams, rid, opened, received, failures)) for rid in ids]
        while len(opened) + failures[0] < n and time.perf_counter() - started < TIMEOUT:
            await asyncio.sleep(0.02)
        open_seconds = time.perf_counter() - started
        written = await asyncio.to_thread(_write_outcomes, producer, settings, ids)
        await asyncio.wait(tasks, timeout=TIMEOUT)
        for task in tasks:
            task.cancel()
    latencies = [received[rid] - written[rid] for rid in ids if rid in received]
    return Round(n, submit_seconds, open_seconds, latencies, failures[0])


async def _follow(
    client: httpx.AsyncClient, rid: str, opened: set[str], received: dict[str, float], failures: list[int]
) -> None:
    try:
        async with client.stream("GET", f"/api/ask/{rid}/events") as response:
            if response.status_code != 200:
                failures[0] += 1
                _note(f"stream answered {response.status_code}")
                return
            async for line in response.aiter_lines():
                opened.add(rid)
                if line.strip() == "event: released":
                    received[rid] = time.perf_counter()
                    return
    except httpx.HTTPError as exc:
        failures[0] += 1
        _note(f"stream failed: {type(exc).__name__}: {exc}")


def _note(problem: str) -> None:
    print(f"  {problem}", flush=True)


def _write_outcomes(producer: GovernedProducer, settings: Settings, ids: list[str]) -> dict[str, float]:
    """What admission and the release gate would write for each request (the approval signed as the gate
    signs it); the write time per request."""
    written: dict[str, float] = {}
    for rid in ids:
        trace = Trace(rid)
        admitted = Envelope(
            type="request.status",
            contract="requests.status@1",
            tenant="acme-insurance",
            payload={
                "phase": "admission",
                "status": "admitted",
                "reasons": [],
                "decision_id": f"d-{rid}",
                "model": None,
            },
            trace=trace,
        )
        approved = Envelope(
            type="answer.approved",
            contract="answers.approved@1",
            tenant="acme-insurance",
            payload={
                "question": "q?",
                "answer": "A bench answer.",
                "citations": ["doc:1:0"],
                "model": "bench",
                "template_version": "rag-answer@2",
                "decision_id": f"r-{rid}",
                "obligations": [],
            },
            trace=trace,
        )
        written[rid] = time.perf_counter()
        producer.send(settings.topics.requests_status, admitted, key=rid)
        producer.send(settings.topics.answers_approved, approved, key=rid)
    producer.flush()
    return written
