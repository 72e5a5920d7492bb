"""Lesson 12 exercises: the rule a code-approval gate uses to read the human's reply."""

from __future__ import annotations

from typing import Callable, Optional

from . import RAISED, Checker, CheckResult

__all__ = ["check_reply_approves"]


def check_reply_approves(fn: Callable[[Optional[str]], object]) -> CheckResult:
    """Exercise 1: ``fn(reply)`` is True only for Enter (an empty reply, as in AutoGen's own prompt)
    or an unambiguous yes; every other reply, and no reply at all (``None``), keeps the code from
    running. Plug it into a real gate with ``ApprovalGate(executor, approves=fn)``."""
    c = Checker("Exercise 1: when does a reply approve running code?")
    cases = [
        ("", True, "Enter approves, as it does at AutoGen's own prompt"),
        ("yes", True, "'yes' approves"),
        (" Y ", True, "'y' approves, whatever its case and spacing"),
        ("no", False, "'no' rejects"),
        ("exit", False, "'exit' rejects (it stops the chat elsewhere in AutoGen)"),
        ("Don't delete anything, list the files instead.", False, "feedback text rejects: it goes back to the model"),
        (
            "yes, but do not touch my files",
            False,
            "a 'yes, but ...' is feedback, not approval: reject and send it back",
        ),
        ("yesterday", False, "a word that merely starts with 'yes' does not approve"),
        (None, False, "no reply at all (no human could answer) never approves"),
    ]
    for reply, expected, explanation in cases:
        got = c.call(fn, reply, explanation=explanation)
        if got is not RAISED:
            c.expect(bool(got) == expected, f"{explanation} (got {got!r} for {reply!r})")
    return c.result
