"""Lesson 02 exercises: steering a TERMINATE-mode chat, and predicting when it asks the human."""

from __future__ import annotations

from typing import Any, List, Sequence

from . import Checker, CheckResult, running_course_copy
from .chats import Outcome, Scenario, play, play_answer, show_replies

__all__ = ["FEEDBACK_SCENARIO", "PREDICT_SCENARIO", "REASONS", "check_feedback_once", "check_predicted_prompts"]

#: Every draft ends with TERMINATE, so the proxy asks the human after each one.
FEEDBACK_SCENARIO = Scenario(
    "TERMINATE",
    (
        "Draft 1: twelve lines about waves, gulls, salt and the tide. TERMINATE",
        "Draft 2: 'Grey sea, / the tide forgets / every name.' TERMINATE",
        "Draft 3: 'Sea. / Tide. / Gone.' TERMINATE",
        "Draft 4: '…' TERMINATE",
        "Draft 5: '' TERMINATE",
    ),
)

#: For the prediction exercise: a low limit, Enter at the limit, feedback, then a termination.
PREDICT_SCENARIO = Scenario(
    "TERMINATE",
    ("Step 1: read the data.", "Step 2: clean it.", "Step 3: plot it.", "Done: the plot is saved. TERMINATE"),
    limit=1,
    task="Plot the temperatures in data.csv.",
    human_replies=("", "Use degrees Celsius.", ""),
)

#: The two reasons a TERMINATE-mode proxy asks (the ``detail`` of a ``human_prompt`` event).
REASONS = ("termination_msg", "max_consecutive_auto_reply")


def check_feedback_once(replies: Any) -> CheckResult:
    """Exercise 1: ``replies`` make the FEEDBACK_SCENARIO chat give feedback once, then end at the
    next draft. The check runs the chat on AutoGen's real agents with your replies."""
    c = Checker("Exercise 1: give feedback once, then end")
    outcome = play_answer(
        c,
        FEEDBACK_SCENARIO,
        replies,
        example="['Make it shorter.', '']",
        when_out="after the feedback, end the chat with '' (Enter) or 'exit'",
    )
    if outcome is None:
        return c.result
    used = outcome.human.replies
    feedback = [r for r in used if r not in ("", "exit")]
    first = used[0] if used else None
    c.expect(
        first not in ("", "exit"),
        f"your first reply is {show_replies([first]) if first is not None else 'missing'}, which ends the "
        "chat at the first TERMINATE, before any feedback reaches the assistant",
    )
    c.expect(
        len(feedback) == 1,
        f"you gave feedback {len(feedback)} times ({show_replies(feedback)}); give it once"
        if feedback
        else "you gave no feedback: one reply must be text other than '' and 'exit'",
    )
    if feedback:
        c.expect(
            outcome.model_saw(feedback[0]), f"the model never received your feedback {feedback[0]!r} as a user message"
        )
    c.expect(
        outcome.error is None
        and outcome.stop_reason in ("termination_msg", "human_exit")
        and outcome.llm.call_count == 2,
        f"the chat should end at the second draft; it made {outcome.llm.call_count} model call(s) and {outcome.ending}",
    )
    outcome.expect_all_replies_used(c)
    return c.result


def check_predicted_prompts(prediction: Sequence[Any]) -> CheckResult:
    """Exercise 2: ``prediction`` lists, prompt by prompt, why the proxy asks the human in
    PREDICT_SCENARIO: each item is 'termination_msg' or 'max_consecutive_auto_reply'.

    The answer is never given away before a prediction: an empty list (the starter) is told to
    predict first, and in the course's own copy (``lessons/``, ``notebooks/``) a wrong prediction
    is not told the answer either: predict in your own copy (``hitl-modes exercises 2``)."""
    c = Checker("Exercise 2: predict why the human is asked")
    if not c.expect(
        isinstance(prediction, (list, tuple)),
        f"the prediction must be a list like ['max_consecutive_auto_reply', 'termination_msg']; got {prediction!r}",
    ):
        return c.result
    if not c.expect(len(prediction) > 0, "predict first: one reason per time the human is asked, in order"):
        return c.result  # the starter: nothing predicted yet, so nothing is given away
    for i, p in enumerate(prediction, 1):
        c.expect(p in REASONS, f"prediction #{i} {p!r} is not a reason: use one of {', '.join(map(repr, REASONS))}")
    outcome: Outcome = play(PREDICT_SCENARIO, PREDICT_SCENARIO.human_replies)
    actual = outcome.asked_because
    if running_course_copy() is not None:  # the starter's copy: say what is wrong, not what is right
        wrong = len(prediction) != len(actual) or any(p != a for p, a in zip(prediction, actual))
        c.expect(
            not wrong, "the prediction does not match the chat; predict in your own copy, where the check explains"
        )
        return c.result
    c.expect(
        len(prediction) == len(actual),
        f"you predicted {len(prediction)} prompt(s); the human was asked {len(actual)} times",
    )
    whys = _whys(outcome)
    for i, (p, a) in enumerate(zip(prediction, actual), 1):
        c.expect(p == a, f"prompt #{i}: you predicted {p!r}, but the proxy asked because {a!r}: {whys[i - 1]}")
    return c.result


def _whys(outcome: Outcome) -> List[str]:
    """For each prompt: why the proxy asked there, from what the chat did before it."""
    limit = PREDICT_SCENARIO.limit
    whys, last, answer = [], "", None
    for e in outcome.trace:
        if e.kind == "message":
            last = e.content
        elif e.kind == "human_reply":
            answer = e.content
        elif e.kind == "human_prompt" and e.detail == "termination_msg":
            whys.append(
                f"the model said {last!r}, which ends with TERMINATE: TERMINATE mode asks before it ends the chat"
            )
        elif e.kind == "human_prompt" and answer == "":
            whys.append(
                f"the model said {last!r}, with no TERMINATE; the Enter before it let the proxy send an auto-reply, "
                "and an auto-reply counts: the proxy was still past its limit, so it asked again at once "
                "(only a person's own words reset the counter)"
            )
        elif e.kind == "human_prompt":
            whys.append(
                f"the model said {last!r}, with no TERMINATE, but the proxy had already sent "
                f"max_consecutive_auto_reply={limit} auto-reply(ies) in a row without a person, so it asks "
                "instead of auto-replying again"
            )
    return whys
