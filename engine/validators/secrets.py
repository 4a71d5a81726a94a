"""Secrets in text (cloud keys, private keys, tokens, credentials), built on the hub SecretsPresent.

The hub validator (guardrails-ai-secrets-present) scans through a temporary file with freshly
configured detect-secrets settings on every call (about 0.9 ms), reports neither spans nor kinds,
keeps only ``ghp`` of a GitHub token and only the header of a private key. We keep its class and
its detect-secrets plugins but run the plugins in memory on each line, add patterns for what they
miss (key blocks, full GitHub tokens, OpenAI/Google keys, unquoted ``api_key = ...``), and report
exact spans with a kind.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from detect_secrets.core.plugins.util import get_mapping_from_secret_type_to_class
from detect_secrets.filters import heuristic
from detect_secrets.plugins.base import BasePlugin
from detect_secrets.plugins.keyword import DENYLIST
from detect_secrets.settings import get_settings
from guardrails_ai.secrets_present import SecretsPresent

from engine.validators.adapter import GuardrailsCheck, ValidationResult, fail, register_validator

SECRET_MESSAGES = {
    "secrets.private_key": "private key block",
    "secrets.aws_key": "AWS access key or secret key",
    "secrets.github_token": "GitHub token",
    "secrets.slack_token": "Slack token or webhook",
    "secrets.jwt": "JSON Web Token",
    "secrets.password": "password assignment",
    "secrets.api_key": "API key or credential assignment",
    "secrets.generic": "high-entropy secret-like string",
}
# When two detections overlap, the more specific kind names the span.
_PRIORITY = {code: i for i, code in enumerate(SECRET_MESSAGES)}

_KIND_BY_TYPE = {
    "AWS Access Key": "secrets.aws_key",
    "Private Key": "secrets.private_key",
    "GitHub Token": "secrets.github_token",
    "Slack Token": "secrets.slack_token",
    "JSON Web Token": "secrets.jwt",
    "Secret Keyword": "secrets.api_key",
    "Base64 High Entropy String": "secrets.generic",
    "Hex High Entropy String": "secrets.generic",
    "Basic Auth Credentials": "secrets.password",
}
# A public IP address in an answer is not a secret.
_SKIPPED_TYPES = {"Public IP (ipv4)"}
# Plugins whose regexes only fire next to a credential word are skipped on lines without one: on a
# 400-char line of prose they cost ~0.27 ms of the ~0.33 ms all plugins take. Substring tests on the
# lowercased line first, because a case-insensitive alternation search costs ~20 µs by itself.
_CREDENTIAL_WORDS = ("key", "pass", "pwd", "secret", "token", "hmac", "cloudant", "softlayer", "contrase")
_KEYWORD_DENYLIST = re.compile("|".join(DENYLIST))
_GATED_TYPES = {"Secret Keyword", "Cloudant Credentials", "IBM Cloud IAM Key", "IBM COS HMAC Credentials",
                "SoftLayer Credentials"}  # fmt: skip
_VERIFY_FILTER = "detect_secrets.filters.common.is_ignored_due_to_verification_policies"

_KEY_BEGIN = re.compile(r"-----BEGIN ([A-Z0-9]+ )*PRIVATE KEY( BLOCK)?-----")
_KEY_END = re.compile(r"-----END ([A-Z0-9]+ )*PRIVATE KEY( BLOCK)?-----")
_KEY_BODY_LINE = re.compile(r"[ \t]*(?:[A-Za-z0-9+/=]+|[A-Za-z-]+: .*)[ \t]*(?:\r?\n|$)")
_PASSWORD_WORD = re.compile(r"(?i)passw|pwd|contrase|basic auth")

# Between a credential word and its value in prose: a few words of the same sentence ("on the ward",
# "for the claims team"), then the verb or sign that gives the value.
_BETWEEN = r"(?:[ \t]+(?!(?:is|was|are|were)\b)[\w'-]+){0,6}?"
_SAYS = (
    r"\s*(?:\b(?:(?:is|was|are|were|has\s+been|have\s+been)(?:\s+now)?(?:\s+(?:set|changed|reset|updated)\s+to)?|"
    r"reads|remains|(?:set|changed|reset|updated)\s+to|now)\b|:|=)\s*"
)

# (code, literals one of which the match must contain, pattern, group): the literal test skips the
# regex on ordinary text.
_OWN_PATTERNS: tuple[tuple[str, tuple[str, ...], re.Pattern[str], int], ...] = (
    (
        "secrets.aws_key",
        ("AKIA", "ASIA", "ABIA", "ACCA"),
        re.compile(r"(?<![A-Z0-9])(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Z0-9])"),
        0,
    ),
    (
        "secrets.aws_key",
        ("aws", "AWS", "Aws"),
        re.compile(
            r"(?i)aws[\w.-]{0,20}?(?:secret|key)[\w.-]{0,20}?[\"']?\s*[=:]\s*[\"']?([A-Za-z0-9/+=]{40})(?![\w/+=])"
        ),
        1,
    ),
    # The same in prose: "the AWS secret key is X", "use the AWS secret access key X".
    (
        "secrets.aws_key",
        ("aws", "AWS", "Aws"),
        re.compile(
            r"(?i)\baws(?:[ \t]+[\w-]+){0,3}?[ \t]+(?:secret|key)(?:[ \t]+(?:access[ \t]+)?key)?"
            r"[ \t]+(?:is[ \t]+)?[\"'`]?([A-Za-z0-9/+=]{40})(?![\w/+=])"
        ),
        1,
    ),
    (
        "secrets.github_token",
        ("gh", "github_pat_"),
        re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_\w{22,255})\b"),
        0,
    ),
    ("secrets.slack_token", ("xox",), re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}"), 0),
    (
        "secrets.slack_token",
        ("hooks.slack.com",),
        re.compile(r"https://hooks\.slack\.com/services/T[A-Z0-9]+/B[A-Z0-9]+/[A-Za-z0-9]+"),
        0,
    ),
    ("secrets.jwt", ("eyJ",), re.compile(r"\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*"), 0),
    ("secrets.api_key", ("sk-",), re.compile(r"\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}"), 0),
    ("secrets.api_key", ("k_live_", "k_test_"), re.compile(r"\b[sr]k_(?:live|test)_[A-Za-z0-9]{16,}"), 0),
    ("secrets.api_key", ("AIza",), re.compile(r"\bAIza[0-9A-Za-z_-]{35}(?![\w-])"), 0),
    # HTTP bearer tokens and basic credentials, whatever issued them.
    (
        "secrets.api_key",
        ("earer", "EARER", "asic ", "ASIC "),
        re.compile(r"(?i)\b(?:bearer|basic)\s+([A-Za-z0-9._~+/-]{16,}=*)"),
        1,
    ),
    # user:password@host in a URL (detect-secrets' BasicAuth keeps only the password).
    ("secrets.password", ("://",), re.compile(r"\b[a-z][a-z0-9+.-]*://[^\s:/@]+:([^\s@/]{3,})@[\w.-]+"), 1),
    ("secrets.api_key", ("npm_",), re.compile(r"\bnpm_[A-Za-z0-9]{36}\b"), 0),
    ("secrets.api_key", ("key-",), re.compile(r"\bkey-[0-9a-z]{32}\b"), 0),  # Mailgun
    ("secrets.api_key", ("hf_",), re.compile(r"\bhf_[A-Za-z0-9]{30,}\b"), 0),  # Hugging Face
    ("secrets.api_key", ("SG.",), re.compile(r"\bSG\.[\w-]{22}\.[\w-]{43}\b"), 0),  # SendGrid
    ("secrets.api_key", ("dop_v1_", "doo_v1_"), re.compile(r"\bdo[po]_v1_[a-f0-9]{64}\b"), 0),
    ("secrets.api_key", ("sk_", "pk_", "rk_"), re.compile(r"\b(?:sk|rk)_live_[A-Za-z0-9]{16,}\b"), 0),
    # "the password is X" / "password: X" in prose, when X looks like a password (digits or symbols), with
    # words between ("the Wi-Fi password on the third floor is X", "my password for the portal was X").
    (
        "secrets.password",
        ("passw", "Passw", "PASSW", "passcode", "Passcode", "passphrase", "Passphrase"),
        re.compile(
            rf"(?i)\b(?:password|passwd|passcode|passphrase){_BETWEEN}{_SAYS}[\"'`]?"
            r"((?=[^\s\"'`]{6,})(?=[^\s\"'`]*[\d!#$%&*?@^~])[^\s\"'`]*[^\s\"'`.,;:)])"
        ),
        1,
    ),
    # A PIN or a door, alarm, access or security code stated in prose ("the PIN is 4821").
    (
        "secrets.password",
        ("PIN", "code", "Code", "CODE"),
        re.compile(
            r"(?:\bPIN(?:\s+(?i:code|number))?|(?i:\b(?:pin|door|alarm|access|security|entry|gate|safe|"
            rf"lock|key\s*pad|keypad|unlock)\s+(?:code|number)|\bpasscode)){_BETWEEN}{_SAYS}[\"'`]?(\d{{4,8}})(?!\d)"
        ),
        1,
    ),
)
# `name = value` / `name: value`, quoted or not, where the name says it holds a credential. The name's
# affixes are bounded: unbounded ones make a long word cost quadratic time.
_ASSIGNMENT = re.compile(
    r"(?i)\b([\w.-]{0,40}?(?:api[_-]?key|apikey|access[_-]?key|secret|token|passw(?:or)?d|pwd)[\w.-]{0,40})[\"']?"
    r"[ \t]*(?:=|:|=>)[ \t]*[\"']?([^\s\"'`,;]{8,})"
)
_PLACEHOLDER = re.compile(
    r"(?i)^(?:<.*>|\$\{.*\}|\{\{.*\}\}|\$[A-Z_]+|x+|\*+|\.+|your[_-].*|my[_-].*|example.*|changeme|"
    r"redacted|\[redacted\]|none|null|true|false|undefined|required|optional|string)$"
)


def _gate(secret_type: str) -> str:
    if secret_type == "Secret Keyword":
        return "keyword"
    return "credential" if secret_type in _GATED_TYPES else ""


def _plugins() -> list[tuple[BasePlugin, str]]:
    # Verification calls vendors' APIs over the network; Governor never does.
    get_settings().disable_filters(_VERIFY_FILTER)
    mapping: Mapping[str, type[BasePlugin]] = get_mapping_from_secret_type_to_class()
    return [
        (cls(), _gate(secret_type))
        for secret_type, cls in mapping.items()
        if secret_type not in _SKIPPED_TYPES
    ]


def _has_credential_word(text: str) -> bool:
    low = text.lower()
    return any(word in low for word in _CREDENTIAL_WORDS)


def _lines(text: str) -> Iterator[tuple[int, str]]:
    offset = 0
    for line in text.splitlines(keepends=True):
        yield offset, line.rstrip("\r\n")
        offset += len(line)


def _likely_false(secret: str, line: str, plugin: BasePlugin) -> bool:
    return bool(
        heuristic.is_sequential_string(secret)
        or heuristic.is_potential_uuid(secret)
        or heuristic.is_likely_id_string(secret, line, plugin)
        or heuristic.is_templated_secret(secret)
        or heuristic.is_prefixed_with_dollar_sign(secret)
        or heuristic.is_not_alphanumeric_string(secret)
    )


def _plausible_value(value: str) -> bool:
    if _PLACEHOLDER.match(value):
        return False
    has_digit = any(ch.isdigit() for ch in value)
    mixed_case = any(ch.islower() for ch in value) and any(ch.isupper() for ch in value)
    return has_digit or (mixed_case and len(value) >= 16)


class SecretScanner:
    """detect-secrets plugins plus Governor's patterns, run in memory; no state is kept between calls."""

    def __init__(self) -> None:
        self._plugins = _plugins()

    def find(self, text: str) -> list[tuple[str, int, int]]:
        """All secrets as ``(code, start, end)``; overlapping detections resolved by kind priority."""
        candidates = list(self._own(text)) + list(self._detect_secrets(text))
        return _resolve(candidates)

    def _own(self, text: str) -> Iterator[tuple[str, int, int]]:
        yield from _private_keys(text)
        for code, literals, pattern, group in _OWN_PATTERNS:
            if any(lit in text for lit in literals):
                for m in pattern.finditer(text):
                    yield code, m.start(group), m.end(group)
        if not _has_credential_word(text):
            return
        for m in _ASSIGNMENT.finditer(text):
            if _plausible_value(m.group(2)):
                code = "secrets.password" if _PASSWORD_WORD.search(m.group(1)) else "secrets.api_key"
                yield code, m.start(2), m.end(2)

    def _detect_secrets(self, text: str) -> Iterator[tuple[str, int, int]]:
        for offset, line in _lines(text):
            if not line.strip():
                continue
            credential = _has_credential_word(line)
            open_gates = {"", "credential"} if credential else {""}
            if credential and _KEYWORD_DENYLIST.search(line.lower()):
                open_gates.add("keyword")
            for plugin, gate in self._plugins:
                if gate not in open_gates:
                    continue
                for found in plugin.analyze_line(filename="answer.txt", line=line, line_number=1):
                    value = found.secret_value or ""
                    if not value or _likely_false(value, line, plugin):
                        continue
                    if found.type == "Secret Keyword" and heuristic.is_indirect_reference(line):
                        continue
                    code = _KIND_BY_TYPE.get(found.type, "secrets.api_key")
                    if code == "secrets.api_key" and _PASSWORD_WORD.search(line[: line.find(value)]):
                        code = "secrets.password"
                    for m in re.finditer(re.escape(value), line):
                        yield code, offset + m.start(), offset + m.end()


def _private_keys(text: str) -> Iterator[tuple[str, int, int]]:
    for begin in _KEY_BEGIN.finditer(text):
        end = _KEY_END.search(text, begin.end())
        if end is not None and not _KEY_BEGIN.search(text, begin.end(), end.start()):
            yield "secrets.private_key", begin.start(), end.end()
            continue
        # Truncated block: the body is the run of base64 (or header) lines after BEGIN.
        pos = begin.end()
        if text.startswith("\n", pos) or text.startswith("\r\n", pos):
            pos = text.index("\n", pos) + 1
            while pos < len(text) and (m := _KEY_BODY_LINE.match(text, pos)) and m.end() > pos:
                pos = m.end()
        yield "secrets.private_key", begin.start(), len(text[:pos].rstrip())


def _resolve(candidates: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    accepted: list[list[Any]] = []
    for code, start, end in sorted(candidates, key=lambda c: (_PRIORITY[c[0]], c[1] - c[2])):
        clash = [a for a in accepted if start < a[2] and a[1] < end]
        if not clash:
            accepted.append([code, start, end])
        elif all(a[0] == code for a in clash):
            # Same kind seen twice (pattern and plugin): one span covering both.
            for a in clash:
                a[1], a[2] = min(a[1], start), max(a[2], end)
    return sorted(((a[0], a[1], a[2]) for a in accepted), key=lambda f: (f[1], f[2]))


@register_validator(name="governor/secrets_present", data_type="string")
class SecretsDetector(SecretsPresent):  # type: ignore[misc]
    """The hub SecretsPresent with in-memory scanning, kinds and exact error spans (reason = code)."""

    def __init__(self, on_fail: Any = None, **kwargs: Any) -> None:
        super().__init__(on_fail, **kwargs)
        self._scanner = SecretScanner()

    def validate(self, value: Any, metadata: dict[str, Any]) -> ValidationResult:
        text = str(value)
        found = self._scanner.find(text)
        result = fail(found, "text contains secrets")
        if found:
            # Same fix as the hub validator: the secret replaced by its mask.
            fixed, last = [], 0
            for _, start, end in found:
                fixed += [text[last:start], self.mask]
                last = end
            result.fix_value = "".join(fixed) + text[last:]
        return result


def secrets_validator() -> GuardrailsCheck:
    """The ``secrets`` validator: codes secrets.<kind> (aws_key, private_key, github_token, ...)."""
    return GuardrailsCheck(
        "secrets", SecretsDetector(on_fail="noop"), messages=SECRET_MESSAGES, default_code="secrets.generic"
    )
