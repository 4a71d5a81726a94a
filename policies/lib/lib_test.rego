package governor.lib_test

import data.governor.lib

# --- Tenant context ----------------------------------------------------------------------------

test_shipped_tenants if {
	data.tenants["acme-insurance"] == {
		"pii": "redact",
		"disclaimer": "This answer is general information, not a binding statement of cover.",
		"blocked_topics_extra": ["investment advice"],
		"off_question": "reject",
		"grounding_judge": "optional",
	}
	data.tenants["strict-bank"].pii == "reject"
	data.tenants["regulated-advice"].grounding_judge == "required"
	data.tenants["open-faq"].off_question == "allow"
	data.tenants["default"] == lib.builtin_tenant
}

test_unknown_tenant_gets_default if {
	lib.tenant({"envelope": {"tenant": "nobody"}}) == data.tenants["default"]
	lib.tenant({}) == data.tenants["default"]
	lib.tenant({"envelope": "not an object"}) == data.tenants["default"]
}

test_partial_tenant_filled_with_strict_values if {
	t := lib.tenant({"envelope": {"tenant": "t"}}) with data.tenants as {"t": {"disclaimer": "Hi."}}
	t == object.union(lib.builtin_tenant, {"disclaimer": "Hi."})
	t.off_question == "reject"
	t.grounding_judge == "optional"
}

test_no_tenant_data_is_strict if {
	t := lib.tenant({"envelope": {"tenant": "acme-insurance"}}) with data.tenants as {}
	t == lib.builtin_tenant
	not lib.redacts_pii(t)
}

# --- Reasons -----------------------------------------------------------------------------------

test_reason_from_metadata if {
	meta := {"title": "T", "description": "D.", "custom": {"code": "x.y"}}
	lib.reason(meta, "") == {"code": "x.y", "message": "D.", "detail": ""}
}

test_reason_without_code_still_denies if {
	lib.reason({"title": "T"}, "d") == {"code": "policy.uncoded", "message": "T", "detail": "d"}
}

test_finding_reasons_match_code_or_glob if {
	fs := {{"code": "secrets.aws.key"}, {"code": "secrets.github"}, {"code": "pii.email", "message": "at 3"}}
	count(lib.finding_reasons({"custom": {"code": "secrets.present", "findings": "secrets.**"}}, fs)) == 2
	lib.finding_reasons({"description": "E.", "custom": {"code": "pii.email"}}, fs) == {
		{"code": "pii.email", "message": "E.", "detail": "pii.email: at 3", "finding": "pii.email"},
	}
}

test_public_reasons_merge_by_code if {
	rs := {
		{"code": "b", "message": "B.", "detail": ""},
		{"code": "a", "message": "A.", "detail": "two"},
		{"code": "a", "message": "A.", "detail": "one"},
	}
	lib.public_reasons(rs) == [{"code": "a", "message": "A. (one; two)"}, {"code": "b", "message": "B."}]
}

# --- Text helpers ------------------------------------------------------------------------------

# digest_of(text) is the digest the engine sends for a PII field (engine/gates/pii_digest.py), salt "t".
digest_of(text) := {"sha256": crypto.sha256(text), "length": count(text), "terms": {
	"salt": "t",
	"max_words": 4,
	"hashes": [h |
		words := split(lib.normalized(text), " ")
		some n in numbers.range(1, 4)
		some i in numbers.range(0, count(words) - 1)
		i + n <= count(words)
		h := crypto.sha256(sprintf("t:%s", [concat(" ", array.slice(words, i, i + n))]))
	],
}}

test_mentions_in_digest if {
	lib.mentions(digest_of("Buy CRYPTO-currency now!"), "crypto currency")
	lib.mentions(digest_of("Is online gambling covered?"), "Online  gambling")
	not lib.mentions(digest_of("cryptography is maths"), "crypto")
	not lib.mentions(digest_of("anything"), "  ")
}

test_mentions_fails_closed_on_digest_it_cannot_answer if {
	lib.mentions(digest_of("a b c d e"), "one two three four five")
	lib.mentions({"sha256": "0", "length": 1}, "gambling")
	lib.mentions({"terms": {"salt": "t", "max_words": "4", "hashes": []}}, "gambling")
	not lib.mentions(digest_of("a"), "one two three four")
}

test_mentions_whole_words_ignoring_case if {
	lib.mentions("Buy CRYPTO-currency now!", "crypto currency")
	lib.mentions("gambling.", "Gambling")
	not lib.mentions("cryptography is maths", "crypto")
	not lib.mentions("anything", "  ")
}

test_payload_text_only_strings if {
	lib.payload_text({"envelope": {"payload": {"answer": "hi"}}}, "answer") == "hi"
	lib.payload_text({"envelope": {"payload": {"answer": 7}}}, "answer") == ""
	lib.payload_text({}, "answer") == ""
}
