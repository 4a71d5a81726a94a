"""The ASGI application: the page, sign-in, `POST /api/ask`, the event stream and health."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.telemetry import TelemetryConfig
from sse_starlette import EventSourceResponse, ServerSentEvent
from starlette.exceptions import HTTPException as StarletteHTTPException

from engine.errors import ContractViolation
from engine.web import parsing
from engine.web.events import TERMINAL, EventHub
from engine.web.listener import OutcomeListener
from engine.web.parsing import BadRequest
from engine.web.request_ids import RequestIds
from engine.web.submit import SubmitError, Submitter
from engine.web.tokens import SESSION_SECONDS, TokenError, TokenSigner
from engine.web.users import User, UserDirectory

log = logging.getLogger(__name__)
STATIC = Path(__file__).parent / "static"
COOKIE = "governor_session"
RETRY_MS = 1000
# FastAPI's own OpenTelemetry off, its OTLP auto-configuration included: Governor connects only to the
# endpoints its settings name, whatever FASTAPI_OTEL_AUTO_CONFIGURE says.
NO_TELEMETRY: TelemetryConfig = {
    "tracing": False, "metrics": False, "logs": False, "operation_spans": False, "auto_configure": False,
}  # fmt: skip
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; "
    "base-uri 'none'; form-action 'self'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


@dataclass
class WebContext:
    """What one instance needs; tests build it with fakes for the submitter and without a listener."""

    users: UserDirectory
    signer: TokenSigner
    ids: RequestIds
    hub: EventHub
    submitter: Submitter
    listener: OutcomeListener | None = None
    stream_seconds: float = 300.0
    ping_seconds: float = 15.0


def create_app(ctx: WebContext) -> FastAPI:
    app = FastAPI(title="Governor", docs_url=None, redoc_url=None, openapi_url=None, telemetry=NO_TELEMETRY)
    _errors(app)

    @app.middleware("http")
    async def security_headers(request: Request, call_next: Any) -> Response:
        response: Response = await call_next(request)
        response.headers.update(SECURITY_HEADERS)
        return response

    @app.get("/", include_in_schema=False)
    async def index() -> FileResponse:
        return FileResponse(STATIC / "index.html", headers={"Cache-Control": "no-store"})

    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/api/health")
    async def health() -> JSONResponse:
        listener = ctx.listener
        ok = listener is None or listener.healthy()
        body = {
            "status": "ok" if ok else "degraded",
            "outcome_listener": "none"
            if listener is None
            else ("ok" if ok else listener.problem or "starting"),
            "requests_in_memory": len(ctx.hub),
        }
        return JSONResponse(body, status_code=200 if ok else 503)

    @app.post("/api/session")
    async def sign_in(request: Request) -> JSONResponse:
        _json_only(request)
        creds = parsing.parse_credentials(await request.body())
        user = await asyncio.to_thread(ctx.users.authenticate, creds.username, creds.password)
        if user is None:
            raise BadRequest("wrong user name or password", 401)
        response = JSONResponse(_me(user))
        response.set_cookie(
            COOKIE, ctx.signer.issue(user.name, "session"), max_age=SESSION_SECONDS,
            httponly=True, samesite="strict", path="/",
        )  # fmt: skip
        return response

    @app.delete("/api/session", status_code=204)
    async def sign_out() -> Response:
        response = Response(status_code=204)
        response.delete_cookie(COOKIE, path="/")
        return response

    @app.get("/api/me")
    async def me(request: Request) -> JSONResponse:
        return JSONResponse(_me(_user(ctx, request)))

    @app.post("/api/ask", status_code=202)
    async def ask(request: Request) -> JSONResponse:
        user = _user(ctx, request)
        _json_only(request)
        asked = parsing.parse_ask(await request.body(), request.headers.get("idempotency-key"))
        request_id = ctx.ids.new(user, asked.idempotency_key)
        if not ctx.hub.knows(request_id):  # a retry with the same key is not asked twice
            ctx.hub.open(request_id)
            try:
                await asyncio.to_thread(ctx.submitter.submit, request_id, user, asked.question)
            except ContractViolation as exc:
                raise BadRequest(f"the question breaks the prompt contract: {exc}", 422) from None
            except SubmitError as exc:
                log.warning("web submit failed error=%s", exc)
                raise BadRequest(f"could not submit the question: {exc}", 503) from None
        body = {"request_id": request_id, "events": f"/api/ask/{request_id}/events"}
        return JSONResponse(body, status_code=202)

    @app.get("/api/ask/{request_id}/events")
    async def events(request_id: str, request: Request) -> Response:
        user = _user(ctx, request)
        if not ctx.ids.owned_by(request_id, user):
            raise BadRequest(f"no request {request_id[:80]} of yours", 404)
        header = request.headers.get("last-event-id")
        after = parsing.parse_last_event_id(
            header if header is not None else request.query_params.get("after")
        )
        done = [e for e in ctx.hub.events(request_id) if e.kind in TERMINAL and e.id <= after]
        if done:  # the stream already ended for this client: 204 tells EventSource not to reconnect
            return Response(status_code=204)
        return EventSourceResponse(
            _stream(ctx, request_id, after),
            ping=int(ctx.ping_seconds),
            headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
        )

    return app


async def _stream(ctx: WebContext, request_id: str, after: int) -> AsyncIterator[ServerSentEvent]:
    yield ServerSentEvent(comment="governor", retry=RETRY_MS)
    deadline = ctx.hub.now() + ctx.stream_seconds
    ended = False
    # aclosing: a client that goes away stops following at once, not when the generator is collected.
    async with contextlib.aclosing(ctx.hub.follow(request_id, after, deadline)) as events:
        async for event in events:
            yield ServerSentEvent(data=json.dumps(event.data), event=event.kind, id=str(event.id))
            ended = event.kind in TERMINAL
    if not ended and not ctx.hub.closed:
        # No id: a reconnect resumes after the last real event, and may still see the outcome.
        late = {
            "phase": "web",
            "code": "web.timeout",
            "message": "No decision yet; reconnect to keep waiting.",
        }
        yield ServerSentEvent(data=json.dumps(late), event="error")


def _me(user: User) -> dict[str, str]:
    return {"user": user.name, "tenant": user.tenant}


def _json_only(request: Request) -> None:
    # Also the CSRF guard: a cross-site form cannot send application/json without a preflight.
    if request.headers.get("content-type", "").split(";")[0].strip().lower() != "application/json":
        raise BadRequest("send the body as JSON (Content-Type: application/json)", 415)


def _user(ctx: WebContext, request: Request) -> User:
    """The signed-in user, from a bearer token or else the session cookie; BadRequest(401) otherwise."""
    token, kind = parsing.bearer_token(request.headers.get("authorization")), "bearer"
    if token is None:
        token, kind = request.cookies.get(COOKIE), "session"
    if token is None:
        raise BadRequest(
            "sign in, or send 'Authorization: Bearer TOKEN' (governor web token --user NAME)", 401
        )
    try:
        claims = ctx.signer.verify(token, "bearer" if kind == "bearer" else "session")
    except TokenError as exc:
        raise BadRequest(str(exc), 401) from None
    user = ctx.users.get(claims.user)
    if user is None:
        raise BadRequest(f"user '{claims.user}' is not in the users file any more", 401)
    return user


def _errors(app: FastAPI) -> None:
    """Every refusal is `{"error": "one clear line"}` with a 4xx/5xx status."""

    @app.exception_handler(BadRequest)
    async def bad_request(request: Request, exc: BadRequest) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
        return JSONResponse({"error": str(exc)}, status_code=exc.status, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()))
        return JSONResponse({"error": f"{where}: {first.get('msg', 'invalid input')}"}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return JSONResponse({"error": str(exc.detail)}, status_code=exc.status_code)
