"""One governed statement: check (sqlglot) -> decide (Rego) -> inject limits (tree) -> run read-only.

"Denied" and "failed" are outcomes of their own with sql.* reasons: a caller can never mistake
them for an empty result. An unreachable OPA raises PolicyUnavailable (nothing runs; the stage
retries), it never becomes a verdict.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from engine.policy.decision import POLICY_ERROR, PolicyDecision, Reason
from engine.sql import checker, rewrite
from engine.sql.catalog import Catalog
from engine.sql.execute import QueryResult, SqlExecutionError

PACKAGE = "governor.sql"
GATE = "sql"


class Decider(Protocol):
    """What decides: engine.policy.client.PolicyClient, or a stand-in in unit tests."""

    def decide(self, package: str, inputs: list[dict[str, Any]], gate: str = "") -> list[PolicyDecision]: ...


Execute = Callable[[str], QueryResult]


@dataclass(frozen=True)
class SqlOutcome:
    """What happened to one statement; `verdict` is allowed, denied or failed."""

    verdict: str
    reasons: tuple[Reason, ...]
    check: checker.SqlCheck
    policy_revision: str
    tenant: str
    governed: rewrite.Governed | None = None
    result: QueryResult | None = None

    @property
    def allowed(self) -> bool:
        return self.verdict == "allowed"

    def audit(self) -> dict[str, Any]:
        """The `sql` block of the audit record: hashes, filters and counts, never the rows."""
        executed = self.governed.sql if self.governed else ""
        return {
            "verdict": self.verdict,
            "sql_sha256": self.check.sql_sha256,
            "executed_sql_sha256": hashlib.sha256(executed.encode()).hexdigest() if executed else None,
            "tables": list(self.check.tables),
            "injected_filters": list(self.governed.filters) if self.governed else [],
            "limit": self.governed.limit if self.governed else None,
            "row_count": len(self.result.rows) if self.result else None,
        }


def policy_input(check: checker.SqlCheck, catalog: Catalog, tenant: str) -> dict[str, Any]:
    """What Rego sees: findings, and every table and column used with its classification."""
    tables = [
        {
            "name": name,
            "classification": catalog.tables[name].classification if name in catalog.tables else None,
        }
        for name in check.tables
    ]
    columns = [
        {
            "table": use.table,
            "column": use.column,
            "usage": use.usage,
            "classification": catalog.tables[use.table].columns.get(use.column),
        }
        for use in check.columns
    ]
    return {
        "gate": GATE,
        "envelope": {"tenant": tenant},
        "findings": [{"code": f.code, "message": f.message} for f in check.findings],
        "tables": tables,
        "columns": columns,
    }


class SqlGovernor:
    """Governs model-written SQL for one catalogue and one database role."""

    def __init__(
        self,
        catalog: Catalog,
        policy: Decider,
        execute: Execute,
        *,
        max_rows: int = 50,
        policy_revision: str = "unknown",
    ) -> None:
        self.catalog, self.policy, self.execute = catalog, policy, execute
        self.max_rows, self.policy_revision = max_rows, policy_revision

    def run(self, sql: str, tenant: str) -> SqlOutcome:
        return self.run_many([sql], tenant)[0]

    def run_many(self, statements: Sequence[str], tenant: str) -> list[SqlOutcome]:
        """Check all, decide all in one OPA round trip, then run the allowed ones."""
        checks = [checker.check(s, self.catalog) for s in statements]
        decisions = self.policy.decide(
            PACKAGE, [policy_input(c, self.catalog, tenant) for c in checks], gate=GATE
        )
        return [self._finish(c, d, tenant) for c, d in zip(checks, decisions, strict=True)]

    def _finish(self, check: checker.SqlCheck, decision: PolicyDecision, tenant: str) -> SqlOutcome:
        base: dict[str, Any] = {"check": check, "policy_revision": self.policy_revision, "tenant": tenant}
        if not decision.allow:
            reasons = decision.reasons or (Reason(POLICY_ERROR, "the policy denied without a reason"),)
            return SqlOutcome("denied", reasons, **base)
        if check.findings or check.tree is None:
            # Rego allowed what the checker flagged: a broken policy; never run it.
            codes = ", ".join(f.code for f in check.findings) or "no syntax tree"
            return SqlOutcome(
                "denied", (Reason(POLICY_ERROR, f"policy allowed a flagged statement ({codes})"),), **base
            )
        governed = rewrite.govern(check.tree, self.catalog, tenant, self.max_rows)
        try:
            result = self.execute(governed.sql)
        except SqlExecutionError as exc:
            return SqlOutcome(
                "failed", (Reason(SqlExecutionError.code, str(exc)),), governed=governed, **base
            )
        return SqlOutcome("allowed", (), governed=governed, result=result, **base)
