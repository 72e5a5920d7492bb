"""Lesson 03 exercises: driving an ALWAYS-mode chat, and a proxy for a server that cannot hang."""

from __future__ import annotations

from typing import Any, Callable

from ...chat.human import ScriptedHuman, mode_can_ask_human
from ...chat.llm import ScriptedLLM
from ..instrument import unwatched
from . import RAISED, Checker, CheckResult
from .chats import Scenario, play_answer

__all__ = ["ALWAYS_SCENARIO", "check_always_replies", "check_server_proxy"]

#: Two drafts and a final answer; spare replies keep a wrong answer reportable instead of crashing.
ALWAYS_SCENARIO = Scenario(
    "ALWAYS",
    (
        "Draft 1: an outline of the release notes.",
        "Draft 2: the release notes, in prose.",
        "Final: the release notes, with your change. TERMINATE",
        "Final, again. TERMINATE",
        "Final, once more. TERMINATE",
    ),
    task="Write the release notes for version 2.0.",
)


def check_always_replies(replies: Any) -> CheckResult:
    """Exercise 1: in ALWAYS_SCENARIO, ``replies`` let draft 1 pass with the auto-reply, correct
    draft 2 with your own words, and end the chat at the final answer without typing 'exit'."""
    c = Checker("Exercise 1: a human on every turn")
    outcome = play_answer(
        c,
        ALWAYS_SCENARIO,
        replies,
        example="['', 'Mention the new API.', '']",
        when_out="ALWAYS asks at every message, the final answer too",
    )
    if outcome is None:
        return c.result
    used = outcome.human.replies
    first, second = (list(used) + [None, None])[:2]
    c.expect(first == "", f"your first reply should be '' (Enter) so the proxy sends its auto-reply; it was {first!r}")
    auto = [m for m in outcome.trace.messages if m.agent == "user_proxy" and m.source == "auto_reply"]
    c.expect(len(auto) == 1, f"the proxy should auto-reply exactly once (to draft 1); it did {len(auto)} times")
    c.expect(
        second not in (None, "", "exit"),
        f"your second reply should be your correction, any text but '' or 'exit'; it was {second!r}",
    )
    if second not in (None, "", "exit"):
        c.expect(outcome.model_saw(second), f"the model never received your correction {second!r}")
    last = used[-1] if used else None
    c.expect(
        outcome.stop_reason == "termination_msg",
        "the chat should end because you pressed Enter on the final (TERMINATE) answer"
        + (
            "; you typed 'exit' there, which works, but Enter already ends it"
            if last == "exit" and len(used) == 3
            else f"; it {outcome.ending}"
        ),
    )
    c.expect(len(used) == 3, f"the human should be asked 3 times (draft 1, draft 2, final); it was asked {len(used)}")
    outcome.expect_all_replies_used(c)
    return c.result


def check_server_proxy(make_server_proxy: Callable[[], Any]) -> CheckResult:
    """Exercise 2: ``make_server_proxy()`` returns a ``UserProxyAgent`` named ``user_proxy`` for a
    server, where nobody is at stdin: it never waits for a person, and does not execute code.
    Checked on the agent, then in a chat where a person asked at all is a failure."""
    import autogen

    c = Checker("Exercise 2: a proxy for a server")
    proxy = c.call(make_server_proxy, explanation="make_server_proxy()")
    if proxy is RAISED:
        return c.result
    if not c.expect(
        isinstance(proxy, autogen.UserProxyAgent), f"return an autogen.UserProxyAgent, got {type(proxy).__name__}"
    ):
        return c.result
    c.expect(proxy.name == "user_proxy", f"name it 'user_proxy', not {proxy.name!r}")
    mode = proxy.human_input_mode
    c.expect(
        not mode_can_ask_human(mode),
        f"its human_input_mode is {mode!r}, which asks a person"
        + (" (UserProxyAgent's default, when you do not pass one)" if mode == "ALWAYS" else "")
        + ": with nobody at stdin the chat hangs or crashes; pass human_input_mode='NEVER'",
    )
    c.expect(
        proxy._code_execution_config is False,
        "it executes code (code_execution_config is not False): pass code_execution_config=False",
    )
    if not mode_can_ask_human(mode):
        c.expect(not _asks_in_a_chat(proxy), "in a chat your proxy asked a person")
    return c.result


def _asks_in_a_chat(proxy: Any) -> bool:
    """Run a short chat with ``proxy``: True when it asked a person (a human with no replies)."""
    import autogen

    llm = ScriptedLLM(["Working on it.", "TERMINATE", "TERMINATE"])
    assistant = llm.register(autogen.AssistantAgent("assistant", llm_config=llm.llm_config))
    with unwatched(), ScriptedHuman([], strict=False, echo=False) as human:
        proxy.initiate_chat(assistant, message="Summarise the ticket.", max_turns=2, silent=True)
    return bool(human.prompts)
