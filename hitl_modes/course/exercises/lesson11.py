"""Lesson 11 exercises: a timeout that stops instead of proceeding."""

from __future__ import annotations

import asyncio
from typing import Any, Awaitable, Callable, List, Optional, Tuple

from ...agents.queue_human import QueueHuman, run_async
from . import Checker, CheckResult

__all__ = ["check_ask_or_stop"]

Asker = Callable[[QueueHuman, str, float], Awaitable[str]]


async def _scenario(fn: Asker, answers: List[Tuple[Optional[str], float]], timeout: float) -> List[Any]:
    """Ask once per entry; the human answers ``text`` after ``delay`` seconds (None: never)."""
    human = QueueHuman()
    results: List[Any] = []

    async def answer_later(question_id: str, text: str, delay: float) -> None:
        await asyncio.sleep(delay)
        human.answer(question_id, text)

    async def person() -> None:  # reads each question at once, answers each after its own delay
        for text, delay in answers:
            question = await human.next_question()
            if text is not None:
                pending.append(asyncio.create_task(answer_later(question.id, text, delay)))

    pending: List[asyncio.Task[None]] = []
    helper = asyncio.create_task(person())
    for i in range(len(answers)):
        try:
            results.append(await asyncio.wait_for(fn(human, f"question {i + 1}? ", timeout), timeout + 2))
        except asyncio.TimeoutError:
            results.append(TimeoutError("it waited past the timeout"))
        except Exception as e:  # the learner's code: reported, not raised
            results.append(e)
    helper.cancel()
    for task in pending:
        task.cancel()
    return results


def check_ask_or_stop(fn: Asker) -> CheckResult:
    """Exercise 1: ``await fn(human, prompt, timeout)`` returns the human's answer, including ``""``
    (Enter is the human's own choice), and ``"exit"`` when nobody answers in time: never None or
    ``""`` for a timeout, which AutoGen would treat as "proceed"."""
    c = Checker("Exercise 1: a timeout stops the chat")
    if not asyncio.iscoroutinefunction(fn):
        c.expect(False, "write it as `async def ask_or_stop(human, prompt, timeout):` so it can await human.ask")
        return c.result
    cases: List[Tuple[List[Tuple[Optional[str], float]], List[str], str]] = [
        ([("looks good", 0.0)], ["looks good"], "an answer in time is passed on unchanged"),
        ([("", 0.0)], [""], "Enter in time is the human's choice: pass '' on"),
        ([(None, 0.0)], ["exit"], "no answer within the timeout must give 'exit'"),
        ([("approve", 0.6), ("no", 0.0)], ["exit", "no"], "a late answer to question 1 must not answer question 2"),
    ]
    for answers, expected, why in cases:
        try:
            got = run_async(_scenario(fn, answers, 0.2))
        except Exception as e:  # noqa: BLE001 - the learner's code
            c.expect(False, f"{why}: raised {type(e).__name__}: {e}")
            continue
        errors = [g for g in got if isinstance(g, BaseException)]
        if errors:
            c.expect(False, f"{why}: raised {type(errors[0]).__name__}: {errors[0]}")
            continue
        hint = ""
        if None in got or ("" in got and "" not in expected):
            hint = " (None or '' after a timeout means 'skip, use the auto-reply' to AutoGen: the action would proceed)"
        c.expect(got == expected, f"{why}: expected {expected!r}, got {got!r}{hint}")
    return c.result
