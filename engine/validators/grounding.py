"""Grounding: every claim-bearing sentence of an answer must be supported by a retrieved passage.

Support of a sentence = the best passage's score, where the score is the share of the sentence's
content words found in the passage (crude stemming, stopwords dropped), blended with cosine
similarity when an embedding function is given. Numbers are stricter than words: a number in the
sentence that no passage contains makes the sentence unsupported whatever its score, because
a wrong amount, date or limit is the costliest hallucination in a policy answer.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from engine.validators.adapter import GuardrailsCheck, ValidationResult, Validator, fail, register_validator
from engine.validators.base import Subject
from engine.validators.text import content_tokens, sentence_spans

Embed = Callable[[Sequence[str]], np.ndarray]

GROUNDING_MESSAGES = {
    "grounding.unsupported": "sentence not supported by the retrieved context",
    "grounding.no_context": "answer makes claims but no context was retrieved",
}

# Courtesy sentences carry no claim; they are skipped when short and without a number. "Sure" and
# "of course" are not here: they usually open a claim ("Sure, your policy covers floods").
_PLEASANTRY_MAX_WORDS = 6
_PLEASANTRY = re.compile(
    r"(?i)^\W*(?:thanks?\b|thank you|hello|hi\b|hey\b|dear\b|you're welcome|"
    r"i hope (?:this|that) helps|hope (?:this|that) helps|let me know|feel free|is there anything else|"
    r"please (?:let me know|feel free|reach out)|have a (?:great|nice|good)|happy to help|glad to help|"
    r"good (?:morning|afternoon|evening))"
)


def _is_trivial(sentence: str, words: set[str], numbers: set[str], min_content_words: int) -> bool:
    if numbers:
        return False
    if len(words) < min_content_words:
        return True
    return len(words) <= _PLEASANTRY_MAX_WORDS and bool(_PLEASANTRY.match(sentence))


@register_validator(name="governor/grounding", data_type="string")
class GroundingDetector(Validator):  # type: ignore[misc]
    """guardrails validator: passages in ``metadata["context"]``; one span per unsupported sentence."""

    def __init__(
        self,
        embed: Embed | None = None,
        *,
        min_support: float = 0.7,
        lexical_weight: float = 0.5,
        min_content_words: int = 2,
        on_fail: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            on_fail=on_fail,
            min_support=min_support,
            lexical_weight=lexical_weight,
            min_content_words=min_content_words,
            **kwargs,
        )
        self._embed = embed
        self._min_support = min_support
        self._lexical_weight = lexical_weight
        self._min_content_words = min_content_words

    def validate(self, value: Any, metadata: dict[str, Any]) -> ValidationResult:
        text = str(value)
        passages = [p for p in metadata.get("context", ()) if p.strip()]
        claims = []  # (start, end, words, numbers) of sentences that make a claim
        for start, end in sentence_spans(text):
            words, numbers = content_tokens(text[start:end])
            if not _is_trivial(text[start:end], words, numbers, self._min_content_words):
                claims.append((start, end, words, numbers))
        if not claims:
            return fail([], "")
        if not passages:
            return fail(
                [("grounding.no_context", s, e) for s, e, _, _ in claims], "no context for the answer"
            )

        tokenised = [content_tokens(p) for p in passages]
        passage_tokens = [words | numbers for words, numbers in tokenised]
        context_numbers = set().union(*(numbers for _, numbers in tokenised))
        lexical = np.array(
            [
                [len((words | numbers) & p) / len(words | numbers) for p in passage_tokens]
                for *_, words, numbers in claims
            ]
        )
        support = lexical
        if self._embed is not None:
            cosine = _cosine(self._embed, [text[s:e] for s, e, _, _ in claims], passages)
            support = self._lexical_weight * lexical + (1.0 - self._lexical_weight) * cosine
        best = support.max(axis=1)
        unsupported = [
            ("grounding.unsupported", s, e)
            for (s, e, _, numbers), score in zip(claims, best, strict=True)
            if score < self._min_support or not numbers <= context_numbers
        ]
        return fail(unsupported, "answer has unsupported sentences")


def _cosine(embed: Embed, sentences: list[str], passages: list[str]) -> np.ndarray:
    """Per sentence and passage, the best cosine against the passage or any one of its sentences: a
    short claim embedded against a long passage scores low even when the passage states it word for
    word, so the passage's own sentences are compared too."""
    units: list[str] = []
    owner: list[int] = []
    for index, passage in enumerate(passages):
        parts = [passage[a:b] for a, b in sentence_spans(passage)]
        for unit in dict.fromkeys([passage, *parts]):
            units.append(unit)
            owner.append(index)
    # One call for everything: the model's per-call overhead dominates at this size.
    vectors = np.asarray(embed([*sentences, *units]), dtype=np.float32)
    if vectors.ndim != 2 or vectors.shape[0] != len(sentences) + len(units):
        raise ValueError(f"embed returned shape {vectors.shape} for {len(sentences) + len(units)} texts")
    scores = np.asarray(vectors[: len(sentences)] @ vectors[len(sentences) :].T, dtype=np.float64)
    best = np.full((len(sentences), len(passages)), -1.0)
    for column, passage_index in enumerate(owner):
        best[:, passage_index] = np.maximum(best[:, passage_index], scores[:, column])
    return best


def _context(subject: Subject) -> dict[str, Any]:
    return {"context": [p.text for p in subject.context]}


def grounding_validator(
    embed: Embed | None = None, *, min_support: float = 0.7, lexical_weight: float = 0.5
) -> GuardrailsCheck:
    """The ``grounding`` validator: codes grounding.unsupported, grounding.no_context."""
    detector = GroundingDetector(
        embed, min_support=min_support, lexical_weight=lexical_weight, on_fail="noop"
    )
    return GuardrailsCheck(
        "grounding",
        detector,
        messages=GROUNDING_MESSAGES,
        default_code="grounding.unsupported",
        metadata=_context,
    )
