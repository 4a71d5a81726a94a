# METADATA
# title: Governed SQL
# description: >-
#   Decides whether a statement the LLM wrote may run against the operational database, from the
#   SQL checker's findings (sqlglot: one SELECT, no DML, no escape-hatch functions, names resolved
#   against the catalogue) and the classification of every table and column it uses (from
#   demo/operational/catalog.yaml, contract style). Fails closed: a statement runs only when no
#   rule denies it and every table and column it touches is classified. Personal data may be
#   aggregated (count, sum, avg) but never selected, filtered, grouped or ordered on raw.
# scope: package
package governor.sql

import data.governor.lib

tenant := lib.tenant(input)

# Table classifications a tenant's generated SQL may read: data.tenants[t].sql_readable when
# set, else public and internal. Restricted tables are readable by no tenant unless granted.
default_readable := {"public", "internal"}

readable := {c | some c in tenant.sql_readable} if {
	is_array(tenant.sql_readable)
} else := default_readable

findings := {f | some f in input.findings; is_object(f)} if is_array(input.findings)

else := set()

tables := {t | some t in input.tables; is_object(t)} if is_array(input.tables)

else := set()

columns := {c | some c in input.columns; is_object(c)} if is_array(input.columns)

else := set()

# METADATA
# title: SQL decision
# description: >-
#   {allow, reasons, obligations} for one statement. Reasons are unique by code and sorted by
#   code; there are no obligations (the engine always injects the tenant filter and the LIMIT).
# entrypoint: true
decision := lib.decision(reasons, allow, [])

# METADATA
# title: SQL decisions, batched
# description: The decisions for input.batch, in the same order, in one OPA round trip.
# entrypoint: true
decisions := [d | some item in input.batch; d := decision with input as item]

default allow := false

allow if {
	count(reasons) == 0
	is_array(input.findings)
	is_array(input.tables)
	is_array(input.columns)
}

reasons := deny | unrecognised

# --- Statement shape: the checker's findings, one rule per code. ---

# METADATA
# title: Wrong gate
# description: The input was not built for the SQL decision point.
# custom:
#   code: gate_mismatch
deny contains lib.reason(rego.metadata.rule(), sprintf("gate: %v", [object.get(input, "gate", null)])) if {
	object.get(input, "gate", null) != "sql"
}

# METADATA
# title: Malformed input
# description: The checker's report is missing or malformed (findings, tables and columns must be lists).
# custom:
#   code: sql.malformed_input
deny contains lib.reason(rego.metadata.rule(), name) if {
	some name in ["findings", "tables", "columns"]
	not is_array(object.get(input, name, null))
}

# METADATA
# title: Unparseable SQL
# description: The statement does not parse as PostgreSQL, so nothing about it can be vouched for.
# custom:
#   code: sql.parse_error
deny contains reason if {
	some reason in lib.finding_reasons(rego.metadata.rule(), findings)
}

# METADATA
# title: Statement too long
# description: The statement is longer than the checker accepts.
# custom:
#   code: sql.too_long
deny contains reason if {
	some reason in lib.finding_reasons(rego.metadata.rule(), findings)
}

# METADATA
# title: Not exactly one statement
# description: Stacked statements (or none) are refused; exactly one SELECT may run.
# custom:
#   code: sql.statement_count
deny contains reason if {
	some reason in lib.finding_reasons(rego.metadata.rule(), findings)
}

# METADATA
# title: Not a SELECT
# description: The statement, or a part of it, is not a query (DML, DDL, COPY, SET, CALL, ...).
# custom:
#   code: sql.not_select
deny contains reason if {
	some reason in lib.finding_reasons(rego.metadata.rule(), findings)
}

# METADATA
# title: Data change inside a WITH clause
# description: A common table expression inserts, updates or deletes rows.
# custom:
#   code: sql.dml_in_cte
deny contains reason if {
	some reason in lib.finding_reasons(rego.metadata.rule(), findings)
}

# METADATA
# title: EXPLAIN
# description: EXPLAIN (ANALYZE) executes or exposes the statement it wraps; it is never run.
# custom:
#   code: sql.explain
deny contains reason if {
	some reason in lib.finding_reasons(rego.metadata.rule(), findings)
}

# METADATA
# title: SELECT INTO
# description: SELECT ... INTO creates a table.
# custom:
#   code: sql.select_into
deny contains reason if {
	some reason in lib.finding_reasons(rego.metadata.rule(), findings)
}

# METADATA
# title: Row locks
# description: FOR UPDATE / FOR SHARE takes locks on operational rows.
# custom:
#   code: sql.locking
deny contains reason if {
	some reason in lib.finding_reasons(rego.metadata.rule(), findings)
}

# METADATA
# title: Parameters
# description: Placeholders or parameters would be bound outside the checked statement.
# custom:
#   code: sql.parameter
deny contains reason if {
	some reason in lib.finding_reasons(rego.metadata.rule(), findings)
}

# METADATA
# title: Escape-hatch function
# description: >-
#   The statement calls a function that reads files, opens connections, sleeps, changes settings
#   or runs SQL from a string (pg_read_file, lo_import, dblink, pg_sleep, query_to_xml, ...).
# custom:
#   code: sql.function_denied
deny contains reason if {
	some reason in lib.finding_reasons(rego.metadata.rule(), findings)
}

# METADATA
# title: Function not allowed
# description: The statement calls a function that is not on the allow-list of the SQL checker.
# custom:
#   code: sql.function_not_allowed
deny contains reason if {
	some reason in lib.finding_reasons(rego.metadata.rule(), findings)
}

# METADATA
# title: Unknown table
# description: A table is not in the catalogue (system catalogues and other schemas included).
# custom:
#   code: sql.unknown_table
deny contains reason if {
	some reason in lib.finding_reasons(rego.metadata.rule(), findings)
}

# METADATA
# title: Unknown column
# description: A column does not resolve to a catalogued column of the tables in scope.
# custom:
#   code: sql.unknown_column
deny contains reason if {
	some reason in lib.finding_reasons(rego.metadata.rule(), findings)
}

# --- What it reads: tables and columns by classification. ---

# METADATA
# title: Table not readable
# description: >-
#   The statement reads a table whose classification this tenant may not read (restricted
#   tables, or anything beyond the tenant's sql_readable classes).
# custom:
#   code: sql.table_denied
deny contains lib.reason(rego.metadata.rule(), sprintf("%v (%v)", [object.get(t, "name", null), object.get(t, "classification", null)])) if {
	some t in tables
	not object.get(t, "classification", null) in readable
}

# METADATA
# title: Personal data selected raw
# description: >-
#   A personal-data column is selected, filtered, grouped or ordered on as it is; it may only
#   appear inside count, sum or avg.
# custom:
#   code: sql.pii_raw
deny contains lib.reason(rego.metadata.rule(), sprintf("%v.%v (%v)", [c.table, c.column, c.usage])) if {
	some c in columns
	c.classification == "pii"
	c.usage != "aggregate"
}

# METADATA
# title: Unclassified column
# description: A column has no known classification (public, internal or pii); it is not read until it does.
# custom:
#   code: sql.unclassified
deny contains lib.reason(rego.metadata.rule(), sprintf("%v.%v", [object.get(c, "table", null), object.get(c, "column", null)])) if {
	some c in columns
	not object.get(c, "classification", null) in {"public", "internal", "pii"}
}

# METADATA
# title: Unrecognised finding
# description: >-
#   The SQL checker reported a finding that no rule answers; the statement is held until a policy
#   author decides what the finding means.
# custom:
#   code: finding.unrecognised
unrecognised contains lib.finding_reason(rego.metadata.rule(), f) if {
	some f in lib.unanswered(findings, lib.answered_codes(deny))
}
