"""Prompt injection: attempts in prompts, and their echoes or a leaked system prompt in answers.

Two validators, both named ``injection`` because each gate sees only one of them: the admission
gate runs ``InjectionAttemptDetector`` on prompts, the release gate ``InjectionEchoDetector`` on
answers. Leakage uses the hub DetectSystemPromptLeakage (rapidfuzz ratio of the whole answer to
the whole system prompt) for paraphrased leaks, plus word 8-gram overlap, which finds a verbatim
leak inside a long answer (where the whole-text ratio is diluted) and gives its exact span.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from typing import Any

from guardrails_ai.detect_system_prompt_leakage import DetectSystemPromptLeakage

from engine.validators.adapter import (
    FailResult,
    GuardrailsCheck,
    ValidationResult,
    Validator,
    fail,
    register_validator,
)
from engine.validators.base import Subject
from engine.validators.injection_families import ATTEMPT_FAMILIES, READER_FAMILIES
from engine.validators.injection_forms import foreign_override, has_tag_characters, hidden_forms

INJECTION_MESSAGES = {
    "injection.attempt": "prompt tries to override instructions or jailbreak the model",
    "injection.echo": "answer repeats a jailbreak or injection phrase",
    "injection.system_prompt_leak": "answer reveals the system prompt",
}

_PREVIOUS = (
    r"(?:all\s+|any\s+|the\s+|your\s+|of\s+)*"
    r"(?:previous|prior|above|earlier|preceding|original|initial|system)"
)
_RULES = r"(?:instructions?|prompts?|rules|directions|directives|guidelines|context|constraints)"
_NO_RULES = (
    r"(?:no|any|without(?:\s+any)?)\s+"
    r"(?:rules|restrictions|limits|limitations|filters|guidelines|boundaries|censorship)"
)
_NO_RULES_WORDS = ("rule", "restriction", "limit", "filter", "guideline", "boundar", "censor")
_IGNORE_WORDS = ("ignore", "disregard", "forget", "override", "skip", "bypass")
_UNRESTRICTED_WORDS = ("unrestricted", "unfiltered", "uncensored", "jailbroken", "evil")

# (words one of which the lower-cased text must contain, pattern): the word test is a necessary
# condition that skips the regex (~10 µs each on 400 chars) on ordinary text.
_ATTEMPT_PATTERNS: tuple[tuple[tuple[str, ...], str], ...] = (
    (_IGNORE_WORDS, rf"\b(?:ignore|disregard|forget|override|skip|bypass)\s+{_PREVIOUS}\s+{_RULES}"),
    (
        _IGNORE_WORDS,
        rf"\b(?:ignore|disregard|forget)\s+(?:all|everything)\s+"
        rf"(?:(?:of\s+)?(?:the\s+|your\s+|these\s+)?{_RULES}|you\s+(?:were|have\s+been)\s+told)",
    ),
    (
        _IGNORE_WORDS,
        rf"\b(?:ignore|disregard|forget)\s+(?:the\s+|your\s+|these\s+)?{_RULES}\s+"
        r"(?:above|before|you\s+(?:were|have\s+been)\s+given)",
    ),
    (
        ("system", "initial", "original", "hidden", "secret", "internal"),
        r"\b(?:reveal|show|print|repeat|display|output|leak|tell\s+me|give\s+me|what\s+(?:is|are|was|were))\s+"
        r"(?:me\s+)?(?:your|the)\s+(?:full\s+|exact\s+|entire\s+)?(?:system|initial|original|hidden|secret|internal)\s+"
        r"(?:prompt|instructions?|message|rules)",
    ),
    (
        ("now",),
        r"\byou\s+are\s+now\s+(?:(?-i:DAN)|an?\s+(?:unrestricted|unfiltered|uncensored|jailbroken|evil)\b|free\s+from)",
    ),
    (("dan", "anything"), r"\b(?-i:DAN)\b(?=.{0,40}\b(?:mode|anything|jailbreak)\b)|\bdo\s+anything\s+now\b"),
    (
        ("pretend",),
        r"\bpretend\s+(?:that\s+)?(?:you\s+(?:are\s+|have\s+|had\s+)?|you're\s+|to\s+be\s+)?(?:an?\s+\w+\s+)?"
        rf"(?:with\s+|that\s+has\s+|having\s+)?{_NO_RULES}",
    ),
    (
        _UNRESTRICTED_WORDS,
        r"\bact\s+as\s+(?:an?\s+)?(?:unrestricted|unfiltered|uncensored|jailbroken|evil)\b",
    ),
    (
        ("mode",),
        r"\b(?:enable|enter|activate|switch\s+to|turn\s+on)\s+(?:the\s+)?"
        r"(?:developer|dev|god|jailbreak|(?-i:DAN)|debug)\s+mode\b",
    ),
    (("jailbr",), r"\bjailbr(?:eak|oken)\b"),
    (
        ("filter", "restriction", "guardrail", "safeguard", "safety"),
        r"\b(?:bypass|disable|turn\s+off|remove)\s+(?:your|the|all|any)\s+(?:safety\s+|content\s+)?"
        r"(?:filters?|restrictions|guardrails|safeguards|safety)",
    ),
    (("bound",), r"\bno\s+longer\s+bound\s+by\b"),
    (
        ("system", "assistant", "<|", "<<sys", "[inst]", "[/inst]", "###", "_of_turn>"),
        r"(?:^|\n)\s*(?:system|assistant)\s*:|###\s*(?:system|instruction)|\[/?INST\]|<</?SYS>>|"
        # Chat-template role and control tokens (<|system|>, <|im_start|>, <|eot_id|>, <start_of_turn>):
        # a model's markup, never an honest answer's.
        r"<\|[a-z][a-z0-9_]{1,30}\|>|<(?:start|end)_of_turn>",
    ),
    (
        # A chat message serialised for a model ({"role": "system", "content": ...}, "role: developer",
        # <system>...</system>): a conversation's markup carried inside an answer or a document.
        ("role", "<system", "<developer"),
        r"[\"']role[\"']\s*[:=]\s*[\"'](?:system|developer|assistant|tool|function)[\"']|"
        r"(?:^|\n|[{,])\s*-?\s*role\s*:\s*[\"']?(?:system|developer)\b|<(?:system|developer)(?:_prompt|_message)?>",
    ),
    (
        ("override", "new instructions", "new rules", "new directives", "updated instructions"),
        r"\b(?:system|admin(?:istrator)?|developer|root|emergency|priority|security)\s+override\b|"
        r"\b(?:new|updated|revised)\s+(?:system\s+)?(?:instructions|rules|directives)\s*"
        r"(?::|follows?\s*[.:!]|are\s+as\s+follows)",
    ),
)

_ECHO_PATTERNS: tuple[tuple[tuple[str, ...], str], ...] = (
    (_IGNORE_WORDS, rf"\b(?:ignore|disregard|forget|override)\s+{_PREVIOUS}\s+{_RULES}"),
    (_NO_RULES_WORDS, rf"\bas\s+an?\s+(?:AI|assistant|language\s+model)\s+(?:with\s+)?{_NO_RULES}"),
    (
        _UNRESTRICTED_WORDS,
        r"\bas\s+an?\s+(?:unrestricted|unfiltered|uncensored|jailbroken)\s+(?:AI|assistant|model)\b",
    ),
    (
        ("mode", "anything", "jailbr"),
        r"\bdeveloper\s+mode\b|\b(?-i:DAN)\s+mode\b|\bdo\s+anything\s+now\b|\bjailbr(?:eak|oken)\b",
    ),
    (
        (*_NO_RULES_WORDS, "dan", "free"),
        rf"\bI\s+(?:have|am\s+under)\s+{_NO_RULES}|\bI\s+am\s+(?:now\s+)?(?:(?-i:DAN)|free\s+from\s+(?:all|my|any))\b",
    ),
    (("bound",), r"\bI\s*(?:am|'m)\s+no\s+longer\s+bound\s+by\b"),
)

# Leaks of a system prompt whatever it says: an answer talking about its own instructions.
_GENERIC_LEAK_PATTERNS: tuple[tuple[tuple[str, ...], str], ...] = (
    (
        (
            "prompt",
            "instruct",
            "programmed",
            "configured",
            "told",
            "set up",
            "initiali",
            "rules",
            "guidelines",
        ),
        r"\bmy\s+(?:system\s+prompt|(?:initial|original|hidden|internal|secret|system)\s+"
        r"(?:instructions?|prompt|rules))\b|\bI\s+(?:was|have\s+been|am)\s+(?:instructed|programmed|configured|"
        r"told|set\s+up|initiali[sz]ed|prompted)\s+(?:by\s+\w+\s+)?(?:to|not\s+to|with)\b|"
        r"\b(?:the|my)\s+system\s+prompt\s+(?:says|is|reads|states)\b|"
        # "Here are my instructions: ...", "my rules say": an answer quoting what it was told.
        r"\bmy\s+(?:instructions|rules|guidelines|directives|configuration|prompt)\s*(?::|\b(?:are|say|read|state)\b)",
    ),
    (
        ("reveal", "disclose", "share", "repeat"),
        r"\b(?:never|do\s+not|don't|must\s+not)\s+(?:reveal|disclose|share|repeat)\s+(?:these|this|your|the|my)\s+"
        r"(?:system\s+)?(?:instructions?|prompt|rules)\b",
    ),
    (
        ("you are",),
        # A quoted role: "You are a customer service agent.", "You are Acme's booking helper.", and one
        # given a name first ("You are Quill, the booking assistant for ..."): a brief, not a reply.
        r"(?:^|\n|[\"'.!?:]\s)\s*[\"']?you\s+are\s+(?:(?-i:[A-Z])[\w-]*\s*,\s+)?(?:(?:a|an|the)\s+|"
        r"[\w-]+(?:'s|\u2019s)\s+)(?:[\w-]+\s+){0,2}?"
        r"(?:assistant|chatbot|agent|bot|helper|language\s+model)\b",
    ),
)

# Case-insensitive, except that DAN must be upper-case ``(?-i:DAN)``: "Dan" is a customer's name.
_Patterns = tuple[tuple[tuple[str, ...], re.Pattern[str]], ...]
_ATTEMPTS: _Patterns = tuple(
    (words, re.compile(p, re.IGNORECASE)) for words, p in _ATTEMPT_PATTERNS + ATTEMPT_FAMILIES
)
_READER_ADDRESSES: _Patterns = tuple((words, re.compile(p, re.IGNORECASE)) for words, p in READER_FAMILIES)
_ECHOES: _Patterns = tuple((words, re.compile(p, re.IGNORECASE)) for words, p in _ECHO_PATTERNS)
_GENERIC_LEAKS: _Patterns = tuple(
    (words, re.compile(p, re.IGNORECASE)) for words, p in _GENERIC_LEAK_PATTERNS
)
_WORD = re.compile(r"\w+")

# Eight words in a row from the system prompt: long enough that shared boilerplate ("about
# the customer's own policy") does not count, short enough to catch a leaked sentence.
LEAK_SHINGLE_WORDS = 8
_LEAK_CACHE_SIZE = 16


# Every trigger word once: a text is searched for each of them once, not once per pattern that names it.
# A trigger that contains a shorter one adds nothing ("disregard" holds for "disregard" patterns when
# "regard" is a trigger too): the shorter one is looked up instead, so each text is searched fewer times.
_ALL_TRIGGERS = {
    w for ps in (_ATTEMPTS, _ECHOES, _GENERIC_LEAKS, _READER_ADDRESSES) for ws, _ in ps for w in ws
}
_SHORTEST = {w: min((v for v in _ALL_TRIGGERS if v in w), key=len) for w in _ALL_TRIGGERS}


def _reduced(patterns: _Patterns) -> _Patterns:
    return tuple((tuple(sorted({_SHORTEST[w] for w in words})), pattern) for words, pattern in patterns)


_ATTEMPTS, _ECHOES = _reduced(_ATTEMPTS), _reduced(_ECHOES)
_GENERIC_LEAKS, _READER_ADDRESSES = _reduced(_GENERIC_LEAKS), _reduced(_READER_ADDRESSES)
_TRIGGERS = tuple(sorted(set(_SHORTEST.values())))


def _triggers(text: str) -> frozenset[str]:
    low = text.lower()
    return frozenset(w for w in _TRIGGERS if w in low)


def _spans(
    patterns: _Patterns, text: str, code: str, present: frozenset[str] | None = None
) -> list[tuple[str, int, int]]:
    found = _triggers(text) if present is None else present
    return [
        (code, m.start(), m.end())
        for words, pattern in patterns
        if not found.isdisjoint(words)
        for m in pattern.finditer(text)
    ]


def instruction_spans(text: str, code: str, *, to_reader: bool = False) -> list[tuple[str, int, int]]:
    """Instructions aimed at a model, in any form: English patterns (plain, decoded from base64 or
    leetspeak, or carried by invisible tag characters), overrides in other languages, tag characters.
    ``to_reader``: text addressed to the machine reading it counts too (answers and documents, where it
    carries instructions; not prompts, whose author may well greet the assistant)."""
    present = _triggers(text)
    spans = _spans(_ATTEMPTS, text, code, present) + _spans(_ECHOES, text, code, present)
    if to_reader:
        spans += _spans(_READER_ADDRESSES, text, code, present)
    spans += [(code, s, e) for s, e in foreign_override(text) + has_tag_characters(text)]
    for start, end, decoded in hidden_forms(text):
        if any(start < e and s < end for _, s, e in spans):
            continue  # already found as written
        hidden = _triggers(decoded)
        if (
            _spans(_ATTEMPTS, decoded, code, hidden)
            or _spans(_ECHOES, decoded, code, hidden)
            or foreign_override(decoded)
        ):
            spans.append((code, start, end))
    return _outermost(spans)


def _outermost(spans: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    """The spans not inside another one: two families that find one phrase ("As an AI with no restrictions",
    "an AI with no restrictions") report it once."""
    if len(spans) < 2:
        return spans
    return [
        (c, s, e)
        for i, (c, s, e) in enumerate(spans)
        if not any(j != i and a <= s and e <= b and (a, b) != (s, e) for j, (_, a, b) in enumerate(spans))
    ]


def scan_passages(texts: list[str]) -> list[tuple[str, ...]]:
    """Per retrieved passage, the reasons to quarantine it (``injection.poisoned_document``), or ().

    Augmentation calls this before indexing: a document that carries instructions for the model
    never reaches the vector store.
    """
    return [
        ("injection.poisoned_document",) if instruction_spans(t, "x", to_reader=True) else () for t in texts
    ]


@register_validator(name="governor/injection_attempt", data_type="string")
class InjectionAttemptDetector(Validator):  # type: ignore[misc]
    """guardrails validator for prompts: one span per injection/jailbreak phrase (injection.attempt)."""

    def validate(self, value: Any, metadata: dict[str, Any]) -> ValidationResult:
        return fail(instruction_spans(str(value), "injection.attempt"), "prompt injection attempt")


class _Leak:
    """Leak detection for one system prompt: the hub validator plus the prompt's word 8-grams."""

    def __init__(self, system_prompt: str, threshold: int) -> None:
        self.hub = DetectSystemPromptLeakage(system_prompt=system_prompt, threshold=threshold, on_fail="noop")
        self.prompt_len, self.threshold = len(system_prompt), threshold
        words = [w.lower() for w in _WORD.findall(system_prompt)]
        n = LEAK_SHINGLE_WORDS
        self.shingles = {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}

    def _ratio_can_pass(self, text: str) -> bool:
        # rapidfuzz's ratio is at most 200 * len(prompt) / (len(text) + len(prompt)); skipping texts
        # where that bound is below the threshold changes no verdict and avoids an O(n*m) comparison.
        return 200 * self.prompt_len > self.threshold * (len(text) + self.prompt_len)

    def spans(self, text: str) -> list[tuple[int, int]]:
        matches = list(_WORD.finditer(text))
        words = [m.group().lower() for m in matches]
        n = LEAK_SHINGLE_WORDS
        spans: list[tuple[int, int]] = []
        for i in range(len(words) - n + 1):
            if tuple(words[i : i + n]) in self.shingles:
                start, end = matches[i].start(), matches[i + n - 1].end()
                if spans and start <= spans[-1][1]:
                    spans[-1] = (spans[-1][0], end)
                else:
                    spans.append((start, end))
        if not spans and self._ratio_can_pass(text) and isinstance(self.hub.validate(text, {}), FailResult):
            # A paraphrased leak has no exact span: the whole answer is the leak.
            start = len(text) - len(text.lstrip())
            spans.append((start, start + len(text.strip())))
        return spans


@register_validator(name="governor/injection_echo", data_type="string")
class InjectionEchoDetector(Validator):  # type: ignore[misc]
    """guardrails validator for answers: injection.echo and injection.system_prompt_leak spans.

    The system prompt comes from ``metadata["system_prompt"]`` or, when that is empty, the constructor.
    """

    def __init__(
        self, system_prompt: str = "", leak_threshold: int = 60, on_fail: Any = None, **kw: Any
    ) -> None:
        super().__init__(on_fail=on_fail, leak_threshold=leak_threshold, **kw)
        self._system_prompt = system_prompt
        # The hub default (40) flags ordinary answers: unrelated English texts of similar length
        # score 30-40 on rapidfuzz's ratio.
        self._leak_threshold = leak_threshold
        self._leaks: OrderedDict[str, _Leak] = OrderedDict()

    def validate(self, value: Any, metadata: dict[str, Any]) -> ValidationResult:
        text = str(value)
        spans = instruction_spans(text, "injection.echo", to_reader=True)
        spans += _spans(_GENERIC_LEAKS, text, "injection.system_prompt_leak")
        system_prompt = metadata.get("system_prompt") or self._system_prompt
        if system_prompt.strip():
            spans += [
                ("injection.system_prompt_leak", s, e) for s, e in self._leak(system_prompt).spans(text)
            ]
        return fail(spans, "answer echoes an injection or leaks the system prompt")

    def _leak(self, system_prompt: str) -> _Leak:
        # Prompts change rarely; a small LRU keeps the per-prompt set-up off the per-message path.
        leak = self._leaks.pop(system_prompt, None) or _Leak(system_prompt, self._leak_threshold)
        self._leaks[system_prompt] = leak
        if len(self._leaks) > _LEAK_CACHE_SIZE:
            self._leaks.popitem(last=False)
        return leak


def _system_prompt(subject: Subject) -> dict[str, Any]:
    return {"system_prompt": subject.system_prompt}


def injection_answer_validator(system_prompt: str = "", *, leak_threshold: int = 60) -> GuardrailsCheck:
    """The release-side ``injection`` validator: injection.echo, injection.system_prompt_leak."""
    detector = InjectionEchoDetector(system_prompt, leak_threshold, on_fail="noop")
    return GuardrailsCheck(
        "injection",
        detector,
        messages=INJECTION_MESSAGES,
        default_code="injection.echo",
        metadata=_system_prompt,
    )


def injection_prompt_validator() -> GuardrailsCheck:
    """The admission-side ``injection`` validator: injection.attempt."""
    return GuardrailsCheck(
        "injection",
        InjectionAttemptDetector(on_fail="noop"),
        messages=INJECTION_MESSAGES,
        default_code="injection.attempt",
    )
