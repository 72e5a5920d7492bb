"""Lesson 04 exercises: predict which limit ends a chat, and who speaks when the assistant skips turns.

Exercise 1 compares the learner's prediction with real AutoGen runs (scripted model, NEVER mode),
over a grid that includes every kind of tie between the three limits. Exercise 2 runs section 4's
chat with the assistant's limit at 2 under ``max_turns=5``. Run inside a lesson, these chats are the
check's own, not the lesson's: the course neither records nor draws them.

In the course's own copy (``lessons/``, ``notebooks/``), where the starters are, a wrong prediction
is told which rule it misses, not the answer: predict in your own copy (``hitl-modes exercises 4``).
"""

from __future__ import annotations

from functools import cache
from typing import Any, Callable, Dict, List, Optional, Tuple

from ...chat.compat import skips_assistant_turn_under_max_turns
from ...chat.llm import ScriptedLLM
from ..instrument import unwatched
from ..limits import ends_with_terminate, run_limit_experiment
from . import Checker, CheckResult, running_course_copy

__all__ = [
    "check_predict_stop",
    "check_skipped_turn_prediction",
    "skipped_turn_speakers",
    "PREDICT_GRID",
    "SKIPPED_TURN_SETUP",
    "SKIPS_TURNS",
]

Config = Tuple[Optional[int], int, Optional[int]]

#: (max_turns, max_consecutive_auto_reply, terminate_at) configurations the check runs.
PREDICT_GRID: List[Config] = [(n, m, k) for n in (None, 1, 2, 4) for m in (0, 1, 3) for k in (None, 1, 2, 4)]

#: Under ``max_turns``, an assistant at its own limit skips its turn (pyautogen 0.2.35,
#: autogen-agentchat 0.2.40); ag2 0.14 ends the chat there (ag2ai/ag2 issue 600). Lesson 04, section 4.
SKIPS_TURNS = skips_assistant_turn_under_max_turns()

#: Exercise 2: the assistant's own limit, the proxy's auto-reply and the chat's max_turns.
SKIPPED_TURN_SETUP: Dict[str, Any] = {"assistant_limit": 2, "max_turns": 5, "default_auto_reply": "Continue."}

_GROUPS = {
    "max_turns": "when max_turns ends the chat (max_turns=N stops after N turns, 2N messages, "
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
    with unwatched():
        return run_limit_experiment(max_turns=n, max_consecutive_auto_reply=m, terminate_at=k).outcome


def _describe(config: Config) -> str:
    n, m, k = config
    return (
        f"max_turns={n}, max_consecutive_auto_reply={m}, "
        f"{'TERMINATE at reply ' + str(k) if k is not None else 'no TERMINATE'}"
    )


def check_predict_stop(fn: Callable[[Optional[int], int, Optional[int]], Any]) -> CheckResult:
    """Exercise 1: ``fn(max_turns, max_consecutive_auto_reply, terminate_at)`` returns
    ``(reason, messages)`` for a NEVER-mode chat like lesson 04's grid: ``reason`` is
    ``"max_turns"``, ``"max_consecutive_auto_reply"`` or ``"termination_msg"``; ``messages`` counts
    the whole chat history, task included. ``max_turns`` and ``terminate_at`` may be None."""
    c = Checker("Exercise 1: predict which limit ends the chat")
    tell = running_course_copy() is None  # in the course's copy, the rule is named but no answer shown
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
            seen = f", AutoGen did {observed!r}" if tell else ""
            wrong.setdefault(observed[0], []).append(f"{_describe(config)}: you said {predicted!r}{seen}")
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


def skipped_turn_speakers() -> List[str]:
    """Run exercise 2's chat on AutoGen's agents and return who sent each message."""
    import autogen

    setup = SKIPPED_TURN_SETUP
    llm = ScriptedLLM([f"Step {i}." for i in range(1, setup["max_turns"] + 1)])
    assistant = llm.register(
        autogen.AssistantAgent(
            "assistant", llm_config=llm.llm_config, max_consecutive_auto_reply=setup["assistant_limit"]
        )
    )
    proxy = autogen.UserProxyAgent(
        "user_proxy",
        human_input_mode="NEVER",
        default_auto_reply=setup["default_auto_reply"],
        is_termination_msg=ends_with_terminate,
        code_execution_config=False,
    )
    with unwatched():
        result = proxy.initiate_chat(assistant, message="Go.", max_turns=setup["max_turns"], silent=True)
    return [m.get("name") or "assistant" for m in result.chat_history]


def check_skipped_turn_prediction(speakers: Any) -> CheckResult:
    """Exercise 2: predict who sends each message when the assistant (limit 2) skips turns under
    ``max_turns=5``."""
    c = Checker("Exercise 2: the assistant's skipped turns")
    ok = isinstance(speakers, (list, tuple)) and all(s in ("user_proxy", "assistant") for s in speakers)
    if not c.expect(ok, f"write a list of 'user_proxy' and 'assistant', got {speakers!r}"):
        return c.result
    actual = skipped_turn_speakers()
    rule = (
        "at its limit the assistant skips a turn, its counter resets, and the proxy speaks twice in a row"
        if SKIPS_TURNS
        else "on ag2 the chat ends when the assistant reaches its limit"
    )
    if running_course_copy() is not None:  # the starter's copy: say what is wrong, not what is right
        c.expect(list(speakers) == actual, f"the prediction does not match the chat ({rule}); predict in your own copy")
        return c.result
    c.expect(
        len(speakers) == len(actual),
        f"you predicted {len(speakers)} messages; there were {len(actual)} "
        "(each turn the proxy sends one; the assistant answers unless it is at its limit)",
    )
    wrong = [i + 1 for i, (a, b) in enumerate(zip(speakers, actual)) if a != b]
    c.expect(not wrong, f"message {wrong[0] if wrong else 0} was sent by someone else: {rule}")
    return c.result
