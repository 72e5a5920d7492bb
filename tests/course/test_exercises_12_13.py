"""The exercise checks of lessons 12 and 13 accept a correct answer, reject the lessons' starters and
other wrong answers with a message that names what is wrong, and never raise."""

from __future__ import annotations

import pytest

from hitl_modes import ApprovalGate
from hitl_modes.approvals.vocabulary import reply_approves
from hitl_modes.course.exercises import CheckResult
from hitl_modes.course.exercises.lesson12 import check_reply_approves
from hitl_modes.course.exercises.lesson13 import check_triage
from hitl_modes.errors import InboxError


def failures(result: CheckResult) -> str:
    assert isinstance(result, CheckResult)
    assert not result.passed, f"a wrong answer passed: {result}"
    return "\n".join(result.failures)


# -- lesson 12: when does a reply approve running code? -------------------------------------------
def test_the_gates_own_rule_passes():
    result = check_reply_approves(reply_approves)
    assert result.passed, str(result)


def lesson_10_starter(reply):
    return reply != "no"


def startswith_yes(reply):
    return reply is not None and (reply == "" or reply.strip().lower().startswith("y"))


def crashes_on_none(reply):
    return reply.strip().lower() in ("", "y", "yes")


@pytest.mark.parametrize(
    "answer, named",
    [
        (lesson_10_starter, "feedback text rejects"),
        (lesson_10_starter, "no reply at all (no human could answer) never approves"),
        (startswith_yes, "a word that merely starts with 'yes' does not approve"),
        (crashes_on_none, "no reply at all"),
    ],
)
def test_a_wrong_rule_is_named(answer, named):
    assert named in failures(check_reply_approves(answer))


def test_the_gate_takes_the_learners_rule():
    """Exercise 1 says: `ApprovalGate(sandbox, approves=my_reply_approves)`; the gate keeps the rule."""
    gate = ApprovalGate(object(), where="nowhere", approves=startswith_yes)
    assert gate.approves is startswith_yes and gate.where == "nowhere"


# -- lesson 13: triage in the inbox ---------------------------------------------------------------
def triage(reviewer, card):
    """The answer: approve low risk; reply on high risk naming the first reason; a 409 is no crash."""
    if card["risk"]["level"] == "high":
        return reviewer.reply(card["id"], f"Not this: {card['risk']['reasons'][0]}. Find a safer way.")
    return reviewer.approve(card["id"])


def test_a_correct_triage_passes_on_a_real_inbox():
    result = check_triage(triage)
    assert result.passed, str(result)


def lesson_11_starter(reviewer, card):
    return reviewer.approve(card["id"])


def vague_reply(reviewer, card):
    if card["risk"]["level"] == "high":
        return reviewer.reply(card["id"], "No.")
    return reviewer.approve(card["id"])


def crashes_on_409(reviewer, card):
    answer = triage(reviewer, card)
    if answer.status != 200:
        raise InboxError(f"HTTP {answer.status}")
    return answer


@pytest.mark.parametrize(
    "answer, named",
    [
        (lesson_11_starter, "should get a Reply, never Approve"),
        (vague_reply, "should name the policy's first reason"),
        (crashes_on_409, "triage of a deletion someone already answered"),
    ],
)
def test_a_wrong_triage_is_named(answer, named):
    assert named in failures(check_triage(answer))
