"""Replay scripts: JSON and YAML, replies as text, tool calls or legacy function calls (short or OpenAI form),
the author's config list without secrets, saved as they load."""

from __future__ import annotations

import json

import pytest

from hitl_modes.errors import ReplayScriptError
from hitl_modes.notebook_runner.script import (
    DEFAULT_MODELS,
    ReplayScript,
    load_script,
    save_script,
    validate_script,
)

OPENAI_FORM = {"id": "call_9", "type": "function", "function": {"name": "add", "arguments": '{"a": 1}'}}


def test_tool_calls_short_and_openai_forms_become_the_same_message():
    script = validate_script(
        {"model": ["text", {"tool_calls": [{"name": "add", "arguments": {"a": 1}}]}, {"tool_calls": [OPENAI_FORM]}]}
    )
    assert script.model[0] == "text"
    short = {"id": "call_replay_2_1", "type": "function", "function": {"name": "add", "arguments": '{"a": 1}'}}
    assert script.model[1] == {"content": None, "tool_calls": [short]}
    assert script.model[2] == {"content": None, "tool_calls": [OPENAI_FORM]}
    assert script.human == [] and script.models == list(DEFAULT_MODELS)


@pytest.mark.parametrize("name", ["s.json", "s.yaml", "s.yml"])
def test_a_saved_script_loads_back_the_same(tmp_path, name):
    script = ReplayScript(
        ["Hi", {"content": "calling", "tool_calls": [OPENAI_FORM]}], ["", "exit"], [{"model": "gpt-4o"}]
    )
    path = save_script(script, tmp_path / name)
    assert load_script(path) == script
    if name.endswith("json"):
        assert json.loads(path.read_text())["models"] == ["gpt-4o"]  # entries with only a model: the short form


@pytest.mark.parametrize("name", ["s.json", "s.yaml"])
def test_a_config_list_with_tags_and_an_environment_save_and_load_back(tmp_path, name):
    entries = [
        {"model": "gpt-4", "tags": ["tool", "gpt-4"]},
        {"model": "gpt-35-turbo", "api_type": "azure", "api_version": "2024-02-01", "tags": ["tool"], "price": [1, 2]},
    ]
    script = ReplayScript(["Hi"], [], entries, {"AUTOGEN_USE_DOCKER": "False"})
    path = save_script(script, tmp_path / name)
    assert load_script(path) == script
    assert script.models == ["gpt-4", "gpt-35-turbo"]


def test_legacy_function_call_replies_short_and_openai_forms():
    """Issue 22, item 2: notebooks written against ``functions`` need ``function_call`` replies (refused before)."""
    short = {"function_call": {"name": "ask_expert", "arguments": {"message": "help"}}}
    openai_form = {"content": None, "function_call": {"name": "ask_expert", "arguments": '{"message": "help"}'}}
    script = validate_script(
        {"model": [short, openai_form, {"content": "thinking", "function_call": short["function_call"]}]}
    )
    expected = {"name": "ask_expert", "arguments": '{"message": "help"}'}
    assert script.model[0] == script.model[1] == {"content": None, "function_call": expected}
    assert script.model[2] == {"content": "thinking", "function_call": expected}


@pytest.mark.parametrize(
    "data, words",
    [
        ([], "must be an object"),
        ({}, 'neither "model" nor "human"'),
        ({"model": [None]}, "model reply #1 must be a string or an object"),
        ({"model": [{"content": 3}]}, "model reply #1: content must be a string or null"),
        ({"model": [{}]}, "model reply #1: the object has neither content, tool_calls nor function_call"),
        ({"model": [{"function_call": {"arguments": {}}}]}, "model reply #1, function_call has no function name"),
        (
            {"model": [{"function_call": {"name": "f", "arguments": "{"}}]},
            "function_call: arguments is a string but not JSON",
        ),
        (
            {"model": [{"function_call": {"name": "f"}, "tool_calls": [{"name": "f"}]}]},
            "has both tool_calls and function_call",
        ),
        ({"model": [], "config_list": [{"model": "gpt-4", "api_key": "sk-1"}]}, "holds 'api_key', a credential"),
        ({"model": [], "config_list": [{"model": "gpt-4", "base_url": "http://x"}]}, "sets 'base_url': remove it"),
        ({"model": [], "config_list": [{"model": "claude", "api_type": "anthropic"}]}, "does not speak the OpenAI API"),
        ({"model": [], "config_list": [{"tags": ["x"]}]}, 'config_list entry #1 has no "model"'),
        ({"model": [], "config_list": []}, '"config_list" must hold at least one entry'),
        ({"model": [], "config_list": [{"model": "a"}], "models": ["a"]}, "not both"),
        ({"model": [], "env": {"OPENAI_API_KEY": "x"}}, "which run-notebook sets itself"),
        ({"model": [], "env": {"A": 1}}, '"env" must map variable names to strings'),
        ({"model": [{"text": "x"}]}, "unknown key(s) ['text']"),
        ({"model": [{"tool_calls": [{"name": "f", "arguments": "{oops"}]}]}, "arguments is a string but not JSON"),
        ({"model": [], "models": []}, '"models" must be a non-empty list'),
    ],
)
def test_an_invalid_script_says_where_and_what(data, words):
    with pytest.raises(ReplayScriptError) as info:
        validate_script(data, source="x.json")
    assert str(info.value).startswith("x.json: ") and words in str(info.value)


def test_invalid_yaml_names_the_file(tmp_path):
    (tmp_path / "s.yaml").write_text("model: [unclosed\n")
    with pytest.raises(ReplayScriptError, match=r"s\.yaml: not valid YAML"):
        load_script(tmp_path / "s.yaml")
