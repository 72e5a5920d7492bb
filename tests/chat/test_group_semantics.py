"""What a human means in a classic AutoGen group chat, measured on AutoGen's own GroupChat and
GroupChatManager (lessons 14 and 15), and how a recorded group run explains its stop.

Every model is scripted behind a ScriptedModelServer (the manager's "auto" selection asks a model
from an agent AutoGen builds internally); the human is a ScriptedHuman. ``make compat`` runs this
file on every distribution of the classic API."""

from __future__ import annotations

import autogen
import pytest

from hitl_modes import ScriptedHuman, ScriptedModelServer
from hitl_modes.chat.record import record_group_chat

ASK = (
    "Replying as boss. Provide feedback to chat_manager. Press enter to skip and use auto-reply, "
    "or type 'exit' to end the conversation: "
)
CHOOSE = "Enter the number of the next speaker (enter nothing or `q` to use auto selection): "


def says(marker):
    return lambda m: marker in (m.get("content") or "")


def group(server, method="round_robin", *, boss_cls=autogen.UserProxyAgent, manager=None, max_round=10, **boss):
    members = [
        boss_cls("boss", code_execution_config=False, **boss),
        autogen.AssistantAgent("writer", llm_config=server.llm_config("writer")),
        autogen.AssistantAgent("critic", llm_config=server.llm_config("critic")),
    ]
    chat = autogen.GroupChat(members, messages=[], max_round=max_round, speaker_selection_method=method)
    return members[0], autogen.GroupChatManager(chat, llm_config=server.llm_config("selector"), **(manager or {}))


def run(scripts, human, method="round_robin", **kwargs):
    with ScriptedModelServer({"selector": [], **scripts}) as server, ScriptedHuman(human, echo=False) as person:
        boss, manager = group(server, method, **kwargs)
        recorded = record_group_chat(boss, manager, "task", quiet=True, silent=True)
    return recorded, server, person, manager


def speakers(recorded):
    return [m.agent for m in recorded.trace.messages]


def test_always_member_is_asked_only_when_selected_and_enter_posts_an_empty_message():
    rec, server, person, manager = run(
        {"writer": ["d1", "d2"], "critic": ["c1", "c2"]}, ["", "exit"], human_input_mode="ALWAYS"
    )
    assert [(m["name"], m["content"]) for m in manager.groupchat.messages] == [
        ("boss", "task"),
        ("writer", "d1"),
        ("critic", "c1"),
        ("boss", ""),
        ("writer", "d2"),
        ("critic", "c2"),
    ]
    assert person.prompts == [ASK, ASK]
    assert [e.agent for e in rec.trace.of_kind("human_prompt")] == ["boss", "boss"]
    assert (rec.trace.stop.reason, rec.trace.stop.agent) == ("human_exit", "boss")  # exit ends the group


@pytest.mark.parametrize("mode", ["NEVER", "TERMINATE"])
def test_never_and_terminate_members_post_default_auto_reply_without_asking(mode):
    rec, *_ = run({"writer": ["d1"], "critic": ["c1"]}, [], max_round=4, human_input_mode=mode)
    assert [m.content for m in rec.trace.messages] == ["task", "d1", "c1", ""]
    rec, *_ = run(
        {"writer": ["d1"], "critic": ["c1"]}, [], max_round=4, human_input_mode=mode, default_auto_reply="go on"
    )
    assert rec.trace.messages[-1].content == "go on" and not rec.trace.human_prompts


def test_the_managers_human_input_mode_is_never_consulted():
    rec, _, person, _ = run(
        {"writer": ["d1"], "critic": ["c1"]},
        [],
        max_round=3,
        manager={"human_input_mode": "ALWAYS"},
        human_input_mode="NEVER",
    )
    assert person.prompts == [] and len(rec.trace.messages) == 3


@pytest.mark.parametrize("max_round", [1, 2, 3, 5])
def test_max_round_counts_the_opening_message(max_round):
    rec, *_ = run({"writer": ["d1", "d2"], "critic": ["c1", "c2"]}, [], max_round=max_round, human_input_mode="NEVER")
    assert len(rec.trace.messages) == max_round
    assert (rec.trace.stop.reason, rec.trace.stop.agent) == ("max_round", "chat_manager")


def test_the_managers_default_termination_matches_only_exactly_terminate():
    rec, *_ = run({"writer": ["Done. TERMINATE"], "critic": ["TERMINATE"]}, [], human_input_mode="NEVER")
    assert [m.content for m in rec.trace.messages][1:] == ["Done. TERMINATE", "TERMINATE"]
    assert (rec.trace.stop.reason, rec.trace.stop.agent) == ("termination_msg", "chat_manager")
    rec, *_ = run(
        {"writer": ["Done. TERMINATE"]}, [], manager={"is_termination_msg": says("TERMINATE")}, human_input_mode="NEVER"
    )
    assert [m.content for m in rec.trace.messages][1:] == ["Done. TERMINATE"]


def test_a_members_own_max_consecutive_auto_reply_applies_toward_the_manager():
    rec, *_ = run(
        {"writer": ["d1", "d2"], "critic": ["c1", "c2"]}, [], human_input_mode="NEVER", max_consecutive_auto_reply=1
    )
    assert speakers(rec) == ["boss", "writer", "critic", "boss", "writer", "critic"]
    assert (rec.trace.stop.reason, rec.trace.stop.agent) == ("max_consecutive_auto_reply", "boss")


def test_the_mode_sets_the_description_that_auto_selection_reads():
    with ScriptedModelServer({"selector": ["writer"], "writer": ["TERMINATE"], "critic": []}) as server:
        boss, manager = group(server, "auto", human_input_mode="ALWAYS")
        with ScriptedHuman([], echo=False):
            record_group_chat(boss, manager, "task", quiet=True, silent=True)
    system = server.route("selector").calls[0].messages[0]["content"]
    assert "boss: An attentive HUMAN user" in system
    assert "attentive HUMAN" not in autogen.UserProxyAgent("b", human_input_mode="TERMINATE").description
    assert "attentive HUMAN" not in autogen.UserProxyAgent("b", human_input_mode="NEVER").description


def test_no_eligible_speaker_is_the_managers_stop():
    rec, *_ = run(
        {"writer": ["d1"], "critic": ["c1"]},
        [],
        method=lambda last, chat: None if last.name == "critic" else "round_robin",
        human_input_mode="NEVER",
    )
    assert speakers(rec) == ["boss", "writer", "critic"]
    assert (rec.trace.stop.reason, rec.trace.stop.agent) == ("no_eligible_speaker", "chat_manager")


def test_manual_selection_enter_and_q_are_round_robin_and_two_bad_entries_fall_back():
    rec, server, person, _ = run(
        {"writer": ["w1"], "critic": ["c1", "c2"]},
        ["3", "", "x", "9", "q"],
        "manual",
        max_round=5,
        human_input_mode="NEVER",
    )
    assert speakers(rec) == ["boss", "critic", "boss", "writer", "critic"]
    assert person.prompts == [CHOOSE] * 5
    assert server.route("selector").call_count == 0
    assert {(e.agent, e.detail) for e in rec.trace.of_kind("human_prompt")} == {("chat_manager", "manual_selection")}


def test_manual_selection_bypasses_a_get_human_input_override():
    class Logged(autogen.UserProxyAgent):
        def get_human_input(self, prompt, **kwargs):  # ag2 passes iostream=...
            reply = super().get_human_input(prompt, **kwargs)
            self.log.append(reply)
            return reply

    Logged.log = []
    rec, _, person, _ = run(
        {"writer": ["w1"], "critic": ["c1"]},
        ["2", "3", "1", "ok TERMINATE"],
        "manual",
        boss_cls=Logged,
        manager={"is_termination_msg": says("TERMINATE")},
        human_input_mode="ALWAYS",
    )
    assert person.replies == ["2", "3", "1", "ok TERMINATE"]
    assert Logged.log == ["ok TERMINATE"]


def test_auto_selection_retries_a_reply_naming_two_agents_then_falls_back_after_three_misses():
    rec, server, _, _ = run(
        {"writer": ["w1"], "critic": ["c1"], "selector": ["writer or critic", "writer", "x", "y", "z"]},
        [],
        "auto",
        max_round=3,
        human_input_mode="NEVER",
    )
    prompts = [r.last_content for r in server.route("selector").calls]
    assert prompts[1].startswith("You provided more than one name")
    assert all(p.startswith("You didn't choose a speaker") for p in prompts[3:])
    assert speakers(rec) == ["boss", "writer", "critic"]  # after the misses: the next member in order
    assert server.route("selector").call_count == 5


def test_the_picture_has_one_lane_per_agent_and_the_human():
    rec, *_ = run({"writer": ["d1"], "critic": ["c1"]}, ["exit"], human_input_mode="ALWAYS")
    svg = rec.trace.to_svg()
    for lane in ("boss", "writer", "critic", "chat_manager", "human"):
        assert f">{lane}</text>" in svg


def test_a_script_that_runs_out_behind_the_server_carries_the_partial_trace():
    from hitl_modes import ScriptExhaustedError

    with pytest.raises(ScriptExhaustedError) as caught:
        run({"writer": ["d1"], "critic": ["c1"]}, [], human_input_mode="NEVER")
    assert caught.value.kind == "llm" and caught.value.call == 2
    assert [m.agent for m in caught.value.trace.messages] == ["boss", "writer", "critic", "boss"]


def test_resume_gives_an_agent_its_own_saved_messages_only_where_compat_says_so():
    """GroupChatManager.resume (lesson 16): pyautogen 0.2.35 leaves out an agent's own messages."""
    from hitl_modes import ScriptedLLM
    from hitl_modes.chat.compat import resume_skips_own_messages

    def build(planner_replies, writer_replies):
        planner_llm, writer_llm = ScriptedLLM(planner_replies), ScriptedLLM(writer_replies)
        planner = planner_llm.register(autogen.AssistantAgent("planner", llm_config=planner_llm.llm_config))
        writer = writer_llm.register(autogen.AssistantAgent("writer", llm_config=writer_llm.llm_config))
        human = autogen.UserProxyAgent("human", human_input_mode="ALWAYS", code_execution_config=False)
        group = autogen.GroupChat(
            [human, planner, writer], messages=[], max_round=6, speaker_selection_method="round_robin"
        )
        return human, group, autogen.GroupChatManager(group, llm_config=False), planner_llm

    human, group, manager, _ = build(["Plan: 3 steps."], ["Draft v1."])
    with ScriptedHuman(["exit"], echo=False):
        human.initiate_chat(manager, message="Write the release notes.", silent=True)
    saved = manager.messages_to_string(group.messages)
    _, group, manager, planner_llm = build(["Plan revised."], ["Final notes."])
    last_agent, last_message = manager.resume(messages=saved, silent=True)
    with ScriptedHuman(["Shorter, please.", "exit"], echo=False):
        last_agent.initiate_chat(manager, message=last_message, clear_history=False, silent=True)
    seen = [m.get("content") for m in planner_llm.calls[0].messages[1:]]
    own = ["Plan: 3 steps."] if not resume_skips_own_messages() else []
    assert seen == ["Write the release notes.", *own, "Draft v1.", "Shorter, please."]
