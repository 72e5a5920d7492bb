"""What lesson 16 teaches about pausing and resuming chats, pinned on AutoGen's real agents with a
scripted model and human (the lesson checks a few of these on its own run): a two-agent chat
continued in a new pair, a group chat resumed (also on a saved TERMINATE), sequential chats with a
human between them, and a nested human reviewer."""

from __future__ import annotations

import logging
from collections import defaultdict

import autogen
import pytest

from hitl_modes import ScriptedHuman, ScriptedLLM


def is_termination_msg(message):
    return "TERMINATE" in (message.get("content") or "")


def contents(messages):
    return [m.get("content") for m in messages]


def assistant(name, replies, **kwargs):
    llm = ScriptedLLM(replies)
    return llm.register(autogen.AssistantAgent(name, llm_config=llm.llm_config, **kwargs)), llm


def proxy(name="user_proxy", mode="NEVER", **kwargs):
    return autogen.UserProxyAgent(name, human_input_mode=mode, code_execution_config=False, **kwargs)


def paused_pair():
    """A TERMINATE-mode chat the human paused with exit: each agent's own view of it."""
    helper, _ = assistant("assistant", ["Plan: 1. freeze 2. tag. TERMINATE"])
    user_proxy = proxy(mode="TERMINATE", is_termination_msg=is_termination_msg)
    with ScriptedHuman(["exit"], echo=False):
        paused = user_proxy.initiate_chat(helper, message="Plan the release.", silent=True)
    assert paused.human_input == ["exit"]
    return list(user_proxy.chat_messages[helper]), list(helper.chat_messages[user_proxy])


def new_pair(views, replies, **proxy_settings):
    user_proxy = proxy(**proxy_settings)
    llm = ScriptedLLM(replies)
    helper = llm.register(
        autogen.AssistantAgent(
            "assistant", llm_config=llm.llm_config, chat_messages=defaultdict(list, {user_proxy: list(views[1])})
        )
    )
    user_proxy.chat_messages[helper] = list(views[0])
    return user_proxy, helper, llm


def test_a_new_pair_continues_only_with_clear_history_false_and_its_human_input_is_this_runs():
    views = paused_pair()
    assert [m["role"] for m in views[0]] == ["assistant", "user"] and [m["role"] for m in views[1]] == [
        "user",
        "assistant",
    ]
    user_proxy, helper, llm = new_pair(views, ["Plan: 3 steps. TERMINATE"], is_termination_msg=is_termination_msg)
    resumed = user_proxy.initiate_chat(helper, message="Add a rollback step.", clear_history=False, silent=True)
    assert contents(llm.calls[0].messages[1:]) == [*contents(views[1]), "Add a rollback step."]
    assert len(resumed.chat_history) == 4 and resumed.human_input == []

    user_proxy, helper, llm = new_pair(views, ["Plan: rollback. TERMINATE"], is_termination_msg=is_termination_msg)
    user_proxy.initiate_chat(helper, message="Add a rollback step.", silent=True)  # clear_history=True
    assert contents(llm.calls[0].messages[1:]) == ["Add a rollback step."], "the loaded history was erased"


def test_chat_messages_given_as_a_plain_dict_raises_keyerror_when_a_new_agent_talks():
    user_proxy = proxy()
    plain = autogen.AssistantAgent("plain", llm_config=False, chat_messages={user_proxy: []})
    with pytest.raises(KeyError):
        proxy("stranger").send("Hello?", plain, request_reply=False, silent=True)


def test_a_resumed_proxys_auto_reply_limit_counts_from_zero():
    helper, _ = assistant("assistant", ["Step."] * 4)
    user_proxy = proxy(max_consecutive_auto_reply=3)
    ran_out = user_proxy.initiate_chat(helper, message="Count.", silent=True)
    views = (list(user_proxy.chat_messages[helper]), list(helper.chat_messages[user_proxy]))
    user_proxy, helper, _ = new_pair(views, ["Step."] * 4, max_consecutive_auto_reply=3)
    again = user_proxy.initiate_chat(helper, message="Go on.", clear_history=False, silent=True)
    auto = [sum(m["name"] == "user_proxy" and m["content"] == "" for m in r.chat_history) for r in (ran_out, again)]
    assert auto == [3, 6]


def release_group(planner_replies, writer_replies):
    planner, planner_llm = assistant("planner", planner_replies)
    writer, writer_llm = assistant("writer", writer_replies)
    human = proxy("human", mode="ALWAYS")
    group = autogen.GroupChat(
        [human, planner, writer], messages=[], max_round=6, speaker_selection_method="round_robin"
    )
    manager = autogen.GroupChatManager(group, llm_config=False, is_termination_msg=is_termination_msg)
    return human, writer, group, manager, planner_llm, writer_llm


@pytest.fixture
def finished_group():
    """A group chat that ended on the writer's 'Final. TERMINATE', saved with messages_to_string."""
    human, _, group, manager, *_ = release_group(["Plan.", "Plan v2."], ["Draft.", "Final. TERMINATE"])
    with ScriptedHuman(["Shorter."], echo=False):
        human.initiate_chat(manager, message="Write the release notes.", silent=True)
    assert group.messages[-1]["content"] == "Final. TERMINATE"
    return manager.messages_to_string(group.messages)


def test_resuming_on_a_saved_termination_message_warns_and_ends_at_once(finished_group, caplog):
    _, writer, group, manager, planner_llm, writer_llm = release_group([], [])
    with caplog.at_level(logging.WARNING, logger="autogen.agentchat.groupchat"):
        last_agent, last_message = manager.resume(messages=finished_group, silent=True)
    assert any("Last message meets termination criteria" in r.getMessage() for r in caplog.records)
    loaded = len(group.messages)
    with ScriptedHuman([], echo=False) as person:
        last_agent.initiate_chat(manager, message=last_message, clear_history=False, silent=True)
    assert last_agent is writer and person.prompts == []
    assert len(group.messages) == loaded + 1, "the message it is handed joins the list; nobody speaks"
    assert not planner_llm.calls and not writer_llm.calls


def test_remove_termination_string_cuts_the_marker_and_the_chat_goes_on(finished_group):
    _, _, group, manager, *_ = release_group(["Shipping."], ["Shipped. TERMINATE"])
    last_agent, last_message = manager.resume(
        messages=finished_group, remove_termination_string="TERMINATE", silent=True
    )
    assert last_message["content"].strip() == "Final."
    with ScriptedHuman(["Ship it."], echo=False) as person:
        last_agent.initiate_chat(manager, message=last_message, clear_history=False, silent=True)
    assert len(person.prompts) == 1
    assert contents(group.messages)[-4:] == ["Final. ", "Ship it.", "Shipping.", "Shipped. TERMINATE"]


def test_sequential_chats_carry_summaries_exit_ends_one_chat_and_a_missing_message_asks_at_the_prompt():
    researcher, _ = assistant("researcher", ["Found: quotes. TERMINATE"])
    writer, _ = assistant("writer", ["Done. TERMINATE"])
    editor, editor_llm = assistant("editor", ["Edited. TERMINATE"])
    sender = proxy(mode="TERMINATE", is_termination_msg=is_termination_msg)
    with ScriptedHuman(["", "exit", "Tighten it.", ""], echo=False) as person:
        chats = sender.initiate_chats(
            [
                {
                    "recipient": researcher,
                    "message": "Research CSV parsing.",
                    "summary_method": "last_msg",
                    "silent": True,
                },
                {"recipient": writer, "message": "Write it up.", "summary_method": "last_msg", "silent": True},
                {"recipient": editor, "summary_method": "last_msg", "silent": True},
            ]
        )
    assert chats[1].chat_history[0]["content"] == "Write it up.\nContext: \nFound: quotes. "
    assert chats[1].human_input == ["exit"] and editor_llm.calls, "exit ended the writer's chat only"
    assert person.prompts[2] == ">"
    assert chats[2].human_input == ["Tighten it.", ""]
    assert chats[2].chat_history[0]["content"].startswith("Tighten it.\nContext:")


@pytest.mark.parametrize(
    "review, writer_gets", [("Say it was faster.", "Say it was faster."), ("exit", "Draft: we shipped X.")]
)
def test_a_nested_human_reviewer_is_asked_once_per_draft_and_exit_echoes_the_draft(review, writer_gets):
    writer, writer_llm = assistant("writer", ["Draft: we shipped X.", "Final: we shipped X, faster. TERMINATE"])
    reviewer = proxy("reviewer", mode="ALWAYS")
    user_proxy = proxy(is_termination_msg=is_termination_msg)
    user_proxy.register_nested_chats(
        [{"recipient": reviewer, "max_turns": 1, "summary_method": "last_msg", "silent": True}], trigger=writer
    )
    with ScriptedHuman([review], echo=False) as person:
        result = user_proxy.initiate_chat(writer, message="One line of release notes.", silent=True)
    assert len(person.prompts) == 1, "asked for the draft, not at the final TERMINATE"
    assert writer_llm.calls[1].messages[-1]["content"] == writer_gets
    assert len(result.chat_history) == 4
