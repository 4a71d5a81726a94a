"""Claims and the passage sentences they rest on: alignment and cheap, deterministic contradiction checks.

A claim is an answer sentence. Its content words (negation and answer particles aside) are aligned
with every passage clause; the best-aligned clauses are then compared feature by feature: polarity
(not/no/never, "excluded" = "not covered"), absolutes (always, at any time, no limit) against a
stated limit, antonyms (before/after, minimum/maximum), a dropped "unless"/"only if", and
quantities (a value or unit that differs from the one the passage gives for the same thing).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from engine.validators.lexicon import canonical
from engine.validators.quantities import (
    NUMBER_WORDS,
    Quantity,
    equivalent,
    figures,
    quantities,
    quantity_conflict,
    same_figure,
    worked_out,
)
from engine.validators.stopwords import ENGLISH_STOPWORDS
from engine.validators.text import normalise_number, sentence_spans, stem

_SCOPE_TOKEN = re.compile(r"[^\W\d_]+(?:['\u2019][^\W\d_]+)?|\d+(?:[.,]\d+)*|[,.;:!?()]")
# A negation governs the next few content words ("no waiting period for illness").
_SCOPE_WORDS = 3
_NEGATIONS = frozenset(
    """
    not no never nor neither none nothing nobody without cannot n't
    """.split()  # noqa: SIM905 - a word list reads better as text
)  # fmt: skip
# Words that negate a content word: "excluded" is "not covered", "unlimited" is "no limit".
_NEGATED_FORMS = {
    "exclude": "cover", "excluded": "cover", "excludes": "cover", "excluding": "cover",
    "exclusion": "cover", "exclusions": "cover", "uncovered": "cover", "unlimited": "limit",
    "ineligible": "eligible", "unable": "able", "invalid": "valid", "non-refundable": "refundable",
    "nonrefundable": "refundable", "unavailable": "available", "unnecessary": "necessary",
    # "free" is "no charge": "free of charge", "at no cost", "no charge" and "doesn't cost anything" are
    # one polarity ("free of symptoms" is reworded to "no symptoms" first, see ``_reword``).
    "free": "charge",
}  # fmt: skip
# Implicit negations that name what they negate: their scope is that word alone ("travel free, up to 2").
_CLOSED_NEGATIONS = frozenset(("free",))
_SYNONYMS = {"include": "cover", "included": "cover", "includes": "cover", "insure": "cover",
             "insures": "cover", "insured": "cover", "insuring": "cover", "pays": "pay",
             "paid": "pay"}  # fmt: skip
# Contractions whose stem is not the word: "can't" is "can" not, "won't" is "will" not.
_CONTRACTED = {"ca": "can", "wo": "will", "sha": "shall"}
# "twice" is a figure (2 times), not a content word.
_TIMES = frozenset(("twice", "thrice"))
# Phrases that bound a quantity rather than negate the claim ("no more than 6 callouts").
_BOUNDS = re.compile(
    r"(?i)\b(?:no|not)\s+(?:more|less|fewer|later|earlier|sooner|longer)\s+than\b|\bnot\s+only\b|"
    r"\bno\s+matter\b|\bwhether\s+or\s+not\b"
)
# "No" is a particle before a pause or a pronoun ("No, ...", "No you can't"), a determiner before a noun ("No
# interest is charged").
_ANSWER_PARTICLE = re.compile(
    r"(?i)^\W*(?:(?:yes|yeah|nope|correct|right|indeed|sure)\b|no\b(?!\s+(?!(?:you|we|they|i|it|he|she|there|that|this|not|sorry|need)\b)[a-z]))[\s,.;:!\u2014\u2013-]*"
)
_ABSOLUTE = re.compile(
    r"(?i)\b(?:always|never|at\s+any\s+time|any\s*time|unlimited|no\s+(?:limit|maximum|cap|restrictions?)|"
    r"without\s+(?:any\s+)?(?:limit|restrictions?|conditions?|exceptions?)|regardless|in\s+all\s+cases|"
    r"every\s+time|whatever|for\s+ever|forever|guaranteed|automatically|no\s+matter\s+what|"
    r"in\s+every\s+case|unconditionally|no\s+strings\s+attached|no\s+questions\s+asked)\b"
)
_LIMIT = re.compile(
    r"(?i)\b(?:up\s+to|maximum|max|limit|limited|only|within|unless|except|provided|at\s+least|at\s+most|"
    r"no\s+more\s+than|no\s+later\s+than|minimum|if|after|before|until|as\s+long\s+as|subject\s+to)\b|\d"
)
_LIMIT_WORD = re.compile(_LIMIT.pattern.removesuffix(r"|\d"))
_CONDITION = re.compile(
    r"(?i)\b(?:unless|only\s+if|only\s+when|only\s+after|only\s+for|provided\s+(?:that|you|your|the|a|an|it|its|they|their|we|our|he|his|she|her|all|any|both|each)|as\s+long\s+as|"
    r"on\s+condition|except|subject\s+to|so\s+long\s+as|otherwise|or\s+(?:older|younger|over|under))\b|"
    # A limit on what is granted ("travel free, up to 2 per passenger") bounds it as a condition does: a
    # claim that grants it without the figure has dropped it.
    r"\b(?:up\s+to|a\s+maximum\s+of|at\s+most)(?=\s+[$\u20ac\u00a3]?\d)"
)
_ANY_CONDITION = re.compile(
    # "only" states a condition before a preposition or at the end ("only with permission", "members
    # only"), not before a verb ("you only pay for what you use").
    r"(?i)\bonly(?=\s+(?:if|when|where|after|before|for|with|to|by|on|in|from|once|while|until|as|at|during|"
    r"within|under|over|between|through|via)\b|\s*(?:[.,;:!?)]|$))|"
    r"\b(?:if|unless|provided|as\s+long\s+as|when|whenever|except|subject\s+to|after|before|"
    r"condition|conditions|depends?|depending|so\s+long\s+as|aged?|older|younger|or\s+(?:over|under)|"
    r"until|till|once|as\s+soon\s+as)\b"
)
# "only" before what it restricts ("Only calculators from the list", "only in examinations that ..."),
# not after a modal ("you can only cancel online" restricts the manner, not a set).
_PREPOSITIONS = r"(?:(?:in|on|at|for|from|with|to|by|of|the|a|an|your|our|their|its)\s+)*"
_RESTRICTED = re.compile(
    r"(?i)(?<!can )(?<!may )(?<!must )(?<!will )(?<!should )(?<!could )\bonly\s+"
    + _PREPOSITIONS
    + r"([^\W\d_]+)"
)
# "members only", "Fridays only": what "only" restricts stands before it, at the end of a clause.
_RESTRICTED_AFTER = re.compile(r"(?i)([^\W\d_]+)\s+only\b(?=\s*(?:[.,;:!?)]|$))")
_UNIVERSAL = re.compile(r"(?i)\b(?:any|every|all)\s+" + _PREPOSITIONS + r"([^\W\d_]+)")
# Words that open a clause stating a case rather than a fact.
_ANTECEDENT = frozenset(("if", "when", "whenever"))
# Words that open a subordinate clause: a negation before one does not reach into it ("must not visit
# until they have been free of symptoms": the symptoms are not negated).
_SCOPE_BREAKS = frozenset(
    """
    until till unless because although though whereas while which who whose where if when whenever once
    """.split()  # noqa: SIM905 - a word list reads better as text
)
_UNTIL = frozenset(("until", "till"))
_UNTIL_WORD = re.compile(r"(?i)\b(?:until|till|before)\b")
_ANTONYMS = (
    ("before", "after"), ("more", "less"), ("minimum", "maximum"), ("increase", "decrease"),
    ("higher", "lower"), ("earlier", "later"), ("mandatory", "optional"), ("required", "optional"),
    ("included", "optional"),
    ("first", "last"), ("above", "below"), ("over", "under"), ("refund", "charge"), ("free", "charge"),
    ("free", "fee"), ("open", "closed"), ("allowed", "banned"), ("allowed", "prohibited"),
    ("accept", "refuse"), ("accept", "reject"), ("remain", "lose"),
)  # fmt: skip
# Antonyms are compared by stem, so "charges" meets "free" and "closes" meets "open".
_ANTONYM_STEMS = tuple((stem(a), stem(b)) for a, b in _ANTONYMS)
_ANY_WORD = re.compile(r"[^\W\d_]+")
# Phrases whose words are function, not content ("at least 48 hours", "as long as you cancel").
_FUNCTION_PHRASES = re.compile(
    r"(?i)\b(?:at\s+(?:least|most)|(?:as|so)\s+(?:long|soon|well|much|many|far)\s+as)\b"
)
# Words a negation can govern without being what it negates ("no longer cover": cover).
_NOT_HEADS = frozenset(
    map(canonical, ("long", "again", "ever", "yet", "even", "still", "also", "just", "need", "able"))
)
# Light verbs say little of their own ("take our cover", "use your own insurer").
_LIGHT = frozenset(("tak", "use"))
# Idioms and prefixes said in other words: "prepay" is "pay in advance", "upfront" is "in advance",
# "free of charge" is "free", "free of symptoms" is "no symptoms", "feel free to" says nothing.
_REWORDS = (
    (re.compile(r"(?i)\bfeel\s+free\s+to\b"), "", ("free",)),
    (re.compile(r"(?i)\bfree\s+to\b"), "allowed to", ("free",)),
    (
        re.compile(r"(?i)\b(?:free\s+of\s+(?:any\s+)?(?:charges?|costs?|fees?|payment)|for\s+free)\b"),
        "free",
        ("free",),
    ),
    # "free of symptoms" is a state, not a price: read as "clear of symptoms" on both sides.
    (re.compile(r"(?i)\bfree\s+(?:of|from)\b"), "clear of", ("free",)),
    # "claim-free year", "interest free": a modifier, not the clause's polarity ("no-claims discount grows
    # each claim-free year" negates nothing twice); one form for both spellings.
    (
        re.compile(r"(?i)\b([^\W\d_]+)-free\b|\b(interest|tax|duty|rent|claims?|toll|commission)\s+free\b"),
        r"\1\2 exempt",
        ("free",),
    ),
    # "15% off the price" is a 15% discount.
    (re.compile(r"(?i)(%|\bper\s?cent)\s+off\b"), r"\1 discount off", ("off",)),
    # "half price" is a 50% discount (its figure is read by ``quantities``).
    (re.compile(r"(?i)\bhalf[\s-](?:the\s+)?price\b"), "half discount", ("half",)),
    # "hand back the key", "give it back": return it.
    (
        re.compile(
            r"(?i)\b(?:hand(?:s|ed|ing)?|giv(?:e|es|en|ing)|gave|com(?:e|es|ing)|came)\s+(?:(?:it|them)\s+)?back\b"
        ),
        "return",
        ("back",),
    ),
    (
        re.compile(r"(?i)\b(?:up[\s-]?front|beforehand|ahead\s+of\s+time)\b"),
        "in advance",
        ("front", "beforehand", "ahead"),
    ),
    (
        re.compile(
            r"(?i)\bpre-?(pa(?:y|ys|id|ying|yment|yments)|book\w*|order\w*|regist\w*|arrang\w*|approv\w*|"
            r"authori[sz]\w*|select\w*|load\w*|fill\w*|purchas\w*)\b|\bpre-([^\W\d_]+)"
        ),
        r"\1\2 in advance",
        ("pre",),
    ),
    # "provided the bin was out" is "as long as the bin was out": one condition however it is put.
    (
        re.compile(
            r"(?i)\bprovid(?:ed|ing)(?:\s+that)?(?=\s+(?:you|your|the|a|an|it|its|they|their|we|our|he|his|she|"
            r"her|all|any|both|each|there|this|these|those)\b)"
        ),
        "as long as",
        ("provid", "Provid", "PROVID"),
    ),
    # "under-fives", "over-18s": "under 5", "over 18".
    (
        re.compile(
            r"(?i)\b(under|over)[\s-](\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
            r"sixteen|eighteen|twenty|sixty|sixty-fives?)s\b"
        ),
        r"\1 \2",
        ("under", "over", "Under", "Over"),
    ),
    # "let the school know" is "tell the school".
    (re.compile(r"(?i)\blet\s+((?:[\w']+\s+){0,3}?)know\b"), r"tell \1", ("let", "Let")),
    # Phrasal verbs and modal phrases said in other words: "pick the dog up" is "collect the dog", "carry on"
    # is "continue", "need to pay" is "must pay" (a modal, as "have to" is), "looks like going over" is
    # "likely to go over", "ask for consent" is a request for it (the consent is the content), "paid back"
    # is refunded and "send it back" is return it.
    (
        re.compile(r"(?i)\bpick(?:s|ed|ing)?\s+((?:[\w']+\s+){0,2}?)up\b"),
        r"collect \1",
        ("pick",),
    ),
    (re.compile(r"(?i)\bcarr(?:y|ies|ied|ying)\s+on\b"), "continue", ("carr",)),
    (re.compile(r"(?i)\bneed(?:s|ed)?\s+to\b"), "must", ("need",)),
    (re.compile(r"(?i)\b(?:looks?|looked|looking|seems?|seemed)\s+like\b"), "likely", ("like",)),
    (
        re.compile(r"(?i)\bask(?:s|ed|ing)?\s+(?:(?:you|them|him|her|us|me)\s+)?for\b"),
        "for",
        ("ask",),
    ),
    (
        re.compile(r"(?i)\b(?:pa(?:y|ys|id|ying)|refund(?:s|ed|ing)?)\s+(?:(?:it|them|you)\s+)?back\b"),
        "refund",
        ("back",),
    ),
    (
        re.compile(
            r"(?i)\b(?:send(?:s|ing)?|sent|post(?:s|ed|ing)?|bring(?:s|ing)?|brought)\s+((?:[\w']+\s+){0,2}?)back\b"
        ),
        r"return \1",
        ("back",),
    ),
    # "get half of your deposit back", "got the fee back": money got back is refunded.
    (
        re.compile(
            r"(?i)\b(?:get(?:s|ting)?|got(?:ten)?)\s+((?:[\w'%$\u00a3\u20ac.,]+\s+){0,4}?(?:money|deposit|fees?|"
            r"payment|\d+|[$\u00a3\u20ac]\S*)\s+)back\b"
        ),
        r"refund \1",
        ("back",),
    ),
    # "the first 3 nights", "the first visit": a rank that counts from the start says how a figure or a thing
    # is counted, not what is claimed (an adverb, "ask first", is content: it orders two events).
    (
        re.compile(
            r"(?i)\b(the|your|their|its|our|my|each)\s+first\s+(?=\d|(?:one|two|three|four|five|six|seven|"
            r"eight|nine|ten|twelve|few|couple)\b|(?!(?:of|to|and|or|time)\b)[^\W\d_]+\b)"
        ),
        r"\1 ",
        ("first",),
    ),
    # "$250 in total", "in all": how a figure is put, as "altogether" is.
    (re.compile(r"(?i)\bin\s+(?:total|all)\b(?!\s+(?:cases|\w+s)\b)"), "", ("total", "all")),
    # "within the last 12 months" is "within 12 months".
    (
        re.compile(
            r"(?i)\b(?:the\s+)?(?:last|past)\s+(?=(?:\d|one|two|three|four|five|six|seven|eight|nine|ten|"
            r"eleven|twelve)\b)"
        ),
        "",
        ("last", "past", "Last", "Past"),
    ),
)
# What a before/after orders: "X before Y" and "Y after X" both put X first.
_ORDER = re.compile(r"(?i)\b(before|after)\b")
# A sentence that refers back to the one before it ("Access outside these hours is not available", "Other
# pets are not allowed", "A second loss ... is not replaced") continues it: the two are one unit too.
_ANAPHORA = re.compile(r"(?i)\b(?:these|those|such|other|otherwise|second|later|further)\b")
# What "other X" excludes: a negated "other pets" restricts pets to those the sentence before names.
_OTHER = re.compile(r"(?i)\bother\s+([^\W\d_]+)")
_COPULA = frozenset(("is", "are", "was", "were", "be", "been", "being"))
# Words that start a new subject: a copula's subject is what follows the last of them ("renew automatically
# so that you are not left without cover": "you", not the policies).
_SUBJECT_BREAKS = frozenset("that so and but or you we they it he she i there".split())  # noqa: SIM905
# Who a clause is about when it says so: its subject "you"/"we", or a passive's agent ("by us").
_AGENT_SUBJECT = re.compile(r"(?i)^\W*(?:(?:but|and|so|then|also|however|otherwise)\W+)?(you|we)\b")
_AGENT_PASSIVE = re.compile(r"(?i)\bby\s+(us|you)\b")
_CLAUSE_SPLIT = re.compile(r";|,\s+(?:and|but|while|whereas)\s+|\s+but\s+")
# A compound answer sentence makes one claim per clause ("10%, or 30% if uptime falls below 99%").
# A reason joined to it ("..., since riders otherwise must be 16") is a claim of its own.
CLAIM_SPLIT = re.compile(r";|,\s+(?:and|but|or|while|whereas|since|because)\s+|\s+but\s+")


def claim_pieces(sentence: str) -> list[str]:
    """The clauses of one answer sentence, as grounding and relevance both read them (one parse each)."""
    return [p.strip() for p in CLAIM_SPLIT.split(sentence) if p.strip()]


# "40% for undergraduate modules and 50% for postgraduate modules" joins two facts, each with its figure:
# each is compared with the clause that states it, not both with one of them.
_AND = re.compile(r",?\s+and\s+|,\s+")


def figure_parts(part: Clause) -> list[Clause]:
    """A claim clause that joins two figures, as one clause per figure; else the clause itself."""
    if len(part.quantities) < 2:
        return [part]
    pieces = [p for p in _AND.split(part.text) if p.strip()]
    if len(pieces) < 2:
        return [part]
    out = [clause(p, strip_particle=True) for p in pieces]
    if all(f.quantities and f.words for f in out):
        return out
    return [part]


_UNIT_WORD = re.compile(r"(?i)\b(minute|hour|day|week|fortnight|month|year)s?\b")
_BOUND_UNIT = re.compile(
    r"(?i)(?:\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|"
    r"forty|fifty|sixty|ninety|hundred|quarters?\s+of\s+an?|half\s+an?|(?:than|within|least|most|after|under|"
    r"over|about|for)\s+(?:a|one)|an?(?=\s+(?:day|week|month|year)['\u2019])))[\s-]*"
    r"(?:(?:business|working|calendar|clear|full|consecutive)\s+)?(minute|hour|day|week|fortnight|month|year)s?\b"
)


def _figure_units(body: str) -> frozenset[str]:
    """The time-unit words the text says only as a figure's unit ("14 days", "less than a day's notice")."""
    total: dict[str, int] = {}
    for m in _UNIT_WORD.finditer(body):
        total[m.group(1).lower()] = total.get(m.group(1).lower(), 0) + 1
    bound: dict[str, int] = {}
    for m in _BOUND_UNIT.finditer(body):
        bound[m.group(1).lower()] = bound.get(m.group(1).lower(), 0) + 1
    return frozenset(canonical(w) for w, n in bound.items() if n == total.get(w))


DURATION = "#duration"  # what a passage stating any duration says of a claim's figure-bound unit words
_TIME_UNIT_WORDS = frozenset(map(canonical, ("minute", "hour", "day", "week", "fortnight", "month", "year")))
# Fractions are quantities ("a quarter of the total" is 25%), not content words.
_FRACTIONS = frozenset(("quarter", "quarters", "third", "thirds", "fifth", "fifths", "tenth", "tenths"))
# Words that say how an answer is put, not what it claims ("The answer is 30 days.", "Not yet.").
FILLER = frozenset(
    """
    answer question yes correct right true sure certainly indeed according based state says
    mention document documents context information note please yet altogether thing things along
    """.split()  # noqa: SIM905 - a word list reads better as text
)  # fmt: skip
_STOP = frozenset(
    """
    a about above after again all am an and any are as at be because been before being below
    between both but by can could did do does doing down during each few for from further had
    has have having he her here hers him his how i if in into is it its itself me more most my
    of off on once only or other our ours out over own same she should so some such than that
    the their them then there these they this those through to too under until up very was we
    were what when where which while who whom why will with would you your yours also may might
    must shall just get gets another unless except whether every either else per upon via onto
    within go goes going gone went us usual usually since otherwise ahead
    """.split()  # noqa: SIM905 - a word list reads better as text
) | {w for w in ENGLISH_STOPWORDS if "'" in w and not w.endswith("n't")} | {
    "myself", "yourself", "yourselves", "himself", "herself", "ourselves", "themselves", "theirs", "ought",
}  # fmt: skip


@dataclass(frozen=True)
class Clause:
    """The features of one claim or passage clause that alignment and contradiction checks compare."""

    text: str
    words: frozenset[str]
    negations: tuple[frozenset[str], ...]
    # Negations inside an "if"/"when" clause: they state a case, not the claim ("if you do not want it
    # to renew, switch off automatic renewal" asserts nothing negative about switching it off).
    hypothetical: tuple[frozenset[str], ...]
    antecedent: bool
    quantities: frozenset[Quantity]
    absolute: bool
    limited: bool
    conditional: bool
    any_condition: bool
    antonym_words: frozenset[str]
    # The content words of each condition the clause states ("provided the phone is returned in its box":
    # phone, return, box): a claim or question that states them has not dropped the condition.
    conditions: tuple[frozenset[str], ...] = ()
    # What "only" restricts ("only calculators from the list": calculator) and what "any"/"every"/"all"
    # extends to every case ("any calculator"): one against the other is a contradiction.
    restricted: frozenset[str] = frozenset()
    # Time-unit words said only as a figure's unit ("14 days"): a claim's support counts them as said by
    # a passage that states any duration (the figures themselves compare in minutes).
    figure_units: frozenset[str] = frozenset()
    universal: frozenset[str] = frozenset()
    # What a before/after puts first and what it puts after ("a deposit is taken before treatment starts":
    # deposit, then treatment); None without one.
    order: tuple[frozenset[str], frozenset[str]] | None = None
    # "you" or "we" when the clause says who acts ("You must insure", "not insured by us"); else "".
    agent: str = ""
    # The words of each exception the clause makes ("unless the theft is reported": theft, report) and of
    # each case a claim says it holds in all the same ("even if you report the theft": report, theft).
    # Figures with the side of them the clause is on ("<12": within 12, ">12": after 12).
    sides: frozenset[str] = frozenset()
    # The claim opens with "No": a refusal.
    denies: bool = False
    exceptions: tuple[frozenset[str], ...] = ()
    concessions: tuple[frozenset[str], ...] = ()
    # The word each negation (and each hypothetical one) negates first ("are not provided": provide), and
    # the words the clause says outside every negation: what anchors a difference in polarity.
    heads: tuple[str, ...] = ()
    hypothetical_heads: tuple[str, ...] = ()
    plain: frozenset[str] = frozenset()
    # For a copula's negation ("Access outside these hours is not available"), the words of the stretch
    # it stands in (between commas): what it says of its subject; empty for other negations.
    subjects: tuple[frozenset[str], ...] = ()
    hypothetical_subjects: tuple[frozenset[str], ...] = ()


_stem = lru_cache(maxsize=65536)(stem)


@lru_cache(maxsize=65536)
def _norm_word(token: str) -> tuple[str | None, bool]:
    """(normalised content word or None, whether the token negates)."""
    low = token.lower().replace("\u2019", "'")
    if low.endswith("'s") and low[:-2] in _NEGATIONS:
        low = low[:-2]  # "nobody's in" is "nobody is in"
    if low in _NEGATIONS or low.endswith("n't"):
        base = _CONTRACTED.get(low[:-3], low[:-3]) if low.endswith("n't") else None
        return (None if base is None or base in _STOP else canonical(base)), True
    if low in _NEGATED_FORMS:
        return canonical(_NEGATED_FORMS[low]), True
    if low in _SYNONYMS:
        return canonical(_SYNONYMS[low]), False
    if (
        low in _STOP
        or low in FILLER
        or low in NUMBER_WORDS
        or low in _TIMES
        or low in _FRACTIONS
        or len(low) < 2
    ):
        return None, False  # a number word is a quantity ("two days" = "2 days"), not a content word
    # One form for inflections, derivations, spellings and common synonyms ("payments" = "pay").
    form = canonical(low)
    return (None if form in _LIGHT else form), False


def content_word(token: str) -> str | None:
    """The normalised content word of one token as claims compare it, or None (a stopword, a negation)."""
    word, negates = _norm_word(token)
    return None if negates else word


def _reword(text: str) -> str:
    """``text`` with its idioms and prefixes in the words they stand for (see ``_REWORDS``)."""
    low = text.lower()
    for pattern, replacement, hints in _REWORDS:
        if any(h in low for h in hints):
            text = pattern.sub(replacement, text)
    return text


def _words_of(text: str) -> frozenset[str]:
    return frozenset(w for t in _ANY_WORD.findall(text) if (w := content_word(t)))


def _order(text: str) -> tuple[frozenset[str], frozenset[str]] | None:
    """(words of what comes first, words of what comes after) by the clause's first before/after."""
    m = _ORDER.search(text)
    if m is None:
        return None
    left, right = text[: m.start()], text[m.end() :]
    if _words_of(left):
        obj, rest = right, left
    else:  # "Before you move out, give notice": the marker's object runs to the comma
        obj, _, rest = right.partition(",")
    first, then = _words_of(rest), _words_of(obj)
    return (first, then) if m.group(1).lower() == "before" else (then, first)


def _agent(body: str) -> str:
    m = _AGENT_PASSIVE.search(body) or _AGENT_SUBJECT.search(body)
    return "" if m is None else {"us": "we"}.get(m.group(1).lower(), m.group(1).lower())


# Grounding and relevance both read a draft's question (and a one-sentence answer): one parse serves both.
@lru_cache(maxsize=1024)
def clause(text: str, *, strip_particle: bool = False) -> Clause:
    """Features of ``text`` (a claim, or a passage clause)."""
    particle = _ANSWER_PARTICLE.match(text) if strip_particle else None
    body = text[particle.end() :] if particle else text
    unbounded = _reword(_BOUNDS.sub(" ", body))
    words: set[str] = set()
    scopes: list[set[str]] = []
    hypothetical: list[set[str]] = []
    open_scopes: list[tuple[set[str], int]] = []  # (scope, content words still to take)
    last_scope: set[str] | None = None
    pending: tuple[set[str], list[str], int, str] | None = None
    passives: list[tuple[set[str], list[str], int]] = []
    in_antecedent = antecedent = waits = False
    segment: list[set[str]] = []  # negations since the last punctuation
    said: list[str] = []  # content words since the last punctuation: a copula's subject
    head_of: dict[int, str] = {}  # a negation's head: the word it negates first ("not provided": provide)
    plain: set[str] = set()  # words said outside every negation's scope
    figure_since = False  # a number since the last negation ("not ... in the 12 hours before")
    # The words of each stretch between commas, semicolons and colons (a sentence that refers back is one
    # stretch with it), and the stretch each copula negation ("X is not available") stands in.
    stretches: list[set[str]] = [set()]
    stretch_of: dict[int, int] = {}
    previous = ""
    for m in _SCOPE_TOKEN.finditer(_FUNCTION_PHRASES.sub(" ", unbounded)):
        token = m.group()
        if token[0].isdigit():
            figure_since = True
        if not token[0].isalpha() and token[0] not in "'\u2019":
            if token in ",;:()":
                stretches.append(set())
            open_scopes = []  # punctuation ends a negation's scope, and an "if" clause
            in_antecedent = False
            segment, said = [], []
            continue
        low_token = token.lower()
        if low_token in _SUBJECT_BREAKS:
            said = []
        # "cannot cancel before the year is up" is a wait, as "until" is ("must not drink in the 12 hours
        # before a lesson" is not: a period, not a wait).
        wait = low_token in _UNTIL or (
            low_token == "before" and bool(segment) and len(segment[-1]) <= 1 and not figure_since
        )
        if low_token in _SCOPE_BREAKS or wait:
            # A negation that has not reached its word yet governs the clause it opens ("not when driving
            # their own car": the driving is what is excluded).
            open_scopes = [(sc, n) for sc, n in open_scopes if id(sc) not in head_of]
            said = []
            if wait and segment:
                # "must not visit until they are well" says when one may visit, not that one may not:
                # a condition ("only after"), not a negation.
                scopes = [sc for sc in scopes if all(sc is not n for n in segment)]
                segment, waits = [], True
        if low_token in _ANTECEDENT:
            in_antecedent = antecedent = True
        word, negates = _norm_word(token)
        if pending is not None and previous == pending[3]:
            # "won't be taken": a passive negation; kept only if its verb turns out to be a light one.
            if low_token in ("be", "been"):
                passives.append(pending[:3])
            pending = None
        if negates:
            if low_token == "without" and last_scope is not None:
                # "cannot accept a claim without a reference": the reference is negated twice (required).
                open_scopes.append((last_scope, _SCOPE_WORDS))
            scope = {word} if word else set()
            if word:
                head_of[id(scope)] = word
            figure_since = False
            if previous in _COPULA:
                # "Access outside these hours is not available": what is not available is the subject.
                scope.update(said)
                plain.difference_update(said)
                stretch_of[id(scope)] = len(stretches) - 1
            elif not word:
                pending = (scope, list(said), len(stretches) - 1, low_token)
            (hypothetical if in_antecedent else scopes).append(scope)
            if not in_antecedent:
                segment.append(scope)
            last_scope = scope
            if low_token not in _CLOSED_NEGATIONS:
                open_scopes.append((scope, _SCOPE_WORDS))
        elif word:
            for scope, _ in open_scopes:
                scope.add(word)
                if word not in _NOT_HEADS:
                    head_of.setdefault(id(scope), word)
            if not open_scopes:
                plain.add(word)
            open_scopes = [(scope, n - 1) for scope, n in open_scopes if n > 1]
        if word:
            words.add(word)
            said.append(word)
            stretches[-1].add(word)
        previous = low_token
    for scope, subject, stretch in passives:
        if not scope:
            # "Ordinary bags won't be taken": a negated light verb in the passive negates its subject, as a
            # copula's negation does.
            scope.update(subject)
            plain.difference_update(subject)
            stretch_of[id(scope)] = stretch
    low = body.lower()
    conditional = waits or bool(_CONDITION.search(body))
    restricted = _heads(_RESTRICTED, body) | _heads(_RESTRICTED_AFTER, body) if "only" in low else frozenset()
    if scopes and "other" in low:
        restricted |= _heads(_OTHER, body)  # "Other pets are not allowed": not every pet is
    found = quantities(body)
    # A duration's unit is its figure's ("two weeks" is "14 days", "a day's notice" "24 hours'"): the
    # figures compare in minutes ("$500 a day" and "the same day" say their unit words as words).
    bound = (
        _figure_units(body)
        if words & _TIME_UNIT_WORDS and any(q.unit_class == "time" for q in found)
        else frozenset()
    )
    return Clause(
        text=body,
        words=frozenset(words),
        negations=tuple(frozenset(sc) for sc in scopes),
        hypothetical=tuple(frozenset(sc) for sc in hypothetical),
        heads=tuple(head_of.get(id(sc), "") for sc in scopes),
        hypothetical_heads=tuple(head_of.get(id(sc), "") for sc in hypothetical),
        plain=frozenset(plain),
        subjects=tuple(_stretch(stretches, stretch_of, sc) for sc in scopes),
        hypothetical_subjects=tuple(_stretch(stretches, stretch_of, sc) for sc in hypothetical),
        antecedent=antecedent,
        quantities=found,
        absolute=bool(_ABSOLUTE.search(body)),
        limited=bool(_LIMIT.search(body)),
        conditional=conditional,
        any_condition=bool(_ANY_CONDITION.search(body)),
        antonym_words=_antonym_stems(low),
        conditions=_conditions(unbounded, waits) if conditional else (),
        exceptions=_phrases(_EXCEPTION, unbounded, lists=True) if "unless" in low or "except" in low else (),
        concessions=_phrases(_CONCESSION, unbounded) if "even" in low or "regardless" in low else (),
        restricted=restricted,
        figure_units=bound,
        universal=_heads(_UNIVERSAL, body) if "any" in low or "every" in low or "all" in low else frozenset(),
        order=_order(unbounded) if "before" in low or "after" in low else None,
        agent=_agent(body) if "you" in low or "we" in low or "us" in low else "",
        sides=_sides(body) if _DIGIT.search(body) else frozenset(),
        denies=bool(particle and particle.group().lstrip(" \t\"'(").lower().startswith("no")),
    )


_EXCEPTION = re.compile(r"(?i)\b(?:unless|except(?:\s+(?:if|when|where|for))?)\b")
_CONCESSION = re.compile(
    r"(?i)\b(?:even\s+(?:if|when|though|after|before|where|on|for|with|during)|regardless\s+of)\b"
)


def _phrases(marker: re.Pattern[str], text: str, *, lists: bool = False) -> tuple[frozenset[str], ...]:
    """The words (and figures) from each ``marker`` to the next comma, semicolon or colon. ``lists``: a
    list the marker opens runs on over its commas ("except for tents, caravans and boats": three items) while
    each item is short, up to the one joined by "and" or "or"."""
    out = []
    for m in marker.finditer(text):
        end = _PHRASE_END.search(text, m.end())
        while (
            lists
            and end is not None
            and end.group() == ","
            and not _LIST_LAST.search(text, m.end(), end.start())
        ):
            nxt = _PHRASE_END.search(text, end.end())
            item = text[end.end() : nxt.start() if nxt else len(text)]
            if len(item.split()) > _LIST_ITEM_WORDS or _CLAUSE_VERB.search(item):
                break
            end = nxt
        phrase = text[m.end() : end.start() if end else len(text)]
        out.append(_words_of(phrase) | figures(quantities(phrase)))
    return tuple(out)


# A figure with the side of it a clause is on: "within 12 months" (inside), "after 12 months" (outside).
_SIDE = re.compile(
    r"(?i)\b(within|under|before|less\s+than|fewer\s+than|after|beyond|over|more\s+than|later\s+than)\s+"
    r"(?:(?:the|those|these|first|a|an)\s+)?(\d[\d,.]*)\b"
)
_DIGIT = re.compile(r"\d")
_OUTSIDE = ("after", "beyond", "over", "more", "later")


def _sides(text: str) -> frozenset[str]:
    """Each bounded figure as "<value" (within it) or ">value" (beyond it)."""
    return frozenset(
        (">" if m.group(1).lower().startswith(_OUTSIDE) else "<") + normalise_number(m.group(2))
        for m in _SIDE.finditer(text)
    )


def _stretch(stretches: list[set[str]], stretch_of: dict[int, int], scope: set[str]) -> frozenset[str]:
    index = stretch_of.get(id(scope))
    return frozenset() if index is None else frozenset(stretches[index])


def _heads(pattern: re.Pattern[str], text: str) -> frozenset[str]:
    return frozenset(w for m in pattern.finditer(text) if (w := content_word(m.group(1))))


def _conditions(text: str, waits: bool) -> tuple[frozenset[str], ...]:
    """Each condition's words: from its marker to the next punctuation ("unless X", "provided X"), or
    from the punctuation before it ("dogs aged 8 years or older")."""
    out = []
    for m in [*_CONDITION.finditer(text), *(_UNTIL_WORD.finditer(text) if waits else ())]:
        marker = m.group().lower()
        if marker.startswith("or"):
            start = max(text.rfind(p, 0, m.start()) for p in ",;:") + 1
            phrase = text[start : m.end()]
        elif marker.startswith(("up", "a ", "at")):
            # A limit is its figure: "up to 2 dogs" keeps "up to 2 per passenger".
            out.append(_limit(text, m.end()))
            continue
        else:
            end = _PHRASE_END.search(text, m.end())
            phrase = text[m.end() : end.start() if end else len(text)]
        words = {w for t in _ANY_WORD.findall(_FUNCTION_PHRASES.sub(" ", phrase)) if (w := content_word(t))}
        out.append(frozenset(words | figures(quantities(phrase))))
    return tuple(out)


_PHRASE_END = re.compile(r"[,;:](?!\d)")
# A list's last item is joined by "and" or "or"; each item is a few words ("wedding dresses", "a hired bike").
_LIST_LAST = re.compile(r"(?i)\b(?:and|or)\b")
_LIST_ITEM_WORDS = 4
# An item with a verb of its own is a clause, not a list item ("..., and tours are refundable").
_CLAUSE_VERB = re.compile(r"(?i)\b(?:is|are|was|were|be|been|can|will|must|may|should|has|have|do|does)\b")
_FIRST_FIGURE = re.compile(r"\s*[$\u20ac\u00a3]?\d[\d,]*(?:\.\d+)?")


def _limit(text: str, at: int) -> frozenset[str]:
    m = _FIRST_FIGURE.match(text, at)
    return figures(quantities(m.group())) if m else frozenset()


# "no charge", "at no extra cost", "free of charge" say "free": the word they negate is not the clause's.
_NO_CHARGE = re.compile(
    r"\b(?:no|without)\s+(?:(?:extra|additional|further|added)\s+)?(?:charge|fee|cost)s?\b|\bfree\s+of\s+charge\b"
)


def _antonym_stems(low: str) -> frozenset[str]:
    if ("charge" in low or "fee" in low or "cost" in low) and (
        "no " in low or "without" in low or "free of" in low
    ):
        low = _NO_CHARGE.sub(" free ", low)
    stems = {_stem(w) for w in _ANY_WORD.findall(low)}
    return frozenset(w for pair in _ANTONYM_STEMS for w in pair if w in stems)


@lru_cache(maxsize=4096)
def passage_clauses(passage: str) -> tuple[Clause, ...]:
    """A passage's sentences and, for compound sentences, their clauses (cached: passages recur)."""
    return tuple(_passage_clauses(passage))


def _passage_clauses(passage: str) -> list[Clause]:
    out: list[Clause] = []
    before = ""
    for a, b in sentence_spans(passage):
        sentence = passage[a:b]
        out.append(clause(sentence))
        parts = [p.strip() for p in _CLAUSE_SPLIT.split(sentence) if p.strip()]
        if len(parts) > 1:
            out.extend(clause(p) for p in parts)
        if before and _ANAPHORA.search(sentence):
            out.append(clause(f"{before} {sentence}"))  # it refers back: the two state one fact
        before = sentence
    return out


def overlap(claim: Clause, unit: Clause) -> float:
    """Share of the claim's content words found in ``unit``."""
    if not claim.words:
        return 1.0 if claim.quantities and claim.quantities <= unit.quantities else 0.0
    return len(claim.words & unit.words) / len(claim.words)


def conflicts(
    claim: Clause, unit: Clause, given: frozenset[str] = frozenset(), *, terse: bool = False
) -> tuple[str, ...]:
    """Why ``claim`` contradicts ``unit`` (a passage clause it is aligned with); empty when it does not.
    ``given``: the words (and "#" figures) the claim's question states; a condition they state needs no
    repeating. ``terse``: the claim is a bare value aligned by its question's words ("12 months."), which
    restates the fact asked about and repeats none of its conditions: only asserting it unconditionally
    ("always", "no matter what") contradicts a condition."""
    kinds: list[str] = []
    shared = claim.words & unit.words
    # A claim that states no case of its own is compared with what the clause asserts, not with its cases.
    cases = claim.antecedent
    if (
        same_agent(claim, unit)
        and _polarity(claim, shared, cases) != _polarity(unit, shared, cases)
        and _polarity(claim, shared, cases, anchored=True) != _polarity(unit, shared, cases, anchored=True)
    ):
        # ... unless what the claim negates is what the clause excepts: "the night bus doesn't take bikes"
        # restates "the night bus takes luggage, except for bikes and scooters".
        excepted = _excepted(claim, unit, shared)
        if not excepted:
            kinds.append("negation")
    else:
        excepted = False
    # "hot soup included" against "takeaway food may be eaten inside, except hot soup".
    if (
        unit.exceptions
        and not claim.negations
        and not claim.exceptions
        and _grants_excepted(claim, unit, shared)
    ):
        kinds.append("negation")
    # A claim bounded only by figures the clause states too ("always ... less the £10 fee") is not bounded
    # as a clause with a limit word ("if", "within") is: its figures restate an amount, not a limit.
    bounded = claim.limited and bool(claim.quantities)
    if (
        bounded
        and claim.quantities <= unit.quantities
        and not _LIMIT_WORD.search(claim.text)
        and _LIMIT_WORD.search(unit.text)
    ):
        bounded = False
    if claim.absolute and not unit.absolute and unit.limited and not bounded:
        kinds.append("absolute")
    elif claim.absolute and not unit.absolute and unit.conditional and not claim.conditional:
        kinds.append("absolute")  # "we always refund" against "we refund ... as long as ..."
    if claim.universal & unit.restricted and not claim.restricted:
        kinds.append("absolute")  # "any calculator" against "only calculators from the approved list"
    order = _order_agrees(claim, unit)
    if order is False:
        kinds.append("order")  # the same two events in the other order
    for a, b in _ANTONYM_STEMS:
        if a == _BEFORE and order is not None:
            continue  # before against after is settled by what they order
        if (a in claim.antonym_words and b in unit.antonym_words and a not in unit.antonym_words) or (
            b in claim.antonym_words and a in unit.antonym_words and b not in unit.antonym_words
        ):
            kinds.append("antonym")
            break
    if (
        unit.conditional
        and not terse
        and not claim.any_condition
        # A refusal with its exception ("No, dogs are only allowed on Fridays") grants nothing
        # unconditionally: leaving out the clause's other conditions is no contradiction.
        and not (claim.denies and _ONLY.search(claim.text))
        # Nor is it one when the claim states the excepted case itself ("doesn't take bikes").
        and not excepted
        and any(_dropped(c, claim, unit, given) for c in unit.conditions or (frozenset(),))
    ):
        kinds.append("condition")
    if any(
        _flip(side) in unit.sides and side not in unit.sides and _flip(side) not in claim.sides
        for side in claim.sides
    ):
        kinds.append("condition")  # "refunded after 12 months" against "provided you ask within 12 months"
    if any(_concedes(c, e) for c in claim.concessions for e in unit.exceptions):
        kinds.append("condition")  # "even if you report the theft" against "unless the theft is reported"
    if (
        # A figure is compared with a clause about the same thing: one that shares more with the claim
        # than the claim's own time-unit words ("5 year olds" and "three terms a year" share only "year").
        # A terse value ("It's $45.") is aligned by its question's words.
        (shared - claim.figure_units or not claim.words - claim.figure_units)
        and (quantity_conflict(claim.quantities, unit.quantities) or _unit_conflict(claim, unit, shared))
    ) and not any(
        worked_out(q, claim.quantities | _counts(given, q), unit.quantities, from_theirs=True)
        for q in claim.quantities
    ):
        # A claim that works a figure out from the clause's ("ten lessons would cost $550" from "$55 each")
        # restates it: its other figures are about other things.
        kinds.append("quantity")
    if (
        ("negation" in kinds or "antonym" in kinds)
        and _FREE_STEM in claim.antonym_words
        and any(side[0] == "<" for side in claim.sides & unit.sides)
        and _CHARGED_AFTER.search(unit.text)
    ):
        # "free within 30 minutes" against "collect within 30 minutes; after that, a charge of $10": the
        # charge is for the time after the period the claim bounds, the other side of the same figure.
        kinds = [k for k in kinds if k not in ("negation", "antonym")]
    return tuple(kinds)


def _excepted(claim: Clause, unit: Clause, shared: frozenset[str]) -> bool:
    """Whether the shared words the claim negates, its negated verb aside ("doesn't carry"), are all in an
    exception the clause makes ("except for X and Y"), and the clause negates none of them: the clause
    denies them too."""
    if not unit.exceptions or not claim.negations:
        return False
    negated = shared & frozenset().union(*claim.negations)
    excepted = frozenset().union(*unit.exceptions)
    named = negated & excepted
    if negated & frozenset().union(*unit.negations):
        return False
    # A claim that excepts what the clause excepts and negates only inside its own exception ("all fees back
    # except the entry fee, which isn't refundable") says of the excepted thing what the clause implies.
    own = frozenset().union(*claim.exceptions)
    if negated and excepted <= own and negated <= own:
        return True
    return bool(named) and negated - named <= frozenset(claim.heads)


def _grants_excepted(claim: Clause, unit: Clause, shared: frozenset[str]) -> bool:
    """Whether the claim, negating nothing and excepting nothing, grants what the clause grants (two of its
    words outside the exception) to a thing the clause excepts (a word only its exception says)."""
    excepted = frozenset().union(*unit.exceptions)
    if not shared & excepted:
        return False
    outside = _words_of(_EXCEPTION.split(unit.text, maxsplit=1)[0])
    return bool(shared & excepted - outside) and len(shared & outside - excepted) >= 2


def _counts(given: frozenset[str], q: Quantity) -> frozenset[Quantity]:
    """The figures the question states (``given``'s "=" words), as counts an amount other than their own
    may be worked out with ("\u00a313.50: \u00a36.50 for you and \u00a33.50 for each child" for "me and my
    two kids")."""
    return frozenset(Quantity(w[1:], "") for w in given if w[:1] == "=" and w[1:] != q.value)


_FREE_STEM = stem("free")
# A charge that starts where a period ends: "after that", "thereafter", "beyond that".
_CHARGED_AFTER = re.compile(r"(?i)\b(?:after\s+(?:that|this|then|which)|thereafter|beyond\s+(?:that|this))\b")


_BEFORE = stem("before")


def _flip(side: str) -> str:
    return ("<" if side[0] == ">" else ">") + side[1:]


_ONLY = re.compile(r"(?i)\bonly\b")


def _concedes(concession: frozenset[str], exception: frozenset[str]) -> bool:
    """Whether a claim's "even if X" names the case a clause's "unless X" excepts (more than half of its
    words, or two and a third of them)."""
    common = len(concession & exception)
    return (common >= 2 and 3 * common >= len(exception)) or 2 * common > len(exception) > 0


def same_agent(claim: Clause, unit: Clause) -> bool:
    """Whether both can be about the same actor: "You must insure your goods" and "Goods are not insured
    by us" say opposite things of different agents, not of the same one."""
    return not (claim.agent and unit.agent and claim.agent != unit.agent)


def _order_agrees(claim: Clause, unit: Clause) -> bool | None:
    """Whether the claim puts what the clause orders in the same order (True), the other (False), or
    neither can be told (None): "after a 20% deposit" restates "a deposit is taken before treatment"."""
    if claim.order is None or unit.order is None:
        return None
    (c_first, c_then), (u_first, u_then) = claim.order, unit.order
    same = (c_first & u_first) | (c_then & u_then)
    swapped = (c_first & u_then) | (c_then & u_first)
    if same and not swapped:
        return True
    if swapped and not same:
        return False
    return None


def _dropped(condition: frozenset[str], claim: Clause, unit: Clause, given: frozenset[str]) -> bool:
    """Whether the claim leaves out a condition: it lacks the condition's words, and its question does not
    state most of them ("If I return it in its box, can I cancel?" has met "provided it is returned in its
    box")."""
    stated = figures(claim.quantities)
    if condition and all(w.startswith("#") for w in condition):
        # A limit ("up to 2 per passenger") is dropped by a claim that restates the clause (all its words
        # are the clause's) and states no figure: one that gives a figure states its own limit, checked as
        # a quantity; one about something else ("trampolines" against "theft ... up to $1,000") drops none.
        return not stated and not condition & given and claim.words <= unit.words
    if condition & stated:
        return False  # the claim states the condition's own figure ("within 6 months"): its side is compared
    missing = condition - claim.words - stated
    return not condition or (bool(missing) and 2 * len(missing & given) < len(missing))


def _polarity(c: Clause, shared: frozenset[str], cases: bool, *, anchored: bool = False) -> bool:
    """Whether the shared words are negated an odd number of times in ``c`` (in its "if" clauses too
    when ``cases``). A difference in polarity is a contradiction only when it is there both counted
    plainly and ``anchored``. Anchored, a negation counts only where the words it negates are not also said
    plainly elsewhere in the clause ("the free 30 minutes do not apply: they are charged ..." says "charged"
    plainly too), and it negates what the other side says, its head word shared, unless every shared word
    is in its scope ("Nappies are not provided, so parents bring their own" negates "provided", not the
    "bring" that a claim about bringing nappies restates)."""
    scopes = c.negations + c.hypothetical if cases else c.negations
    heads = c.heads + c.hypothetical_heads if cases else c.heads
    stretches = c.subjects + c.hypothetical_subjects if cases else c.subjects
    n = 0
    for scope, head, stretch in zip(scopes, heads, stretches, strict=False):
        hit = scope & shared
        if not hit:
            continue
        if anchored and (
            hit <= c.plain or (head and head not in shared and not (stretch and shared <= stretch))
        ):
            continue
        n += 1
    return n % 2 == 1


def _unit_conflict(claim: Clause, unit: Clause, shared: frozenset[str]) -> bool:
    """The clause the claim plainly restates (most of the claim's own words) gives figures, and the claim
    gives others in another unit ("a maximum discount of 60%" restated as "$400"): a different fact."""
    # Restated both ways: a clause that shares three words with a claim but says much else besides
    # ("families with 3 lessons a week get 12% off their term fees") is about something else.
    restated = (
        len(shared) >= 3 and len(shared) >= 0.6 * len(claim.words) and 2 * len(shared) >= len(unit.words)
    )
    if not restated:
        return False
    # How often something happens ("more than once a year") is not the amount a claim restates.
    claimed = [q for q in claim.quantities if q.unit != "times"]
    stated = [s for s in unit.quantities if s.unit != "times"]
    # Only figures of comparable measures are another figure for one fact: an amount against a share, or
    # the same measure ("$72 is paid when you collect" against "at least 3 days before" is no conflict).
    comparable = any(
        q.unit_class == s.unit_class or {q.unit_class, s.unit_class} <= _AMOUNTS
        for q in claimed
        for s in stated
    )
    return bool(comparable and not any(same_figure(q, s) for q in claimed for s in stated))


_AMOUNTS = frozenset(("money", "share"))


@dataclass(frozen=True)
class Alignment:
    """A claim's verdict against the passages: supported, or contradicted with the kinds of conflict."""

    score: float
    contradiction: tuple[str, ...]
    # The passage clause the contradiction was found against (for explanations); None when none was.
    against: Clause | None = None


def align(
    claim: Clause,
    units: Sequence[Clause],
    *,
    min_overlap: float = 0.5,
    margin: float = 0.15,
    tie: float = 0.05,
    topic: frozenset[str] = frozenset(),
    given: frozenset[str] = frozenset(),
) -> Alignment:
    """The best lexical alignment of ``claim`` and whether its closest passage clauses contradict it.

    Contradicted when the best-aligned clause conflicts and no clause aligned almost as well agrees, or
    when the clauses that mention the claim's most specific word (the one the passages use least:
    "mountaineering" in "Mountaineering is covered by travel insurance") conflict and none of them agrees.
    ``topic`` (the question's words, for a terse claim) helps choose the clause, never the verdict.
    ``given`` (what the question states) meets the conditions it states.
    """
    own = claim
    if topic:
        claim = replace(claim, words=claim.words | topic)
    scored = sorted(((overlap(claim, u), u) for u in units), key=lambda p: p[0], reverse=True)
    if not scored:
        return Alignment(0.0, ())
    best = scored[0][0]
    if best < min_overlap or (len(claim.words) > 2 and best * len(claim.words) < 2):
        return Alignment(best, ())
    # Among clauses that share about as much with the claim, the most specific one (the claim covers
    # most of it) is what the claim restates; a long clause that merely shares words does not count.
    close = _ranked(claim, [(score, u) for score, u in scored if score >= best - margin])
    verdict, against = _verdict(own, close, units, topic, margin, tie, given)
    if not verdict and not topic:
        focused = _ranked(claim, _about_focus(own, scored, min_overlap))
        verdict, against = _verdict(own, focused, units, topic, margin, tie, given)
    return Alignment(best, verdict, against)


# A clause about another agent than the claim's ranks below one about the same agent.
_OTHER_AGENT = 0.25


def _ranked(claim: Clause, scored: list[tuple[float, Clause]]) -> list[tuple[float, Clause]]:
    return sorted(
        (
            (s + 0.5 * _specificity(claim, u) - (0.0 if same_agent(claim, u) else _OTHER_AGENT), u)
            for s, u in scored
        ),
        key=lambda p: p[0],
        reverse=True,
    )


def _about_focus(
    claim: Clause, scored: list[tuple[float, Clause]], min_overlap: float
) -> list[tuple[float, Clause]]:
    """The aligned clauses that mention the claim's rarest word in the passages, when that word is rarer
    than the claim's others (a claim is about its specific word, not "insurance" or "cover")."""
    df: dict[str, int] = {}
    for _, u in scored:
        for w in claim.words & u.words:
            df[w] = df.get(w, 0) + 1
    if len(df) < 2 or (rarest := min(df.values())) == max(df.values()):
        return []
    focus = {w for w, n in df.items() if n == rarest}
    n = len(claim.words)
    return [(s, u) for s, u in scored if s >= min_overlap and s * n >= 2 and focus & u.words]


def _verdict(
    own: Clause,
    close: list[tuple[float, Clause]],
    units: Sequence[Clause],
    topic: frozenset[str],
    margin: float,
    tie: float,
    given: frozenset[str],
) -> tuple[tuple[str, ...], Clause | None]:
    """The conflicts of the first of ``close`` (ranked clauses), unless one ranked about as high agrees,
    with that clause."""
    if not close:
        return (), None
    top_score, top = close[0]
    terse = bool(topic)
    verdict = conflicts(own, top, given, terse=terse)
    if (
        verdict
        and terse
        and own.quantities
        and any(
            any(equivalent(q, x) for q in own.quantities for x in u.quantities)
            and not conflicts(own, u, given, terse=terse)
            for _, u in close[1:]
        )
    ):
        # A terse value ("An hour.") that a clause about the question states in its very figure ("Lessons
        # last 60 minutes") restates it, whatever other figure a clause as close gives for something else.
        return (), None
    if verdict and not any(
        s >= top_score - tie and same_agent(own, u) and not conflicts(own, u, given, terse=terse)
        for s, u in close[1:]
    ):
        # A clause that aligns as well by the claim's own words and states its very quantities agrees
        # with it ("the cancellation fee is $50" restates "minus a cancellation fee of $50").
        # A terse claim aligned by its question's words, whose best clause gives another value for the
        # very thing asked about, is contradicted whatever else the passages say about that value.
        if own.quantities and not (topic and "quantity" in verdict):
            own_scores = [(overlap(own, u), u) for u in units]
            own_best = max(score for score, _ in own_scores)
            if any(
                own.quantities <= u.quantities and not conflicts(own, u, given, terse=terse)
                for score, u in own_scores
                if score >= own_best - margin / 3
            ):
                return (), None
        return verdict, top
    return (), None


def _specificity(claim: Clause, unit: Clause) -> float:
    return len(claim.words & unit.words) / len(unit.words) if unit.words else 0.0
