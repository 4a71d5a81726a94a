"""A scripted OpenAI-compatible endpoint for tests and the soak: chat completions that restate the
passages they are given (what a capable, grounded model answers) and bag-of-words embeddings. It can be
stopped and started again on the same port, like a model service going down and coming back."""

from __future__ import annotations

import hashlib
import json
import math
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

DIMENSION = 384


def embedding(text: str, dimension: int = DIMENSION) -> list[float]:
    """A unit vector of hashed word counts: restated sentences land close to their source."""
    row = [0.0] * dimension
    for word in text.lower().split():
        token = word.strip(".,;:!?$()\"'")
        if token:
            row[int(hashlib.blake2s(token.encode(), digest_size=4).hexdigest(), 16) % dimension] += 1.0
    norm = math.sqrt(sum(v * v for v in row)) or 1.0
    return [v / norm for v in row] if any(row) else [1.0 / math.sqrt(dimension)] * dimension


def restatement(prompt: str) -> str:
    """The passages of a RAG prompt (lines ``[id] text``), restated as the answer."""
    return " ".join(
        line.split("] ", 1)[1] for line in prompt.splitlines() if line.startswith("[") and "] " in line
    )


class _Handler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        request = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
        body: dict[str, Any]
        if self.path.endswith("/embeddings"):
            texts = request.get("input") or []
            embedded = getattr(self.server, "embedded", None)
            if embedded is not None:  # when each text was first embedded: the soak's evidence
                now = time.time()
                for text in texts:
                    embedded.setdefault(str(text), now)
            data = [{"index": i, "embedding": embedding(str(t))} for i, t in enumerate(texts)]
            body = {"model": "scripted", "data": data}
        else:
            content = restatement(str(request.get("messages", [{}])[-1].get("content", ""))) or "No answer."
            message = {"role": "assistant", "content": content}
            body = {"model": "scripted", "choices": [{"message": message}],
                    "usage": {"prompt_tokens": 1, "completion_tokens": 1}}  # fmt: skip
        data_bytes = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data_bytes)))
        self.end_headers()
        self.wfile.write(data_bytes)

    def log_message(self, *args: object) -> None:
        pass


class ScriptedModel:
    """The endpoint on 127.0.0.1:``port`` (0 picks one); ``stop()`` refuses connections until ``start()``."""

    def __init__(self, port: int = 0) -> None:
        self.port = port
        self._server: ThreadingHTTPServer | None = None
        self.embedded: dict[str, float] = {}  # text -> wall-clock time it was first embedded

    def embedded_before(self, fragment: str, when: float) -> bool:
        """Whether some text holding ``fragment`` had been embedded before ``when`` (so a caller may have
        its vector cached)."""
        holds = re.compile(rf"\b{re.escape(fragment)}\b", re.IGNORECASE).search
        return any(at < when and holds(text) for text, at in list(self.embedded.items()))

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def start(self) -> ScriptedModel:
        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), _Handler)
        self._server.embedded = self.embedded  # type: ignore[attr-defined]  # read by the handler
        self.port = self._server.server_port
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
