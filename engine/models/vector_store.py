"""Where chunk embeddings live: the ``VectorStore`` interface and a Qdrant implementation.

``QdrantStore`` runs Qdrant's embedded local mode (a directory on disk, the default) or talks
to a Qdrant server (production). Local mode caveats, from qdrant-client itself:
- only ONE client may open a given path per process (a second one raises), and the directory
  is not safe to share between processes: one store process owns it;
- it loads every point into memory on open and searches by brute force, so it suits a single
  machine and tests, not a large index. Opening is cheap for small indexes; close it promptly
  (``with QdrantStore(...) as store:``) so the next owner can open the path.
"""

from __future__ import annotations

import base64
import threading
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np
import numpy.typing as npt

from engine.errors import ConfigError

if TYPE_CHECKING:  # qdrant-client is imported lazily: stages that only chunk should not pay for it
    from qdrant_client import QdrantClient

# Fixed namespace so a chunk id maps to the same point id on every machine and every run.
_POINT_NAMESPACE = uuid.UUID("6f2b8c1e-3d4a-5b6c-9e7f-0a1b2c3d4e5f")
_SCROLL_PAGE = 1024


@dataclass(frozen=True)
class Chunk:
    """A piece of a document version, the unit that is embedded, stored and retrieved."""

    id: str
    doc_id: str
    doc_version: int
    text: str
    title: str
    position: int


@dataclass(frozen=True)
class Hit:
    """A retrieved chunk and its cosine similarity to the query (higher is closer)."""

    chunk: Chunk
    score: float


@dataclass(frozen=True)
class PassageVectors:
    """What augmentation embedded for one stored chunk (id = doc, version, position): the chunk's text and
    its sentences (``texts``), with their unit vectors (``vectors``, one row each), for a gate to reuse."""

    chunk_id: str
    texts: tuple[str, ...]
    vectors: npt.NDArray[np.float32]


# Per chunk, its sentences and their vectors (the units a grounding check compares answers against).
Units = Sequence[tuple[Sequence[str], npt.ArrayLike]]


class VectorStore(Protocol):
    """Chunks by document, replaced whole per document version, searched by vector."""

    def upsert_document(
        self,
        doc_id: str,
        version: int,
        chunks: Sequence[Chunk],
        vectors: npt.ArrayLike,
        units: Units | None = None,
    ) -> None:
        """Make ``chunks`` the document's only chunks, unless a newer version is already stored;
        ``units`` (aligned with ``chunks``) are kept beside each chunk for ``passage_vectors``."""
        ...

    def passage_vectors(self, chunk_ids: Sequence[str]) -> dict[str, PassageVectors]:
        """The stored vectors of the chunks named (ids carry their version); unknown ids are left out."""
        ...

    def delete_document(self, doc_id: str, version: int | None = None) -> None: ...

    def search(self, vector: npt.ArrayLike, k: int) -> list[Hit]: ...

    def count(self) -> int: ...

    def document_versions(self) -> dict[str, int]: ...


def point_id(chunk_id: str) -> str:
    """The Qdrant point id for a chunk id (Qdrant accepts only unsigned ints and UUIDs)."""
    return str(uuid.uuid5(_POINT_NAMESPACE, chunk_id))


class QdrantStore:
    """``VectorStore`` on Qdrant: embedded at ``path`` (default) or a server at ``url``.

    Two collections: ``<collection>`` holds chunk points; ``<collection>__documents`` holds one
    record per document with its stored version, so version checks and ``document_versions()``
    cost one record per document rather than a scan of every chunk.
    """

    def __init__(
        self,
        *,
        dimension: int,
        path: Path | str | None = None,
        url: str | None = None,
        api_key: str | None = None,
        collection: str = "governor_chunks",
        timeout_s: int = 10,
    ) -> None:
        if (path is None) == (url is None):
            raise ConfigError("QdrantStore needs exactly one of path (embedded) or url (server)")
        from qdrant_client import QdrantClient

        self.dimension = dimension
        self.collection = collection
        self._documents = f"{collection}__documents"
        self._lock = threading.Lock()  # the embedded client is not safe for concurrent callers
        self._client: QdrantClient
        if path is not None:
            Path(path).mkdir(parents=True, exist_ok=True)
            try:
                self._client = QdrantClient(path=str(path))
            except RuntimeError as exc:  # qdrant-client's "already accessed by another instance"
                raise ConfigError(
                    f"vector store {path} is already open (one client per path; use a Qdrant server "
                    "to share an index between processes)"
                ) from exc
        else:
            self._client = QdrantClient(url=url, api_key=api_key, timeout=timeout_s)
        try:
            self._ensure_collections(server=url is not None)
        except Exception:
            self._client.close()  # or the embedded path stays locked until the process exits
            raise

    def __enter__(self) -> QdrantStore:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        """Release the client (and, in embedded mode, the lock on the directory)."""
        self._client.close()

    def _ensure_collections(self, *, server: bool) -> None:
        from qdrant_client import models

        for name, size in ((self.collection, self.dimension), (self._documents, 1)):
            if not self._client.collection_exists(name):
                self._client.create_collection(
                    name, vectors_config=models.VectorParams(size=size, distance=models.Distance.COSINE)
                )
                continue
            params = self._client.get_collection(name).config.params.vectors
            stored = params.size if isinstance(params, models.VectorParams) else None
            if stored != size:
                raise ConfigError(
                    f"Qdrant collection {name!r} has vector size {stored}, expected {size}; "
                    "the embedder changed: re-index into a new collection"
                )
        if server:  # the embedded mode scans payloads anyway and warns that indexes do nothing
            self._client.create_payload_index(self.collection, "doc_id", models.PayloadSchemaType.KEYWORD)

    def upsert_document(
        self,
        doc_id: str,
        version: int,
        chunks: Sequence[Chunk],
        vectors: npt.ArrayLike,
        units: Units | None = None,
    ) -> None:
        """Replace all chunks of ``doc_id`` with ``chunks``; a version older than the stored one is ignored.

        Safe to repeat (a redelivered event rewrites the same points). New points are written
        before stale ones are deleted, so a search never sees the document missing.
        """
        from qdrant_client import models

        matrix = np.asarray(vectors, dtype=np.float32).reshape(len(chunks), -1) if chunks else None
        if matrix is not None and matrix.shape[1] != self.dimension:
            raise ValueError(f"vectors have dimension {matrix.shape[1]}, the store expects {self.dimension}")
        for chunk in chunks:
            if chunk.doc_id != doc_id or chunk.doc_version != version:
                raise ValueError(f"chunk {chunk.id!r} does not belong to {doc_id!r} version {version}")
        if units is not None and len(units) != len(chunks):
            raise ValueError(f"{len(units)} unit lists for {len(chunks)} chunks")
        with self._lock:
            stored = self._stored_version(doc_id)
            if stored is not None and stored > version:
                return
            ids = [point_id(c.id) for c in chunks]
            if matrix is not None:
                self._client.upsert(
                    self.collection,
                    points=[
                        models.PointStruct(id=pid, vector=row.tolist(), payload=_payload(c, unit, row))
                        for pid, c, row, unit in zip(
                            ids, chunks, matrix, _aligned(units, chunks), strict=True
                        )
                    ],
                )
            stale = models.Filter(
                must=[_doc_filter(doc_id)],
                must_not=[models.HasIdCondition(has_id=list(ids))] if ids else None,
            )
            self._client.delete(self.collection, points_selector=models.FilterSelector(filter=stale))
            self._client.upsert(
                self._documents,
                points=[
                    models.PointStruct(
                        id=point_id(doc_id), vector=[1.0], payload={"doc_id": doc_id, "version": version}
                    )
                ],
            )

    def delete_document(self, doc_id: str, version: int | None = None) -> None:
        """Remove every chunk of ``doc_id`` and its version record; a missing document is not an error.
        With ``version``, a tombstone older than the stored version is ignored, as upserts are."""
        from qdrant_client import models

        with self._lock:
            stored = self._stored_version(doc_id) if version is not None else None
            if stored is not None and version is not None and stored > version:
                return
            self._client.delete(
                self.collection,
                points_selector=models.FilterSelector(filter=models.Filter(must=[_doc_filter(doc_id)])),
            )
            self._client.delete(
                self._documents, points_selector=models.PointIdsList(points=[point_id(doc_id)])
            )

    def search(self, vector: npt.ArrayLike, k: int) -> list[Hit]:
        """The ``k`` chunks closest to ``vector`` by cosine similarity, best first."""
        query = np.asarray(vector, dtype=np.float32).reshape(-1)
        if query.shape[0] != self.dimension:
            raise ValueError(f"query has dimension {query.shape[0]}, the store expects {self.dimension}")
        with self._lock:
            response = self._client.query_points(
                self.collection, query=query.tolist(), limit=k, with_payload=True
            )
        return [Hit(chunk=_chunk(p.payload or {}), score=float(p.score)) for p in response.points]

    def passage_vectors(self, chunk_ids: Sequence[str]) -> dict[str, PassageVectors]:
        """The stored vectors of the chunks named (ids carry their version); unknown ids, and chunks stored
        without their sentences' vectors, are left out."""
        wanted = list(dict.fromkeys(chunk_ids))
        if not wanted:
            return {}
        with self._lock:
            records = self._client.retrieve(
                self.collection, ids=[point_id(c) for c in wanted], with_payload=True, with_vectors=False
            )
        found: dict[str, PassageVectors] = {}
        for record in records:
            payload = record.payload or {}
            if "unit_vectors" not in payload:  # indexed without its sentences: nothing to reuse
                continue
            rows = np.frombuffer(base64.b64decode(payload["unit_vectors"]), dtype="<f4")
            found[str(payload["chunk_id"])] = PassageVectors(
                chunk_id=str(payload["chunk_id"]),
                texts=(str(payload["text"]), *map(str, payload["units"])),
                vectors=rows.reshape(-1, self.dimension).astype(np.float32),
            )
        return found

    def count(self) -> int:
        """How many chunks are stored."""
        with self._lock:
            return self._client.count(self.collection, exact=True).count

    def document_versions(self) -> dict[str, int]:
        """Stored version of every document, by document id."""
        versions: dict[str, int] = {}
        offset: Any = None
        with self._lock:
            while True:
                records, offset = self._client.scroll(
                    self._documents, limit=_SCROLL_PAGE, offset=offset, with_payload=True
                )
                for record in records:
                    payload = record.payload or {}
                    versions[str(payload["doc_id"])] = int(payload["version"])
                if offset is None:
                    return versions

    def _stored_version(self, doc_id: str) -> int | None:
        records = self._client.retrieve(self._documents, ids=[point_id(doc_id)], with_payload=True)
        if not records or not records[0].payload:
            return None
        return int(records[0].payload["version"])


def _doc_filter(doc_id: str) -> Any:
    from qdrant_client import models

    return models.FieldCondition(key="doc_id", match=models.MatchValue(value=doc_id))


def _aligned(
    units: Units | None, chunks: Sequence[Chunk]
) -> list[tuple[Sequence[str], npt.ArrayLike] | None]:
    return list(units) if units is not None else [None] * len(chunks)


def _payload(
    chunk: Chunk,
    units: tuple[Sequence[str], npt.ArrayLike] | None = None,
    vector: npt.ArrayLike | None = None,
) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "chunk_id": chunk.id,
        "doc_id": chunk.doc_id,
        "doc_version": chunk.doc_version,
        "text": chunk.text,
        "title": chunk.title,
        "position": chunk.position,
    }
    if units is not None:
        texts, vectors = units
        payload["units"] = list(texts)
        # The chunk's vector and its sentences' as one base64 string of float32 rows, read back without the
        # point's vector: the embedded client deep-copies lists on every read (~1.4 ms a chunk, measured).
        rows = np.vstack([np.reshape(np.asarray(vector, dtype="<f4"), (1, -1)), np.asarray(vectors, "<f4")])
        payload["unit_vectors"] = base64.b64encode(np.ascontiguousarray(rows, "<f4").tobytes()).decode(
            "ascii"
        )
    return payload


def _chunk(payload: dict[str, Any]) -> Chunk:
    return Chunk(
        id=str(payload["chunk_id"]),
        doc_id=str(payload["doc_id"]),
        doc_version=int(payload["doc_version"]),
        text=str(payload["text"]),
        title=str(payload["title"]),
        position=int(payload["position"]),
    )
