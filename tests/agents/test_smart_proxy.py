"""SmartUserProxy on AutoGen's real reply path (scripted model and human, recorded chats).

Each behaviour SmartUserProxy keeps is checked against the common recipe too (a UserProxyAgent
subclass that overrides generate_reply), which must lose it: that contrast is what lesson 06 teaches.
"""

from __future__ import annotations

import ast
import asyncio
import inspect
from typing import Any, List, Optional, Sequence

import autogen
import pytest

from hitl_modes import (
    AutoReplyRule,
    ScriptedHuman,
    ScriptedLLM,
    SmartUserProxy,
    a_record_chat,
    record_chat,
    tool_call,
)
from hitl_modes.agents.smart_proxy import (
    COMPLETION_NUDGE,
    DEFAULT_AUTO_REPLY_RULES,
    QUESTION_REPLY,
    asks_question,
    has_code,
)
from hitl_modes.chat.messages import message_text
from hitl_modes.course.catalog import lessons_dir
from hitl_modes.course.limits import ends_with_terminate
from hitl_modes.errors import AutoReplyRuleError

CODE = "Writing the file:\n```python\nopen('proof.txt', 'w').write('ran')\nprint('proof written')\n```"


def _lesson_recipe() -> type:
    """The common recipe exactly as lesson 06 shows it (its ``CannedReplyProxy`` class), so what
    these tests pin is what the lesson teaches."""
    path = lessons_dir() / "06_smart_user_proxy.py"
    tree = ast.parse(path.read_text(encoding="utf-8"))
    node = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "CannedReplyProxy")
    namespace: dict = {"autogen": autogen}
    exec(compile(ast.Module(body=[node], type_ignores=[]), str(path), "exec"), namespace)
    return namespace["CannedReplyProxy"]


CannedReplyProxy = _lesson_recipe()


def make(cls: type = SmartUserProxy, **kwargs: Any) -> Any:
    settings = dict(human_input_mode="NEVER", is_termination_msg=ends_with_terminate, code_execution_config=False)
    settings.update(kwargs)
    return cls("user_proxy", **settings)


def chat(
    proxy: Any,
    llm_replies: Sequence[Any],
    human: Sequence[str] = (),
    *,
    strict_human: bool = True,
    max_turns: Optional[int] = None,
    assistant: Any = None,
):
    llm = ScriptedLLM(list(llm_replies))
    if assistant is None:
        assistant = autogen.AssistantAgent("assistant", llm_config=llm.llm_config)
    llm.register(assistant)
    with ScriptedHuman(list(human), echo=False, strict=strict_human) as h:
        run = record_chat(proxy, assistant, "task", max_turns=max_turns, quiet=True, silent=True)
    return run, llm, h


def proxy_says(run) -> List[str]:
    return [m.content for m in run.trace.messages if m.agent == "user_proxy" and m.source != "task"]


# -- the constructor ----------------------------------------------------------------------------
def test_same_constructor_signature_as_user_proxy_agent():
    assert inspect.signature(SmartUserProxy) == inspect.signature(autogen.UserProxyAgent)
    assert issubclass(SmartUserProxy, autogen.UserProxyAgent)


def test_positional_and_keyword_arguments_pass_through_unchanged():
    # UserProxyAgent's order: name, is_termination_msg, max_consecutive_auto_reply, human_input_mode
    proxy = SmartUserProxy(
        "u",
        ends_with_terminate,
        3,
        "NEVER",
        code_execution_config=False,
        default_auto_reply="fallback",
        system_message="sys",
    )
    assert proxy.name == "u"
    assert proxy.max_consecutive_auto_reply() == 3
    assert proxy.human_input_mode == "NEVER"
    assert proxy._is_termination_msg is ends_with_terminate
    assert proxy._default_auto_reply == "fallback"
    assert proxy.system_message == "sys"
    assert proxy.description == autogen.UserProxyAgent.DEFAULT_USER_PROXY_AGENT_DESCRIPTIONS["NEVER"]
    # UserProxyAgent's own defaults, untouched
    default = SmartUserProxy("d", code_execution_config=False)
    assert default.human_input_mode == "ALWAYS"
    assert default.llm_config is False


def test_rule_reply_is_the_last_link_of_the_chain(tmp_path):
    proxy = make(code_execution_config={"work_dir": str(tmp_path), "use_docker": False})

    def noop() -> str:
        return ""

    other = autogen.AssistantAgent("other", llm_config=ScriptedLLM([]).llm_config)
    autogen.register_function(noop, caller=other, executor=proxy, description="noop")  # registers at position 0
    names = [f["reply_func"].__name__ for f in proxy._reply_func_list]
    assert names[-1] == "generate_rule_reply"
    for earlier in (
        "check_termination_and_human_reply",
        "generate_tool_calls_reply",
        "generate_code_execution_reply",
        "generate_oai_reply",
    ):
        assert names.index(earlier) < names.index("generate_rule_reply")


# -- the kept behaviours, and the recipe that loses them ----------------------------------------
def test_keeps_termination_and_the_recipe_does_not():
    script = ["Half done.", "All done. TERMINATE", "Still here.", "Still here."]
    run, llm, _ = chat(make(), script, max_turns=4)
    assert run.stop_reason == "termination_msg"
    assert proxy_says(run) == [COMPLETION_NUDGE]
    assert llm.call_count == 2

    run, llm, _ = chat(make(CannedReplyProxy), script, max_turns=4)
    assert run.stop_reason == "max_turns"
    assert llm.call_count == 4  # it answered the TERMINATE and kept going
    assert proxy_says(run) == ["Please continue."] * 3


def test_keeps_the_auto_reply_limit_and_the_recipe_does_not():
    script = [f"Step {i}." for i in range(1, 7)]
    run, llm, _ = chat(make(max_consecutive_auto_reply=2), script, max_turns=6)
    assert run.stop_reason == "max_consecutive_auto_reply"
    assert run.trace.stop.agent == "user_proxy"
    assert proxy_says(run) == [COMPLETION_NUDGE] * 2
    assert llm.call_count == 3

    run, llm, _ = chat(make(CannedReplyProxy, max_consecutive_auto_reply=2), script, max_turns=6)
    assert run.stop_reason == "max_turns"
    assert len(proxy_says(run)) == 5


def test_keeps_code_execution_and_the_recipe_does_not(tmp_path):
    smart_dir, naive_dir = tmp_path / "smart", tmp_path / "naive"
    run, llm, _ = chat(
        make(code_execution_config={"work_dir": str(smart_dir), "use_docker": False}), [CODE, "Done. TERMINATE"]
    )
    assert (smart_dir / "proof.txt").read_text() == "ran"
    assert [m.source for m in run.trace.messages][2] == "code_result"
    assert "proof written" in llm.calls[1].last_content
    assert run.stop_reason == "termination_msg"

    run, llm, _ = chat(
        make(CannedReplyProxy, code_execution_config={"work_dir": str(naive_dir), "use_docker": False}),
        [CODE, "Done. TERMINATE"],
        max_turns=2,
    )
    assert not (naive_dir / "proof.txt").exists()
    assert run.trace.of_kind("code_execution") == []
    assert "exitcode" not in llm.calls[1].last_content


def test_keeps_human_input_in_terminate_mode_and_the_recipe_does_not():
    script = ["Draft. TERMINATE", "Shorter draft. TERMINATE"]
    run, _, human = chat(make(human_input_mode="TERMINATE"), script, ["Shorter.", ""])
    assert [e.detail for e in run.trace.of_kind("human_prompt")] == ["termination_msg"] * 2
    assert proxy_says(run) == ["Shorter."]
    assert run.stop_reason == "termination_msg"
    assert run.result.human_input == ["Shorter.", ""]

    run, _, human = chat(
        make(CannedReplyProxy, human_input_mode="TERMINATE"), script, [""], strict_human=False, max_turns=2
    )
    assert human.prompts == []
    assert run.stop_reason == "max_turns"


def test_terminate_mode_at_the_limit_asks_and_enter_uses_the_rules():
    run, _, human = chat(
        make(human_input_mode="TERMINATE", max_consecutive_auto_reply=1),
        ["Step 1.", "Which step next?", "Step 3."],
        ["", "exit"],
    )
    assert [e.detail for e in run.trace.of_kind("human_prompt")] == ["max_consecutive_auto_reply"] * 2
    assert proxy_says(run) == [COMPLETION_NUDGE, QUESTION_REPLY]
    assert run.stop_reason == "human_exit"


def test_always_mode_asks_every_time_enter_uses_the_rules_text_overrides():
    run, _, human = chat(
        make(human_input_mode="ALWAYS"), ["Which language?", "Plan ready.", "Done. TERMINATE"], ["", "Use Python.", ""]
    )
    assert len(human.prompts) == 3
    assert proxy_says(run) == [QUESTION_REPLY, "Use Python."]
    assert run.stop_reason == "termination_msg"


def test_always_mode_exit_ends_the_chat():
    run, _, _ = chat(make(human_input_mode="ALWAYS"), ["Which language?"], ["exit"])
    assert run.stop_reason == "human_exit"
    assert proxy_says(run) == []


# -- the rules ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "message, expected",
    [
        ("Which file format should I use?", QUESTION_REPLY),
        ("Shall I go on? I can also stop here.", QUESTION_REPLY),
        ("The export has three columns.", COMPLETION_NUDGE),
        ("See https://example.com/search?q=autogen for details.", COMPLETION_NUDGE),
    ],
)
def test_default_rules(message, expected):
    run, _, _ = chat(make(), [message, "TERMINATE"])
    assert proxy_says(run) == [expected]


def test_a_question_outranks_the_nudge_and_code_without_execution_falls_back_to_default_auto_reply():
    proxy = make(default_auto_reply="Please continue.")
    question_only_in_code = "```python\nprint('is it?')\n```"
    run, _, _ = chat(proxy, [CODE + "\nDoes that look right?", question_only_in_code, "TERMINATE"])
    assert proxy_says(run) == [QUESTION_REPLY, "Please continue."]


def test_custom_rules_in_order_with_a_reply_function():
    proxy = make()
    echo = AutoReplyRule("echo", lambda m: "please echo" in message_text(m), lambda m: f"echo: {message_text(m)}")
    proxy.auto_reply_rules = [echo, *DEFAULT_AUTO_REPLY_RULES]
    run, _, _ = chat(proxy, ["please echo?", "Other?", "TERMINATE"])
    assert proxy_says(run) == ["echo: please echo?", QUESTION_REPLY]


def test_no_rules_means_autogens_default_auto_reply():
    proxy = make(default_auto_reply="Go on.")
    proxy.auto_reply_rules = []
    run, _, _ = chat(proxy, ["Which one?", "TERMINATE"])
    assert proxy_says(run) == ["Go on."]


def test_rules_configured_per_class_and_not_shared_between_instances():
    class Polite(SmartUserProxy):
        DEFAULT_AUTO_REPLY_RULES = (AutoReplyRule("always", lambda m: True, "Thank you, continue."),)

    run, _, _ = chat(make(Polite), ["Which one?", "TERMINATE"])
    assert proxy_says(run) == ["Thank you, continue."]
    first, second = make(), make()
    first.auto_reply_rules = []
    assert second.auto_reply_rules == DEFAULT_AUTO_REPLY_RULES


def test_the_proxys_own_llm_answers_before_the_rules():
    proxy_llm = ScriptedLLM(["My own model's answer."])
    proxy = proxy_llm.register(make(llm_config=proxy_llm.llm_config))
    run, _, _ = chat(proxy, ["Which one?", "TERMINATE"])
    assert proxy_says(run) == ["My own model's answer."]


def test_tool_calls_are_executed_before_the_rules():
    proxy = make()
    assistant = autogen.AssistantAgent("assistant", llm_config=ScriptedLLM([]).llm_config)

    def get_time() -> str:
        return "12:00"

    autogen.register_function(get_time, caller=assistant, executor=proxy, description="The current time.")
    run, _, _ = chat(proxy, [tool_call("get_time"), "It is 12:00. TERMINATE"], assistant=assistant)
    assert [m.source for m in run.trace.messages if m.agent == "user_proxy"][1] == "tool_result"
    assert proxy_says(run) == ["12:00"]


def test_rules_work_in_async_chats():
    llm = ScriptedLLM(["Which one?", "TERMINATE"])
    assistant = llm.register(autogen.AssistantAgent("assistant", llm_config=llm.llm_config))
    with ScriptedHuman([], echo=False):
        run = asyncio.run(a_record_chat(make(), assistant, "task", quiet=True, silent=True))
    assert proxy_says(run) == [QUESTION_REPLY]
    assert run.stop_reason == "termination_msg"


# -- bad input ----------------------------------------------------------------------------------
def test_rules_must_be_a_list_of_auto_reply_rules():
    proxy = make()
    with pytest.raises(TypeError, match=r"auto_reply_rules\[1\] must be an AutoReplyRule"):
        proxy.auto_reply_rules = [DEFAULT_AUTO_REPLY_RULES[0], "go ahead"]
    with pytest.raises(TypeError, match="wrap a single rule in a list"):
        proxy.auto_reply_rules = DEFAULT_AUTO_REPLY_RULES[0]
    assert proxy.auto_reply_rules == DEFAULT_AUTO_REPLY_RULES  # unchanged after a refused assignment


def test_a_rule_checks_its_fields():
    with pytest.raises(TypeError, match="'when' must be a function"):
        AutoReplyRule("bad", "yes", "reply")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="'reply' must be a str"):
        AutoReplyRule("bad", lambda m: True, 42)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="non-empty name"):
        AutoReplyRule("", lambda m: True, "x")


def test_a_failing_rule_is_named_in_the_error():
    proxy = make()
    proxy.auto_reply_rules = [AutoReplyRule("fragile", lambda m: m["missing key"], "x")]
    with pytest.raises(AutoReplyRuleError, match="rule 'fragile' raised KeyError: 'missing key'"):
        chat(proxy, ["Hello.", "TERMINATE"])
    proxy.auto_reply_rules = [AutoReplyRule("numeric", lambda m: True, lambda m: 42)]  # type: ignore[arg-type,return-value]
    with pytest.raises(AutoReplyRuleError, match="rule 'numeric' failed to build its reply"):
        chat(proxy, ["Hello.", "TERMINATE"])


# -- the predicates -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "content, question, code",
    [
        ("Which one?", True, False),
        ("Is it (really?) done.", True, False),
        ("Visit https://x.org/?a=1 now.", False, False),
        ("```python\nprint('a?')\n```", False, True),
        ("```sh\nls\n```\nShall I run it?", True, True),
        ("plain text", False, False),
        (None, False, False),
        ([{"type": "text", "text": "Multimodal?"}], True, False),
    ],
)
def test_asks_question_and_has_code(content, question, code):
    message = {"content": content}
    assert asks_question(message) is question
    assert has_code(message) is code


def test_describe_rules_lists_them_in_order_and_the_fallback():
    text = make(default_auto_reply="Go on.").describe_rules()
    assert text.splitlines()[0].startswith("1. question:")
    assert text.splitlines()[1].startswith("2. no_code:")
    assert text.splitlines()[-1] == "otherwise: default_auto_reply 'Go on.'"


@pytest.mark.parametrize("content", [[{"text": "no type"}], [{"type": "audio", "data": "x"}], 42])
def test_unusual_content_shapes_count_as_no_text_instead_of_crashing(content):
    assert message_text({"content": content}) == ""
