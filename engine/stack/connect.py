"""Kafka Connect (standalone) with the Debezium PostgreSQL connector: jars via mvn, run with java -cp.

Debezium reads PostgreSQL's logical replication stream (pgoutput) and writes one change event per
row change of the articles table to a raw CDC topic; the `cdc` stage turns those into docs.raw
envelopes under the topics' contracts.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from engine.errors import StackError
from engine.stack import maven, process
from engine.stack.kafka import KAFKA_VERSION, LOG4J_VERSION, SLF4J_VERSION

DEBEZIUM_VERSION = "3.6.1.Final"
CONNECTOR_NAME = "governor-articles"

_POM = f"""<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>dev.governor</groupId><artifactId>connect-runtime</artifactId><version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>connect-runtime</artifactId>
      <version>{KAFKA_VERSION}</version></dependency>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>connect-json</artifactId>
      <version>{KAFKA_VERSION}</version></dependency>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>connect-transforms</artifactId>
      <version>{KAFKA_VERSION}</version></dependency>
    <dependency><groupId>io.debezium</groupId><artifactId>debezium-connector-postgres</artifactId>
      <version>{DEBEZIUM_VERSION}</version></dependency>
    <dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-core</artifactId>
      <version>{LOG4J_VERSION}</version></dependency>
    <dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-slf4j2-impl</artifactId>
      <version>{LOG4J_VERSION}</version></dependency>
    <dependency><groupId>org.slf4j</groupId><artifactId>slf4j-api</artifactId>
      <version>{SLF4J_VERSION}</version></dependency>
  </dependencies>
</project>
"""

_LOG4J2 = """status = warn
appender.console.type = Console
appender.console.name = STDOUT
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = warn
rootLogger.appenderRef.stdout.ref = STDOUT
logger.debezium.name = io.debezium
logger.debezium.level = info
"""


@dataclass(frozen=True)
class ConnectorSource:
    """Where Debezium reads from and writes to."""

    pg_port: int
    database: str
    user: str
    password: str
    table: str  # schema-qualified, e.g. public.articles
    topic: str  # the raw CDC topic (renamed from Debezium's <prefix>.<schema>.<table>)
    slot: str = "governor_articles"
    publication: str = "governor_articles"


def install(cache: Path) -> Path:
    """Fetch Connect's and Debezium's jars once; returns the libs folder."""
    home = cache / f"connect-{KAFKA_VERSION}-debezium-{DEBEZIUM_VERSION}"
    return maven.fetch(home, _POM, _LOG4J2, f"Kafka Connect {KAFKA_VERSION} with Debezium {DEBEZIUM_VERSION}")


def worker_properties(
    bootstrap: str, rest_port: int, offsets: Path, login: tuple[str, str] | None = None
) -> dict[str, Any]:
    """A standalone worker: JSON values without Connect's schema wrapper, offsets in a local file; with a
    login, the worker and its producer authenticate with SASL/SCRAM as that principal."""
    return {
        **(_sasl(*login) if login else {}),
        "bootstrap.servers": bootstrap,
        "listeners": f"http://127.0.0.1:{rest_port}",
        "rest.advertised.host.name": "127.0.0.1",
        "key.converter": "org.apache.kafka.connect.json.JsonConverter",
        "value.converter": "org.apache.kafka.connect.json.JsonConverter",
        "key.converter.schemas.enable": "false",
        "value.converter.schemas.enable": "false",
        "offset.storage.file.filename": str(offsets),
        "offset.flush.interval.ms": "1000",
        "plugin.discovery": "only_scan",
        # Topics come from their contracts (`contracts provision`), never from the connector.
        "topic.creation.enable": "false",
        # Idempotent producer, every replica: a change event is written once per commit (barring a crash).
        "producer.enable.idempotence": "true",
        "producer.acks": "all",
    }


def _sasl(user: str, password: str) -> dict[str, str]:
    login = "org.apache.kafka.common.security.scram.ScramLoginModule required"
    jaas = f'{login} username="{user}" password="{password}";'
    conf = {
        "security.protocol": "SASL_PLAINTEXT",
        "sasl.mechanism": "SCRAM-SHA-512",
        "sasl.jaas.config": jaas,
    }
    return {f"{prefix}{k}": v for prefix in ("", "producer.", "consumer.", "admin.") for k, v in conf.items()}


def connector_config(source: ConnectorSource) -> dict[str, str]:
    """Debezium's PostgreSQL connector over pgoutput, the one table, renamed to our topic."""
    schema, _, table = source.table.partition(".")
    prefix = "governor_cdc"
    return {
        "name": CONNECTOR_NAME,
        "connector.class": "io.debezium.connector.postgresql.PostgresConnector",
        "tasks.max": "1",
        "plugin.name": "pgoutput",
        "database.hostname": "127.0.0.1",
        "database.port": str(source.pg_port),
        "database.user": source.user,
        "database.password": source.password,
        "database.dbname": source.database,
        "topic.prefix": prefix,
        "table.include.list": source.table,
        "slot.name": source.slot,
        "publication.name": source.publication,
        # The owner created the publication for exactly this table; the connector role cannot.
        "publication.autocreate.mode": "disabled",
        "snapshot.mode": "initial",
        "tombstones.on.delete": "false",
        "decimal.handling.mode": "string",
        "time.precision.mode": "connect",
        "transforms": "route",
        "transforms.route.type": "org.apache.kafka.connect.transforms.RegexRouter",
        "transforms.route.regex": f"{prefix}\\.{schema}\\.{table}",
        "transforms.route.replacement": source.topic,
    }


def start(
    libs: Path,
    run_dir: Path,
    bootstrap: str,
    source: ConnectorSource,
    heap_mb: int = 384,
    login: tuple[str, str] | None = None,
) -> int:
    """Start a standalone Connect worker running the Debezium connector; returns the REST port once
    the connector's task is RUNNING."""
    rest_port = process.free_port()
    home = run_dir / "connect"
    home.mkdir(parents=True, exist_ok=True)
    worker = home / "worker.properties"
    # Offsets per replication slot: a connector on a new slot must snapshot again, not resume.
    offsets = home / f"offsets-{source.slot}.dat"
    worker.write_text(_props(worker_properties(bootstrap, rest_port, offsets, login)))
    worker.chmod(0o600)  # may hold the principal's password
    connector = home / "connector.properties"
    connector.write_text(_props(connector_config(source)))
    connector.chmod(0o600)  # holds the replication role's password
    argv = [
        "java",
        f"-Xmx{heap_mb}m",
        "-XX:+UseSerialGC",
        "-XX:TieredStopAtLevel=1",
        "-Djava.awt.headless=true",
        f"-Dlog4j2.configurationFile={libs.parent / 'log4j2.properties'}",
        "-cp",
        f"{libs}/*",
        "org.apache.kafka.connect.cli.ConnectStandalone",
        str(worker),
        str(connector),
    ]
    pid = process.start_daemon("connect", argv, home)
    url = f"http://127.0.0.1:{rest_port}"
    process.wait_until(
        lambda: connector_state(url) == "RUNNING",
        "Kafka Connect (Debezium)",
        180,
        pid=pid,
        log=home / "connect.log",
    )
    (home / "connect.port").write_text(str(rest_port))
    return rest_port


def connector_state(url: str) -> str | None:
    """The state of the connector's first task (RUNNING, FAILED, ...), None while Connect is not up."""
    try:
        with urllib.request.urlopen(f"{url}/connectors/{CONNECTOR_NAME}/status", timeout=2) as resp:
            status = json.load(resp)
    except (OSError, urllib.error.URLError, ValueError):
        return None
    tasks = status.get("tasks") or []
    if tasks and tasks[0].get("state") == "FAILED":
        raise StackError(f"the Debezium connector task failed: {str(tasks[0].get('trace', ''))[:1500]}")
    return str(tasks[0].get("state")) if tasks else None


def wait_stopped(run_dir: Path, timeout: float = 30.0) -> bool:
    """Stop the worker (SIGTERM, so it flushes offsets and releases the replication slot)."""
    stopped = process.stop_daemon(run_dir / "connect", "connect", timeout=timeout)
    time.sleep(0.1)
    return stopped


def _props(values: dict[str, Any]) -> str:
    # Backslashes in values (the router's regex) must be doubled in a .properties file.
    return "".join(f"{k}={str(v).replace(chr(92), chr(92) * 2)}\n" for k, v in values.items())
