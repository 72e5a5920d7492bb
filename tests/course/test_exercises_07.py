"""Lesson 07's checks: the reference answers pass, the lesson's starters fail with reasons, and a
wrong answer of any shape becomes a report, never an exception."""

from __future__ import annotations

import autogen

from hitl_modes import last_reply
from hitl_modes.course.exercises import CheckResult
from hitl_modes.course.exercises.lesson07 import HANDOFF_CASES, check_last_reply, check_stage_chats


def naive_last_reply(messages):  # the lesson's starter: roughly AutoGen's "last_msg" summary
    return messages[-1]["content"].replace("TERMINATE", "").strip()


def ends(message):
    return (message.get("content") or "").rstrip().endswith("TERMINATE")


def proxy(name, mode, is_termination_msg=ends):
    return autogen.UserProxyAgent(
        name, human_input_mode=mode, is_termination_msg=is_termination_msg, code_execution_config=False
    )


def queue(researcher, coder, writer, checkpoint, docs_sender):
    return [
        {"sender": checkpoint, "recipient": researcher, "message": "Research."},
        {"sender": checkpoint, "recipient": coder, "message": "Code."},
        {"sender": docs_sender, "recipient": writer, "message": "Document."},
    ]


def good_chats(researcher, coder, writer):
    return queue(researcher, coder, writer, proxy("checkpoint", "TERMINATE"), proxy("runner", "NEVER"))


def test_the_reference_hand_off_passes():
    result = check_last_reply(last_reply)
    assert isinstance(result, CheckResult) and result.passed, str(result)
    assert result.checks == len(HANDOFF_CASES)


def test_the_starter_hand_off_fails_and_says_why():
    result = check_last_reply(naive_last_reply)
    assert not result.passed
    text = str(result)
    assert "the human's feedback is not the assistant's reply" in text
    assert "only TERMINATE is skipped" in text
    assert "raised AttributeError" in text  # content None: reported, not raised


def test_hand_off_answers_of_any_shape_are_reported():
    def explodes(messages):
        raise RuntimeError("boom")

    for fn in (explodes, lambda messages: 42, lambda: None):
        result = check_last_reply(fn)  # type: ignore[arg-type]
        assert isinstance(result, CheckResult) and not result.passed


def test_the_reference_chat_queue_passes():
    result = check_stage_chats(good_chats)
    assert result.passed, str(result)


def test_the_starter_chat_queue_fails_on_the_docs_checkpoint():
    def all_checkpoints(researcher, coder, writer):
        checkpoint = proxy("checkpoint", "TERMINATE")
        return queue(researcher, coder, writer, checkpoint, checkpoint)

    result = check_stage_chats(all_checkpoints)
    assert not result.passed
    assert "docs runs without asking the human (a NEVER-mode sender)" in str(result)


def test_a_queue_without_checkpoints_fails():
    def no_checkpoints(researcher, coder, writer):
        runner = proxy("runner", "NEVER")
        return queue(researcher, coder, writer, runner, runner)

    result = check_stage_chats(no_checkpoints)
    assert not result.passed
    assert "research and code each stop at a human checkpoint" in str(result)


def test_a_docs_sender_with_autogens_default_termination_check_is_named():
    # AutoGen's default is_termination_msg matches only a bare "TERMINATE": "... TERMINATE" goes on.
    def default_check(researcher, coder, writer):
        runner = autogen.UserProxyAgent("runner", human_input_mode="NEVER", code_execution_config=False)
        return queue(researcher, coder, writer, proxy("checkpoint", "TERMINATE"), runner)

    result = check_stage_chats(default_check)
    assert not result.passed
    assert "give that sender an is_termination_msg" in str(result)


def test_wrong_shapes_and_errors_are_reported_not_raised():
    def swapped(researcher, coder, writer):
        return good_chats(coder, researcher, writer)

    def no_sender(researcher, coder, writer):
        return [{"recipient": a, "message": "Work."} for a in (researcher, coder, writer)]

    cases = {
        "not a list": lambda r, c, w: "chats",
        "raises": lambda r, c, w: 1 / 0,
        "wrong arity": lambda r: [],
        "swapped recipients": swapped,
        "no sender": no_sender,
        "empty": lambda r, c, w: [],
    }
    for label, build in cases.items():
        result = check_stage_chats(build)
        assert isinstance(result, CheckResult) and not result.passed, label
    assert "needs a 'sender' in every chat" in str(check_stage_chats(no_sender))
