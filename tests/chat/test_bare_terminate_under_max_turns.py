"""Under ``max_turns``, what a reply of just "TERMINATE" does differs between distributions (lesson 07):
pyautogen 0.2.35 and autogen-agentchat 0.2.40 hand it to the initiator, whose TERMINATE mode asks its
person; ag2 0.14 checks it against the replier's own ``is_termination_msg`` first and ends the chat.
``hitl_modes.chat.compat`` says which applies; this pins it on AutoGen's real agents."""

from __future__ import annotations

import autogen

from hitl_modes import ScriptedHuman, ScriptedLLM
from hitl_modes.chat.compat import asks_at_a_bare_terminate_under_max_turns


def _chat(final: str):
    llm = ScriptedLLM(["Here is the code.", final])
    coder = llm.register(autogen.AssistantAgent("coder", llm_config=llm.llm_config))
    proxy = autogen.UserProxyAgent(
        "user_proxy",
        human_input_mode="TERMINATE",
        is_termination_msg=lambda m: "TERMINATE" in (m.get("content") or ""),
        code_execution_config=False,
    )
    with ScriptedHuman([""], strict=False) as human:
        result = proxy.initiate_chat(coder, message="Write it.", max_turns=6, silent=True)
    return result, human


def test_a_bare_terminate_asks_the_initiators_person_only_where_compat_says_so():
    result, human = _chat("TERMINATE")
    asks = asks_at_a_bare_terminate_under_max_turns()
    assert result.chat_history[-1]["content"] == "TERMINATE"
    assert human.call_count == (1 if asks else 0)
    assert result.human_input == ([""] if asks else [])


def test_text_before_terminate_asks_on_every_distribution():
    result, human = _chat("Done. TERMINATE")
    assert human.call_count == 1 and result.human_input == [""]
