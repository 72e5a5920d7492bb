"""Checks a learner runs on their own exercise answers. Each lesson has a module here
(``hitl_modes.course.exercises.lesson01`` ...); this one holds what they share, and
``chats`` the scripted chats the checks for lessons 02 and 03 run.

A check never raises on a wrong answer: it returns a :class:`CheckResult` that says what to fix,
so a notebook with an unfinished exercise still runs from top to bottom.

Exercises are solved in a working copy (``hitl-modes exercises N`` writes ``exercises/NN_*.py``);
``lessons/`` and ``notebooks/`` are the course's own copies and hold the starters, so there (and in
``make demo``, which runs them) a failing check reads "not solved yet", with where to solve it.

Every check's result is kept in :data:`RESULTS`; with ``HITL_EXERCISE_RESULTS=PATH`` (set by
``hitl-modes exercises N``) they are written there as JSON when the lesson's process ends, so the
command can say which exercises are solved and exit non-zero when one is not.
"""

from __future__ import annotations

import atexit
import json
import os
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable, List, Optional

__all__ = ["CheckResult", "Checker", "RAISED", "RESULTS", "running_course_copy", "running_lesson_number"]


def running_course_copy() -> Optional[Path]:
    """The lesson file running now when it is the course's own copy (``lessons/NN_*.py``, or its
    notebook in ``notebooks/``), where exercises hold their starters; None in a working copy."""
    from ..catalog import lessons_dir

    lessons = lessons_dir()
    candidates = [getattr(sys.modules.get("__main__"), "__file__", None), os.environ.get("JPY_SESSION_NAME")]
    for candidate in candidates:
        if not candidate:
            continue
        path = Path(candidate).resolve()
        if path.parent in (lessons, lessons.parent / "notebooks") and path.name[:2].isdigit():
            return path
    return None


def running_lesson_number() -> Optional[int]:
    """The number of the lesson file running now (the course's copy or a working copy), or None."""
    for candidate in (getattr(sys.modules.get("__main__"), "__file__", None), os.environ.get("JPY_SESSION_NAME")):
        name = Path(candidate).name if candidate else ""
        if name[:2].isdigit() and name[2:3] == "_":
            return int(name[:2])
    return None


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

    @property
    def title(self) -> str:
        """ "Lesson 2, exercise 1: …" when the lesson is known: ``hitl-modes exercises N`` takes the lesson's N."""
        number = running_lesson_number()
        if number is None or not self.exercise.startswith("Exercise "):
            return self.exercise
        return f"Lesson {number}, e{self.exercise[1:]}"

    def __str__(self) -> str:
        from ..lesson import catch_up

        catch_up()  # a script prints the Exercises heading before the first result
        if self.passed:
            return f"✓ {self.title}: solved"
        course = running_course_copy()
        if course is not None:
            number = int(course.name[:2])
            lines = [f"○ {self.title}: not solved yet. Solve it in your own copy: hitl-modes exercises {number}"]
            if os.environ.get("HITL_QUIET", "").strip().lower() not in ("1", "true", "yes", "on"):
                lines += [f"  - what the starter gets wrong: {f}" for f in self.failures]
            return "\n".join(lines)
        lines = [f"✗ {self.title}: not solved yet; what to fix:"]
        lines += [f"  - {f}" for f in self.failures]
        return "\n".join(lines)

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:
        p.text(str(self))


class Checker:
    """Collects expectations: ``c.expect(cond, "what should hold")``; ``c.result`` at the end."""

    def __init__(self, exercise: str) -> None:
        self.result = CheckResult(exercise)
        _keep(self.result)

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


#: Every exercise check made in this process, in order.
RESULTS: List[CheckResult] = []


def _keep(result: CheckResult) -> None:
    if not RESULTS and os.environ.get("HITL_EXERCISE_RESULTS"):
        atexit.register(_write_results, Path(os.environ["HITL_EXERCISE_RESULTS"]))
    RESULTS.append(result)


def _write_results(path: Path) -> None:
    rows = [{**asdict(r), "title": r.title, "passed": r.passed} for r in RESULTS]
    path.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
