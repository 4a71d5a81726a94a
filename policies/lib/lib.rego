# METADATA
# title: Governor policy library
# description: >-
#   Helpers shared by every decision point: reading the gate input defensively (fail closed when a
#   field is missing or malformed), resolving tenant context from data.tenants, building reasons
#   from rule METADATA so each reason code is written once, and assembling the decision object.
# scope: package
package governor.lib

# Used when data.tenants is not loaded at all, and merged under every tenant entry so a tenant
# that omits a key gets the strict value, never an undefined one.
builtin_tenant := {
	"pii": "reject",
	"disclaimer": null,
	"blocked_topics_extra": [],
	"off_question": "reject",
	"grounding_judge": "optional",
}

# tenant(inp) is the context for the envelope's tenant: its entry in data.tenants, else the
# "default" entry, else builtin_tenant. Unknown tenants therefore reject PII and get no disclaimer.
tenant(inp) := object.union(builtin_tenant, data.tenants[tenant_name(inp)]) if {
	is_object(data.tenants[tenant_name(inp)])
} else := object.union(builtin_tenant, data.tenants["default"]) if {
	is_object(data.tenants["default"])
} else := builtin_tenant

tenant_name(inp) := object.get(inp, ["envelope", "tenant"], "default")

# redacts_pii holds only for the exact mode "redact": a missing or misspelt mode rejects.
redacts_pii(t) if t.pii == "redact"

# validators(inp) is input.validators when it is an object, else {} (so every expected validator
# counts as missing, never as passed).
validators(inp) := inp.validators if is_object(inp.validators)

else := {}

# payload_text(inp, field) is a payload string field, or "" when absent or not a string.
payload_text(inp, field) := text if {
	text := object.get(inp, ["envelope", "payload", field], "")
	is_string(text)
} else := ""

# findings(vs) is every finding of every validator, whether or not the validator passed:
# the policy, not the validator, decides what a finding means.
findings(vs) := {f |
	some v in vs
	is_object(v)
	some f in object.get(v, "findings", [])
	is_object(f)
}

# finding_code(f) is the finding's code, or "" when it has none (such a finding is unrecognised).
finding_code(f) := f.code if is_string(f.code)

else := ""

# in_family(f, family) holds for codes "<family>.<anything>".
in_family(f, family) if glob.match(sprintf("%s.**", [family]), ["."], finding_code(f))

# validator_problems(vs, expected) describes every expected validator that is missing and every
# present validator whose result cannot be trusted; each entry becomes a validator_error detail.
validator_problems(vs, expected) := missing | broken if {
	missing := {sprintf("%s: missing", [name]) | some name in expected; not name in object.keys(vs)}
	broken := {sprintf("%s: %s", [name, problem]) | some name, v in vs; some problem in result_problems(v)}
}

result_problems(v) := {"malformed result"} if {
	not is_object(v)
} else := {"malformed result"} if {
	# object.get, not v.passed: `not is_boolean(v.passed)` is undefined (not true) when the key is absent
	not is_boolean(object.get(v, "passed", null))
} else := {"malformed result"} if {
	not is_array(object.get(v, "findings", []))
} else := {sprintf("error: %v", [v.error])} if {
	object.get(v, "error", null) != null
} else := {"failed without findings"} if {
	v.passed == false
	count(object.get(v, "findings", [])) == 0
} else := set()

# reason(meta, detail) is the reason a rule produces, its code and message taken from the
# rule's annotations (pass rego.metadata.rule()). A rule without custom.code still denies, as
# "policy.uncoded", so a forgotten code shows up in tests instead of silently allowing. (A
# finding rule without one answers no finding, so its findings deny as finding.unrecognised.)
reason(meta, detail) := {
	"code": object.get(meta, ["custom", "code"], "policy.uncoded"),
	"message": object.get(meta, "description", object.get(meta, "title", "")),
	"detail": detail,
}

# finding_reason(meta, f) is reason(meta, ...) for one validator finding; it remembers which
# finding code it answers so unanswered codes can be caught (see the finding.unrecognised rules).
finding_reason(meta, f) := object.union(reason(meta, finding_detail(f)), {"finding": finding_code(f)})

finding_detail(f) := sprintf("%s: %s", [finding_code(f), f.message]) if {
	is_string(f.message)
	f.message != ""
} else := finding_code(f)

# finding_reasons(meta, fs) are the reasons for the findings in fs that the rule answers: those
# whose code equals custom.code, or matches the glob custom.findings when the rule sets one
# (e.g. code secrets.present, findings "secrets.**").
finding_reasons(meta, fs) := {finding_reason(meta, f) |
	some f in fs
	glob.match(object.get(meta, ["custom", "findings"], object.get(meta, ["custom", "code"], "")), ["."], finding_code(f))
}

# answered_codes(reasons) are the finding codes that some reason answers.
answered_codes(reasons) := {r.finding | some r in reasons}

# unanswered(fs, answered) are the findings no rule answered.
unanswered(fs, answered) := {f | some f in fs; not finding_code(f) in answered}

# public_reasons(reasons) is what a decision carries: one {code, message} per code, sorted by
# code. Messages of the same code are merged, their details listed in brackets.
public_reasons(reasons) := [{"code": code, "message": merged_message(reasons, code)} |
	some code in sort({r.code | some r in reasons})
]

merged_message(reasons, code) := message if {
	text := concat(" ", sort({r.message | some r in reasons; r.code == code}))
	details := sort({r.detail | some r in reasons; r.code == code; r.detail != ""})
	message := with_details(text, details)
}

with_details(text, details) := text if {
	count(details) == 0
} else := sprintf("%s (%s)", [text, concat("; ", details)])

# is_pii(f) holds for every pii.* finding, including codes added to the validator later.
is_pii(f) if in_family(f, "pii")

# redactable(f) holds when the finding says exactly where the personal data is: at least one
# span, every span a non-empty range [start, end) with 0 <= start < end.
redactable(f) if {
	count(f.spans) > 0
	every span in f.spans {
		is_number(span.start)
		is_number(span.end)
		span.start >= 0
		span.end > span.start
	}
}

# redactions(fs) is one redact obligation per finding code, with the spans of all its findings
# deduplicated and ordered by start then end.
redactions(fs) := [{"type": "redact", "code": code, "spans": spans_of(fs, code)} |
	some code in sort({finding_code(f) | some f in fs})
]

spans_of(fs, code) := [{"start": pair[0], "end": pair[1]} |
	some pair in sort({[s.start, s.end] | some f in fs; finding_code(f) == code; some s in f.spans})
]

# disclaimers(t) is the tenant's append_disclaimer obligation, or none.
disclaimers(t) := [{"type": "append_disclaimer", "text": t.disclaimer}] if {
	is_string(t.disclaimer)
	trim_space(t.disclaimer) != ""
} else := []

# mentions(text, term) holds when term occurs in text as whole words, ignoring case and
# punctuation: "crypto" matches "Crypto?" but not "cryptography".
mentions(text, term) if {
	is_string(text)
	needle := normalized(term)
	needle != ""
	contains(sprintf(" %s ", [normalized(text)]), sprintf(" %s ", [needle]))
}

# A PII-classified field reaches the policy as a digest, not its text (engine/gates/pii_digest.py):
# terms.hashes holds the salted SHA-256 of every run of up to terms.max_words normalized words.
mentions(digest, term) if {
	is_object(digest)
	needle := normalized(term)
	needle != ""
	crypto.sha256(sprintf("%s:%s", [digest.terms.salt, needle])) in {h | some h in digest.terms.hashes}
}

# A term the digest cannot answer (longer than its runs, or a malformed digest) counts as
# mentioned: the policy fails closed rather than miss a blocked topic.
mentions(digest, term) if {
	is_object(digest)
	needle := normalized(term)
	needle != ""
	not digest_covers(digest, count(split(needle, " ")))
}

digest_covers(digest, words) if {
	is_string(digest.terms.salt)
	is_array(digest.terms.hashes)
	is_number(digest.terms.max_words)
	words <= digest.terms.max_words
}

normalized(s) := trim_space(regex.replace(lower(s), `[^\p{L}\p{N}]+`, " "))

# blocked_topics(t, text) are the tenant's extra blocked topics that text mentions.
blocked_topics(t, text) := {topic |
	some topic in t.blocked_topics_extra
	is_string(topic)
	mentions(text, topic)
}

# decision(reasons, allowed, obligations) is the decision object every gate returns.
decision(reasons, allowed, obligations) := {
	"allow": allowed,
	"reasons": public_reasons(reasons),
	"obligations": obligations,
}
