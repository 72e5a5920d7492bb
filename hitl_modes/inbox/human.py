"""``InboxHuman``: the human answers in the approval inbox (a web page), not at this terminal.

It is an AutoGen ``IOStream``, like ``ScriptedHuman``: AutoGen's own ``get_human_input`` (sync,
and the async path, which runs it in a worker thread) asks it, and it posts the prompt to the inbox
and waits for a person's decision there. With no decision before the timeout it answers ``"exit"``:
nobody there means stop, never "proceed".

    with InboxHuman("http://127.0.0.1:8765", timeout=300, audit_log="audit.jsonl"):
        user_proxy.initiate_chat(assistant, message="...")

Any lesson can use it: ``--human inbox [--inbox-url URL]`` (or ``HITL_INBOX_URL``). The chat sends
the inbox's agent token, which ``hitl-modes inbox`` prints: set ``HITL_INBOX_AGENT_TOKEN``, or put
it in the URL after ``#agent=`` (see ``hitl_modes.inbox.tokens``).
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import sys
import threading
import uuid
from dataclasses import dataclass, field
from types import FrameType
from typing import Any, Dict, List, Optional, Sequence

from autogen import ConversableAgent

from ..agents.queue_human import Question, QueueHuman
from ..approvals.audit import open_audit_log
from ..approvals.vocabulary import Decision, reply_decision
from ..chat.human import mode_can_ask_human
from ..chat.messages import message_text
from ..chat.record import record_human_timeout
from ..chat.stream import InstallableStream
from .client import InboxClient, approve_effect, fit_conversation
from .store import MAX_TIMEOUT_SECONDS

__all__ = ["InboxHuman", "InboxDecision", "inbox_answers", "inbox_kind", "DEFAULT_INBOX_URL", "DEFAULT_INBOX_TIMEOUT"]

DEFAULT_INBOX_URL = "http://127.0.0.1:8765"
#: How long a chat waits for a person by default (HITL_INBOX_TIMEOUT overrides it), in seconds.
DEFAULT_INBOX_TIMEOUT = 300.0

_PARTNER = re.compile(r"feedback to (.+?)\. Press enter")


@dataclass(frozen=True, kw_only=True)
class InboxDecision(Decision):
    """What the chat received for one prompt in the inbox, and why (Lesson 13): ``decision`` is
    ``approved``, ``feedback``, ``exit`` or ``timed-out``; ``response`` is the reply the chat got."""

    prompt_id: str
    agent: str
    risk: Optional[str] = None
    reasons: List[str] = field(default_factory=list)


def asking_agent(max_depth: int = 16) -> Optional[ConversableAgent]:
    """The agent whose ``get_human_input`` is asking right now, if any.

    AutoGen hands an IOStream only the prompt text. To put the agent's name and the recent
    conversation on the card, look up the call stack for ``get_human_input``'s ``self``; wrapping
    streams (the recorder) in between are skipped. Without one, the card shows the prompt alone.
    """
    frame: Optional[FrameType] = sys._getframe(1)
    for _ in range(max_depth):
        if frame is None:
            break
        if frame.f_code.co_name in ("get_human_input", "a_get_human_input"):
            candidate = frame.f_locals.get("self")
            if isinstance(candidate, ConversableAgent):
                return candidate
        frame = frame.f_back
    return None


def _partner(agent: ConversableAgent, prompt: str) -> Optional[Any]:
    partners = list(agent.chat_messages)
    if not partners:
        return None
    match = _PARTNER.search(prompt)
    named = [p for p in partners if match and p.name == match.group(1)]
    return named[0] if named else partners[-1]


def asks_at_termination(agent: ConversableAgent, prompt: str) -> Optional[bool]:
    """Is the message the agent is asked about one its ``is_termination_msg`` accepts? (Then Enter
    ends the chat, also in ALWAYS mode.) None when it cannot be told."""
    partner = _partner(agent, prompt)
    check = getattr(agent, "_is_termination_msg", None)  # AutoGen 0.2 keeps it without a public name
    if partner is None or not agent.chat_messages[partner] or check is None:
        return None
    try:
        return bool(check(agent.chat_messages[partner][-1]))
    except Exception:  # a user's check that fails on this message: say nothing rather than guess
        return None


def recent_conversation(agent: ConversableAgent, prompt: str) -> List[Dict[str, str]]:
    """The asking agent's conversation with the partner the prompt names (or its only/last one)."""
    partner = _partner(agent, prompt)
    if partner is None:
        return []
    turns = []
    for message in agent.chat_messages[partner]:
        mine = message.get("role") == "assistant"
        name = message.get("name") or (agent.name if mine else partner.name)
        text = message_text(message, calls=True)
        turns.append({"name": str(name), "role": str(message.get("role", "")), "content": text})
    return turns


def _env_timeout() -> float:
    raw = os.environ.get("HITL_INBOX_TIMEOUT", "").strip()
    if not raw:
        return DEFAULT_INBOX_TIMEOUT
    try:
        return float(raw)
    except ValueError:
        raise ValueError(f"HITL_INBOX_TIMEOUT must be a number of seconds, got {raw!r}") from None


class InboxHuman(InstallableStream):
    """A person who answers in the approval inbox at ``url`` (default ``HITL_INBOX_URL`` or
    ``http://127.0.0.1:8765``).

    - ``timeout`` (seconds, default ``HITL_INBOX_TIMEOUT`` or 300) bounds every wait; then the chat
      gets ``timeout_reply`` (``"exit"``), recorded as ``timed-out``. It may be a denial such as
      ``"REJECT"``, never ``""``, which AutoGen reads as "proceed".
    - ``audit_log`` (a path or an ``AuditLog``) records every decision before the agent sees it.
    - ``check=True`` fails fast at start when no inbox answers or it refuses the agent token; a
      restart mid-chat is retried.
    - ``agent_token`` (or ``#agent=TOKEN`` in ``url``, ``HITL_INBOX_AGENT_TOKEN``, or the token file
      ``agent_token_file`` / ``HITL_INBOX_TOKEN_FILE``): the inbox's token for chats.
    - ``.decisions`` lists every :class:`InboxDecision`; ``.prompts`` and ``.replies`` the raw text.
    """

    def __init__(
        self,
        url: Optional[str] = None,
        *,
        timeout: Optional[float] = None,
        timeout_reply: str = "exit",
        audit_log: Any = None,
        echo: bool = True,
        conversation_turns: int = 6,
        check: bool = True,
        poll_seconds: float = 15.0,
        agent_token: Optional[str] = None,
        agent_token_file: Optional[str] = None,
    ) -> None:
        super().__init__()
        self.timeout = _env_timeout() if timeout is None else float(timeout)
        if not (0 < self.timeout <= MAX_TIMEOUT_SECONDS):
            raise ValueError(
                f"InboxHuman timeout must be a positive number of seconds, at most "
                f"{MAX_TIMEOUT_SECONDS:.0f} (a week), got {timeout!r}: waiting forever for a person "
                "is never safe"
            )
        if timeout_reply == "":
            raise ValueError(
                "InboxHuman timeout_reply must not be empty: an empty reply tells AutoGen to "
                "proceed, and nobody answering must never approve. Use 'exit' (the default)."
            )
        self.client = InboxClient(
            url or os.environ.get("HITL_INBOX_URL") or DEFAULT_INBOX_URL,
            poll_seconds=poll_seconds,
            agent_token=agent_token,
            agent_token_file=agent_token_file,
        )
        self.timeout_reply = timeout_reply
        self.audit = open_audit_log(audit_log)
        self.echo = echo
        self.conversation_turns = conversation_turns
        self.check = check
        self.prompts: List[str] = []
        self.replies: List[str] = []
        self.decisions: List[InboxDecision] = []

    @property
    def url(self) -> str:
        return self.client.url

    def start(self) -> InboxHuman:
        if self.check:
            self.client.check()
        super().start()
        return self

    # -- IOStream -------------------------------------------------------------------------------
    def input(self, prompt: str = "", *, password: bool = False) -> str:
        agent = asking_agent()
        conversation = recent_conversation(agent, prompt) if agent is not None else []
        decision = self.ask(
            prompt,
            agent=agent.name if agent is not None else "human",
            conversation=conversation,
            approve=approve_effect(prompt, asks_at_termination(agent, prompt) if agent is not None else None),
        )
        if decision.decision == "timed-out" and agent is not None:
            why = f"no decision in the inbox within {self.timeout:g}s"
            record_human_timeout(agent, decision.response or "", why)  # a recording must not credit it to a person
        return decision.response or ""  # always text here: a timeout answers timeout_reply

    def print(self, *objects: Any, sep: str = " ", end: str = "\n", flush: bool = False) -> None:
        if self.echo:
            self._output.print(*objects, sep=sep, end=end, flush=flush)

    # -- asking -----------------------------------------------------------------------------------
    def ask(
        self,
        prompt: str,
        *,
        agent: str = "human",
        conversation: Sequence[Dict[str, str]] = (),
        prompt_id: Optional[str] = None,
        timeout: Optional[float] = None,
        record: bool = True,
        approve: Optional[str] = None,
    ) -> InboxDecision:
        """Post one prompt and wait for its decision (or ``timeout``, default the human's). Records it
        in the audit log (unless ``record=False``: it is there already), then returns it. ``approve`` says
        what Approve does here (``client.APPROVE_EFFECTS``; default: read from the prompt)."""
        prompt_id = prompt_id or uuid.uuid4().hex
        wait = self.timeout if timeout is None else float(timeout)
        self.prompts.append(prompt)
        if self.echo:
            self._output.print(
                f"{prompt}\n[waiting up to {wait:g}s for a decision in the inbox at {self.url} (prompt {prompt_id})]",
                flush=True,
            )
        submission = {
            "agent": agent,
            "prompt": prompt,
            "conversation": fit_conversation(conversation, max_messages=self.conversation_turns),
            "approve": approve or approve_effect(prompt),
        }
        state = self.client.wait_for_decision(prompt_id, submission, wait)
        risk = state.get("risk") or {}
        if state.get("status") == "decided":
            response = str(state.get("response") or "")
            decision = str(state.get("decision") or reply_decision(response))
        else:
            response, decision = self.timeout_reply, "timed-out"
        result = InboxDecision(
            decision,
            response,
            prompt,
            prompt_id=prompt_id,
            agent=agent,
            risk=risk.get("level"),
            reasons=list(risk.get("reasons") or []),
        )
        if self.audit is not None and record:  # written (and fsynced by AuditLog) before the agent acts on it
            timed_out = decision == "timed-out"
            self.audit.record(
                agent=agent,
                prompt=prompt,
                response=None if timed_out else response,
                decision=decision,
                risk=result.risk,
                reasons=result.reasons if result.risk else None,
                note=f"no decision in the inbox within {wait:g}s: the chat received {response!r}"
                if timed_out
                else None,
                extra={"prompt_id": prompt_id},
            )
        self.decisions.append(result)
        self.replies.append(response)
        if self.echo:
            self._output.print(
                f"[inbox decision: {decision}{': ' + json.dumps(response) if decision == 'feedback' else ''}]",
                flush=True,
            )
        return result

    async def a_ask(
        self,
        prompt: str,
        *,
        agent: str = "human",
        conversation: Sequence[Dict[str, str]] = (),
        prompt_id: Optional[str] = None,
    ) -> InboxDecision:
        """:meth:`ask` without blocking the event loop (for async human-input paths)."""
        return await asyncio.to_thread(self.ask, prompt, agent=agent, conversation=conversation, prompt_id=prompt_id)

    def __repr__(self) -> str:
        return f"InboxHuman({self.url!r}, timeout={self.timeout:g}, asked={len(self.prompts)})"


async def inbox_answers(
    human: QueueHuman, url: Optional[str] = None, *, timeout: Optional[float] = None, agent_token: Optional[str] = None
) -> None:
    """Lesson 11's async input, answered in the inbox: a responder for ``while_answering``.

    Every question a ``QueueHumanProxy`` puts on ``human.questions`` becomes a card in the inbox at
    ``url``; the person's decision there is the answer. The proxy keeps its own timeout and safe
    default; a question with no timeout of its own gets ``timeout`` (default ``HITL_INBOX_TIMEOUT``),
    then ``exit``. Runs until cancelled (``while_answering`` cancels it when the chat ends).

        await while_answering(proxy.a_initiate_chat(assistant, message=...), inbox_answers(human, url))
    """
    client = InboxClient(url or os.environ.get("HITL_INBOX_URL") or DEFAULT_INBOX_URL, agent_token=agent_token)
    await asyncio.to_thread(client.check)
    while True:
        question = await human.next_question()  # skips questions that expired while queued
        wait = question.timeout or timeout or _env_timeout()
        submission = {"agent": question.agent or "human", "prompt": question.prompt, "conversation": []}
        cancel = threading.Event()
        loop = asyncio.get_running_loop()
        done: asyncio.Future[Dict[str, Any]] = loop.create_future()

        def wait_in_thread(
            q: Question = question,
            submission: Dict[str, Any] = submission,
            wait: float = wait,
            cancel: threading.Event = cancel,
            loop: asyncio.AbstractEventLoop = loop,
            done: asyncio.Future[Dict[str, Any]] = done,
        ) -> None:
            # A daemon thread, not the loop's executor: asyncio.run must not wait for it at exit.
            try:
                outcome: Any = client.wait_for_decision(q.id, submission, wait, cancel=cancel)
            except BaseException as e:  # handed to the coroutine
                outcome = e
            try:
                loop.call_soon_threadsafe(_settle, done, outcome)
            except RuntimeError:  # the event loop is gone: nobody waits for this answer any more
                pass

        threading.Thread(target=wait_in_thread, name="hitl-inbox-answer", daemon=True).start()
        try:
            state = await done
        finally:
            cancel.set()  # the chat ended (or this responder was cancelled): stop waiting on the inbox
        if state.get("status") == "decided":
            human.answer(question.id, str(state.get("response") or ""))
        elif question.timeout is None:
            human.answer(question.id, "exit")  # nobody decided in the inbox: stop, never proceed


def _settle(future: asyncio.Future[Any], outcome: Any) -> None:
    if future.done():
        return
    if isinstance(outcome, BaseException):
        future.set_exception(outcome)
    else:
        future.set_result(outcome)


def inbox_kind(lesson: Any, replies: Sequence[str], mode: str) -> InboxHuman:
    """``--human inbox``: a person answers every prompt in the inbox at ``--inbox-url``. A NEVER
    chat cannot ask, so it needs no inbox to be running."""
    return InboxHuman(lesson.extra.get("inbox_url"), echo=not lesson.quiet, check=mode_can_ask_human(mode))


# Registered as ``--human inbox`` by hitl_modes.course.lesson, which imports this module only when asked.
