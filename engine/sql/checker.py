"""Parse model-written SQL with sqlglot and report what it does: findings (sql.* codes) and column use.

The checker reports; Rego (policies/sql/) decides. Anything the checker cannot understand is a
finding, so a query runs only when it is one plain SELECT over catalogued tables and columns,
calling only allow-listed functions.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field

import sqlglot
from sqlglot import exp
from sqlglot.errors import OptimizeError, SqlglotError
from sqlglot.optimizer.qualify import qualify
from sqlglot.optimizer.scope import Scope, traverse_scope
from sqlglot.tokens import Tokenizer

from engine.sql.catalog import Catalog

DIALECT = "postgres"
MAX_SQL_CHARS = 4000

# Escape hatches out of a read-only SELECT: files, large objects, other servers, sleeping, settings,
# and functions that run SQL given as a string (so it would never be checked).
DENIED_FUNCTIONS = frozenset(
    {
        "pg_read_file", "pg_read_binary_file", "pg_ls_dir", "pg_stat_file", "pg_ls_logdir", "pg_ls_waldir",
        "lo_import", "lo_export", "lo_get", "lo_put", "lo_open", "lo_create", "lo_unlink", "lo_from_bytea",
        "dblink", "dblink_exec", "dblink_connect", "dblink_open", "dblink_send_query",
        "pg_sleep", "pg_sleep_for", "pg_sleep_until",
        "pg_terminate_backend", "pg_cancel_backend", "pg_reload_conf", "pg_rotate_logfile",
        "set_config", "current_setting", "pg_logical_emit_message", "pg_advisory_lock",
        "query_to_xml", "query_to_xml_and_xmlschema", "cursor_to_xml", "table_to_xml",
        "schema_to_xml", "database_to_xml", "xpath", "nextval", "setval", "txid_current",
        "copy", "version", "inet_server_addr", "pg_backend_pid", "current_user", "session_user",
    }
)  # fmt: skip

# Everything else must be on this list (sqlglot's expression key, or the name of an unknown function).
ALLOWED_FUNCTIONS = frozenset(
    {
        "count", "sum", "avg", "min", "max", "round", "abs", "floor", "ceil", "coalesce", "nullif",
        "greatest", "least", "lower", "upper", "length", "trim", "substring", "concat", "extract",
        "timestamptrunc", "datetrunc", "date_trunc", "cast", "trycast", "currentdate", "currenttimestamp",
        "case", "if", "stddev", "stddevsamp", "stddevpop", "variance", "percentilecont", "countif",
        "dateadd", "datesub", "datediff", "tochar", "interval",
    }
)  # fmt: skip

# Aggregates that summarise without returning a member's value; MIN/MAX/ARRAY_AGG/STRING_AGG return
# values themselves, so a PII column inside them counts as selected raw.
SUMMARISING = (exp.Count, exp.Avg, exp.Sum, exp.Stddev, exp.StddevPop, exp.StddevSamp, exp.Variance)

_KEYWORDS = frozenset(Tokenizer.KEYWORDS)
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Finding:
    """Something about the statement that the policy must see; `code` is a stable sql.* code."""

    code: str
    message: str


@dataclass(frozen=True)
class ColumnUse:
    """A catalogued column and where the query uses it: select, filter, group, order or aggregate."""

    table: str
    column: str
    usage: str


@dataclass
class SqlCheck:
    """The checker's report on one statement; `tree` is the qualified syntax tree when it parsed."""

    sql: str
    findings: list[Finding] = field(default_factory=list)
    tables: list[str] = field(default_factory=list)
    columns: list[ColumnUse] = field(default_factory=list)
    tree: exp.Expr | None = None

    @property
    def canonical_sql(self) -> str:
        """The statement as sqlglot renders it, comments dropped: what the hash identifies."""
        return self.tree.sql(dialect=DIALECT, comments=False) if self.tree is not None else ""

    @property
    def sql_sha256(self) -> str:
        """SHA-256 of the canonical SQL, or of the raw text when it did not parse."""
        return hashlib.sha256((self.canonical_sql or self.sql).encode()).hexdigest()

    def add(self, code: str, message: str) -> None:
        if Finding(code, message) not in self.findings:
            self.findings.append(Finding(code, message))


def check(sql: str, catalog: Catalog) -> SqlCheck:
    """Every finding for one statement of model-written SQL against the catalogue."""
    result = SqlCheck(sql=sql)
    if len(sql) > MAX_SQL_CHARS:
        result.add("sql.too_long", f"the statement is {len(sql)} characters (at most {MAX_SQL_CHARS})")
        return result
    try:
        statements = [s for s in sqlglot.parse(sql, read=DIALECT) if s is not None]
    except SqlglotError as exc:
        result.add("sql.parse_error", f"sqlglot cannot parse the statement: {str(exc)[:200]}")
        return result
    if len(statements) != 1:
        result.add("sql.statement_count", f"expected exactly one statement, got {len(statements)}")
        return result
    tree = statements[0]
    _check_structure(tree, result)
    _check_functions(tree, result)
    if result.findings:
        return result
    _qualify(tree, catalog, result)
    return result


def _check_structure(tree: exp.Expr, result: SqlCheck) -> None:
    if isinstance(tree, exp.Command):
        # sqlglot falls back to a Command for statements it does not model (and for nonsense).
        verb = str(tree.this).upper()
        if verb == "EXPLAIN":
            result.add("sql.explain", "EXPLAIN statements are not allowed, only one SELECT")
        elif verb in _KEYWORDS and verb not in ("SELECT", "WITH"):
            result.add("sql.not_select", f"{verb} statements are not allowed, only one SELECT")
        else:
            result.add("sql.parse_error", f"sqlglot cannot parse a statement starting {verb[:20]!r}")
        return
    if not isinstance(tree, exp.Select | exp.SetOperation):
        result.add("sql.not_select", f"the statement is {tree.key.upper()}, not SELECT")
    for node in tree.walk():
        if isinstance(node, exp.DML | exp.DDL | exp.Command | exp.Merge | exp.Copy | exp.TruncateTable):
            where = "sql.dml_in_cte" if node.find_ancestor(exp.CTE) is not None else "sql.not_select"
            result.add(where, f"{node.key.upper()} inside the statement")
        elif isinstance(node, exp.Into):
            result.add("sql.select_into", "SELECT ... INTO writes a table")
        elif isinstance(node, exp.Lock):
            result.add("sql.locking", "FOR UPDATE/SHARE takes row locks")
        elif isinstance(node, exp.Placeholder | exp.Parameter):
            result.add("sql.parameter", "placeholders and parameters are not allowed")


def function_name(node: exp.Func) -> str:
    return node.name.lower() if isinstance(node, exp.Anonymous) else node.key.lower()


def _check_functions(tree: exp.Expr, result: SqlCheck) -> None:
    for node in tree.find_all(exp.Func):
        name = function_name(node)
        if name in DENIED_FUNCTIONS:
            result.add("sql.function_denied", f"{name}() is an escape hatch out of a read-only query")
        elif name not in ALLOWED_FUNCTIONS:
            result.add("sql.function_not_allowed", f"{name}() is not on the allow-list")


def _qualify(tree: exp.Expr, catalog: Catalog, result: SqlCheck) -> None:
    cte_names = {cte.alias_or_name for cte in tree.find_all(exp.CTE)}
    for table in tree.find_all(exp.Table):
        if table.catalog or (table.db and table.db != catalog.schema_name):
            result.add(
                "sql.unknown_table", f"{table.sql(dialect=DIALECT)} is outside schema {catalog.schema_name}"
            )
        elif table.name not in catalog.tables and (table.db or table.name not in cte_names):
            result.add("sql.unknown_table", f"{table.name} is not in the catalogue")
    if result.findings:
        return
    try:
        qualified = qualify(
            tree,
            schema=dict[str, object](catalog.sqlglot_schema()),
            dialect=DIALECT,
            validate_qualify_columns=True,
            identify=False,
        )
    except OptimizeError as exc:
        code = "sql.unknown_table" if "table" in str(exc).lower() else "sql.unknown_column"
        result.add(code, f"names do not resolve against the catalogue: {str(exc)[:200]}")
        return
    except SqlglotError as exc:
        result.add("sql.parse_error", f"sqlglot cannot analyse the statement: {str(exc)[:200]}")
        return
    result.tree = qualified
    _uses(qualified, catalog, result)


def real_tables(tree: exp.Expr) -> list[exp.Table]:
    """The table references that name stored tables (not CTEs or derived tables), in every scope."""
    found: dict[int, exp.Table] = {}
    for scope in traverse_scope(tree):
        for source in scope.sources.values():
            if isinstance(source, exp.Table):
                found[id(source)] = source
    return list(found.values())


def _uses(tree: exp.Expr, catalog: Catalog, result: SqlCheck) -> None:
    names = set()
    for table in real_tables(tree):
        if table.name not in catalog.tables:
            result.add("sql.unknown_table", f"{table.name} is not in the catalogue")
        names.add(table.name)
    result.tables = sorted(names)
    uses: set[ColumnUse] = set()
    for scope in traverse_scope(tree):
        for column in scope.columns:
            source = scope.sources.get(column.table)
            if isinstance(source, exp.Table) and source.name in catalog.tables:
                uses.add(ColumnUse(source.name, column.name, _usage(column, scope)))
        # count(*) and friends read no column; a bare `*` was expanded by the qualifier.
    result.columns = sorted(uses, key=lambda u: (u.table, u.column, u.usage))


def _usage(column: exp.Column, scope: Scope) -> str:
    node: exp.Expr = column
    while node.parent is not None and node is not scope.expression:
        if isinstance(node.parent, SUMMARISING):
            return "aggregate"
        if node.parent is scope.expression:
            return {
                "expressions": "select",
                "where": "filter",
                "joins": "filter",
                "having": "filter",
                "group": "group",
                "order": "order",
            }.get(node.arg_key or "", "select")
        node = node.parent
    return "select"
