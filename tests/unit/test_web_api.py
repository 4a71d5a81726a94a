"""The web API without Kafka: who may ask, what a refusal says, and what the event stream sends."""

from __future__ import annotations

import json
import re
import threading
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from engine.web.app import COOKIE, WebContext, create_app
from engine.web.events import StreamEvent
from engine.web.users import User
from tests.unit.web_fixtures import RecordingSubmitter, context

DEMO = User("demo", "acme-insurance")


@pytest.fixture
def ctx(tmp_path: Path) -> WebContext:
    return context(tmp_path)


@pytest.fixture
def client(ctx: WebContext) -> TestClient:
    return TestClient(create_app(ctx), base_url="http://127.0.0.1")


def bearer(ctx: WebContext, user: str = "demo") -> dict[str, str]:
    return {"Authorization": f"Bearer {ctx.signer.issue(user, 'bearer')}"}


def sse(text: str) -> list[dict[str, str]]:
    """The events of an event-stream body (comments and retry-only blocks dropped)."""
    events = []
    for block in re.split(r"\r?\n\r?\n", text):
        fields: dict[str, str] = {}
        for line in block.splitlines():
            name, _, value = line.partition(":")
            if name in ("id", "event", "data"):
                fields[name] = value.removeprefix(" ")
        if "event" in fields:
            events.append(fields)
    return events


def test_asking_without_a_session_or_token_is_401(client: TestClient) -> None:
    r = client.post("/api/ask", json={"question": "Hello?"})
    assert r.status_code == 401
    assert "sign in" in r.json()["error"]


def test_sign_in_sets_an_http_only_cookie_and_me_names_the_users_tenant(client: TestClient) -> None:
    assert client.post("/api/session", json={"username": "demo", "password": "wrong"}).status_code == 401
    r = client.post("/api/session", json={"username": "demo", "password": "demo-pass"})
    assert r.status_code == 200 and r.json() == {"user": "demo", "tenant": "acme-insurance"}
    cookie = r.headers["set-cookie"]
    assert COOKIE in cookie and "HttpOnly" in cookie and "samesite=strict" in cookie.lower()
    assert client.get("/api/me").json()["tenant"] == "acme-insurance"
    client.delete("/api/session")
    assert client.get("/api/me").status_code == 401


def test_ask_answers_202_and_submits_for_the_tenant_of_the_user_record(
    client: TestClient, ctx: WebContext
) -> None:
    r = client.post("/api/ask", json={"question": "  What is the excess?  "}, headers=bearer(ctx))
    assert r.status_code == 202
    request_id = r.json()["request_id"]
    assert isinstance(ctx.submitter, RecordingSubmitter)
    assert ctx.submitter.asked == [(request_id, DEMO, "What is the excess?")]
    assert ctx.ids.owned_by(request_id, DEMO)


def test_a_tenant_in_the_body_is_refused_with_the_reason(client: TestClient, ctx: WebContext) -> None:
    r = client.post("/api/ask", json={"question": "Hi?", "tenant": "default"}, headers=bearer(ctx))
    assert r.status_code == 400
    assert r.json() == {"error": "'tenant' is not accepted: your tenant comes from your user record"}
    assert isinstance(ctx.submitter, RecordingSubmitter) and ctx.submitter.asked == []


@pytest.mark.parametrize(
    ("body", "content_type", "status", "says"),
    [
        (b"{not json", "application/json", 400, "not valid JSON"),
        (b"[1, 2]", "application/json", 400, "must be a JSON object"),
        (b"{}", "application/json", 400, "'question' is required"),
        (b'{"question": "   "}', "application/json", 400, "must not be empty"),
        (b'{"question": 42}', "application/json", 400, "must be a string"),
        (json.dumps({"question": "x" * 4001}).encode(), "application/json", 400, "longer than 4000"),
        (b'{"question": "hi", "extra": 1}', "application/json", 400, "unknown field(s): 'extra'"),
        (b'{"question": "hi"}', "text/plain", 415, "Content-Type: application/json"),
        (b'{"question": "' + b"x" * 20000 + b'"}', "application/json", 413, "larger than"),
        (b'{"question": "hi", "idempotency_key": "a b"}', "application/json", 400, "idempotency key"),
    ],
)
def test_malformed_input_gets_a_4xx_with_one_clear_line(
    client: TestClient, ctx: WebContext, body: bytes, content_type: str, status: int, says: str
) -> None:
    r = client.post("/api/ask", content=body, headers={**bearer(ctx), "Content-Type": content_type})
    assert r.status_code == status
    error = r.json()["error"]
    assert says in error and "\n" not in error and "Traceback" not in error


def test_a_retry_with_the_same_idempotency_key_is_not_asked_twice(
    client: TestClient, ctx: WebContext
) -> None:
    first = client.post(
        "/api/ask", json={"question": "Q?"}, headers={**bearer(ctx), "Idempotency-Key": "k-1"}
    )
    again = client.post("/api/ask", json={"question": "Q?", "idempotency_key": "k-1"}, headers=bearer(ctx))
    other = client.post(
        "/api/ask", json={"question": "Q?", "idempotency_key": "k-1"}, headers=bearer(ctx, "mallory")
    )
    assert first.json()["request_id"] == again.json()["request_id"] != other.json()["request_id"]
    assert isinstance(ctx.submitter, RecordingSubmitter) and len(ctx.submitter.asked) == 2


def test_tokens_of_the_wrong_kind_or_forged_are_401(client: TestClient, ctx: WebContext) -> None:
    session = ctx.signer.issue("demo", "session")
    r = client.get("/api/me", headers={"Authorization": f"Bearer {session}"})
    assert r.status_code == 401 and "session token cannot be used as a bearer" in r.json()["error"]
    forged = bearer(ctx)["Authorization"][:-4] + "AAAA"
    assert client.get("/api/me", headers={"Authorization": forged}).status_code == 401
    assert client.get("/api/me", headers={"Authorization": "Basic abc"}).status_code == 401
    expired = ctx.signer.issue("demo", "bearer", seconds=-1)
    r = client.get("/api/me", headers={"Authorization": f"Bearer {expired}"})
    assert r.status_code == 401 and "expired" in r.json()["error"]


def released(ctx: WebContext, request_id: str) -> None:
    ctx.hub.publish(request_id, [StreamEvent("admitted", {"question": "Q?", "audit_reference": "d1"})])
    ctx.hub.publish(request_id, [StreamEvent("drafting", {"model": "m"})])
    data = {"answer": "Fourteen days.", "citations": ["cooling:1:0"], "obligations": ["disclaimer"],
            "model": "m", "audit_reference": "d2", "signature_verified": False}  # fmt: skip
    ctx.hub.publish(request_id, [StreamEvent("released", data)])


def test_the_stream_sends_every_phase_in_order_and_ends_at_the_outcome(
    client: TestClient, ctx: WebContext
) -> None:
    request_id = ctx.ids.new(DEMO)
    released(ctx, request_id)
    r = client.get(f"/api/ask/{request_id}/events", headers=bearer(ctx))
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
    events = sse(r.text)
    assert [(e["id"], e["event"]) for e in events] == [
        ("1", "admitted"),
        ("2", "drafting"),
        ("3", "released"),
    ]
    outcome = json.loads(events[-1]["data"])
    assert outcome["citations"] == ["cooling:1:0"] and outcome["signature_verified"] is False
    assert "retry: 1000" in r.text


def test_last_event_id_resumes_after_it_and_a_finished_stream_is_204(
    client: TestClient, ctx: WebContext
) -> None:
    request_id = ctx.ids.new(DEMO)
    released(ctx, request_id)
    url = f"/api/ask/{request_id}/events"
    r = client.get(url, headers={**bearer(ctx), "Last-Event-ID": "1"})
    assert [e["id"] for e in sse(r.text)] == ["2", "3"]
    assert [e["id"] for e in sse(client.get(f"{url}?after=2", headers=bearer(ctx)).text)] == ["3"]
    assert client.get(url, headers={**bearer(ctx), "Last-Event-ID": "3"}).status_code == 204
    bad = client.get(url, headers={**bearer(ctx), "Last-Event-ID": "x1"})
    assert bad.status_code == 400 and "Last-Event-ID" in bad.json()["error"]


def test_events_arriving_while_a_client_waits_are_pushed_to_it(client: TestClient, ctx: WebContext) -> None:
    request_id = ctx.ids.new(DEMO)
    reason = {"code": "request.personal_data", "message": "asks for data"}
    blocked = {"phase": "admission", "reasons": [reason], "audit_reference": "d9"}
    timer = threading.Timer(0.5, ctx.hub.publish, (request_id, [StreamEvent("blocked", blocked)]))
    timer.start()
    r = client.get(f"/api/ask/{request_id}/events", headers=bearer(ctx))
    timer.join()
    events = sse(r.text)
    assert [(e["id"], e["event"]) for e in events] == [("3", "blocked")]  # stopped at admission: at once
    assert json.loads(events[0]["data"])["reasons"][0]["code"] == "request.personal_data"


def test_a_stream_with_no_outcome_in_time_ends_with_an_id_less_timeout(tmp_path: Path) -> None:
    ctx = context(tmp_path, stream_seconds=0.3)
    client = TestClient(create_app(ctx), base_url="http://127.0.0.1")
    request_id = ctx.ids.new(DEMO)
    events = sse(client.get(f"/api/ask/{request_id}/events", headers=bearer(ctx)).text)
    assert events == [{"event": "error", "data": events[0]["data"]}]
    assert json.loads(events[0]["data"])["code"] == "web.timeout"


def test_only_the_owner_may_follow_a_request(client: TestClient, ctx: WebContext) -> None:
    request_id = ctx.ids.new(DEMO)
    assert client.get(f"/api/ask/{request_id}/events", headers=bearer(ctx, "mallory")).status_code == 404
    assert client.get("/api/ask/web-123/events", headers=bearer(ctx)).status_code == 404


def test_health_and_the_page_are_served_locally(client: TestClient) -> None:
    health = client.get("/api/health")
    assert health.status_code == 200 and health.json()["status"] == "ok"
    page = client.get("/")
    assert page.status_code == 200 and "default-src 'self'" in page.headers["content-security-policy"]
    assets = [page.text] + [client.get(f"/static/{n}").text for n in ("app.js", "app.css")]
    for text in assets:
        assert not re.search(r"(https?:)?//[a-z0-9.-]+\.[a-z]{2,}/", text), "an external URL in a page asset"
    assert 'name="viewport"' in page.text and "@media (max-width" in assets[2]
