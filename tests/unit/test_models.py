"""Embeddings, chat LLMs and the vector store: local models for real, HTTP clients against a fake server."""

from __future__ import annotations

import json
import socket
import threading
import time
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from engine.errors import ConfigError
from engine.models.embeddings import (
    Embedder,
    EmbeddingBadResponse,
    EmbeddingRejected,
    LocalMiniLM,
    OpenAIEmbeddings,
    extract_model,
)
from engine.models.llm import (
    LLM,
    ChatMessage,
    LLMBadResponse,
    LLMRejected,
    LLMTimeout,
    LLMUnavailable,
    LocalLlama,
    OpenAIChat,
)
from engine.models.openai_http import RetryPolicy
from engine.models.vector_store import Chunk, QdrantStore, VectorStore
from engine.stages.chunking import chunk_document

FAST_RETRY = RetryPolicy(retries=2, backoff_s=0.01, max_backoff_s=0.02)


# --- fixtures -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def minilm(tmp_path_factory: pytest.TempPathFactory) -> Embedder:
    # Typed as the interface: mypy then checks that LocalMiniLM satisfies it.
    return LocalMiniLM(cache_dir=tmp_path_factory.mktemp("models") / "all-MiniLM-L6-v2", batch_size=4)


@pytest.fixture(scope="module")
def llama() -> LLM:
    return LocalLlama()


@dataclass
class Reply:
    status: int = 200
    body: Any = None
    delay_s: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class FakeServer:
    """An OpenAI-shaped endpoint on 127.0.0.1 answering scripted replies (the last one repeats)."""

    url: str
    replies: list[Reply]
    requests: list[dict[str, Any]] = field(default_factory=list)
    in_flight: int = 0
    max_in_flight: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


@pytest.fixture
def fake_server() -> Iterator[Callable[..., FakeServer]]:
    servers: list[ThreadingHTTPServer] = []

    def start(*replies: Reply) -> FakeServer:
        state = FakeServer(url="", replies=list(replies))

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with state.lock:
                    state.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
                    reply = state.replies.pop(0) if len(state.replies) > 1 else state.replies[0]
                    state.in_flight += 1
                    state.max_in_flight = max(state.max_in_flight, state.in_flight)
                try:
                    time.sleep(reply.delay_s)
                    # Done before the reply goes out: once it has, the client may send its next request
                    # before this thread runs again, and that must not count as a third in flight.
                    with state.lock:
                        state.in_flight -= 1
                    raw = reply.body if isinstance(reply.body, bytes) else json.dumps(reply.body).encode()
                    self.send_response(reply.status)
                    for name, value in reply.headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(raw)))
                    self.end_headers()
                    self.wfile.write(raw)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeout test)

            def log_message(self, *_: Any) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        servers.append(server)
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        state.url = f"http://127.0.0.1:{server.server_address[1]}/v1"
        return state

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def chat_body(text: str = "Paris.") -> dict[str, Any]:
    return {
        "model": "served-model-2024",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": text}}],
        "usage": {"prompt_tokens": 12, "completion_tokens": 3},
    }


def cosine(a: np.ndarray, b: np.ndarray) -> float:
    return float(a @ b)


# --- local embeddings -------------------------------------------------------------------------


def test_local_minilm_gives_unit_float32_rows(minilm: Embedder) -> None:
    vectors = minilm.embed(["one", "two words", "a slightly longer third text"])
    assert vectors.shape == (3, 384) and vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert minilm.embed([]).shape == (0, 384)


def test_local_minilm_matches_sentence_transformers_reference(minilm: Embedder) -> None:
    # Similarities printed in the sentence-transformers README for all-MiniLM-L6-v2.
    v = minilm.embed(["The weather is lovely today.", "It's so sunny outside!", "He drove to the stadium."])
    assert cosine(v[0], v[1]) == pytest.approx(0.6660, abs=2e-3)
    assert cosine(v[0], v[2]) == pytest.approx(0.1046, abs=2e-3)
    assert cosine(v[1], v[2]) == pytest.approx(0.1411, abs=2e-3)


def test_paraphrase_is_closer_than_unrelated_text(minilm: Embedder) -> None:
    food, bread, kafka = minilm.embed(
        ["A man is eating food.", "A man is eating a piece of bread.", "Kafka brokers replicate partitions."]
    )
    assert cosine(food, bread) > 0.7
    assert cosine(food, kafka) < 0.3


def test_embedding_does_not_depend_on_batch_neighbours(minilm: Embedder) -> None:
    text = "Governor checks every answer before release."
    alone = minilm.embed([text])[0]
    # In a batch with longer texts the row is padded; the attention mask must hide the padding.
    mixed = minilm.embed(["short", text, "a much longer neighbour " * 20, "x"])
    np.testing.assert_allclose(mixed[1], alone, atol=1e-5)
    np.testing.assert_array_equal(minilm.embed([text])[0], alone)


def test_text_longer_than_model_window_is_truncated_not_refused(minilm: Embedder) -> None:
    vectors = minilm.embed(["token " * 2000])
    assert vectors.shape == (1, 384) and np.isfinite(vectors).all()


def test_extract_model_is_atomic_and_idempotent(tmp_path: Path) -> None:
    archive = tmp_path / "model.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("config.json", "{}")
        zf.writestr("1_Pooling/config.json", "{}")
    target = tmp_path / "cache" / "model"
    target.mkdir(parents=True)
    (target / "half-written").write_text("left by a crashed run")
    assert extract_model(archive, target) == target
    assert sorted(p.name for p in target.iterdir()) == [".governor-extracted", "1_Pooling", "config.json"]
    before = (target / "config.json").stat().st_mtime_ns
    extract_model(archive, target)
    assert (target / "config.json").stat().st_mtime_ns == before  # second call reuses the copy
    assert [p.name for p in target.parent.iterdir()] == ["model"]  # no staging directories left


# --- HTTP embeddings ----------------------------------------------------------------------


def test_openai_embeddings_orders_by_index_and_normalises(fake_server: Callable[..., FakeServer]) -> None:
    server = fake_server(
        Reply(body={"data": [{"index": 1, "embedding": [0.0, 3.0]}, {"index": 0, "embedding": [2.0, 0.0]}]})
    )
    client: Embedder = OpenAIEmbeddings(
        base_url=server.url, model="embed-small", dimension=2, retry=FAST_RETRY
    )
    vectors = client.embed(["first", "second"])
    np.testing.assert_allclose(vectors, [[1.0, 0.0], [0.0, 1.0]])
    assert server.requests[0]["path"] == "/v1/embeddings"
    assert server.requests[0]["body"]["input"] == ["first", "second"]


def test_openai_embeddings_retries_503_then_succeeds(fake_server: Callable[..., FakeServer]) -> None:
    server = fake_server(
        Reply(status=503, body={"error": "busy"}), Reply(body={"data": [{"index": 0, "embedding": [1.0]}]})
    )
    client = OpenAIEmbeddings(base_url=server.url, model="m", dimension=1, retry=FAST_RETRY)
    assert client.embed(["x"]).shape == (1, 1)
    assert len(server.requests) == 2


def test_openai_embeddings_refusal_and_wrong_dimension(fake_server: Callable[..., FakeServer]) -> None:
    refused = fake_server(Reply(status=400, body={"error": "bad model"}))
    with pytest.raises(EmbeddingRejected, match="HTTP 400"):
        OpenAIEmbeddings(base_url=refused.url, model="m", dimension=2, retry=FAST_RETRY).embed(["x"])
    assert len(refused.requests) == 1  # a 4xx is not retried
    wrong = fake_server(Reply(body={"data": [{"index": 0, "embedding": [1.0, 0.0, 0.0]}]}))
    with pytest.raises(EmbeddingBadResponse, match="expected dimension 2"):
        OpenAIEmbeddings(base_url=wrong.url, model="m", dimension=2, retry=FAST_RETRY).embed(["x"])


# --- local LLM ------------------------------------------------------------------------------


def test_local_llama_answers_deterministically(llama: LLM) -> None:
    messages = [
        ChatMessage("system", "You are a helpful assistant. Answer in one sentence."),
        ChatMessage("user", "What is the capital of France?"),
    ]
    first = llama.complete(messages, max_tokens=32)
    second = llama.complete(messages, max_tokens=32)
    assert first.text and first.text == second.text
    assert first.prompt_tokens > 10 and 0 < first.completion_tokens <= 32
    assert first.model_id == "SmolLM2-135M-Instruct.Q4_1" and first.seconds > 0


def test_local_llama_follows_a_json_schema(llama: LLM) -> None:
    schema = {
        "type": "object",
        "properties": {
            "city": {"type": "string", "maxLength": 40},
            "country": {"type": "string", "maxLength": 40},
        },
        "required": ["city", "country"],
        "additionalProperties": False,
    }
    completion = llama.complete(
        [ChatMessage("user", "Name the capital of France as JSON.")], max_tokens=60, response_schema=schema
    )
    answer = json.loads(completion.text)
    assert set(answer) == {"city", "country"} and all(isinstance(v, str) for v in answer.values())


def test_local_llama_refuses_prompt_longer_than_context() -> None:
    small = LocalLlama(n_ctx=256)
    with pytest.raises(LLMRejected, match="context window"):
        small.complete([ChatMessage("user", "word " * 600)], max_tokens=8)


def test_chat_message_refuses_unknown_role() -> None:
    with pytest.raises(ValueError, match="role"):
        ChatMessage("tool", "x")


# --- HTTP chat ------------------------------------------------------------------------------


def test_openai_chat_sends_request_and_reads_completion(fake_server: Callable[..., FakeServer]) -> None:
    server = fake_server(Reply(body=chat_body("Paris.")))
    client: LLM = OpenAIChat(base_url=server.url, model="gpt-x", api_key="sk-test", retry=FAST_RETRY)
    completion = client.complete([ChatMessage("user", "Capital of France?")], max_tokens=16)
    assert (completion.text, completion.model_id) == ("Paris.", "served-model-2024")
    assert (completion.prompt_tokens, completion.completion_tokens) == (12, 3)
    request = server.requests[0]
    assert request["path"] == "/v1/chat/completions"
    assert request["headers"]["Authorization"] == "Bearer sk-test"
    assert request["body"]["messages"] == [{"role": "user", "content": "Capital of France?"}]
    assert (request["body"]["max_tokens"], request["body"]["temperature"]) == (16, 0.0)
    assert "response_format" not in request["body"]


def test_openai_chat_asks_for_structured_output(fake_server: Callable[..., FakeServer]) -> None:
    server = fake_server(Reply(body=chat_body('{"city": "Paris"}')))
    schema = {"type": "object", "properties": {"city": {"type": "string"}}}
    completion = OpenAIChat(base_url=server.url, model="m", retry=FAST_RETRY).complete(
        [ChatMessage("user", "Capital of France?")], max_tokens=16, response_schema=schema
    )
    assert json.loads(completion.text) == {"city": "Paris"}
    response_format = server.requests[0]["body"]["response_format"]
    assert response_format["type"] == "json_schema"
    assert response_format["json_schema"]["schema"] == schema


def test_openai_chat_retries_after_503_and_429(fake_server: Callable[..., FakeServer]) -> None:
    server = fake_server(
        Reply(status=503, body={"error": "overloaded"}),
        Reply(status=429, body={"error": "slow down"}, headers={"Retry-After": "0"}),
        Reply(body=chat_body("ok")),
    )
    completion = OpenAIChat(base_url=server.url, model="m", retry=FAST_RETRY).complete(
        [ChatMessage("user", "hi")], max_tokens=4
    )
    assert completion.text == "ok" and len(server.requests) == 3


def test_openai_chat_timeout_raises_llm_timeout(fake_server: Callable[..., FakeServer]) -> None:
    server = fake_server(Reply(body=chat_body(), delay_s=1.0))
    client = OpenAIChat(
        base_url=server.url, model="m", timeout_s=0.2, retry=RetryPolicy(retries=1, backoff_s=0.01)
    )
    started = time.perf_counter()
    with pytest.raises(LLMTimeout, match=r"within 0\.2s"):
        client.complete([ChatMessage("user", "hi")], max_tokens=4)
    assert len(server.requests) == 2  # the timeout was retried once
    assert time.perf_counter() - started < 1.5


def test_openai_chat_gives_up_on_persistent_5xx_and_refused_connection(
    fake_server: Callable[..., FakeServer],
) -> None:
    server = fake_server(Reply(status=502, body={"error": "bad gateway"}))
    with pytest.raises(LLMUnavailable, match="HTTP 502"):
        OpenAIChat(base_url=server.url, model="m", retry=FAST_RETRY).complete(
            [ChatMessage("user", "hi")], max_tokens=4
        )
    assert len(server.requests) == 3  # first try + 2 retries
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    with pytest.raises(LLMUnavailable, match="unreachable"):
        OpenAIChat(base_url=f"http://127.0.0.1:{port}/v1", model="m", retry=FAST_RETRY).complete(
            [ChatMessage("user", "hi")], max_tokens=4
        )


def test_openai_chat_does_not_retry_refusals_or_garbage(fake_server: Callable[..., FakeServer]) -> None:
    refused = fake_server(Reply(status=422, body={"error": "prompt too long"}))
    with pytest.raises(LLMRejected, match="HTTP 422"):
        OpenAIChat(base_url=refused.url, model="m", retry=FAST_RETRY).complete(
            [ChatMessage("user", "hi")], max_tokens=4
        )
    assert len(refused.requests) == 1
    garbage = fake_server(Reply(body={"choices": []}))
    with pytest.raises(LLMBadResponse, match="choices"):
        OpenAIChat(base_url=garbage.url, model="m", retry=FAST_RETRY).complete(
            [ChatMessage("user", "hi")], max_tokens=4
        )


@pytest.mark.parametrize("status", [401, 403])
def test_a_refused_api_key_is_an_outage_to_wait_out_not_the_messages_fault(
    fake_server: Callable[..., FakeServer], status: int
) -> None:
    refused = fake_server(Reply(status=status, body={"error": "bad key"}))
    with pytest.raises(LLMUnavailable, match=f"HTTP {status}.*API key"):
        OpenAIChat(base_url=refused.url, model="m", retry=FAST_RETRY).complete(
            [ChatMessage("user", "hi")], max_tokens=4
        )
    assert len(refused.requests) == 1  # the same key fails at once: the stage's backoff paces the retries
    assert not issubclass(LLMUnavailable, LLMRejected)


def test_openai_chat_limits_concurrent_requests(fake_server: Callable[..., FakeServer]) -> None:
    server = fake_server(Reply(body=chat_body(), delay_s=0.15))
    client = OpenAIChat(base_url=server.url, model="m", max_concurrency=2, retry=FAST_RETRY)
    threads = [
        threading.Thread(
            target=client.complete, args=([ChatMessage("user", "hi")],), kwargs={"max_tokens": 4}
        )
        for _ in range(6)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(server.requests) == 6
    assert server.max_in_flight == 2


# --- vector store ---------------------------------------------------------------------------

DOC = """# Kafka

Apache Kafka is a distributed event streaming platform used for data pipelines.

## Transactions

Kafka transactions give exactly-once semantics between consuming and producing.

# Baking

To bake bread, mix flour, water, yeast and salt, then let the dough rise.
"""


def index(store: VectorStore, embedder: Embedder, doc_id: str, version: int, text: str) -> list[Chunk]:
    chunks = chunk_document(doc_id, version, "Handbook", text)
    store.upsert_document(doc_id, version, chunks, embedder.embed([c.text for c in chunks]))
    return chunks


def test_vector_store_search_finds_relevant_chunk(tmp_path: Path, minilm: Embedder) -> None:
    with QdrantStore(dimension=384, path=tmp_path / "qdrant") as store:
        chunks = index(store, minilm, "handbook", 1, DOC)
        assert store.count() == len(chunks) == 3
        assert store.document_versions() == {"handbook": 1}
        hits = store.search(minilm.embed(["how do I make bread?"])[0], k=2)
        assert hits[0].chunk == chunks[2]
        assert hits[0].score > hits[1].score


def test_vector_store_replaces_document_and_ignores_older_versions(tmp_path: Path, minilm: Embedder) -> None:
    with QdrantStore(dimension=384, path=tmp_path / "qdrant") as store:
        index(store, minilm, "other", 1, "# Other\n\nUnrelated text about gardening.")
        index(store, minilm, "handbook", 1, DOC)
        new = index(store, minilm, "handbook", 2, "# Kafka\n\nKafka now only has this paragraph.")
        assert store.count() == 2  # handbook v1's three chunks are gone, "other" is untouched
        index(store, minilm, "handbook", 1, DOC)  # a late, older event
        index(store, minilm, "handbook", 2, "# Kafka\n\nKafka now only has this paragraph.")  # redelivery
        assert store.count() == 2
        assert store.document_versions() == {"other": 1, "handbook": 2}
        hits = store.search(minilm.embed(["Kafka"])[0], k=5)
        assert {h.chunk.id for h in hits} == {new[0].id, "other:1:0"}


def test_vector_store_delete_and_reopen(tmp_path: Path, minilm: Embedder) -> None:
    path = tmp_path / "qdrant"
    with QdrantStore(dimension=384, path=path) as store:
        index(store, minilm, "handbook", 1, DOC)
        index(store, minilm, "other", 1, "# Other\n\nUnrelated text about gardening.")
        store.delete_document("handbook")
        store.delete_document("never-indexed")
        assert store.count() == 1 and store.document_versions() == {"other": 1}
        with pytest.raises(ConfigError, match="already open"):
            QdrantStore(dimension=384, path=path)
    with QdrantStore(dimension=384, path=path) as reopened:
        assert reopened.count() == 1
    with pytest.raises(ConfigError, match="vector size 384, expected 8"):
        QdrantStore(dimension=8, path=path)


def test_vector_store_refuses_mismatched_input(tmp_path: Path) -> None:
    with QdrantStore(dimension=2, path=tmp_path / "qdrant") as store:
        chunk = Chunk(id="a:1:0", doc_id="a", doc_version=1, text="t", title="T", position=0)
        with pytest.raises(ValueError, match="does not belong"):
            store.upsert_document("b", 1, [chunk], np.ones((1, 2)))
        with pytest.raises(ValueError, match="dimension 3"):
            store.upsert_document("a", 1, [chunk], np.ones((1, 3)))
        assert store.count() == 0


def test_cached_embedder_computes_each_text_once_and_keeps_order() -> None:
    import numpy as np

    from engine.models.embeddings import CachedEmbedder

    calls: list[list[str]] = []

    class Counting:
        model_id, dimension = "count", 2

        def embed(self, texts):  # type: ignore[no-untyped-def]
            calls.append(list(texts))
            return np.array([[len(t), 1.0] for t in texts], dtype=np.float32)

    cached = CachedEmbedder(Counting(), capacity=2)
    first = cached.embed(["a", "bb", "a"])
    assert calls == [["a", "bb"]]
    assert first.tolist() == [[1, 1], [2, 1], [1, 1]]
    assert cached.embed(["bb"]).tolist() == [[2, 1]] and len(calls) == 1
    cached.embed(["ccc"])  # evicts the least recently used ("a")
    cached.embed(["a"])
    assert calls[-1] == ["a"]


def test_a_stale_tombstone_does_not_delete_a_newer_version(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import numpy as np

    from engine.models.vector_store import Chunk, QdrantStore

    with QdrantStore(dimension=2, path=tmp_path / "store") as store:
        chunk = Chunk(id="d:3:0", doc_id="d", doc_version=3, text="t", title="T", position=0)
        store.upsert_document("d", 3, [chunk], np.array([[1.0, 0.0]]))
        store.delete_document("d", 2)  # a late tombstone of an older version
        assert store.document_versions() == {"d": 3}
        store.delete_document("d", 4)
        assert store.document_versions() == {}
