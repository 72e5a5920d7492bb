"""Lessons 14 and 13's checks: reference answers pass, the lessons' starters fail with reasons, and
a wrong answer of any shape becomes a report, never an exception."""

from __future__ import annotations

import autogen
import pytest

from hitl_modes.course.exercises.lesson14 import check_group_feedback, check_group_setup
from hitl_modes.course.exercises.lesson15 import check_ask_user_selector, check_manual_choices


def says_approved(message):
    return "APPROVED" in (message.get("content") or "")


def reference_group(agents, llm_config):
    group = autogen.GroupChat(agents, messages=[], max_round=6, speaker_selection_method="round_robin")
    return autogen.GroupChatManager(group, llm_config=llm_config, is_termination_msg=says_approved)


def starter_group(agents, llm_config):  # lesson 14's starter
    return autogen.GroupChatManager(autogen.GroupChat(agents, messages=[], max_round=5), llm_config=llm_config)


def test_lesson12_reference_replies_pass():
    result = check_group_feedback(["Mention the start-up time.", "exit"])
    assert result.passed, str(result)


def test_lesson12_starter_replies_fail_and_say_why():
    text = str(check_group_feedback(["", ""]))
    assert "Enter posts an empty message to the group" in text
    assert "Enter posts an empty message and the group goes on; 'exit' ends it" in text


@pytest.mark.parametrize(
    "replies, says",
    [
        (["Shorter.", "", "exit"], "asked exactly twice"),
        (["exit"], "first reply should be feedback"),
        ("exit", "a list of strings"),
        ([1, 2], "a list of strings"),
        ([], "first reply should be feedback"),
    ],
)
def test_lesson12_wrong_replies_are_reported(replies, says):
    result = check_group_feedback(replies)
    assert not result.passed and says in str(result)


def test_lesson12_reference_group_passes():
    result = check_group_setup(reference_group)
    assert result.passed, str(result)


def test_lesson12_starter_group_fails_and_says_why():
    assert "speaker_selection_method='round_robin'" in str(check_group_setup(starter_group))


def without_termination(agents, llm_config):
    group = autogen.GroupChat(agents, messages=[], max_round=6, speaker_selection_method="round_robin")
    return autogen.GroupChatManager(group, llm_config=llm_config)


def too_long(agents, llm_config):
    group = autogen.GroupChat(agents, messages=[], max_round=7, speaker_selection_method="round_robin")
    return autogen.GroupChatManager(group, llm_config=llm_config, is_termination_msg=says_approved)


@pytest.mark.parametrize(
    "make_group, says",
    [
        (without_termination, "should stop there"),
        (too_long, "exactly 6 messages"),
        (lambda agents, config: 3, "should return an autogen.GroupChatManager"),
        (lambda agents, config: 1 / 0, "raised ZeroDivisionError"),
    ],
)
def test_lesson12_wrong_groups_are_reported(make_group, says):
    result = check_group_setup(make_group)
    assert not result.passed and says in str(result)


# -- lesson 15 ------------------------------------------------------------------------------------


def reference_selector(last_speaker, groupchat):
    boss, writer, critic = groupchat.agents
    messages = groupchat.messages
    if (messages[-1].get("content") or "").startswith("ASK_USER:"):
        return boss
    if last_speaker is boss and len(messages) > 1:
        return groupchat.agent_by_name(messages[-2]["name"])
    return critic if last_speaker is writer else writer


def test_lesson13_reference_choices_pass():
    result = check_manual_choices(["3", "2", "2", ""])
    assert result.passed, str(result)


@pytest.mark.parametrize(
    "choices, says",
    [
        (["3", "2", "", ""], "Enter chooses round robin"),  # the lesson's starter
        (["3", "2", "2", "3"], "chosen with Enter"),
        (["3", "x", "2", "2", ""], "were refused: ['x']"),
        (["3"], "should finish"),
        ("3", "a list of strings"),
    ],
)
def test_lesson13_wrong_choices_are_reported(choices, says):
    result = check_manual_choices(choices)
    assert not result.passed and says in str(result)


def test_lesson13_reference_selector_passes():
    result = check_ask_user_selector(reference_selector)
    assert result.passed, str(result)


@pytest.mark.parametrize(
    "selector, says",
    [
        (lambda last, group: "round_robin", "the person should be asked once"),  # the lesson's starter
        (lambda last, group: "auto", "let a model choose"),
        (lambda last, group: 1 / 0, "raised ZeroDivisionError"),
        (lambda last, group: group.agents[1], "speakers should be"),
    ],
)
def test_lesson13_wrong_selectors_are_reported(selector, says):
    result = check_ask_user_selector(selector)
    assert not result.passed and says in str(result)


def test_a_check_run_inside_a_lesson_plays_its_own_chats_unrecorded():
    """In a lesson, the course records every chat started; an exercise check's scripted group chats
    are the check's own: neither recorded nor given the lesson's human."""
    from hitl_modes.course.instrument import ChatWatch

    started = []
    watch = ChatWatch(lambda: {"quiet": True}, on_chat=lambda *agents: started.append(agents)).start()
    try:
        assert check_group_feedback(["Mention the start-up time.", "exit"]).passed
        assert check_manual_choices(["3", "2", "2", ""]).passed
    finally:
        watch.stop()
    assert started == [] and watch.runs == []
