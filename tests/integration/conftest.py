"""Session fixtures for the operational-data tests: a real PostgreSQL (Debian's package) with the demo's
schema, data and roles, started once in a private run folder. A server that cannot start fails the
tests that need it; nothing is skipped."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from engine.stack import postgres


@pytest.fixture(scope="session")
def postgres_run_dir() -> Iterator[Path]:
    run_dir = Path(tempfile.mkdtemp(prefix="governor-test-postgres-"))
    yield run_dir


@pytest.fixture(scope="session")
def postgres_server(postgres_run_dir: Path) -> Iterator[postgres.PostgresServer]:
    server = postgres.start(postgres_run_dir)
    try:
        yield server
    finally:
        from engine.stack import connect

        connect.wait_stopped(postgres_run_dir)
        postgres.remove(postgres_run_dir)
