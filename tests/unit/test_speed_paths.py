"""The fast paths keep the slow paths' answers: one JSON pass per message still refuses what cannot be
written back out; a gate batch embeds once, reusing the passage vectors augmentation stored."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from engine.envelope import Envelope, EnvelopeError
from engine.gates.prefetch import BatchEmbeddings, StoredVectors, passage_units
from engine.models.embeddings import CachedEmbedder, normalise_rows
from engine.models.vector_store import QdrantStore
from engine.stages.chunking import chunk_document
from engine.validators.base import ContextPassage, Subject
from engine.validators.grounding import grounding_validator


def _envelope_bytes(answer: str, encoding: str = "utf-8", errors: str = "strict") -> bytes:
    env = Envelope(type="answer.draft", contract="answers.draft@1", tenant="t", payload={"answer": answer})
    return json.dumps(env.to_dict(), ensure_ascii=False, separators=(",", ":")).encode(encoding, errors)


@pytest.mark.parametrize(
    "raw",
    [
        _envelope_bytes("x").replace(b'"answer":"x"', b'"answer":"\\ud800"'),  # an escaped lone surrogate
        _envelope_bytes("x").replace(b'"answer":"x"', b'"answer":"a\\uDFFF"'),
        _envelope_bytes("\ud800", errors="surrogatepass"),  # its UTF-8 form, which json.loads lets through
        _envelope_bytes("\udc80", "utf-16-le", "surrogatepass"),  # UTF-16, which json.loads also reads
    ],
)
def test_a_lone_surrogate_is_refused_at_the_edge(raw: bytes) -> None:
    with pytest.raises(EnvelopeError, match="not JSON"):
        Envelope.from_bytes(raw)


def test_text_outside_the_basic_plane_and_escaped_pairs_pass() -> None:
    emoji = Envelope.from_bytes(_envelope_bytes("claims \U0001f600 £ é"))
    assert emoji.payload["answer"] == "claims \U0001f600 £ é"
    pair = _envelope_bytes("x").replace(b'"answer":"x"', b'"answer":"\\ud83d\\ude00"')
    assert Envelope.from_bytes(pair).payload["answer"] == "\U0001f600"


# --- one embedder call per Kafka batch, stored passage vectors reused ------------------------------


class CountingEmbedder:
    """A deterministic fake model that records every call it gets."""

    model_id, dimension = "fake", 8

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        self.calls.append(list(texts))
        return normalise_rows(np.array([_features(t) for t in texts], dtype=np.float32).reshape(-1, 8))


def _features(text: str) -> list[float]:
    digest = hashlib.sha256(text.encode()).digest()
    return [b + 1.0 for b in digest[:8]]


PASSAGES = (
    ContextPassage("water:1:0", "The excess for water damage claims is $750. Burst pipes are covered."),
    ContextPassage("claims:1:0", "Claims must be reported within 30 days of the incident."),
)


def _subjects(n: int) -> list[Subject]:
    return [
        Subject(text=f"For case {i}: the excess for water damage claims is $750.", context=PASSAGES)
        for i in range(n)
    ]


def _stored(model: CountingEmbedder) -> StoredVectors:
    """What augmentation stored: each chunk's text and sentences, embedded once, before the gate ran."""
    table = {p.id: (passage_units(p.text), model.embed(passage_units(p.text))) for p in PASSAGES}
    return lambda ids: {i: table[i] for i in ids if i in table}


def test_a_batch_embeds_only_its_answer_sentences_in_one_call_and_validators_embed_nothing_more() -> None:
    model = CountingEmbedder()
    stored = _stored(model)
    model.calls.clear()
    cached = CachedEmbedder(model)
    prefetch = BatchEmbeddings(cached, stored)
    subjects = _subjects(50)
    prefetch(subjects)
    assert model.calls == [[s.text for s in subjects]]  # one call, answer sentences only
    grounding = grounding_validator(cached.embed)
    results = [grounding.check(s) for s in subjects]
    assert all(r.error is None for r in results)
    assert len(model.calls) == 1, "the validators found every vector they needed in the cache"


def test_without_stored_vectors_passages_are_embedded_once_per_batch_not_per_draft() -> None:
    model = CountingEmbedder()
    prefetch = BatchEmbeddings(CachedEmbedder(model))
    subjects = _subjects(20)
    prefetch(subjects)
    assert len(model.calls) == 1
    assert sorted(model.calls[0]) == sorted(
        {*(s.text for s in subjects), *(u for p in PASSAGES for u in passage_units(p.text))}
    )
    prefetch(subjects)  # the next batch with the same texts: nothing new to embed
    assert len(model.calls) == 1


def test_a_stored_passage_whose_text_changed_is_embedded_afresh() -> None:
    model = CountingEmbedder()
    stored = _stored(model)
    model.calls.clear()
    edited = ContextPassage("water:1:0", "The excess for water damage claims is $900.")
    prefetch = BatchEmbeddings(CachedEmbedder(model), stored)
    prefetch([Subject(text="The excess is $900.", context=(edited,))])
    assert model.calls == [["The excess is $900.", edited.text]]


def test_the_store_keeps_each_chunks_sentence_vectors_by_chunk_id_and_version(tmp_path: Path) -> None:
    chunks = chunk_document("water", 2, "Water", PASSAGES[0].text)
    units = [
        (passage_units(c.text)[1:], np.eye(4, dtype=np.float32)[1 : len(passage_units(c.text))])
        for c in chunks
    ]
    one_sentence = chunk_document("claims", 1, "Claims", "Report claims within 30 days.")
    with QdrantStore(dimension=4, path=tmp_path / "store") as store:
        store.upsert_document("water", 2, chunks, np.eye(4, dtype=np.float32)[: len(chunks)], units)
        store.upsert_document("claims", 1, one_sentence, np.eye(4)[:1], [([], np.zeros((0, 4)))])
        found = store.passage_vectors([chunks[0].id, "water:1:0", "missing:1:0", one_sentence[0].id])
    assert list(found) == [chunks[0].id, one_sentence[0].id]  # another version's id is another passage
    assert found[one_sentence[0].id].texts == (one_sentence[0].text,)
    stored = found[chunks[0].id]
    assert stored.texts == tuple(passage_units(chunks[0].text))
    np.testing.assert_allclose(stored.vectors, np.eye(4)[: len(stored.texts)], atol=1e-6)


def test_envelope_dicts_are_what_asdict_gave_and_stay_independent_of_the_envelope() -> None:
    payload = {"answer": "a", "context": [{"id": "c:1:0", "text": "t"}], "pair": (1, [2]), "n": None}
    env = Envelope(type="answer.draft", contract="answers.draft@1", tenant="t", payload=payload)
    as_dict = env.to_dict()
    assert as_dict == dataclasses.asdict(env)
    assert list(as_dict) == list(dataclasses.asdict(env))  # same key order: same bytes as before
    as_dict["payload"]["context"][0]["text"] = "changed"
    assert env.payload["context"][0]["text"] == "t"
    assert (
        env.to_bytes()
        == json.dumps(dataclasses.asdict(env), separators=(",", ":"), ensure_ascii=False).encode()
    )  # the wire bytes are unchanged


# --- claims the lexical checks decide are not embedded ---------------------------------------------


def test_only_claims_the_lexical_checks_leave_open_are_embedded_and_checked_from_the_prefetch() -> None:
    model = CountingEmbedder()
    cached = CachedEmbedder(model)
    grounding = grounding_validator(cached.embed)
    prefetch = BatchEmbeddings(cached, needs=grounding.embedding_needs)
    verbatim = "The excess for water damage claims is $750."
    contradicted = "Burst pipes are not covered."
    unknown_number = "Burst pipes carry an excess of $900."
    unrelated = "Our office dog enjoys long walks around the harbour."
    paraphrase = "Water damage claims carry an excess of $750."
    subjects = [
        Subject(text=t, context=PASSAGES) for t in (verbatim, contradicted, unknown_number, unrelated)
    ]
    open_one = Subject(text=paraphrase, context=PASSAGES)
    prefetch([*subjects, open_one])
    passage_texts = {u for p in PASSAGES for u in passage_units(p.text)}
    assert len(model.calls) == 1 and set(model.calls[0]) == {paraphrase, *passage_texts}
    codes = [{f.code for f in grounding.check(s).findings} for s in [*subjects, open_one]]
    assert codes == [
        set(),
        {"grounding.contradicted"},
        {"grounding.unsupported"},
        {"grounding.unsupported"},
        set(),
    ]
    assert len(model.calls) == 1, "the checks found the open claim's vectors in the cache"
    assert model.calls[0].count(paraphrase) == 1


def test_a_lexically_decided_claim_gets_the_verdict_any_cosine_would_have_given(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The labelled sets' drafts, with an embedder whose cosines are arbitrary: the same verdicts whether
    claims too weakly worded for any cosine to save them are embedded or not."""
    from engine.gates.evaluate import read_cases
    from engine.gates.release import draft_subject
    from engine.validators import grounding as module

    data = Path(__file__).parent.parent / "data"
    subjects = []
    for name in ("release_dev.jsonl", "release_holdout.jsonl"):
        for case in read_cases(data / name):
            item = {"model": "m", "template_version": "x", "prompt_id": "p", "context": [], **case.item}
            draft = Envelope(type="answer.draft", contract="answers.draft@1", tenant="t", payload=item)
            subjects.append(draft_subject(draft))
    model = CountingEmbedder()
    skipping = [grounding_validator(model.embed).check(s) for s in subjects]
    skipped = sum(len(call) for call in model.calls)
    model.calls.clear()
    monkeypatch.setattr(module, "_COSINE_CEILING", 1e9)  # no claim too weak to embed
    embedding_all = [grounding_validator(model.embed).check(s) for s in subjects]
    assert skipping == embedding_all
    assert skipped < sum(len(call) for call in model.calls)
