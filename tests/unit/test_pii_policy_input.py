"""OPA never sees a PII-classified value: the policy input carries its digest. And what a gate or stage
writes about a failure (reasons, rejections, dead letters) names the error's type, never the HTTP
client's exception text, OPA's answer or the model's reply."""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any, cast

from hypothesis import given, settings
from hypothesis import strategies as st

from engine.contracts.codec import GovernedCodec
from engine.contracts.registry import ContractRegistry
from engine.envelope import Envelope
from engine.gates.pii_digest import MAX_TERM_WORDS, digest, normalized_words, term_hash
from engine.gates.policy_gate import GateItem, PolicyGate
from engine.models.llm import Completion, LLMBadResponse, LLMFailure, LLMUnavailable, unavailable
from engine.pipeline.dead_letter import dead_letter
from engine.pipeline.records import Record
from engine.policy.client import PolicyClient
from engine.policy.decision import PolicyDecision
from engine.settings import Settings
from engine.stages.underwriting_risk import PerilRiskModel
from engine.stages.workflow import FactsUnparseable, Underwriting
from engine.validators.base import Subject

SETTINGS = Settings()
REGISTRY = ContractRegistry.load(SETTINGS.contracts_dir, SETTINGS.topics)
QUESTION = "My email is jane.doe@example.com: is PIIMARKER-7731 hail damage covered?"
USER = "user-PIIMARKER-0042"


def _gate(name: str, pii_fields: dict[str, frozenset[str]] | None = None) -> PolicyGate:
    fields = REGISTRY.pii_fields() if pii_fields is None else pii_fields
    return PolicyGate(name, f"governor.{name}", [], cast(PolicyClient, None), pii_fields=fields)


def _prompt(question: str = QUESTION) -> Envelope:
    return Envelope(
        "prompt.requested", "prompts.requested@1", "strict-bank", {"question": question, "user": USER}
    )


def _draft() -> Envelope:
    payload = {
        "question": QUESTION,
        "answer": "Hail damage is covered.",
        "context": [{"id": "p0", "text": "Hail damage is covered."}],
        "model": "m",
        "template_version": "rag-answer@1",
        "prompt_id": "p",
    }
    return Envelope("answer.draft", "answers.draft@1", "strict-bank", payload)


def _input(gate: PolicyGate, envelope: Envelope) -> dict[str, Any]:
    return gate.policy_input(GateItem(envelope, Subject(text="")), {})


def test_registry_names_the_pii_fields() -> None:
    fields = REGISTRY.pii_fields()
    assert fields["prompts.requested"] == {"question", "user"}
    assert fields["answers.draft"] == frozenset()


def test_prompt_policy_input_carries_digests_not_pii_values() -> None:
    inp = _input(_gate("admission"), _prompt())
    text = json.dumps(inp, ensure_ascii=False)
    assert "PIIMARKER" not in text and "jane.doe" not in text
    question = inp["envelope"]["payload"]["question"]
    assert question["sha256"] == hashlib.sha256(QUESTION.encode()).hexdigest()
    assert question["length"] == len(QUESTION)
    assert inp["envelope"]["payload"]["user"]["sha256"] == hashlib.sha256(USER.encode()).hexdigest()
    assert inp["envelope"]["tenant"] == "strict-bank" and inp["gate"] == "admission"


def test_draft_policy_input_keeps_what_release_reads_and_hashes_pii_fields() -> None:
    # answers.draft classifies no field as pii: the answer (confidential) stays readable for Rego.
    inp = _input(_gate("release"), _draft())
    assert inp["envelope"]["payload"]["answer"] == "Hail damage is covered."
    assert inp["envelope"]["payload"]["context"] == [{"id": "p0"}]  # passage ids, not their text
    # A contract that classifies the draft's question as pii: its value never reaches the input.
    inp = _input(_gate("release", {"answers.draft": frozenset({"question"})}), _draft())
    assert "PIIMARKER" not in json.dumps(inp, ensure_ascii=False)
    assert inp["envelope"]["payload"]["answer"] == "Hail damage is covered."


@settings(max_examples=200, deadline=None)
@given(st.text(min_size=1, max_size=300))
def test_no_question_text_reaches_the_policy_input(text: str) -> None:
    question = f"«{text}»"  # never in any other field, whatever the text
    inp = _input(_gate("admission"), _prompt(question))
    for ascii_only in (True, False):
        dumped = json.dumps(inp, ensure_ascii=ascii_only)
        assert json.dumps(question, ensure_ascii=ascii_only)[1:-1] not in dumped
    assert inp["envelope"]["payload"]["question"]["length"] == len(question)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(["Gambling", "online", "is", "crypto-currency", "é", "  ", "?!", "İstanbul"]),
        max_size=12,
    )
)
def test_terms_hold_every_run_of_words_a_topic_can_match(parts: list[str]) -> None:
    text = " ".join(parts)
    terms = digest(text)["terms"]
    words = normalized_words(text)
    for n in range(1, MAX_TERM_WORDS + 1):
        for i in range(len(words) - n + 1):
            assert term_hash(terms["salt"], " ".join(words[i : i + n])) in terms["hashes"]
    assert len(set(terms["hashes"])) == len(terms["hashes"])


def test_words_are_normalized_as_rego_does() -> None:
    # lib.normalized: lower(), then runs of anything but \p{L}\p{N} as one space, trimmed.
    assert normalized_words("Buy CRYPTO-currency now!") == ["buy", "crypto", "currency", "now"]
    assert normalized_words("  Online   GAMBLING?? ") == ["online", "gambling"]
    assert normalized_words("Ünïcode ½ İ") == ["ünïcode", "½", "i"]


def test_salt_differs_per_input() -> None:
    assert digest("gambling")["terms"]["salt"] != digest("gambling")["terms"]["salt"]


# --- What failures say ---------------------------------------------------------------------------

URL = "http://10.1.2.3:8181/v1/data/secret"
RAW = "RAWMODELOUTPUT not json at all"


class _Scripted:
    def complete(self, messages: Any, max_tokens: int = 0, response_schema: Any = None) -> Completion:
        return Completion(RAW, "m", 1, 1, 0.0)


def _dead_letter_error(error: Exception) -> str:
    codec = GovernedCodec(REGISTRY)
    record = Record(
        topic="workflow.applications",
        partition=0,
        offset=7,
        key=None,
        value=b"{}",
        headers=[],
        timestamp_ms=None,
    )
    out = dead_letter(codec, SETTINGS.topics.dlq, "workflow", record, error)
    payload = json.loads(out.value)["payload"]
    assert base64.b64decode(payload["original_b64"]) == b"{}"
    return str(payload["error"])


def test_facts_unparseable_does_not_quote_the_model(tmp_path: Any) -> None:
    stage = Underwriting(
        "workflow",
        GovernedCodec(REGISTRY),
        SETTINGS.topics.dlq,
        settings=SETTINGS,
        llm=_Scripted(),  # type: ignore[arg-type]
        risk=PerilRiskModel(tmp_path),
    )
    app = Envelope(
        "workflow.application", "workflow.applications@1", "default", {"application_id": "a", "text": "x"}
    )
    try:
        stage.extract(app)
    except FactsUnparseable as exc:
        error = exc
    else:
        raise AssertionError("expected FactsUnparseable")
    assert "RAWMODELOUTPUT" not in str(error) and "JSONDecodeError" in str(error)
    text = _dead_letter_error(error)
    assert "RAWMODELOUTPUT" not in text


def test_llm_failures_name_the_type_only() -> None:
    failure = LLMFailure(LLMBadResponse(f"{URL}: answer was {RAW}"), "llm.bad_response")
    assert str(failure) == "LLMBadResponse: the model call failed" and failure.code == "llm.bad_response"
    text = _dead_letter_error(failure)
    assert URL not in text and "RAWMODELOUTPUT" not in text and "LLMBadResponse" in text
    assert unavailable(LLMUnavailable(f"ConnectionError: {URL}")) == "LLM: LLMUnavailable"


def test_policy_decision_errors_do_not_quote_opa() -> None:
    assert URL not in str(PolicyDecision.parse({"allow": "yes", "note": URL}).reasons)
    bad = PolicyDecision.parse({"allow": False, "reasons": [{"message": URL}]})
    assert URL not in str(bad.reasons) and bad.reasons[0].code == "policy_error"
