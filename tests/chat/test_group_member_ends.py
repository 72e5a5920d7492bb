"""How a human member ends a classic AutoGen group chat, on AutoGen's own GroupChat (lesson 14), and
where a manual speaker choice is (not) recorded (lesson 15). tests/chat/test_group_semantics.py has
the rest; these pin what lessons 14 and 15 show beyond it."""

from __future__ import annotations

import autogen
import pytest

from hitl_modes import ScriptedHuman, ScriptedModelServer


def says_approved(message):
    return "APPROVED" in (message.get("content") or "")


def play(mode, human, *, method="round_robin", critic=("Shorter.", "APPROVED."), **boss):
    scripts = {"writer": ["Draft 1.", "Draft 2."], "critic": list(critic)}
    with ScriptedModelServer(scripts) as server, ScriptedHuman(human, echo=False) as person:
        member = autogen.UserProxyAgent("boss", human_input_mode=mode, code_execution_config=False, **boss)
        writer = autogen.AssistantAgent("writer", llm_config=server.llm_config("writer"))
        critic = autogen.AssistantAgent("critic", llm_config=server.llm_config("critic"))
        group = autogen.GroupChat([member, writer, critic], messages=[], max_round=10, speaker_selection_method=method)
        manager = autogen.GroupChatManager(group, llm_config=False)
        result = member.initiate_chat(manager, message="task", silent=True)
    return [(m["name"], m["content"]) for m in group.messages], result, person


@pytest.mark.parametrize("mode", ["ALWAYS", "TERMINATE"])
def test_enter_at_a_message_passing_the_members_own_check_ends_the_group(mode):
    human = ["", ""] if mode == "ALWAYS" else [""]
    said, result, person = play(mode, human, is_termination_msg=says_approved, default_auto_reply="Carry on.")
    assert said[3] == ("boss", "Carry on.")  # ALWAYS: Enter at an ordinary message posts default_auto_reply
    assert said[-1] == ("critic", "APPROVED.") and len(said) == 6  # Enter there ended it, long before max_round
    assert result.human_input == human and len(person.prompts) == len(human)


def test_enter_at_an_ordinary_message_posts_an_empty_message_and_the_group_goes_on():
    said, result, _ = play("ALWAYS", ["", "exit"], critic=("Shorter.", "Better."))
    assert said[3] == ("boss", "") and len(said) == 6 and result.human_input == ["", "exit"]


def test_a_never_member_ends_the_group_at_its_own_termination_message_without_asking():
    said, result, person = play("NEVER", [], is_termination_msg=says_approved, default_auto_reply="Carry on.")
    assert [c for _, c in said][3:] == ["Carry on.", "Draft 2.", "APPROVED."]
    assert result.human_input == [] and person.prompts == []


def test_the_managers_default_check_matches_only_exactly_terminate():
    # The group reaches boss at "APPROVED." only because it is no termination message for the manager.
    manager = autogen.GroupChatManager(autogen.GroupChat([], messages=[]), llm_config=False)
    assert manager._is_termination_msg({"content": "TERMINATE"})
    assert not manager._is_termination_msg({"content": "APPROVED. TERMINATE"})


def test_manual_speaker_choices_never_reach_result_human_input():
    said, result, person = play("ALWAYS", ["2", "3", "1", "exit"], method="manual", critic=("Ask boss.",))
    assert [name for name, _ in said] == ["boss", "writer", "critic"]
    assert person.replies == ["2", "3", "1", "exit"]
    assert result.human_input == ["exit"]  # filled in get_human_input; manual selection reads the IOStream
