"""The exercise check of lesson 09 accepts a correct answer, rejects wrong ones with a message that
names what is wrong, and never raises."""

from __future__ import annotations

import pytest

from hitl_modes import parse_review
from hitl_modes.course.exercises import CheckResult
from hitl_modes.course.exercises.lesson09 import check_review_decision


def failures(result: CheckResult) -> str:
    assert isinstance(result, CheckResult)
    assert not result.passed, f"a wrong answer passed: {result}"
    return "\n".join(result.failures)


def test_the_gates_own_parser_passes():
    result = check_review_decision(lambda reply: parse_review(reply).decision)
    assert result.passed, str(result)


def starter(reply):
    return "approved" if "approve" in (reply or "").lower() else "feedback"


def enter_approves(reply):
    if reply == "":
        return "approved"
    return parse_review(reply).decision


def raises_on_none(reply):
    return parse_review(reply.strip()).decision


@pytest.mark.parametrize(
    "answer, named",
    [
        (starter, "a sentence that contains 'approve' is not an approval"),
        (starter, "a question is not an approval"),
        (starter, "REJECT drops the draft"),
        (starter, "exit stops the chat"),
        (enter_approves, "an empty reply (Enter) must not send: it rejects"),
        (raises_on_none, "no answer at all (None) is a timeout"),
    ],
)
def test_a_wrong_answer_is_named(answer, named):
    assert named in failures(check_review_decision(answer))
