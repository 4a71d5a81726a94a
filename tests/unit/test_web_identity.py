"""Users file, tokens, request ids, the secret file, the event hub and the topic-to-event mapping."""

from __future__ import annotations

import asyncio
import stat
from pathlib import Path

import pytest

from engine.contracts.codec import GovernedCodec
from engine.contracts.registry import ContractRegistry
from engine.envelope import Envelope, Trace
from engine.errors import ConfigError
from engine.settings import REPO_ROOT, Settings
from engine.trust.approvals import release_codec
from engine.web import keys
from engine.web.events import EventHub, StreamEvent
from engine.web.listener import OutcomeListener
from engine.web.request_ids import RequestIds
from engine.web.tokens import TokenError, TokenSigner
from engine.web.users import User, UserDirectory, check_password, hash_password
from tests.unit.web_fixtures import users_file


def test_passwords_are_scrypt_hashed_and_checked(tmp_path: Path) -> None:
    hashed = hash_password("s3cret")
    assert hashed.startswith("scrypt$n=16384,r=8,p=1$") and "s3cret" not in hashed
    assert check_password("s3cret", hashed) and not check_password("s3cret ", hashed)
    users = UserDirectory.load(users_file(tmp_path))
    assert users.authenticate("demo", "demo-pass") == User("demo", "acme-insurance")
    assert users.authenticate("demo", "other-pass") is None
    assert users.authenticate("nobody", "demo-pass") is None


def test_the_demo_users_file_has_demo_of_acme_insurance() -> None:
    users = UserDirectory.load(REPO_ROOT / "demo" / "users.yaml")
    assert users.authenticate("demo", "demo") == User("demo", "acme-insurance")


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("users: {}", "top-level 'users:' list"),
        ("users:\n  - {name: Demo, tenant: t, password_hash: x}", "name must match"),
        ("users:\n  - {name: demo, tenant: t, password_hash: plain}", "not a scrypt hash"),
        ("users:\n  - {name: demo, tenant: t}", "exactly the keys"),
        (
            "users:\n  - {name: demo, tenant: t, password_hash: 'scrypt$n=3,r=8,p=1$AA==$AA=='}",
            "out of range",
        ),
    ],
)
def test_a_broken_users_file_names_the_entry_and_the_problem(tmp_path: Path, text: str, says: str) -> None:
    path = tmp_path / "u.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=r"u\.yaml") as err:
        UserDirectory.load(path)
    assert says in str(err.value)


def test_tokens_expire_and_carry_their_kind() -> None:
    now = [1_000_000.0]
    signer = TokenSigner(b"a" * 32, clock=lambda: now[0])
    token = signer.issue("demo", "bearer", seconds=60)
    assert signer.verify(token, "bearer").user == "demo"
    with pytest.raises(TokenError, match="cannot be used as a session"):
        signer.verify(token, "session")
    with pytest.raises(TokenError, match="signature"):
        TokenSigner(b"b" * 32, clock=lambda: now[0]).verify(token, "bearer")
    now[0] += 61
    with pytest.raises(TokenError, match="expired"):
        signer.verify(token, "bearer")


def test_request_ids_bind_the_user_and_repeat_for_one_idempotency_key() -> None:
    ids = RequestIds(b"k" * 32)
    demo, other = User("demo", "acme-insurance"), User("demo", "strict-bank")
    rid = ids.new(demo)
    assert ids.owned_by(rid, demo) and not ids.owned_by(rid, other)
    assert ids.new(demo) != rid
    assert ids.new(demo, "key") == ids.new(demo, "key") != ids.new(other, "key")
    assert not RequestIds(b"x" * 32).owned_by(rid, demo)


def test_the_secret_is_made_once_with_mode_0600(tmp_path: Path) -> None:
    first = keys.load_or_create(tmp_path)
    assert keys.load_or_create(tmp_path) == first and len(first) == 32
    assert stat.S_IMODE(keys.key_path(tmp_path).stat().st_mode) == 0o600
    keys.key_path(tmp_path).chmod(0o644)
    with pytest.raises(ConfigError, match="chmod 600"):
        keys.load_or_create(tmp_path)
    assert keys.derive(first, "tokens") != keys.derive(first, "request-ids")


def test_the_hub_numbers_by_phase_keeps_the_first_and_implies_earlier_phases() -> None:
    hub = EventHub()
    hub.publish("r", [StreamEvent("admitted", {"implied": True}), StreamEvent("released", {"answer": "a"})])
    hub.publish("r", [StreamEvent("admitted", {"question": "late"}), StreamEvent("blocked", {})])
    assert [(e.id, e.kind, e.data) for e in hub.events("r")] == [
        (1, "admitted", {"implied": True}),
        (3, "released", {"answer": "a"}),
    ]


def test_the_hub_is_bounded_but_keeps_what_someone_follows() -> None:
    now = [0.0]
    hub = EventHub(max_requests=3, ttl_seconds=10, clock=lambda: now[0])

    async def follow_briefly() -> list[StreamEvent]:
        return [e async for e in hub.follow("followed", 0, deadline=now[0] + 1)]

    async def scenario() -> None:
        task = asyncio.create_task(follow_briefly())
        await asyncio.sleep(0)
        for i in range(5):
            hub.publish(f"r{i}", [StreamEvent("admitted", {})])
        assert len(hub) <= 4 and hub.knows("followed") and hub.knows("r4") and not hub.knows("r0")
        now[0] = 100.0
        hub.publish("fresh", [StreamEvent("admitted", {})])
        assert not hub.knows("r4") and hub.knows("fresh")
        await task

    asyncio.run(scenario())


def test_closing_the_hub_ends_every_stream_at_once() -> None:
    hub = EventHub()

    async def scenario() -> list[StreamEvent]:
        loop = asyncio.get_running_loop()
        follow = asyncio.create_task(_collect(hub, loop.time() + 60))
        await asyncio.sleep(0.05)
        hub.close()
        return await asyncio.wait_for(follow, 2)

    assert asyncio.run(scenario()) == []


async def _collect(hub: EventHub, deadline: float) -> list[StreamEvent]:
    return [e async for e in hub.follow("r", 0, deadline)]


def _listener(keys_dir: Path | None = None) -> tuple[OutcomeListener, GovernedCodec, Settings]:
    settings = Settings(bootstrap_servers="127.0.0.1:1", opa_url="http://127.0.0.1:1")
    if keys_dir is not None:
        settings = settings.model_copy(update={"keys_dir": keys_dir})
    hub = EventHub()
    codec = GovernedCodec(ContractRegistry.load(settings.contracts_dir, settings.topics))
    return OutcomeListener(settings, hub), codec, settings


def test_outcome_records_become_events_and_other_traces_are_ignored(tmp_path: Path) -> None:
    listener, codec, settings = _listener(tmp_path)
    codec = release_codec(settings, codec.registry)  # approvals signed as the release gate signs them
    t = settings.topics
    rid = RequestIds(b"k" * 32).new(User("demo", "acme-insurance"))
    approved = Envelope(type="answer.approved", contract="answers.approved@1", tenant="acme-insurance",
                        payload={"question": "q", "answer": "A.", "citations": ["c:1:0"], "model": "m",
                                 "template_version": "v", "decision_id": "d", "obligations": ["disclaimer"]},
                        trace=Trace(rid))  # fmt: skip
    value, headers = codec.encode(t.answers_approved, approved)
    assert listener.take(t.answers_approved, value, headers)
    kinds = [(e.id, e.kind) for e in listener.hub.events(rid)]
    assert kinds == [(1, "admitted"), (2, "drafting"), (3, "released")]
    outcome = listener.hub.events(rid)[-1].data
    assert outcome["signature_verified"] is True and outcome["audit_reference"] == "d"

    forged_id = RequestIds(b"k" * 32).new(User("demo", "acme-insurance"))
    forged = Envelope(type=approved.type, contract=approved.contract, tenant="acme-insurance",
                      payload=approved.payload, trace=Trace(forged_id))  # fmt: skip
    unsigned = GovernedCodec(codec.registry).encode(t.answers_approved, forged)
    assert listener.take(t.answers_approved, *unsigned)
    refused = listener.hub.events(forged_id)[-1]
    assert refused.kind == "error" and refused.data["code"] == "release.signature_invalid"
    assert not [e for e in listener.hub.events(forged_id) if e.kind == "released"]

    other = Envelope(type=approved.type, contract=approved.contract, tenant="t", payload=approved.payload)
    assert not listener.take(t.answers_approved, codec.encode(t.answers_approved, other)[0], [])
    assert not listener.take(t.answers_approved, b"not json", [])
    assert listener.skipped == 1


def _status(
    rid: str, phase: str, step: str, reasons: list[dict[str, str]] | None = None, **extra: object
) -> Envelope:
    payload = {"phase": phase, "status": step, "reasons": reasons or [], "decision_id": None, "model": None}
    return Envelope(type="request.status", contract="requests.status@1", tenant="acme-insurance",
                    payload={**payload, **extra}, trace=Trace(rid))  # fmt: skip


def test_an_admission_block_is_the_only_event_and_carries_the_rules_words() -> None:
    listener, codec, settings = _listener()
    rid = RequestIds(b"k" * 32).new(User("demo", "acme-insurance"))
    reason = {"code": "request.personal_data", "message": "The prompt asks for personal data about a person."}
    blocked = _status(rid, "admission", "blocked", [reason], decision_id="dec-1")
    assert listener.take(
        settings.topics.requests_status, *codec.encode(settings.topics.requests_status, blocked)
    )
    [event] = listener.hub.events(rid)
    assert (event.id, event.kind) == (3, "blocked")
    assert event.data == {"phase": "admission", "reasons": [reason], "audit_reference": "dec-1"}


def test_status_records_become_the_steps_and_later_steps_imply_earlier_ones() -> None:
    listener, codec, settings = _listener()
    topic, ids = settings.topics.requests_status, RequestIds(b"k" * 32)
    user = User("demo", "acme-insurance")

    def take(envelope: Envelope) -> list[tuple[int, str, dict[str, object]]]:
        assert listener.take(topic, *codec.encode(topic, envelope))
        return [(e.id, e.kind, e.data) for e in listener.hub.events(envelope.trace.trace_id)]

    rid = ids.new(user)
    assert take(_status(rid, "admission", "admitted", decision_id="a-1")) == [
        (1, "admitted", {"audit_reference": "a-1"})
    ]
    assert take(_status(rid, "infer", "drafting", model="tiny")) == [
        (1, "admitted", {"audit_reference": "a-1"}),
        (2, "drafting", {"model": "tiny"}),
    ]
    late = ids.new(user)  # the drafting step read first: admission is implied
    assert take(_status(late, "infer", "drafting", model="tiny"))[0] == (1, "admitted", {"implied": True})
    ungrounded = {"code": "grounding.unsupported", "message": "The answer says what its sources do not."}
    release = take(_status(ids.new(user), "release", "blocked", [ungrounded], decision_id="r-1"))
    assert [k for _, k, _ in release] == ["admitted", "drafting", "blocked"]
    assert release[-1][2] == {"phase": "release", "reasons": [ungrounded], "audit_reference": "r-1"}
    failed = {
        "code": "llm.rejected",
        "message": "The infer stage could not process this request (llm.rejected).",
    }
    error = take(_status(ids.new(user), "infer", "error", [failed]))
    assert [k for _, k, _ in error] == ["admitted", "error"]
    assert error[-1][2] == {"phase": "infer", "code": "llm.rejected", "message": failed["message"],
                            "audit_reference": None}  # fmt: skip


def test_the_listener_reads_approvals_and_statuses_only() -> None:
    listener, codec, settings = _listener()
    t = settings.topics
    assert set(listener._mappers) == {t.answers_approved, t.requests_status}
    rid = RequestIds(b"k" * 32).new(User("demo", "acme-insurance"))
    reason = [{"code": "request.personal_data", "message": "m"}]
    rejected = Envelope(type="answer.rejected", contract="answers.rejected@1", tenant="acme-insurance",
                        payload={"gate": "admission", "question": "q", "answer": None, "reasons": reason,
                                 "decision_id": "dec-1"}, trace=Trace(rid))  # fmt: skip
    assert not listener.take(t.answers_rejected, *codec.encode(t.answers_rejected, rejected))
    assert listener.hub.events(rid) == []
