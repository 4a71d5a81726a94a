"""Hypothesis properties of the SQL checker and the tree rewrite."""

from __future__ import annotations

import sqlglot
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlglot import exp

from engine.sql import checker, rewrite
from engine.sql.catalog import Catalog

CATALOG = Catalog.load()
ALLOWED_SELECTS = [
    "SELECT status, count(*) FROM claims GROUP BY status",
    "SELECT c.peril, sum(c.amount) FROM claims c JOIN policies p ON p.policy_id = c.policy_id "
    "GROUP BY c.peril",
    "SELECT title FROM articles WHERE body ILIKE '%flood%'",
    "WITH o AS (SELECT * FROM claims WHERE status = 'open') SELECT count(*) FROM o",
    "SELECT application_id FROM applications UNION SELECT policy_id FROM policies",
    "SELECT region, count(DISTINCT email) FROM customers GROUP BY region",
]
WRITES = [
    "DELETE FROM claims",
    "UPDATE claims SET amount = 0",
    "INSERT INTO articles (article_id, title, body) VALUES ('a', 'b', 'c')",
    "DROP TABLE claims",
    "TRUNCATE claims",
    "SELECT pg_sleep(5)",
    "SELECT pg_read_file('/etc/passwd')",
    "SELECT * INTO t FROM claims",
]
SEPARATORS = st.sampled_from([";", "; ", ";\n", " ; -- x\n", "/* c */;", ";/**/"])


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_any_text_is_rejected_or_a_single_query(text: str) -> None:
    result = checker.check(text, CATALOG)
    assert result.findings or (
        result.tree is not None and isinstance(result.tree, exp.Select | exp.SetOperation)
    )
    for f in result.findings:
        assert f.code.startswith("sql.")


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(ALLOWED_SELECTS), SEPARATORS, st.sampled_from(WRITES))
def test_stacked_writes_never_pass(select: str, sep: str, write: str) -> None:
    codes = {f.code for f in checker.check(select + sep + write, CATALOG).findings}
    assert "sql.statement_count" in codes


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(WRITES), st.sampled_from(["d", "x", "cte"]))
def test_writes_inside_with_never_pass(write: str, name: str) -> None:
    sql = f"WITH {name} AS ({write} RETURNING 1) SELECT count(*) FROM {name}"
    assert checker.check(sql, CATALOG).findings


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(ALLOWED_SELECTS), st.text(min_size=1, max_size=40), st.integers(1, 500))
def test_rewrite_always_filters_every_tenant_table_and_caps_rows(
    select: str, tenant: str, max_rows: int
) -> None:
    result = checker.check(select, CATALOG)
    assert result.tree is not None
    governed = rewrite.govern(result.tree, CATALOG, tenant, max_rows)
    statements = sqlglot.parse(governed.sql, read="postgres")
    assert len(statements) == 1 and statements[0] is not None
    tree = statements[0]
    # Every stored tenant table is read only through a subquery filtered on exactly this tenant.
    for table in tree.find_all(exp.Table):
        info = CATALOG.tables.get(table.name)
        if info is None or info.tenant_column is None:
            continue
        inner = table.find_ancestor(exp.Select)
        assert inner is not None
        where = inner.args.get("where")
        assert where is not None
        (condition,) = where.find_all(exp.EQ)
        assert condition.expression.this == tenant
    limit = tree.args.get("limit")
    assert isinstance(limit, exp.Limit) and int(limit.expression.this) <= max_rows
