"""The chat's side of the inbox protocol over HTTP (stdlib ``urllib``): submit a prompt, wait for its
decision, give up safely. Retries make an inbox restart invisible to a waiting chat.

Why it cannot lose or double anything: the chat picks the prompt id, so re-sending a prompt after a
dropped connection finds the one already stored (the inbox answers 200, not a second card); the
inbox keeps prompts and decisions in SQLite, so a restarted inbox still has them; and a prompt is
decided by one conditional update, so exactly one decision (or the timeout) wins, and the chat
applies the one the inbox recorded.
"""

from __future__ import annotations

import http.client
import json
import socket
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Union

from ..errors import InboxError, InboxUnavailableError
from .text import make_safe
from .tokens import AGENT_TOKEN_ENV, agent_token_from

__all__ = [
    "base_url",
    "InboxClient",
    "HttpAnswer",
    "http_request",
    "fit_conversation",
    "approve_effect",
    "APPROVE_EFFECTS",
    "TRANSIENT_ERRORS",
]

#: What the page's Approve button (an empty reply, AutoGen's Enter) does for a prompt: ``end`` the
#: chat (a termination message), let the agent ``auto-reply`` and go on, or ``proceed``: a prompt
#: that is not AutoGen's own (a gate's question), where the asking code decides.
APPROVE_EFFECTS = ("end", "auto-reply", "proceed")

#: What a restarting or briefly unreachable inbox looks like from the client: retry these.
TRANSIENT_ERRORS = (urllib.error.URLError, ConnectionError, http.client.HTTPException, socket.timeout, OSError)


def base_url(url: str) -> str:
    """The inbox's base URL from what a person may paste: the printed link ``http://host:port/#token=...``
    included. Drop the fragment first, then the trailing slash."""
    return url.split("#", 1)[0].rstrip("/")


@dataclass(frozen=True)
class HttpAnswer:
    """An HTTP answer: status code, the parsed JSON body (or text), and the headers (lower-case names)."""

    status: int
    body: Any
    headers: Dict[str, str] = field(default_factory=dict)

    @property
    def error(self) -> str:
        return str(self.body.get("error", self.body)) if isinstance(self.body, dict) else str(self.body)


# The inbox is local or reached directly: never send its traffic (or the token) through a proxy
# configured for the wider web in http_proxy.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def http_request(
    method: str, url: str, *, body: Any = None, token: Optional[str] = None, timeout: float = 10.0
) -> HttpAnswer:
    """One request. 4xx/5xx come back as answers; network failures raise (see TRANSIENT_ERRORS)."""
    headers = {"Accept": "application/json"}
    data = None
    if body is not None:
        data = json.dumps(make_safe(body)).encode("utf-8")  # a lone surrogate becomes its visible escape
        headers["Content-Type"] = "application/json"
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            return HttpAnswer(response.status, _parse(response.read()), _headers(response.headers))
    except urllib.error.HTTPError as e:
        with e:
            return HttpAnswer(e.code, _parse(e.read()), _headers(e.headers))


def _headers(message: Any) -> Dict[str, str]:
    return {k.lower(): v for k, v in message.items()}


def _parse(raw: bytes) -> Any:
    text = raw.decode("utf-8", errors="replace")
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


class InboxClient:
    """Talks to one inbox at ``url`` (``http://127.0.0.1:8765``) on behalf of a chat, with the
    inbox's agent token (``agent_token=``, ``#agent=...`` in ``url``, ``HITL_INBOX_AGENT_TOKEN`` or
    the token file; see ``hitl_modes.inbox.tokens``)."""

    def __init__(
        self,
        url: str,
        *,
        poll_seconds: float = 15.0,
        max_backoff: float = 2.0,
        agent_token: Optional[str] = None,
        agent_token_file: Optional[Union[str, Path]] = None,
    ) -> None:
        if not url.startswith(("http://", "https://")):
            raise ValueError(
                f"the inbox URL must start with http:// or https://, got {url!r} "
                "(for example --inbox-url http://127.0.0.1:8765)"
            )
        self.agent_token = agent_token_from(url, agent_token, agent_token_file)
        self.url = base_url(url)
        self.poll_seconds = poll_seconds
        self.max_backoff = max_backoff
        self.retries = 0  # network failures survived: visible proof that a restart was ridden out

    def _prompt_url(self, prompt_id: str, suffix: str = "") -> str:
        return f"{self.url}/api/prompts/{prompt_id}{suffix}"

    def _request(self, method: str, url: str, **kwargs: Any) -> HttpAnswer:
        return http_request(method, url, token=self.agent_token, **kwargs)

    def check(self, timeout: float = 5.0) -> None:
        """Fail fast, before a chat starts, when no inbox answers at the URL or it refuses the agent token."""
        deadline = time.monotonic() + timeout
        last: Optional[BaseException] = None
        while time.monotonic() < deadline:
            try:
                answer = self._request("GET", f"{self.url}/api/session", timeout=2.0)
                if answer.status == 200 and answer.body.get("role") == "agent":
                    return
                if answer.status in (200, 401) and not self.agent_token:
                    raise InboxError(
                        f"no agent token for the inbox at {self.url}: `hitl-modes inbox` prints it; set "
                        f"{AGENT_TOKEN_ENV}=..., or add #agent=TOKEN to the inbox URL"
                    )
                if answer.status in (200, 401):
                    raise InboxError(
                        f"the inbox at {self.url} refused the agent token (HTTP {answer.status}): use the one "
                        f"`hitl-modes inbox` printed ({AGENT_TOKEN_ENV}), not the reviewer's link token"
                    )
                last = InboxError(f"HTTP {answer.status}: {answer.error}")
            except TRANSIENT_ERRORS as e:
                last = e
            time.sleep(0.2)
        raise InboxUnavailableError(
            f"no approval inbox answers at {self.url} ({last}). Start one with `hitl-modes inbox` "
            "(it prints the URL to pass as --inbox-url or HITL_INBOX_URL)."
        )

    def wait_for_decision(
        self, prompt_id: str, submission: Dict[str, Any], timeout: float, cancel: Optional[threading.Event] = None
    ) -> Dict[str, Any]:
        """Submit ``submission`` as ``prompt_id`` and wait up to ``timeout`` seconds for its decision.

        Returns the inbox's final view of the prompt: ``status`` is ``decided`` (with ``decision``
        and ``response``) or ``timed-out``. Network failures and 5xx are retried until the deadline;
        a prompt the inbox does not know (a fresh database) is submitted again. Setting ``cancel``
        gives up early, as the deadline would.
        """
        deadline = time.monotonic() + timeout
        submitted = False
        backoff = 0.1
        state: Optional[Dict[str, Any]] = None
        while (remaining := deadline - time.monotonic()) > 0 and not (cancel is not None and cancel.is_set()):
            try:
                if not submitted:
                    answer = self._request(
                        "PUT",
                        self._prompt_url(prompt_id),
                        body={**submission, "timeout": remaining},
                        timeout=min(10.0, remaining + 1),
                    )
                    self._raise_for_client_error(answer, "submitting the prompt")
                    submitted = answer.status in (200, 201)
                else:
                    wait = max(0.0, min(self.poll_seconds, remaining))
                    answer = self._request("GET", f"{self._prompt_url(prompt_id)}?wait={wait:.2f}", timeout=wait + 10)
                    if answer.status == 404:
                        submitted = False  # the inbox lost it: send it again, same id
                        continue
                    self._raise_for_client_error(answer, "waiting for the decision")
                if answer.status in (200, 201):
                    state = answer.body
                    backoff = 0.1
                    if state is not None and state.get("status") != "pending":
                        return state
                    continue
            except TRANSIENT_ERRORS:
                pass
            self.retries += 1
            time.sleep(max(0.0, min(backoff, deadline - time.monotonic())))
            backoff = min(backoff * 2, self.max_backoff)
        return self._give_up(prompt_id, state)

    def _give_up(self, prompt_id: str, state: Optional[Dict[str, Any]]) -> Dict[str, Any]:
        """The deadline passed: tell the inbox, unless a person's decision got there first."""
        for _ in range(3):
            try:
                answer = self._request("POST", self._prompt_url(prompt_id, "/expire"), body={}, timeout=3.0)
                if answer.status == 200 and isinstance(answer.body, dict):
                    return answer.body
                break
            except TRANSIENT_ERRORS:
                time.sleep(0.2)
        # The inbox is unreachable: the chat applies its safe default; the inbox times the prompt
        # out on its own when it comes back (it knows the deadline).
        return {**(state or {}), "id": prompt_id, "status": "timed-out", "decision": None, "response": None}

    @staticmethod
    def _raise_for_client_error(answer: HttpAnswer, doing: str) -> None:
        if 400 <= answer.status < 500:
            raise InboxError(f"the inbox refused {doing}: HTTP {answer.status}: {answer.error}")


def approve_effect(prompt: str, is_termination: Optional[bool] = None) -> str:
    """What Enter does at this prompt, from AutoGen 0.2's own wording (``check_termination_and_human_reply``):
    "Press enter or type 'exit' to stop the conversation" is asked at a termination message, where
    Enter ends the chat; "Press enter to skip and use auto-reply" means Enter lets the agent
    auto-reply, except in ALWAYS mode at a termination message (``is_termination``), where it ends."""
    if "Press enter or type 'exit' to stop the conversation" in prompt:
        return "end"
    if "Press enter to skip and use auto-reply" in prompt:
        return "end" if is_termination else "auto-reply"
    return "proceed"


def fit_conversation(
    turns: Sequence[Dict[str, str]], *, max_messages: int = 6, max_chars: int = 4000
) -> List[Dict[str, str]]:
    """The recent conversation a card shows: the last few messages, each cut to a readable size."""
    out = []
    for t in list(turns)[-max_messages:]:
        content = t.get("content", "")
        if len(content) > max_chars:
            content = content[: max_chars - 40] + f"\n… [{len(content) - max_chars + 40} more characters]"
        out.append({"name": t.get("name", ""), "role": t.get("role", ""), "content": content})
    return out
