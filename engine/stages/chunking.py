"""Split a markdown-ish document into retrieval chunks; a pure function, no I/O.

Chunks follow the document's own structure: a section (text under a heading) is packed
paragraph by paragraph, each chunk starts with its heading path so it still makes sense when
retrieved alone, and a paragraph too long for one chunk is cut on sentence boundaries with an
overlap so a fact that straddles the cut is whole in at least one chunk.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from engine.models.vector_store import Chunk

_HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(```|~~~)")
# A sentence ends at . ! or ? (optionally closed by a quote or bracket) followed by whitespace.
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+")
_WORD = re.compile(r"\S+")
_PREFIX_SEPARATOR = "\n\n"
_PARAGRAPH_SEPARATOR = "\n\n"
_PATH_SEPARATOR = " > "


@dataclass(frozen=True)
class _Section:
    heading_path: tuple[str, ...]
    paragraphs: tuple[str, ...]


def heading_prefix_limit(max_chars: int) -> int:
    """Longest heading prefix a chunk carries; longer heading paths are cut so the body keeps room."""
    return max_chars // 4


def chunk_document(
    doc_id: str,
    version: int,
    title: str,
    text: str,
    *,
    max_chars: int = 800,
    overlap_chars: int = 120,
) -> list[Chunk]:
    """Chunks of ``text`` in reading order, each at most ``max_chars`` long including its heading prefix.

    Ids are ``f"{doc_id}:{version}:{position}"``, so the same input always gives the same chunks.
    """
    _check_sizes(max_chars, overlap_chars)
    bodies: list[str] = []
    for section in _sections(text):
        prefix = _prefix(section.heading_path, heading_prefix_limit(max_chars))
        budget = max_chars - (len(prefix) + len(_PREFIX_SEPARATOR) if prefix else 0)
        for body in _pack(section.paragraphs, budget, overlap_chars):
            bodies.append(f"{prefix}{_PREFIX_SEPARATOR}{body}" if prefix else body)
    return [
        Chunk(
            id=f"{doc_id}:{version}:{position}",
            doc_id=doc_id,
            doc_version=version,
            text=body,
            title=title,
            position=position,
        )
        for position, body in enumerate(bodies)
    ]


def _check_sizes(max_chars: int, overlap_chars: int) -> None:
    if max_chars < 40:
        raise ValueError(f"max_chars must be at least 40, got {max_chars}")
    # The overlap must leave room for new text in every piece, or splitting would not progress.
    if not 0 <= overlap_chars < max_chars // 2:
        raise ValueError(f"overlap_chars must be in [0, max_chars // 2), got {overlap_chars}")


def _sections(text: str) -> list[_Section]:
    """Sections in order: the heading path above them and their blank-line separated paragraphs."""
    sections: list[_Section] = []
    path: list[tuple[int, str]] = []
    paragraphs: list[str] = []
    current: list[str] = []
    in_fence = False

    def end_paragraph() -> None:
        block = "\n".join(current).strip()
        if block:
            paragraphs.append(block)
        current.clear()

    def end_section() -> None:
        end_paragraph()
        if paragraphs:
            sections.append(_Section(tuple(h for _, h in path), tuple(paragraphs)))
        paragraphs.clear()

    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if _FENCE.match(line):
            in_fence = not in_fence
            current.append(line)
            continue
        if in_fence:  # code keeps its blank lines and its '#' comments
            current.append(line)
            continue
        heading = _HEADING.match(line)
        if heading:
            end_section()
            level = len(heading.group(1))
            path[:] = [(lvl, h) for lvl, h in path if lvl < level]
            if heading.group(2).strip():
                path.append((level, heading.group(2).strip()))
        elif line.strip():
            current.append(line)
        else:
            end_paragraph()
    end_section()
    return sections


def _prefix(heading_path: tuple[str, ...], limit: int) -> str:
    prefix = _PATH_SEPARATOR.join(" ".join(h.split()) for h in heading_path)
    if len(prefix) > limit:
        # Cut inside a " > " separator and the ellipsis would read as a heading of its own.
        prefix = prefix[: limit - 1].rstrip().removesuffix(_PATH_SEPARATOR.rstrip()).rstrip() + "…"
    return prefix


def _pack(paragraphs: tuple[str, ...], budget: int, overlap_chars: int) -> list[str]:
    """Greedily join whole paragraphs up to ``budget``; a paragraph over budget is split on its own."""
    bodies: list[str] = []
    pending: list[str] = []
    size = 0
    for paragraph in paragraphs:
        if len(paragraph) > budget:
            if pending:
                bodies.append(_PARAGRAPH_SEPARATOR.join(pending))
                pending, size = [], 0
            bodies.extend(_split_long(paragraph, budget, overlap_chars))
            continue
        added = len(paragraph) + (len(_PARAGRAPH_SEPARATOR) if pending else 0)
        if pending and size + added > budget:
            bodies.append(_PARAGRAPH_SEPARATOR.join(pending))
            pending, size, added = [], 0, len(paragraph)
        pending.append(paragraph)
        size += added
    if pending:
        bodies.append(_PARAGRAPH_SEPARATOR.join(pending))
    return bodies


def _units(paragraph: str, budget: int) -> list[tuple[int, int]]:
    """Spans of sentences, each no longer than ``budget``: long sentences by words, long words by chars."""
    units: list[tuple[int, int]] = []
    start = 0
    for end_match in [*_SENTENCE_END.finditer(paragraph), None]:
        sentence_end = end_match.end() if end_match else len(paragraph)
        # The regex's look-behind leaves a closing quote/bracket in the gap; keep it in the sentence.
        end = start + len(paragraph[start:sentence_end].rstrip())
        if end > start:
            units.extend(_fit(paragraph, start, end, budget))
        start = sentence_end
    return units


def _fit(text: str, start: int, end: int, budget: int) -> list[tuple[int, int]]:
    if end - start <= budget:
        return [(start, end)]
    pieces: list[tuple[int, int]] = []
    piece_start = piece_end = -1
    for word in _WORD.finditer(text, start, end):
        w_start, w_end = word.span()
        if piece_start >= 0 and w_end - piece_start <= budget:
            piece_end = w_end
            continue
        if piece_start >= 0:
            pieces.append((piece_start, piece_end))
        # A word longer than the budget is cut into budget-sized slices.
        while w_end - w_start > budget:
            pieces.append((w_start, w_start + budget))
            w_start += budget
        piece_start, piece_end = w_start, w_end
    if piece_start >= 0:
        pieces.append((piece_start, piece_end))
    return pieces


def _split_long(paragraph: str, budget: int, overlap_chars: int) -> list[str]:
    units = _units(paragraph, budget)
    pieces: list[str] = []
    first = 0  # index of the first unit not yet in any piece
    start = units[0][0]
    while first < len(units):
        last = first
        while last + 1 < len(units) and units[last + 1][1] - start <= budget:
            last += 1
        pieces.append(paragraph[start : units[last][1]])
        first = last + 1
        if first < len(units):
            start = _overlap_start(paragraph, units, first, units[last][1], budget, overlap_chars)
    return pieces


def _overlap_start(
    paragraph: str,
    units: list[tuple[int, int]],
    next_unit: int,
    prev_end: int,
    budget: int,
    overlap_chars: int,
) -> int:
    """Where the next piece starts: a sentence start, else a word start, within ``overlap_chars``."""
    next_end = units[next_unit][1]
    limit = max(prev_end - overlap_chars, 0)
    for u_start, _ in units[:next_unit]:
        if u_start >= limit and next_end - u_start <= budget:
            return u_start
    for word in _WORD.finditer(paragraph, limit, prev_end):
        # A match at `limit` may be the tail of a word cut by the window; only true word starts count.
        w_start = word.start()
        is_word_start = w_start == 0 or paragraph[w_start - 1].isspace()
        if is_word_start and next_end - w_start <= budget:
            return w_start
    return units[next_unit][0]
