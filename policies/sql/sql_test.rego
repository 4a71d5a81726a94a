package governor.sql_test

import data.governor.sql

base := {
	"gate": "sql",
	"envelope": {"tenant": "acme-insurance"},
	"findings": [],
	"tables": [{"name": "claims", "classification": "internal"}],
	"columns": [
		{"table": "claims", "column": "status", "classification": "internal", "usage": "group"},
		{"table": "claims", "column": "amount", "classification": "internal", "usage": "aggregate"},
	],
}

codes(d) := {r.code | some r in d.reasons}

with_finding(code) := object.union(base, {"findings": [{"code": code, "message": "m"}]})

test_plain_aggregate_allowed if {
	d := sql.decision with input as base
	d.allow
	count(d.reasons) == 0
	d.obligations == []
}

test_batch_decides_each if {
	ds := sql.decisions with input as {"batch": [base, with_finding("sql.explain")]}
	ds[0].allow
	not ds[1].allow
}

test_wrong_gate_denied if {
	d := sql.decision with input as object.union(base, {"gate": "release"})
	codes(d) == {"gate_mismatch"}
}

test_malformed_input_denied if {
	d := sql.decision with input as {"gate": "sql", "envelope": {"tenant": "acme-insurance"}, "findings": "x"}
	not d.allow
	codes(d) == {"sql.malformed_input"}
}

test_each_checker_finding_denied if {
	every code in [
		"sql.parse_error", "sql.too_long", "sql.statement_count", "sql.not_select", "sql.dml_in_cte",
		"sql.explain", "sql.select_into", "sql.locking", "sql.parameter", "sql.function_denied",
		"sql.function_not_allowed", "sql.unknown_table", "sql.unknown_column",
	] {
		d := sql.decision with input as with_finding(code)
		not d.allow
		codes(d) == {code}
	}
}

test_unrecognised_finding_denied if {
	d := sql.decision with input as with_finding("sql.something_new")
	not d.allow
	codes(d) == {"finding.unrecognised"}
}

test_restricted_table_denied if {
	inp := object.union(base, {"tables": [{"name": "staff", "classification": "restricted"}], "columns": []})
	d := sql.decision with input as inp
	codes(d) == {"sql.table_denied"}
}

test_tenant_grant_allows_restricted if {
	inp := object.union(base, {"tables": [{"name": "staff", "classification": "restricted"}], "columns": []})
	d := sql.decision with input as inp with data.tenants as {"acme-insurance": {"sql_readable": ["restricted"]}}
	d.allow
}

test_tenant_grant_narrows_internal if {
	d := sql.decision with input as base with data.tenants as {"acme-insurance": {"sql_readable": ["public"]}}
	codes(d) == {"sql.table_denied"}
}

test_pii_selected_raw_denied if {
	col := {"table": "customers", "column": "email", "classification": "pii", "usage": "select"}
	inp := object.union(base, {"tables": [{"name": "customers", "classification": "internal"}], "columns": [col]})
	d := sql.decision with input as inp
	codes(d) == {"sql.pii_raw"}
}

test_pii_filtered_denied if {
	col := {"table": "customers", "column": "email", "classification": "pii", "usage": "filter"}
	inp := object.union(base, {"tables": [{"name": "customers", "classification": "internal"}], "columns": [col]})
	codes(sql.decision) == {"sql.pii_raw"} with input as inp
}

test_pii_aggregated_allowed if {
	col := {"table": "customers", "column": "email", "classification": "pii", "usage": "aggregate"}
	inp := object.union(base, {"tables": [{"name": "customers", "classification": "internal"}], "columns": [col]})
	d := sql.decision with input as inp
	d.allow
}

test_unclassified_column_denied if {
	col := {"table": "claims", "column": "secret", "usage": "select"}
	d := sql.decision with input as object.union(base, {"columns": [col]})
	codes(d) == {"sql.unclassified"}
}

test_non_object_entries_ignored_but_lists_required if {
	d := sql.decision with input as object.union(base, {"findings": [1], "tables": ["x"], "columns": [null]})
	d.allow
}

test_unclassified_table_denied if {
	d := sql.decision with input as object.union(base, {"tables": [{"name": "claims"}]})
	codes(d) == {"sql.table_denied"}
}
