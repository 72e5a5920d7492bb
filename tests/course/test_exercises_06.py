"""Lesson 06's checks: the reference answers pass, the lesson's starters fail with reasons, and a
wrong answer of any shape becomes a report, never an exception."""

from __future__ import annotations

from hitl_modes import Stage, last_reply
from hitl_modes.course.exercises import CheckResult
from hitl_modes.course.exercises.lesson06 import HANDOFF_CASES, check_last_reply, check_stages


def naive_last_reply(messages):  # the lesson's starter: roughly AutoGen's "last_msg" summary
    return messages[-1]["content"].replace("TERMINATE", "").strip()


def good_stages(researcher, coder, writer):
    return [
        Stage("research", researcher, "Research."),
        Stage("code", coder, "Code."),
        Stage("docs", writer, "Document.", human_input_mode="NEVER"),
    ]


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


def test_the_reference_stages_pass():
    result = check_stages(good_stages)
    assert result.passed, str(result)


def test_the_starter_stages_fail_on_the_docs_checkpoint():
    def all_checkpoints(researcher, coder, writer):
        return [
            Stage("research", researcher, "Research."),
            Stage("code", coder, "Code."),
            Stage("docs", writer, "Document."),
        ]

    result = check_stages(all_checkpoints)
    assert not result.passed
    assert "docs runs without asking the human (NEVER mode)" in str(result)


def test_stages_without_checkpoints_fail():
    def no_checkpoints(researcher, coder, writer):
        return [
            Stage(name, agent, "Work.", human_input_mode="NEVER")
            for name, agent in (("research", researcher), ("code", coder), ("docs", writer))
        ]

    result = check_stages(no_checkpoints)
    assert not result.passed
    assert "research and code each stop at a human checkpoint" in str(result)


def test_wrong_shapes_and_errors_are_reported_not_raised():
    def swapped(researcher, coder, writer):
        return [
            Stage("research", coder, "Research."),
            Stage("code", researcher, "Code."),
            Stage("docs", writer, "Document.", human_input_mode="NEVER"),
        ]

    cases = {
        "not a list": lambda r, c, w: "stages",
        "raises": lambda r, c, w: Stage("research", r, ""),
        "wrong arity": lambda r: [],
        "swapped assistants": swapped,
        "empty": lambda r, c, w: [],
    }
    for label, build in cases.items():
        result = check_stages(build)
        assert isinstance(result, CheckResult) and not result.passed, label
