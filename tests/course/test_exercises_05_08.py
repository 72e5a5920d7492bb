"""The exercise checks of lessons 05 and 08 accept a correct answer, reject wrong ones with a
message that names what is wrong, and never raise."""

from __future__ import annotations

import os
import re

import autogen
import pytest

from hitl_modes.chat.compat import caches_by_default
from hitl_modes.course.exercises import CheckResult
from hitl_modes.course.exercises.lesson05 import check_cache_off, check_stepping_in
from hitl_modes.course.exercises.lesson08 import check_redaction_hook, check_tool_call_replies


def failures(result: CheckResult) -> str:
    assert isinstance(result, CheckResult)
    assert not result.passed, f"a wrong answer passed: {result}"
    return "\n".join(result.failures)


# -- lesson 08, exercise 1: interrupt the first tool call, run the second -----------------------


@pytest.mark.parametrize("replies", [["Only the team, as a draft.", "", ""], ("No. Draft it for the team.", "", "")])
def test_tool_call_replies_accepts_interrupt_then_enter(replies):
    result = check_tool_call_replies(replies)
    assert result.passed, str(result)


@pytest.mark.parametrize(
    "replies, named",
    [
        (["exit"], "your first reply should be your instruction"),
        (["", "", ""], "Enter runs the tool"),
        (["", "", ""], "only the second email should be sent"),
        (["Draft first.", "No.", ""], "exactly one call should be interrupted; 2 were"),
        (["Draft first.", "", "exit"], "you typed 'exit' there"),
        (["Draft first.", ""], "asked again after your 2 replies ran out"),
        (["Draft first.", "", "", "extra"], "replies never used"),
        ("Draft first.", "must be a list of strings"),
    ],
)
def test_tool_call_replies_names_what_is_wrong(replies, named):
    assert named in failures(check_tool_call_replies(replies))


# -- lesson 08, exercise 2: a redacting hook ------------------------------------------------------

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")


def good_hook(sender, message, recipient, silent):
    if isinstance(message, str):
        return EMAIL.sub("[email]", message)
    if isinstance(message, dict) and isinstance(message.get("content"), str):
        return {**message, "content": EMAIL.sub("[email]", message["content"])}
    return message


def test_redaction_hook_accepts_a_correct_hook():
    result = check_redaction_hook(good_hook)
    assert result.passed, str(result)


def only_strings(sender, message, recipient, silent):
    return EMAIL.sub("[email]", message) if isinstance(message, str) else message


def drops_keys(sender, message, recipient, silent):
    if isinstance(message, dict) and isinstance(message.get("content"), str):
        return {"content": EMAIL.sub("[email]", message["content"])}
    return good_hook(sender, message, recipient, silent)


def vetoes(sender, message, recipient, silent):
    return None


def crashes_on_tool_calls(sender, message, recipient, silent):
    text = message if isinstance(message, str) else message["content"]
    return EMAIL.sub("[email]", text)


@pytest.mark.parametrize(
    "hook, named",
    [
        (lambda sender, message, recipient, silent: message, "expected every address replaced by [email]"),
        (only_strings, "a message dict with text: expected every address replaced"),
        (drops_keys, "keep the other keys"),
        (vetoes, "returned None, which makes AutoGen raise TypeError"),
        (vetoes, "in a chat, your hook made AutoGen raise TypeError"),
        (crashes_on_tool_calls, "a tool call (its content is None): raised TypeError"),
        ("not a function", "pass your hook function"),
    ],
)
def test_redaction_hook_names_what_is_wrong(hook, named):
    assert named in failures(check_redaction_hook(hook))


# -- lesson 05 -----------------------------------------------------------------------------------


def agent_with_number(llm_config, **settings):
    return autogen.ConversableAgent(
        "agent_with_number",
        system_message="You have the number 53 in your mind.",
        llm_config=llm_config,
        is_termination_msg=lambda msg: "53" in (msg.get("content") or ""),
        **settings,
    )


def test_stepping_in_accepts_always():
    result = check_stepping_in(lambda llm_config: agent_with_number(llm_config, human_input_mode="ALWAYS"))
    assert result.passed, str(result)


@pytest.mark.parametrize(
    "settings, named",
    [
        (  # the tutorial's (and the lesson's starter): asked at the limit and at 53 only
            dict(human_input_mode="TERMINATE", max_consecutive_auto_reply=1),
            "asked at 2 of the 3 guesses: in TERMINATE, AutoGen asks at the auto-reply limit (1)",
        ),
        (  # asked at every guess, but Enter sends what was typed: nothing (lesson 04, section 5)
            dict(human_input_mode="TERMINATE", max_consecutive_auto_reply=0),
            "sent an empty message instead of the model's answer",
        ),
        (dict(human_input_mode="ALWAYS", max_consecutive_auto_reply=0), "sent an empty message instead"),
        (dict(human_input_mode="NEVER"), "in NEVER AutoGen never asks"),
    ],
)
def test_stepping_in_names_what_is_wrong(settings, named):
    assert named in failures(check_stepping_in(lambda llm_config: agent_with_number(llm_config, **settings)))


def test_stepping_in_names_a_game_that_never_ends():
    def no_end(llm_config):
        return autogen.ConversableAgent("agent_with_number", llm_config=llm_config, human_input_mode="ALWAYS")

    assert "the game went on after the guess 'Is it 53?'" in failures(check_stepping_in(no_end))


@pytest.mark.parametrize(
    "make, named",
    [
        (lambda llm_config: agent_with_number(False, human_input_mode="ALWAYS"), "give it the llm_config"),
        (lambda llm_config: "agent", "return an autogen.ConversableAgent"),
        (lambda llm_config: 1 / 0, "raised ZeroDivisionError"),
    ],
)
def test_stepping_in_reports_bad_answers_without_raising(make, named):
    assert named in failures(check_stepping_in(make))


def test_cache_off_accepts_cache_seed_none(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = check_cache_off(lambda config_list: {"config_list": config_list, "cache_seed": None})
    assert result.passed, str(result)
    assert os.listdir(tmp_path) == []  # the check ran in a temporary folder of its own


@pytest.mark.parametrize(
    "make, named",
    [
        pytest.param(
            lambda cl: {"config_list": cl},
            "answered from the cache",
            marks=pytest.mark.skipif(not caches_by_default(), reason="ag2 0.14 does not cache by default"),
        ),
        (lambda cl: {"config_list": cl}, "without it pyautogen and autogen-agentchat 0.2 use seed 41"),
        (lambda cl: {"config_list": cl, "cache_seed": 42}, "any number is a cache"),
        (lambda cl: {"config_list": [], "cache_seed": None}, "keep the config list"),
        (lambda cl: cl, "return a dict"),
    ],
)
def test_cache_off_names_what_is_wrong(make, named, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert named in failures(check_cache_off(make))
