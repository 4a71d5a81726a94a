"""The embeddings a gate's batch needs, made before its validators run: one embedder call per Kafka batch
instead of one per draft, and no call at all for passages whose vectors augmentation stored.

It warms the shared caching embedder the validators call, so any validator that embeds answer
sentences or passages (grounding today, claim-level checks tomorrow) finds them there; a text it
did not foresee is simply embedded on demand, as before.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from engine.validators.base import Subject
from engine.validators.text import sentence_spans

log = logging.getLogger(__name__)

# Chunk ids -> (texts, vectors) stored at augmentation: the chunk's text first, then its sentences.
StoredVectors = Callable[[Sequence[str]], Mapping[str, tuple[Sequence[str], Any]]]
# A subject -> the answer sentences a check will embed, and the passages it will compare them with.
EmbeddingNeeds = Callable[[Subject], tuple[Sequence[str], Sequence[str]]]


class WarmableEmbedder(Protocol):
    """An embedder that keeps what it made (``CachedEmbedder``) and can be given vectors made elsewhere."""

    def missing(self, texts: Sequence[str]) -> list[str]: ...

    def remember(self, texts: Sequence[str], vectors: Any) -> None: ...

    def embed(self, texts: Sequence[str]) -> Any: ...


def sentences(text: str) -> list[str]:
    """The sentences a grounding check compares, as it cuts them."""
    return [text[a:b] for a, b in sentence_spans(text)]


def passage_units(text: str) -> list[str]:
    """A passage and each of its sentences (a short claim is compared with both)."""
    return list(dict.fromkeys([text, *sentences(text)]))


@dataclass
class BatchEmbeddings:
    """Called with a batch's subjects before the gate decides them."""

    embedder: WarmableEmbedder
    stored: StoredVectors | None = None
    # What the checks will embed (grounding's embedding_needs: only claims the lexical checks leave open);
    # None: every answer sentence and every passage.
    needs: EmbeddingNeeds | None = None
    embedded_texts: int = 0  # how many texts this prefetch had to embed (for benchmarks and tests)

    def __call__(self, subjects: Sequence[Subject]) -> None:
        try:
            self._warm(subjects)
        except Exception as exc:  # the validators embed on demand and fail closed as they always did
            log.warning("prefetch failed, validators will embed on demand: %s", type(exc).__name__)

    def _warm(self, subjects: Sequence[Subject]) -> None:
        reused = self._reuse_stored(subjects) if self.stored is not None else set()
        texts: list[str] = []
        for subject in subjects:
            claims, passages = self._needs(subject)
            texts.extend(claims)
            for passage in passages:
                if passage not in reused:
                    texts.extend(passage_units(passage))
        missing = self.embedder.missing(texts)
        if missing:
            self.embedder.embed(missing)
            self.embedded_texts += len(missing)

    def _needs(self, subject: Subject) -> tuple[Sequence[str], Sequence[str]]:
        if self.needs is not None:
            return self.needs(subject)
        return sentences(subject.text), [p.text for p in subject.context]

    def _reuse_stored(self, subjects: Sequence[Subject]) -> set[str]:
        """Seed the embedder with the stored vectors of the batch's passages; returns the passages seeded."""
        assert self.stored is not None
        passages = {p.id: p.text for s in subjects for p in s.context}
        reused: set[str] = set()
        for chunk_id, (texts, vectors) in self.stored(list(passages)).items():
            # A passage whose text differs from what was indexed under its id is embedded afresh.
            if texts and passages.get(chunk_id) == texts[0]:
                self.embedder.remember(texts, vectors)
                reused.add(texts[0])
        return reused
