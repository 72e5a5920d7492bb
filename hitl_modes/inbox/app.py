"""The approval inbox as an ASGI app (Starlette): a page for people, a small JSON API for chats.

HTTP API (JSON bodies must be ``Content-Type: application/json`` and at most ``MAX_BODY_BYTES``):

=========================================  =====  ===========================================================
``GET  /``                                 -      the page (static HTML; prompts are fetched, shown as text)
``GET  /static/inbox.js``, ``inbox.css``   -      the page's script and style, served by the app itself
``GET  /healthz``                          -      ``{"ok": true}``: is the inbox up?
``GET  /api/events``                       -      server-sent events: ``change`` with ``{"version": N}``
``GET  /api/session``                      any    ``{"role": "reviewer" | "agent"}``: which token is this?
``PUT  /api/prompts/{id}``                 agent  a chat submits a prompt (idempotent for the same id)
``GET  /api/prompts/{id}?wait=S``          agent  a chat waits (long poll, up to S s) for its decision
``POST /api/prompts/{id}/expire``          agent  a chat stopped waiting; a decision that won the race wins
``GET  /api/prompts``                      token  pending prompts with content and risk, and recent ones
``POST /api/prompts/{id}/decision``        token  ``{"action": "approve" | "reply" | "stop", "text": ...}``
``GET  /api/audit``                        token  the audit trail
=========================================  =====  ===========================================================

Deciding and reading prompt content need the reviewer's token (``Authorization: Bearer TOKEN``),
printed at start-up and carried in the page's link after ``#``, so it never reaches a server log.
Chats need the separate agent token (``hitl_modes.inbox.tokens``): neither side can act for the
other. The token is checked before anything else, so without it you cannot even learn whether an
id exists.
"""

from __future__ import annotations

import asyncio
import html
import json
import secrets
import threading
from contextlib import asynccontextmanager
from importlib import resources
from typing import Any, AsyncIterator, Dict, List, Optional, Protocol, Sequence, Tuple

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response, StreamingResponse
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from ..approvals.vocabulary import reply_decision
from .client import APPROVE_EFFECTS, approve_effect
from .store import MAX_TIMEOUT_SECONDS, PROMPT_ID_PATTERN, ConversationTurn, InboxStore
from .text import unsafe_field
from .tokens import AGENT_TOKEN_ENV, InboxTokens

__all__ = ["create_inbox_app", "RiskAssessor", "MAX_BODY_BYTES", "LOOPBACK_HOSTS"]

#: Bodies larger than this are refused with 413: a prompt plus a few recent messages fit easily.
MAX_BODY_BYTES = 256 * 1024
#: How long one long poll or one event stream lasts before the client reconnects.
LONG_POLL_SECONDS = 20.0
EVENT_STREAM_SECONDS = 15.0
_TICK = 0.25
_MAX_CONVERSATION = 50
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1", "[::1]")

_ACTIONS = ("approve", "reply", "stop")
_SECURITY_HEADERS = {
    # No inline script, no foreign origin: even a prompt that slipped into the DOM as HTML could not run.
    "Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
    "img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


def host_of(header: str) -> str:
    """The host name in a ``Host`` header, without the port: ``[::1]:8765`` -> ``[::1]``,
    ``localhost:8765`` -> ``localhost``. (Starlette's TrustedHostMiddleware cuts at the first ``:``,
    which turns every IPv6 literal into ``[``.)"""
    header = header.strip().lower()
    if header.startswith("["):
        end = header.find("]")
        return header[: end + 1] if end > 0 else header
    return header.split(":", 1)[0]


class HostCheckMiddleware:
    """Refuse (400) a request whose ``Host`` header names a host the inbox does not serve: a page on
    ``evil.example`` that resolves to 127.0.0.1 (DNS rebinding) cannot reach the inbox."""

    def __init__(self, app: ASGIApp, allowed_hosts: Sequence[str]) -> None:
        self.app = app
        # A bare IPv6 literal ("::1") is written "[::1]" in a Host header; host_of("::1") would be "".
        self.allowed = {f"[{h}]" if ":" in h and not h.startswith("[") else host_of(h) for h in allowed_hosts}
        self.allowed.discard("")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            headers = dict(scope.get("headers") or [])
            host = host_of(headers.get(b"host", b"").decode("latin-1"))
            if not host or host not in self.allowed:
                await PlainTextResponse("Invalid host header", status_code=400)(scope, receive, send)
                return
        await self.app(scope, receive, send)


class RiskAssessor(Protocol):
    """What the inbox needs from a policy: ``hitl_modes.RiskPolicy`` fits."""

    def assess(self, text: str) -> Any: ...


class _AsciiJSONResponse(JSONResponse):
    """JSON written in ASCII: text that is not valid UTF-8 (stored before :mod:`.text` made it safe)
    is sent as its escape, so an answer can never fail after the database was written."""

    def render(self, content: Any) -> bytes:
        return json.dumps(content, ensure_ascii=True, allow_nan=False, separators=(",", ":")).encode("ascii")


def _error(status: int, message: str, **extra: Any) -> JSONResponse:
    return _AsciiJSONResponse({"error": message, **extra}, status_code=status, headers=_SECURITY_HEADERS)


def _ok(data: Any, status: int = 200) -> JSONResponse:
    return _AsciiJSONResponse(data, status_code=status, headers=_SECURITY_HEADERS)


async def _json_body(request: Request) -> Dict[str, Any]:
    """The body as a JSON object, or a 4xx naming what is wrong (size is capped by Starlette: 413)."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "application/json":
        raise HTTPException(415, f"send JSON with Content-Type: application/json (got {content_type or 'none'!r})")
    raw = await request.body()
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise HTTPException(400, f"the body is not valid UTF-8 JSON: {e}") from None
    except RecursionError:
        raise HTTPException(400, "the body's JSON is nested too deeply: send a flat object") from None
    if not isinstance(data, dict):
        raise HTTPException(400, f"the body must be a JSON object, got {type(data).__name__}")
    where = unsafe_field(data)
    if where is not None:
        raise HTTPException(
            422,
            f"{where} holds a lone surrogate (\\ud800-\\udfff), which is not text: send it escaped "
            "(hitl_modes.inbox.text.make_safe does)",
        )
    return data


def _field(data: Dict[str, Any], name: str, kind: type, *, required: bool = True, default: Any = None) -> Any:
    if name not in data or data[name] is None:
        if required:
            raise HTTPException(422, f"missing field {name!r}")
        return default
    if required and kind is str and not str(data[name]).strip():
        raise HTTPException(422, f"field {name!r} must not be empty")
    value = data[name]
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if not isinstance(value, kind) or isinstance(value, bool):
        raise HTTPException(422, f"field {name!r} must be a {kind.__name__}, got {type(value).__name__}")
    return value


def _conversation(data: Dict[str, Any]) -> List[ConversationTurn]:
    turns = _field(data, "conversation", list, required=False, default=[])
    if len(turns) > _MAX_CONVERSATION:
        raise HTTPException(422, f"at most {_MAX_CONVERSATION} conversation messages, got {len(turns)}")
    out = []
    for i, t in enumerate(turns):
        if not isinstance(t, dict) or not all(isinstance(t.get(k, ""), str) for k in ("name", "role", "content")):
            raise HTTPException(422, f"conversation[{i}] must be an object of strings name, role, content")
        out.append(ConversationTurn(t.get("name", ""), t.get("role", ""), t.get("content", "")))
    return out


def _assess(policy: RiskAssessor, prompt: str, conversation: Sequence[ConversationTurn]) -> Tuple[str, List[str]]:
    """Assess what the person is asked to let happen: the last message (the proposed action),
    or the prompt itself when the chat sent no conversation."""
    text = conversation[-1].content if conversation else prompt
    assessment = policy.assess(text)
    return str(assessment.level), [str(r) for r in assessment.reasons]


def _page(db_label: str) -> str:
    template = resources.files("hitl_modes.inbox").joinpath("static/index.html").read_text(encoding="utf-8")
    return template.replace("{{db}}", html.escape(db_label, quote=True))


def create_inbox_app(
    store: InboxStore,
    tokens: InboxTokens,
    *,
    policy: Optional[RiskAssessor] = None,
    allowed_hosts: Sequence[str] = LOOPBACK_HOSTS,
    db_label: str = "",
    stopping: Optional[threading.Event] = None,
) -> Starlette:
    """Build the inbox app on ``store``. ``tokens.reviewer`` guards deciding and reading prompts,
    ``tokens.agent`` submitting and polling them.

    ``allowed_hosts`` is checked against the ``Host`` header, so a web page elsewhere cannot reach
    a loopback inbox through DNS rebinding. ``stopping`` ends long polls and event streams early
    when the server is asked to stop.
    """
    if policy is None:
        from ..risk.policy import RiskPolicy

        policy = RiskPolicy()
    assessor: RiskAssessor = policy
    stop_event = stopping or threading.Event()
    page = _page(db_label or store.path)
    static_files = {
        "inbox.js": "text/javascript; charset=utf-8",
        "inbox.css": "text/css; charset=utf-8",
    }

    def holds(request: Request, token: str) -> bool:
        header = request.headers.get("authorization", "")
        scheme, _, given = header.partition(" ")
        return scheme.lower() == "bearer" and secrets.compare_digest(given.strip().encode(), token.encode())

    def authorized(request: Request) -> bool:
        return holds(request, tokens.reviewer)

    def need_token() -> JSONResponse:
        return JSONResponse(
            {
                "error": "this needs the inbox token: open the link `hitl-modes inbox` printed "
                "(it ends in #token=...), or send Authorization: Bearer TOKEN"
            },
            status_code=401,
            headers={**_SECURITY_HEADERS, "WWW-Authenticate": "Bearer"},
        )

    def need_agent_token() -> JSONResponse:
        return JSONResponse(
            {
                "error": "chats need the inbox's agent token: `hitl-modes inbox` prints it; give it to the chat "
                f"as {AGENT_TOKEN_ENV}=..., or in the inbox URL after #agent=, or send Authorization: Bearer TOKEN"
            },
            status_code=401,
            headers={**_SECURITY_HEADERS, "WWW-Authenticate": "Bearer"},
        )

    def agent_only(endpoint: Any) -> Any:
        async def run(request: Request) -> Response:
            if not holds(request, tokens.agent):
                return need_agent_token()
            return await endpoint(request)

        run.__name__ = endpoint.__name__
        return run

    def prompt_id_of(request: Request) -> str:
        prompt_id = request.path_params["prompt_id"]
        if not PROMPT_ID_PATTERN.fullmatch(prompt_id):
            raise HTTPException(422, "a prompt id is 8-64 letters, digits, '-' or '_'")
        return str(prompt_id)

    async def index(request: Request) -> Response:
        return HTMLResponse(page, headers=_SECURITY_HEADERS)

    async def static(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in static_files:
            return _error(404, f"no static file {name!r}")
        body = resources.files("hitl_modes.inbox").joinpath(f"static/{name}").read_bytes()
        return Response(body, media_type=static_files[name], headers=_SECURITY_HEADERS)

    async def healthz(request: Request) -> Response:
        return _ok({"ok": True, "pending": len(store.pending())})

    async def session(request: Request) -> Response:
        if holds(request, tokens.reviewer):
            return _ok({"role": "reviewer"})
        if holds(request, tokens.agent):
            return _ok({"role": "agent"})
        return need_token()

    async def submit(request: Request) -> Response:
        prompt_id = prompt_id_of(request)
        data = await _json_body(request)
        agent = _field(data, "agent", str)
        prompt = _field(data, "prompt", str)
        timeout = _field(data, "timeout", float)
        if not 0 < timeout <= MAX_TIMEOUT_SECONDS:
            raise HTTPException(422, f"timeout must be in (0, {MAX_TIMEOUT_SECONDS:.0f}] seconds, got {timeout}")
        conversation = _conversation(data)
        approve = _field(data, "approve", str, required=False, default=None) or approve_effect(prompt)
        if approve not in APPROVE_EFFECTS:
            raise HTTPException(422, f"approve must be one of {', '.join(APPROVE_EFFECTS)}; got {approve!r}")
        existing = store.get(prompt_id)
        if existing is None:
            level, reasons = _assess(assessor, prompt, conversation)
        else:
            level, reasons = existing.risk_level, existing.risk_reasons
        outcome, record = store.submit(
            prompt_id,
            agent=agent,
            prompt=prompt,
            conversation=conversation,
            risk_level=level,
            risk_reasons=reasons,
            timeout=timeout,
            approve=approve,
        )
        if outcome == "conflict":
            return _error(409, f"prompt id {prompt_id!r} is already used by a different prompt: choose a fresh id")
        return _ok(record.to_json(with_content=False), status=201 if outcome == "created" else 200)

    async def status(request: Request) -> Response:
        prompt_id = prompt_id_of(request)
        try:
            wait = float(request.query_params.get("wait", "0"))
        except ValueError:
            raise HTTPException(422, "wait must be a number of seconds") from None
        wait = max(0.0, min(wait, LONG_POLL_SECONDS))
        deadline = asyncio.get_running_loop().time() + wait
        while True:
            store.expire_overdue()
            record = store.get(prompt_id)
            if record is None:
                return _error(404, f"no prompt {prompt_id!r}: submit it with PUT first")
            if record.status != "pending" or stop_event.is_set() or asyncio.get_running_loop().time() >= deadline:
                return _ok(record.to_json(with_content=False))
            await asyncio.sleep(_TICK)

    async def expire(request: Request) -> Response:
        outcome, record = store.expire(prompt_id_of(request))
        if record is None:
            return _error(404, "no such prompt")
        return _ok(record.to_json(with_content=False))

    async def listing(request: Request) -> Response:
        if not authorized(request):
            return need_token()
        store.expire_overdue()
        return _ok(
            {
                "pending": [r.to_json() for r in store.pending()],
                "recent": [r.to_json() for r in store.recent()],
                "version": store.version(),
            }
        )

    async def decide(request: Request) -> Response:
        if not authorized(request):
            return need_token()
        prompt_id = prompt_id_of(request)
        data = await _json_body(request)
        action = _field(data, "action", str)
        if action not in _ACTIONS:
            raise HTTPException(422, f"action must be one of {', '.join(_ACTIONS)}; got {action!r}")
        text = _field(data, "text", str, required=False, default="")
        if action == "reply":
            if not text.strip():
                raise HTTPException(422, "a reply needs text; to proceed without feedback use approve")
            response = text
        else:
            response = "" if action == "approve" else "exit"
        decision = reply_decision(response)
        outcome, record = store.decide(prompt_id, decision, response)
        if record is None:
            return _error(404, f"no prompt {prompt_id!r}")
        if outcome == "conflict":
            return _error(
                409, f"prompt {prompt_id!r} is already {record.status}: nothing changed", prompt=record.to_json()
            )
        return _ok(record.to_json())

    async def audit(request: Request) -> Response:
        if not authorized(request):
            return need_token()
        return _ok({"events": store.audit_trail(request.query_params.get("prompt_id"))})

    async def events(request: Request) -> Response:
        async def stream() -> AsyncIterator[str]:
            loop = asyncio.get_running_loop()
            end = loop.time() + EVENT_STREAM_SECONDS
            last = -1
            yield "retry: 1000\n\n"
            while loop.time() < end and not stop_event.is_set():
                store.expire_overdue()
                version = store.version()
                if version != last:
                    last = version
                    yield f"event: change\ndata: {json.dumps({'version': version})}\n\n"
                await asyncio.sleep(_TICK)

        return StreamingResponse(
            stream(), media_type="text/event-stream", headers={**_SECURITY_HEADERS, "X-Accel-Buffering": "no"}
        )

    def guarded(endpoint: Any) -> Any:
        async def run(request: Request) -> Response:
            try:
                return await endpoint(request)
            except HTTPException as e:  # a bad request, raised by the helpers below
                return _error(e.status_code, e.detail)

        run.__name__ = endpoint.__name__
        return run

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        stop_event.set()

    routes = [
        Route("/", index),
        Route("/static/{name}", static),
        Route("/healthz", healthz),
        Route("/api/events", events),
        Route("/api/session", session, methods=["GET"]),
        Route("/api/prompts", guarded(listing), methods=["GET"]),
        Route("/api/audit", guarded(audit), methods=["GET"]),
        Route("/api/prompts/{prompt_id}", agent_only(guarded(submit)), methods=["PUT"]),
        Route("/api/prompts/{prompt_id}", agent_only(guarded(status)), methods=["GET"]),
        Route("/api/prompts/{prompt_id}/decision", guarded(decide), methods=["POST"]),
        Route("/api/prompts/{prompt_id}/expire", agent_only(guarded(expire)), methods=["POST"]),
    ]
    middleware = []
    if "*" not in allowed_hosts:
        middleware.append(Middleware(HostCheckMiddleware, allowed_hosts=list(allowed_hosts)))
    return Starlette(routes=routes, middleware=middleware, lifespan=lifespan, max_body_size=MAX_BODY_BYTES)
