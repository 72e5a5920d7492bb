"""Record a chat through AutoGen's own seams and explain why it stopped.

Three seams, no monkeypatching:
- the ``process_message_before_send`` hook sees every message as it is sent;
- a pass-through reply function registered at position 0 sees each agent's state just before
  ``check_termination_and_human_reply`` decides (auto-reply counter, limit, termination check);
- a wrapping ``IOStream`` sees every human prompt and reply, and AutoGen's
  ``EXECUTING CODE BLOCK`` notices.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Dict, Iterator, List, Optional

from autogen import Agent, ConversableAgent
from autogen.io import IOStream

from ..errors import ScriptExhaustedError
from .compat import event_text
from .stream import InstallableStream
from .trace import Event, Trace

__all__ = [
    "Recorder",
    "RecordedRun",
    "record_chat",
    "a_record_chat",
    "record_human_exchange",
    "GroupRecorder",
    "record_group_chat",
    "chat_recording",
    "record_human_timeout",
    "record_gate_decision",
    "record_executor_decision",
]

_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_CODE_NOTICE = re.compile(r"EXECUTING CODE BLOCK(?: \d+)? \(inferred language is (\w+)\)")
_ATTACHED = "_hitl_recorder_attached"


@dataclass
class _TurnState:
    """An agent's state just before AutoGen's termination/human-reply check runs."""

    agent: str
    sender: str
    mode: str
    counter: int
    limit: int
    is_termination: bool
    human_replies: List[str] = field(default_factory=list)
    code_languages: List[str] = field(default_factory=list)
    replied: bool = False
    timeout: Optional[tuple[str, str]] = None  # (the default applied, why) when nobody answered
    gate: Optional[tuple[str, str]] = None  # (decision, what it did) when a gate decided


@dataclass
class _OpenPrompt:
    """A prompt shown through the IOStream and not answered yet."""

    asker: str
    expired: bool = False  # the asker gave up waiting: a late answer is not the human's reply


@dataclass
class RecordedRun:
    """A finished chat: AutoGen's own ``ChatResult`` and the trace of what happened."""

    result: Any
    trace: Trace
    printed: str = ""  # AutoGen's own printing, when the chat was recorded with capture=True

    @property
    def stop_reason(self) -> Optional[str]:
        return self.trace.stop_reason

    def timeline(self) -> str:
        return self.trace.timeline()

    def _repr_html_(self) -> str:
        return self.trace.to_html()


class Recorder(InstallableStream):
    """Records every chat between ``agents`` while active (``with Recorder(a, b) as rec:``).

    It installs itself as AutoGen's IOStream, wrapping whatever stream (a ScriptedHuman, the
    console) was the default, so the human is still the one answering. ``quiet=True`` hides
    AutoGen's printing, for example for machine-readable output; ``capture=True`` hides it too
    and keeps it in :attr:`printed` (a notebook folds it under the picture).
    """

    def __init__(
        self, *agents: ConversableAgent, quiet: bool = False, trace: Optional[Trace] = None, capture: bool = False
    ) -> None:
        """``trace``: record into this one (a caller that keeps it still has it if the chat raises)."""
        super().__init__()
        self.agents = list(agents)
        self.quiet = quiet or capture
        self.capture = capture
        self.printed: List[str] = []
        self.trace = Trace() if trace is None else trace
        self._decision: Optional[_TurnState] = None
        self._sent_first = False
        self._first_from_human = False
        self._open: List[_OpenPrompt] = []

    # -- install --------------------------------------------------------------------------------
    @property
    def inner(self) -> Optional[IOStream]:
        """The stream this one wraps: whoever answers the human's prompts."""
        return self._previous

    def __enter__(self) -> Recorder:
        for agent in self.agents:
            _attach(agent)
            agent._hitl_recorder = self  # type: ignore[attr-defined]
        self.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()
        for agent in self.agents:
            if getattr(agent, "_hitl_recorder", None) is self:
                agent._hitl_recorder = None  # type: ignore[attr-defined]

    # -- per chat -------------------------------------------------------------------------------
    def begin_chat(self) -> None:
        self._decision = None
        self._sent_first = False
        self._first_from_human = False

    def end_chat(self, max_turns: Optional[int] = None) -> None:
        """Append the stop event for the chat that just returned."""
        d = self._decision
        if d is None or d.replied:
            if max_turns is not None:
                self._add(Event("stop", "", "max_turns", detail=f"max_turns={max_turns} round trips completed"))
            else:
                self._add(Event("stop", "", "no_reply", detail="the last message got no reply"))
            return
        reason, detail = _explain(d)
        self._add(Event("stop", d.agent, reason, detail=detail))

    # -- IOStream -------------------------------------------------------------------------------
    def input(self, prompt: str = "", *, password: bool = False) -> str:
        d = self._decision
        asker = d.agent if d else (self.agents[0].name if self.agents else "")
        self._add(Event("human_prompt", asker, prompt, detail=_why_asked(d)))
        assert self.inner is not None
        waiting = _OpenPrompt(asker)
        self._open.append(waiting)
        try:
            reply = self.inner.input(prompt, password=password)
        finally:
            self._open.remove(waiting)
        if not waiting.expired:
            self._note_reply(asker, reply)
        return reply

    def _human_timeout(self, asker: str, applied: str, why: str, prompt: Optional[str]) -> None:
        if prompt is not None:  # a channel that bypasses the IOStream: its prompt is not recorded yet
            self._add(Event("human_prompt", asker, prompt, detail=_why_asked(self._decision)))
        else:
            for waiting in reversed(self._open):
                if waiting.asker == asker and not waiting.expired:
                    waiting.expired = True
                    break
        self._add(Event("human_timeout", asker, applied, detail=why))
        if self._decision is not None and self._decision.agent == asker:
            self._decision.timeout = (applied, why)

    def _gate_decision(self, agent: str, decision: str, did: str) -> None:
        self._add(Event("decision", agent, decision, detail=did))
        if self._decision is not None and self._decision.agent == agent:
            self._decision.gate = (decision, did)

    def _human_exchange(self, asker: str, prompt: str, reply: str) -> None:
        self._add(Event("human_prompt", asker, prompt, detail=_why_asked(self._decision)))
        self._note_reply(asker, reply)

    def _note_reply(self, asker: str, reply: str) -> None:
        d = self._decision
        self._add(Event("human_reply", asker, reply))
        if d is not None:
            d.human_replies.append(reply)
        elif not self._sent_first:
            self._first_from_human = True

    def print(self, *objects: Any, sep: str = " ", end: str = "\n", flush: bool = False) -> None:
        self._notice(sep.join(str(o) for o in objects))
        if self.capture:  # without colour codes: it is shown as plain text
            self.printed.append(_ANSI.sub("", sep.join(str(o) for o in objects) + end))
        if not self.quiet and self.inner is not None:
            self.inner.print(*objects, sep=sep, end=end, flush=flush)

    def send(self, message: Any) -> None:
        """ag2 prints structured events through ``send`` instead of ``print``."""
        text = event_text(message)
        self._notice(text)
        if self.capture:
            self.printed.append(_ANSI.sub("", text))
        if not self.quiet and self.inner is not None:
            if hasattr(self.inner, "send"):
                self.inner.send(message)
            else:
                self.inner.print(text, end="")

    def _notice(self, text: str) -> None:
        m = _CODE_NOTICE.search(_ANSI.sub("", text))
        if m and self._decision is not None:
            self._decision.code_languages.append(m.group(1))
            self._add(Event("code_execution", self._decision.agent, "", detail=m.group(1)))

    # -- hooks ----------------------------------------------------------------------------------
    def _on_decision(self, agent: ConversableAgent, messages: List[Dict[str, Any]], sender: Optional[Agent]) -> None:
        counter = limit = 0
        is_term = False
        try:
            counter = agent._consecutive_auto_reply_counter[sender]
            limit = agent._max_consecutive_auto_reply_dict[sender]
            is_term = bool(messages) and bool(agent._is_termination_msg(messages[-1]))
        except Exception:  # an exotic agent: record what we can, never break the chat
            pass
        self._decision = _TurnState(
            agent.name, getattr(sender, "name", ""), agent.human_input_mode, counter, limit, is_term
        )

    def _on_send(self, sender: ConversableAgent, message: Any, recipient: Agent) -> None:
        d = self._decision
        content = message.get("content") if isinstance(message, dict) else message
        if isinstance(message, dict) and message.get("tool_calls"):
            calls = ", ".join(c.get("function", {}).get("name", "?") for c in message["tool_calls"])
            content = f"{content or ''}[tool calls: {calls}]"
        text = "" if content is None else str(content)
        if not self._sent_first:
            self._sent_first = True
            source = "human" if self._first_from_human else "task"
        elif d is not None and d.agent == sender.name and not d.replied:
            d.replied = True
            if d.code_languages:  # before the human: an approval is a reply, but the output is the code's
                source = "code_result"
                ran = d.gate is None or d.gate[0] in ("approved", "auto-approved")
                how = "executed the code it received" if ran else "sent the gate's result: the code was not run"
                self._add(Event("auto_reply", sender.name, "", detail=how))
            elif d.timeout is not None:
                source = "auto_reply"
                self._add(Event("auto_reply", sender.name, "", detail="applied its timeout default"))
            elif d.human_replies and d.human_replies[-1] not in ("", "exit"):
                source = "human"
            elif isinstance(message, dict) and (message.get("tool_responses") or message.get("role") == "tool"):
                source = "tool_result"
            elif getattr(sender, "client", None) is not None:
                source = "llm"
            else:
                source = "auto_reply"
                default = getattr(sender, "_default_auto_reply", None)
                how = "default_auto_reply" if message == default or text == default else "a reply function"
                self._add(Event("auto_reply", sender.name, "", detail=how))
        else:
            source = "reply"  # sent outside AutoGen's reply chain, e.g. an overridden generate_reply
        self._add(Event("message", sender.name, text, recipient=recipient.name, source=source))

    def _add(self, event: Event) -> None:
        self.trace.events.append(event)


def record_human_exchange(agent: Any, prompt: str, reply: str) -> None:
    """For human channels that bypass AutoGen's IOStream (an ``a_get_human_input`` override fed by
    a queue, say): put the exchange in the active recording, exactly as an IOStream human's would be."""
    rec = getattr(agent, "_hitl_recorder", None)
    if rec is not None:
        rec._human_exchange(agent.name, prompt, reply)


def record_human_timeout(agent: Any, applied: str, why: str, *, prompt: Optional[str] = None) -> None:
    """Nobody answered ``agent`` in time and it applied ``applied`` (``"exit"``, a denial...): put
    that in the active recording as a ``human_timeout`` event, never as the human's reply. ``why``
    says how long it waited ("no answer within 30s"). Channels that bypass the IOStream pass the
    ``prompt`` they asked; otherwise the IOStream prompt now waiting is the one that expired, and
    an answer that comes back later is not recorded as the human's."""
    rec = getattr(agent, "_hitl_recorder", None)
    if rec is not None:
        rec._human_timeout(agent.name, applied, why, prompt)


def record_gate_decision(agent: Any, decision: str, did: str = "") -> None:
    """A gate on ``agent`` decided (``approved``, ``rejected``, ``timed-out``...; ``did`` says what
    followed: "sent outbox/x.eml", "denied"): put it in the active recording, so a chat the gate
    ends says what it decided."""
    rec = getattr(agent, "_hitl_recorder", None)
    if rec is not None:
        rec._gate_decision(agent.name, decision, did)


def record_executor_decision(decision: str, did: str = "") -> None:
    """:func:`record_gate_decision` for a gate with no agent at hand (a code executor): it goes to
    the recording whose IOStream is active, on the agent whose reply is being decided."""
    stream = IOStream.get_default()
    if isinstance(stream, Recorder) and stream._decision is not None:
        stream._gate_decision(stream._decision.agent, decision, did)


def _why_asked(d: Optional[_TurnState]) -> str:
    if d is None:
        return "initial_message"
    if d.mode == "ALWAYS":
        return "every_turn"
    if d.counter >= d.limit:
        return "max_consecutive_auto_reply"
    if d.is_termination:
        return "termination_msg"
    return "custom"


def _explain(d: _TurnState) -> tuple[str, str]:
    if d.timeout is not None:
        applied, why = d.timeout
        return "human_timeout", f"nobody answered {d.agent} ({why}); it applied the default {applied!r}"
    if d.gate is not None:
        decision, did = d.gate
        return "gate_decision", f"{d.agent}'s gate decided: {decision}{' — ' + did if did else ''}"
    last = d.human_replies[-1] if d.human_replies else None
    if last == "exit":
        return "human_exit", f"the human answered 'exit' when {d.agent} asked ({_why_asked(d)})"
    if d.mode == "NEVER":
        if d.counter >= d.limit:
            return (
                "max_consecutive_auto_reply",
                f"{d.agent} reached max_consecutive_auto_reply={d.limit} toward {d.sender}",
            )
        if d.is_termination:
            return "termination_msg", f"{d.agent} received a termination message from {d.sender}"
    elif last == "" and d.is_termination:
        return "termination_msg", f"{d.agent} received a termination message and the human pressed Enter"
    return "no_reply", f"{d.agent}'s reply functions produced no reply"


def _observe(
    recipient: ConversableAgent, messages: Any = None, sender: Any = None, config: Any = None
) -> tuple[bool, None]:
    rec = getattr(recipient, "_hitl_recorder", None)
    if rec is not None:
        if messages is None and sender is not None:
            messages = recipient.chat_messages.get(sender, [])
        rec._on_decision(recipient, messages or [], sender)
    return False, None


def _hook(sender: ConversableAgent, message: Any, recipient: Agent, silent: bool) -> Any:
    rec = getattr(sender, "_hitl_recorder", None)
    if rec is not None:
        rec._on_send(sender, message, recipient)
    return message


async def _a_hook(sender: ConversableAgent, message: Any, recipient: Agent, silent: bool) -> Any:
    return _hook(sender, message, recipient, silent)


def _attach(agent: ConversableAgent) -> None:
    if getattr(agent, _ATTACHED, False):
        return
    agent.register_reply([Agent, None], _observe, position=0)
    agent.register_hook("process_message_before_send", _hook)
    if "a_process_message_before_send" in agent.hook_lists:
        # autogen-agentchat 0.2.36+ runs a separate, async hook list when a_send sends.
        agent.register_hook("a_process_message_before_send", _a_hook)
    setattr(agent, _ATTACHED, True)


@contextmanager
def _recording(
    initiator: ConversableAgent,
    recipient: ConversableAgent,
    quiet: bool,
    max_turns: Optional[int],
    trace: Optional[Trace],
    capture: bool = False,
) -> Iterator[Recorder]:
    """One recorded chat. If a script runs out, its :class:`ScriptExhaustedError` carries the
    partial trace (its declared ``trace`` attribute) as it propagates."""
    with Recorder(initiator, recipient, quiet=quiet, trace=trace, capture=capture) as rec:
        rec.begin_chat()
        try:
            yield rec
        except ScriptExhaustedError as exc:
            if exc.trace is None:  # the innermost recording saw the chat that ran out
                exc.trace = rec.trace
            raise
        rec.end_chat(max_turns)


def record_chat(
    initiator: ConversableAgent,
    recipient: ConversableAgent,
    message: Any = None,
    *,
    max_turns: Optional[int] = None,
    quiet: bool = False,
    trace: Optional[Trace] = None,
    capture: bool = False,
    **initiate_kwargs: Any,
) -> RecordedRun:
    """``initiator.initiate_chat(recipient, ...)``, recorded. Returns the ChatResult and the trace.

    ``trace``: record into this :class:`Trace`, so the caller keeps what happened even when the
    chat raises (a human who hung up, say); a script that runs out also carries it as ``exc.trace``.
    ``capture``: AutoGen's printing goes to ``printed`` instead of the screen."""
    with _recording(initiator, recipient, quiet, max_turns, trace, capture) as rec:
        result = initiator.initiate_chat(recipient, message=message, max_turns=max_turns, **initiate_kwargs)
    return RecordedRun(result, rec.trace, "".join(rec.printed))


async def a_record_chat(
    initiator: ConversableAgent,
    recipient: ConversableAgent,
    message: Any = None,
    *,
    max_turns: Optional[int] = None,
    quiet: bool = False,
    trace: Optional[Trace] = None,
    capture: bool = False,
    **initiate_kwargs: Any,
) -> RecordedRun:
    """The async twin of :func:`record_chat`, through ``a_initiate_chat``."""
    with _recording(initiator, recipient, quiet, max_turns, trace, capture) as rec:
        result = await initiator.a_initiate_chat(recipient, message=message, max_turns=max_turns, **initiate_kwargs)
    return RecordedRun(result, rec.trace, "".join(rec.printed))


# -- group chats ---------------------------------------------------------------------------------

#: The start of the prompt ``GroupChat.manual_select_speaker`` shows (speaker_selection_method="manual").
MANUAL_SELECTION_PROMPT = "Enter the number of the next speaker"


class GroupRecorder(Recorder):
    """Records a group chat run by ``manager`` (a ``GroupChatManager``): one lane per member and
    one for the manager. Members are recorded as in a two-agent chat (their messages to the
    manager, the prompts each member shows its human). A prompt shown while no member is deciding
    comes from speaker selection (``manual``, or a selector function that asks a person): it is put
    on the manager's lane. The stop is explained from the group's side: a termination message on
    the manager, ``max_round``, a member that produced no reply (``exit``, its own limit), or no
    eligible speaker.
    """

    def __init__(
        self, manager: Any, initiator: Optional[ConversableAgent] = None, *, quiet: bool = False, capture: bool = False
    ) -> None:
        members = list(manager.groupchat.agents)
        first = [initiator] if initiator is not None else []
        super().__init__(*first, *[a for a in members if a is not initiator], quiet=quiet, capture=capture)
        self.manager = manager

    def input(self, prompt: str = "", *, password: bool = False) -> str:
        d = self._decision
        if (d is not None and not d.replied) or not self._sent_first:
            # a member deciding its reply, or the initiator asking for the task (``message=None``)
            return super().input(prompt, password=password)
        why = "manual_selection" if prompt.startswith(MANUAL_SELECTION_PROMPT) else "speaker_selection"
        self._add(Event("human_prompt", self.manager.name, prompt, detail=why))
        assert self.inner is not None
        reply = self.inner.input(prompt, password=password)
        self._add(Event("human_reply", self.manager.name, reply))
        return reply

    def end_chat(self, max_turns: Optional[int] = None) -> None:
        d = self._decision
        if d is not None and not d.replied:  # the member chosen to speak produced no reply
            reason, detail = _explain(d)
            self._add(Event("stop", d.agent, reason, detail=detail))
            return
        group, name = self.manager.groupchat, self.manager.name
        last = group.messages[-1] if group.messages else None
        if last is not None and self.manager._is_termination_msg(last):
            who = last.get("name") or "a member"
            self._add(
                Event("stop", name, "termination_msg", detail=f"{name} received a termination message from {who}")
            )
        elif len(group.messages) >= group.max_round:
            detail = f"max_round={group.max_round} messages were posted (the opening message counts)"
            self._add(Event("stop", name, "max_round", detail=detail))
        else:
            detail = "speaker selection found no eligible speaker (AutoGen's NoEligibleSpeaker)"
            self._add(Event("stop", name, "no_eligible_speaker", detail=detail))


@contextmanager
def chat_recording(
    initiator: ConversableAgent,
    recipient: Any,
    *,
    quiet: bool = False,
    capture: bool = False,
    max_turns: Optional[int] = None,
) -> Iterator[Recorder]:
    """Record the chat run inside the ``with`` block: a group chat when ``recipient`` is a
    ``GroupChatManager`` (a :class:`GroupRecorder`), else a two-agent one. A script that runs out
    carries the partial trace, also when it reaches the chat as a model server's HTTP error."""
    if not hasattr(recipient, "groupchat"):
        with _recording(initiator, recipient, quiet, max_turns, None, capture) as rec:
            yield rec
        return
    with GroupRecorder(recipient, initiator, quiet=quiet, capture=capture) as rec:
        rec.begin_chat()
        try:
            yield rec
        except ScriptExhaustedError as exc:
            if exc.trace is None:
                exc.trace = rec.trace
            raise
        except Exception:
            # Through a ScriptedModelServer a script that ran out arrives as the client's HTTP error;
            # the server re-raises the script's own error, which gets this partial trace.
            from .server import give_partial_trace  # only group chats that failed need the server

            give_partial_trace(rec.trace)
            raise
        rec.end_chat()


def record_group_chat(
    initiator: ConversableAgent,
    manager: Any,
    message: Any = None,
    *,
    quiet: bool = False,
    capture: bool = False,
    **initiate_kwargs: Any,
) -> RecordedRun:
    """``initiator.initiate_chat(manager, ...)`` for a ``GroupChatManager``, recorded with a
    :class:`GroupRecorder`. The ``RecordedRun``'s result is AutoGen's ``ChatResult``; the group's own
    messages are ``manager.groupchat.messages``. Lesson 14."""
    with chat_recording(initiator, manager, quiet=quiet, capture=capture) as rec:
        result = initiator.initiate_chat(manager, message=message, **initiate_kwargs)
    return RecordedRun(result, rec.trace, "".join(rec.printed))
