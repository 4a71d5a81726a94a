"""The underwriting workflow: a chain of governed steps, each an event on a contract-checked topic.

  workflow.applications --[LLM: extract facts, constrained to the contract's JSON schema]-->
  workflow.facts (facts + peril risk from the scikit-learn model) --[LLM: explain]--> answers.draft

The explanation is a draft like any other: the release gate decides whether an underwriter sees it.
Facts the LLM gets wrong in shape or range break the facts contract and are dead-lettered.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from engine import metrics
from engine.contracts.codec import GovernedCodec
from engine.contracts.registry import ContractRegistry
from engine.envelope import Envelope, EnvelopeError
from engine.errors import ContractViolation, GovernorError
from engine.gates.dead_letter import dead_letter
from engine.kafka.processor import Output, TransactionalProcessor
from engine.kafka.record import Record
from engine.models.llm import LLM, ChatMessage, LLMError
from engine.prompts import UNDERWRITING_EXPLANATION, UNDERWRITING_FACTS
from engine.settings import Settings
from engine.stages.fact_check import evidence_schema, plain_numbers, unsupported_facts
from engine.stages.underwriting_risk import PerilRiskModel

log = logging.getLogger(__name__)
STAGE = "workflow"
WORKFLOW = "underwriting"


class FactsUnparseable(GovernorError):
    code = "workflow.facts_unparseable"


class FactsUnsupported(GovernorError):
    """The model extracted facts the application does not state."""

    code = "workflow.facts_unsupported"


class Underwriting:
    """The workflow stage's handler: one step per input topic."""

    def __init__(self, settings: Settings, codec: GovernedCodec, llm: LLM, risk: PerilRiskModel) -> None:
        self.settings, self.codec, self.llm, self.risk = settings, codec, llm, risk
        facts_contract = codec.registry.for_topic(settings.topics.workflow_facts)
        self.facts_schema: dict[str, Any] = facts_contract.schema["properties"]["facts"]

    def handle(self, messages: list[Record]) -> list[Output]:
        outputs: list[Output] = []
        for msg in messages:
            envelope = None
            try:
                envelope = self.codec.decode(msg.topic, msg.value)
                if msg.topic == self.settings.topics.workflow_applications:
                    topic, event = self.settings.topics.workflow_facts, self.extract(envelope)
                else:
                    topic, event = self.settings.topics.answers_draft, self.explain(envelope)
                value, headers = self.codec.encode(topic, event)
            except (EnvelopeError, ContractViolation, FactsUnparseable, FactsUnsupported, LLMError) as exc:
                outputs.append(dead_letter(self.codec, self.settings.topics.dlq, STAGE, msg, exc, envelope))
                continue
            outputs.append(Output(topic, value, envelope.trace.trace_id.encode(), headers))
        return outputs

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
            raise FactsUnparseable(f"the model's facts are not JSON: {exc}: {raw[:200]}") from exc
        if not isinstance(facts, dict):
            raise FactsUnparseable(f"the model's facts are not a JSON object: {raw[:200]}")
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


def build_processor(settings: Settings, registry: ContractRegistry) -> TransactionalProcessor:
    from engine import wiring

    handler = Underwriting(
        settings, GovernedCodec(registry), wiring.llm(settings), PerilRiskModel(settings.cache_dir)
    )
    topics = [settings.topics.workflow_applications, settings.topics.workflow_facts]
    return TransactionalProcessor(
        settings.model_copy(update={"batch_size": 2}),
        STAGE,
        topics,
        handler.handle,
        consumer_overrides={"max.poll.interval.ms": 600000},
    )
