"""Quantities in claims and passages: numbers (digits or words) with their unit or currency, by measure."""

from __future__ import annotations

import re
from dataclasses import dataclass

from engine.validators.stopwords import ENGLISH_STOPWORDS
from engine.validators.text import normalise_number, stem

NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "ninety": 90, "hundred": 100, "a hundred": 100, "half": 0.5,
}  # fmt: skip
_QUANTITY = re.compile(
    # A currency is a symbol or an ISO code in capitals ("CHF 45", "45 CHF"), one the number follows.
    r"(?i)(?P<cur>[$\u20ac\u00a3]|\b(?-i:[A-Z]{3})(?=\s?\d))?\s?(?P<num>\d[\d,]*(?:\.\d+)?|\b(?:"
    + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True))
    + r")\b)(?:\s?-\s?|\s)?(?:(?:business|working|calendar|clear|full|consecutive)\s+)?"
    # A word cut by an apostrophe is a contraction ("under 18 don't"), never a unit.
    + r"(?P<unit>%|per\s?cent\b|[a-z]+\b(?!['\u2019])|[a-z]+s(?=['\u2019](?!\w)))?"
)
# How many times, said in one word: "once in 12 months" is 1 time, "twice" 2 ("three times" is 3 by its
# number and unit). "once" is a count only where no clause follows it ("once you have paid" is a time).
_TIMES_WORD = re.compile(
    r"(?i)\b(?:twice|thrice)\b|\bonce\b(?=\s*(?:[.,;:!?)]|$|(?:in|per|every|each|only|during|within|a|an)\b"
    r"(?!\s+(?:[a-z]+\s+)?(?:is|are|was|were|has|have)\b)))"
)
_TIMES_VALUES = {"once": "1", "twice": "2", "thrice": "3"}
_TIMES_HINTS = ("nce", "NCE", "wice", "WICE", "hrice", "HRICE")
# Units by what they measure, with one name per unit: "23 lb" against "23 kg" is another figure, and
# "3,000 meters" restates "3,000 metres". Keys are stemmed as quantities' units are.
_UNIT_NAMES = {
    "minute": ("minute", "time"), "min": ("minute", "time"), "hour": ("hour", "time"),
    "hr": ("hour", "time"), "day": ("day", "time"), "week": ("week", "time"), "month": ("month", "time"),
    "year": ("year", "time"), "percent": ("%", "share"), "dollar": ("$", "money"),
    "euro": ("\u20ac", "money"), "pound": ("\u00a3", "money"),
    "kg": ("kg", "weight"), "kgs": ("kg", "weight"), "kilo": ("kg", "weight"), "kilogram": ("kg", "weight"),
    "lb": ("lb", "weight"), "lbs": ("lb", "weight"), "gram": ("gram", "weight"), "oz": ("oz", "weight"),
    "ounce": ("oz", "weight"), "tonne": ("tonne", "weight"),
    "km": ("km", "distance"), "kilometre": ("km", "distance"), "kilometer": ("km", "distance"),
    "mile": ("mile", "distance"), "metre": ("metre", "distance"), "meter": ("metre", "distance"),
    "cm": ("cm", "distance"), "centimetre": ("cm", "distance"), "mm": ("mm", "distance"),
    "millimetre": ("mm", "distance"), "inch": ("inch", "distance"), "foot": ("foot", "distance"),
    "feet": ("foot", "distance"), "ft": ("foot", "distance"),
    "litre": ("litre", "volume"), "liter": ("litre", "volume"), "ml": ("ml", "volume"),
    "gallon": ("gallon", "volume"), "time": ("times", "count"),
}  # fmt: skip
_UNITS = {stem(k): v for k, v in _UNIT_NAMES.items()}
_UNIT_CLASS = {"%": "share", "$": "money", "\u20ac": "money", "\u00a3": "money"} | dict(_UNITS.values())
# ISO currency codes with a symbol of their own are read as the symbol ("EUR 40" is "\u20ac40"); any other
# code in capitals ("CHF", "SEK") is its own currency.
_CODE_SYMBOLS = {"USD": "$", "EUR": "\u20ac", "GBP": "\u00a3"}


def _currency_code(raw: str) -> bool:
    low = raw.lower()
    return len(raw) == 3 and raw.isalpha() and raw.isupper() and not {stem(low), low[:-1]} & _UNITS.keys()


_MEASURES = frozenset(_UNIT_CLASS.values())
# Words after a number that are not its unit ("under 12 can visit", "2 or more").
_NOT_UNITS = frozenset("or and to can may must will a an the each every per of in on at for".split())  # noqa: SIM905
_AGE = re.compile(r"(?i)s?\s*-?\s*olds?\b")
_HOW_OFTEN = frozenset("hourly daily nightly weekly fortnightly monthly yearly annual annually".split())  # noqa: SIM905


@dataclass(frozen=True)
class Quantity:
    """A number with its unit (or currency), e.g. 14 day, 20 %, 1000 $."""

    value: str
    unit: str

    @property
    def unit_class(self) -> str:
        return _UNIT_CLASS.get(self.unit) or ("money" if _currency_code(self.unit) else self.unit)


def _unit(raw: str | None, currency: str | None) -> str:
    if currency:
        return _CODE_SYMBOLS.get(currency.upper(), currency.upper()) if len(currency) == 3 else currency
    if not raw:
        return ""
    if _currency_code(raw):
        return _CODE_SYMBOLS.get(raw, raw)  # "45 CHF": the code after the number
    low = raw.lower().replace(" ", "")
    if low == "%":
        return "%"
    if low in ENGLISH_STOPWORDS or low in _NOT_UNITS:
        return ""  # "children under 12 may visit": the number's unit is not "may"
    if low in _HOW_OFTEN:
        return ""  # "11 weekly lessons" counts lessons: "weekly" says how often, not a duration
    unit = stem(low)
    return _UNITS[unit][0] if unit in _UNITS else unit


# Durations said without a digit: "half an hour" is 30 minutes, "an hour" 1 hour, "a fortnight" 14 days. Not
# after a figure or "per"/"once" ("€2 an hour", "twice an hour" are rates).
_SPELT_DURATION = re.compile(
    r"(?i)\b(?:(?P<half>half\s+an?\s+hour|half\s+hour)|(?P<hour>an\s+hour(?:\s+and\s+a\s+half)?)|"
    r"(?P<fortnight>(?:a|one)\s+fortnight))\b"
)
_RATE_BEFORE = re.compile(
    r"(?i)(?:.*\d.*|per|of|once|twice|thrice|times|each|every|hours?|minutes?|[$\u20ac\u00a3%].*)"
)
_SPELT_HINTS = (
    "hour",
    "HOUR",
    "Hour",
    "fortnight",
    "Fortnight",
    "FORTNIGHT",
    "alf",
    "ay",
    "eek",
    "onth",
    "ear",
)
# "half price" is 50% off.
_HALF_PRICE = re.compile(r"(?i)\bhalf[\s-](?:the\s+)?price\b")
# Exact factors between time units, in minutes: "90 minutes" is "1.5 hours", "14 days" is "2 weeks".
_MINUTES = {"minute": 1, "hour": 60, "day": 1440, "week": 10080}


# Fractions said in words: "three quarters of an hour" is 45 minutes, "half a day" 720; "a quarter of the
# total" and "half the usual fee" are shares (25%, 50%) of a figure. Not "half the price": that is a discount.
_FRACTION = re.compile(
    r"(?i)\b(?:(?P<n>an?|one|two|three)\s+(?P<f>quarter|third|fifth|tenth)s?\s+off?|(?P<half>half)(?:\s+of)?)\s+"
    r"(?:(?:an?\s+)?(?P<time>hour|day|week)\b|(?:the|your|their|its|our|this|that)\b(?!\s+price))"
)
_FRACTION_HINTS = ("quarter", "QUARTER", "third", "THIRD", "alf", "ALF", "fifth", "FIFTH", "tenth", "TENTH")
_COUNTS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3}
_PARTS = {"quarter": 4, "third": 3, "fifth": 5, "tenth": 10}


def _fractions(text: str) -> list[tuple[int, int, Quantity]]:
    out = []
    for m in _FRACTION.finditer(text):
        if m.group("half"):
            if m.group("time") == "hour":
                continue  # "half an hour": a spelt duration
            share = 0.5
        else:
            share = _COUNTS[m.group("n").lower()] / _PARTS[m.group("f").lower()]
        if m.group("time"):
            minutes = share * _MINUTES[m.group("time").lower()]
            q = Quantity(normalise_number(f"{minutes:g}"), "minute")
        else:
            q = Quantity(normalise_number(f"{round(share * 100, 2):g}"), "%")
        out.append((m.start(), m.end(), q))
    return out


# How often, said in one word at a clause's end: "picked up weekly." is every 1 week ("weekly lessons" names
# lessons).
_PERIOD = re.compile(r"(?i)\b(daily|weekly|fortnightly|monthly|yearly|annually)\b(?=\s*(?:[.,;:!?)]|$))")
_PERIODS = {
    "daily": Quantity("1", "day"), "weekly": Quantity("1", "week"), "fortnightly": Quantity("14", "day"),
    "monthly": Quantity("1", "month"), "yearly": Quantity("1", "year"), "annually": Quantity("1", "year"),
}  # fmt: skip
_PERIOD_HINTS = ("ly", "LY")


# One unit said with an article where a figure is expected: "less than a day's notice", "within a week".
_ONE_UNIT = re.compile(
    r"(?i)(?:\b(?:than|within|least|most|after|under|over|about|for)\s+(?:a|one)\s+(day|week|month|year)\b"
    r"|\b(?:a|one)\s+(day|week|month|year)['\u2019]s?\s)"
)
_ONE_UNIT_HINTS = ("a day", "a week", "a month", "a year", "one day", "one week", "one month", "one year")


def _spelt(text: str) -> list[Quantity]:
    out: list[Quantity] = []
    if "alf" in text or "ALF" in text:
        out.extend(Quantity("50", "%") for _ in _HALF_PRICE.finditer(text))
    for m in _SPELT_DURATION.finditer(text):
        before = text[: m.start()].split()
        pre = before[-1] if before else ""
        if pre and _RATE_BEFORE.fullmatch(pre):
            continue
        if m.group("half") or pre.lower() == "half":
            out.append(Quantity("30", "minute"))
        elif m.group("hour"):
            out.append(
                Quantity("90", "minute") if "half" in m.group("hour").lower() else Quantity("1", "hour")
            )
        else:
            out.append(Quantity("14", "day"))
    return out


def in_minutes(q: Quantity) -> float | None:
    """A duration in minutes, when its unit converts exactly (not months or years)."""
    return _scaled(q, _MINUTES)


_MONTHS = {"month": 1, "year": 12}


def _scaled(q: Quantity, factors: dict[str, int]) -> float | None:
    """The figure in the smallest of ``factors``' units, or None when its unit is not one of them."""
    factor = factors.get(q.unit)
    if factor is None:
        return None
    try:
        return float(q.value) * factor
    except ValueError:
        return None


def equivalent(a: Quantity, b: Quantity) -> bool:
    """One figure, in one unit or in two time units that convert exactly ("half an hour" = "30 minutes",
    "a year" = "12 months")."""
    if a == b:
        return True
    x, y = in_minutes(a), in_minutes(b)
    if x is not None:
        return x == y
    m = _scaled(a, _MONTHS)
    return m is not None and m == _scaled(b, _MONTHS)


def quantities(text: str) -> frozenset[Quantity]:
    """Numbers with their units; number words count ("fourteen days" = 14 day)."""
    found = set()
    if any(hint in text for hint in _SPELT_HINTS):
        found.update(_spelt(text))
    if "a " in text or "one " in text or "A " in text or "One " in text:
        low = text.lower()
        if any(hint in low for hint in _ONE_UNIT_HINTS):
            found.update(Quantity("1", m.group(1) or m.group(2)) for m in _ONE_UNIT.finditer(text))
    if any(hint in text for hint in _PERIOD_HINTS):
        found.update(_PERIODS[m.group(1).lower()] for m in _PERIOD.finditer(text))
    spans: list[tuple[int, int, Quantity]] = []
    if any(hint in text for hint in _FRACTION_HINTS):
        spans = _fractions(text)
        found.update(q for _, _, q in spans)
    for m in _QUANTITY.finditer(text):
        if spans and any(a <= m.start("num") < b for a, b, _ in spans):
            continue  # a fraction's words ("three quarters of an hour"), read above
        raw = m.group("num")
        if raw[0].isdigit():
            value = normalise_number(raw)
        else:
            n = NUMBER_WORDS[raw.lower()]
            value = normalise_number(str(n))
        if raw.lower() == "half" and (
            _HALF_PRICE.match(text, m.start("num"))
            or re.match(r"(?i)\s*(?:an?\s+)?hour", text[m.end("num") :])
            or re.search(r"(?i)\bhour\s+and\s+a\s*$", text[: m.start("num")])
        ):
            continue  # "half hour": 30 minutes, found above
        unit = _unit(m.group("unit"), m.group("cur"))
        if not unit and raw.lower() == "one" and not m.group("cur"):
            continue  # a pronoun, not a figure: "hire one from us", "wear one at all times"
        if unit in ("year", "month") and _AGE.match(text, m.end()):
            unit = "age"  # "5 year olds", "a 3-year-old": an age, not a duration
        found.add(Quantity(value, unit))
    if any(hint in text for hint in _ORDINAL_HINTS):
        found.update(_ordinals(text))
    if any(hint in text for hint in _TIMES_HINTS):
        found.update(Quantity(_TIMES_VALUES[m.group().lower()], "times") for m in _TIMES_WORD.finditer(text))
    return frozenset(found)


# A rank before its noun is a figure of that noun: "the fourth floor" is floor 4, "the 3rd stage" stage 3, so
# "up to the fourth floor" against "up to the second floor" is another figure. "first" is left out (also
# "at first", "the first 8 kg"), and so is "second-hand"; after "a" the word is a share ("a fifth less").
_ORDINAL_WORDS = {
    "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8, "ninth": 9,
    "tenth": 10, "eleventh": 11, "twelfth": 12,
}  # fmt: skip
_ORDINAL = re.compile(
    r"(?i)\b(?:the|its|their|your|our|my|his|her)\s+(?:(?P<word>"
    + "|".join(_ORDINAL_WORDS)
    + r")|(?P<num>\d{1,3})(?:st|nd|rd|th))\s+(?P<noun>[a-z]+)\b(?!-)"
)
_ORDINAL_HINTS = ("second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth",
                  "eleventh", "twelfth", "st ", "nd ", "rd ", "th ")  # fmt: skip


def _ordinals(text: str) -> list[Quantity]:
    out = []
    for m in _ORDINAL.finditer(text):
        unit = _unit(m.group("noun"), None)
        if not unit or unit in _UNITS or m.group("noun").lower() in ("hand", "half", "quarter", "off", "of"):
            continue  # "the second half", a unit of measure ("the third hour"): not a rank of a thing
        word = m.group("word")
        out.append(Quantity(str(_ORDINAL_WORDS[word.lower()]) if word else m.group("num"), "#" + unit))
    return out


def figures(found: frozenset[Quantity]) -> frozenset[str]:
    """Quantities as words ("#100"), so that a condition's threshold is one of its words."""
    return frozenset(f"#{q.value}" for q in found)


def quantity_conflict(claimed: frozenset[Quantity], stated: frozenset[Quantity]) -> bool:
    """Whether a claimed figure differs from every figure the passage gives in its unit's measure."""
    for q in claimed:
        if q in stated:
            continue
        same_class = [s for s in stated if s.unit_class == q.unit_class and s.unit_class]
        if same_class and not any(equivalent(s, q) for s in same_class):
            return True
    return False


def same_figure(a: Quantity, b: Quantity) -> bool:
    """One value, in one unit or where a side names no measure ("under 12" and "under 12 years")."""
    return equivalent(a, b) or (
        a.value == b.value
        and (a.unit == b.unit or a.unit_class not in _MEASURES or b.unit_class not in _MEASURES)
    )


def _number(q: Quantity) -> float | None:
    try:
        return float(q.value)
    except ValueError:
        return None


def worked_out(
    q: Quantity,
    mine: frozenset[Quantity],
    theirs: frozenset[Quantity] = frozenset(),
    *,
    from_theirs: bool = False,
) -> bool:
    """Whether an amount is worked out from stated figures: a sum or difference of up to two terms, each an
    amount, an amount times a count, or a share of an amount (a percentage or fraction taken, taken off or
    added): "$50: ten lessons would cost $550 and the block $500"; "£153: £180 less 15%"; "£51: £35 for the
    first three and £8 for each of the other two"; "£50, a quarter of the £200". At least one figure (a count,
    a share or an amount) is one the claim states (``mine``: the answer's and its question's figures); the
    amounts may be a passage's (``theirs``), and one must be when ``from_theirs``."""
    if q.unit_class != "money" or (value := _number(q)) is None:
        return False
    pool = theirs if from_theirs else mine | theirs
    amounts = [(x, a in mine) for a in pool if a != q and a.unit == q.unit and (x := _number(a)) is not None]
    if not amounts:
        return False
    numbers = [(b, y) for b in mine if (y := _number(b)) is not None]
    counts = [y for b, y in numbers if b.unit_class not in _MEASURES and y == int(y) and 2 <= y <= 1000]
    # A rate times the periods a stated duration makes ("$56" for four hours at $14 an hour) is a whole
    # figure on its own, never a term of a sum: with durations as counts, sums would hold wrong totals.
    if any(b.unit_class == "time" for b in mine):
        periods = _periods(mine, pool)
        if any(abs(x * n - value) < 0.01 for x, _ in amounts for n in periods):
            return True  # the count is the claim's duration; with from_theirs, the amounts are the passage's
    shares = [y for b, y in numbers if b.unit == "%" and 0 < y < 1000]
    # Terms: (value, whether the claim states one of its figures, whether a passage states its amount)
    terms: list[tuple[float, bool, bool]] = []
    for x, own in amounts:
        theirs_x = not own or from_theirs
        terms.append((x, own, theirs_x))
        terms.extend((x * n, True, theirs_x) for n in counts)
        for p in shares:
            terms.extend((r, True, theirs_x) for r in (x * p / 100, x * (1 - p / 100), x * (1 + p / 100)))

    def close(r: float) -> bool:
        return abs(r - value) < 0.01

    for i, (t, own, passage) in enumerate(terms):
        if own and close(t) and (passage or not from_theirs):
            return True
        for u, own2, passage2 in terms[i + 1 :]:
            if not (own or own2) or (from_theirs and not (passage or passage2)):
                continue
            if close(t + u) or close(t - u) or close(u - t):
                return True
    return False


def _periods(mine: frozenset[Quantity], pool: frozenset[Quantity]) -> list[float]:
    """How many periods a duration the conversation states makes, as counts a rate may be multiplied by:
    "three hours" is 3 (of an hourly rate), and "an hour and a half" is 3 of a rate "per 30 minutes" that a
    stated duration gives."""
    out: list[float] = []
    for b in mine:
        y = _number(b) if b.unit_class == "time" else None
        if y is not None and y == int(y) and 2 <= y <= 1000:
            out.append(y)  # "two months": 2 (months have no fixed length in minutes)
    spans = [(b, m) for b in mine | pool if (m := in_minutes(b)) is not None and m > 0]
    for b, m in spans:
        if b in mine:
            out.extend(m / n for _, n in spans if n < m and m % n == 0 and m / n <= 1000)
    return out


# A list of things, each with its count: "a sofa, two chairs and a table" is 4 things.
_LISTED = re.compile(
    r"(?i)\b(?:an?|one|two|three|four|five|six|seven|eight|nine|ten|\d+)\s+[a-z-]+"
    r"(?:(?:\s*,\s*|\s+and\s+|,\s+and\s+)(?:an?|one|two|three|four|five|six|seven|eight|nine|ten|\d+)\s+[a-z-]+)+"
)
_LIST_ITEM = re.compile(r"(?i)\b(an?|one|two|three|four|five|six|seven|eight|nine|ten|\d+)\s+[a-z-]+")


def listed_counts(text: str) -> frozenset[str]:
    """How many things a list names, counting each item's own number ("a sofa, two chairs and a table": 4)."""
    if " and " not in text and "," not in text:
        return frozenset()
    out = set()
    for m in _LISTED.finditer(text):
        n = 0.0
        for item in _LIST_ITEM.finditer(m.group()):
            word = item.group(1).lower()
            n += int(word) if word.isdigit() else (1 if word in ("a", "an") else NUMBER_WORDS[word])
        out.add(normalise_number(f"{n:g}"))
    return frozenset(out)
