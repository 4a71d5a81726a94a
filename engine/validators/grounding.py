"""Grounding: each claim of an answer must be supported by, and must not contradict, the retrieved context.

A claim is a sentence that says something (courtesies are skipped). Support is the share of the
claim's content words found in a passage (answer particles and words such as "answer" aside),
blended with cosine similarity when an embedding function is given; a number no passage contains
makes a claim unsupported. Contradiction is decided by ``claims.align`` against the best-aligned
passage clauses (negation, absolutes, antonyms, dropped conditions, quantities). An optional
``ClaimJudge`` (NLI or an LLM) reviews the claims the cheap checks left standing, or, when it decides,
labels every claim no passage restates word for word.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from engine.errors import InfrastructureUnavailable
from engine.validators.adapter import error_result
from engine.validators.base import Finding, Span, Subject, ValidatorResult
from engine.validators.claims import (
    DURATION,
    FILLER,
    Clause,
    align,
    claim_pieces,
    clause,
    figure_parts,
    figures,
    passage_clauses,
)
from engine.validators.judge import ClaimJudge
from engine.validators.lexicon import canonical
from engine.validators.names import context_names
from engine.validators.quantities import Quantity, equivalent, listed_counts, worked_out
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
    # Only the sentence's first clause can open with an answer particle: "..., and no interest is added"
    # keeps its "no".
    parts = (
        [features] if len(pieces) < 2 else [clause(p, strip_particle=i == 0) for i, p in enumerate(pieces)]
    )
    parts = [f for part in parts for f in figure_parts(part)]
    # A figure's own unit words ("30 days") say nothing of what the value is about: "30 days from delivery."
    # is as terse as "From delivery.".
    return [(f, question if len(f.words - f.figure_units) <= _TERSE_WORDS else frozenset()) for f in parts]


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


# What the lexical checks make of a claim: a final outcome, or OPEN when its support needs the cosines.
STANDING, OPEN = "standing", "open"
# Cosines of unit vectors, computed in float32, can exceed 1 by rounding: the bound a claim's support is
# held to before the embedding is skipped leaves room for it.
_COSINE_CEILING = 1.0 + 1e-4


@dataclass(frozen=True)
class _Assessment:
    """A subject's claims with what the lexical checks decided for each (``outcomes``: STANDING, OPEN or
    a finding code) and, for the OPEN ones, their lexical support per passage."""

    claims: list[_Claim]
    passages: list[str]
    outcomes: list[str]
    lexical: dict[int, np.ndarray]
    # Why each claim's lexical outcome is what it is, in words (``GroundingCheck.explain``).
    reasons: list[str] = dataclasses.field(default_factory=list)

    @property
    def open(self) -> list[int]:
        return [i for i, outcome in enumerate(self.outcomes) if outcome == OPEN]


class GroundingCheck:
    """The ``grounding`` validator: codes grounding.unsupported, grounding.contradicted, grounding.no_context.

    ``checks`` in its result says which checks ran ("lexical", "embedding", "judge"), so a policy can
    require the judge for a tenant. Claims the lexical checks decide whatever the cosine (restated word
    for word, contradicted, a number no passage holds, or too few words found for any cosine to lift
    them to ``min_support``) are not embedded: the outcome is the same, the embedding is saved.
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
        # Assessments of the subjects a batch prefetch asked about, so check() does not redo them: by id,
        # with the subject itself (held, so its id cannot be reused meanwhile; a Subject is not hashable).
        self._assessed: dict[int, tuple[Subject, _Assessment]] = {}

    def check(self, subject: Subject) -> ValidatorResult:
        """One subject; see ``check_many`` for a batch."""
        return self.check_many([subject])[0]

    def check_many(self, subjects: Sequence[Subject]) -> list[ValidatorResult]:
        """Every subject's verdict, with one embedding call for the whole batch; raises only for an outage."""
        try:
            assessments = [self._assessment(s) for s in subjects]
            cosines = self._cosines(subjects, assessments)
            return [self._decide(s, a, c) for s, a, c in zip(subjects, assessments, cosines, strict=True)]
        except InfrastructureUnavailable:
            raise  # an outage is not a finding: the gate waits (fail closed) instead of deciding
        except Exception as exc:  # a validator must never take the gate down with it
            return [error_result(self.name, exc)] * len(subjects)

    def embedding_needs(self, subject: Subject) -> tuple[list[str], list[str]]:
        """The claim sentences of `subject` whose support its embeddings decide, and the passages they are
        compared with: what a batch prefetch embeds for this check (nothing when the lexical checks decide
        every claim). The assessment is kept for the check that follows."""
        if self._embed is None:
            return [], []
        try:
            assessment = self._assess(subject)
        except Exception:  # the check itself reports it; the prefetch only warms the cache
            return [], []
        if len(self._assessed) >= 8192:  # subjects prefetched but never checked (a batch that failed)
            self._assessed.clear()
        self._assessed[id(subject)] = (subject, assessment)
        claims = [assessment.claims[i] for i in assessment.open]
        return [subject.text[c.start : c.end] for c in claims], (assessment.passages if claims else [])

    def explain(self, subject: Subject) -> list[tuple[str, str, str]]:
        """For debugging: each claim sentence with its lexical outcome and why (the rule that fired and the
        passage clause it fired against, or the support share and the words no passage holds)."""
        a = self._assess(subject, explain=True)
        return [
            (subject.text[c.start : c.end], outcome, reason)
            for c, outcome, reason in zip(a.claims, a.outcomes, a.reasons, strict=True)
        ]

    def _assessment(self, subject: Subject) -> _Assessment:
        kept = self._assessed.pop(id(subject), None)
        return kept[1] if kept is not None and kept[0] is subject else self._assess(subject)

    def _assess(self, subject: Subject, *, explain: bool = False) -> _Assessment:
        claims = _claims(subject.text, self._min_content_words)
        passages = [p.text for p in subject.context if p.text.strip()]
        if not claims or not passages:
            return _Assessment(
                claims, passages, ["grounding.no_context"] * len(claims), {}, ["no context"] * len(claims)
            )
        units = [passage_clauses(p) for p in passages]
        # Names the context uses inside its sentences (the company its passages call "we") count as
        # present in every passage.
        names = frozenset().union(*(context_names(p) for p in passages))
        words = [
            frozenset().union(
                names,
                *(u.words for u in us),
                (DURATION,) if any(q.unit_class == "time" for u in us for q in u.quantities) else (),
            )
            for us in units
        ]
        stated = frozenset(q for us in units for u in us for q in u.quantities)
        values = {q.value for q in stated}
        asked = clause(subject.question) if subject.question else None
        asked_q = asked.quantities if asked else frozenset()
        asked_values = {q.value for q in asked_q}
        if subject.question:
            # The question's own figures, and how many things it lists, are the asker's: an answer may
            # restate them ("That's five items" for "a sofa, two chairs, a table and a bed").
            values |= asked_values | listed_counts(subject.question)
        all_units = [u for us in units for u in us]
        question = asked.words - FILLER - _QUESTION_FORM if asked else frozenset()
        # What the question states, its figures included: a condition it states needs no repeating. Its
        # figures as counts too ("=2" for "my two dogs"), which a worked-out amount may multiply by.
        given = question | figures(asked_q) | frozenset(f"={v}" for v in asked_values)
        verbatim = frozenset().union(*(_verbatim(p) for p in passages))
        # The figures the conversation states (the answer's and its question's) are operands a worked-out
        # figure may use ("£50, a quarter of the £200 ... the other £150").
        spoken = frozenset().union(asked_q, *(c.features.quantities for c in claims))
        answered = frozenset().union(*(c.features.words | figures(c.features.quantities) for c in claims))

        def derived(q: Quantity) -> bool:
            """A figure the conversation supplies or a sum works out: checked as such, not placed."""
            return q.value in asked_values or worked_out(q, spoken, stated)

        weight = self._lexical_weight
        outcomes: list[str] = []
        reasons: list[str] = []
        lexical: dict[int, np.ndarray] = {}
        for i, c in enumerate(claims):
            if _plain(subject.text[c.start : c.end]) in verbatim:
                outcomes.append(STANDING)  # a whole passage sentence, word for word, restates it
                reasons.append("restates a passage sentence word for word" if explain else "")
                continue
            parts = _parts(subject.text[c.start : c.end], c.features, question)
            if len(parts) > 1 and len(c.features.quantities) > 2:
                # A total the claim works out from its own figures ("£30: £24 for X and £6 for Y") is
                # compared through its terms, not with the clause that states one of them.
                # Its question's figures are operands too ("£13.50: £6.50 and £3.50 for each child" for "my
                # two kids").
                totals = frozenset(
                    q for q in c.features.quantities if worked_out(q, (c.features.quantities | asked_q) - {q})
                )
                if totals:
                    parts = [(dataclasses.replace(p, quantities=p.quantities - totals), t) for p, t in parts]
            # A condition the claim's sentence states in another of its clauses ("Report it within 2 days
            # and the crew comes back within 3, as long as ...") is not dropped by the clause that lacks it.
            # So is one the answer states in another sentence ("Yes, as long as you have been a member for a
            # year. Members can pay in three instalments.").
            stated_here = given | answered
            conflict = next(
                (
                    (part, a)
                    for part, topic in parts
                    if (a := align(part, all_units, topic=topic, given=stated_here)).contradiction
                ),
                None,
            )
            if conflict is not None:
                outcomes.append("grounding.contradicted")
                part, a = conflict
                against = a.against.text if a.against is not None else "?"
                reasons.append(
                    f"{'/'.join(a.contradiction)}: {part.text!r} against {against!r}" if explain else ""
                )
                continue

            misplaced = next((part for part, _ in parts if _misattributed(part, all_units, derived)), None)
            if misplaced is not None:
                outcomes.append("grounding.unsupported")  # a true figure, but another fact's
                reasons.append(f"a figure another fact states: {misplaced.text!r}" if explain else "")
                continue
            share = np.array([_share(c.features, w) for w in words])
            best = float(share.max())
            missing = sorted(c.features.words - words[int(share.argmax())]) if explain else []
            mine = c.features.quantities
            if not all(_held(q, values, stated) or worked_out(q, spoken, stated) for q in mine):
                outcomes.append("grounding.unsupported")  # a number no passage holds, whatever the cosine
                reasons.append("a number no passage holds" if explain else "")
            elif self._embed is None:
                outcomes.append(STANDING if best >= self._min_support else "grounding.unsupported")
                reasons.append(f"support {best:.2f}, missing {missing}" if explain else "")
            elif weight * best + (1 - weight) * _COSINE_CEILING < self._min_support:
                outcomes.append("grounding.unsupported")  # no cosine could lift it
                reasons.append(
                    f"support {best:.2f} (no cosine can lift it), missing {missing}" if explain else ""
                )
            else:
                outcomes.append(OPEN)
                reasons.append(f"support {best:.2f}, the cosine decides" if explain else "")
                lexical[i] = share
        return _Assessment(claims, passages, outcomes, lexical, reasons)

    def _cosines(
        self, subjects: Sequence[Subject], assessments: list[_Assessment]
    ) -> list[np.ndarray | None]:
        """Per subject, the best cosine of each OPEN claim (rows, in claim order) with each passage."""
        if self._embed is None:
            return [None] * len(subjects)
        texts: list[str] = []
        layout: list[tuple[int, int, list[int]] | None] = []
        for subject, assessment in zip(subjects, assessments, strict=True):
            open_claims = [assessment.claims[i] for i in assessment.open]
            if not open_claims:
                layout.append(None)
                continue
            first = len(texts)
            texts.extend(subject.text[c.start : c.end] for c in open_claims)
            owner: list[int] = []
            for index, passage in enumerate(assessment.passages):
                parts = [passage[a:b] for a, b in sentence_spans(passage)]
                for unit in dict.fromkeys([passage, *parts]):
                    texts.append(unit)
                    owner.append(index)
            layout.append((first, len(open_claims), owner))
        if not texts:
            return [None] * len(subjects)
        # One call for the whole batch: the model's per-call overhead dominates at this size.
        vectors = np.asarray(self._embed(texts), dtype=np.float32)
        if vectors.ndim != 2 or vectors.shape[0] != len(texts):
            raise ValueError(f"embed returned shape {vectors.shape} for {len(texts)} texts")
        out: list[np.ndarray | None] = []
        for slot in layout:
            if slot is None:
                out.append(None)
                continue
            first, n, owner = slot
            claim_vecs = vectors[first : first + n]
            unit_vecs = vectors[first + n : first + n + len(owner)]
            scores = np.asarray(claim_vecs @ unit_vecs.T, dtype=np.float64)
            best = np.full((n, max(owner) + 1), -1.0)
            for column, passage_index in enumerate(owner):
                best[:, passage_index] = np.maximum(best[:, passage_index], scores[:, column])
            out.append(best)
        return out

    def _decide(
        self, subject: Subject, assessment: _Assessment, cosine: np.ndarray | None
    ) -> ValidatorResult:
        outcomes = list(assessment.outcomes)
        rows = {claim_index: row for row, claim_index in enumerate(assessment.open)}
        for i, outcome in enumerate(outcomes):
            if outcome == OPEN:
                assert cosine is not None  # OPEN only when there is an embedding to decide
                w = self._lexical_weight
                support = w * assessment.lexical[i] + (1 - w) * cosine[rows[i]]
                outcomes[i] = (
                    STANDING if float(support.max()) >= self._min_support else "grounding.unsupported"
                )
        if self._judge is not None and assessment.passages:
            self._judged(subject, assessment, outcomes)
        spans: dict[str, list[Span]] = {}
        for c, outcome in zip(assessment.claims, outcomes, strict=True):
            if outcome != STANDING:
                spans.setdefault(outcome, []).append(Span(c.start, c.end))
        findings = tuple(
            Finding(code, GROUNDING_MESSAGES[code], tuple(sorted(s, key=lambda x: x.start)))
            for code, s in sorted(spans.items())
        )
        return ValidatorResult(self.name, passed=not findings, findings=findings, checks=self.checks)

    def _judged(self, subject: Subject, assessment: _Assessment, outcomes: list[str]) -> None:
        """The judge's label becomes the outcome of each claim it sees: the standing ones when it confirms;
        when it decides, every claim no passage restates word for word, whatever the lexical checks said."""
        assert self._judge is not None
        texts = [subject.text[c.start : c.end] for c in assessment.claims]
        if self._judge.decides:
            said = frozenset().union(*(_verbatim(p) for p in assessment.passages))
            seen = [i for i, text in enumerate(texts) if _plain(text) not in said]
        else:
            seen = [i for i, outcome in enumerate(outcomes) if outcome == STANDING]
        if not seen:
            return
        context = "\n".join(assessment.passages)
        labels = self._judge.judge([(context, texts[i]) for i in seen])
        for i, label in zip(seen, labels, strict=True):
            outcomes[i] = _JUDGED[label]


# What a judge's label makes of a claim.
_JUDGED = {"entailed": STANDING, "contradicted": "grounding.contradicted", "neutral": "grounding.unsupported"}


@lru_cache(maxsize=4096)
def _verbatim(passage: str) -> frozenset[str]:
    """The passage's sentences as ``_plain`` writes them (cached: passages recur)."""
    return frozenset(_plain(passage[a:b]) for a, b in sentence_spans(passage))


def _held(q: Quantity, values: set[str], stated: frozenset[Quantity]) -> bool:
    """Whether a passage holds the figure: its value, or the same duration in another time unit ("half an
    hour" holds "30 minutes", "12 months" holds "a year")."""
    return q.value in values or any(equivalent(q, s) for s in stated)


def _plain(text: str) -> str:
    """Lower case, one space between words, no closing punctuation: for word-for-word comparison."""
    return " ".join(text.lower().split()).rstrip(".!?;: ")


# A claim's fact is found when a passage clause holds this share of its words.
_FACT_FOUND = 0.75


def _misattributed(part: Clause, units: Sequence[Clause], derived: Callable[[Quantity], bool]) -> bool:
    """A figure moved from one fact to another: "get a police crime reference within 30 days" where a
    passage clause says "get a police crime reference" and only "report the claim within 30 days" holds
    30 days. Every figure is in the context, so the number check passes; the fact is found, so support
    does too. A figure every clause stating it shares no word with is another fact's (a sentence joining
    two facts, "£153: the usual £180 less 15%", shares some word with each)."""
    said = part.words - part.figure_units
    if not part.quantities or len(said) < 2:
        return False
    overlap = [(len(said & u.words) / len(said), u) for u in units]
    if max((o for o, _ in overlap), default=0.0) < _FACT_FOUND:
        return False
    for q in part.quantities:
        holders = [
            o
            for o, u in overlap
            if any(s.value == q.value and s.unit_class == q.unit_class for s in u.quantities)
        ]
        if holders and max(holders) == 0.0 and not derived(q):  # derived last: worked_out is the costly one
            return True
    return False


def _share(claim: Clause, passage_words: frozenset[str]) -> float:
    if not claim.words:
        return 1.0
    said = claim.words
    if claim.figure_units:
        said = (said - claim.figure_units) | {DURATION}  # "two weeks before" against "14 days before"
    return len(said & passage_words) / len(said)


def grounding_validator(
    embed: Embed | None = None,
    *,
    judge: ClaimJudge | None = None,
    min_support: float = 0.7,
    lexical_weight: float = 0.5,
) -> GroundingCheck:
    """The ``grounding`` validator (see ``GroundingCheck``)."""
    return GroundingCheck(embed, judge=judge, min_support=min_support, lexical_weight=lexical_weight)
