"""The status channel (`requests.status`): one record per step of a request, written by the stage that took
the step in the same transaction as its outputs, keyed by the request's trace.

A status says which step (admitted, drafting, blocked, error), the governance layer's reason codes and
messages, the decision id and the model: never the question, an answer or an error's text (a dead letter's
error may quote model output), so a reader that must not see drafts or raw prompts can follow a request.
A release needs no status: the signed approval on answers.approved is the signal.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from engine.contracts.codec import GovernedCodec
from engine.envelope import Envelope
from engine.pipeline.records import Output

STATUS_CONTRACT = "requests.status@1"
STATUS_EVENT = "request.status"

Step = Literal["admitted", "drafting", "blocked", "error"]


@dataclass(frozen=True)
class Reason:
    """A reason code and its human message, as the governance layer wrote them."""

    code: str
    message: str


@dataclass(frozen=True)
class Status:
    """One step of one request, as the stage that took it reports it (its ``Result.status``)."""

    step: Step
    reasons: tuple[Reason, ...] = ()
    decision_id: str | None = None
    model: str | None = None


@dataclass(frozen=True)
class StatusChannel:
    """Where a stage reports its steps, and the phase it reports them as (its stage name)."""

    codec: GovernedCodec
    topic: str
    phase: str

    def __post_init__(self) -> None:
        # A phase the contract does not name would fail every message: refuse it at start instead.
        cause = Envelope(STATUS_EVENT, STATUS_CONTRACT, "-", {})
        self.codec.check(self.topic, self._event(cause, Status("error", (Reason("probe", ""),))))

    def output(self, cause: Envelope, status: Status) -> Output:
        """The status record of `cause`'s request (raises ContractViolation like any output would)."""
        value, headers = self.codec.encode(self.topic, self._event(cause, status))
        return Output(self.topic, value, cause.trace.trace_id.encode(), headers)

    def failed(self, cause: Envelope, code: str) -> Output:
        """The `error` status of a dead-lettered request: its reason code and a message made from it alone."""
        code = code or "processing.error"
        message = f"The {self.phase} stage could not process this request ({code})."
        return self.output(cause, Status("error", (Reason(code, message),)))

    def _event(self, cause: Envelope, status: Status) -> Envelope:
        payload = {
            "phase": self.phase,
            "status": status.step,
            "reasons": [{"code": r.code, "message": r.message} for r in status.reasons],
            "decision_id": status.decision_id,
            "model": status.model,
        }
        return cause.derive(STATUS_EVENT, STATUS_CONTRACT, payload)
