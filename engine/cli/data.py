"""`governor sql check`: a statement through the data step's governance, with its verdict."""

from __future__ import annotations

import argparse
import json

from engine.cli.common import EXIT_OK, EXIT_STOPPED, Subparsers, on_stack
from engine.errors import ConfigError
from engine.settings import Settings


def _sql_check(args: argparse.Namespace, settings: Settings) -> int:
    from engine.app import policy_client, policy_revision
    from engine.sql.catalog import Catalog
    from engine.sql.execute import QueryResult, run_read_only
    from engine.sql.govern import SqlGovernor

    executed: list[str] = []

    def execute(statement: str) -> QueryResult:
        executed.append(statement)
        if not args.execute:
            return QueryResult((), ())
        if settings.postgres_conninfo is None:
            raise ConfigError(
                "no database: start the stack with --with-postgres or set GOVERNOR_POSTGRES_CONNINFO"
            )
        return run_read_only(
            settings.postgres_conninfo.get_secret_value(), statement, settings.sql_timeout_ms
        )

    settings = on_stack(settings)
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
    return EXIT_OK if outcome.allowed else EXIT_STOPPED


def register(sub: Subparsers) -> None:
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
