"""Lesson 17 exercises: a side effect that a resumed chat does not do twice.

A durable chat redoes the work between the last saved decision and the next question when it
resumes. A side effect there (a deletion, a payment, an email) must be idempotent: done once per
key, even when a new process runs the same step again.
"""

from __future__ import annotations

import multiprocessing
import shutil
import tempfile
from pathlib import Path
from typing import Any, Callable

from . import RAISED, Checker, CheckResult

__all__ = ["check_run_once"]

RunOnce = Callable[[str, Callable[[], Any], Path], Any]


def _in_new_process(run_once: RunOnce, key: str, ledger: Path, done: Path) -> bool:
    """Call ``run_once`` in a forked process (its memory is not this one's); True when it exited cleanly."""

    def effect() -> str:
        with done.open("a", encoding="utf-8") as f:
            f.write(key + "\n")
        return "done"

    child = multiprocessing.get_context("fork").Process(target=run_once, args=(key, effect, ledger))
    child.start()
    child.join(60)
    return child.exitcode == 0


def check_run_once(run_once: RunOnce) -> CheckResult:
    """Exercise 1: ``run_once(key, effect, ledger)`` calls ``effect()`` and returns its result the
    first time it sees ``key``, and never again for that key (returning None), also in another
    process: the keys it has done are kept in the file ``ledger`` (a ``Path``, perhaps not there yet)."""
    c = Checker("Exercise 1: a side effect done once per key")
    folder = Path(tempfile.mkdtemp(prefix="hitl-lesson17-exercise-"))
    try:
        _check_in(folder, run_once, c)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return c.result


def _check_in(folder: Path, run_once: RunOnce, c: Checker) -> None:
    ledger = folder / "done.keys"
    ran = []

    def delete_build() -> str:
        ran.append("delete build/")
        return "build/ deleted"

    first = c.call(run_once, "delete-build", delete_build, ledger, explanation="the first call")
    if first is RAISED:
        return
    c.expect(
        ran == ["delete build/"] and first == "build/ deleted",
        f"the first call should run the effect and return its result; the effect ran {len(ran)} times "
        f"and the call returned {first!r}",
    )
    again = c.call(run_once, "delete-build", delete_build, ledger, explanation="a second call with the same key")
    if again is not RAISED:
        c.expect(
            len(ran) == 1 and again is None,
            f"the same key again (a resumed chat redoing its step) should not run the effect and return None; "
            f"the effect has now run {len(ran)} times and the call returned {again!r}",
        )
    other = c.call(run_once, "send-report", lambda: "sent", ledger, explanation="a call with another key")
    if other is not RAISED:
        c.expect(other == "sent", f"another key is another effect: it should run; the call returned {other!r}")

    done = folder / "effects.txt"
    try:
        exited = _in_new_process(run_once, "rotate-logs", ledger, done)
    except Exception as e:  # fork unavailable, or the answer cannot run in a child
        c.expect(False, f"running it in a new process failed: {type(e).__name__}: {e}")
        return
    c.expect(exited and done.exists(), "in a new process, run_once should run a new key's effect and return")
    second = c.call(
        run_once, "rotate-logs", lambda: "rotated again", ledger, explanation="the same key after another process"
    )
    if second is not RAISED:
        c.expect(
            second is None,
            "a key another process has done should not run again here: keep the done keys in the ledger file, "
            "not (only) in memory; the effect ran again and returned " + repr(second),
        )
