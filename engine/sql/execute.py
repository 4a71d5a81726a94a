"""Run a governed statement as the read-only role, in a READ ONLY transaction with a statement timeout."""

from __future__ import annotations

import datetime
import decimal
from dataclasses import dataclass
from typing import Any

from engine.errors import GovernorError


class SqlExecutionError(GovernorError):
    """The database refused or could not finish the statement (timeout, permission, bad plan)."""

    code = "sql.execution_error"


@dataclass(frozen=True)
class QueryResult:
    """Column names and rows, values made JSON-friendly (dates and decimals as text)."""

    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]

    def as_text(self, max_rows: int = 20) -> str:
        """The rows as lines `col=value; ...`: the context an answer must be grounded in."""
        lines = ["; ".join(f"{c}={v}" for c, v in zip(self.columns, row, strict=True)) for row in self.rows]
        return "\n".join(lines[:max_rows]) if lines else "(no rows)"


def _plain(value: Any) -> Any:
    if isinstance(value, decimal.Decimal):
        return format(value, "f")
    if isinstance(value, datetime.date | datetime.datetime | datetime.time):
        return value.isoformat()
    return value


def run_read_only(conninfo: str, statement: str, timeout_ms: int = 2000) -> QueryResult:
    """Execute one SELECT; nothing it could try to write survives (READ ONLY, then rolled back)."""
    import psycopg
    from psycopg import sql

    try:
        with psycopg.connect(conninfo, autocommit=False) as conn:
            conn.read_only = True
            with conn.cursor() as cur:
                cur.execute(sql.SQL("SET LOCAL statement_timeout = {}").format(sql.Literal(int(timeout_ms))))
                cur.execute(statement.encode())
                columns = tuple(d.name for d in cur.description or ())
                rows = tuple(tuple(_plain(v) for v in row) for row in cur.fetchall())
            conn.rollback()
    except psycopg.Error as exc:
        # The driver's message names the relation or the timeout; it never holds the password.
        raise SqlExecutionError(
            f"PostgreSQL refused the governed statement: {str(exc).strip()[:300]}"
        ) from exc
    return QueryResult(columns, rows)
