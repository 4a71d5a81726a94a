"""Relevance: does the answer address its question? Code ``relevance.off_question``; Rego decides per tenant.

Two cheap checks. The answer type: "how long/soon/quickly" wants a duration, "how much" an amount,
"how many" a number. The focus: of the question's words in the context clauses that match the
question best, those the retrieved context mentions least (the specific ones, e.g. "acknowledge" in
"How quickly does Harbor Mutual acknowledge a complaint?") must appear in the answer or in the passage
sentence it restates, unless the answer is a terse restatement ("14 days.").
"""

from __future__ import annotations

import re
from functools import lru_cache

from engine.validators.base import Finding, Span, Subject, ValidatorResult
from engine.validators.claims import Clause, clause, overlap, passage_clauses
from engine.validators.text import sentence_spans

RELEVANCE_MESSAGES = {"relevance.off_question": "the answer does not address the question asked"}

_WANTS_DURATION = re.compile(
    r"(?i)\bhow\s+(?:long|soon|quickly|fast|often)\b|\bwithin\s+how\s+(?:many|long)\b|\bhow\s+many\s+"
    r"(?:days|weeks|months|years|hours)\b|\bwhen\s+(?:must|should|do|does|will|can)\b"
)
_WANTS_AMOUNT = re.compile(
    r"(?i)\bhow\s+much\b|\bwhat\s+is\s+the\s+(?:excess|limit|maximum|minimum|cost|price|fee)\b"
)
_WANTS_NUMBER = re.compile(r"(?i)\bhow\s+many\b")
_TIME_UNITS = frozenset({"minute", "hour", "day", "week", "month", "year"})
_TIME_WORDS = re.compile(
    r"(?i)\b(?:immediately|straight away|at once|same day|next day|as soon as|annually|monthly|daily|"
    r"weekly)\b"
)
# Words of the question's form rather than its subject.
_QUESTION_FORM = frozenset(
    "quick quickly soon long fast often much many can know tell need want please".split()  # noqa: SIM905
)
# Up to this many content words an answer is terse: it restates a value and is judged by its type.
_TERSE_WORDS = 3
# An answer restates a passage sentence when this share of its words is in it; that sentence and the
# one before it say what the answer is about ("within 10 miles" is about towing when the sentence is).
_RESTATES = 0.75
# Word forms that share this long a prefix are one word here ("complain", "complaint").
_PREFIX = 6


class RelevanceCheck:
    """The ``relevance`` validator: one ``relevance.off_question`` finding spanning the answer, or a pass."""

    name = "relevance"

    def check(self, subject: Subject) -> ValidatorResult:
        """Never raises: an unexpected error becomes the result's ``error``."""
        try:
            off = self._off_question(subject)
        except Exception as exc:  # a validator must never take the gate down with it
            return ValidatorResult(self.name, passed=False, error=f"{type(exc).__name__}: {exc}"[:200])
        if not off:
            return ValidatorResult(self.name, passed=True)
        text = subject.text
        start = len(text) - len(text.lstrip())
        span = Span(start, start + len(text.strip()))
        finding = Finding(
            "relevance.off_question", f"{RELEVANCE_MESSAGES['relevance.off_question']}: {off}", (span,)
        )
        return ValidatorResult(self.name, passed=False, findings=(finding,))

    def _off_question(self, subject: Subject) -> str:
        question, answer = subject.question.strip(), subject.text.strip()
        if not question or not answer:
            return ""
        a = clause(answer, strip_particle=True)
        if not _type_fits(question, answer, a.quantities):
            return "answer type"
        if len(a.words) <= _TERSE_WORDS:
            return ""
        q_words = clause(question).words - _QUESTION_FORM
        if not q_words:
            return ""
        said = set(a.words)
        if not _meets(q_words, said):
            said |= _restated(a, subject)
            if not _meets(q_words, said):
                return "no question word"
        asked = [q_words & u.words for p in subject.context for u in passage_clauses(p.text)]
        df: dict[str, int] = {}
        for hits in asked:
            for w in hits:
                df[w] = df.get(w, 0) + 1
        if len(df) < 2:
            return ""
        # The focus is the rarest question word of the context clauses that match the question best:
        # where the context answers it. A question word the context uses once elsewhere ("happened" in
        # an unrelated sentence) is not what the question is about.
        most = max(len(hits) for hits in asked)
        pool = {w for hits in asked if len(hits) == most for w in hits}
        rarest = min(df[w] for w in pool)
        focus = {w for w in pool if df[w] == rarest}
        # The focus must be specific (rarer than the question's other words) before it can decide. An
        # answer that says as many of the question's words as the best-matching clause does is on it too
        # (clauses can tie: "what happened to each parcel" against "if a parcel is lost").
        if rarest < max(df.values()) and not _meets(focus, said):
            said |= _restated(a, subject)
            if not _meets(focus, said) and sum(1 for w in df if _meets({w}, said)) < most:
                return "question focus missing"
        return ""


def _meets(wanted: set[str] | frozenset[str], said: set[str]) -> bool:
    if wanted & said:
        return True
    return any(
        len(w) >= _PREFIX and len(s) >= _PREFIX and (w.startswith(s) or s.startswith(w))
        for w in wanted
        for s in said
    )


@lru_cache(maxsize=4096)
def _sentences(passage: str) -> tuple[Clause, ...]:
    return tuple(clause(passage[a:b]) for a, b in sentence_spans(passage))


def _restated(answer: Clause, subject: Subject) -> set[str]:
    """Words of the passage sentences the answer restates, and of the sentence before each."""
    out: set[str] = set()
    if not answer.words:
        return out
    for p in subject.context:
        sentences = _sentences(p.text)
        for i, s in enumerate(sentences):
            if overlap(answer, s) >= _RESTATES:
                out |= s.words
                if i:
                    out |= sentences[i - 1].words
    return out


def _type_fits(question: str, answer: str, quantities: frozenset) -> bool:  # type: ignore[type-arg]
    if _WANTS_DURATION.search(question):
        return (
            any(q.unit in _TIME_UNITS for q in quantities)
            or bool(_TIME_WORDS.search(answer))
            or _negative(answer)
        )
    if _WANTS_AMOUNT.search(question) or _WANTS_NUMBER.search(question):
        return bool(quantities) or _negative(answer)
    return True


def _negative(answer: str) -> bool:
    # "There is no limit" or "we cannot say" answers the question too: grounding judges whether it is true.
    return bool(re.search(r"(?i)\b(?:no|not|never|none|cannot|unlimited)\b|n't\b", answer))


def relevance_validator() -> RelevanceCheck:
    """The ``relevance`` validator (see ``RelevanceCheck``)."""
    return RelevanceCheck()
