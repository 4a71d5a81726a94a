"""One word, one form: what lets grounding and relevance see a paraphrase as the sentence it restates.

An answer rarely repeats its passage word for word. It inflects irregularly ("children", "kept",
"paid"), derives ("payment" -> "pay", "visitor" -> "visit", "rental" -> "rent", "refundable" ->
"refund"), spells the other side of the Atlantic ("authorise", "colour", "licence") or uses a common
synonym ("purchase" for "buy", "permitted" for "allowed"). ``canonical`` maps all of them to one form.
Only consistency matters: both sides of every comparison go through it. The tables are general
English, not any one document's vocabulary.
"""

from __future__ import annotations

from functools import lru_cache

from engine.validators.text import stem

# Irregular inflections, to their base word.
_IRREGULAR = {
    "children": "child", "people": "person", "men": "man", "women": "woman", "feet": "foot",
    "teeth": "tooth", "kept": "keep", "paid": "pay", "made": "make", "taken": "take", "took": "take",
    "given": "give", "gave": "give", "held": "hold", "sent": "send", "bought": "buy", "brought": "bring",
    "gone": "go", "went": "go", "lost": "lose", "sold": "sell", "told": "tell", "found": "find",
    "written": "write", "wrote": "write", "chosen": "choose", "chose": "choose", "spent": "spend",
    "began": "begin", "begun": "begin", "met": "meet", "fell": "fall", "fallen": "fall", "felt": "feel",
    "caught": "catch", "thought": "think", "shown": "show", "drove": "drive", "driven": "drive",
    "flew": "fly", "flown": "fly", "stolen": "steal", "stole": "steal", "hidden": "hide",
    "forgot": "forget", "forgotten": "forget", "understood": "understand", "ran": "run", "rang": "ring",
    "rung": "ring", "sought": "seek", "lent": "lend", "built": "build", "left": "leave", "led": "lead",
    "arisen": "arise", "arose": "arise", "risen": "rise", "rose": "rise", "frozen": "freeze",
    "broken": "break", "broke": "break", "repaid": "repay", "overpaid": "overpay",
    "worn": "wear", "wore": "wear", "torn": "tear", "tore": "tear", "swum": "swim", "swam": "swim",
    "ridden": "ride", "rode": "ride", "eaten": "eat", "drawn": "draw", "drew": "draw", "hung": "hang",
    "spoken": "speak", "spoke": "speak", "woken": "wake", "woke": "wake", "bitten": "bite",
}  # fmt: skip

# Common synonyms: (word, the representative it is read as). Pairs an answer uses for its passage's
# word in any domain; none is a figure, a negation or one of the antonyms contradictions compare.
_SYNONYM_PAIRS = (
    ("permit", "allow"), ("permission", "allow"), ("purchase", "buy"), ("obtain", "receive"),
    ("begin", "start"), ("commence", "start"), ("assist", "help"), ("assistance", "help"),
    ("require", "need"), ("requirement", "need"), ("notify", "tell"), ("notification", "tell"),
    ("inform", "tell"), ("reimburse", "refund"), ("reimbursement", "refund"), ("repay", "refund"),
    ("cost", "charge"), ("price", "charge"), ("fee", "charge"), ("utilise", "use"), ("retain", "keep"),
    ("remain", "stay"), ("kid", "child"), ("vehicle", "car"), ("bicycle", "bike"), ("automobile", "car"),
    ("physician", "doctor"), ("select", "choose"), ("pick", "choose"), ("sufficient", "enough"),
    ("overseas", "abroad"), ("error", "mistake"), ("luggage", "baggage"), ("vacation", "holiday"),
    ("apartment", "flat"), ("truck", "lorry"), ("photograph", "photo"), ("picture", "photo"),
    ("large", "big"), ("quick", "fast"), ("rapid", "fast"), ("shop", "store"), ("break", "damage"),
    # Clipped forms: "exam" is "examination".
    ("illness", "ill"), ("sick", "ill"), ("sickness", "ill"), ("absent", "away"), ("absence", "away"),
    ("welcome", "allow"), ("fortnight", "day"),  # "a fortnight" is 14 days (a quantity too)
    ("daily", "day"), ("notice", "tell"),  # "48 hours' notice is given": tell 48 hours ahead
    ("examination", "exam"), ("telephone", "phone"), ("advertisement", "advert"), ("laboratory", "lab"),
    ("refrigerator", "fridge"), ("mathematics", "maths"),
    # What is left to pay, and a way of doing something: "the remainder", "the rest", "the balance";
    # "the same way", "the same method".
    ("remainder", "rest"), ("balance", "rest"), ("method", "way"),
    # "ring the office" is "phone the office"; "carry on" is reworded to "continue" before words are read.
    ("ring", "phone"), ("proceed", "continue"),
    # An instalment is a payment; a cost is split or spread over them.
    ("instalment", "pay"), ("installment", "pay"), ("spread", "split"),
)  # fmt: skip

# Derivational suffixes as the stemmer leaves them ("-able" -> "abl"), each with the shortest stem it
# may leave; longest first.
_SUFFIXES = (
    ("ation", 4), ("ition", 4), ("ment", 3), ("ness", 4), ("ship", 4), ("anc", 4), ("enc", 4), ("abl", 3),
    ("ibl", 4), ("ion", 5), ("ery", 4), ("al", 4), ("er", 4), ("or", 4),
)  # fmt: skip
_VOWELS = frozenset("aeiouy")
# The suffixes by their last letter: a stem is compared with the few that can end it.
_BY_LAST: dict[str, tuple[tuple[str, int], ...]] = {}
for _suffix, _keep in _SUFFIXES:
    _BY_LAST[_suffix[-1]] = (*_BY_LAST.get(_suffix[-1], ()), (_suffix, _keep))


def _spelling(s: str) -> str:
    """British and American spellings of a stem to one: authoris/authoriz, colour/color, centr/center,
    licenc/licens."""
    if s.endswith("is") and len(s) > 4:
        return s[:-2] + "iz"
    if s.endswith("our") and len(s) > 4:
        return s[:-3] + "or"
    if s.endswith("tr") and len(s) > 4 and s[-3] not in _VOWELS:
        return s[:-2] + "ter"
    if s.endswith(("cenc", "fenc")):
        return s[:-1] + "s"
    return s


def _strip_suffix(s: str) -> str:
    for suffix, keep in _BY_LAST.get(s[-1:], ()):
        if s.endswith(suffix) and len(s) - len(suffix) >= keep:
            base = s[: -len(suffix)]
            if len(base) > 4 and base[-1] == base[-2] and base[-1] not in _VOWELS | {"s"}:
                base = base[
                    :-1
                ]  # "cancell" (cancellation) -> "cancel"; not "comm" (commence) -> "com" (come)
            return base[:-1] if len(base) > 3 and base.endswith("e") else base
    if len(s) > 4 and s[-1] == s[-2] == "l":
        return s[:-1]  # "cancell" (cancelled) -> "cancel"
    return s


def _base(low: str) -> str:
    """The base of a short regular verb the stemmer leaves whole: "used"/"using" -> "use", "aged" -> "age"
    (a base ending in "e" or without a vowel is not one: "need", "feed", "shed", "bring")."""
    for suffix in ("ed", "ing"):
        base = low[: -len(suffix)]
        if (
            low.endswith(suffix)
            and 2 <= len(base) <= 3 - (suffix == "ing")
            and base[-1] != "e"
            and any(ch in "aeiou" for ch in base)
        ):
            return base + "e"
    return low


def _form(low: str) -> str:
    s = _spelling(stem(_IRREGULAR.get(low) or _base(low)))
    # Two passes: "additional" -> "addition" -> "addit"; spelling again: "authorisation" -> "authoris".
    return _spelling(_strip_suffix(_strip_suffix(s)))


_SYNONYMS = {_form(word): _form(target) for word, target in _SYNONYM_PAIRS}


@lru_cache(maxsize=65536)
def canonical(low: str) -> str:
    """The one form of a lower-cased word that its inflections, derivations, spellings and common
    synonyms share."""
    form = _form(low)
    return _SYNONYMS.get(form, form)
