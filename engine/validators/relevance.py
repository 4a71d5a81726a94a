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
from engine.validators.claims import Clause, claim_pieces, clause, figure_parts, passage_clauses
from engine.validators.lexicon import canonical
from engine.validators.names import is_heading, title_names
from engine.validators.text import sentence_spans

RELEVANCE_MESSAGES = {"relevance.off_question": "the answer does not address the question asked"}

_WANTS_DURATION = re.compile(
    r"(?i)\bhow\s+(?:long|soon|quickly|fast|often)\b|\bwithin\s+how\s+(?:many|long)\b|\bhow\s+many\s+"
    r"(?:days|weeks|months|years|hours)\b"
)
# "When ...?" wants a time: a duration, a time of day, a day or month, or a time stated by an event.
# "What's the latest I can ...?", "How early ...?", "By when ...?" want a time too.
_WANTS_TIME = re.compile(
    r"(?i)\bwhen\s+(?:must|should|do|does|will|can|is|are|am)\b|\bwhat\s+time\b|"
    r"\bwhat(?:'s|\s+is)\s+the\s+(?:latest|earliest)\b|\bhow\s+(?:late|early)\b|\b(?:by|until|till)\s+when\b"
)
_TIME_EXPRESSIONS = re.compile(
    r"(?i)\b(?:before|after|until|till|by|within|during|between|from|once|whenever|any\s*time|"
    r"mornings?|afternoons?|evenings?|nights?|noon|midday|midnight|weekdays?|weekends?|o'clock|"
    r"(?:mon|tues|wednes|thurs|fri|satur|sun)days?|january|february|march|april|may|june|july|august|"
    r"september|october|november|december)\b|\d\s*(?:am|pm|a\.m\.|p\.m\.)|\b\d{1,2}:\d{2}\b"
)
_WANTS_AMOUNT = re.compile(
    r"(?i)\bhow\s+much\b|\bwhat\s+is\s+the\s+(?:excess|limit|maximum|minimum|cost|price|fee)\b"
)
_WANTS_NUMBER = re.compile(r"(?i)\bhow\s+many\b")
_COUNTED_UNIT = re.compile(r"(?i)\bhow\s+many\s+(?:days|weeks|months|years|hours|minutes)\b")
# A "what if" question is answered by what follows in that case: "you will be charged", "it won't be".
_CONSEQUENCE = re.compile(r"(?i)\b(?:will|won't|would|wouldn't)\b|['\u2019]ll\b")
# "What would a hot desk cost?", "What does a lesson cost?": an amount.
_WANTS_COST = re.compile(r"(?i)^\W*what\s+(?:would|will|does|do|did|might)\b.*\bcost\b")
# A question answered by yes or no: it opens with an auxiliary ("Can I ...?", "Is there ...?").
_CLOSED_QUESTION = re.compile(
    r"(?i)^\W*(?:(?:and|so|but|also)\s+)?(?:can|could|is|are|am|was|were|do|does|did|will|would|shall|should|may|"
    r"might|must|has|have|had)\b"
)
_CLOSED_ANSWER = re.compile(
    r"(?i)^\W*(?:yes|no|yeah|nope|not\s+unless|not\s+if|only\s+(?:if|when|with|after|before|for|on|once|"
    r"while|during|by|until)|if|unless|provided|as\s+long\s+as)\b"
)
_WHAT_HAPPENS = re.compile(r"(?i)\bwhat\s+(?:happens|will\s+happen|would\s+happen|if)\b")
_CONDITIONAL_ANSWER = re.compile(r"(?i)^\W*(?:if|when|unless|once|only\s+if|as\s+long\s+as)\b")
_TIME_UNITS = frozenset({"minute", "hour", "day", "week", "month", "year"})
_TIME_WORDS = re.compile(
    r"(?i)\b(?:immediately|straight away|at once|same day|next day|as soon as|annually|monthly|daily|"
    r"weekly|fortnightly|hourly)\b|\b(?:every|each|once\s+a|twice\s+a)\s+(?:other\s+|second\s+)?"
    r"(?:minute|hour|day|night|week|fortnight|month|year|morning|afternoon|evening|weekday|weekend|term|"
    r"(?:mon|tues|wednes|thurs|fri|satur|sun)day)s?\b"
)
# Words of the question's form rather than its subject.
_QUESTION_FORM = frozenset(
    map(canonical, "quick quickly soon long fast often much many can know tell need want please".split())  # noqa: SIM905
)
# Up to this many content words an answer is terse: it restates a value and is judged by its type.
_TERSE_WORDS = 3
# Up to this many, a bare value whatever the question ("Yes, 4% off every bill.").
_BARE_WORDS = 1
# An answer restates a passage sentence when this share of its words is in it; that sentence and the
# one before it say what the answer is about ("within 10 miles" is about towing when the sentence is).
_RESTATES = 0.75
# A clause of fewer content words restates nothing on its own.
_MIN_RESTATED_WORDS = 2
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
        typed = _wanted_type(question)
        # "How many weeks ...?" names its unit: a bare number ("Eleven.") gives it.
        counted = (
            typed == "duration"
            and bool(a.quantities)
            and all(not q.unit for q in a.quantities)
            and bool(_COUNTED_UNIT.search(question))
        )
        if typed and not _type_fits(typed, answer, a.quantities, counted=counted):
            return "answer type"
        # A terse answer restates a value: judged by its type when the question wants one ("12 months."
        # for "how long") and the answer gives a value of that type (a negative sentence fits any type, so
        # it is judged by what it is about), and a bare value ("Yes, $15 a day.") by nothing else. A short
        # sentence for a question that wants no type ("Padlocks are sold at reception." for "What can't I
        # keep in my unit?") must still be about the question.
        valued = bool(typed) and _type_fits(typed, answer, a.quantities, negative=False, counted=counted)
        if len(a.words) <= (_TERSE_WORDS if valued else _BARE_WORDS):
            return ""
        if valued and (lead := _LEAD.match(answer)) and lead.end() < len(answer):
            # An answer that opens with the value asked for ("Within a fortnight of X, paid by Y" for "When
            # will I get it back?") gives it in its lead phrase; the rest says how.
            la = clause(lead.group(), strip_particle=True)
            if (
                la.quantities
                and len(la.words - la.figure_units) <= _TERSE_WORDS
                and _type_fits(typed, lead.group(), la.quantities, negative=False)
            ):
                return ""
        # A yes/no question answered yes or no, or with the condition it holds on ("Only if ...", "Unless
        # ..."), and a question about what happens in a case answered by what happens in it ("If ...").
        if _CLOSED_QUESTION.match(question) and _CLOSED_ANSWER.match(answer):
            return ""
        if _WHAT_HAPPENS.search(question) and (
            _CONDITIONAL_ANSWER.match(answer) or _CONSEQUENCE.search(answer)
        ):
            return ""
        facts = [_facts(p.text) for p in subject.context]
        units = [u for clauses, _ in facts for u in clauses]
        # Only the question's words the context uses can be looked for in an answer grounded in it; of
        # those, the names in the documents' titles (the organisation, its product) hold for every
        # passage and say nothing about what is asked.
        names = frozenset().union(*(title_names(p.text) for p in subject.context))
        used = clause(question).words & frozenset().union(*(words for _, words in facts)) - _QUESTION_FORM
        q_words = (used - names) or used
        if not q_words:
            return ""
        said = set(a.words)
        restated = False  # the restated sentences' words are looked up at most once, and only when needed
        if not _meets(q_words, said):
            said |= _restated(answer, names, subject)
            restated = True
            # A question about paying is answered by a price ("How much do I pay when I book?": "£50").
            if not _meets(q_words, said) and not (q_words & _PAYMENT and _priced(answer, a)):
                return "no question word"
        wanted = _asked(question, names, units) or q_words
        asked = [wanted & u.words for u in units]
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
        # The question words the context uses least anywhere are specific too ("towel" in "Can I get a
        # towel at the swimming pool?", where "Swim caps must be worn in the swimming pool" shares more).
        focus = {w for w in pool if df[w] == rarest} | {w for w, n in df.items() if n == min(df.values())}
        # The focus must be specific (rarer than the question's other words) before it can decide. An
        # answer that says as many of the question's words as the best-matching clause does is on it too
        # (clauses can tie: "what happened to each parcel" against "if a parcel is lost").
        if rarest < max(df.values()) and not _meets(focus, said):
            if not restated:
                said |= _restated(answer, names, subject)
            if (
                not _meets(focus, said)
                and sum(1 for w in df if _meets({w}, said)) < most
                and not (focus & _PAYMENT and _priced(answer, a))
            ):
                return "question focus missing"
        return ""


@lru_cache(maxsize=4096)
def _facts(passage: str) -> tuple[tuple[Clause, ...], frozenset[str]]:
    """The passage's clauses that state something (headings name a section, they state nothing an answer
    could restate), and their words."""
    clauses = tuple(u for u in passage_clauses(passage) if not is_heading(u.text))
    return clauses, frozenset().union(*(u.words for u in clauses))


def _asked(question: str, names: frozenset[str], units: list[Clause]) -> frozenset[str]:
    """The words of what a question asks when it first tells its situation ("My parcel arrived broken.
    How long do I have to claim?"): its last sentence's, when the context uses one of them; else empty."""
    spans = sentence_spans(question)
    if len(spans) < 2:
        return frozenset()
    start, end = spans[-1]
    words = clause(question[start:end]).words - _QUESTION_FORM - names
    return words if any(words & u.words for u in units) else frozenset()


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


def _restated(answer: str, names: frozenset[str], subject: Subject) -> set[str]:
    """Words of the passage sentences the answer restates, and of the sentence before each. Each clause
    of the answer is compared on its own: an answer that joins two sentences restates both."""
    pieces = [clause(answer, strip_particle=True)]
    for start, end in sentence_spans(answer):
        # Split as grounding splits a claim: the parses are grounding's, from the cache.
        for piece in claim_pieces(answer[start:end]):
            pieces += figure_parts(clause(piece, strip_particle=True))
    own = [w for w in dict.fromkeys(p.words - names for p in pieces) if len(w) >= _MIN_RESTATED_WORDS]
    out: set[str] = set()
    for p in subject.context:
        sentences = _sentences(p.text)
        for i, s in enumerate(sentences):
            if any(len(words & s.words) >= _RESTATES * len(words) for words in own):
                out |= s.words
                if i:
                    out |= sentences[i - 1].words
    return out


# An answer's lead phrase: up to its first comma, colon, semicolon or dash.
_LEAD = re.compile(r"[^,;:\u2013\u2014]+?(?=\s*[,;:\u2013\u2014])")


# The last sentence of a question that opens with statements: what follows a stop, up to its question mark.
_ASKED_LAST = re.compile(r"(?<=[.!])\s+([A-Z][^.!?]*\?)\s*$")


def _wanted_type(question: str) -> str:
    """The type of answer the question wants: "duration", "time", "amount", or "" for none. A question put
    after what the asker tells first ("We have two dogs. How much is a week?") is typed by its
    own sentence."""
    asked = _ASKED_LAST.search(question)
    if asked and asked.start() > 0:
        return _wanted_type(asked.group(1))
    if _WANTS_DURATION.search(question):
        return "duration"
    if _WANTS_TIME.search(question):
        return "time"
    if _WANTS_AMOUNT.search(question) or _WANTS_NUMBER.search(question) or _WANTS_COST.search(question):
        return "amount"
    return ""


def _type_fits(
    typed: str,
    answer: str,
    quantities: frozenset,  # type: ignore[type-arg]
    *,
    negative: bool = True,
    counted: bool = False,
) -> bool:
    """Whether the answer gives the type wanted (or, when ``negative``, says there is none). ``counted``: the
    question names the unit it counts in ("How many weeks ...?"), so a bare number ("Eleven.") gives it."""
    if negative and _negative(answer):
        return True
    if typed == "duration":
        return any(q.unit in _TIME_UNITS for q in quantities) or bool(_TIME_WORDS.search(answer)) or counted

    if typed == "time":
        return any(q.unit in _TIME_UNITS for q in quantities) or bool(
            _TIME_WORDS.search(answer) or _TIME_EXPRESSIONS.search(answer)
        )
    return bool(quantities)


# Words of paying: a question about paying is answered by a price ("€1 for each extra 30 minutes") or by
# "free" as much as by the word itself.
_PAYMENT = frozenset(map(canonical, ("pay", "paying", "cost", "charge", "price", "fee", "spend")))
_FREE = re.compile(r"(?i)\b(?:free|no\s+charge|no\s+cost|nothing)\b")


def _priced(answer: str, a: Clause) -> bool:
    return any(q.unit_class == "money" for q in a.quantities) or bool(_FREE.search(answer))


def _negative(answer: str) -> bool:
    # "There is no limit" or "we cannot say" answers the question too: grounding judges whether it is true.
    return bool(re.search(r"(?i)\b(?:no|not|never|none|cannot|unlimited)\b|n't\b", answer))


def relevance_validator() -> RelevanceCheck:
    """The ``relevance`` validator (see ``RelevanceCheck``)."""
    return RelevanceCheck()
