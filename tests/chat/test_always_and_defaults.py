"""Pin what lessons 02 and 03 teach about AutoGen 0.2 beyond the mode table of test_semantics.py:
each class's default ``human_input_mode``, ALWAYS on a model-backed agent, a person as a player,
what ``ChatResult.human_input`` records, and TERMINATE at its limit on a termination message."""

from __future__ import annotations

import inspect

import autogen
import pytest

from hitl_modes import ScriptedHuman, ScriptedLLM


def ends_with_terminate(message):
    return (message.get("content") or "").rstrip().endswith("TERMINATE")


@pytest.mark.parametrize(
    "cls, default",
    [
        (autogen.UserProxyAgent, "ALWAYS"),
        (autogen.ConversableAgent, "TERMINATE"),
        (autogen.AssistantAgent, "NEVER"),
        (autogen.GroupChatManager, "NEVER"),
    ],
)
def test_each_class_has_its_own_default_mode(cls, default):
    assert inspect.signature(cls.__init__).parameters["human_input_mode"].default == default
    if cls is autogen.GroupChatManager:
        built = cls(autogen.GroupChat(agents=[], messages=[]))
    elif cls is autogen.UserProxyAgent:
        built = cls("agent", code_execution_config=False)
    else:
        built = cls("agent", llm_config=False)
    assert built.human_input_mode == default


def test_a_proxy_without_a_mode_asks_a_person_at_its_first_reply():
    llm = ScriptedLLM(["Summary."])
    assistant = llm.register(autogen.AssistantAgent("assistant", llm_config=llm.llm_config))
    user_proxy = autogen.UserProxyAgent("user_proxy", code_execution_config=False)
    with ScriptedHuman(["exit"], echo=False) as human:
        result = user_proxy.initiate_chat(assistant, message="Summarise.", silent=True)
    assert len(human.prompts) == 1 and human.prompts[0].startswith("Replying as user_proxy.")
    assert result.human_input == ["exit"] and len(result.chat_history) == 2


def test_always_on_a_model_backed_agent_lets_the_person_step_in_for_the_model():
    llm = ScriptedLLM(["Bonjour !"])
    translator = llm.register(
        autogen.AssistantAgent("translator", llm_config=llm.llm_config, human_input_mode="ALWAYS")
    )
    user_proxy = autogen.UserProxyAgent(
        "user_proxy", human_input_mode="NEVER", default_auto_reply="Thank you.", code_execution_config=False
    )
    with ScriptedHuman(["", "Merci."], echo=False) as human:
        result = user_proxy.initiate_chat(translator, message="Hello!", max_turns=2, silent=True)
    assert [m["content"] for m in result.chat_history] == ["Hello!", "Bonjour !", "Thank you.", "Merci."]
    assert llm.call_count == 1, "Enter let the model answer once; the typed text replaced its second answer"
    assert human.prompts[0].startswith("Replying as translator. Provide feedback to user_proxy.")
    assert result.human_input == [], "ChatResult.human_input is the initiator's record only"
    assert translator._human_input == ["", "Merci."]


def test_a_person_as_a_player_types_the_first_message_too():
    llm = ScriptedLLM(["Which city?", "Lisbon, then. TERMINATE"])
    assistant = llm.register(autogen.AssistantAgent("assistant", llm_config=llm.llm_config))
    person = autogen.ConversableAgent(
        "person", llm_config=False, human_input_mode="ALWAYS", is_termination_msg=ends_with_terminate
    )
    with ScriptedHuman(["Plan a trip.", "Lisbon", ""], echo=False) as human:
        result = person.initiate_chat(assistant, silent=True)
    assert human.prompts[0] == ">", "AutoGen's prompt for a first message it was not given"
    assert [m["content"] for m in result.chat_history if m["name"] == "person"] == ["Plan a trip.", "Lisbon"]
    assert result.human_input == ["Plan a trip.", "Lisbon", ""]


def test_always_text_at_a_termination_message_goes_on_and_enter_ends():
    llm = ScriptedLLM(["- a", "b. TERMINATE", "c. TERMINATE"])
    assistant = llm.register(autogen.AssistantAgent("assistant", llm_config=llm.llm_config))
    user_proxy = autogen.UserProxyAgent(
        "user_proxy", human_input_mode="ALWAYS", is_termination_msg=ends_with_terminate, code_execution_config=False
    )
    with ScriptedHuman(["prose", "add a date", ""], echo=False):
        result = user_proxy.initiate_chat(assistant, message="task", silent=True)
    assert [m["content"] for m in result.chat_history] == [
        "task",
        "- a",
        "prose",
        "b. TERMINATE",
        "add a date",
        "c. TERMINATE",
    ]
    received = [m for m in assistant.chat_messages[user_proxy] if m["role"] == "user"]
    assert [m["content"] for m in received] == ["task", "prose", "add a date"], "the model sees the person as 'user'"


def test_terminate_at_its_limit_on_a_termination_message_enter_ends_the_chat():
    llm = ScriptedLLM(["Step 1.", "Done. TERMINATE"])
    assistant = llm.register(autogen.AssistantAgent("assistant", llm_config=llm.llm_config))
    user_proxy = autogen.UserProxyAgent(
        "user_proxy",
        human_input_mode="TERMINATE",
        is_termination_msg=ends_with_terminate,
        max_consecutive_auto_reply=1,
        default_auto_reply="Please continue.",
        code_execution_config=False,
    )
    with ScriptedHuman([""], echo=False) as human:
        result = user_proxy.initiate_chat(assistant, message="task", silent=True)
    assert human.prompts == ["Please give feedback to assistant. Press enter or type 'exit' to stop the conversation: "]
    assert [m["content"] for m in result.chat_history] == ["task", "Step 1.", "Please continue.", "Done. TERMINATE"]


def test_terminate_feedback_at_the_limit_resets_the_counter_and_enter_does_not():
    def chat(answers, steps):
        llm = ScriptedLLM([f"Step {i}." for i in range(1, steps + 1)])
        assistant = llm.register(autogen.AssistantAgent("assistant", llm_config=llm.llm_config))
        user_proxy = autogen.UserProxyAgent(
            "user_proxy",
            human_input_mode="TERMINATE",
            is_termination_msg=ends_with_terminate,
            max_consecutive_auto_reply=2,
            default_auto_reply="Please continue.",
            code_execution_config=False,
        )
        with ScriptedHuman(answers, echo=False):
            result = user_proxy.initiate_chat(assistant, message="task", silent=True)
        return [m["content"] for m in result.chat_history]

    enter = chat(["", "exit"], 4)  # 2 auto-replies, Enter sends a 3rd, and the next message asks again
    assert enter.count("Please continue.") == 3 and enter[-1] == "Step 4."
    fix = chat(["fix", "exit"], 6)  # after the feedback, 2 more auto-replies before it asks again
    assert fix[fix.index("fix") + 1 :] == ["Step 4.", "Please continue.", "Step 5.", "Please continue.", "Step 6."]
