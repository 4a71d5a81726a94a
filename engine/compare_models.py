"""Compare local GGUF models on the workflow's two model tasks: fact extraction and text-to-SQL.

Extraction passes when the facts satisfy the workflow.facts contract and the fact check (every fact
stated by the application); SQL passes when the governed statement is allowed, runs, and returns the
same rows as a reference query. Used to choose the demo's model; figures go to docs/models.md.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema

from engine.models.llm import LLM, ChatMessage
from engine.prompts import UNDERWRITING_FACTS
from engine.sql.govern import SqlGovernor
from engine.stages.data_question import SQL_REPLY_SCHEMA, schema_prompt, sql_from_reply, sql_messages
from engine.stages.fact_check import evidence_schema, plain_numbers, unsupported_facts

# Questions unlike the prompt's few-shot examples, each with the query that answers it.
SQL_QUESTIONS: tuple[tuple[str, str], ...] = (
    ("How many claims were declined?", "SELECT count(*) FROM claims WHERE status = 'declined'"),
    ("How many policies are lapsed?", "SELECT count(*) FROM policies WHERE status = 'lapsed'"),
    ("What is the total amount of open claims?", "SELECT sum(amount) FROM claims WHERE status = 'open'"),
    ("How many applications are in a flood zone?", "SELECT count(*) FROM applications WHERE flood_zone"),
    ("How many claims are there per peril?", "SELECT peril, count(*) FROM claims GROUP BY peril"),
)


@dataclass(frozen=True)
class TaskResult:
    """One model on one task: passes out of attempts, and seconds per model call."""

    model: str
    task: str
    passed: int
    attempts: int
    seconds_per_call: float
    failures: tuple[str, ...]


def extraction(
    llm: LLM,
    applications: Sequence[dict[str, str]],
    facts_schema: dict[str, Any],
    constrained: bool,
    normalise: bool = False,
    evidence: bool = False,
) -> TaskResult:
    passed, seconds, failures = 0, 0.0, []
    for app in applications:
        text = plain_numbers(app["text"]) if normalise else app["text"]
        user = UNDERWRITING_FACTS.render_user("Reply with the JSON object only.", [("application", text)])
        completion = llm.complete(
            [ChatMessage("system", UNDERWRITING_FACTS.system), ChatMessage("user", user)],
            max_tokens=120,
            response_schema=(evidence_schema(facts_schema, app["text"]) if evidence else facts_schema)
            if constrained
            else None,
        )
        seconds += completion.seconds
        problem = _facts_problem(completion.text, app["text"], facts_schema)
        if problem is None:
            passed += 1
        else:
            failures.append(f"{app['application_id']}: {problem}")
    task = "extraction (JSON schema grammar)" if constrained else "extraction (free text)"
    task += ", numbers normalised" if normalise else ""
    task += ", narrowed to stated values" if evidence else ""
    return TaskResult(
        llm.model_id, task, passed, len(applications), seconds / len(applications), tuple(failures)
    )


def _facts_problem(text: str, application: str, schema: dict[str, Any]) -> str | None:
    try:
        facts = json.loads(text)
    except json.JSONDecodeError:
        return f"not JSON: {text[:60]!r}"
    if not isinstance(facts, dict):
        return "not an object"
    facts = {k: facts[k] for k in schema["properties"] if k in facts}
    try:
        jsonschema.validate(facts, schema)
    except jsonschema.ValidationError as exc:
        return f"contract: {exc.message[:60]}"
    wrong = unsupported_facts(facts, application)
    return f"unsupported {', '.join(wrong)}" if wrong else None


def text_to_sql(llm: LLM, governor: SqlGovernor, tenant: str, constrained: bool = False) -> TaskResult:
    passed, seconds, failures = 0, 0.0, []
    schema_text = schema_prompt(governor.catalog)
    for question, expected_sql in SQL_QUESTIONS:
        completion = llm.complete(
            sql_messages(schema_text, question),
            max_tokens=120,
            response_schema=SQL_REPLY_SCHEMA if constrained else None,
        )
        seconds += completion.seconds
        outcome = governor.run(sql_from_reply(completion.text), tenant)
        expected = governor.run(expected_sql, tenant)
        if not outcome.allowed or outcome.result is None:
            failures.append(f"{question} -> {[r.code for r in outcome.reasons]} {completion.text[:80]!r}")
        elif expected.result is None or sorted(map(str, outcome.result.rows)) != sorted(
            map(str, expected.result.rows)
        ):
            failures.append(f"{question} -> ran, wrong rows: {outcome.check.canonical_sql[:80]!r}")
        else:
            passed += 1
    n = len(SQL_QUESTIONS)
    task = "text-to-SQL (JSON schema grammar)" if constrained else "text-to-SQL (free text)"
    return TaskResult(llm.model_id, task, passed, n, seconds / n, tuple(failures))


def markdown(results: Sequence[TaskResult]) -> str:
    lines = ["| model | task | passed | s/call |", "|---|---|---|---|"]
    lines += [
        f"| {r.model} | {r.task} | {r.passed}/{r.attempts} | {r.seconds_per_call:.2f} |" for r in results
    ]
    return "\n".join(lines)


def load_applications(path: Path) -> list[dict[str, str]]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def timed(build: Callable[[], LLM]) -> tuple[LLM, float]:
    started = time.perf_counter()
    llm = build()
    return llm, time.perf_counter() - started
