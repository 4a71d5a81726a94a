package governor.admission_test

import data.governor.admission
import data.governor.lib_test

# --- Fixtures ------------------------------------------------------------------------------------

clean := {"passed": true, "error": null, "findings": []}

prompt(tenant) := {
	"gate": "admission",
	"envelope": {
		"id": "prompt-1",
		"type": "prompt.requested",
		"contract": "prompts.requested@1",
		"tenant": tenant,
		"trace": {"trace_id": "trace-1", "causation_id": null},
		"payload": {"question": lib_test.digest_of("Is hail damage to my roof covered?"), "user": {"sha256": "0", "length": 7}},
	},
	"validators": {name: clean | some name in admission.expected_validators},
	"identity": {"status": "verified", "app": "web-app", "kid": "web-app-k1"},
}

# signed_by(inp, identity) replaces the request's identity.
signed_by(inp, identity) := object.union(json.remove(inp, ["identity"]), {"identity": identity})

finding(code, spans) := {"code": code, "message": "found", "spans": spans}

failed(fs) := {"passed": false, "error": null, "findings": fs}

# with_result(inp, validator, result) replaces (not merges) one validator's result.
with_result(inp, validator, result) := object.union(
	json.remove(inp, [sprintf("validators/%s", [validator])]),
	{"validators": {validator: result}},
)

# prompt_with(tenant, validator, code) is a prompt whose validator reports one finding at 0-5.
prompt_with(tenant, validator, code) := with_result(prompt(tenant), validator, failed([finding(code, [{"start": 0, "end": 5}])]))

# The engine sends the question, a PII field, as its digest (engine/gates/pii_digest.py).
with_question(inp, text) := object.union(inp, {"envelope": {"payload": {"question": lib_test.digest_of(text)}}})

codes(d) := [r.code | some r in d.reasons]

# --- Clean prompts -----------------------------------------------------------------------------

test_clean_prompt_allowed if {
	every tenant in ["default", "acme-insurance", "strict-bank"] {
		d := admission.decision with input as prompt(tenant)

		# no disclaimer at admission: disclaimers belong on answers
		d == {"allow": true, "reasons": [], "obligations": []}
	}
}

# --- Denying findings --------------------------------------------------------------------------

denied_findings := [
	["injection", "injection.attempt"],
	["data_request", "request.personal_data"],
	["scope", "scope.out_of_scope"],
	["format", "format.empty"],
	["format", "format.too_long"],
	["format", "format.language"],
]

test_validator_findings_denied if {
	every pair in denied_findings {
		d := admission.decision with input as prompt_with("acme-insurance", pair[0], pair[1])
		not d.allow
		codes(d) == [pair[1]]
		d.obligations == []
	}
}

test_injection_attempt_denied if {
	d := admission.decision with input as prompt_with("default", "injection", "injection.attempt")
	d.reasons == [{
		"code": "injection.attempt",
		"message": "The prompt tries to override the assistant's instructions or extract its system prompt. (injection.attempt: found)",
	}]
}

# --- PII in the prompt: redacted for every tenant -------------------------------------------------

test_pii_in_prompt_allowed if {
	every tenant in ["default", "acme-insurance", "strict-bank"] {
		d := admission.decision with input as prompt_with(tenant, "pii", "pii.email")
		d.allow
		d.reasons == []
		d.obligations == [{"type": "redact", "code": "pii.email", "spans": [{"start": 0, "end": 5}]}]
	}
}

test_pii_spans_merged_and_sorted_allowed if {
	fs := [
		finding("pii.ssn", [{"start": 20, "end": 31}]),
		finding("pii.phone", [{"start": 12, "end": 18}, {"start": 0, "end": 6}]),
		finding("pii.phone", [{"start": 0, "end": 6}]),
	]
	d := admission.decision with input as with_result(prompt("strict-bank"), "pii", failed(fs))
	d.allow
	d.obligations == [
		{"type": "redact", "code": "pii.phone", "spans": [{"start": 0, "end": 6}, {"start": 12, "end": 18}]},
		{"type": "redact", "code": "pii.ssn", "spans": [{"start": 20, "end": 31}]},
	]
}

test_pii_without_spans_denied if {
	d := admission.decision with input as with_result(prompt("acme-insurance"), "pii", failed([finding("pii.card", [])]))
	not d.allow
	codes(d) == ["pii.unredactable"]
	d.obligations == []
}

test_redaction_kept_on_denied_prompt_denied if {
	inp := with_result(prompt_with("default", "pii", "pii.email"), "injection", failed([finding("injection.attempt", [])]))
	d := admission.decision with input as inp
	not d.allow
	codes(d) == ["injection.attempt"]
	d.obligations == [{"type": "redact", "code": "pii.email", "spans": [{"start": 0, "end": 5}]}]
}

# --- Tenant blocked topics ---------------------------------------------------------------------

test_blocked_topic_denied if {
	d := admission.decision with input as with_question(prompt("strict-bank"), "Can I use my card for online gambling?")
	not d.allow
	codes(d) == ["scope.blocked_topic"]
	contains(d.reasons[0].message, "topic: gambling")
}

test_blocked_topic_in_plain_question_denied if {
	inp := object.union(prompt("strict-bank"), {"envelope": {"payload": {"question": "Gambling?"}}})
	d := admission.decision with input as inp
	codes(d) == ["scope.blocked_topic"]
}

test_blocked_topic_with_malformed_digest_denied if {
	inp := json.remove(prompt("strict-bank"), ["envelope/payload/question/terms"])
	d := admission.decision with input as inp
	codes(d) == ["scope.blocked_topic"]
}

test_blocked_topic_of_other_tenant_allowed if {
	d := admission.decision with input as with_question(prompt("acme-insurance"), "Can I use my card for online gambling?")
	d.allow
}

# --- Fail closed -------------------------------------------------------------------------------

test_validator_error_denied if {
	inp := with_result(prompt("default"), "injection", {"passed": false, "error": "classifier unavailable", "findings": []})
	d := admission.decision with input as inp
	not d.allow
	codes(d) == ["validator_error"]
	contains(d.reasons[0].message, "injection: error: classifier unavailable")
}

test_missing_validator_denied if {
	d := admission.decision with input as json.remove(prompt("default"), ["validators/data_request"])
	not d.allow
	codes(d) == ["validator_error"]
	contains(d.reasons[0].message, "data_request: missing")
}

test_no_validators_denied if {
	d := admission.decision with input as json.remove(prompt("default"), ["validators"])
	not d.allow
	every name in admission.expected_validators {
		contains(d.reasons[0].message, sprintf("%s: missing", [name]))
	}
}

test_release_finding_unrecognised_denied if {
	# injection.echo is a release finding; the admission policy has no rule for it
	d := admission.decision with input as prompt_with("default", "injection", "injection.echo")
	not d.allow
	codes(d) == ["finding.unrecognised"]
}

test_release_input_denied if {
	d := admission.decision with input as object.union(prompt("default"), {"gate": "release"})
	not d.allow
	codes(d) == ["gate_mismatch"]
}

test_empty_input_denied if {
	d := admission.decision with input as {}
	d == {
		"allow": false,
		"reasons": [
			{"code": "gate_mismatch", "message": "The input was not built for the admission gate, so the admission policy cannot decide it. (gate: null)"},
			{"code": "identity.unknown_tenant", "message": "The request names a tenant that has no entry in data.tenants; it is refused rather than decided under the default tenant's rules. (tenant: null)"},
			{"code": "identity.unsigned", "message": "The request carries no signature from a submitting app, so nobody vouches for its tenant. (no request signature)"},
			{
				"code": "validator_error",
				"message": concat("", [
					"An admission validator is missing, failed to run or returned a malformed result; the gate fails closed ",
					"rather than forward a prompt that was not fully checked. ",
					"(data_request: missing; format: missing; injection: missing; pii: missing; scope: missing)",
				]),
			},
		],
		"obligations": [],
	}
}

# --- Reasons: unique by code, sorted by code ------------------------------------------------------

test_reasons_deduplicated_and_sorted_denied if {
	inp := object.union(prompt("default"), {"validators": {
		"scope": failed([finding("scope.out_of_scope", [])]),
		"injection": failed([finding("injection.attempt", []), {"code": "injection.attempt", "message": "again", "spans": []}]),
		"data_request": failed([finding("request.personal_data", [])]),
	}})
	d := admission.decision with input as inp
	codes(d) == ["injection.attempt", "request.personal_data", "scope.out_of_scope"]
	endswith(d.reasons[0].message, "(injection.attempt: again; injection.attempt: found)")
}

# --- Batch -------------------------------------------------------------------------------------

test_batch_keeps_order if {
	batch := [
		prompt_with("strict-bank", "injection", "injection.attempt"),
		prompt_with("strict-bank", "pii", "pii.iban"),
		prompt("default"),
		{},
	]
	ds := admission.decisions with input as {"batch": batch}
	[d.allow | some d in ds] == [false, true, true, false]
	[codes(d) | some d in ds] == [["injection.attempt"], [], [], ["gate_mismatch", "identity.unknown_tenant", "identity.unsigned", "validator_error"]]
	ds[1].obligations == [{"type": "redact", "code": "pii.iban", "spans": [{"start": 0, "end": 5}]}]
	every i, item in batch {
		ds[i] == admission.decision with input as item
	}
}

test_batch_empty if {
	ds := admission.decisions with input as {"batch": []}
	ds == []
}

# --- Identity: the tenant is vouched for by a signing app ------------------------------------------

test_signed_by_an_app_for_its_tenant_allowed if {
	d := admission.decision with input as signed_by(prompt("acme-insurance"), {"status": "verified", "app": "demo", "kid": "demo-k"})
	d.allow
}

test_unsigned_denied if {
	d := admission.decision with input as json.remove(prompt("default"), ["identity"])
	codes(d) == ["identity.unsigned"]
}

test_identity_not_an_object_denied if {
	d := admission.decision with input as signed_by(prompt("default"), "web-app")
	codes(d) == ["identity.unsigned"]
}

test_forged_denied if {
	d := admission.decision with input as signed_by(prompt("default"), {"status": "forged", "kid": "ask-k"})
	not d.allow
	codes(d) == ["identity.forged"]
	endswith(d.reasons[0].message, "(key: ask-k)")
}

test_unknown_key_denied if {
	d := admission.decision with input as signed_by(prompt("default"), {"status": "unknown_key", "kid": "x"})
	codes(d) == ["identity.unknown_key"]
}

test_unregistered_app_denied if {
	d := admission.decision with input as signed_by(prompt("default"), {"status": "verified", "app": "rogue", "kid": "rogue-k"})
	codes(d) == ["identity.unknown_app"]
}

test_another_apps_tenant_denied if {
	d := admission.decision with input as signed_by(prompt("strict-bank"), {"status": "verified", "app": "demo", "kid": "demo-k"})
	not d.allow
	codes(d) == ["identity.tenant_mismatch"]
	endswith(d.reasons[0].message, "(app: demo; tenant: strict-bank)")
}

test_unknown_tenant_denied if {
	d := admission.decision with input as prompt("no-such-tenant")
	not d.allow
	codes(d) == ["identity.tenant_mismatch", "identity.unknown_tenant"]
}

test_unknown_identity_status_denied if {
	d := admission.decision with input as signed_by(prompt("default"), {"status": "trusted-me"})
	codes(d) == ["identity.malformed"]
}
