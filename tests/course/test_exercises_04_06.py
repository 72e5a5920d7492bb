"""The exercise checks of lessons 04 and 06 accept a correct answer, reject wrong ones with a
report that says what is wrong, and never raise on a learner's mistake."""

from __future__ import annotations

import re
from typing import Optional, Tuple

import pytest

from hitl_modes import AutoReplyRule, SmartUserProxy
from hitl_modes.agents.smart_proxy import QUESTION_REPLY, asks_question
from hitl_modes.chat.messages import message_text
from hitl_modes.course.exercises import CheckResult
from hitl_modes.course.exercises.lesson04 import (
    PREDICT_GRID,
    SKIPS_TURNS,
    check_predict_stop,
    check_skipped_turn_prediction,
    skipped_turn_speakers,
)
from hitl_modes.course.exercises.lesson06 import check_auto_reply_rules, proxy_reply


# -- lesson 04: predict which limit ends the chat -----------------------------------------------
def predictor(tie_order: Tuple[str, ...]):
    """A prediction: the chat ends at the earliest reply among the limits; ties go by tie_order."""

    def predict(max_turns: Optional[int], mcar: int, terminate_at: Optional[int]) -> Tuple[str, int]:
        ends_at = {"max_turns": max_turns, "max_consecutive_auto_reply": mcar + 1, "termination_msg": terminate_at}
        reply, _, reason = min(
            (at, tie_order.index(reason), reason) for reason, at in ends_at.items() if at is not None
        )
        return reason, 2 * reply

    return predict


reference_predict = predictor(("max_turns", "max_consecutive_auto_reply", "termination_msg"))
termination_first_on_ties = predictor(("termination_msg", "max_consecutive_auto_reply", "max_turns"))


def test_predict_stop_accepts_the_reference_answer():
    result = check_predict_stop(reference_predict)
    assert isinstance(result, CheckResult)
    assert result.passed, str(result)


def test_the_grid_has_every_kind_of_tie():
    ties = {"max_turns=limit": False, "max_turns=TERMINATE": False, "limit=TERMINATE": False}
    for n, m, k in PREDICT_GRID:
        ties["max_turns=limit"] |= n == m + 1
        ties["max_turns=TERMINATE"] |= n is not None and n == k
        ties["limit=TERMINATE"] |= m + 1 == k
    assert all(ties.values()), ties


@pytest.mark.parametrize(
    "wrong, group",
    [
        (termination_first_on_ties, "when max_turns ends the chat"),
        (lambda n, m, k: (reference_predict(n, m, k)[0], reference_predict(n, m, k)[1] + 1), "ends the chat"),
        (lambda n, m, k: ("max_turns", 2 * n), "max_consecutive_auto_reply ends the chat"),  # the lesson's starter
    ],
)
def test_predict_stop_rejects_wrong_answers(wrong, group):
    result = check_predict_stop(wrong)
    assert not result.passed
    assert any(group in failure for failure in result.failures), result.failures
    assert "AutoGen did" in str(result)


def test_predict_stop_reports_bad_shapes_and_exceptions_without_raising():
    def boom(*_):
        raise RuntimeError("not yet")

    result = check_predict_stop(boom)
    assert not result.passed and "raised RuntimeError: not yet" in str(result)
    result = check_predict_stop(lambda *_: "max_turns")
    assert any("return a (reason, messages) tuple" in f for f in result.failures)


def test_predict_stop_in_the_course_copy_names_the_rule_but_not_the_answer(monkeypatch):
    import hitl_modes.course.exercises.lesson04 as lesson04

    monkeypatch.setattr(lesson04, "running_course_copy", lambda: "lessons/04_max_turns.py")
    result = check_predict_stop(lambda n, m, k: ("max_turns", 2 * n))  # the lesson's starter
    assert not result.passed
    assert "when max_consecutive_auto_reply ends the chat" in str(result).replace("the user_proxy's ", "")
    assert "AutoGen did" not in str(result)


# -- lesson 04, exercise 2: the assistant's skipped turns under max_turns -------------------------


def test_skipped_turn_prediction_accepts_what_autogen_does():
    if SKIPS_TURNS:
        # Derived from the rule, not from a run: turns 1-2 answered, turn 3 skipped (limit 2, then
        # reset), turns 4-5 answered.
        rule = ["user_proxy", "assistant"] * 2 + ["user_proxy"] + ["user_proxy", "assistant"] * 2
    else:  # ag2 0.14: the chat ends at turn 3, where the assistant reaches its limit
        rule = ["user_proxy", "assistant"] * 2 + ["user_proxy"]
    assert skipped_turn_speakers() == rule
    assert check_skipped_turn_prediction(rule).passed


@pytest.mark.parametrize(
    "speakers, named",
    [
        (["user_proxy", "assistant"] * 5, f"you predicted 10 messages; there were {9 if SKIPS_TURNS else 5}"),
        (["user_proxy", "assistant"] * 4, "you predicted 8 messages"),
        (["user_proxy", "user_proxy", "assistant", "user_proxy", "assistant"], "message 2 was sent by someone else"),
        ("user_proxy", "write a list of 'user_proxy' and 'assistant'"),
        (["human"], "write a list"),
    ],
)
def test_skipped_turn_prediction_names_what_is_wrong(speakers, named):
    result = check_skipped_turn_prediction(speakers)
    assert not result.passed
    assert named in "\n".join(result.failures)


def test_skipped_turn_prediction_in_the_course_copy_does_not_tell_the_answer(monkeypatch):
    import hitl_modes.course.exercises.lesson04 as lesson04

    monkeypatch.setattr(lesson04, "running_course_copy", lambda: "lessons/04_max_turns.py")
    result = check_skipped_turn_prediction(["user_proxy", "assistant"] * 5)
    assert not result.passed
    assert "predict in your own copy" in str(result) and "there were" not in str(result)


# -- lesson 06: a "go ahead" rule for permission questions --------------------------------------
def asks_permission(message) -> bool:
    return asks_question(message) and bool(re.search(r"\b(shall|may|should|can) I\b", message_text(message), re.I))


PERMISSION = AutoReplyRule("permission", asks_permission, "Yes, go ahead.")


def test_auto_reply_rules_accepts_the_reference_answer():
    result = check_auto_reply_rules([PERMISSION, *SmartUserProxy.DEFAULT_AUTO_REPLY_RULES])
    assert result.passed, str(result)


def test_auto_reply_rules_rejects_the_starter_without_an_ordering_hint():
    result = check_auto_reply_rules(list(SmartUserProxy.DEFAULT_AUTO_REPLY_RULES))
    assert len(result.failures) == 3
    assert all("permission question" in f for f in result.failures)
    assert "put yours before" not in str(result)


def test_auto_reply_rules_rejects_a_rule_after_the_question_rule_and_says_why():
    result = check_auto_reply_rules([*SmartUserProxy.DEFAULT_AUTO_REPLY_RULES, PERMISSION])
    assert not result.passed
    assert "put yours before the 'question' rule" in str(result)


@pytest.mark.parametrize(
    "rule, broken",
    [
        (AutoReplyRule("any question", asks_question, "Go ahead."), "any other question"),
        (
            AutoReplyRule(
                "words only", lambda m: bool(re.search(r"\b(shall|may|should) I\b", message_text(m), re.I)), "Go ahead."
            ),
            "without a question or code",
        ),
    ],
)
def test_auto_reply_rules_rejects_rules_that_catch_too_much(rule, broken):
    result = check_auto_reply_rules([rule, *SmartUserProxy.DEFAULT_AUTO_REPLY_RULES])
    assert not result.passed
    assert any(broken in f for f in result.failures), result.failures


def test_auto_reply_rules_rejects_dropping_the_defaults():
    result = check_auto_reply_rules([PERMISSION])
    assert any("completion nudge" in f for f in result.failures)
    assert any("default question reply" in f for f in result.failures)


def test_auto_reply_rules_reports_bad_input_and_failing_rules_without_raising():
    result = check_auto_reply_rules(["go ahead"])
    assert not result.passed and "must be a list of AutoReplyRule" in str(result)
    fragile = AutoReplyRule("fragile", lambda m: m["missing"], "x")
    result = check_auto_reply_rules([fragile])
    assert not result.passed and "AutoReplyRuleError" in str(result) and "fragile" in str(result)


def test_proxy_reply_runs_a_real_chat():
    assert proxy_reply(SmartUserProxy.DEFAULT_AUTO_REPLY_RULES, "Which one?") == QUESTION_REPLY
