"""Lesson 16's checks: reference answers pass, the lesson's starters fail with reasons, and a
broken answer becomes a report, never an exception."""

from __future__ import annotations

import copy

from hitl_modes.course.exercises.lesson16 import STOPPED, check_load_chat, check_reviewer_summary


def good_load(user_proxy, assistant, saved):
    user_proxy.chat_messages[assistant] = copy.deepcopy(saved["user_proxy"])
    assistant.chat_messages[user_proxy] = copy.deepcopy(saved["assistant"])


def starter_load(user_proxy, assistant, saved):  # the lesson's starter
    user_proxy.chat_messages[assistant] = saved["user_proxy"]
    assistant.chat_messages[user_proxy] = saved["user_proxy"]


def plain_dict_load(user_proxy, assistant, saved):
    good_load(user_proxy, assistant, saved)
    assistant._oai_messages = dict(assistant.chat_messages)  # what chat_messages={...} as a dict gives


def good_summary(sender, recipient, summary_args):
    theirs = [m for m in sender.chat_messages[recipient] if m.get("name") == recipient.name]
    return theirs[-1]["content"] if theirs else STOPPED


def last_msg(sender, recipient, summary_args):  # the lesson's starter: AutoGen's last_msg
    return sender.chat_messages[recipient][-1]["content"]


def test_loading_a_chat():
    assert check_load_chat(good_load).passed
    starter = check_load_chat(starter_load)
    assert not starter.passed
    text = "\n".join(starter.failures)
    assert "the assistant's own view" in text and "load copies" in text
    plain = check_load_chat(plain_dict_load)
    assert not plain.passed and "defaultdict(list)" in "\n".join(plain.failures)
    broken = check_load_chat(lambda *a: 1 / 0)
    assert not broken.passed and "ZeroDivisionError" in str(broken)


def test_a_nested_reviewer_summary():
    assert check_reviewer_summary(good_summary).passed
    starter = check_reviewer_summary(last_msg)
    assert starter.checks == 3 and len(starter.failures) == 1
    assert "the writer's own draft" in starter.failures[0]
    broken = check_reviewer_summary(lambda *a: None.x)
    assert not broken.passed
