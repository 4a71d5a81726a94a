"""What the policy input carries for a PII-classified field: a digest, never the value.

OPA sees every input (and writes it to its decision logs), so a field the envelope's contract classifies
as `pii` reaches it as `{"sha256", "length", "terms"}`. The validators have already read the raw text in
the engine; Rego decides from their findings. The one rule that matches text itself (a tenant's blocked
topics) matches `terms`: the salted SHA-256 of every run of up to MAX_TERM_WORDS words of the text,
normalised as Rego's `lib.normalized` does (lower case, runs of anything but letters and digits as one
space). The salt is drawn per input, so term hashes cannot be compared across decisions.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Collection, Mapping
from typing import Any

MAX_TERM_WORDS = 4
# Questions are at most 4000 characters (the prompts.requested contract); a longer value is hashed whole
# but its terms are not (Rego then treats a blocked topic as mentioned: fails closed).
MAX_TERM_CHARS = 20000


def normalized_words(text: str) -> list[str]:
    """The words of `text` as Rego's `lib.normalized` splits them (Go's simple lower-case mapping)."""
    chars = []
    for c in text:
        lower = c.lower()
        lower = lower[0] if lower else c  # 'İ'.lower() is two characters; Go maps it to one
        chars.append(lower if lower.isalnum() else " ")
    return "".join(chars).split()


def term_hash(salt: str, term: str) -> str:
    return hashlib.sha256(f"{salt}:{term}".encode()).hexdigest()


def digest(value: Any) -> dict[str, Any]:
    """The digest standing in for one PII value in the policy input."""
    text = value if isinstance(value, str) else json.dumps(value, sort_keys=True, ensure_ascii=False)
    out: dict[str, Any] = {
        "sha256": hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest(),
        "length": len(text),
    }
    if isinstance(value, str):
        salt = secrets.token_hex(8)
        hashes: set[str] = set()
        if len(text) <= MAX_TERM_CHARS:
            words = normalized_words(text)
            for n in range(1, MAX_TERM_WORDS + 1):
                for i in range(len(words) - n + 1):
                    hashes.add(term_hash(salt, " ".join(words[i : i + n])))
        out["terms"] = {
            "salt": salt,
            "max_words": MAX_TERM_WORDS if len(text) <= MAX_TERM_CHARS else 0,
            "hashes": sorted(hashes),
        }
    return out


def hashed_payload(payload: Mapping[str, Any], pii_fields: Collection[str]) -> dict[str, Any]:
    """`payload` with every field in `pii_fields` replaced by its digest."""
    return {k: digest(v) if k in pii_fields and v is not None else v for k, v in payload.items()}
