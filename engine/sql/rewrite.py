"""Limits injected into the syntax tree (never by string concatenation): tenant row filters and a LIMIT."""

from __future__ import annotations

from dataclasses import dataclass

from sqlglot import exp

from engine.sql.catalog import Catalog
from engine.sql.checker import DIALECT, real_tables


@dataclass(frozen=True)
class Governed:
    """The statement to execute and the filters that were injected (for the audit record)."""

    sql: str
    filters: tuple[str, ...]
    limit: int


def govern(tree: exp.Expr, catalog: Catalog, tenant: str, max_rows: int) -> Governed:
    """Replace every reference to a tenant table by a subquery that keeps only the tenant's rows,
    under the same alias, and cap the rows returned at max_rows."""
    if max_rows < 1:
        raise ValueError(f"max_rows must be positive, got {max_rows}")
    tree = tree.copy()
    filters = []
    for table in real_tables(tree):
        info = catalog.tables[table.name]
        if info.tenant_column is None:
            continue
        condition = exp.EQ(
            this=exp.column(info.tenant_column, table=info.name),
            expression=exp.Literal.string(tenant),  # a literal node: sqlglot quotes and escapes it
        )
        stored = exp.Table(this=exp.to_identifier(info.name), db=exp.to_identifier(catalog.schema_name))
        inner = exp.select("*").from_(stored).where(condition)
        alias = exp.TableAlias(this=exp.to_identifier(table.alias_or_name))
        table.replace(exp.Subquery(this=inner, alias=alias))
        filters.append(condition.sql(dialect=DIALECT))
    limited = _limit(tree, max_rows)
    return Governed(limited.sql(dialect=DIALECT, comments=False), tuple(sorted(set(filters))), max_rows)


def _limit(tree: exp.Expr, max_rows: int) -> exp.Expr:
    current = tree.args.get("limit")
    if isinstance(tree, exp.Select) and current is None:
        return tree.limit(max_rows)
    if (
        isinstance(tree, exp.Select)
        and isinstance(current, exp.Limit)
        and _int(current.expression) is not None
    ):
        return tree.limit(min(_int(current.expression) or 0, max_rows))
    # Set operations, FETCH FIRST, a computed LIMIT: keep the statement whole and limit around it.
    wrapped = exp.Subquery(this=tree, alias=exp.TableAlias(this=exp.to_identifier("governed")))
    return exp.select("*").from_(wrapped).limit(max_rows)


def _int(node: exp.Expr | None) -> int | None:
    if isinstance(node, exp.Literal) and not node.is_string and node.this.isdigit():
        return int(node.this)
    return None
