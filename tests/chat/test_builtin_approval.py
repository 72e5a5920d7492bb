"""Pin AutoGen 0.2's own approval of tool calls and code blocks, and what a
``process_message_before_send`` hook can and cannot do (lesson 08 teaches these; the lesson checks a
few, on ChatResult; the rest is pinned here, on AutoGen's real agents with a scripted model and human).
"""

from __future__ import annotations

import autogen
import pytest

from hitl_modes import ScriptedHuman, ScriptedLLM, tool_call

ASK_ALWAYS = (
    "Replying as user_proxy. Provide feedback to assistant. Press enter to skip and use auto-reply, "
    "or type 'exit' to end the conversation: "
)
ASK_AT_LIMIT = (
    "Please give feedback to assistant. Press enter to skip and use auto-reply, "
    "or type 'exit' to stop the conversation: "
)
CODE = "```python\nfrom pathlib import Path\nPath('report.txt').write_text('x')\nprint('done')\n```"


def is_termination_msg(message):
    return "TERMINATE" in (message.get("content") or "")


def email_chat(mode, model, human, *, limit=10):
    """An assistant that may call send_email, executed by a proxy in ``mode``; returns what happened."""
    sent = []

    def send_email(to: str, subject: str) -> str:
        sent.append(to)
        return f"sent to {to}"

    llm = ScriptedLLM(model)
    assistant = autogen.AssistantAgent("assistant", llm_config=llm.llm_config)
    proxy = autogen.UserProxyAgent(
        "user_proxy",
        human_input_mode=mode,
        max_consecutive_auto_reply=limit,
        is_termination_msg=is_termination_msg,
        code_execution_config=False,
    )
    autogen.register_function(send_email, caller=assistant, executor=proxy, description="Send an email.")
    llm.register(assistant)  # adding the tool rebuilt the assistant's client
    with ScriptedHuman(human, echo=False) as person:
        result = proxy.initiate_chat(assistant, message="Tell the customers.", silent=True)
    return result, sent, llm, person


def test_always_asks_its_usual_question_at_a_tool_call_and_enter_runs_it():
    result, sent, llm, person = email_chat(
        "ALWAYS", [tool_call("send_email", to="a@x.org", subject="s"), "TERMINATE"], ["", ""]
    )
    assert sent == ["a@x.org"]
    assert person.prompts[0] == ASK_ALWAYS and "send_email" not in person.prompts[0]
    assert llm.last.messages[-1]["role"] == "tool" and llm.last.messages[-1]["content"] == "sent to a@x.org"
    assert result.human_input == ["", ""]


def test_text_at_two_calls_sends_the_text_after_one_user_interrupted_result_per_call():
    calls = [tool_call("send_email", to=to, subject="s")["tool_calls"][0] for to in ("a@x.org", "b@x.org")]
    result, sent, llm, _ = email_chat("ALWAYS", [{"content": None, "tool_calls": calls}, "TERMINATE"], ["No.", ""])
    assert sent == []
    answer = result.chat_history[2]
    assert answer["content"] == "No."
    assert [(r["tool_call_id"], r["content"]) for r in answer["tool_responses"]] == [
        (c["id"], "USER INTERRUPTED") for c in calls
    ]
    assert [(m["role"], m["content"]) for m in llm.last.messages[-3:]] == [("tool", "USER INTERRUPTED")] * 2 + [
        ("user", "No.")
    ]


def test_exit_at_a_tool_call_ends_the_chat_without_running_it_or_asking_the_model_again():
    result, sent, llm, _ = email_chat("ALWAYS", [tool_call("send_email", to="a@x.org", subject="s")], ["exit"])
    assert sent == [] and llm.call_count == 1 and len(result.chat_history) == 2


def test_terminate_runs_a_tool_call_unasked_before_its_limit_and_asks_at_it():
    calls = [tool_call("send_email", to=to, subject="s") for to in ("a@x.org", "b@x.org")]
    result, sent, _, person = email_chat("TERMINATE", [*calls, "Both sent. TERMINATE"], ["", ""], limit=1)
    assert sent == ["a@x.org", "b@x.org"]
    assert person.prompts[0] == ASK_AT_LIMIT and "send_email" not in person.prompts[0]
    assert result.human_input == ["", ""]


@pytest.mark.parametrize("answer, runs", [("", True), ("Not yet.", False)])
def test_always_at_a_code_block_enter_runs_it_text_does_not_and_the_question_hides_the_code(tmp_path, answer, runs):
    llm = ScriptedLLM([CODE, "TERMINATE"])
    assistant = llm.register(autogen.AssistantAgent("assistant", llm_config=llm.llm_config))
    proxy = autogen.UserProxyAgent(
        "user_proxy",
        human_input_mode="ALWAYS",
        is_termination_msg=is_termination_msg,
        code_execution_config={"work_dir": str(tmp_path), "use_docker": False},
    )
    with ScriptedHuman([answer, ""], echo=False) as person:
        result = proxy.initiate_chat(assistant, message="Write the report.", silent=True)
    assert person.prompts[0] == ASK_ALWAYS and "write_text" not in person.prompts[0]
    assert (tmp_path / "report.txt").exists() == runs
    said = result.chat_history[2]["content"]
    assert said.startswith("exitcode: 0 (execution succeeded)") if runs else said == answer
    assert llm.calls[-1].last_content == said


def test_a_hook_that_returns_none_raises_type_error_after_the_model_answered():
    llm = ScriptedLLM(["Deleting build/. TERMINATE"])
    assistant = llm.register(autogen.AssistantAgent("assistant", llm_config=llm.llm_config))
    assistant.register_hook("process_message_before_send", lambda sender, message, recipient, silent: None)
    proxy = autogen.UserProxyAgent("user_proxy", human_input_mode="NEVER", code_execution_config=False)
    with pytest.raises(TypeError):
        proxy.initiate_chat(assistant, message="Clean up.", silent=True)
    assert llm.call_count == 1 and len(proxy.chat_messages[assistant]) == 1


def test_a_hook_sees_every_message_the_agent_sends_and_what_it_returns_is_sent():
    seen = []

    def redact(sender, message, recipient, silent):
        seen.append(message)
        return message.replace("4111", "[card]")

    llm = ScriptedLLM(["Card 4111. TERMINATE"])
    assistant = llm.register(autogen.AssistantAgent("assistant", llm_config=llm.llm_config))
    assistant.register_hook("process_message_before_send", redact)
    proxy = autogen.UserProxyAgent(
        "user_proxy", human_input_mode="NEVER", is_termination_msg=is_termination_msg, code_execution_config=False
    )
    result = proxy.initiate_chat(assistant, message="Which card?", silent=True)
    assert seen == ["Card 4111. TERMINATE"], "a model's text reply reaches the hook as a str"
    assert result.chat_history[-1]["content"] == "Card [card]. TERMINATE"
