"""Lesson 04 exercises: predict which limit ends a chat, and after how many messages.

The check compares the learner's prediction with real AutoGen runs (scripted model, NEVER mode),
over a grid that includes every kind of tie between the three limits.
"""

from __future__ import annotations

from functools import cache
from typing import Any, Callable, Dict, List, Optional, Tuple

from ..limits import run_limit_experiment
from . import Checker, CheckResult

__all__ = ["check_predict_stop", "PREDICT_GRID"]

Config = Tuple[Optional[int], int, Optional[int]]

#: (max_turns, max_consecutive_auto_reply, terminate_at) configurations the check runs.
PREDICT_GRID: List[Config] = [(n, m, k) for n in (None, 1, 2, 4) for m in (0, 1, 3) for k in (None, 1, 2, 4)]

_GROUPS = {
    "max_turns": "when max_turns ends the chat (max_turns=N stops after N round trips, 2N messages, "
    "if nothing stopped it sooner)",
    "max_consecutive_auto_reply": "when the user_proxy's max_consecutive_auto_reply ends the chat (with limit M "
    "it auto-replies M times and then stops instead of replying: 2 + 2M messages, if nothing stopped it sooner)",
    "termination_msg": "when a termination message ends the chat (TERMINATE in the model's reply K stops the chat "
    "right after it, message 2K, unless a limit stopped it first)",
}


@cache
def _observed(config: Config) -> Tuple[str, int]:
    """What AutoGen really does for one configuration (deterministic, so computed once)."""
    n, m, k = config
    return run_limit_experiment(max_turns=n, max_consecutive_auto_reply=m, terminate_at=k).outcome


def _describe(config: Config) -> str:
    n, m, k = config
    return (
        f"max_turns={n}, max_consecutive_auto_reply={m}, "
        f"{'TERMINATE at reply ' + str(k) if k is not None else 'no TERMINATE'}"
    )


def check_predict_stop(fn: Callable[[Optional[int], int, Optional[int]], Any]) -> CheckResult:
    """Exercise 1: ``fn(max_turns, max_consecutive_auto_reply, terminate_at)`` returns
    ``(reason, messages)`` for a NEVER-mode chat like lesson 04's experiments: ``reason`` is
    ``"max_turns"``, ``"max_consecutive_auto_reply"`` or ``"termination_msg"``; ``messages`` counts
    the whole chat history, task included. ``max_turns`` and ``terminate_at`` may be None."""
    c = Checker("Exercise 1: predict which limit ends the chat")
    wrong: Dict[str, List[str]] = {group: [] for group in _GROUPS}
    malformed: List[str] = []
    for config in PREDICT_GRID:
        observed = _observed(config)
        try:
            predicted = fn(*config)
        except Exception as e:  # the learner's code: report it, never crash the notebook
            predicted = f"raised {type(e).__name__}: {e}"
        else:
            if not (isinstance(predicted, tuple) and len(predicted) == 2):
                malformed.append(f"{_describe(config)}: got {predicted!r}")
        if predicted != observed:
            wrong.setdefault(observed[0], []).append(
                f"{_describe(config)}: you said {predicted!r}, AutoGen did {observed!r}"
            )
    c.expect(not malformed, "return a (reason, messages) tuple, e.g. ('max_turns', 6); " + "; ".join(malformed[:2]))
    for group, mistakes in wrong.items():
        explanation = _GROUPS.get(group, f"when the chat stops with {group}")
        more = f" (and {len(mistakes) - 3} more)" if len(mistakes) > 3 else ""
        c.expect(
            not mistakes,
            f"{explanation}, {len(mistakes)} predictions are wrong, e.g.\n      "
            + "\n      ".join(mistakes[:3])
            + more,
        )
    return c.result
