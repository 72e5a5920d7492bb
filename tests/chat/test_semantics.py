"""Pin AutoGen 0.2's real human_input_mode semantics, through the scripted model and human.

Each row is a claim a lesson makes. If a release of the classic API changes the behaviour, the
row fails, and so does the lesson that teaches it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import List, Optional

import autogen
import pytest

from hitl_modes import ScriptedHuman, ScriptedLLM, record_chat

ASK_ON_TERMINATION = "Please give feedback to assistant. Press enter or type 'exit' to stop the conversation: "
ASK_AT_LIMIT = (
    "Please give feedback to assistant. Press enter to skip and use auto-reply, "
    "or type 'exit' to stop the conversation: "
)
ASK_ALWAYS = (
    "Replying as user_proxy. Provide feedback to assistant. Press enter to skip and use auto-reply, "
    "or type 'exit' to end the conversation: "
)


@dataclass
class Case:
    id: str
    mode: str
    llm: List[str]
    human: List[str] = field(default_factory=list)
    mcar: Optional[int] = None
    max_turns: Optional[int] = None
    # expectations
    contents: List[str] = field(default_factory=list)  # every message after the task
    prompts: List[str] = field(default_factory=list)
    stop: str = ""
    stopped_by: str = ""


def chat(mode, llm_replies, human_replies, *, mcar=None, max_turns=None, assistant_kwargs=None):
    kwargs = {
        "human_input_mode": mode,
        "code_execution_config": False,
        "is_termination_msg": lambda m: "TERMINATE" in (m.get("content") or ""),
    }
    if mcar is not None:
        kwargs["max_consecutive_auto_reply"] = mcar
    user_proxy = autogen.UserProxyAgent("user_proxy", **kwargs)
    llm = ScriptedLLM(llm_replies)
    assistant = llm.register(autogen.AssistantAgent("assistant", llm_config=llm.llm_config, **(assistant_kwargs or {})))
    with ScriptedHuman(human_replies, echo=False) as human:
        run = record_chat(user_proxy, assistant, "task", max_turns=max_turns, quiet=True, silent=True)
    return run, llm, human


CASES = [
    # NEVER
    Case(
        "never-stops-on-termination",
        "NEVER",
        ["a", "done TERMINATE"],
        contents=["a", "", "done TERMINATE"],
        stop="termination_msg",
        stopped_by="user_proxy",
    ),
    Case(
        "never-without-termination-stops-at-limit",
        "NEVER",
        ["a", "b", "c"],
        mcar=2,
        contents=["a", "", "b", "", "c"],
        stop="max_consecutive_auto_reply",
        stopped_by="user_proxy",
    ),
    Case(
        "never-limit-zero-sends-nothing",
        "NEVER",
        ["a"],
        mcar=0,
        contents=["a"],
        stop="max_consecutive_auto_reply",
        stopped_by="user_proxy",
    ),
    # TERMINATE
    Case(
        "terminate-asks-on-termination-enter-ends",
        "TERMINATE",
        ["done TERMINATE"],
        [""],
        contents=["done TERMINATE"],
        prompts=[ASK_ON_TERMINATION],
        stop="termination_msg",
        stopped_by="user_proxy",
    ),
    Case(
        "terminate-feedback-continues",
        "TERMINATE",
        ["v1 TERMINATE", "v2 TERMINATE"],
        ["shorter", ""],
        contents=["v1 TERMINATE", "shorter", "v2 TERMINATE"],
        prompts=[ASK_ON_TERMINATION] * 2,
        stop="termination_msg",
        stopped_by="user_proxy",
    ),
    Case(
        "terminate-exit-on-termination",
        "TERMINATE",
        ["done TERMINATE"],
        ["exit"],
        contents=["done TERMINATE"],
        prompts=[ASK_ON_TERMINATION],
        stop="human_exit",
        stopped_by="user_proxy",
    ),
    Case(
        "terminate-also-asks-at-auto-reply-limit",
        "TERMINATE",
        ["a", "b", "c"],
        ["exit"],
        mcar=2,
        contents=["a", "", "b", "", "c"],
        prompts=[ASK_AT_LIMIT],
        stop="human_exit",
        stopped_by="user_proxy",
    ),
    Case(
        "terminate-enter-at-limit-keeps-auto-replying",
        "TERMINATE",
        ["a", "b", "c"],
        ["", "exit"],
        mcar=1,
        contents=["a", "", "b", "", "c"],
        prompts=[ASK_AT_LIMIT, ASK_AT_LIMIT],
        stop="human_exit",
        stopped_by="user_proxy",
    ),
    # Feedback resets the counter: after "fix" one more auto-reply happens before the next ask.
    Case(
        "terminate-feedback-resets-counter",
        "TERMINATE",
        ["a", "b TERMINATE", "c", "d"],
        ["fix", "exit"],
        mcar=1,
        contents=["a", "", "b TERMINATE", "fix", "c", "", "d"],
        prompts=[ASK_ON_TERMINATION, ASK_AT_LIMIT],
        stop="human_exit",
        stopped_by="user_proxy",
    ),
    # ALWAYS
    Case(
        "always-enter-uses-auto-reply",
        "ALWAYS",
        ["a", "b"],
        ["", "exit"],
        contents=["a", "", "b"],
        prompts=[ASK_ALWAYS] * 2,
        stop="human_exit",
        stopped_by="user_proxy",
    ),
    Case(
        "always-text-overrides",
        "ALWAYS",
        ["a", "b"],
        ["do X instead", "exit"],
        contents=["a", "do X instead", "b"],
        prompts=[ASK_ALWAYS] * 2,
        stop="human_exit",
        stopped_by="user_proxy",
    ),
    Case(
        "always-enter-on-termination-ends",
        "ALWAYS",
        ["done TERMINATE"],
        [""],
        contents=["done TERMINATE"],
        prompts=[ASK_ALWAYS],
        stop="termination_msg",
        stopped_by="user_proxy",
    ),
    Case(
        "always-ignores-auto-reply-limit",
        "ALWAYS",
        ["a", "b", "c"],
        ["", "", "exit"],
        mcar=1,
        contents=["a", "", "b", "", "c"],
        prompts=[ASK_ALWAYS] * 3,
        stop="human_exit",
        stopped_by="user_proxy",
    ),
    # max_turns: 2N messages, and the last turn never asks the human.
    Case(
        "max-turns-2n-messages",
        "NEVER",
        ["a", "b", "c"],
        max_turns=3,
        contents=["a", "", "b", "", "c"],
        stop="max_turns",
    ),
    Case(
        "max-turns-last-turn-never-asks",
        "ALWAYS",
        ["a", "b"],
        ["go on"],
        max_turns=2,
        contents=["a", "go on", "b"],
        prompts=[ASK_ALWAYS],
        stop="max_turns",
    ),
    # Which limit binds when both are set.
    Case(
        "auto-reply-limit-binds-before-max-turns",
        "NEVER",
        ["a", "b", "c"],
        mcar=2,
        max_turns=5,
        contents=["a", "", "b", "", "c"],
        stop="max_consecutive_auto_reply",
        stopped_by="user_proxy",
    ),
    Case(
        "max-turns-binds-before-auto-reply-limit",
        "NEVER",
        ["a", "b"],
        mcar=5,
        max_turns=2,
        contents=["a", "", "b"],
        stop="max_turns",
    ),
    Case(
        "termination-binds-before-both",
        "NEVER",
        ["a TERMINATE"],
        mcar=5,
        max_turns=5,
        contents=["a TERMINATE"],
        stop="termination_msg",
        stopped_by="user_proxy",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_mode_semantics(case: Case):
    run, llm, human = chat(case.mode, case.llm, case.human, mcar=case.mcar, max_turns=case.max_turns)
    history = run.result.chat_history
    assert history[0]["content"] == "task"
    assert [m["content"] for m in history[1:]] == case.contents
    assert human.prompts == case.prompts
    assert run.result.human_input == case.human  # AutoGen's own record of what the human typed
    assert run.trace.stop_reason == case.stop
    if case.stopped_by:
        assert run.trace.stop.agent == case.stopped_by
    assert llm.remaining == []  # every scripted model reply was used: no more, no fewer calls


def test_max_turns_gives_exactly_2n_messages():
    for n in (1, 2, 4):
        run, _, _ = chat("NEVER", [f"r{i}" for i in range(n)], [], max_turns=n, mcar=10)
        assert len(run.result.chat_history) == 2 * n
        assert run.trace.stop_reason == "max_turns"


def test_assistant_default_limit_of_100_ends_the_chat_first():
    # Both agents default to max_consecutive_auto_reply=100; the assistant counts its first reply
    # one step earlier, so with no termination it is the assistant that stops the chat.
    run, llm, _ = chat("NEVER", [f"step {i}" for i in range(100)], [], mcar=None)
    assert llm.call_count == 100
    assert run.trace.stop_reason == "max_consecutive_auto_reply"
    assert run.trace.stop.agent == "assistant"
    assert len(run.result.chat_history) == 201


def test_assistant_limit_binds_even_when_user_proxy_allows_more():
    run, llm, _ = chat("NEVER", ["a", "b", "c"], [], mcar=50, assistant_kwargs={"max_consecutive_auto_reply": 2})
    assert llm.call_count == 2
    assert run.trace.stop.agent == "assistant"
    assert run.trace.stop_reason == "max_consecutive_auto_reply"


def test_assistant_default_is_termination_needs_exact_terminate():
    # The user_proxy's check here is a substring; the assistant's own default is content == "TERMINATE".
    assistant = autogen.AssistantAgent("assistant", llm_config=False)
    assert assistant._is_termination_msg({"content": "TERMINATE"})
    assert not assistant._is_termination_msg({"content": "done. TERMINATE"})


def test_terminate_prompts_differ_between_termination_and_limit():
    run, _, human = chat("TERMINATE", ["a", "b TERMINATE"], ["exit"], mcar=1)
    # At the limit AND on a termination message, AutoGen shows the termination wording.
    assert human.prompts == [ASK_ON_TERMINATION]
    assert [e.detail for e in run.trace.of_kind("human_prompt")] == ["max_consecutive_auto_reply"]
