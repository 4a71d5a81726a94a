"""PostgreSQL 15 from Debian's package, run on loopback by us with the demo's operational data.

Three roles besides the bootstrap superuser: the owner of the schema and data, a read-only role
that governed SQL runs as, and the replication role the CDC connector uses. Passwords are random,
kept in <run_dir>/postgres/postgres.json (mode 0600) and never printed.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import pwd
import secrets
import shutil
import subprocess
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from engine.errors import StackError
from engine.settings import REPO_ROOT
from engine.stack import apt, process

if TYPE_CHECKING:
    import psycopg

PG_MAJOR = 15
PG_BIN = Path(f"/usr/lib/postgresql/{PG_MAJOR}/bin")
OPERATIONAL_DIR = REPO_ROOT / "demo" / "operational"
CORPUS_DIR = REPO_ROOT / "demo" / "corpus"
DATABASE = "governor_ops"
ADMIN, OWNER, READER, REPLICATOR = "governor_admin", "governor_owner", "governor_reader", "governor_cdc"
PUBLICATION = "governor_articles"
# What the read-only role may SELECT at all; the SQL policy narrows it further per tenant and column.
READER_TABLES = ("customers", "policies", "claims", "applications", "articles")


@dataclass(frozen=True)
class PostgresServer:
    """A running cluster: where it listens and the roles' passwords (from the 0600 state file)."""

    port: int
    data_dir: str
    passwords: dict[str, str]
    database: str = DATABASE

    def conninfo(self, role: str, database: str | None = None) -> str:
        """A libpq connection string for one of the roles (holds its password: never log it)."""
        if role not in self.passwords:
            raise StackError(f"no PostgreSQL role {role!r} in this stack (roles: {sorted(self.passwords)})")
        db = database or self.database
        return (
            f"host=127.0.0.1 port={self.port} dbname={db} user={role} "
            f"password={self.passwords[role]} connect_timeout=5"
        )

    def connect(
        self, role: str, database: str | None = None, autocommit: bool = True
    ) -> psycopg.Connection[Any]:
        import psycopg

        try:
            return psycopg.connect(self.conninfo(role, database), autocommit=autocommit)
        except psycopg.OperationalError as exc:
            raise StackError(
                f"cannot connect to PostgreSQL on 127.0.0.1:{self.port} as {role}: {exc}"
            ) from exc


def install() -> Path:
    """Debian's `postgresql` package once (without starting its service); the server's bin folder."""
    if not (PG_BIN / "postgres").exists():
        apt.install_packages(["postgresql"], what="PostgreSQL")
    if not (PG_BIN / "postgres").exists():
        raise StackError(f"apt-get installed 'postgresql' but {PG_BIN / 'postgres'} is still missing")
    return PG_BIN


def _pg_dir(run_dir: Path) -> Path:
    return run_dir / "postgres"


def _state_file(run_dir: Path) -> Path:
    return _pg_dir(run_dir) / "postgres.json"


def load(run_dir: Path) -> PostgresServer | None:
    """The server this run folder started, if any (whether or not it still answers)."""
    path = _state_file(run_dir)
    if not path.exists():
        return None
    return PostgresServer(**json.loads(path.read_text()))


def _as_server_user() -> list[str]:
    # postgres refuses to run as root: as root we run it (and initdb) as the package's `postgres` user.
    if os.geteuid() != 0:
        return []
    return ["runuser", "-u", "postgres", "--"]


def _data_dir(run_dir: Path) -> Path:
    """As root, outside the run folder (often under /root, which `postgres` cannot traverse)."""
    if os.geteuid() != 0:
        return _pg_dir(run_dir) / "data"
    digest = hashlib.sha256(str(run_dir.resolve()).encode()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / "governor-postgres" / digest


def _make_data_parent(data_dir: Path) -> None:
    data_dir.parent.mkdir(parents=True, exist_ok=True, mode=0o755)
    if os.geteuid() == 0:
        entry = pwd.getpwnam("postgres")
        os.chown(data_dir.parent, entry.pw_uid, entry.pw_gid)


def start(run_dir: Path, port: int | None = None, corpus_dir: Path = CORPUS_DIR) -> PostgresServer:
    """Start the cluster (initdb, roles, schema and data on first start) on 127.0.0.1."""
    bin_dir = install()
    pg_dir = _pg_dir(run_dir)
    pg_dir.mkdir(parents=True, exist_ok=True)
    data_dir = _data_dir(run_dir)
    previous = load(run_dir)
    fresh = not (data_dir / "PG_VERSION").exists()
    if fresh or previous is None:
        shutil.rmtree(data_dir, ignore_errors=True)
        passwords = {role: secrets.token_urlsafe(18) for role in (ADMIN, OWNER, READER, REPLICATOR)}
        _initdb(bin_dir, data_dir, passwords[ADMIN])
        fresh = True
    else:
        passwords = previous.passwords
    server = PostgresServer(port=port or process.free_port(), data_dir=str(data_dir), passwords=passwords)
    _write_state(run_dir, server)
    argv = [
        *_as_server_user(),
        str(bin_dir / "postgres"),
        "-D",
        str(data_dir),
        "-c",
        "listen_addresses=127.0.0.1",
        "-c",
        f"port={server.port}",
        "-c",
        "unix_socket_directories=",
        "-c",
        "wal_level=logical",
        "-c",
        "max_wal_senders=4",
        "-c",
        "max_replication_slots=4",
        "-c",
        "shared_buffers=32MB",
        "-c",
        "log_min_messages=warning",
    ]
    pid = process.start_daemon("postgres", argv, pg_dir)
    process.wait_until(lambda: _answers(server), "PostgreSQL", 60, pid=pid, log=pg_dir / "postgres.log")
    if fresh:
        provision(server, corpus_dir)
    return server


def _write_state(run_dir: Path, server: PostgresServer) -> None:
    path = _state_file(run_dir)
    path.touch(mode=0o600, exist_ok=True)
    path.chmod(0o600)
    path.write_text(json.dumps(asdict(server), indent=2))


def _initdb(bin_dir: Path, data_dir: Path, admin_password: str) -> None:
    _make_data_parent(data_dir)
    # The password file must be readable by the server user, and is removed at once.
    pwfile = data_dir.parent / f".pw-{secrets.token_hex(4)}"
    pwfile.write_text(admin_password + "\n")
    try:
        if os.geteuid() == 0:
            entry = pwd.getpwnam("postgres")
            os.chown(pwfile, entry.pw_uid, entry.pw_gid)
        pwfile.chmod(0o600)
        argv = [
            *_as_server_user(),
            str(bin_dir / "initdb"),
            "-D",
            str(data_dir),
            "-U",
            ADMIN,
            f"--pwfile={pwfile}",
            "--auth=scram-sha-256",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
        ]
        result = subprocess.run(argv, capture_output=True, text=True, cwd=data_dir.parent)
    finally:
        pwfile.unlink(missing_ok=True)
    if result.returncode != 0:
        raise StackError(f"initdb {data_dir} failed: {(result.stdout + result.stderr)[-1500:]}")


def _answers(server: PostgresServer) -> bool:
    if not process.port_open(server.port):
        return False
    try:
        server.connect(ADMIN, database="postgres").close()
    except StackError:
        return False
    return True


def provision(server: PostgresServer, corpus_dir: Path = CORPUS_DIR) -> None:
    """Roles, database, schema, data, articles, grants and the CDC publication (first start only)."""
    from psycopg import sql

    pw = server.passwords
    with server.connect(ADMIN, database="postgres") as admin:
        admin.execute(
            sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(sql.Identifier(OWNER), sql.Literal(pw[OWNER]))
        )
        admin.execute(
            sql.SQL("CREATE ROLE {} LOGIN NOINHERIT PASSWORD {}").format(
                sql.Identifier(READER), sql.Literal(pw[READER])
            )
        )
        admin.execute(
            sql.SQL("CREATE ROLE {} LOGIN REPLICATION PASSWORD {}").format(
                sql.Identifier(REPLICATOR), sql.Literal(pw[REPLICATOR])
            )
        )
        admin.execute(
            sql.SQL("CREATE DATABASE {} OWNER {}").format(sql.Identifier(DATABASE), sql.Identifier(OWNER))
        )
        # Belt and braces for generated SQL: read-only sessions with a timeout even if a caller forgets.
        admin.execute(
            sql.SQL("ALTER ROLE {} SET default_transaction_read_only = on").format(sql.Identifier(READER))
        )
        admin.execute(sql.SQL("ALTER ROLE {} SET statement_timeout = '5s'").format(sql.Identifier(READER)))
    with server.connect(ADMIN) as admin:
        admin.execute(sql.SQL("ALTER SCHEMA public OWNER TO {}").format(sql.Identifier(OWNER)))
        admin.execute("REVOKE ALL ON SCHEMA public FROM PUBLIC")
    with server.connect(OWNER, autocommit=False) as owner:
        owner.execute((OPERATIONAL_DIR / "schema.sql").read_text())  # type: ignore[arg-type]
        owner.execute((OPERATIONAL_DIR / "data.sql").read_text())  # type: ignore[arg-type]
        load_articles(owner, corpus_dir)
        owner.execute(
            sql.SQL("GRANT USAGE ON SCHEMA public TO {}, {}").format(
                sql.Identifier(READER), sql.Identifier(REPLICATOR)
            )
        )
        owner.execute(
            sql.SQL("GRANT SELECT ON {} TO {}").format(
                sql.SQL(", ").join(sql.Identifier(t) for t in READER_TABLES), sql.Identifier(READER)
            )
        )
        owner.execute(sql.SQL("GRANT SELECT ON articles TO {}").format(sql.Identifier(REPLICATOR)))
        owner.execute(sql.SQL("CREATE PUBLICATION {} FOR TABLE articles").format(sql.Identifier(PUBLICATION)))
        owner.commit()


def article_rows(corpus_dir: Path) -> list[tuple[str, str, str]]:
    """(article_id, title, body) for every markdown file: the same ids the demo's files produced."""
    rows = []
    for path in sorted(corpus_dir.glob("*.md")):
        text = path.read_text()
        title = text.splitlines()[0].lstrip("# ").strip() if text.strip() else path.stem
        rows.append((path.stem, title, text))
    return rows


def load_articles(conn: psycopg.Connection[Any], corpus_dir: Path) -> int:
    with conn.cursor() as cur:
        cur.executemany(
            "INSERT INTO articles (article_id, title, body) VALUES (%s, %s, %s)", article_rows(corpus_dir)
        )
        return cur.rowcount if cur.rowcount >= 0 else 0


def stop(run_dir: Path) -> bool:
    """Fast shutdown (SIGINT: clients are disconnected, replication slots kept)."""
    import signal

    pid = process.read_pid(_pg_dir(run_dir), "postgres")
    if pid is not None and process.pid_alive(pid):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pid, signal.SIGINT)
    return process.stop_daemon(_pg_dir(run_dir), "postgres")


def remove(run_dir: Path) -> None:
    """Stop the server and delete its data folder and state (tests' private clusters)."""
    stop(run_dir)
    server = load(run_dir)
    if server is not None:
        shutil.rmtree(server.data_dir, ignore_errors=True)
    _state_file(run_dir).unlink(missing_ok=True)
