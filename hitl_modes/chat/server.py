"""A scripted model behind a real socket: an OpenAI-compatible server on loopback.

:class:`~hitl_modes.ScriptedLLM` plugs into AutoGen through ``register_model_client``, which
reaches only the agents you register it on. Some requests come from agents you never see: with
``speaker_selection_method="auto"``, AutoGen 0.2.35 builds a fresh ``speaker_selection_agent`` from
the ``GroupChatManager``'s ``llm_config`` for every selection, and a notebook you did not write
builds its agents its own way. A server on ``127.0.0.1`` reaches all of them: the real ``openai``
client and AutoGen's own ``OpenAIWrapper`` send it real HTTP requests.

Requests are routed by the ``model`` name in each agent's config (``route_by="model"``), or by the
agent that asks (``route_by="agent"``: the ``X-Hitl-Agent`` header that
:func:`~hitl_modes.course.instrument.instrument_autogen` adds to every request, so one plain
``llm_config`` shared by every agent still gets each agent its own script). Each route is a
:class:`ScriptedLLM` (strict, recorded, the same vocabulary)::

    with ScriptedModelServer({"writer": ["Draft. TERMINATE"], "selector": ["critic"]}) as server:
        writer = autogen.AssistantAgent("writer", llm_config=server.llm_config("writer"))
        manager = autogen.GroupChatManager(groupchat, llm_config=server.llm_config("selector"))
        ...
    server.route("selector").calls   # every selection request, verbatim

A request past the end of its route's script is answered with HTTP 400 and a message naming the
route, the call number and the last message; the config sets ``max_retries`` to 0, so the client
never retries, and the chat stops with that error. Leaving the ``with`` block turns the client's
error back into the :class:`~hitl_modes.ScriptExhaustedError` the route raised.

``on_answer=`` is told about every request as it is answered or refused (``hitl-modes run-notebook``
prints its timeline from it), and a subclass can answer another way by overriding :meth:`reply_for`,
or :meth:`reply_for_request` to see the whole request (``run-notebook --record`` forwards each request
to the real endpoint its path names). Any POST path ending in ``/chat/completions`` is served, with or
without a query string: Azure OpenAI clients send ``/openai/deployments/NAME/chat/completions?api-version=...``.
"""

from __future__ import annotations

import json
import threading
import weakref
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Union
from urllib.parse import urlsplit

from ..errors import HitlModesError, ScriptExhaustedError, UnknownModelError
from .llm import Reply, ScriptedLLM
from .script import CallLog

__all__ = [
    "ScriptedModelServer",
    "ServerRequest",
    "SCRIPTED_API_KEY",
    "ASKER_HEADER",
    "AnswerListener",
    "give_partial_trace",
]

#: The key every scripted config carries: the ``openai`` client insists on one; the server ignores it.
SCRIPTED_API_KEY = "sk-scripted-no-key-needed"

#: The request header that names the agent asking (``route_by="agent"``).
ASKER_HEADER = "X-Hitl-Agent"

Script = Union[ScriptedLLM, Sequence[Reply]]

#: ``on_answer(request, reply, error)``: called once per request, once answered (``reply``) or refused (``error``).
AnswerListener = Callable[["ServerRequest", Optional[Reply], Optional[HitlModesError]], None]


@dataclass(frozen=True)
class ServerRequest:
    """One HTTP request the server answered (or refused), in arrival order across all routes."""

    call: int
    model: str
    body: Dict[str, Any]
    #: The request's HTTP headers (``Authorization`` shows which key the client sent).
    headers: Dict[str, str] = field(default_factory=dict)
    #: The request's path, query string included (``/v1/chat/completions``).
    path: str = ""

    @property
    def asker(self) -> str:
        """The agent that sent the request (its ``X-Hitl-Agent`` header), or ``""``."""
        return next((v for k, v in self.headers.items() if k.lower() == ASKER_HEADER.lower()), "")


#: Servers between start() and stop(): see :func:`give_partial_trace`.
_RUNNING: weakref.WeakSet[ScriptedModelServer]


def give_partial_trace(trace: Any) -> None:
    """A recorded chat stopped on a client error: give ``trace`` (what happened up to there) to the
    script errors of the running servers that have none yet. The chat saw only an HTTP error; the
    server re-raises its script's :class:`ScriptExhaustedError`, and that error carries the trace."""
    for server in list(_RUNNING):
        for error in server.errors:
            if isinstance(error, ScriptExhaustedError) and error.trace is None:
                error.trace = trace


class ScriptedModelServer(CallLog[ServerRequest]):
    """An OpenAI-compatible ``/v1/chat/completions`` endpoint whose replies are scripted per model name.

    ``routes`` maps a model name to its script (a :class:`ScriptedLLM` or a list of replies).
    ``default`` answers every model name without a route of its own (for code that names models
    you do not know in advance); without it, an unknown model name is refused with a message that
    lists the routes. Use it as a context manager, or call :meth:`start` and :meth:`stop`.
    """

    def __init__(
        self,
        routes: Optional[Mapping[str, Script]] = None,
        *,
        default: Optional[Script] = None,
        host: str = "127.0.0.1",
        on_answer: Optional[AnswerListener] = None,
        route_by: str = "model",
    ) -> None:
        if route_by not in ("model", "agent"):
            raise ValueError(f"route_by={route_by!r}: choose 'model' (the config's model name) or 'agent'")
        self.route_by = route_by
        self._routes: Dict[str, ScriptedLLM] = {name: _as_llm(name, s) for name, s in (routes or {}).items()}
        self.default: Optional[ScriptedLLM] = _as_llm("default", default) if default is not None else None
        self.calls: List[ServerRequest] = []  # every request, across routes (as respx's router.calls)
        self.errors: List[HitlModesError] = []
        self.on_answer = on_answer
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer((host, 0), _handler_for(self))
        self._httpd.daemon_threads = True
        self._thread: Optional[threading.Thread] = None

    # -- wiring -------------------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}/v1"  # type: ignore[str-bytes-safe]  # an IPv4 socket: host is a str

    def config(self, model: str) -> Dict[str, Any]:
        """One ``config_list`` entry that sends ``model``'s requests here and never retries. A zero
        ``price`` keeps AutoGen from warning, on every call, that a scripted model has no known cost."""
        return {
            "model": model,
            "base_url": self.base_url,
            "api_key": SCRIPTED_API_KEY,
            "max_retries": 0,
            "price": [0.0, 0.0],
        }

    def llm_config(self, model: str, **extra: Any) -> Dict[str, Any]:
        """An agent's ``llm_config``; ``cache_seed=None`` keeps AutoGen's disk cache off (``extra`` overrides)."""
        return {"config_list": [self.config(model)], "cache_seed": None, **extra}

    def route(self, model: str) -> ScriptedLLM:
        """The script that answers ``model`` (an agent's name with ``route_by="agent"``)."""
        if model in self._routes:
            return self._routes[model]
        if self.default is not None:
            return self.default
        raise KeyError(
            f"ScriptedModelServer: no route for {'agent' if self.route_by == 'agent' else 'model'} {model!r}; "
            f"routes: {sorted(self._routes)}"
        )

    def load(self, routes: Optional[Mapping[str, Script]] = None, *, default: Optional[Script] = None) -> None:
        """Replace every route (and the default) with new scripts, for the next chat; the calls stay recorded."""
        with self._lock:
            self._routes = {name: _as_llm(name, s) for name, s in (routes or {}).items()}
            self.default = _as_llm("default", default) if default is not None else None

    @property
    def routes(self) -> Dict[str, ScriptedLLM]:
        return dict(self._routes)

    # -- life cycle ---------------------------------------------------------------------------
    def start(self) -> ScriptedModelServer:
        _RUNNING.add(self)
        if self._thread is None:
            # A short poll interval: stop() waits for the serving loop's next poll (0.5 s by default),
            # and a lesson starts and stops a server for every chat.
            self._thread = threading.Thread(
                target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, name="hitl-model-server", daemon=True
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        _RUNNING.discard(self)
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join()
            self._thread = None
        self._httpd.server_close()

    def __enter__(self) -> ScriptedModelServer:
        return self.start()

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        self.stop()
        # The chat saw an HTTP error from the client; what went wrong is the script's own error.
        if exc is not None and not isinstance(exc, HitlModesError) and self.errors:
            raise self.errors[0] from exc

    # -- the script (calls, call_count, called, last: CallLog) ------------------------------------
    def assert_all_used(self) -> None:
        """Fail if any route (or the default) has replies no request asked for."""
        for llm in [*self._routes.values(), *([self.default] if self.default else [])]:
            llm.assert_all_used()

    def answer(self, body: Dict[str, Any], headers: Optional[Dict[str, str]] = None, path: str = "") -> Dict[str, Any]:
        """The chat-completion response for one request ``body``; raises the route's error when it cannot."""
        model = str(body.get("model") or "")
        with self._lock:
            request = ServerRequest(len(self.calls) + 1, model, body, dict(headers or {}), path)
            self.calls.append(request)
        try:
            reply = self.reply_for_request(request)
        except HitlModesError as e:
            self.errors.append(e)
            if self.on_answer is not None:
                self.on_answer(request, None, e)
            raise
        if self.on_answer is not None:
            self.on_answer(request, reply, None)
        return _completion(reply, model, request.call)

    def reply_for_request(self, request: ServerRequest) -> Reply:
        """The reply to one request: by its ``model`` (:meth:`reply_for`) or, with ``route_by="agent"``, its asker.

        A subclass that needs more than the body (the path, the headers) overrides this one."""
        if self.route_by == "model":
            return self.reply_for(request.body)
        return self.reply_to(request.asker, request.body)

    def reply_for(self, body: Dict[str, Any]) -> Reply:
        """The reply to one request ``body``: the next one in the script of its ``model``'s route.

        A subclass may answer some other way (forward it to a real model, for recording)."""
        return self.reply_to(str(body.get("model") or ""), body)

    def reply_to(self, key: str, body: Dict[str, Any]) -> Reply:
        """The next reply in the script of route ``key`` (a model name, or with ``route_by="agent"`` an agent's)."""
        try:
            llm = self.route(key)
        except KeyError as e:
            raise UnknownModelError(
                str(e.args[0]) + ". Add a route for it, or give the server a default script."
            ) from None
        return llm.next_reply(list(body.get("messages") or []))


def _as_llm(name: str, script: Script) -> ScriptedLLM:
    if isinstance(script, ScriptedLLM):
        if script.agent_name is None:
            script.agent_name = name
        return script
    return ScriptedLLM(script, name=name)


def _completion(reply: Reply, model: str, number: int) -> Dict[str, Any]:
    if isinstance(reply, str):
        message: Dict[str, Any] = {"role": "assistant", "content": reply}
        finish = "stop"
    else:
        message = {"role": "assistant", "content": reply.get("content")}
        for key in ("tool_calls", "function_call"):
            if reply.get(key):
                message[key] = reply[key]
        finish = "tool_calls" if reply.get("tool_calls") else "function_call" if reply.get("function_call") else "stop"
    return {
        "id": f"chatcmpl-scripted-{number}",
        "object": "chat.completion",
        "created": 0,
        "model": model,
        "choices": [{"index": 0, "finish_reason": finish, "message": message}],
        "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
    }


def _handler_for(server: ScriptedModelServer) -> type:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Headers and body leave in two writes on a kept-alive connection: without TCP_NODELAY the
        # body waits for the client's delayed ACK, about 40 ms per model call on loopback.
        disable_nagle_algorithm = True

        def log_message(self, *args: Any) -> None:  # the chat's output stays clean
            pass

        def _send(self, status: int, payload: Dict[str, Any]) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _error(self, status: int, message: str, kind: str) -> None:
            self._send(status, {"error": {"message": message, "type": kind, "code": kind}})

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length)
            if not urlsplit(self.path).path.rstrip("/").endswith("/chat/completions"):
                self._error(404, f"ScriptedModelServer serves /v1/chat/completions only, not {self.path}", "not_found")
                return
            try:
                body = json.loads(raw or b"{}")
                if not isinstance(body, dict):
                    raise ValueError("the body is not a JSON object")
            except ValueError as e:
                self._error(400, f"ScriptedModelServer: the request body is not valid JSON ({e})", "invalid_request")
                return
            try:
                payload = server.answer(body, dict(self.headers), self.path)
            except HitlModesError as e:
                kind = "script_exhausted" if isinstance(e, ScriptExhaustedError) else "refused"
                self._error(400, str(e), kind)
                return
            self._send(200, payload)

        def do_GET(self) -> None:
            if urlsplit(self.path).path.rstrip("/").endswith("/models"):
                names = sorted(server.routes)
                self._send(200, {"object": "list", "data": [{"id": n, "object": "model"} for n in names]})
            else:
                self._error(404, f"ScriptedModelServer: nothing at {self.path}", "not_found")

    return Handler


_RUNNING = weakref.WeakSet()
