"""Lesson 11's plain fix for the asked-twice pitfall, on AutoGen's real agents: a proxy used only in
async chats replaces the sync human check with one that steps aside (``replace_reply_func``), and then
asks once per turn, through its own ``a_get_human_input``, exactly as a sync chat asks."""

from __future__ import annotations

import asyncio

import autogen
import pytest

from hitl_modes import ScriptedHuman, ScriptedLLM


def assistant(replies):
    llm = ScriptedLLM(replies)
    return llm.register(autogen.AssistantAgent("assistant", llm_config=llm.llm_config)), llm


def is_term(message):
    return "TERMINATE" in (message.get("content") or "")


def checked_by_the_async_twin(recipient, messages=None, sender=None, config=None):
    return False, None


class ListProxy(autogen.UserProxyAgent):
    """Its async human answers from a list (as a queue would); the console is AutoGen's IOStream."""

    def __init__(self, name, replies, **kwargs):
        super().__init__(name, **kwargs)
        self.replies, self.asked = list(replies), []

    async def a_get_human_input(self, prompt, **kwargs):  # ag2 also passes iostream=...
        self.asked.append(prompt)
        reply = self.replies.pop(0)
        self._human_input.append(reply)
        return reply


def _chat(mode, replies, llm_replies, limit, *, fixed, asynchronous):
    agent, llm = assistant(llm_replies)
    kwargs = dict(human_input_mode=mode, code_execution_config=False, max_consecutive_auto_reply=limit)
    if not asynchronous:
        proxy = autogen.UserProxyAgent("user", is_termination_msg=is_term, **kwargs)
        with ScriptedHuman(replies, echo=False) as human:
            result = proxy.initiate_chat(agent, message="go", silent=True)
        return human.prompts, [], llm.call_count, result
    proxy = ListProxy("user", replies, is_termination_msg=is_term, **kwargs)
    if fixed:
        proxy.replace_reply_func(autogen.ConversableAgent.check_termination_and_human_reply, checked_by_the_async_twin)
    with ScriptedHuman([], echo=False, strict=False) as console:
        result = asyncio.run(proxy.a_initiate_chat(agent, message="go", silent=True))
    return proxy.asked, console.prompts, llm.call_count, result


@pytest.mark.parametrize(
    "mode,replies,llm_replies,limit",
    [
        ("ALWAYS", ["", "more detail", "exit"], ["one", "two", "three"], 100),
        ("ALWAYS", ["", ""], ["one", "done TERMINATE"], 100),
        ("TERMINATE", ["", "exit"], ["a", "b", "c", "d", "e"], 2),
        ("TERMINATE", ["fix it", ""], ["draft TERMINATE", "fixed TERMINATE"], 100),
        ("NEVER", [], [f"r{i}" for i in range(8)], 4),
    ],
)
def test_the_replaced_sync_check_makes_an_async_chat_ask_as_a_sync_chat_does(mode, replies, llm_replies, limit):
    sync_prompts, _, sync_calls, sync_result = _chat(mode, replies, llm_replies, limit, fixed=False, asynchronous=False)
    asked, console, calls, result = _chat(mode, replies, llm_replies, limit, fixed=True, asynchronous=True)
    assert console == []
    assert asked == sync_prompts
    assert calls == sync_calls
    assert result.human_input == sync_result.human_input
    assert [m["content"] for m in result.chat_history] == [m["content"] for m in sync_result.chat_history]
