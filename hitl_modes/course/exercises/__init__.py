"""Checks a learner runs on their own exercise answers. Each lesson has a module here
(``hitl_modes.course.exercises.lesson01`` ...); this one holds what they share, and
``chats`` the scripted chats the checks for lessons 02 and 03 run.

A check never raises on a wrong answer: it returns a :class:`CheckResult` that says what to fix,
so a notebook with an unfinished exercise still runs from top to bottom.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, List

__all__ = ["CheckResult", "Checker", "RAISED"]


@dataclass
class CheckResult:
    exercise: str
    checks: int = 0
    failures: List[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return self.checks > 0 and not self.failures

    def __bool__(self) -> bool:
        return self.passed

    def __str__(self) -> str:
        if self.passed:
            return f"✓ {self.exercise}: all {self.checks} checks passed"
        lines = [f"✗ {self.exercise}: {len(self.failures)} of {self.checks} checks failed"]
        lines += [f"  - {f}" for f in self.failures]
        return "\n".join(lines)

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:
        p.text(str(self))


class Checker:
    """Collects expectations: ``c.expect(cond, "what should hold")``; ``c.result`` at the end."""

    def __init__(self, exercise: str) -> None:
        self.result = CheckResult(exercise)

    def expect(self, condition: bool, explanation: str) -> bool:
        self.result.checks += 1
        if not condition:
            self.result.failures.append(explanation)
        return bool(condition)

    def call(self, fn: Callable[..., Any], *args: Any, explanation: str, **kwargs: Any) -> Any:
        """Call the learner's code; an exception becomes a failure, not a crash."""
        try:
            return fn(*args, **kwargs)
        except Exception as e:  # the learner's code: report, don't crash the notebook
            self.result.checks += 1
            self.result.failures.append(f"{explanation}: raised {type(e).__name__}: {e}")
            return RAISED


#: What :meth:`Checker.call` returns when the learner's code raised (the failure is already recorded).
RAISED = object()
