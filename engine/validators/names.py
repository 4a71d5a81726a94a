"""The names a context uses and its headings: words that hold for every passage, not for one sentence."""

from __future__ import annotations

import re
from functools import lru_cache

from engine.validators.claims import content_word

# Capitalised words inside a sentence, or two or more in a row anywhere, are a name (the organisation,
# a product, a page of the app).
_CAPITALISED = re.compile(r"(?<![\w'\u2019])[A-Z][a-z]+(?:[ \t]+[A-Z][a-z]+)*\b")
_SENTENCE_OPENERS = ".!?:;\"'(\u201c\u2018#*-"
_LIST_ITEM = re.compile(r"^(?:[-*\u2022]|\d+[.)])\s")
_LOWER_WORD = re.compile(r"(?<![\w'\u2019-])[a-z]{4,}\b")


def is_heading(line: str) -> bool:
    """A line that names a document or section rather than stating a fact: no closing punctuation and not
    a list item ("Kestrel Car Hire rental agreement", "# Storm cover"; not "- 1 year: 25%")."""
    line = line.strip()
    return bool(line) and not line.endswith((".", "!", "?", ":", ";")) and not _LIST_ITEM.match(line)


@lru_cache(maxsize=4096)
def context_names(passage: str) -> frozenset[str]:
    """Content words the passage writes as names: capitalised inside its sentences, or two or more in a
    row; and the names of its headings (``title_names``).

    The organisation a passage calls "we", and its products, are named somewhere in what was
    retrieved (often only in the document's title); a claim that names them where its passage says
    "we" or "your policy" is no less supported for it, so such a name counts as present in every passage.
    """
    return _names(passage, headings_only=False)


@lru_cache(maxsize=4096)
def title_names(passage: str) -> frozenset[str]:
    """Names in the passage's headings written in sentence case ("Kestrel Car Hire rental agreement"): its
    capitalised words after the first, and its runs. Title-case headings ("Baggage Rules And Fees") name
    nothing. A document's title names what the whole document is about (its organisation, its product)."""
    return _names(passage, headings_only=True)


def _names(passage: str, *, headings_only: bool) -> frozenset[str]:
    names: set[str] = set()
    for line in passage.splitlines():
        line = line.strip().lstrip("#").strip()
        heading = is_heading(line)
        if heading and not _LOWER_WORD.search(line):
            continue  # title case: every word is capitalised, names and common words alike
        if headings_only and not heading:
            continue
        for m in _CAPITALISED.finditer(line):
            run = m.group().split()
            before = line[: m.start()].rstrip()
            if len(run) > 1 or (before and (heading or before[-1] not in _SENTENCE_OPENERS)):
                names.update(w for w in map(content_word, run) if w)
    return frozenset(names)
