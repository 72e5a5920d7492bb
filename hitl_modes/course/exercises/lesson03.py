"""Lesson 03 exercises: driving an ALWAYS-mode chat, and choosing a mode that cannot hang."""

from __future__ import annotations

from typing import Any, Callable

from ...chat.human import mode_can_ask_human
from . import RAISED, Checker, CheckResult
from .chats import Scenario, play_answer

__all__ = ["ALWAYS_SCENARIO", "check_always_replies", "check_headless_mode"]

#: Two drafts and a final answer; spare replies keep a wrong answer reportable instead of crashing.
ALWAYS_SCENARIO = Scenario(
    "ALWAYS",
    (
        "Draft 1: an outline of the release notes.",
        "Draft 2: the release notes, in prose.",
        "Final: the release notes, with your change. TERMINATE",
        "Final, again. TERMINATE",
        "Final, once more. TERMINATE",
    ),
    task="Write the release notes for version 2.0.",
)

_MODES = ("ALWAYS", "TERMINATE", "NEVER")


def check_always_replies(replies: Any) -> CheckResult:
    """Exercise 1: in ALWAYS_SCENARIO, ``replies`` let draft 1 pass with the auto-reply, correct
    draft 2 with your own words, and end the chat at the final answer without typing 'exit'."""
    c = Checker("Exercise 1: a human on every turn")
    outcome = play_answer(
        c,
        ALWAYS_SCENARIO,
        replies,
        example="['', 'Mention the new API.', '']",
        when_out="ALWAYS asks at every message, the final answer too",
    )
    if outcome is None:
        return c.result
    used = outcome.human.replies
    first, second = (list(used) + [None, None])[:2]
    c.expect(first == "", f"your first reply should be '' (Enter) so the proxy sends its auto-reply; it was {first!r}")
    auto = [m for m in outcome.trace.messages if m.agent == "user_proxy" and m.source == "auto_reply"]
    c.expect(len(auto) == 1, f"the proxy should auto-reply exactly once (to draft 1); it did {len(auto)} times")
    c.expect(
        second not in (None, "", "exit"),
        f"your second reply should be your correction, any text but '' or 'exit'; it was {second!r}",
    )
    if second not in (None, "", "exit"):
        c.expect(outcome.model_saw(second), f"the model never received your correction {second!r}")
    last = used[-1] if used else None
    c.expect(
        outcome.stop_reason == "termination_msg",
        "the chat should end because you pressed Enter on the final (TERMINATE) answer"
        + (
            "; you typed 'exit' there, which works, but Enter already ends it"
            if last == "exit" and len(used) == 3
            else f"; it {outcome.ending}"
        ),
    )
    c.expect(len(used) == 3, f"the human should be asked 3 times (draft 1, draft 2, final); it was asked {len(used)}")
    outcome.expect_all_replies_used(c)
    return c.result


def check_headless_mode(choose_mode: Callable[[bool], Any]) -> CheckResult:
    """Exercise 2: ``choose_mode(interactive)`` returns the ``human_input_mode`` for a chat where a
    person reviews every turn when one can type (``interactive=True``), and a mode that can never
    wait for a person when nobody can (``interactive=False``)."""
    c = Checker("Exercise 2: a mode that cannot hang")
    with_person = c.call(choose_mode, True, explanation="choose_mode(True)")
    without = c.call(choose_mode, False, explanation="choose_mode(False)")
    for interactive, got in ((True, with_person), (False, without)):
        if got is not RAISED:
            c.expect(
                got in _MODES,
                f"choose_mode({interactive}) returned {got!r}, which is not a "
                f"human_input_mode: use one of {', '.join(map(repr, _MODES))}",
            )
    if with_person is not RAISED:
        c.expect(
            with_person == "ALWAYS", f"choose_mode(True) returned {with_person!r}: a person on every turn is 'ALWAYS'"
        )
    if without is not RAISED and without in _MODES:
        c.expect(
            not mode_can_ask_human(without),
            f"choose_mode(False) returned {without!r}, which still asks a person (TERMINATE asks at "
            "every termination message and at the auto-reply limit): with nobody at stdin it hangs or "
            "crashes; use 'NEVER'",
        )
    return c.result
