"""Shared helpers of the labelled-set generators: contexts from demo/corpus or inline passages, one case."""

from __future__ import annotations

import base64
import codecs
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
