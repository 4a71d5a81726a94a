"""Hypothesis over the release gate with the real validators and the real Rego in OPA: whatever a draft
contains and whichever tenant sent it, an approved answer carries no raw PII or secret, approval needs
every validator to have run, and PII is redacted or rejected exactly as the tenant's policy says."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import SecretStr

from engine import app
from engine.envelope import Envelope
from engine.gates.policy_gate import GateItem, PolicyGate
from engine.gates.release import draft_subject
from engine.settings import Settings

pytestmark = pytest.mark.integration

PASSAGE = "Every new policy has a 14-day cooling-off period. Claims must be reported within 30 days."
GROUNDED = ["Every new policy has a 14-day cooling-off period.", "Claims must be reported within 30 days."]
PII = {"email": "jane.doe@example.com", "card": "4111 1111 1111 1111", "ssn": "536-22-1234"}
SECRETS = {"aws": "AKIAIOSFODNN7EXAMPLE", "github": "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"}
TENANTS = ["acme-insurance", "strict-bank", "default", "unknown-tenant"]


@pytest.fixture(scope="module")
def gate(stack_endpoints: dict[str, str]) -> PolicyGate:
    token = SecretStr(stack_endpoints["opa_token"]) if stack_endpoints["opa_token"] else None
    settings = Settings(opa_url=stack_endpoints["opa_url"], opa_token=token, bootstrap_servers="127.0.0.1:1")
    return app.policy_gate("release", settings, app.policy_client(settings))


drafts = st.fixed_dictionaries({
    "grounded": st.lists(st.sampled_from(GROUNDED), min_size=1, max_size=2),
    "pii": st.lists(st.sampled_from(sorted(PII)), max_size=2, unique=True),
    "secret": st.sampled_from([None, *sorted(SECRETS)]),
    "tenant": st.sampled_from(TENANTS),
})  # fmt: skip


def _draft(spec: dict[str, Any]) -> tuple[Envelope, list[str]]:
    tokens = [PII[k] for k in spec["pii"]] + ([SECRETS[spec["secret"]]] if spec["secret"] else [])
    # Sensitive values sit in the context too, as if retrieval had returned a record holding them,
    # so only the PII and secrets checks (not grounding) decide these drafts.
    sentences = list(spec["grounded"]) + [f"Reference {t} is on file." for t in tokens]
    context = [{"id": "p0", "text": PASSAGE + " " + " ".join(f"Reference {t} is on file." for t in tokens)}]
    payload = {"question": "q?", "answer": " ".join(sentences), "context": context, "model": "m",
               "template_version": "rag-answer@2", "prompt_id": "p"}  # fmt: skip
    envelope = Envelope(
        type="answer.draft", contract="answers.draft@1", tenant=spec["tenant"], payload=payload
    )
    return envelope, tokens


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(drafts)
def test_approved_answers_never_carry_raw_pii_or_secrets(gate: PolicyGate, spec: dict[str, Any]) -> None:
    envelope, tokens = _draft(spec)
    verdict = gate.decide([GateItem(envelope, draft_subject(envelope))])[0]
    codes = {r.code for r in verdict.reasons}
    if verdict.outcome == "approved":
        assert not verdict.reasons
        assert all(r.error is None for r in verdict.validators.values())
        assert not any(t in (verdict.released_text or "") for t in tokens)
    if spec["secret"]:
        assert verdict.outcome == "rejected" and "secrets.present" in codes
    elif spec["pii"] and spec["tenant"] != "acme-insurance":
        assert verdict.outcome == "rejected" and codes & {f"pii.{k}" for k in spec["pii"]}
    elif spec["pii"]:
        assert verdict.outcome == "approved" and "[REDACTED]" in (verdict.released_text or "")
    else:
        assert verdict.outcome == "approved"
