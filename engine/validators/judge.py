"""An optional second opinion on claims: NLI or an LLM judge behind one interface.

A judge either confirms or decides. One that confirms (the default) sees only the claims the cheap checks in
``claims`` left standing and can only object: a strict tenant's second opinion. One that decides sees every
claim a passage does not restate word for word, and its label is the outcome: the lexical rules cannot tell a
paraphrase from a wrong answer's new words (docs/validators.md), an entailment model can. The
OpenAI-compatible judge asks a chat model for one label per (context, claim) pair.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Literal, Protocol

from engine.errors import GovernorError

Label = Literal["entailed", "contradicted", "neutral"]
LABELS: tuple[Label, ...] = ("entailed", "contradicted", "neutral")

_PROMPT = (
    "You check claims against a context. For each numbered claim answer with one word: "
    "entailed (the context states it), contradicted (the context says otherwise), or neutral "
    "otherwise. Reply with a JSON list of words, nothing else.\n\nContext:\n{context}\n\nClaims:\n{claims}"
)


class JudgeError(GovernorError):
    """The judge answered something that is not one label per claim."""


class ClaimJudge(Protocol):
    """Labels (context, claim) pairs; raises on failure (the gate then fails closed). ``decides``: its label
    is each claim's outcome, instead of a second opinion on the claims the cheap checks let stand."""

    decides: bool

    def judge(self, pairs: Sequence[tuple[str, str]]) -> list[Label]: ...


class ChatJudge:
    """A judge on any OpenAI-compatible ``/chat/completions`` endpoint; one request per context."""

    def __init__(self, complete: ChatComplete, *, decides: bool = False) -> None:
        self._complete = complete
        self.decides = decides

    def judge(self, pairs: Sequence[tuple[str, str]]) -> list[Label]:
        labels: list[Label] = []
        by_context: dict[str, list[int]] = {}
        for i, (context, _) in enumerate(pairs):
            by_context.setdefault(context, []).append(i)
        result: dict[int, Label] = {}
        for context, indices in by_context.items():
            claims = "\n".join(f"{n + 1}. {pairs[i][1]}" for n, i in enumerate(indices))
            for i, label in zip(
                indices,
                parse_labels(self._complete(_PROMPT.format(context=context, claims=claims)), len(indices)),
                strict=True,
            ):
                result[i] = label
        labels = [result[i] for i in range(len(pairs))]
        return labels


class ChatComplete(Protocol):
    """Prompt in, the model's text out."""

    def __call__(self, prompt: str) -> str: ...


def parse_labels(reply: str, expected: int) -> list[Label]:
    """The judge's JSON list of labels; anything else raises ``JudgeError``."""
    start, end = reply.find("["), reply.rfind("]")
    try:
        items = json.loads(reply[start : end + 1]) if 0 <= start < end else None
    except ValueError:
        items = None
    if not isinstance(items, list) or len(items) != expected:
        raise JudgeError(f"judge reply is not a list of {expected} labels")
    labels: list[Label] = []
    for item in items:
        word = str(item).strip().lower()
        if word not in LABELS:
            raise JudgeError(f"judge label {word[:20]!r} is not one of {', '.join(LABELS)}")
        labels.append(word)  # type: ignore[arg-type]
    return labels
