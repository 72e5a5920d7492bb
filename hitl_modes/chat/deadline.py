"""Asking a human with a deadline, in a synchronous chat.

AutoGen's ``get_human_input`` waits as long as it takes. A gate in front of an irreversible
action must not: :func:`ask_with_timeout` gives up after ``timeout`` seconds and returns ``None``,
and the caller applies its safe default (deny, stop; never proceed).

The question still goes through the agent's own ``get_human_input`` (so ``ChatResult.human_input``
and any installed ``IOStream`` see it); it runs in a daemon thread that is abandoned at the
deadline. :class:`SlowHuman` is a scripted human who answers too late, to show this offline.
"""

from __future__ import annotations

import contextvars
import threading
import time
from typing import Any, Dict, Optional, Sequence

from .human import ScriptedHuman

__all__ = ["ask_with_timeout", "check_timeout", "SlowHuman"]


def check_timeout(timeout: Optional[float]) -> None:
    """A timeout is a positive number of seconds, or None (wait as long as it takes)."""
    if timeout is not None and (isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or timeout <= 0):
        raise ValueError(f"timeout must be a positive number of seconds or None, got {timeout!r}")


def ask_with_timeout(agent: Any, prompt: str, timeout: Optional[float]) -> Optional[str]:
    """``agent.get_human_input(prompt)``, or ``None`` when no answer came within ``timeout`` seconds
    (``timeout=None`` waits as AutoGen does). Errors from the human (``NoHumanAvailableError``)
    propagate."""
    if timeout is None:
        return agent.get_human_input(prompt)
    check_timeout(timeout)
    outcome: Dict[str, Any] = {}

    def ask() -> None:
        try:
            outcome["reply"] = agent.get_human_input(prompt)
        except BaseException as e:  # handed to the asking thread
            outcome["error"] = e

    context = contextvars.copy_context()  # the asker's IOStream goes with the question
    worker = threading.Thread(target=context.run, args=(ask,), name="hitl-ask-with-timeout", daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        return None
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("reply")


class SlowHuman(ScriptedHuman):
    """A scripted human who takes ``delay`` seconds to answer each prompt.

    With a deadline shorter than ``delay`` every answer comes too late: the asker has already
    applied its safe default and the answer is dropped. Not strict, and quiet by default: a late
    answer may never be read, and would otherwise print into whatever runs next.
    """

    def __init__(self, replies: Sequence[str] = (), *, delay: float, echo: bool = False) -> None:
        super().__init__(replies, strict=False, echo=echo)
        if delay < 0:
            raise ValueError(f"delay must be >= 0 seconds, got {delay!r}")
        self.delay = delay

    def input(self, prompt: str = "", *, password: bool = False) -> str:
        time.sleep(self.delay)
        return super().input(prompt, password=password)
