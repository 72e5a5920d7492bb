"""Lesson 09 exercises: reading a reviewer's reply so that only a clear APPROVE sends."""

from __future__ import annotations

from typing import Callable, Optional

from . import RAISED, Checker, CheckResult

__all__ = ["check_review_decision"]

_CASES = [
    ("APPROVE", "approved", "the plain approval sends"),
    ("approve", "approved", "case does not matter"),
    ("  APPROVE. ", "approved", "surrounding spaces and a full stop do not matter"),
    ("Don't approve this yet", "feedback", "a sentence that contains 'approve' is not an approval"),
    ("approve?", "feedback", "a question is not an approval"),
    ("APPROVE but fix the date first", "feedback", "a qualified approval is feedback: the draft must change first"),
    ("REVISE: shorter, please", "feedback", "REVISE sends feedback to the drafter"),
    ("Make it friendlier.", "feedback", "any other text is feedback"),
    ("REJECT", "rejected", "REJECT drops the draft"),
    ("reject: wrong audience", "rejected", "REJECT with a reason drops the draft"),
    ("exit", "exit", "exit stops the chat"),
    ("", "rejected", "an empty reply (Enter) must not send: it rejects"),
    (None, "timed-out", "no answer at all (None) is a timeout, and must not send"),
]


def check_review_decision(fn: Callable[[Optional[str]], str]) -> CheckResult:
    """Exercise 1: ``fn(reply)`` returns one of ``REVIEW_DECISIONS``
    (:mod:`hitl_modes.approvals.vocabulary`); only an unqualified APPROVE gives ``"approved"``, and
    nothing ambiguous, empty or missing ever does."""
    c = Checker("Exercise 1: only a clear APPROVE sends")
    for reply, expected, why in _CASES:
        got = c.call(fn, reply, explanation=f"{why} (reply {reply!r})")
        if got is RAISED:
            continue
        c.expect(got == expected, f"{why}: for {reply!r} expected {expected!r}, got {got!r}")
    return c.result
