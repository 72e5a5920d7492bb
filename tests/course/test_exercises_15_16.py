"""The exercise checks of lessons 15 and 16 accept a correct answer, reject wrong ones with a
message that names what is wrong, and never raise."""

from __future__ import annotations

import os
import re

import autogen
import pytest

from hitl_modes.chat.compat import caches_by_default, skips_assistant_turn_under_max_turns
from hitl_modes.course.exercises import CheckResult
from hitl_modes.course.exercises.lesson15 import check_redaction_hook, check_tool_call_replies
from hitl_modes.course.exercises.lesson16 import (
    check_cache_off,
    check_server_proxy,
    check_skipped_turn_prediction,
    skipped_turn_speakers,
)


def failures(result: CheckResult) -> str:
    assert isinstance(result, CheckResult)
    assert not result.passed, f"a wrong answer passed: {result}"
    return "\n".join(result.failures)


# -- lesson 15, exercise 1: interrupt the first tool call, run the second -----------------------


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


# -- lesson 15, exercise 2: a redacting hook ------------------------------------------------------

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


# -- lesson 16 -----------------------------------------------------------------------------------


def test_server_proxy_accepts_never_without_code():
    result = check_server_proxy(
        lambda: autogen.UserProxyAgent("user_proxy", human_input_mode="NEVER", code_execution_config=False)
    )
    assert result.passed, str(result)


@pytest.mark.parametrize(
    "make, named",
    [
        (lambda: autogen.UserProxyAgent("user_proxy", code_execution_config=False), "(UserProxyAgent's default)"),
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


def test_skipped_turn_prediction_accepts_what_autogen_does():
    if skips_assistant_turn_under_max_turns():
        # Derived from the rule, not from a run: turns 1-2 answered, turn 3 skipped (limit 2, then
        # reset), turns 4-5 answered.
        rule = ["user_proxy", "assistant"] * 2 + ["user_proxy"] + ["user_proxy", "assistant"] * 2
    else:  # ag2 0.14: the chat ends at turn 3, where the assistant reaches its limit
        rule = ["user_proxy", "assistant"] * 2 + ["user_proxy"]
    assert skipped_turn_speakers() == rule
    assert check_skipped_turn_prediction(rule).passed


SKIPS = skips_assistant_turn_under_max_turns()


@pytest.mark.parametrize(
    "speakers, named",
    [
        (["user_proxy", "assistant"] * 5, f"you predicted 10 messages; there were {9 if SKIPS else 5}"),
        (["user_proxy", "assistant"] * 4, "you predicted 8 messages"),
        (["user_proxy", "user_proxy", "assistant", "user_proxy", "assistant"], "message 2 was sent by someone else"),
        ("user_proxy", "write a list of 'user_proxy' and 'assistant'"),
        (["human"], "write a list"),
    ],
)
def test_skipped_turn_prediction_names_what_is_wrong(speakers, named):
    assert named in failures(check_skipped_turn_prediction(speakers))


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
