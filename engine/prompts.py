"""Versioned prompt templates. Inference builds prompts from them; the release gate checks answers
against the system prompt (leak detection), so both read them from here."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PromptTemplate:
    version: str
    system: str
    user: str  # str.format fields: context, question

    def render_user(self, question: str, passages: list[tuple[str, str]]) -> str:
        context = "\n".join(f"[{pid}] {text}" for pid, text in passages)
        return self.user.format(context=context, question=question)


RAG_ANSWER = PromptTemplate(
    version="rag-answer@2",
    system=(
        "You are Harbor Mutual's customer assistant. Answer only from the provided context, "
        "in one to three short sentences. If the context does not contain the answer, say you do not know."
    ),
    user="Context:\n{context}\n\nQuestion: {question}\nAnswer:",
)

UNDERWRITING_FACTS = PromptTemplate(
    version="underwriting-facts@2",
    system="You extract facts from home insurance applications. Reply with JSON only.",
    user=(
        "Application:\n{context}\n\nReturn JSON with property_type (house|apartment|townhouse|cottage), "
        "construction_year (integer), flood_zone (true|false), prior_claims (integer), "
        "sum_insured (digits only, no $ sign or commas). {question}"
    ),
)

UNDERWRITING_EXPLANATION = PromptTemplate(
    version="underwriting-explanation@2",
    system=(
        "You are an underwriting assistant. Summarise the facts you are given in two short sentences. "
        "Use only those facts."
    ),
    user="Facts:\n{context}\n\n{question}",
)

DATA_SQL = PromptTemplate(
    version="data-sql@2",
    system=(
        "You write one PostgreSQL SELECT statement that answers a question about an insurer's data. "
        'Use only these tables and columns. Reply with JSON {{"sql": "..."}} only.\nTables:\n{context}'
    ),
    user="{question}",
)

# Few-shot turns for DATA_SQL (user question, assistant reply): as chat turns, a small model learns
# to end its reply after one statement instead of running on into the next example.
DATA_SQL_EXAMPLES: tuple[tuple[str, str], ...] = (
    ("How many claims are open?", "SELECT count(*) AS open_claims FROM claims WHERE status = 'open'"),
    (
        "How many active policies are there per product?",
        "SELECT product, count(*) AS policies FROM policies WHERE status = 'active' GROUP BY product",
    ),
    (
        "What is the total amount of settled claims?",
        "SELECT sum(amount) AS settled_amount FROM claims WHERE status = 'settled'",
    ),
)

DATA_ANSWER = PromptTemplate(
    version="data-answer@1",
    system=(
        "You answer a question about an insurer's data from the query result you are given, in one short "
        "sentence. Use only the numbers in the result."
    ),
    user="Query result:\n{context}\n\nQuestion: {question}\nAnswer:",
)

TEMPLATES = {
    t.version: t for t in (RAG_ANSWER, UNDERWRITING_FACTS, UNDERWRITING_EXPLANATION, DATA_SQL, DATA_ANSWER)
}
