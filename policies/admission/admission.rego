# METADATA
# title: Admission gate
# description: >-
#   Decides whether a user's prompt (prompts.requested) may go on to the LLM (prompts.admitted),
#   from the envelope, the admission validators' findings and the tenant context in data.tenants.
#   Fails closed: a prompt is admitted only when every expected validator reported cleanly and no
#   rule denies it. Personal data in a prompt is redacted, not rejected, for every tenant: it is
#   the user's own data, and the redaction keeps it out of the LLM call and the logs.
# scope: package
package governor.admission

import data.governor.lib

# The validators the admission gate runs; a missing one denies with validator_error.
expected_validators := {"injection", "data_request", "scope", "pii", "format"}

tenant := lib.tenant(input)

validators := lib.validators(input)

findings := lib.findings(validators)

# The question is PII (prompts.requested classifies it so): the engine sends its digest, which
# lib.blocked_topics matches by hashed terms. Only a test input carries it as text.
question := object.get(input, ["envelope", "payload", "question"], "")

# identity is what the engine found when it checked the request's signature against the apps' keys
# (data.app_keys): {"status": "verified", "app", "kid"}, or a status saying why it could not.
identity := input.identity if is_object(input.identity)

else := {}

identity_status := object.get(identity, "status", "unsigned")

claimed_tenant := object.get(input, ["envelope", "tenant"], null)

# The app whose key signed the request, when the signature verified and the app is registered.
signing_app := data.identity.apps[identity.app] if identity_status == "verified"

# METADATA
# title: Admission decision
# description: >-
#   {allow, reasons, obligations} for one prompt. Reasons are unique by code and sorted by code;
#   obligations are redactions of personal data in the prompt, sorted by code.
# entrypoint: true
decision := lib.decision(reasons, allow, obligations)

# METADATA
# title: Admission decisions, batched
# description: >-
#   The decisions for input.batch (a list of single-decision inputs), in the same order, so the
#   engine can decide many prompts in one OPA round trip.
# entrypoint: true
decisions := [d | some item in input.batch; d := decision with input as item]

default allow := false

allow if {
	count(reasons) == 0
	every name in expected_validators {
		is_object(validators[name])
	}
}

reasons := deny | unrecognised

obligations := lib.redactions(redacted)

# Personal data in the prompt is redacted whatever the tenant's pii mode (that mode governs
# answers), and on denied prompts too, so the rejected prompt is not logged with it.
redacted contains f if {
	some f in findings
	lib.is_pii(f)
	lib.redactable(f)
}

# --- Deny rules. Each has METADATA with custom.code (its reason code) and builds its reason from
# --- rego.metadata.rule(); custom.findings (a glob) widens the finding codes a rule answers.

# METADATA
# title: Wrong gate
# description: The input was not built for the admission gate, so the admission policy cannot decide it.
# custom:
#   code: gate_mismatch
deny contains lib.reason(rego.metadata.rule(), sprintf("gate: %v", [object.get(input, "gate", null)])) if {
	object.get(input, "gate", null) != "admission"
}

# METADATA
# title: Unsigned request
# description: The request carries no signature from a submitting app, so nobody vouches for its tenant.
# custom:
#   code: identity.unsigned
deny contains lib.reason(rego.metadata.rule(), "no request signature") if {
	identity_status == "unsigned"
}

# METADATA
# title: Forged request signature
# description: >-
#   The request's signature does not verify with the key it names, or is malformed: the request
#   was changed after signing or was never signed by that app.
# custom:
#   code: identity.forged
deny contains lib.reason(rego.metadata.rule(), sprintf("key: %v", [object.get(identity, "kid", null)])) if {
	identity_status == "forged"
}

# METADATA
# title: Unknown signing key
# description: The request is signed with a key id no registered app publishes (unknown or retired).
# custom:
#   code: identity.unknown_key
deny contains lib.reason(rego.metadata.rule(), sprintf("key: %v", [object.get(identity, "kid", null)])) if {
	identity_status == "unknown_key"
}

# METADATA
# title: Unregistered app
# description: The request is signed by an app that data.identity does not register.
# custom:
#   code: identity.unknown_app
deny contains lib.reason(rego.metadata.rule(), sprintf("app: %v", [object.get(identity, "app", null)])) if {
	identity_status == "verified"
	not registered_app
}

registered_app if is_object(signing_app)

# METADATA
# title: Tenant not allowed for this app
# description: The signing app may not act for the tenant the request claims.
# custom:
#   code: identity.tenant_mismatch
deny contains lib.reason(rego.metadata.rule(), sprintf("app: %v; tenant: %v", [identity.app, claimed_tenant])) if {
	is_object(signing_app)
	not claimed_tenant in object.get(signing_app, "tenants", [])
}

# METADATA
# title: Unknown tenant
# description: >-
#   The request names a tenant that has no entry in data.tenants; it is refused rather than
#   decided under the default tenant's rules.
# custom:
#   code: identity.unknown_tenant
deny contains lib.reason(rego.metadata.rule(), sprintf("tenant: %v", [claimed_tenant])) if {
	not known_tenant
}

known_tenant if is_object(data.tenants[claimed_tenant])

# METADATA
# title: Unrecognised identity status
# description: The engine reported an identity status this policy does not know; the request is held.
# custom:
#   code: identity.malformed
deny contains lib.reason(rego.metadata.rule(), sprintf("status: %v", [identity_status])) if {
	not identity_status in {"unsigned", "forged", "unknown_key", "verified"}
}

# METADATA
# title: Validator missing or failed
# description: >-
#   An admission validator is missing, failed to run or returned a malformed result; the gate
#   fails closed rather than forward a prompt that was not fully checked.
# custom:
#   code: validator_error
deny contains lib.reason(rego.metadata.rule(), problem) if {
	some problem in lib.validator_problems(validators, expected_validators)
}

# METADATA
# title: Prompt injection attempt
# description: The prompt tries to override the assistant's instructions or extract its system prompt.
# custom:
#   code: injection.attempt
deny contains reason if {
	some reason in lib.finding_reasons(rego.metadata.rule(), findings)
}

# METADATA
# title: Request for personal data
# description: The prompt asks for personal data about a person (their contact details, records or accounts).
# custom:
#   code: request.personal_data
deny contains reason if {
	some reason in lib.finding_reasons(rego.metadata.rule(), findings)
}

# METADATA
# title: Out of scope
# description: The prompt asks about a subject this assistant is not meant to cover.
# custom:
#   code: scope.out_of_scope
deny contains reason if {
	some reason in lib.finding_reasons(rego.metadata.rule(), findings)
}

# METADATA
# title: Topic blocked for this tenant
# description: The prompt mentions a topic this tenant has blocked (its blocked_topics_extra).
# custom:
#   code: scope.blocked_topic
deny contains lib.reason(rego.metadata.rule(), sprintf("topic: %s", [topic])) if {
	some topic in lib.blocked_topics(tenant, question)
}

# METADATA
# title: Empty prompt
# description: The prompt is empty or only whitespace.
# custom:
#   code: format.empty
deny contains reason if {
	some reason in lib.finding_reasons(rego.metadata.rule(), findings)
}

# METADATA
# title: Prompt too long
# description: The prompt is longer than the prompts.requested contract allows.
# custom:
#   code: format.too_long
deny contains reason if {
	some reason in lib.finding_reasons(rego.metadata.rule(), findings)
}

# METADATA
# title: Unsupported language
# description: The prompt is not in a language this assistant answers in.
# custom:
#   code: format.language
deny contains reason if {
	some reason in lib.finding_reasons(rego.metadata.rule(), findings)
}

# METADATA
# title: Personal data that cannot be redacted
# description: >-
#   The prompt contains personal data but the validator did not say exactly where (no spans, or
#   an invalid span), so it cannot be kept out of the LLM call.
# custom:
#   code: pii.unredactable
#   findings: pii.**
deny contains reason if {
	unredactable := {f | some f in findings; lib.is_pii(f); not lib.redactable(f)}
	some reason in lib.finding_reasons(rego.metadata.rule(), unredactable)
}

# METADATA
# title: Unrecognised finding
# description: >-
#   A validator reported a finding that no admission rule answers; the prompt is held until a
#   policy author decides what the finding means.
# custom:
#   code: finding.unrecognised
unrecognised contains lib.finding_reason(rego.metadata.rule(), f) if {
	answered := lib.answered_codes(deny) | {lib.finding_code(r) | some r in redacted}
	some f in lib.unanswered(findings, answered)
}
