"""The exercise checks of lessons 02 and 03 accept a correct answer, reject wrong ones with a
message that names what is wrong, and never raise: a notebook with an unfinished exercise must
still run to the end."""

from __future__ import annotations

import autogen
import pytest

from hitl_modes.course import exercises
from hitl_modes.course.exercises import CheckResult
from hitl_modes.course.exercises.lesson02 import check_feedback_once, check_predicted_prompts
from hitl_modes.course.exercises.lesson03 import check_always_replies, check_server_proxy


def failures(result: CheckResult) -> str:
    assert isinstance(result, CheckResult)
    assert not result.passed, f"a wrong answer passed: {result}"
    assert "✗" in str(result)
    return "\n".join(result.failures)


# -- lesson 02, exercise 1: feedback once, then end ------------------------------------------------


@pytest.mark.parametrize("replies", [["Make it shorter.", ""], ["Make it shorter.", "exit"], ("Shorter", "")])
def test_feedback_once_accepts_feedback_then_enter_or_exit(replies):
    result = check_feedback_once(replies)
    assert result.passed, str(result)
    assert "✓" in str(result)


@pytest.mark.parametrize(
    "replies, named",
    [
        ([""], "your first reply is '' (Enter), which ends the chat at the first TERMINATE"),
        (["exit"], "your first reply is 'exit'"),
        ([""], "you gave no feedback"),
        (["Make it shorter."], "asked the human again after your 1 replies ran out"),
        ([], "asked the human again after your 0 replies ran out"),
        (["Shorter.", "Even shorter.", ""], "you gave feedback 2 times ('Shorter.', 'Even shorter.')"),
        (["Shorter.", "Even shorter.", ""], "it made 3 model call(s)"),
        (["Shorter.", "", "left over"], "replies never used, because the chat had already ended: 'left over'"),
        (["a", "b", "c", "d", "e", "f"], "the assistant ran out of replies"),
        ("Make it shorter.", "must be a list of strings"),
        (["Make it shorter.", None], "must be a list of strings"),
    ],
)
def test_feedback_once_rejects_wrong_answers_and_says_why(replies, named):
    assert named in failures(check_feedback_once(replies))


def test_feedback_once_leftover_reply_is_the_only_failure():
    result = check_feedback_once(["Shorter.", "", "left over"])
    assert len(result.failures) == 1


# -- lesson 02, exercise 2: predict the prompts ----------------------------------------------------


def test_predicted_prompts_accepts_the_right_prediction():
    # Enter at the limit does not reset the counter, so the next message asks again; feedback does.
    result = check_predicted_prompts(["max_consecutive_auto_reply", "max_consecutive_auto_reply", "termination_msg"])
    assert result.passed, str(result)


@pytest.mark.parametrize(
    "prediction, named",
    [
        (["termination_msg"], "you predicted 1 prompt(s); the human was asked 3 times"),
        (
            ["termination_msg"],
            "prompt #1: you predicted 'termination_msg', but the proxy asked because 'max_consecutive_auto_reply'",
        ),
        (["max_consecutive_auto_reply", "termination_msg", "termination_msg"], "prompt #2"),
        (
            ["max_consecutive_auto_reply", "max_consecutive_auto_reply", "limit"],
            "prediction #3 'limit' is not a reason",
        ),
        ("termination_msg", "the prediction must be a list"),
    ],
)
def test_predicted_prompts_rejects_wrong_predictions(prediction, named):
    assert named in failures(check_predicted_prompts(prediction))


def test_predicted_prompts_say_nothing_of_the_answer_before_a_prediction():
    text = failures(check_predicted_prompts([]))  # the lesson's starter
    assert text == "predict first: one reason per time the human is asked, in order"


def test_predicted_prompts_explain_the_idea_not_only_the_symptom():
    text = failures(check_predicted_prompts(["max_consecutive_auto_reply", "termination_msg", "termination_msg"]))
    assert "an auto-reply counts" in text and "only a person's own words reset the counter" in text


def test_predicted_prompts_do_not_give_the_answer_away_in_the_course_copy(monkeypatch):
    # lessons/02_terminate.py runs its starter: a wrong prediction there must not print the answer.
    monkeypatch.setattr(exercises.lesson02, "running_course_copy", lambda: "lessons/02_terminate.py")
    text = failures(check_predicted_prompts(["termination_msg"]))
    assert "max_consecutive_auto_reply" not in text and "asked 3 times" not in text
    assert "predict in your own copy" in text
    assert check_predicted_prompts(["max_consecutive_auto_reply", "max_consecutive_auto_reply", "termination_msg"])


# -- lesson 03, exercise 1: a human on every turn --------------------------------------------------


def test_always_replies_accepts_enter_correction_enter():
    result = check_always_replies(["", "Mention the new API.", ""])
    assert result.passed, str(result)


@pytest.mark.parametrize(
    "replies, named",
    [
        (["", "exit"], "your second reply should be your correction"),
        (["", "exit"], "the human should be asked 3 times"),
        (["", "Mention the new API.", "exit"], "you typed 'exit' there, which works, but Enter already ends it"),
        (["Looks good.", "Mention the new API.", ""], "your first reply should be '' (Enter)"),
        (
            ["Looks good.", "Mention the new API.", ""],
            "the proxy should auto-reply exactly once (to draft 1); it did 0",
        ),
        (["", "", ""], "the proxy should auto-reply exactly once (to draft 1); it did 2"),
        (
            ["", "Mention the new API."],
            "the proxy asked the human again after your 2 replies ran out; ALWAYS asks at every message",
        ),
        (["", "Mention the new API.", "", "spare"], "replies never used, because the chat had already ended: 'spare'"),
        (None, "must be a list of strings"),
    ],
)
def test_always_replies_rejects_wrong_answers_and_says_why(replies, named):
    assert named in failures(check_always_replies(replies))


def test_always_replies_text_on_the_final_answer_keeps_the_chat_going():
    # Text on a termination message is a reply too: the chat runs on and needs a 4th reply.
    text = failures(check_always_replies(["", "Mention the new API.", "And the date."]))
    assert "the proxy asked the human again after your 3 replies ran out" in text
    assert "it did not finish" in text


# -- lesson 03, exercise 2: a proxy for a server -----------------------------------------------------


def test_server_proxy_accepts_never_without_code():
    result = check_server_proxy(
        lambda: autogen.UserProxyAgent("user_proxy", human_input_mode="NEVER", code_execution_config=False)
    )
    assert result.passed, str(result)


@pytest.mark.parametrize(
    "make, named",
    [
        (
            lambda: autogen.UserProxyAgent("user_proxy", code_execution_config=False),
            "(UserProxyAgent's default, when you do not pass one)",
        ),
        (
            lambda: autogen.UserProxyAgent("user_proxy", human_input_mode="TERMINATE", code_execution_config=False),
            "which asks a person",
        ),
        (lambda: autogen.UserProxyAgent("user_proxy", human_input_mode="NEVER"), "pass code_execution_config=False"),
        (
            lambda: autogen.UserProxyAgent("proxy", human_input_mode="NEVER", code_execution_config=False),
            "name it 'user_proxy'",
        ),
        (lambda: "user_proxy", "return an autogen.UserProxyAgent"),
        (lambda: 1 / 0, "raised ZeroDivisionError"),
    ],
)
def test_server_proxy_names_what_is_wrong(make, named):
    assert named in failures(check_server_proxy(make))


def test_checks_never_raise_on_nonsense():
    for check in (check_feedback_once, check_predicted_prompts, check_always_replies, check_server_proxy):
        for answer in (None, 42, "text", [1, 2], {"a": 1}, []):
            result = check(answer)  # must not raise
            assert isinstance(result, CheckResult)
            assert not result.passed, f"{check.__name__}({answer!r}) passed"
