"""Apache Kafka in KRaft mode: broker jars from Maven Central (via mvn) into the cache, run with java -cp."""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid
from dataclasses import dataclass
from pathlib import Path

from engine.errors import StackError
from engine.stack import credentials, maven, process

KAFKA_VERSION = "4.1.1"
SCALA_VERSION = "2.13"
LOG4J_VERSION = "2.24.3"
SLF4J_VERSION = "2.0.17"

_POM = f"""<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>dev.governor</groupId><artifactId>kafka-runtime</artifactId><version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_{SCALA_VERSION}</artifactId>
      <version>{KAFKA_VERSION}</version></dependency>
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
logger.server.name = kafka.server.KafkaRaftServer
logger.server.level = info
"""


@dataclass(frozen=True)
class BrokerNode:
    """One KRaft node running as broker and controller."""

    node_id: int
    port: int
    controller_port: int


def install(cache: Path) -> Path:
    """Fetch the broker's jars once; returns the libs folder. A second call costs nothing."""
    return maven.fetch(cache / f"kafka-{KAFKA_VERSION}", _POM, _LOG4J2, f"Kafka {KAFKA_VERSION}")


def _java(libs: Path, heap_mb: int) -> list[str]:
    return [
        "java",
        f"-Xmx{heap_mb}m",
        f"-Xms{min(heap_mb, 256)}m",
        "-XX:+UseG1GC",
        "-Djava.awt.headless=true",
        f"-Dlog4j2.configurationFile={libs.parent / 'log4j2.properties'}",
        "-cp",
        f"{libs}/*",
    ]


def _jaas(module: str, user: str, password: str, users: dict[str, str] | None = None) -> str:
    extra = "".join(f' user_{name}="{secret}"' for name, secret in (users or {}).items())
    return f'{module} required username="{user}" password="{password}"{extra};'


def _security(secrets: dict[str, str]) -> dict[str, object]:
    """SCRAM-SHA-512 for clients and brokers, PLAIN between brokers and controllers, an authorizer that
    refuses whatever no ACL allows; the admin and controller principals are the only super users."""
    admin, controller = secrets[credentials.ADMIN], secrets[credentials.CONTROLLER]
    scram = "org.apache.kafka.common.security.scram.ScramLoginModule"
    plain = "org.apache.kafka.common.security.plain.PlainLoginModule"
    return {
        "sasl.enabled.mechanisms": "SCRAM-SHA-512",
        "sasl.mechanism.inter.broker.protocol": "SCRAM-SHA-512",
        "sasl.mechanism.controller.protocol": "PLAIN",
        "listener.name.client.scram-sha-512.sasl.jaas.config": _jaas(scram, credentials.ADMIN, admin),
        "listener.name.controller.sasl.enabled.mechanisms": "PLAIN",
        "listener.name.controller.plain.sasl.jaas.config": _jaas(
            plain, credentials.CONTROLLER, controller, {credentials.CONTROLLER: controller}
        ),
        "authorizer.class.name": "org.apache.kafka.metadata.authorizer.StandardAuthorizer",
        "allow.everyone.if.no.acl.found": "false",
        "super.users": ";".join(f"User:{name}" for name in credentials.SUPER_USERS),
    }


def _properties(node: BrokerNode, nodes: list[BrokerNode], data_dir: Path, secrets: dict[str, str]) -> str:
    replication = min(3, len(nodes))
    voters = ",".join(f"{n.node_id}@127.0.0.1:{n.controller_port}" for n in nodes)
    props = {
        "process.roles": "broker,controller",
        "node.id": node.node_id,
        "listeners": f"CLIENT://127.0.0.1:{node.port},CONTROLLER://127.0.0.1:{node.controller_port}",
        "advertised.listeners": f"CLIENT://127.0.0.1:{node.port}",
        "controller.listener.names": "CONTROLLER",
        "inter.broker.listener.name": "CLIENT",
        "listener.security.protocol.map": "CONTROLLER:SASL_PLAINTEXT,CLIENT:SASL_PLAINTEXT",
        **_security(secrets),
        "controller.quorum.voters": voters,
        "log.dirs": data_dir,
        "num.partitions": 3,
        "default.replication.factor": replication,
        "min.insync.replicas": 2 if replication == 3 else 1,
        "offsets.topic.replication.factor": replication,
        "transaction.state.log.replication.factor": replication,
        "transaction.state.log.min.isr": 2 if replication == 3 else 1,
        "share.coordinator.state.topic.replication.factor": replication,
        "share.coordinator.state.topic.min.isr": 2 if replication == 3 else 1,
        "group.initial.rebalance.delay.ms": 0,
        "auto.create.topics.enable": "false",
        "log.retention.hours": 168,
    }
    return "".join(f"{k}={v}\n" for k, v in props.items())


def start(libs: Path, run_dir: Path, brokers: int = 1, heap_mb: int = 512) -> list[BrokerNode]:
    """Format storage (first start only, with the admin's SCRAM credential) and start `brokers` secured
    KRaft nodes on free loopback ports. Passwords come from the stack's credential file."""
    nodes = [BrokerNode(i + 1, process.free_port(), process.free_port()) for i in range(brokers)]
    cluster_id = _cluster_id(run_dir)
    secrets = credentials.ensure(run_dir, ())
    java = _java(libs, heap_mb)
    for node in nodes:
        node_dir = run_dir / f"kafka-{node.node_id}"
        data_dir = node_dir / "data"
        node_dir.mkdir(parents=True, exist_ok=True)
        config = node_dir / "server.properties"
        credentials.write_private(config, _properties(node, nodes, data_dir, secrets))
        marker = data_dir / ".governor-scram"
        if (data_dir / "meta.properties").exists() and not marker.exists():
            # Storage formatted before the stack was secured holds no admin credential, and nothing
            # could log in: the local stack is disposable, so it starts again from empty storage.
            shutil.rmtree(data_dir)
        if not (data_dir / "meta.properties").exists():
            fmt = [
                *java,
                "kafka.tools.StorageTool",
                "format",
                "-t",
                cluster_id,
                "-c",
                str(config),
                "--ignore-formatted",
                "--add-scram",
                f"SCRAM-SHA-512=[name={credentials.ADMIN},password={secrets[credentials.ADMIN]}]",
            ]
            result = subprocess.run(fmt, capture_output=True, text=True)
            if result.returncode != 0:
                raise StackError(
                    f"formatting Kafka storage in {data_dir} failed: "
                    + credentials.scrub(result.stdout[-1500:] + result.stderr[-1500:], secrets)
                )
            marker.write_text("SCRAM-SHA-512 credential of the admin added at format\n")
        process.start_daemon(f"kafka-{node.node_id}", [*java, "kafka.Kafka", str(config)], node_dir)
    for node in nodes:
        node_dir = run_dir / f"kafka-{node.node_id}"
        process.wait_until(
            lambda n=node: process.port_open(n.port),  # type: ignore[misc]
            f"Kafka broker {node.node_id}",
            timeout=120,
            pid=process.read_pid(node_dir, f"kafka-{node.node_id}"),
            log=node_dir / f"kafka-{node.node_id}.log",
        )
    return nodes


def restart_node(libs: Path, run_dir: Path, node: BrokerNode, heap_mb: int = 512) -> None:
    """Start one node again with its existing config and data (for fault tests)."""
    node_dir = run_dir / f"kafka-{node.node_id}"
    process.start_daemon(
        f"kafka-{node.node_id}",
        [*_java(libs, heap_mb), "kafka.Kafka", str(node_dir / "server.properties")],
        node_dir,
    )
    process.wait_until(lambda: process.port_open(node.port), f"Kafka broker {node.node_id}", timeout=120)


def stop(run_dir: Path, nodes: list[BrokerNode]) -> None:
    for node in nodes:
        process.stop_daemon(run_dir / f"kafka-{node.node_id}", f"kafka-{node.node_id}")


def _cluster_id(run_dir: Path) -> str:
    """KRaft needs a base64 UUID shared by every node; kept so a restart reuses the storage."""
    path = run_dir / "kafka-cluster-id"
    if path.exists():
        return path.read_text().strip()
    import base64

    cid = "-"
    while cid.startswith("-"):  # as Kafka's Uuid.randomUuid: a leading "-" reads as an option (1 in 64)
        cid = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
    run_dir.mkdir(parents=True, exist_ok=True)
    path.write_text(cid)
    os.chmod(path, 0o644)
    return cid
