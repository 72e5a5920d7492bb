"""Durable waits: a two-agent chat whose human answers in the inbox, and that outlives its process.
Lesson 17.

A person does not answer in seconds. While a chat waits in the inbox its process may die (a deploy,
a crash, a laptop closed). ``DurableChat`` saves the chat at every human question, and a new
process started with the same checkpoint file carries on from there:

    chat = DurableChat("deploy.chat.json", user_proxy, assistant, url, timeout=3600, audit_log="audit.jsonl")
    result = chat.run("Free some disk space.")   # the first run starts; a later one resumes

It is built on AutoGen's own pieces:

- what it saves is each agent's ``chat_messages`` with the other (the messages, verbatim);
- a resumed process loads them back into the agents' ``chat_messages``, lets the agent that was
  asking run its own reply chain again (``generate_reply``: AutoGen's ``get_human_input`` asks this
  stream, which re-attaches to the *same* question in the inbox by its saved id), and continues with
  ``initiate_chat(message=reply, clear_history=False)``.

Why nothing is lost or applied twice:

- the question is saved (with its id) *before* the inbox hears of it, so a process killed at any
  moment resumes with the same id: the inbox's idempotent ``PUT`` finds the card it already has, or
  creates it if the kill came first, and the decision made while the process was down is read;
- the decision is saved *before* the agent sees it, so a process killed after that applies the
  saved decision from the checkpoint, without asking the inbox or writing the audit log again;
- every write is atomic (a temporary file, ``fsync``, ``rename``, ``fsync`` of the folder), so a
  kill mid-write leaves the previous checkpoint whole.

What is not saved: AutoGen's auto-reply counters and any state inside reply functions (they start
again from zero in the new process), and work done between the decision and the next question is
done again on resume (a model call, or code an approved message runs). Keep side effects behind a
question of their own, or make them idempotent (lesson 09's outbox).
"""

from __future__ import annotations

import json
import os
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Union

from autogen import ChatResult, ConversableAgent

from ..approvals.audit import read_audit_log
from ..errors import DurableChatError
from .client import approve_effect
from .human import InboxHuman, asking_agent, asks_at_termination, recent_conversation

__all__ = ["DurableChat", "CheckpointingInboxHuman", "save_checkpoint", "load_checkpoint"]

FORMAT = "hitl-modes-durable-chat/1"

#: Called after each checkpoint is written: ``(event, state)`` with event ``asking`` (the question is
#: saved, the inbox not yet told), ``decided`` (the decision is saved, the agent not yet told) or
#: ``finished``.
CheckpointHook = Callable[[str, Dict[str, Any]], None]


def save_checkpoint(path: Union[str, Path], state: Dict[str, Any]) -> None:
    """Write ``state`` as JSON to ``path`` atomically: a temporary file beside it, fsync, rename,
    fsync of the folder. A reader sees the old checkpoint or the new one, never half of one."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    data = json.dumps(state, ensure_ascii=False, indent=1).encode("utf-8")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)
    folder = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(folder)  # the rename itself survives a power cut
    finally:
        os.close(folder)


def load_checkpoint(path: Union[str, Path]) -> Optional[Dict[str, Any]]:
    """The saved state, or None when there is no checkpoint yet."""
    path = Path(path)
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (ValueError, UnicodeDecodeError) as e:
        raise DurableChatError(f"{path} is not a readable chat checkpoint ({e})") from None
    if not isinstance(state, dict) or state.get("format") != FORMAT:
        raise DurableChatError(f"{path} is not a {FORMAT} checkpoint")
    return state


def _copy(messages: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    return json.loads(json.dumps(messages))


class CheckpointingInboxHuman(InboxHuman):
    """An ``InboxHuman`` that saves its ``DurableChat`` at every question and, in a resumed process,
    answers the saved question from the checkpoint or from the same card in the inbox."""

    def __init__(self, chat: DurableChat, url: Optional[str] = None, **options: Any) -> None:
        super().__init__(url, **options)
        self.chat = chat

    def input(self, prompt: str = "", *, password: bool = False) -> str:
        agent = asking_agent()
        name = agent.name if agent is not None else "human"
        conversation = recent_conversation(agent, prompt) if agent is not None else []
        saved = self.chat.take_pending_question()
        if saved is not None:
            if (saved["prompt"], saved["asker"]) != (prompt, name):
                raise DurableChatError(
                    f"the resumed chat asked {name!r} {prompt!r}, but the checkpoint {self.chat.path} waits for "
                    f"{saved['asker']!r} {saved['prompt']!r}: resume it with the same agents and settings"
                )
            question = saved
            if question.get("response") is not None:  # decided and saved before the crash: apply, ask nobody
                if self.echo:
                    self._output.print(
                        f"{prompt}\n[resumed from {self.chat.path}: applying the decision saved before the "
                        f"restart: {question['decision']}]",
                        flush=True,
                    )
                self.prompts.append(prompt)
                self.replies.append(question["response"])
                return str(question["response"])
            remaining = float(question["deadline"]) - time.time()
            already_audited = self._audited(question["prompt_id"])
        else:
            question = {
                "asker": name,
                "prompt": prompt,
                "prompt_id": uuid.uuid4().hex,
                "deadline": time.time() + self.timeout,
                "response": None,
                "decision": None,
            }
            self.chat.save("asking", question)  # before the inbox hears of it: a resume re-uses this id
            remaining = self.timeout
            already_audited = False
        decision = self.ask(
            prompt,
            agent=name,
            conversation=conversation,
            prompt_id=question["prompt_id"],
            timeout=max(1.0, remaining),  # past the deadline: one look, the inbox has timed it out or decided
            record=not already_audited,
            approve=approve_effect(prompt, asks_at_termination(agent, prompt) if agent is not None else None),
        )
        self.chat.save("decided", {**question, "response": decision.response, "decision": decision.decision})
        return decision.response or ""  # always text here: a timeout answers timeout_reply

    def _audited(self, prompt_id: str) -> bool:
        """Did the process that died record this decision in the audit log already?"""
        if self.audit is None or not self.audit.path.exists():
            return False
        return any(r.get("prompt_id") == prompt_id for r in read_audit_log(self.audit.path, allow_torn_tail=True))


class DurableChat:
    """``sender.initiate_chat(recipient, message)`` with its human in the inbox at ``url``, saved in
    ``checkpoint`` at every human question so that a new process can resume it.

    ``human_options`` go to the :class:`InboxHuman` (``timeout``, ``audit_log``, ``agent_token``,
    ``echo``, ...). ``on_checkpoint(event, state)`` is called after each save. Run it again with the
    same checkpoint (in a new process, with agents built the same way) and it resumes; once the chat
    has finished, ``run`` returns the saved result and runs nothing.
    """

    def __init__(
        self,
        checkpoint: Union[str, Path],
        sender: ConversableAgent,
        recipient: ConversableAgent,
        url: Optional[str] = None,
        *,
        on_checkpoint: Optional[CheckpointHook] = None,
        **human_options: Any,
    ) -> None:
        if sender.name == recipient.name:
            raise ValueError("DurableChat needs two agents with different names: the checkpoint uses the names")
        self.path = Path(checkpoint)
        self.sender = sender
        self.recipient = recipient
        self.on_checkpoint = on_checkpoint
        self.human = CheckpointingInboxHuman(self, url, **human_options)
        self.resumed = False
        self._state: Dict[str, Any] = {}
        self._pending: Optional[Dict[str, Any]] = None
        self._earlier_input: List[str] = []

    # -- used by the human -------------------------------------------------------------------------
    def take_pending_question(self) -> Optional[Dict[str, Any]]:
        """The saved question a resumed chat must meet first (once), or None."""
        pending, self._pending = self._pending, None
        return pending

    def save(self, event: str, question: Optional[Dict[str, Any]]) -> None:
        self._state = {
            "format": FORMAT,
            "status": event,
            "sender": self.sender.name,
            "recipient": self.recipient.name,
            "message": self._state.get("message"),
            "messages": {
                self.sender.name: _copy(self.sender.chat_messages[self.recipient]),
                self.recipient.name: _copy(self.recipient.chat_messages[self.sender]),
            },
            "question": question,
            # what the chat applied before this question (a decided question's answer is in "question")
            "human_input": self.human_input[:-1] if event == "decided" else self.human_input,
            "saved_at": datetime.now(timezone.utc).isoformat(timespec="milliseconds"),
        }
        save_checkpoint(self.path, self._state)
        if self.on_checkpoint is not None:
            self.on_checkpoint(event, self._state)

    # -- running -----------------------------------------------------------------------------------
    @property
    def human_input(self) -> List[str]:
        """Every answer the chat applied, across processes."""
        return self._earlier_input + list(self.human.replies)

    def run(self, message: Any = None, *, silent: bool = False) -> ChatResult:
        """Start the chat with ``message``, or resume it from the checkpoint (``message`` is then
        taken from the checkpoint and may be omitted)."""
        state = load_checkpoint(self.path)
        if state is None:
            self._state = {"message": message}
            with self.human:
                self.sender.initiate_chat(self.recipient, message=message, silent=silent)
        else:
            self._check_fits(state)
            self._state = state
            self.resumed = True
            if state["status"] == "finished":
                self._restore(state)
                self._earlier_input = list(state["human_input"])
                return self._result()
            self._resume(state, silent)
        self.save("finished", None)
        return self._result()

    def _check_fits(self, state: Dict[str, Any]) -> None:
        names = (state.get("sender"), state.get("recipient"))
        if names != (self.sender.name, self.recipient.name):
            raise DurableChatError(
                f"the checkpoint {self.path} is a chat between {names[0]!r} and {names[1]!r}, not "
                f"{self.sender.name!r} and {self.recipient.name!r}: build the same agents to resume it"
            )

    def _restore(self, state: Dict[str, Any]) -> None:
        """Load each agent's saved view of the other into its ``chat_messages`` (replacing it)."""
        for agent, partner in ((self.sender, self.recipient), (self.recipient, self.sender)):
            agent.chat_messages[partner] = _copy(state["messages"][agent.name])

    def _resume(self, state: Dict[str, Any], silent: bool) -> None:
        self._restore(state)
        self._earlier_input = list(state["human_input"])
        question = state["question"]
        asker, partner = (
            (self.sender, self.recipient) if question["asker"] == self.sender.name else (self.recipient, self.sender)
        )
        if question["asker"] not in (self.sender.name, self.recipient.name):
            raise DurableChatError(f"the checkpoint's question was asked by {question['asker']!r}, not by this chat")
        self._pending = question
        with self.human:
            # The asking agent's own reply chain runs again; get_human_input meets the saved question.
            reply = asker.generate_reply(messages=asker.chat_messages[partner], sender=partner)
            if self._pending is not None:
                raise DurableChatError(
                    f"the resumed {asker.name!r} did not ask its human again, so the saved decision cannot be "
                    "applied: resume with the same human_input_mode and termination check"
                )
            if reply is not None:
                asker.initiate_chat(partner, message=reply, clear_history=False, silent=silent)

    def _result(self) -> ChatResult:
        history = self.sender.chat_messages[self.recipient]
        last: Dict[str, Any] = next((m for m in reversed(history) if m.get("content")), {})
        return ChatResult(
            chat_history=history,
            summary=str(last.get("content") or "").replace("TERMINATE", "").strip(),
            cost={},
            human_input=self.human_input,
        )

    def __repr__(self) -> str:
        return f"DurableChat({str(self.path)!r}, {self.sender.name!r} -> {self.recipient.name!r})"
