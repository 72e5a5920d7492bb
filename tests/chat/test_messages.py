"""message_text: one reading of an AutoGen message for every caller, over every content shape
AutoGen allows (and the shapes it refuses, which must not crash a chat)."""

from __future__ import annotations

import json

import pytest
from autogen.code_utils import content_str

from hitl_modes import RiskGatedProxy, RiskPolicy, message_text
from hitl_modes.agents.smart_proxy import asks_question, has_code
from hitl_modes.agents.workflow import last_reply

TEXT_AND_IMAGE = [
    {"type": "text", "text": "Look at this chart?"},
    {"type": "image_url", "image_url": {"url": "data:image/png;base64,AAAA"}},
    {"type": "text", "text": " Then decide."},
]
TOOL_CALL = {
    "role": "assistant",
    "content": None,
    "tool_calls": [
        {
            "id": "call_1",
            "type": "function",
            "function": {"name": "delete_user", "arguments": json.dumps({"user_id": 7})},
        }
    ],
}
FUNCTION_CALL = {"role": "assistant", "content": None, "function_call": {"name": "run_shell", "arguments": "{oops"}}

MALFORMED = [{"text": "no type"}, {"type": "audio"}, "x", {"type": "text", "text": "ok"}]
DELETE_CALL = "```python\ndelete_user(user_id=7)\n```"

#: (shape, message, its text, its text with calls=True)
SHAPES = [
    ("no message", None, "", ""),
    ("plain str message", "rm -rf /tmp/x", "rm -rf /tmp/x", "rm -rf /tmp/x"),
    ("content None", {"content": None}, "", ""),
    ("content str", {"content": "Hello?"}, "Hello?", "Hello?"),
    ("content parts", {"content": TEXT_AND_IMAGE}, "Look at this chart?<image> Then decide.", None),
    ("content dict", {"content": {"a": 1}}, "", ""),
    ("content number", {"content": 42}, "", ""),
    ("malformed parts", {"content": MALFORMED}, "ok", "ok"),
    ("tool call", TOOL_CALL, "", DELETE_CALL),
    ("function call", FUNCTION_CALL, "", "```python\nrun_shell('{oops')\n```"),
    ("text and a tool call", {**TOOL_CALL, "content": "Deleting."}, "Deleting.", "Deleting.\n" + DELETE_CALL),
]


@pytest.mark.parametrize("shape,message,text,with_calls", SHAPES, ids=[s[0] for s in SHAPES])
def test_every_shape(shape, message, text, with_calls):
    assert message_text(message) == text
    assert message_text(message, calls=True) == (text if with_calls is None else with_calls)


@pytest.mark.parametrize("content", [None, "plain", TEXT_AND_IMAGE, []], ids=["None", "str", "parts", "empty"])
def test_agrees_with_autogen_content_str_wherever_autogen_reads_the_content(content):
    assert message_text({"content": content}) == content_str(content)


def test_a_message_that_is_neither_str_nor_dict_is_refused_with_the_fix():
    with pytest.raises(TypeError, match="a message is a str or a dict"):
        message_text(["not", "a", "message"])  # type: ignore[arg-type]


# -- every caller reads the same text -----------------------------------------------------------
def test_the_risk_gate_no_longer_crashes_on_dict_content(tmp_path):
    proxy = RiskGatedProxy("operator", code_execution_config={"work_dir": str(tmp_path), "use_docker": False})
    assert proxy.proposed_action({"content": {"a": 1}}) is None  # was a TypeError
    assert proxy.proposed_action({"content": [{"type": "text", "text": "```bash\nrm -rf /srv\n```"}]}) == (
        "```bash\nrm -rf /srv\n```"
    )
    assert "delete_user(user_id=7)" in proxy.proposed_action(TOOL_CALL)


def test_the_policy_reads_tool_calls_and_multimodal_text():
    policy = RiskPolicy()
    assert policy.assess_message(TOOL_CALL).high
    assert policy.assess_message({"content": [{"type": "text", "text": "```bash\nrm -rf /srv\n```"}]}).high
    assert policy.assess_message({"content": {"command": "anything"}}).level == "low"


def test_smart_proxy_and_workflow_read_the_content_only():
    assert asks_question({"content": TEXT_AND_IMAGE}) and not asks_question(TOOL_CALL)
    assert not has_code(TOOL_CALL), "a tool call is not a code block for the executor"
    assert last_reply([{"role": "assistant", "content": {"a": 1}}]) is None
    assert last_reply([{"role": "assistant", "content": TEXT_AND_IMAGE}]) == "Look at this chart?<image> Then decide."
