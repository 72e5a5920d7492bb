"""Scripted chats for exercise checks: a learner's human replies go in, an outcome comes out.

The checks for lessons 02 and 03 run a small chat on AutoGen's real agents with the learner's
replies (through :func:`~hitl_modes.course.scripted_chat.run_scripted_chat`). A wrong answer must
become a report, never an exception, so this runs the chat with a lenient human and turns a script
that ran out into an :class:`Outcome` with ``error`` set. Run inside a lesson, these chats are the
check's own, not the lesson's: the course neither records nor draws them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, List, Optional, Sequence, Tuple

from ...chat.human import ScriptedHuman
from ...chat.llm import ScriptedLLM
from ...chat.record import RecordedRun
from ...chat.trace import Trace
from ...errors import ScriptExhaustedError
from ..instrument import unwatched
from ..limits import ends_with_terminate
from ..scripted_chat import run_scripted_chat
from . import Checker

__all__ = ["Scenario", "Outcome", "play", "play_answer", "replies_are_strings", "show_replies"]


@dataclass(frozen=True)
class Scenario:
    """A fixed chat: the proxy's mode and limit, the task, and what the model will say."""

    mode: str
    llm_replies: Tuple[str, ...]
    limit: int = 10
    task: str = "Write a short poem about the sea."
    human_replies: Tuple[str, ...] = field(default=())  # only for scenarios a learner predicts

    def __str__(self) -> str:
        lines = [
            f"human_input_mode={self.mode!r}, max_consecutive_auto_reply={self.limit}, "
            "is_termination_msg: the text ends with TERMINATE",
            f"  task:          {self.task!r}",
            f"  model replies: {', '.join(repr(r) for r in self.llm_replies)}",
        ]
        if self.human_replies:
            lines.append(f"  human replies: {show_replies(self.human_replies)}")
        return "\n".join(lines)


@dataclass
class Outcome:
    """A finished (or failed) scenario run. ``error`` is set when a script ran out."""

    trace: Trace
    llm: ScriptedLLM
    human: ScriptedHuman
    run: Optional[RecordedRun] = None
    error: Optional[ScriptExhaustedError] = None

    @property
    def asked_because(self) -> List[str]:
        """Why the human was asked, prompt by prompt (the ``detail`` of each human_prompt)."""
        return [e.detail for e in self.trace.of_kind("human_prompt")]

    @property
    def stop_reason(self) -> Optional[str]:
        return self.trace.stop_reason

    @property
    def ending(self) -> str:
        """How the chat ended, for a failure message."""
        return "did not finish" if self.error is not None else f"stopped with {self.trace.stop}"

    def expect_all_replies_used(self, c: Checker) -> None:
        left = self.human.remaining
        c.expect(not left, f"replies never used, because the chat had already ended: {show_replies(left)}")

    def model_saw(self, text: str) -> bool:
        """True when some model call ended with ``text`` as a user message: the feedback arrived."""
        return self.llm.received(text)


def play(scenario: Scenario, human_replies: Sequence[str]) -> Outcome:
    """Run ``scenario`` with ``human_replies``, quietly. Never raises on a script that runs out."""
    human = ScriptedHuman(list(human_replies), strict=False, echo=False)
    with unwatched():
        chat = run_scripted_chat(
            scenario.llm_replies,
            human,
            scenario.task,
            human_input_mode=scenario.mode,
            is_termination_msg=ends_with_terminate,
            max_consecutive_auto_reply=scenario.limit,
            default_auto_reply="Please continue.",
            report_exhausted=("llm", "human"),
        )
    return Outcome(chat.trace, chat.llm, human, run=chat.run, error=chat.error)


def play_answer(c: Checker, scenario: Scenario, replies: Any, *, example: str, when_out: str) -> Optional[Outcome]:
    """Check that a learner's ``replies`` are a list of str, run ``scenario`` with them, and report
    a script that ran out (``when_out`` says what to add). None when the replies are not a list."""
    if not replies_are_strings(c, replies, example):
        return None
    outcome = play(scenario, replies)
    if outcome.error is not None and outcome.error.kind == "human":
        c.expect(False, f"the proxy asked the human again after your {len(replies)} replies ran out; {when_out}")
    elif outcome.error is not None:
        c.expect(
            False, f"the assistant ran out of replies: yours ({show_replies(replies)}) kept the chat going too long"
        )
    return outcome


def replies_are_strings(c: Checker, replies: Any, example: str) -> bool:
    """Expect a list of str, the shape ``ScriptedHuman`` takes; say how to fix anything else."""
    ok = isinstance(replies, (list, tuple)) and all(isinstance(r, str) for r in replies)
    return c.expect(ok, f"the replies must be a list of strings, like {example}; got {replies!r}")


def show_replies(replies: Sequence[object]) -> str:
    return ", ".join("'' (Enter)" if r == "" else repr(r) for r in replies)
