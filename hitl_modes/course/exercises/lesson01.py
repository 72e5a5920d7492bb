"""Lesson 01 exercises: a None-safe ``is_termination_msg``."""

from __future__ import annotations

from typing import Any, Callable, Dict

from . import RAISED, Checker, CheckResult

__all__ = ["check_is_termination_msg"]


def check_is_termination_msg(fn: Callable[[Dict[str, Any]], Any]) -> CheckResult:
    """Exercise 1: ``fn(message)`` is True exactly when the text content ends with TERMINATE
    (ignoring trailing whitespace), and never crashes on messages without text."""
    c = Checker("Exercise 1: a None-safe is_termination_msg")
    cases = [
        ({"content": "All done. TERMINATE"}, True, "a message ending in TERMINATE terminates"),
        ({"content": "TERMINATE\n"}, True, "trailing whitespace is ignored"),
        ({"content": "Here is the plan."}, False, "ordinary text does not terminate"),
        (
            {"content": "Say TERMINATE when you are done."},
            False,
            "TERMINATE in the middle of an instruction does not terminate",
        ),
        (
            {"content": None, "tool_calls": [{"id": "1", "function": {"name": "f", "arguments": "{}"}}]},
            False,
            "a tool call has content None: no crash, no termination",
        ),
        (
            {"content": None, "function_call": {"name": "f", "arguments": "{}"}},
            False,
            "a function call has content None: no crash, no termination",
        ),
        ({"role": "tool", "tool_responses": []}, False, "a message with no 'content' key: no crash"),
    ]
    for message, expected, explanation in cases:
        got = c.call(fn, message, explanation=explanation)
        if got is not RAISED:
            c.expect(bool(got) == expected, f"{explanation} (got {got!r} for {message!r})")
    return c.result
