"""Shared helpers of the labelled-set generators: contexts from demo/corpus or inline passages, one case."""

from __future__ import annotations

import base64
import codecs
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "demo" / "corpus"


def passages(doc: str) -> list[dict[str, str]]:
    """A demo corpus document split by section, as the retriever would return it."""
    text = (CORPUS / doc).read_text()
    parts = [p.strip() for p in text.split("\n## ") if p.strip()]
    return [{"id": f"{doc}#{i}", "text": p} for i, p in enumerate(parts)]


def inline(name: str, text: str) -> list[dict[str, str]]:
    """A document of another domain, written in the set itself, split by paragraph."""
    parts = [p.strip() for p in text.strip().split("\n\n") if p.strip()]
    return [{"id": f"{name}#{i}", "text": p} for i, p in enumerate(parts)]


def case(
    cid: str,
    context: list[dict[str, str]],
    q: str,
    a: str,
    label: str,
    kind: str = "",
    forbidden: tuple[str, ...] | list[str] = (),
    tenant: str = "default",
    **extra: Any,
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": cid,
        "tenant": tenant,
        "question": q,
        "answer": a,
        "context": context,
        "label": label,
    }
    if kind:
        out["kind"] = kind
    if forbidden:
        out["forbidden"] = list(forbidden)
    out.update(extra)
    return out


def labelled(
    prefix: str,
    approve: Sequence[tuple[Any, ...]],
    contradict: Sequence[tuple[Any, ...]],
    off_question: Sequence[tuple[Any, ...]],
) -> list[dict[str, Any]]:
    """A split's written cases, numbered per group: correct answers (a trailing style note is only for the
    reader), contradictions with their sub-kind, and true answers to another question."""
    out = [case(f"{prefix}-ok-{n}", ctx, q, a, "approve") for n, (ctx, q, a, *_) in enumerate(approve, 1)]
    out += [
        case(f"{prefix}-con-{n}", ctx, q, a, "stop", "contradiction", contradiction=sub)
        for n, (ctx, q, a, sub) in enumerate(contradict, 1)
    ]
    out += [
        case(f"{prefix}-off-{n}", ctx, q, a, "stop", "off_question")
        for n, (ctx, q, a) in enumerate(off_question, 1)
    ]
    return out


def injected(prefix: str, rows: Sequence[tuple[Any, ...]]) -> list[dict[str, Any]]:
    """Answers echoing an instruction aimed at the model: (context, question, answer, form)."""
    return [
        case(f"{prefix}-inj-{n}", ctx, q, a, "stop", "injection", form=form)
        for n, (ctx, q, a, form) in enumerate(rows, 1)
    ]


def sensitive_cases(prefix: str, rows: Sequence[tuple[Any, ...]]) -> list[dict[str, Any]]:
    """Answers holding a value that must never be released: (kind, type, context, question, value,
    template with {v}); numbered per value type."""
    out = []
    counts: dict[str, int] = {}
    for kind, typ, ctx, q, value, template in rows:
        counts[typ] = counts.get(typ, 0) + 1
        out.append(
            case(
                f"{prefix}-{kind}-{typ}-{counts[typ]}",
                ctx,
                q,
                template.format(v=value),
                "stop_or_redact",
                kind,
                [value],
                value_type=typ,
            )
        )
    return out


# Encodings an injected instruction hides in (applied to a payload written in plain English).
def b64(s: str) -> str:
    return base64.b64encode(s.encode()).decode()


def rot13(s: str) -> str:
    return codecs.encode(s, "rot13")


def leet(s: str) -> str:
    return s.translate(str.maketrans({"a": "4", "e": "3", "i": "1", "o": "0", "s": "5", "t": "7"}))


def homoglyph(s: str) -> str:
    # Cyrillic letters that look like Latin ones.
    return s.translate(
        str.maketrans(
            {"a": "\u0430", "e": "\u0435", "o": "\u043e", "i": "\u0456", "c": "\u0441", "p": "\u0440"}
        )
    )


def zero_width(s: str) -> str:
    return "\u200b".join(s)


def tags(s: str) -> str:
    return "".join(chr(0xE0000 + ord(c)) for c in s)


def fullwidth(s: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else "\u3000" if c == " " else c for c in s)


def spaced(s: str) -> str:
    return " ".join(s.replace(" ", "  ")).replace("     ", "   ")


def write(path: Path, cases: list[dict[str, Any]]) -> None:
    import json

    ids = [c["id"] for c in cases]
    assert len(ids) == len(set(ids)), "duplicate case id"
    with path.open("w", encoding="utf-8") as out:
        for c in cases:
            out.write(json.dumps(c, ensure_ascii=False) + "\n")
