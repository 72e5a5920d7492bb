"""Which limit ends a chat? One experiment per configuration, on AutoGen's real agents.

A chat between a ``UserProxyAgent`` and an ``AssistantAgent`` can be ended by a termination
message, by either agent's ``max_consecutive_auto_reply``, or by ``initiate_chat(max_turns=...)``.
:func:`run_limit_experiment` runs one configuration offline (scripted model, scripted human) and
reports what stopped it; lesson 04's exercise check compares a learner's predictions with a grid of
them (the lesson's own grid is plain AutoGen). A chat that nothing stops is reported as a runaway
when the scripted model runs out of lines, instead of looping for real.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, Iterable, Optional, Tuple

from ..chat.human import ScriptedHuman
from ..chat.trace import StopReason, Trace
from .scripted_chat import run_scripted_chat
from .table import Table

__all__ = ["LimitRun", "run_limit_experiment", "limits_table", "ends_with_terminate", "RUNAWAY"]

#: The outcome reason of a chat that no limit stopped.
RUNAWAY = "runaway"


def ends_with_terminate(message: Dict[str, Any]) -> bool:
    """The termination check of every experiment: text ending in TERMINATE, safe when text is None."""
    return (message.get("content") or "").rstrip().endswith("TERMINATE")


@dataclass(frozen=True)
class LimitRun:
    """One experiment: its configuration, what happened, and what stopped it."""

    max_turns: Optional[int]
    max_consecutive_auto_reply: Optional[int]
    terminate_at: Optional[int]
    human_input_mode: str
    assistant_limit: Optional[int]
    script_length: int
    model_replies: int
    messages: int
    human_asked: int
    stop: Optional[StopReason]
    trace: Trace

    @property
    def runaway(self) -> bool:
        """Nothing stopped the chat: the scripted model ran out of lines first."""
        return self.stop is None

    @property
    def reason(self) -> str:
        """The stop reason (``max_turns``, ``max_consecutive_auto_reply``, ``termination_msg``,
        ``human_exit``, ``no_reply``) or ``runaway``."""
        return RUNAWAY if self.stop is None else self.stop.reason

    @property
    def outcome(self) -> Tuple[str, int]:
        """``(reason, messages)``: what an exercise predicts."""
        return self.reason, self.messages

    @property
    def stopped_by(self) -> str:
        if self.stop is None:
            return f"RUNAWAY: still going after {self.model_replies} model replies"
        return f"{self.stop.reason} ({self.stop.agent})" if self.stop.agent else self.stop.reason


def run_limit_experiment(
    *,
    max_turns: Optional[int] = None,
    max_consecutive_auto_reply: Optional[int] = None,
    terminate_at: Optional[int] = None,
    human_input_mode: str = "NEVER",
    human_reply: Optional[str] = None,
    assistant_limit: Optional[int] = None,
    script_length: int = 30,
) -> LimitRun:
    """Run ``user_proxy.initiate_chat(assistant, message="task", max_turns=max_turns)`` and say
    what stopped it.

    The assistant's replies are ``"Step 1."``, ``"Step 2."``, ...; reply number ``terminate_at``
    ends with TERMINATE. ``None`` for a limit means AutoGen's default (100 auto-replies, no
    ``max_turns``). ``human_reply`` is what the human answers every time asked (``""`` is Enter);
    with ``None`` nobody is expected to be asked, and a prompt raises. ``script_length`` model
    replies are scripted: a chat still going after them is a runaway.
    """
    if script_length < 1:
        raise ValueError(f"script_length must be at least 1, got {script_length}")
    if terminate_at is not None and not 1 <= terminate_at <= script_length:
        raise ValueError(f"terminate_at must be between 1 and script_length={script_length}, got {terminate_at}")
    replies = [f"Step {i}." + (" TERMINATE" if i == terminate_at else "") for i in range(1, script_length + 1)]
    if human_reply is None:
        human = ScriptedHuman([], echo=False)
    else:
        human = ScriptedHuman([], strict=False, echo=False, exhausted_reply=human_reply)
    chat = run_scripted_chat(
        replies,
        human,
        "task",
        human_input_mode=human_input_mode,
        is_termination_msg=ends_with_terminate,
        max_consecutive_auto_reply=max_consecutive_auto_reply,
        assistant_max_consecutive_auto_reply=assistant_limit,
        max_turns=max_turns,
        report_exhausted=("llm",),  # the model ran out of lines: a runaway, not an error
    )
    trace, llm = chat.trace, chat.llm
    stop = None if chat.error is not None else trace.stop
    return LimitRun(
        max_turns=max_turns,
        max_consecutive_auto_reply=max_consecutive_auto_reply,
        terminate_at=terminate_at,
        human_input_mode=human_input_mode,
        assistant_limit=assistant_limit,
        script_length=script_length,
        model_replies=min(llm.call_count, script_length),
        messages=len(trace.messages),
        human_asked=human.call_count,
        stop=stop,
        trace=trace,
    )


def limits_table(runs: Iterable[LimitRun], title: str = "") -> Table:
    """One row per experiment: the three limits, what happened, and what stopped it. The
    "human asked" column appears only when some experiment had a human who could be asked."""
    runs = list(runs)
    with_human = any(r.human_input_mode != "NEVER" for r in runs)
    headers = ["max_turns", "max_consecutive_auto_reply", "TERMINATE at reply", "model replies", "messages"]
    table = Table(headers + ["human asked"] * with_human + ["stopped by"], title=title)
    for r in runs:
        cells = [r.max_turns, r.max_consecutive_auto_reply, r.terminate_at, r.model_replies, r.messages]
        table.add(*cells, *[r.human_asked] * with_human, r.stopped_by)
    return table
