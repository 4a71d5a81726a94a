"""The workflow's data step: a question over the operational database, answered through governed SQL.

  workflow.questions --[LLM writes SQL]--> check (sqlglot) -> Rego governor.sql -> tenant filter and
  LIMIT injected into the tree -> run as the read-only role --> answers.draft (rows as context)

Every statement gets one audit record (gate `sql`): canonical SQL hash, policy revision, injected
filters, row count, verdict. A denied or failed statement becomes an answers.rejected event with its
sql.* reasons (never an empty answer); an allowed one becomes a draft that the release gate decides.
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from engine import metrics
from engine.audit.records import decision_record
from engine.audit.writer import AuditWriter
from engine.envelope import Envelope
from engine.errors import InfrastructureUnavailable
from engine.models.llm import LLM, ChatMessage, LLMError, LLMFailure, LLMTimeout, LLMUnavailable, unavailable
from engine.pipeline.handler import Emit, Inbound, Result, StageHandler
from engine.pipeline.records import Output, Record
from engine.prompts import DATA_ANSWER, DATA_SQL, DATA_SQL_EXAMPLES
from engine.settings import Settings
from engine.sql.catalog import Catalog
from engine.sql.govern import SqlGovernor, SqlOutcome

log = logging.getLogger(__name__)
GATE = "sql"
WORKFLOW = "data-question"
ALLOWED_REASON = "sql.allowed"  # so `audit tail --reason sql.` lists allowed statements too
_FENCE = re.compile(r"```(?:sql)?\s*(.*?)```", re.DOTALL | re.IGNORECASE)
_CONTINUATION = re.compile(r"\n\s*\n|\n(?:Question|Answer|Tables|Examples)\s*:", re.IGNORECASE)


def schema_prompt(catalog: Catalog) -> str:
    """The tables the model may use, personal-data columns marked so it aggregates them."""
    lines = []
    for table in catalog.tables.values():
        if table.classification == "restricted":
            continue
        cols = ", ".join(
            f"{c} (personal: count only)" if k == "pii" else c
            for c, k in table.columns.items()
            if c != table.tenant_column
        )
        lines.append(f"{table.name}({cols})")
    return "\n".join(lines)


# Constrained decoding for the SQL step: one line that starts with SELECT or WITH, no ';' and no '"'.
# It keeps a small model from chatting or running on into its few-shot examples; it is no security
# boundary (the checker and Rego are), so a reply that is not this JSON is governed as it is.
SQL_REPLY_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"sql": {"type": "string", "pattern": '^(SELECT|WITH) [^;\\n"]+$'}},
    "required": ["sql"],
    "additionalProperties": False,
}


def sql_messages(schema_text: str, question: str) -> list[ChatMessage]:
    """System prompt with the tables, the few-shot turns, then the question."""
    messages = [ChatMessage("system", DATA_SQL.system.format(context=schema_text))]
    for example, sql in DATA_SQL_EXAMPLES:
        messages += [ChatMessage("user", example), ChatMessage("assistant", json.dumps({"sql": sql}))]
    return [*messages, ChatMessage("user", DATA_SQL.user.format(question=question))]


def sql_from_reply(text: str) -> str:
    """The statement from a reply to SQL_REPLY_SCHEMA, or from free text when it is not that JSON."""
    try:
        reply = json.loads(text)
    except json.JSONDecodeError:
        return extract_sql(text)
    if isinstance(reply, dict) and isinstance(reply.get("sql"), str):
        return str(reply["sql"]).strip()
    return extract_sql(text)


def extract_sql(text: str) -> str:
    """The statement in a model reply: inside a code fence if there is one, else the reply up to where
    a small model starts another few-shot turn ("Question: ...") or a blank line. Nothing else is cut:
    a second statement stays in, so the checker denies it (sql.statement_count) and the audit shows it."""
    fenced = _FENCE.search(text)
    sql = fenced.group(1) if fenced else _CONTINUATION.split(text, maxsplit=1)[0]
    return sql.strip().removeprefix("SQL:").strip()


@dataclass
class DataQuestions(StageHandler):
    """The step's handler: questions in; an audit record and a draft or a rejection out per question."""

    settings: Settings = field(kw_only=True)
    llm: LLM = field(kw_only=True)
    governor: SqlGovernor = field(kw_only=True)
    audit: AuditWriter = field(kw_only=True)

    def __post_init__(self) -> None:
        self.observers.append(self.audit)
        self.schema_text = schema_prompt(self.governor.catalog)

    def process(self, batch: list[Inbound]) -> list[Result]:
        return [self._answer(item) for item in batch]

    def _answer(self, item: Inbound) -> Result:
        started = time.perf_counter()
        question = item.envelope
        text = question.payload["question"]
        try:
            sql = question.payload.get("sql") or self.write_sql(text)
            outcome = self.governor.run(sql, question.tenant)  # PolicyUnavailable: the batch is retried
            decision_id = uuid.uuid4().hex
            record = self._record(
                item.record, question, outcome, decision_id, (time.perf_counter() - started) * 1000
            )
            if outcome.allowed:
                event, topic = self.draft(question, sql, outcome), self.settings.topics.answers_draft
            else:
                rejection = self._rejection(text, outcome, decision_id)
                event = question.derive("answer.rejected", "answers.rejected@1", rejection)
                topic = self.settings.topics.answers_rejected
        except (LLMTimeout, LLMUnavailable) as exc:  # the model is down: wait, never decide
            raise InfrastructureUnavailable(unavailable(exc)) from exc
        except LLMError as exc:
            return Result(error=LLMFailure(exc))
        metrics.DECISIONS.labels(GATE, record["outcome"], record["reasons"][0]).inc()
        return Result(emits=(Emit(topic, event),), context=record)

    def emitted(self, item: Inbound, result: Result) -> list[Output]:
        assert isinstance(result.context, dict)  # every answered question carries its audit record
        return [self.audit.output(result.context, item.envelope)]

    def write_sql(self, question: str) -> str:
        """Ask the model for one SELECT; whatever it writes is governed the same way."""
        completion = self.llm.complete(
            sql_messages(self.schema_text, question),
            max_tokens=self.settings.llm_max_tokens,
            response_schema=SQL_REPLY_SCHEMA,
        )
        metrics.LLM_REQUEST.labels(self.settings.llm_backend, "ok").observe(completion.seconds)
        return sql_from_reply(completion.text)

    def draft(self, question: Envelope, sql: str, outcome: SqlOutcome) -> Envelope:
        """The answer grounded in the rows, as a draft for the release gate."""
        assert outcome.result is not None
        rows = outcome.result.as_text()
        text = question.payload["question"]
        user = DATA_ANSWER.user.format(context=rows, question=text)
        completion = self.llm.complete(
            [ChatMessage("system", DATA_ANSWER.system), ChatMessage("user", user)],
            max_tokens=self.settings.llm_max_tokens,
        )
        metrics.LLM_REQUEST.labels(self.settings.llm_backend, "ok").observe(completion.seconds)
        payload: dict[str, Any] = {
            "question": text,
            "answer": completion.text.strip(),
            # The question beside the rows: an answer that restates it is grounded, its numbers still
            # have to be in the rows.
            "context": [{"id": f"{question.payload['question_id']}#rows", "text": f"{text}\n{rows}"}],
            "model": completion.model_id,
            "template_version": DATA_ANSWER.version,
            "prompt_id": question.id,
            "workflow": WORKFLOW,
        }
        return question.derive("answer.draft", "answers.draft@1", payload)

    @staticmethod
    def _rejection(question: str, outcome: SqlOutcome, decision_id: str) -> dict[str, Any]:
        return {
            "gate": GATE,
            "question": question,
            "answer": None,
            "reasons": [{"code": r.code, "message": r.message} for r in outcome.reasons],
            "decision_id": decision_id,
        }

    def _record(
        self, msg: Record, question: Envelope, outcome: SqlOutcome, decision_id: str, latency_ms: float
    ) -> dict[str, Any]:
        reasons = [r.code for r in outcome.reasons] if outcome.reasons else [ALLOWED_REASON]
        record = decision_record(
            decision_id=decision_id,
            gate=GATE,
            outcome="approved" if outcome.allowed else "rejected",
            reasons=reasons,
            envelope=question,
            topic=msg.topic,
            partition=msg.partition,
            offset=msg.offset,
            raw_value=msg.value,
            contracts=[question.contract],
            policy_revision=outcome.policy_revision,
            validators={},
            obligations=[f"filter:{f}" for f in outcome.audit()["injected_filters"]],
            latency_ms=latency_ms,
        )
        record["sql"] = outcome.audit()
        return record
