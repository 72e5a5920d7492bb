"""What a person is told before a group chat in a lesson (``--human console``, lessons 14 and 15):
a group's manager never asks (its own mode is not counted), and manual selection asks who speaks."""

from __future__ import annotations

import autogen

from hitl_modes.course.session import MANUAL_SELECTION_HINT, _asking_mode, _selects_by_hand


def group(method="round_robin", *, boss="NEVER", manager="NEVER"):
    members = [
        autogen.UserProxyAgent("boss", human_input_mode=boss, code_execution_config=False),
        autogen.AssistantAgent("writer", llm_config=False),
    ]
    chat = autogen.GroupChat(members, messages=[], speaker_selection_method=method)
    return members[0], autogen.GroupChatManager(chat, llm_config=False, human_input_mode=manager)


def test_the_managers_own_mode_is_not_what_asks():
    assert _asking_mode(*group(manager="ALWAYS")) == "NEVER"
    assert _asking_mode(*group(boss="TERMINATE", manager="ALWAYS")) == "TERMINATE"


def test_manual_selection_is_announced():
    assert _selects_by_hand(group("manual")[1]) and not _selects_by_hand(group()[1])
    assert "who speaks next" in MANUAL_SELECTION_HINT and "round robin" in MANUAL_SELECTION_HINT
