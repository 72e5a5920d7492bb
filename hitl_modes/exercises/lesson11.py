"""Lesson 11 exercises: what a reply from the inbox means to AutoGen."""

from __future__ import annotations

from typing import Callable, Optional

from . import _RAISED, Checker, CheckResult

__all__ = ["check_decision_for_reply"]


def check_decision_for_reply(fn: Callable[[Optional[str]], str]) -> CheckResult:
    """Exercise 1: ``fn(reply)`` names the decision the chat applies, in the audit log's words:
    ``""`` is ``approved`` (AutoGen proceeds), exactly ``"exit"`` is ``exit``, any other text is
    ``feedback``, and ``None`` (nobody answered before the timeout) is ``timed-out``."""
    c = Checker("Exercise 1: what a reply means")
    cases = [
        ("", "approved", "an empty reply (Approve) lets AutoGen proceed: 'approved'"),
        ("exit", "exit", "'exit' (Stop) ends the chat: 'exit'"),
        ("Only delete build/, please.", "feedback", "text (Reply) goes to the model as feedback: 'feedback'"),
        (None, "timed-out", "no answer at all (None) is a timeout: 'timed-out', never 'approved'"),
        ("EXIT", "feedback", "AutoGen compares with 'exit' exactly: 'EXIT' is sent to the model as feedback"),
        ("exit ", "feedback", "'exit ' with a space is not 'exit' to AutoGen: it is feedback"),
        (" ", "feedback", "a single space is not empty: AutoGen sends it as feedback"),
    ]
    for reply, expected, explanation in cases:
        got = c.call(fn, reply, explanation=explanation)
        if got is not _RAISED:
            c.expect(got == expected, f"{explanation} (got {got!r} for {reply!r})")
    return c.result
