"""CLI commands for operational data: `governor sql check`; commands.register() adds them."""

from __future__ import annotations

import argparse
import json

from engine.settings import Settings


def reader_conninfo(settings: Settings) -> str:
    """The read-only role's libpq string: GOVERNOR_POSTGRES_CONNINFO, else the local stack's PostgreSQL."""
    from engine.errors import ConfigError
    from engine.stack import postgres

    if settings.postgres_conninfo is not None:
        return settings.postgres_conninfo.get_secret_value()
    server = postgres.load(settings.run_dir)
    if server is None:
        raise ConfigError(
            f"no PostgreSQL in {settings.run_dir}: start the stack with --with-postgres "
            "or set GOVERNOR_POSTGRES_CONNINFO"
        )
    return server.conninfo(postgres.READER)


def _sql_check(args: argparse.Namespace, settings: Settings) -> int:
    from engine.gates.runner import policy_client, policy_revision
    from engine.sql.catalog import Catalog
    from engine.sql.execute import QueryResult, run_read_only
    from engine.sql.govern import SqlGovernor

    executed: list[str] = []

    def execute(statement: str) -> QueryResult:
        executed.append(statement)
        if not args.execute:
            return QueryResult((), ())
        return run_read_only(reader_conninfo(settings), statement, settings.sql_timeout_ms)

    policy = policy_client(settings)
    governor = SqlGovernor(
        Catalog.load(settings.sql_catalog),
        policy,
        execute,
        max_rows=settings.sql_max_rows,
        policy_revision=policy_revision(policy),
    )
    outcome = governor.run(args.sql, args.tenant)
    if args.json:
        print(json.dumps({**outcome.audit(), "reasons": [r.__dict__ for r in outcome.reasons]}))
    else:
        print(f"verdict: {outcome.verdict}")
        for reason in outcome.reasons:
            print(f"  {reason.code}: {reason.message}")
        print(f"sql sha256: {outcome.check.sql_sha256}  policy revision: {outcome.policy_revision}")
        if outcome.governed is not None:
            print(f"governed:   {outcome.governed.sql}")
        if args.execute and outcome.result is not None:
            print(outcome.result.as_text(max_rows=settings.sql_max_rows))
    return 0 if outcome.allowed else 3


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    sql = sub.add_parser("sql", help="governed SQL over the operational database").add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    check = sql.add_parser(
        "check",
        help="check a statement as the data step would (sqlglot, Rego governor.sql) and print the verdict",
        description="Exit 0 when allowed, 3 when denied or failed. With --execute the governed statement "
        "runs on the stack's PostgreSQL as the read-only role.",
    )
    check.add_argument("sql", help="one SQL statement")
    check.add_argument("--tenant", default="acme-insurance", help="tenant whose rows and grants apply")
    check.add_argument("--execute", action="store_true", help="run the governed statement and print rows")
    check.add_argument("--json", action="store_true", help="print the audit facts as JSON")
    check.set_defaults(func=_sql_check)
