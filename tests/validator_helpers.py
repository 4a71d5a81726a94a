"""What the validator mechanism tests share: a subject built from an answer, its question and passages, and
the finding codes a validator gives it."""

from __future__ import annotations

from engine.validators.base import ContextPassage, Subject


def codes(validator: object, subj: Subject) -> list[str]:
    """The codes of the findings ``validator`` reports for ``subj``."""
    return [f.code for f in validator.check(subj).findings]  # type: ignore[attr-defined]


def subject(answer: str, question: str, *passages: str) -> Subject:
    """An answer to ``question`` with ``passages`` as its retrieved context."""
    return Subject(
        text=answer,
        question=question,
        context=tuple(ContextPassage(f"p{i}", p) for i, p in enumerate(passages)),
    )
