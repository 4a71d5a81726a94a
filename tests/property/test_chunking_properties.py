"""Properties of ``chunk_document`` over generated markdown-ish documents."""

from __future__ import annotations

import hashlib
import itertools
import re

from hypothesis import example, given, settings
from hypothesis import strategies as st

from engine.stages.chunking import chunk_document

HEADING_LINE = re.compile(r"^ {0,3}#{1,6}[ \t]+")

ALPHABET = "abcdefghijklmnopqrstuvwxyzé0123456789"
words = st.text(alphabet=ALPHABET, min_size=1, max_size=30)
# Now and then a "word" longer than a whole chunk (a URL, a hash, base64).
body_words = st.one_of(words, words, words, words, st.text(alphabet=ALPHABET, min_size=31, max_size=600))
sentences = (
    st.lists(body_words, min_size=1, max_size=40)
    .map(" ".join)
    .flatmap(lambda s: st.sampled_from([".", "!", "?", "", ".)"]).map(lambda end: s + end))
)
paragraphs = st.lists(sentences, min_size=1, max_size=12).map(" ".join)
headings = st.tuples(st.integers(1, 4), st.lists(words, min_size=1, max_size=8).map(" ".join)).map(
    lambda h: "#" * h[0] + " " + h[1]
)
blocks = st.lists(st.one_of(paragraphs, paragraphs, headings), min_size=0, max_size=15)
documents = blocks.map("\n\n".join)
sizes = st.integers(60, 1200).flatmap(lambda m: st.tuples(st.just(m), st.integers(0, m // 2 - 1)))


def body_paragraphs(text: str) -> list[str]:
    return [p.strip() for p in text.split("\n\n") if p.strip() and not HEADING_LINE.match(p.strip())]


def covered(paragraph: str, texts: list[str]) -> bool:
    """Every word-run of ``paragraph`` appears, in order, as a substring of some chunk."""
    position = 0
    while position < len(paragraph):
        if paragraph[position].isspace():
            position += 1
            continue
        # The longest piece starting here that some chunk contains verbatim.
        low, high = position, len(paragraph)
        while low < high:
            middle = (low + high + 1) // 2
            if any(paragraph[position:middle] in t for t in texts):
                low = middle
            else:
                high = middle - 1
        if low == position:
            return False
        position = low
    return True


@settings(max_examples=150, deadline=None)
@given(documents, sizes)
@example("# Only a heading", (800, 120))
@example("word " * 500, (100, 40))
@example("".join(hashlib.sha256(str(i).encode()).hexdigest() for i in range(60)), (80, 10))
def test_chunks_are_bounded_unique_deterministic_and_cover_the_text(text: str, size: tuple[int, int]) -> None:
    max_chars, overlap = size
    chunks = chunk_document("doc", 3, "Title", text, max_chars=max_chars, overlap_chars=overlap)
    assert chunks == chunk_document("doc", 3, "Title", text, max_chars=max_chars, overlap_chars=overlap)
    assert [c.position for c in chunks] == list(range(len(chunks)))
    assert len({c.id for c in chunks}) == len(chunks)
    assert all(c.id == f"doc:3:{c.position}" and c.doc_version == 3 and c.title == "Title" for c in chunks)
    # The heading prefix is budgeted inside max_chars, so there is no allowance on top of it.
    assert all(c.text.strip() and len(c.text) <= max_chars for c in chunks)
    texts = [c.text for c in chunks]
    for paragraph in body_paragraphs(text):
        assert covered(paragraph, texts), paragraph[:80]


@given(st.lists(st.tuples(headings, paragraphs), min_size=1, max_size=5))
@settings(max_examples=50, deadline=None)
def test_every_chunk_carries_its_section_heading(sections: list[tuple[str, str]]) -> None:
    text = "\n\n".join(f"{h}\n\n{p}" for h, p in sections)
    names = {" ".join(h.lstrip("#").split()) for h, _ in sections}
    for chunk in chunk_document("doc", 1, "T", text, max_chars=400, overlap_chars=50):
        *path, last = chunk.text.split("\n\n", 1)[0].split(" > ")
        assert all(part in names for part in path)
        # A long heading path is cut to fit, ending in an ellipsis.
        assert last in names or (last.endswith("…") and any(n.startswith(last[:-1]) for n in names))


def test_structure_example() -> None:
    text = (
        "# Guide\n\nIntro.\n\n## Setup\n\nStep one.\n\nStep two.\n\n"
        "```bash\n# not a heading\n\necho hi\n```\n"
    )
    chunks = chunk_document("d", 1, "Guide", text, max_chars=800)
    assert [c.text for c in chunks] == [
        "Guide\n\nIntro.",
        "Guide > Setup\n\nStep one.\n\nStep two.\n\n```bash\n# not a heading\n\necho hi\n```",
    ]


def test_long_paragraph_splits_on_sentences_with_overlap() -> None:
    sentences = [f"Sentence number {i} says something useful." for i in range(30)]
    chunks = chunk_document("d", 1, "T", " ".join(sentences), max_chars=200, overlap_chars=60)
    assert len(chunks) > 1
    for before, after in itertools.pairwise(chunks):
        assert after.text.split(". ")[0] + "." in before.text  # each piece repeats the last sentence
        assert before.text.endswith(".") and after.text.startswith("Sentence")


def test_long_heading_path_is_cut_with_an_ellipsis_not_a_dangling_separator() -> None:
    # max_chars 204 leaves a 51-character prefix; the cut falls inside the " > " separator.
    text = f"# {'a' * 48}\n\n## bbb\n\nBody text."
    (chunk,) = chunk_document("d", 1, "T", text, max_chars=204, overlap_chars=20)
    assert chunk.text == f"{'a' * 48}…\n\nBody text."
