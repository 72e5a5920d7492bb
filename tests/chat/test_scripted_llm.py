"""ScriptedLLM runs on AutoGen's real OpenAIWrapper path and is strict."""

from __future__ import annotations

import os

import autogen
import pytest

from hitl_modes import (
    ScriptedHuman,
    ScriptedLLM,
    ScriptedModelClient,
    ScriptExhaustedError,
    Trace,
    UnusedScriptError,
    record_chat,
    scripted_llm_config,
    tool_call,
)


def proxy(**kwargs):
    defaults = dict(
        human_input_mode="NEVER",
        code_execution_config=False,
        max_consecutive_auto_reply=10,
        is_termination_msg=lambda m: "TERMINATE" in (m.get("content") or ""),
    )
    return autogen.UserProxyAgent("user_proxy", **{**defaults, **kwargs})


def test_runs_through_autogens_openai_wrapper():
    llm = ScriptedLLM(["hello TERMINATE"])
    assistant = llm.register(autogen.AssistantAgent("assistant", llm_config=llm.llm_config))
    assert isinstance(assistant.client, autogen.OpenAIWrapper)
    assert any(isinstance(c, ScriptedModelClient) for c in assistant.client._clients)
    result = proxy().initiate_chat(assistant, message="hi", silent=True)
    assert result.chat_history[-1]["content"] == "hello TERMINATE"


def test_one_line_config_with_autogens_own_register_call():
    assistant = autogen.AssistantAgent("assistant", llm_config=scripted_llm_config(["ok TERMINATE"]))
    assistant.register_model_client(ScriptedModelClient)
    result = proxy().initiate_chat(assistant, message="hi", silent=True)
    assert result.chat_history[-1]["content"] == "ok TERMINATE"


def test_unregistered_client_is_autogens_own_error():
    assistant = autogen.AssistantAgent("assistant", llm_config=ScriptedLLM(["x"]).llm_config)
    with pytest.raises(RuntimeError, match="register_model_client"):
        proxy().initiate_chat(assistant, message="hi", silent=True)


def test_records_every_request_verbatim():
    llm = ScriptedLLM(["first", "second TERMINATE"])
    assistant = llm.register(autogen.AssistantAgent("assistant", llm_config=llm.llm_config, system_message="SYS"))
    proxy(default_auto_reply="go on").initiate_chat(assistant, message="the task", silent=True)
    assert llm.call_count == 2 and llm.called
    first, second = llm.calls
    assert first.call == 1 and second.call == 2
    assert (first.reply, second.reply) == ("first", "second TERMINATE")
    assert [m["content"] for m in first.messages] == ["SYS", "the task"]
    assert [m["content"] for m in second.messages] == ["SYS", "the task", "first", "go on"]
    assert llm.last is second


def test_exhausted_script_names_agent_and_call_and_never_loops():
    llm = ScriptedLLM(["only one"])
    assistant = llm.register(autogen.AssistantAgent("writer", llm_config=llm.llm_config))
    with pytest.raises(ScriptExhaustedError) as err:
        proxy().initiate_chat(assistant, message="hi", silent=True)
    assert err.value.kind == "llm" and err.value.call == 2
    message = str(err.value)
    assert message.startswith("ScriptedLLM for agent 'writer': model call #2, but only 1 reply was scripted.")
    assert "The last message the model saw was: ''." in message  # the proxy's empty auto-reply
    assert message.endswith(
        "Add a reply to the script, or stop the chat sooner "
        "(is_termination_msg, max_turns, max_consecutive_auto_reply)."
    )
    assert llm.call_count == 2  # the failing call is recorded too, and nothing after it
    assert llm.last is llm.calls[1] and llm.last.reply is None


def test_partial_trace_is_attached_when_a_script_runs_out():
    llm = ScriptedLLM(["one"])
    assistant = llm.register(autogen.AssistantAgent("assistant", llm_config=llm.llm_config))
    with pytest.raises(ScriptExhaustedError) as err:
        record_chat(proxy(), assistant, "hi", quiet=True, silent=True)
    assert isinstance(err.value.trace, Trace)
    assert [e.content for e in err.value.trace.messages] == ["hi", "one", ""]


def test_without_a_recording_the_error_has_no_trace():
    llm = ScriptedLLM([])
    assistant = llm.register(autogen.AssistantAgent("assistant", llm_config=llm.llm_config))
    with pytest.raises(ScriptExhaustedError) as err:
        proxy().initiate_chat(assistant, message="hi", silent=True)
    assert err.value.trace is None


def test_no_disk_cache_is_written(tmp_path):
    llm = ScriptedLLM(["x TERMINATE"])
    assert llm.llm_config["cache_seed"] is None
    assistant = llm.register(autogen.AssistantAgent("assistant", llm_config=llm.llm_config))
    proxy().initiate_chat(assistant, message="hi", silent=True)
    assert not (tmp_path / ".cache").exists()
    assert os.listdir(tmp_path) == []


def test_assert_all_used_reports_leftovers():
    llm = ScriptedLLM(["a TERMINATE", "b", "c"])
    assistant = llm.register(autogen.AssistantAgent("assistant", llm_config=llm.llm_config))
    proxy().initiate_chat(assistant, message="hi", silent=True)
    unused = r"^ScriptedLLM for agent 'assistant': 2 of 3 replies were never used.*'b', 'c'"
    with pytest.raises(UnusedScriptError, match=unused):
        llm.assert_all_used()


def test_leftover_replies_fail_a_with_block_unless_not_strict():
    with pytest.raises(UnusedScriptError, match="1 of 2 replies were never used"):
        with ScriptedLLM(["a TERMINATE", "spare"]) as llm:
            proxy().initiate_chat(llm.register(autogen.AssistantAgent("a", llm_config=llm.llm_config)), message="hi")
    with ScriptedLLM(["a TERMINATE", "spare"], strict=False) as llm:
        proxy().initiate_chat(llm.register(autogen.AssistantAgent("a", llm_config=llm.llm_config)), message="hi")
    assert llm.remaining == ["spare"]


@pytest.mark.parametrize("bad", ["just a string", None, 42, [1, 2]])
def test_bad_script_is_a_clear_error(bad):
    with pytest.raises(TypeError, match="ScriptedLLM"):
        ScriptedLLM(bad)


def test_code_blocks_are_executed_by_the_real_proxy(tmp_path):
    llm = ScriptedLLM(["```python\nprint(6 * 7)\n```", "TERMINATE"])
    assistant = llm.register(autogen.AssistantAgent("assistant", llm_config=llm.llm_config))
    user_proxy = proxy(code_execution_config={"work_dir": str(tmp_path / "work"), "use_docker": False})
    run = record_chat(user_proxy, assistant, "compute", quiet=True, silent=True)
    executed = run.result.chat_history[2]["content"]
    assert "exitcode: 0" in executed and "42" in executed
    assert [e.detail for e in run.trace.of_kind("code_execution")] == ["python"]
    assert run.trace.messages[2].source == "code_result"
    assert "42" in llm.calls[1].messages[-1]["content"]  # the model saw the output


def test_tool_calls_run_the_registered_function():
    calls = []

    def add(a: int, b: int) -> int:
        calls.append((a, b))
        return a + b

    llm = ScriptedLLM([tool_call("add", a=2, b=3), "5. TERMINATE"])
    assistant = llm.register(autogen.AssistantAgent("assistant", llm_config=llm.llm_config))
    user_proxy = proxy()
    autogen.register_function(add, caller=assistant, executor=user_proxy, description="add two ints")
    llm.register(assistant)  # register_function rebuilt the client
    run = record_chat(user_proxy, assistant, "2+3?", quiet=True, silent=True)
    assert calls == [(2, 3)]
    assert run.trace.messages[2].source == "tool_result" and run.trace.messages[2].content == "5"
    # The model was offered the tool, as a real one would be.
    assert llm.calls[0].messages[0]["role"] == "system"
    assert run.result.chat_history[1]["tool_calls"][0]["function"]["name"] == "add"


def test_human_feedback_reaches_the_model():
    llm = ScriptedLLM(["draft TERMINATE", "shorter TERMINATE"])
    assistant = llm.register(autogen.AssistantAgent("assistant", llm_config=llm.llm_config))
    with ScriptedHuman(["make it shorter", ""], echo=False):
        proxy(human_input_mode="TERMINATE").initiate_chat(assistant, message="write", silent=True)
    assert llm.calls[1].messages[-1]["content"] == "make it shorter"


def test_exhausted_reply_ends_instead_of_raising_for_interactive_use():
    llm = ScriptedLLM(["a"], exhausted_reply="no more. TERMINATE")
    assistant = llm.register(autogen.AssistantAgent("assistant", llm_config=llm.llm_config))
    result = proxy().initiate_chat(assistant, message="hi", silent=True)
    assert [m["content"] for m in result.chat_history] == ["hi", "a", "", "no more. TERMINATE"]
    assert llm.remaining == []


def test_received_tells_whether_text_reached_the_model_as_the_users_latest_message():
    llm = ScriptedLLM(["draft TERMINATE", "shorter TERMINATE"])
    assistant = llm.register(autogen.AssistantAgent("assistant", llm_config=llm.llm_config))
    with ScriptedHuman(["make it shorter", ""], echo=False):
        proxy(human_input_mode="TERMINATE").initiate_chat(assistant, message="write", silent=True)
    assert llm.received("make it shorter") and llm.received("write")
    assert not llm.received("draft TERMINATE")  # the model's own words are not the user's
