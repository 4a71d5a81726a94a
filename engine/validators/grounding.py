"""Grounding: each claim of an answer must be supported by, and must not contradict, the retrieved context.

A claim is a sentence that says something (courtesies are skipped). Support is the share of the
claim's content words found in a passage (answer particles and words such as "answer" aside),
blended with cosine similarity when an embedding function is given; a number no passage contains
makes a claim unsupported. Contradiction is decided by ``claims.align`` against the best-aligned
passage clauses (negation, absolutes, antonyms, dropped conditions, quantities). An optional
``ClaimJudge`` (NLI or an LLM) reviews the claims the cheap checks left standing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from engine.errors import InfrastructureUnavailable
from engine.validators.adapter import error_result
from engine.validators.base import Finding, Span, Subject, ValidatorResult
from engine.validators.claims import FILLER, Clause, align, claim_pieces, clause, figures, passage_clauses
from engine.validators.judge import ClaimJudge
from engine.validators.lexicon import canonical
from engine.validators.names import context_names
from engine.validators.text import sentence_spans

Embed = Callable[[Sequence[str]], np.ndarray]

GROUNDING_MESSAGES = {
    "grounding.unsupported": "sentence not supported by the retrieved context",
    "grounding.contradicted": "sentence contradicts the retrieved context",
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


# A terse claim ("The answer is $25 a year.") is aligned together with its question's words, as a
# reader would: it restates the fact the question asks about, not any fact with the same unit.
_TERSE_WORDS = 1
_QUESTION_FORM = frozenset(
    map(canonical, "quick quickly soon long fast often much many can know tell need want".split())  # noqa: SIM905
)


def _parts(sentence: str, features: Clause, question: frozenset[str]) -> list[tuple[Clause, frozenset[str]]]:
    """The claim's clauses, each with the topic words that help align it (the question's, when terse)."""
    pieces = claim_pieces(sentence)
    parts = [features] if len(pieces) < 2 else [clause(p, strip_particle=True) for p in pieces]
    parts = [f for part in parts for f in _figures(part)]
    return [(f, question if len(f.words) <= _TERSE_WORDS else frozenset()) for f in parts]


# "40% for undergraduate modules and 50% for postgraduate modules" joins two facts, each with its figure:
# each is compared with the clause that states it, not both with one of them.
_AND = re.compile(r",?\s+and\s+|,\s+")
_FIGURE_WORDS = 1


def _figures(part: Clause) -> list[Clause]:
    if len(part.quantities) < 2:
        return [part]
    pieces = [p for p in _AND.split(part.text) if p.strip()]
    if len(pieces) < 2:
        return [part]
    out = [clause(p, strip_particle=True) for p in pieces]
    if all(f.quantities and len(f.words) >= _FIGURE_WORDS for f in out):
        return out
    return [part]


@dataclass(frozen=True)
class _Claim:
    start: int
    end: int
    features: Clause


def _claims(text: str, min_content_words: int) -> list[_Claim]:
    out = []
    for start, end in sentence_spans(text):
        features = clause(text[start:end], strip_particle=True)
        if features.quantities or (
            len(features.words) >= min_content_words
            and not (len(features.words) <= _PLEASANTRY_MAX_WORDS and _PLEASANTRY.match(text[start:end]))
        ):
            out.append(_Claim(start, end, features))
    return out


class GroundingCheck:
    """The ``grounding`` validator: codes grounding.unsupported, grounding.contradicted, grounding.no_context.

    ``checks`` in its result says which checks ran ("lexical", "embedding", "judge"), so a policy can
    require the judge for a tenant.
    """

    name = "grounding"

    def __init__(
        self,
        embed: Embed | None = None,
        *,
        judge: ClaimJudge | None = None,
        min_support: float = 0.7,
        lexical_weight: float = 0.5,
        min_content_words: int = 2,
    ) -> None:
        self._embed, self._judge = embed, judge
        self._min_support, self._lexical_weight = min_support, lexical_weight
        self._min_content_words = min_content_words
        self.checks = ("lexical",) + (("embedding",) if embed else ()) + (("judge",) if judge else ())

    def check(self, subject: Subject) -> ValidatorResult:
        """One subject; see ``check_many`` for a batch."""
        return self.check_many([subject])[0]

    def check_many(self, subjects: Sequence[Subject]) -> list[ValidatorResult]:
        """Every subject's verdict, with one embedding call for the whole batch; raises only for an outage."""
        try:
            plans = [self._plan(s) for s in subjects]
            cosines = self._cosines(subjects, plans)
            return [self._decide(s, p, c) for s, p, c in zip(subjects, plans, cosines, strict=True)]
        except InfrastructureUnavailable:
            raise  # an outage is not a finding: the gate waits (fail closed) instead of deciding
        except Exception as exc:  # a validator must never take the gate down with it
            return [error_result(self.name, exc)] * len(subjects)

    def _plan(self, subject: Subject) -> list[_Claim]:
        return _claims(subject.text, self._min_content_words)

    def _cosines(self, subjects: Sequence[Subject], plans: list[list[_Claim]]) -> list[np.ndarray | None]:
        if self._embed is None:
            return [None] * len(subjects)
        texts: list[str] = []
        layout: list[tuple[int, list[int]] | None] = []
        for subject, claims in zip(subjects, plans, strict=True):
            passages = [p.text for p in subject.context if p.text.strip()]
            if not claims or not passages:
                layout.append(None)
                continue
            first = len(texts)
            texts.extend(subject.text[c.start : c.end] for c in claims)
            owner: list[int] = []
            for index, passage in enumerate(passages):
                parts = [passage[a:b] for a, b in sentence_spans(passage)]
                for unit in dict.fromkeys([passage, *parts]):
                    texts.append(unit)
                    owner.append(index)
            layout.append((first, owner))
        if not texts:
            return [None] * len(subjects)
        # One call for the whole batch: the model's per-call overhead dominates at this size.
        vectors = np.asarray(self._embed(texts), dtype=np.float32)
        if vectors.ndim != 2 or vectors.shape[0] != len(texts):
            raise ValueError(f"embed returned shape {vectors.shape} for {len(texts)} texts")
        out: list[np.ndarray | None] = []
        for claims, slot in zip(plans, layout, strict=True):
            if slot is None:
                out.append(None)
                continue
            first, owner = slot
            n = len(claims)
            claim_vecs = vectors[first : first + n]
            unit_vecs = vectors[first + n : first + n + len(owner)]
            scores = np.asarray(claim_vecs @ unit_vecs.T, dtype=np.float64)
            best = np.full((n, max(owner) + 1), -1.0)
            for column, passage_index in enumerate(owner):
                best[:, passage_index] = np.maximum(best[:, passage_index], scores[:, column])
            out.append(best)
        return out

    def _decide(self, subject: Subject, claims: list[_Claim], cosine: np.ndarray | None) -> ValidatorResult:
        passages = [p.text for p in subject.context if p.text.strip()]
        spans: dict[str, list[Span]] = {}
        if claims and not passages:
            spans["grounding.no_context"] = [Span(c.start, c.end) for c in claims]
        elif claims:
            units = [passage_clauses(p) for p in passages]
            names = frozenset().union(*(context_names(p) for p in passages))
            words = [frozenset().union(names, *(u.words for u in us)) for us in units]
            values = {q.value for us in units for u in us for q in u.quantities}
            all_units = [u for us in units for u in us]
            asked = clause(subject.question) if subject.question else None
            question = asked.words - FILLER - _QUESTION_FORM if asked else frozenset()
            # What the question states, its figures included: a condition it states needs no repeating.
            given = question | figures(asked.quantities) if asked else frozenset()
            standing: list[_Claim] = []
            verbatim = frozenset().union(*(_verbatim(p) for p in passages))
            for i, c in enumerate(claims):
                if _plain(subject.text[c.start : c.end]) in verbatim:
                    standing.append(c)  # a whole passage sentence, word for word, restates it
                    continue
                parts = _parts(subject.text[c.start : c.end], c.features, question)
                # What the question states travels with each part: a condition it states needs no repeating.
                if any(
                    align(part, all_units, topic=topic, given=given).contradiction for part, topic in parts
                ):
                    spans.setdefault("grounding.contradicted", []).append(Span(c.start, c.end))
                    continue
                lexical = np.array([_share(c.features, w) for w in words])
                support = lexical
                if cosine is not None:
                    support = self._lexical_weight * lexical + (1 - self._lexical_weight) * cosine[i]
                numbers_known = {q.value for q in c.features.quantities} <= values
                if float(support.max()) < self._min_support or not numbers_known:
                    spans.setdefault("grounding.unsupported", []).append(Span(c.start, c.end))
                else:
                    standing.append(c)
            if self._judge is not None and standing:
                context = "\n".join(passages)
                pairs = [(context, subject.text[c.start : c.end]) for c in standing]
                for c, label in zip(standing, self._judge.judge(pairs), strict=True):
                    if label != "entailed":
                        code = (
                            "grounding.contradicted" if label == "contradicted" else "grounding.unsupported"
                        )
                        spans.setdefault(code, []).append(Span(c.start, c.end))
        findings = tuple(
            Finding(code, GROUNDING_MESSAGES[code], tuple(sorted(s, key=lambda x: x.start)))
            for code, s in sorted(spans.items())
        )
        return ValidatorResult(self.name, passed=not findings, findings=findings, checks=self.checks)


@lru_cache(maxsize=4096)
def _verbatim(passage: str) -> frozenset[str]:
    """The passage's sentences as ``_plain`` writes them (cached: passages recur)."""
    return frozenset(_plain(passage[a:b]) for a, b in sentence_spans(passage))


def _plain(text: str) -> str:
    """Lower case, one space between words, no closing punctuation: for word-for-word comparison."""
    return " ".join(text.lower().split()).rstrip(".!?;: ")


def _share(claim: Clause, passage_words: frozenset[str]) -> float:
    if not claim.words:
        return 1.0
    return len(claim.words & passage_words) / len(claim.words)


def grounding_validator(
    embed: Embed | None = None,
    *,
    judge: ClaimJudge | None = None,
    min_support: float = 0.7,
    lexical_weight: float = 0.5,
) -> GroundingCheck:
    """The ``grounding`` validator (see ``GroundingCheck``)."""
    return GroundingCheck(embed, judge=judge, min_support=min_support, lexical_weight=lexical_weight)
