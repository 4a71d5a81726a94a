"""`governor stack up|down|status`: the local Kafka + OPA (+ Prometheus) and the state file naming them."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from pydantic import SecretStr

from engine import metrics
from engine.errors import StackError
from engine.settings import Settings
from engine.stack import credentials, kafka, opa, process


@dataclass
class StackState:
    """What a running local stack serves; written to <run_dir>/stack.json so every process finds it."""

    bootstrap_servers: str
    opa_url: str
    brokers: list[kafka.BrokerNode] = field(default_factory=list)
    prometheus_url: str | None = None
    postgres_port: int | None = None
    connect_url: str | None = None
    policies_dir: str | None = None  # the folder OPA serves: another checkout's stack is not reused

    @classmethod
    def load(cls, run_dir: Path) -> StackState | None:
        path = run_dir / "stack.json"
        if not path.exists():
            return None
        data = json.loads(path.read_text())
        brokers = [kafka.BrokerNode(**b) for b in data.pop("brokers", [])]
        return cls(brokers=brokers, **data)

    def save(self, run_dir: Path) -> None:
        run_dir.mkdir(parents=True, exist_ok=True)
        (run_dir / "stack.json").write_text(json.dumps(asdict(self), indent=2))


def up(
    cache: Path,
    run_dir: Path,
    policies_dir: Path,
    brokers: int = 1,
    log: bool = True,
    data_dirs: Sequence[Path] = (),
) -> StackState:
    """Install (cached) and start Kafka and OPA (policies_dir and data_dirs loaded, watched); a running
    stack is reused as it is."""
    current = status(run_dir)
    if current is not None and all(current.values()):
        state = StackState.load(run_dir)
        assert state is not None
        if state.policies_dir and Path(state.policies_dir) != policies_dir.resolve():
            raise StackError(
                f"the local stack in {run_dir} serves the policies of {state.policies_dir}, not "
                f"{policies_dir.resolve()}: stop it (`governor stack down`) or set GOVERNOR_STACK_NAME"
            )
        return state

    def say(msg: str) -> None:
        if log:
            print(f"governor stack: {msg}", flush=True)

    say(f"installing Kafka {kafka.KAFKA_VERSION} (cached in {cache})")
    libs = kafka.install(cache)
    say(f"installing OPA {opa.OPA_VERSION} (cached in {cache}; the first build takes a few minutes)")
    binary = opa.install(cache)
    down(run_dir, quiet=True)
    say(f"starting {brokers} Kafka broker(s) in KRaft mode")
    nodes = kafka.start(libs, run_dir, brokers=brokers)
    say("starting OPA with policies from " + str(policies_dir))
    token = credentials.ensure(run_dir, ())[credentials.OPA_TOKEN]
    opa_port = opa.start(binary, run_dir, policies_dir, token=token, data_dirs=data_dirs)
    state = StackState(
        bootstrap_servers=",".join(f"127.0.0.1:{n.port}" for n in nodes),
        opa_url=f"http://127.0.0.1:{opa_port}",
        brokers=nodes,
        policies_dir=str(policies_dir.resolve()),
    )
    state.save(run_dir)
    return state


def with_prometheus(run_dir: Path, state: StackState) -> StackState:
    """Start Prometheus (Debian's package) with Governor's rules, scraping every stage's metrics port."""
    from engine.stack import prometheus

    binary, _ = prometheus.install()
    targets = [f"127.0.0.1:{port}" for port in metrics.DEFAULT_PORTS.values()]
    port = prometheus.start(binary, run_dir, targets, prometheus.RULES_DIR)
    state.prometheus_url = f"http://127.0.0.1:{port}"
    state.save(run_dir)
    return state


def with_postgres(run_dir: Path, state: StackState) -> StackState:
    """Start PostgreSQL (Debian's package) with the operational data; `stack up --with-postgres`."""
    from engine.stack import postgres

    server = postgres.start(run_dir)
    state.postgres_port = server.port
    state.save(run_dir)
    return state


def with_connect(cache: Path, run_dir: Path, state: StackState, cdc_topic: str) -> StackState:
    """Start Kafka Connect with Debezium streaming the articles table into cdc_topic (which must exist:
    `contracts provision` creates it). Needs with_postgres first."""
    from engine.stack import connect, postgres

    server = postgres.load(run_dir)
    if server is None or state.postgres_port is None:
        raise StackError(
            "Kafka Connect streams from the stack's PostgreSQL: start it first (--with-postgres)"
        )
    source = connect.ConnectorSource(
        pg_port=server.port,
        database=server.database,
        user=postgres.REPLICATOR,
        password=server.passwords[postgres.REPLICATOR],
        table="public.articles",
        topic=cdc_topic,
    )
    login = ("debezium", credentials.password(run_dir, "debezium")) if credentials.load(run_dir) else None
    port = connect.start(connect.install(cache), run_dir, state.bootstrap_servers, source, login=login)
    state.connect_url = f"http://127.0.0.1:{port}"
    state.save(run_dir)
    return state


def status(run_dir: Path) -> dict[str, bool] | None:
    """Which of the stack's servers answer now; None when no stack was started here."""
    state = StackState.load(run_dir)
    if state is None:
        return None
    result = {f"kafka-{n.node_id}": process.port_open(n.port) for n in state.brokers}
    result["opa"] = opa.healthy(state.opa_url)
    if state.prometheus_url:
        port = int(state.prometheus_url.rsplit(":", 1)[1])
        result["prometheus"] = process.port_open(port)
    if state.postgres_port:
        result["postgres"] = process.port_open(state.postgres_port)
    if state.connect_url:
        result["connect"] = process.port_open(int(state.connect_url.rsplit(":", 1)[1]))
    return result


def down(run_dir: Path, quiet: bool = False) -> list[str]:
    """Stop what this stack started (found by its pid files), nothing else."""
    stopped = []
    from engine.stack import postgres

    # Connect first (it holds a replication connection), then PostgreSQL with a fast shutdown.
    if process.stop_daemon(run_dir / "connect", "connect"):
        stopped.append("connect")
    if postgres.stop(run_dir):
        stopped.append("postgres")
    for pidfile in sorted(run_dir.glob("*/*.pid")):
        name = pidfile.stem
        if process.stop_daemon(pidfile.parent, name):
            stopped.append(name)
    (run_dir / "stack.json").unlink(missing_ok=True)
    if not quiet:
        print(
            "governor stack: stopped "
            + (", ".join(stopped) if stopped else "nothing (no server was running)")
        )
    return stopped


def _opa_token(run_dir: Path) -> SecretStr | None:
    """The stack's OPA token; None for a stack started before OPA required one."""
    token = credentials.load(run_dir).get(credentials.OPA_TOKEN)
    return SecretStr(token) if token else None


def as_principal(settings: Settings, run_dir: Path, principal: str) -> Settings:
    """Settings that authenticate to the local stack in `run_dir` as `principal` (SCRAM-SHA-512)."""
    return settings.model_copy(
        update={
            "security_protocol": "SASL_PLAINTEXT",
            "sasl_mechanism": "SCRAM-SHA-512",
            "sasl_username": principal,
            "sasl_password": SecretStr(credentials.password(run_dir, principal)),
        }
    )


def login_as(settings: Settings, principal: str) -> Settings:
    """`settings` logged in as `principal` when they point at the local stack that issued its credentials;
    unchanged for any other cluster, where the operator's own settings say who logs in."""
    state = StackState.load(settings.run_dir)
    if state is None or settings.bootstrap_servers != state.bootstrap_servers:
        return settings
    if principal not in credentials.load(settings.run_dir):
        return settings
    return as_principal(settings, settings.run_dir, principal)


def endpoints(settings: Settings, principal: str = credentials.ADMIN) -> Settings:
    """Settings whose unset Kafka and OPA endpoints point at the local stack, when one was started here,
    authenticated as `principal` unless credentials are set already. Resolved at the edge (the CLI), so
    the engine itself only ever reads its settings."""
    if settings.bootstrap_servers and settings.opa_url:
        return settings
    state = StackState.load(settings.run_dir)
    if state is None:
        return settings
    pinned = settings.model_copy(
        update={
            "bootstrap_servers": settings.bootstrap_servers or state.bootstrap_servers,
            "opa_url": settings.opa_url or state.opa_url,
            "opa_token": settings.opa_token if settings.opa_url else _opa_token(settings.run_dir),
        }
    )
    pinned = with_database(pinned)
    if settings.bootstrap_servers or settings.sasl_username or not credentials.load(settings.run_dir):
        return pinned  # explicit login, or a stack started before it was secured
    return as_principal(pinned, settings.run_dir, principal)


def with_database(settings: Settings) -> Settings:
    """Settings naming the stack's PostgreSQL as the read-only role, when it runs and none is set."""
    from engine.stack import postgres

    server = postgres.load(settings.run_dir)
    if settings.postgres_conninfo is not None or server is None:
        return settings
    return settings.model_copy(update={"postgres_conninfo": SecretStr(server.conninfo(postgres.READER))})


def started(settings: Settings, principal: str = credentials.ADMIN) -> tuple[Settings, StackState]:
    """Start (or reuse) the local stack, and settings that point at it as `principal`."""
    state = up(settings.cache_dir, settings.run_dir, settings.policies_dir)
    pinned = {
        "bootstrap_servers": state.bootstrap_servers,
        "opa_url": state.opa_url,
        "opa_token": _opa_token(settings.run_dir),
    }
    return as_principal(with_database(settings.model_copy(update=pinned)), settings.run_dir, principal), state
