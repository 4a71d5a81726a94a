# METADATA
# title: Release gate
# description: >-
#   Decides whether a draft answer (answers.draft) may be published to answers.approved, from the
#   envelope, the release validators' findings and the tenant context in data.tenants. Fails
#   closed: an answer is allowed only when every expected validator reported cleanly and no rule
#   denies it.
# scope: package
package governor.release

import data.governor.lib

# The validators the release gate runs; a missing one denies with validator_error.
expected_validators := {"pii", "secrets", "grounding", "injection", "scope", "toxicity", "format", "relevance"}

tenant := lib.tenant(input)

validators := lib.validators(input)

findings := lib.findings(validators)

answer := lib.payload_text(input, "answer")

# METADATA
# title: Release decision
# description: >-
#   {allow, reasons, obligations} for one draft answer. Reasons are unique by code and sorted by
#   code; obligations are redactions (sorted by code) followed by the tenant disclaimer, which is
#   added to allowed answers only.
# entrypoint: true
decision := lib.decision(reasons, allow, obligations)

# METADATA
# title: Release decisions, batched
# description: >-
#   The decisions for input.batch (a list of single-decision inputs), in the same order, so the
#   engine can decide many drafts in one OPA round trip.
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

obligations := array.concat(lib.redactions(redacted), disclaimer)

disclaimer := lib.disclaimers(tenant) if allow

else := []

# PII findings this tenant redacts instead of rejecting. Redactions are obligations on denied
# answers too, so the review queue does not receive the personal data either.
redacted contains f if {
	lib.redacts_pii(tenant)
	some f in findings
	lib.is_pii(f)
	lib.redactable(f)
}

# --- Deny rules. Each has METADATA with custom.code (its reason code) and builds its reason from
# --- rego.metadata.rule(); custom.findings (a glob) widens the finding codes a rule answers.

# METADATA
# title: Wrong gate
# description: The input was not built for the release gate, so the release policy cannot decide it.
# custom:
#   code: gate_mismatch
deny contains lib.reason(rego.metadata.rule(), sprintf("gate: %v", [object.get(input, "gate", null)])) if {
	object.get(input, "gate", null) != "release"
}

# METADATA
# title: Validator missing or failed
# description: >-
#   A release validator is missing, failed to run or returned a malformed result; the gate fails
#   closed rather than publish an answer that was not fully checked.
# custom:
#   code: validator_error
deny contains lib.reason(rego.metadata.rule(), problem) if {
	some problem in lib.validator_problems(validators, expected_validators)
}

# METADATA
# title: Secret in answer
# description: The answer contains a credential or secret (API key, token, password or private key).
# custom:
#   code: secrets.present
#   findings: secrets.**
deny contains reason if {
	some reason in lib.finding_reasons(rego.metadata.rule(), findings)
}

# METADATA
# title: Email address in answer
# description: The answer contains an email address and this tenant rejects personal data in answers.
# custom:
#   code: pii.email
deny contains reason if {
	not lib.redacts_pii(tenant)
	some reason in lib.finding_reasons(rego.metadata.rule(), findings)
}

# METADATA
# title: Phone number in answer
# description: The answer contains a phone number and this tenant rejects personal data in answers.
# custom:
#   code: pii.phone
deny contains reason if {
	not lib.redacts_pii(tenant)
	some reason in lib.finding_reasons(rego.metadata.rule(), findings)
}

# METADATA
# title: Social security number in answer
# description: >-
#   The answer contains a social security number and this tenant rejects personal data in
#   answers.
# custom:
#   code: pii.ssn
deny contains reason if {
	not lib.redacts_pii(tenant)
	some reason in lib.finding_reasons(rego.metadata.rule(), findings)
}

# METADATA
# title: Payment card number in answer
# description: The answer contains a payment card number and this tenant rejects personal data in answers.
# custom:
#   code: pii.card
deny contains reason if {
	not lib.redacts_pii(tenant)
	some reason in lib.finding_reasons(rego.metadata.rule(), findings)
}

# METADATA
# title: IBAN in answer
# description: The answer contains a bank account number (IBAN) and this tenant rejects personal data in answers.
# custom:
#   code: pii.iban
deny contains reason if {
	not lib.redacts_pii(tenant)
	some reason in lib.finding_reasons(rego.metadata.rule(), findings)
}

# PII codes with a rule of their own above; every other pii.* code is answered by pii.personal_data.
specific_pii := {"pii.email", "pii.phone", "pii.ssn", "pii.card", "pii.iban"}

# METADATA
# title: Other personal data in answer
# description: >-
#   The answer contains personal data (a national id, passport, licence, health or tax number, IP
#   address, crypto wallet, ...) and this tenant rejects personal data in answers.
# custom:
#   code: pii.personal_data
#   findings: pii.**
deny contains reason if {
	not lib.redacts_pii(tenant)
	other := {f | some f in findings; lib.is_pii(f); not lib.finding_code(f) in specific_pii}
	some reason in lib.finding_reasons(rego.metadata.rule(), other)
}

# METADATA
# title: Personal data that cannot be redacted
# description: >-
#   The answer contains personal data but the validator did not say exactly where (no spans, or
#   an invalid span), so it cannot be redacted.
# custom:
#   code: pii.unredactable
#   findings: pii.**
deny contains reason if {
	lib.redacts_pii(tenant)
	unredactable := {f | some f in findings; lib.is_pii(f); not lib.redactable(f)}
	some reason in lib.finding_reasons(rego.metadata.rule(), unredactable)
}

# METADATA
# title: Unsupported claim
# description: The answer makes claims that the retrieved context does not support.
# custom:
#   code: grounding.unsupported
deny contains reason if {
	some reason in lib.finding_reasons(rego.metadata.rule(), findings)
}

# METADATA
# title: Contradicted claim
# description: >-
#   The answer states the opposite of the retrieved context: a flipped negation, a different number
#   or unit, covered against excluded, a dropped condition, or an absolute against a stated limit.
# custom:
#   code: grounding.contradicted
deny contains reason if {
	some reason in lib.finding_reasons(rego.metadata.rule(), findings)
}

# METADATA
# title: Claim judge required
# description: >-
#   This tenant requires every claim to be checked by the claim judge (NLI or an LLM), and the
#   grounding validator did not run one.
# custom:
#   code: grounding.judge_required
deny contains lib.reason(rego.metadata.rule(), "grounding checks: lexical only") if {
	tenant.grounding_judge == "required"
	is_object(validators.grounding)
	not "judge" in object.get(validators.grounding, "checks", [])
}

# METADATA
# title: Answer off the question
# description: The answer does not address the question that was asked.
# custom:
#   code: relevance.off_question
deny contains reason if {
	tenant.off_question != "allow"
	some reason in lib.finding_reasons(rego.metadata.rule(), findings)
}

# Off-question answers this tenant accepts: answered, so they are not unrecognised.
tolerated contains f if {
	tenant.off_question == "allow"
	some f in findings
	lib.finding_code(f) == "relevance.off_question"
}

# METADATA
# title: No context to ground the answer
# description: The answer was drafted without any retrieved context to ground it in.
# custom:
#   code: grounding.no_context
deny contains reason if {
	some reason in lib.finding_reasons(rego.metadata.rule(), findings)
}

# METADATA
# title: Injected instructions echoed
# description: The answer repeats or follows instructions injected through the prompt or the context.
# custom:
#   code: injection.echo
deny contains reason if {
	some reason in lib.finding_reasons(rego.metadata.rule(), findings)
}

# METADATA
# title: System prompt leaked
# description: The answer reveals the system prompt or other internal instructions.
# custom:
#   code: injection.system_prompt_leak
deny contains reason if {
	some reason in lib.finding_reasons(rego.metadata.rule(), findings)
}

# METADATA
# title: Out of scope
# description: The answer is about a subject this assistant is not meant to cover.
# custom:
#   code: scope.out_of_scope
deny contains reason if {
	some reason in lib.finding_reasons(rego.metadata.rule(), findings)
}

# METADATA
# title: Topic blocked for this tenant
# description: The answer mentions a topic this tenant has blocked (its blocked_topics_extra).
# custom:
#   code: scope.blocked_topic
deny contains lib.reason(rego.metadata.rule(), sprintf("topic: %s", [topic])) if {
	some topic in lib.blocked_topics(tenant, answer)
}

# METADATA
# title: Offensive language
# description: The answer contains words from the toxicity word list.
# custom:
#   code: toxicity.word_list
deny contains reason if {
	some reason in lib.finding_reasons(rego.metadata.rule(), findings)
}

# METADATA
# title: Empty answer
# description: The answer is empty or only whitespace.
# custom:
#   code: format.empty
deny contains reason if {
	some reason in lib.finding_reasons(rego.metadata.rule(), findings)
}

# METADATA
# title: Answer too long
# description: The answer is longer than the answers.draft contract allows.
# custom:
#   code: format.too_long
deny contains reason if {
	some reason in lib.finding_reasons(rego.metadata.rule(), findings)
}

# METADATA
# title: Wrong language
# description: The answer is not in the language expected for this tenant.
# custom:
#   code: format.language
deny contains reason if {
	some reason in lib.finding_reasons(rego.metadata.rule(), findings)
}

# METADATA
# title: Unrecognised finding
# description: >-
#   A validator reported a finding that no release rule answers; the answer is held until a
#   policy author decides what the finding means.
# custom:
#   code: finding.unrecognised
unrecognised contains lib.finding_reason(rego.metadata.rule(), f) if {
	answered := (lib.answered_codes(deny) | {lib.finding_code(r) | some r in redacted}) | {lib.finding_code(t) | some t in tolerated}
	some f in lib.unanswered(findings, answered)
}
