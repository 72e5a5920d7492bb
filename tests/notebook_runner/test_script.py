"""Replay scripts: JSON and YAML, replies as text or tool calls (short or OpenAI form), saved as they load."""

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
    script = ReplayScript(["Hi", {"content": "calling", "tool_calls": [OPENAI_FORM]}], ["", "exit"], ["gpt-4o"])
    path = save_script(script, tmp_path / name)
    assert load_script(path) == script
    if name.endswith("json"):
        assert json.loads(path.read_text())["models"] == ["gpt-4o"]


@pytest.mark.parametrize(
    "data, words",
    [
        ([], "must be an object"),
        ({}, 'neither "model" nor "human"'),
        ({"model": [None]}, "model reply #1 must be a string or an object"),
        ({"model": [{"content": 3}]}, "model reply #1: content must be a string or null"),
        ({"model": [{}]}, "model reply #1: the object has neither content nor tool_calls"),
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
