package governor.release_test

import data.governor.release

# --- Fixtures ------------------------------------------------------------------------------------

acme_disclaimer := "This answer is general information, not a binding statement of cover."

clean := {"passed": true, "error": null, "findings": []}

draft(tenant) := {
	"gate": "release",
	"envelope": {
		"id": "draft-1",
		"type": "answer.draft",
		"contract": "answers.draft@1",
		"tenant": tenant,
		"trace": {"trace_id": "trace-1", "causation_id": "prompt-1"},
		"payload": {
			"question": "Is hail damage to my roof covered?",
			"answer": "Yes, hail damage to the roof is covered up to the policy limit.",
			"context": [{"id": "policy-7#3", "text": "Storm and hail damage to buildings is covered."}],
			"model": "local-llm",
			"template_version": "answer-v3",
		},
	},
	"validators": {name: clean | some name in release.expected_validators},
}

finding(code, spans) := {"code": code, "message": "found", "spans": spans}

failed(fs) := {"passed": false, "error": null, "findings": fs}

# with_result(inp, validator, result) replaces (not merges) one validator's result.
with_result(inp, validator, result) := object.union(
	json.remove(inp, [sprintf("validators/%s", [validator])]),
	{"validators": {validator: result}},
)

# draft_with(tenant, validator, code) is a draft whose validator reports one finding at 0-5.
draft_with(tenant, validator, code) := with_result(draft(tenant), validator, failed([finding(code, [{"start": 0, "end": 5}])]))

with_answer(inp, text) := object.union(inp, {"envelope": {"payload": {"answer": text}}})

codes(d) := [r.code | some r in d.reasons]

# --- Clean answers and the tenant disclaimer ---------------------------------------------------------

test_clean_answer_allowed if {
	d := release.decision with input as draft("default")
	d == {"allow": true, "reasons": [], "obligations": []}
}

test_clean_answer_acme_allowed_with_disclaimer if {
	d := release.decision with input as draft("acme-insurance")
	d.allow
	d.obligations == [{"type": "append_disclaimer", "text": acme_disclaimer}]
}

test_disclaimer_on_denied_answer_denied if {
	d := release.decision with input as draft_with("acme-insurance", "grounding", "grounding.unsupported")
	not d.allow
	d.obligations == []
}

test_blank_disclaimer_allowed_without_obligation if {
	d := release.decision with input as draft("t") with data.tenants as {"t": {"pii": "redact", "disclaimer": "  "}}
	d == {"allow": true, "reasons": [], "obligations": []}
}

# --- Secrets -----------------------------------------------------------------------------------

test_secret_denied if {
	d := release.decision with input as draft_with("acme-insurance", "secrets", "secrets.aws_access_key")
	not d.allow
	codes(d) == ["secrets.present"]
	contains(d.reasons[0].message, "secrets.aws_access_key: found")
	d.obligations == []
}

test_secret_family_only_denied if {
	# a code that merely starts with "secrets" is not a secrets.* finding
	d := release.decision with input as draft_with("default", "secrets", "secretsauce")
	codes(d) == ["finding.unrecognised"]
}

# --- PII, per tenant mode ----------------------------------------------------------------------

pii_codes := ["pii.card", "pii.email", "pii.iban", "pii.phone", "pii.ssn"]

test_pii_reject_tenant_denied if {
	every code in pii_codes {
		d := release.decision with input as draft_with("strict-bank", "pii", code)
		not d.allow
		codes(d) == [code]
		d.obligations == []
	}
}

test_pii_default_tenant_denied if {
	d := release.decision with input as draft_with("default", "pii", "pii.email")
	codes(d) == ["pii.email"]
}

test_pii_unknown_tenant_denied if {
	d := release.decision with input as draft_with("no-such-tenant", "pii", "pii.phone")
	not d.allow
	codes(d) == ["pii.phone"]
}

test_pii_redact_tenant_allowed if {
	every code in pii_codes {
		d := release.decision with input as draft_with("acme-insurance", "pii", code)
		d.allow
		d.reasons == []
		d.obligations == [
			{"type": "redact", "code": code, "spans": [{"start": 0, "end": 5}]},
			{"type": "append_disclaimer", "text": acme_disclaimer},
		]
	}
}

test_pii_misspelt_mode_denied if {
	d := release.decision with input as draft_with("t", "pii", "pii.email") with data.tenants as {"t": {"pii": "Redact"}}
	codes(d) == ["pii.email"]
}

test_pii_new_code_redact_tenant_allowed if {
	d := release.decision with input as draft_with("acme-insurance", "pii", "pii.passport")
	d.allow
	d.obligations[0] == {"type": "redact", "code": "pii.passport", "spans": [{"start": 0, "end": 5}]}
}

test_pii_new_code_reject_tenant_denied if {
	d := release.decision with input as draft_with("strict-bank", "pii", "pii.passport")
	codes(d) == ["pii.personal_data"]
	contains(d.reasons[0].message, "pii.passport")
}

test_pii_specific_code_not_also_personal_data_denied if {
	d := release.decision with input as draft_with("strict-bank", "pii", "pii.email")
	codes(d) == ["pii.email"]
}

# --- Contradictions, the claim judge and relevance ----------------------------------------------------

test_contradiction_denied_with_its_own_reason_denied if {
	d := release.decision with input as draft_with("acme-insurance", "grounding", "grounding.contradicted")
	not d.allow
	codes(d) == ["grounding.contradicted"]
}

judged := {"passed": true, "error": null, "findings": [], "checks": ["lexical", "judge"]}

test_judge_required_without_judge_denied if {
	d := release.decision with input as draft("regulated-advice")
	codes(d) == ["grounding.judge_required"]
}

test_judge_required_with_judge_allowed if {
	d := release.decision with input as with_result(draft("regulated-advice"), "grounding", judged)
	d.allow
}

test_judge_optional_without_judge_allowed if {
	d := release.decision with input as draft("acme-insurance")
	d.allow
}

test_off_question_denied if {
	d := release.decision with input as draft_with("acme-insurance", "relevance", "relevance.off_question")
	codes(d) == ["relevance.off_question"]
}

test_off_question_tolerated_by_tenant_allowed if {
	d := release.decision with input as draft_with("open-faq", "relevance", "relevance.off_question")
	d.allow
	d.reasons == []
}

test_pii_without_spans_redact_tenant_denied if {
	bad_spans := [null, [], [{"start": 5, "end": 5}], [{"start": -1, "end": 3}], [{"start": "0", "end": 3}], [{"start": 0}]]
	every spans in bad_spans {
		inp := with_result(draft("acme-insurance"), "pii", failed([finding("pii.ssn", spans)]))
		d := release.decision with input as inp
		not d.allow
		codes(d) == ["pii.unredactable"]
		d.obligations == []
	}
}

test_redaction_kept_on_denied_answer_denied if {
	inp := with_result(draft_with("acme-insurance", "pii", "pii.email"), "scope", failed([finding("scope.out_of_scope", [])]))
	d := release.decision with input as inp
	not d.allow
	codes(d) == ["scope.out_of_scope"]
	d.obligations == [{"type": "redact", "code": "pii.email", "spans": [{"start": 0, "end": 5}]}]
}

test_redactions_merged_and_sorted_allowed if {
	fs := [
		finding("pii.phone", [{"start": 40, "end": 52}]),
		finding("pii.email", [{"start": 30, "end": 35}, {"start": 2, "end": 9}]),
		{"code": "pii.email", "message": "second", "spans": [{"start": 2, "end": 9}, {"start": 2, "end": 4}]},
	]
	d := release.decision with input as with_result(draft("acme-insurance"), "pii", failed(fs))
	d.allow
	d.obligations == [
		{"type": "redact", "code": "pii.email", "spans": [{"start": 2, "end": 4}, {"start": 2, "end": 9}, {"start": 30, "end": 35}]},
		{"type": "redact", "code": "pii.phone", "spans": [{"start": 40, "end": 52}]},
		{"type": "append_disclaimer", "text": acme_disclaimer},
	]
}

# --- Grounding, injection, scope, toxicity, format ----------------------------------------------

denied_findings := [
	["grounding", "grounding.unsupported"],
	["grounding", "grounding.no_context"],
	["injection", "injection.echo"],
	["injection", "injection.system_prompt_leak"],
	["scope", "scope.out_of_scope"],
	["toxicity", "toxicity.word_list"],
	["format", "format.empty"],
	["format", "format.too_long"],
	["format", "format.language"],
]

test_validator_findings_denied if {
	every pair in denied_findings {
		d := release.decision with input as draft_with("acme-insurance", pair[0], pair[1])
		not d.allow
		codes(d) == [pair[1]]
		d.obligations == []
	}
}

test_finding_in_passed_result_denied if {
	# the policy, not the validator's own verdict, decides what a finding means
	inp := with_result(draft("default"), "grounding", {"passed": true, "error": null, "findings": [finding("grounding.unsupported", [])]})
	d := release.decision with input as inp
	codes(d) == ["grounding.unsupported"]
}

# --- Tenant blocked topics ---------------------------------------------------------------------

test_blocked_topic_denied if {
	d := release.decision with input as with_answer(draft("strict-bank"), "You could put your savings into Cryptocurrency.")
	not d.allow
	codes(d) == ["scope.blocked_topic"]
	contains(d.reasons[0].message, "topic: cryptocurrency")
}

test_blocked_topic_of_other_tenant_allowed if {
	d := release.decision with input as with_answer(draft("acme-insurance"), "You could put your savings into Cryptocurrency.")
	d.allow
}

# --- Fail closed -------------------------------------------------------------------------------

test_validator_error_denied if {
	inp := with_result(draft("acme-insurance"), "grounding", {"passed": false, "error": "embedding service timed out", "findings": []})
	d := release.decision with input as inp
	not d.allow
	d.reasons == [{
		"code": "validator_error",
		"message": concat(" ", [
			"A release validator is missing, failed to run or returned a malformed result; the gate fails",
			"closed rather than publish an answer that was not fully checked. (grounding: error: embedding service timed out)",
		]),
	}]
	d.obligations == []
}

test_missing_validator_denied if {
	inp := json.remove(draft("acme-insurance"), ["validators/toxicity"])
	d := release.decision with input as inp
	not d.allow
	codes(d) == ["validator_error"]
	contains(d.reasons[0].message, "toxicity: missing")
}

test_no_validators_denied if {
	d := release.decision with input as json.remove(draft("default"), ["validators"])
	not d.allow
	codes(d) == ["validator_error"]
	every name in release.expected_validators {
		contains(d.reasons[0].message, sprintf("%s: missing", [name]))
	}
}

test_validators_not_an_object_denied if {
	d := release.decision with input as object.union(draft("default"), {"validators": ["pii"]})
	codes(d) == ["validator_error"]
}

test_malformed_results_denied if {
	results := [null, {"error": null, "findings": []}, {"passed": true, "error": null, "findings": {"code": "x"}}]
	every result in results {
		d := release.decision with input as with_result(draft("default"), "scope", result)
		codes(d) == ["validator_error"]
		contains(d.reasons[0].message, "scope: malformed result")
	}
}

test_failed_without_findings_denied if {
	d := release.decision with input as with_result(draft("default"), "injection", failed([]))
	codes(d) == ["validator_error"]
	contains(d.reasons[0].message, "injection: failed without findings")
}

test_extra_validator_error_denied if {
	d := release.decision with input as with_result(draft("default"), "custom", {"passed": true, "error": "crashed", "findings": []})
	codes(d) == ["validator_error"]
}

test_unrecognised_finding_denied if {
	d := release.decision with input as draft_with("acme-insurance", "toxicity", "toxicity.slur")
	not d.allow
	codes(d) == ["finding.unrecognised"]
	contains(d.reasons[0].message, "toxicity.slur: found")
}

test_finding_without_code_denied if {
	inp := with_result(draft("default"), "format", failed([{"message": "?"}]))
	d := release.decision with input as inp
	codes(d) == ["finding.unrecognised"]
}

test_admission_input_denied if {
	d := release.decision with input as object.union(draft("default"), {"gate": "admission"})
	not d.allow
	codes(d) == ["gate_mismatch"]
}

test_empty_input_denied if {
	d := release.decision with input as {}
	d.allow == false
	codes(d) == ["gate_mismatch", "validator_error"]
	d.obligations == []
}

# --- Reasons: unique by code, sorted by code ------------------------------------------------------

test_reasons_deduplicated_and_sorted_denied if {
	inp := object.union(draft("strict-bank"), {"validators": {
		"pii": failed([
			{"code": "pii.email", "message": "address b", "spans": [{"start": 0, "end": 3}]},
			{"code": "pii.email", "message": "address a", "spans": [{"start": 5, "end": 9}]},
		]),
		"format": failed([finding("format.too_long", [])]),
		"grounding": failed([finding("grounding.unsupported", []), finding("grounding.no_context", [])]),
	}})
	d := release.decision with input as inp
	codes(d) == ["format.too_long", "grounding.no_context", "grounding.unsupported", "pii.email"]
	d.reasons[3].message == concat("", [
		"The answer contains an email address and this tenant rejects personal data in answers.",
		" (pii.email: address a; pii.email: address b)",
	])
}

# --- Batch -------------------------------------------------------------------------------------

test_batch_keeps_order if {
	batch := [
		draft("acme-insurance"),
		draft_with("strict-bank", "pii", "pii.email"),
		json.remove(draft("default"), ["validators/format"]),
		draft("default"),
	]
	ds := release.decisions with input as {"batch": batch}
	[d.allow | some d in ds] == [true, false, false, true]
	[codes(d) | some d in ds] == [[], ["pii.email"], ["validator_error"], []]
	ds[0].obligations == [{"type": "append_disclaimer", "text": acme_disclaimer}]
	every i, item in batch {
		ds[i] == release.decision with input as item
	}
}

test_batch_empty if {
	ds := release.decisions with input as {"batch": []}
	ds == []
}

test_batch_missing if {
	ds := release.decisions with input as {}
	ds == []
}
