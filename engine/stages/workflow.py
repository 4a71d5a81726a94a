"""The underwriting workflow: a chain of governed steps, each an event on a contract-checked topic.

  workflow.applications --[LLM: extract facts, constrained to the contract's JSON schema]-->
  workflow.facts (facts + peril risk from the scikit-learn model) --[LLM: explain]--> answers.draft

The explanation is a draft like any other: the release gate decides whether an underwriter sees it.
Facts the LLM gets wrong in shape or range break the facts contract and are dead-lettered.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from engine import metrics
from engine.envelope import Envelope
from engine.errors import ContractViolation, GovernorError, InfrastructureUnavailable
from engine.models.llm import LLM, ChatMessage, LLMError, LLMFailure, LLMTimeout, LLMUnavailable, unavailable
from engine.pipeline.handler import Emit, Inbound, Result, StageHandler
from engine.prompts import UNDERWRITING_EXPLANATION, UNDERWRITING_FACTS
from engine.settings import Settings
from engine.stages.fact_check import evidence_schema, plain_numbers, unsupported_facts
from engine.stages.underwriting_risk import PerilRiskModel

WORKFLOW = "underwriting"


class FactsUnparseable(GovernorError):
    code = "workflow.facts_unparseable"


class FactsUnsupported(GovernorError):
    """The model extracted facts the application does not state."""

    code = "workflow.facts_unsupported"


@dataclass
class Underwriting(StageHandler):
    """The workflow stage's handler: one step per input topic."""

    settings: Settings = field(kw_only=True)
    llm: LLM = field(kw_only=True)
    risk: PerilRiskModel = field(kw_only=True)

    def __post_init__(self) -> None:
        facts_contract = self.codec.registry.for_topic(self.settings.topics.workflow_facts)
        self.facts_schema: dict[str, Any] = facts_contract.schema["properties"]["facts"]

    def process(self, batch: list[Inbound]) -> list[Result]:
        return [self._step(item) for item in batch]

    def _step(self, item: Inbound) -> Result:
        topics = self.settings.topics
        try:
            if item.record.topic == topics.workflow_applications:
                return Result(emits=(Emit(topics.workflow_facts, self.extract(item.envelope)),))
            return Result(emits=(Emit(topics.answers_draft, self.explain(item.envelope)),))
        except (LLMTimeout, LLMUnavailable) as exc:
            # The model is down, not this application: rewind the batch and wait (never a dead letter).
            raise InfrastructureUnavailable(unavailable(exc)) from exc
        except LLMError as exc:
            return Result(error=LLMFailure(exc))
        except (ContractViolation, FactsUnparseable, FactsUnsupported) as exc:
            return Result(error=exc)

    def _ask(self, system: str, user: str, schema: dict[str, Any] | None = None) -> str:
        completion = self.llm.complete(
            [ChatMessage("system", system), ChatMessage("user", user)],
            max_tokens=self.settings.llm_max_tokens,
            response_schema=schema,
        )
        metrics.LLM_REQUEST.labels(self.settings.llm_backend, "ok").observe(completion.seconds)
        return completion.text.strip()

    def extract(self, application: Envelope) -> Envelope:
        """Step 1: free text -> facts (contract-checked) -> peril risk."""
        text = application.payload["text"]
        # Thousands separators dropped: small models read "$650,000" as 650 (measured: docs/models.md).
        user = UNDERWRITING_FACTS.render_user(
            "Reply with the JSON object only.", [("application", plain_numbers(text))]
        )
        # Constrained to the values the application states (measured: docs/models.md).
        raw = self._ask(UNDERWRITING_FACTS.system, user, evidence_schema(self.facts_schema, text))
        try:
            facts = json.loads(raw)
        except json.JSONDecodeError as exc:
            # The model's reply is not quoted: a dead letter never carries raw model output.
            raise FactsUnparseable(f"the model's facts are not JSON ({type(exc).__name__})") from exc
        if not isinstance(facts, dict):
            raise FactsUnparseable(f"the model's facts are not a JSON object ({type(facts).__name__})")
        facts = {k: facts[k] for k in self.facts_schema["properties"] if k in facts}
        payload: dict[str, Any] = {"application_id": application.payload["application_id"], "facts": facts}
        self.codec.registry.for_topic(self.settings.topics.workflow_facts).validate(
            {**payload, "risk": {"band": "low", "probability": 0.0, "model": "-"}}
        )
        wrong = unsupported_facts(facts, text)
        if wrong:
            raise FactsUnsupported(
                f"the application does not state the extracted {', '.join(wrong)}: {facts}"
            )
        risk = self.risk.assess(facts)
        payload["risk"] = {"band": risk.band, "probability": risk.probability, "model": risk.model}
        return application.derive("application.facts", "workflow.facts@1", payload)

    def explain(self, facts_event: Envelope) -> Envelope:
        """Step 2: facts + risk -> an explanation draft, grounded in exactly those facts."""
        p = facts_event.payload
        passages = fact_passages(p["application_id"], p["facts"], p["risk"])
        question = f"Summarise the risk assessment for application {p['application_id']} in two sentences."
        user = UNDERWRITING_EXPLANATION.render_user(question, passages)
        completion = self.llm.complete(
            [ChatMessage("system", UNDERWRITING_EXPLANATION.system), ChatMessage("user", user)],
            max_tokens=self.settings.llm_max_tokens,
        )
        metrics.LLM_REQUEST.labels(self.settings.llm_backend, "ok").observe(completion.seconds)
        payload = {
            "question": question,
            "answer": completion.text.strip(),
            "context": [{"id": pid, "text": text} for pid, text in passages],
            "model": completion.model_id,
            "template_version": UNDERWRITING_EXPLANATION.version,
            "prompt_id": facts_event.id,
            "workflow": WORKFLOW,
        }
        return facts_event.derive("answer.draft", "answers.draft@1", payload)


def fact_passages(application_id: str, facts: dict[str, Any], risk: dict[str, Any]) -> list[tuple[str, str]]:
    """The facts as plain sentences: what the explanation must be grounded in."""
    flood = "is in a flood zone" if facts["flood_zone"] else "is not in a flood zone"
    return [
        (
            f"{application_id}#facts",
            f"The property is a {facts['property_type']} built in {facts['construction_year']}. It {flood}. "
            f"It has {facts['prior_claims']} prior claims. The sum insured is ${facts['sum_insured']:,}.",
        ),
        (
            f"{application_id}#risk",
            f"The peril risk model {risk['model']} rates the risk as {risk['band']}, "
            f"with a claim probability of {risk['probability']:.0%}.",
        ),
    ]
