"""The live path, end to end over a real socket: lesson --live, the real openai client, AutoGen's
OpenAIWrapper, and a local OpenAI-compatible server the test starts."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import autogen
import pytest

from hitl_modes import LiveConfigError, ScriptedHuman, ScriptedLLM, ScriptedModelServer, record_chat
from hitl_modes.chat.live import LiveLLM, live_config_list
from hitl_modes.course.catalog import lessons_dir

LESSON_01 = lessons_dir() / "01_never.py"


def env_without_model(**extra):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("OPENAI_API_KEY", "OAI_CONFIG_LIST", "OPENAI_BASE_URL", "OPENAI_MODEL", "HITL_LIVE")
    }
    env.update(extra)
    return env


def test_live_llm_over_a_socket_in_process():
    with ScriptedModelServer(default=["Hello from the server. TERMINATE"]) as server:
        llm = LiveLLM(
            {"OPENAI_API_KEY": "sk-local-test", "OPENAI_BASE_URL": server.base_url, "OPENAI_MODEL": "local-model"}
        )
        assistant = llm.register(autogen.AssistantAgent("assistant", llm_config=llm.llm_config))
        user_proxy = autogen.UserProxyAgent(
            "user_proxy",
            human_input_mode="TERMINATE",
            code_execution_config=False,
            is_termination_msg=lambda m: "TERMINATE" in (m.get("content") or ""),
        )
        with ScriptedHuman([""], echo=False):
            run = record_chat(user_proxy, assistant, "Say hello.", quiet=True, silent=True)
    assert run.result.chat_history[-1]["content"] == "Hello from the server. TERMINATE"
    assert run.trace.messages[1].source == "llm"
    assert server.calls[0].model == "local-model"
    assert server.calls[0].body["messages"][-1]["content"] == "Say hello."
    assert server.calls[0].headers["Authorization"] == "Bearer sk-local-test"


def test_lesson_runs_live_against_a_local_server():
    with ScriptedModelServer(default=ScriptedLLM([], exhausted_reply="Here you go. TERMINATE")) as server:
        proc = subprocess.run(
            [sys.executable, str(LESSON_01), "--live"],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=120,
            env=env_without_model(OPENAI_API_KEY="sk-local-test", OPENAI_BASE_URL=server.base_url),
        )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "[model: live" in proc.stdout
    assert "Here you go. TERMINATE" in proc.stdout
    # A live model may rightly do something else: claims are checked on its run, never asserted.
    assert "✓ NEVER stopped at the assistant's TERMINATE  (checked on the live model's run)" in proc.stdout
    assert "(not in the live model's run: the chat stopped: " in proc.stdout
    assert "not checked" not in proc.stdout
    assert server.call_count >= 3
    assert any(m.get("content") == "What is 6 x 7?" for m in server.calls[0].body["messages"])


def test_lesson_runs_live_from_oai_config_list_file(tmp_path):
    with ScriptedModelServer(default=ScriptedLLM([], exhausted_reply="Done. TERMINATE")) as server:
        config = tmp_path / "OAI_CONFIG_LIST.json"
        config.write_text(json.dumps([{"model": "from-file", "api_key": "sk-file", "base_url": server.base_url}]))
        proc = subprocess.run(
            [sys.executable, "-m", "hitl_modes", "lesson", "1", "--live"],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=120,
            env=env_without_model(OAI_CONFIG_LIST=str(config)),
        )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert {r.model for r in server.calls} == {"from-file"}


def test_live_without_credentials_names_the_variable_to_set():
    proc = subprocess.run(
        [sys.executable, str(LESSON_01), "--live"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        env=env_without_model(),
    )
    assert proc.returncode != 0
    assert "OPENAI_API_KEY" in proc.stderr and "OAI_CONFIG_LIST" in proc.stderr
    assert "Lesson 01" not in proc.stdout  # it stopped before running anything


def test_notebook_switch_is_an_environment_variable():
    proc = subprocess.run(
        [sys.executable, str(LESSON_01)],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        env=env_without_model(HITL_LIVE="1"),
    )
    assert proc.returncode != 0 and "OPENAI_API_KEY" in proc.stderr


@pytest.mark.parametrize(
    "env, match",
    [
        ({}, "Set OPENAI_API_KEY"),
        ({"OAI_CONFIG_LIST": "[not json"}, "not valid JSON"),
        ({"OAI_CONFIG_LIST": "/no/such/file.json"}, "neither JSON nor a file"),
        ({"OAI_CONFIG_LIST": "[]"}, "non-empty JSON list"),
    ],
)
def test_live_config_errors(env, match):
    with pytest.raises(LiveConfigError, match=match):
        live_config_list(env)


def test_live_config_from_openai_variables():
    assert live_config_list({"OPENAI_API_KEY": "k", "OPENAI_BASE_URL": "http://127.0.0.1:1/v1"}) == [
        {"model": "gpt-4o-mini", "api_key": "k", "base_url": "http://127.0.0.1:1/v1"}
    ]
