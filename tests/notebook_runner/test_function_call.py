"""Issue 22, items 2 and 3: legacy ``function_call`` replies (notebooks written against ``functions``) can be
scripted, and ``--record`` keeps them, as every other reply, exactly as the model gave them; a reply a
script cannot hold stops the recording with a message instead of being passed on changed."""

from __future__ import annotations

import os

import pytest

from hitl_modes.chat.server import ScriptedModelServer
from hitl_modes.errors import UpstreamError
from hitl_modes.notebook_runner.record import as_reply, record_notebook
from hitl_modes.notebook_runner.runner import run_notebook
from hitl_modes.notebook_runner.script import load_script
from tests.support.notebooks import output_text, write_notebook, write_script

LEGACY = [
    """
    import autogen

    add_schema = {
        "name": "add",
        "description": "Add two integers",
        "parameters": {
            "type": "object",
            "properties": {"a": {"type": "integer"}, "b": {"type": "integer"}},
            "required": ["a", "b"],
        },
    }
    config_list = autogen.config_list_from_json("OAI_CONFIG_LIST")
    assistant = autogen.AssistantAgent(
        "assistant", llm_config={"config_list": config_list, "cache_seed": None, "functions": [add_schema]}
    )
    user = autogen.UserProxyAgent(
        "user",
        human_input_mode="NEVER",
        code_execution_config=False,
        function_map={"add": lambda a, b: a + b},
        is_termination_msg=lambda m: (m.get("content") or "").endswith("TERMINATE"),
    )
    result = user.initiate_chat(assistant, message="What is 2 + 3?")
    assert result.chat_history[2] == {"content": "5", "name": "add", "role": "function"}, result.chat_history
    print("the function ran:", result.chat_history[2]["content"])
    """
]
ADD = {"name": "add", "arguments": '{"a": 2, "b": 3}'}


def test_a_scripted_function_call_runs_the_notebooks_function(tmp_path):
    notebook = write_notebook(tmp_path, "legacy", LEGACY)
    script = {"model": [{"function_call": {"name": "add", "arguments": {"a": 2, "b": 3}}}, "It is 5. TERMINATE"]}
    run = run_notebook(notebook, write_script(tmp_path, "legacy.replay.json", script))
    assert run.exit_code == 0, run.message
    assert run.timeline[0].endswith("-> reply #1: function call add")
    assert "last from add: '5'" in run.timeline[1]
    assert "the function ran: 5" in output_text(tmp_path / "legacy.replayed.ipynb")


def _upstream_env(upstream: ScriptedModelServer) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "OAI_CONFIG_LIST"}
    env.update({"OPENAI_API_KEY": "sk-the-users-real-key", "OPENAI_BASE_URL": upstream.base_url})
    return env


def test_recording_keeps_a_function_call_reply_and_the_notebook_gets_it_unchanged(tmp_path):
    notebook = write_notebook(tmp_path, "legacy", LEGACY)
    with ScriptedModelServer(default=[{"content": None, "function_call": ADD}, "It is 5. TERMINATE"]) as upstream:
        run = record_notebook(notebook, tmp_path / "legacy.replay.json", env=_upstream_env(upstream))
    assert run.exit_code == 0, run.message
    assert "the function ran: 5" in output_text(tmp_path / "legacy.replayed.ipynb")
    script = load_script(tmp_path / "legacy.replay.json")
    assert script.model == [{"content": None, "function_call": ADD}, "It is 5. TERMINATE"]
    replay = run_notebook(notebook, tmp_path / "legacy.replay.json", output=tmp_path / "again.ipynb")
    assert replay.exit_code == 0, replay.message


class _Refusing(ScriptedModelServer):
    """An upstream whose model declines: its message carries a ``refusal``, which no script can hold."""

    def answer(self, body, headers=None, path=""):
        payload = super().answer(body, headers, path)
        payload["choices"][0]["message"].update({"content": None, "refusal": "I can't help with that."})
        return payload


def test_a_reply_a_script_cannot_hold_stops_the_recording_with_a_message(tmp_path):
    notebook = write_notebook(tmp_path, "legacy", LEGACY)
    with _Refusing(default=["never seen"]) as upstream:
        run = record_notebook(notebook, tmp_path / "legacy.replay.json", env=_upstream_env(upstream))
    assert run.exit_code == 1
    assert "model reply #1 holds ['refusal'], which a replay script cannot hold" in run.message
    assert "holds what was said up to there" in run.message
    assert load_script(tmp_path / "legacy.replay.json").model == []  # the refused reply was not written, nor passed on


def _payload(message, choices=1):
    return {"choices": [{"index": i, "message": message} for i in range(choices)]}


def test_as_reply_loses_nothing_a_script_can_hold_and_refuses_the_rest():
    call = {"id": "call_1", "type": "function", "function": {"name": "add", "arguments": "{}"}}
    assert as_reply(_payload({"role": "assistant", "content": "hi", "refusal": None})) == "hi"
    assert as_reply(_payload({"content": None, "function_call": ADD})) == {"content": None, "function_call": ADD}
    assert as_reply(_payload({"content": "", "tool_calls": [call]})) == {"content": "", "tool_calls": [call]}
    with pytest.raises(UpstreamError, match="came with 2 choices; a script holds one per call"):
        as_reply(_payload({"content": "a"}, choices=2))
    with pytest.raises(UpstreamError, match=r"holds \['audio'\]"):
        as_reply(_payload({"content": None, "audio": {"id": "a1"}}))
