"""A human who answers through ``asyncio`` queues, the way a web app or a chat bot delivers input.

:class:`QueueHuman` puts each question on :attr:`QueueHuman.questions` and waits for the answer
that names it (:meth:`QueueHuman.answer`), with an optional timeout. :class:`QueueHumanProxy` is
a ``UserProxyAgent`` whose human is a ``QueueHuman``, reached through AutoGen's async seam
(``a_get_human_input``, which AutoGen invites you to override) in chats started with
``a_initiate_chat``.

Two pitfalls it handles:

1. **Asked twice.** Every ``ConversableAgent`` registers both ``check_termination_and_human_reply``
   and its async twin. A sync chat skips the async one; an async chat runs the async one first
   and then, whenever it did not end the turn (the human pressed Enter, or the proxy auto-replies),
   the sync one as well, which asks the human again through the blocking ``get_human_input`` (the
   console, not your queue) and counts the auto-reply twice. ``QueueHumanProxy`` keeps the sync
   check only for sync chats: in an async chat it steps aside once the async check has run.
2. **Late answers.** An answer that arrives after its question timed out is dropped (and kept in
   :attr:`QueueHuman.late`); it never answers the next question.

A timeout never means "proceed": the proxy answers ``on_timeout`` (default ``"exit"``, stop),
and an empty ``on_timeout`` (AutoGen's "skip, use the auto-reply") is refused.
"""

from __future__ import annotations

import asyncio
import contextvars
import threading
import uuid
from dataclasses import dataclass
from typing import Any, Awaitable, Dict, List, Optional, Sequence, Tuple, TypeVar, Union

from autogen import Agent, ConversableAgent, UserProxyAgent
from autogen.io import IOConsole

from ..approvals.audit import AuditLog, PathLike, open_audit_log
from ..approvals.vocabulary import reply_decision
from ..chat.deadline import check_timeout
from ..chat.human import require_interactive_human
from ..chat.record import record_human_exchange
from ..errors import SyncChatError

__all__ = [
    "Question",
    "QueueHuman",
    "QueueHumanProxy",
    "scripted_answers",
    "console_answers",
    "while_answering",
    "run_async",
]

T = TypeVar("T")


@dataclass(frozen=True)
class Question:
    """One question for the human: answer it with ``human.answer(question.id, text)``."""

    id: str
    prompt: str
    agent: str = ""
    timeout: Optional[float] = None


class QueueHuman:
    """Questions out (:meth:`next_question`, or the raw :attr:`questions` queue), answers in
    (:meth:`answer`).

    ``timeout`` is the default wait per question in seconds (None: wait for ever). Everything is
    recorded: :attr:`prompts`, :attr:`replies`, :attr:`timed_out` (questions nobody answered in
    time) and :attr:`late` (answers that came after their question had expired).
    """

    def __init__(self, *, timeout: Optional[float] = None) -> None:
        check_timeout(timeout)
        self.timeout = timeout
        self.questions: asyncio.Queue[Question] = asyncio.Queue()
        self._answers: asyncio.Queue[Tuple[str, str]] = asyncio.Queue()
        self.prompts: List[str] = []
        self.replies: List[str] = []
        self.timed_out: List[Question] = []
        self.late: List[Tuple[str, str]] = []
        self.pending: Optional[Question] = None

    async def ask(self, prompt: str, timeout: Optional[float] = None, *, agent: str = "") -> Optional[str]:
        """Ask and wait for the answer to this question; None when ``timeout`` (or the default)
        passes first."""
        wait = self.timeout if timeout is None else timeout
        check_timeout(wait)
        question = Question(uuid.uuid4().hex[:12], prompt, agent, wait)
        self.prompts.append(prompt)
        self.pending = question
        loop = asyncio.get_running_loop()
        deadline = None if wait is None else loop.time() + wait
        try:
            await self.questions.put(question)
            while True:
                remaining = None if deadline is None else deadline - loop.time()
                if remaining is not None and remaining <= 0:
                    raise asyncio.TimeoutError
                question_id, text = await asyncio.wait_for(self._answers.get(), remaining)
                if question_id == question.id:
                    self.replies.append(text)
                    return text
                self.late.append((question_id, text))  # for a question that already expired
        except asyncio.TimeoutError:
            self.timed_out.append(question)
            return None
        finally:
            self.pending = None

    async def next_question(self) -> Question:
        """The question waiting for an answer now. Questions that expired before anyone took them
        from :attr:`questions` are skipped (a UI should not show them)."""
        while True:
            question = await self.questions.get()
            if self.pending is not None and question.id == self.pending.id:
                return question

    def answer(self, question_id: str, text: str) -> None:
        """Deliver an answer (from the event loop's thread; see :meth:`answer_threadsafe`)."""
        if not isinstance(text, str):
            raise TypeError(f"an answer must be a str, got {type(text).__name__}: {text!r}")
        if not isinstance(question_id, str) or not question_id:
            raise ValueError(f"answer needs the question's id (question.id), got {question_id!r}")
        if self.pending is None or question_id != self.pending.id:
            self.late.append((question_id, text))  # its question expired (or never existed): dropped
            return
        self._answers.put_nowait((question_id, text))

    def answer_threadsafe(self, loop: asyncio.AbstractEventLoop, question_id: str, text: str) -> None:
        """Deliver an answer from another thread (a web server's, a console reader's)."""
        loop.call_soon_threadsafe(self.answer, question_id, text)

    def __repr__(self) -> str:
        return f"QueueHuman(asked={len(self.prompts)}, timed_out={len(self.timed_out)}, late={len(self.late)})"


class QueueHumanProxy(UserProxyAgent):
    """A ``UserProxyAgent`` whose human answers through a :class:`QueueHuman`, in async chats.

    ``timeout`` (seconds) bounds each wait (default: the human's own). When it passes the proxy
    answers ``on_timeout`` (default ``"exit"``: stop; any non-empty text is sent as feedback).
    ``audit_log`` records every answer before AutoGen acts on it.
    """

    def __init__(
        self,
        name: str,
        human: QueueHuman,
        *,
        timeout: Optional[float] = None,
        on_timeout: str = "exit",
        audit_log: Union[None, PathLike, AuditLog] = None,
        **kwargs: Any,
    ) -> None:
        if not isinstance(human, QueueHuman):
            raise TypeError(f"human must be a QueueHuman, got {type(human).__name__}")
        if not isinstance(on_timeout, str) or not on_timeout.strip():
            raise ValueError(
                "on_timeout must be non-empty: to AutoGen an empty reply means 'skip, use the "
                "auto-reply', so a timeout would let the action proceed. Use 'exit' (stop) or a "
                "denial text."
            )
        check_timeout(timeout)
        super().__init__(name, **kwargs)
        self.human = human
        self.timeout = timeout
        self.on_timeout = on_timeout
        self.audit = open_audit_log(audit_log)
        self._async_check_ran = False
        # Keep one human check per turn: see the module docstring, pitfall 1.
        self.replace_reply_func(
            ConversableAgent.a_check_termination_and_human_reply, QueueHumanProxy._a_check_then_step_aside
        )
        self.replace_reply_func(
            ConversableAgent.check_termination_and_human_reply, QueueHumanProxy._check_in_sync_chats_only
        )

    async def _a_check_then_step_aside(
        self, messages: Optional[List[Dict[str, Any]]] = None, sender: Optional[Agent] = None, config: Any = None
    ) -> Tuple[bool, Any]:
        final, reply = await ConversableAgent.a_check_termination_and_human_reply(self, messages, sender, config)
        # Not final: AutoGen goes on down the reply list, where the sync check comes next.
        self._async_check_ran = not final
        return final, reply

    def _check_in_sync_chats_only(
        self, messages: Optional[List[Dict[str, Any]]] = None, sender: Optional[Agent] = None, config: Any = None
    ) -> Tuple[bool, Any]:
        if self._async_check_ran:  # an async chat: this turn was already checked, and counted
            self._async_check_ran = False
            return False, None
        return ConversableAgent.check_termination_and_human_reply(self, messages, sender, config)

    async def a_get_human_input(self, prompt: str, **_: Any) -> str:  # ag2 passes iostream=...
        """AutoGen's async seam for human input: ask the queue, apply the safe default on timeout,
        record the decision, then hand the reply to AutoGen."""
        reply = await self.human.ask(prompt, self.timeout, agent=self.name)
        decision = reply_decision(reply)
        answer = self.on_timeout if reply is None else reply
        if self.audit is not None:
            note = f"no answer in time: answered {self.on_timeout!r}" if reply is None else None
            self.audit.record(agent=self.name, prompt=prompt, response=reply, decision=decision, note=note)
        self._human_input.append(answer)  # as AutoGen's get_human_input does, for ChatResult.human_input
        record_human_exchange(self, prompt, answer)  # the queue bypasses IOStream: tell a recording
        return answer

    def get_human_input(self, prompt: str, **_: Any) -> str:
        raise SyncChatError(
            f"{self.name} gets its human's answers from an asyncio.Queue, which a synchronous chat cannot wait "
            f"for. Start the chat with `await {self.name}.a_initiate_chat(...)` (or a_initiate_chat from the "
            "other agent). The prompt was: " + repr(prompt[:200])
        )


# -- who answers -------------------------------------------------------------------------------
async def scripted_answers(human: QueueHuman, replies: Sequence[str], *, delay: float = 0.0) -> List[Question]:
    """A scripted human: answer the next ``len(replies)`` questions in order, each after ``delay``
    seconds (a slow human, when ``delay`` exceeds the timeout). Returns the questions answered."""
    answered = []
    for reply in replies:
        question = await human.next_question()
        if delay:
            await asyncio.sleep(delay)
        human.answer(question.id, reply)
        answered.append(question)
    return answered


async def console_answers(human: QueueHuman) -> None:
    """A person at this terminal answers every question until cancelled. Each line is read in a
    daemon thread, so a question that times out never keeps the program from exiting."""
    require_interactive_human("ALWAYS")
    loop = asyncio.get_running_loop()
    console = IOConsole()
    while True:
        question = await human.next_question()

        def read(q: Question = question) -> None:
            try:
                text = console.input(q.prompt + (f"[{q.timeout:g}s] " if q.timeout else ""))
            except EOFError:
                return
            human.answer_threadsafe(loop, q.id, text)

        threading.Thread(target=read, name="hitl-console-answer", daemon=True).start()


async def while_answering(chat: Awaitable[T], *responders: Awaitable[Any]) -> T:
    """Await ``chat`` while ``responders`` (``scripted_answers(...)``, ``console_answers(...)``, a web
    handler) run beside it in the same event loop; cancel whatever is still running afterwards."""
    chat_task = asyncio.ensure_future(chat)
    tasks = [asyncio.ensure_future(r) for r in responders]
    try:
        waiting = {chat_task, *tasks}
        while not chat_task.done():
            done, waiting = await asyncio.wait(waiting, return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                if task is not chat_task and not task.cancelled() and task.exception() is not None:
                    raise task.exception()  # type: ignore[misc]  # a responder failed: nobody will answer
        return chat_task.result()
    finally:
        for task in (chat_task, *tasks):
            task.cancel()
        await asyncio.gather(chat_task, *tasks, return_exceptions=True)


def run_async(coro: Awaitable[T]) -> T:
    """Run a coroutine to completion from synchronous code: a script (``asyncio.run``) or a notebook
    cell, where an event loop is already running (then in a fresh thread with its own loop)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)  # type: ignore[arg-type]
    box: Dict[str, Any] = {}

    def target() -> None:
        try:
            box["value"] = asyncio.run(coro)  # type: ignore[arg-type]
        except BaseException as e:  # handed back to the caller's thread
            box["error"] = e

    context = contextvars.copy_context()
    worker = threading.Thread(target=context.run, args=(target,), name="hitl-run-async")
    worker.start()
    worker.join()
    if "error" in box:
        raise box["error"]
    return box["value"]  # type: ignore[no-any-return]
