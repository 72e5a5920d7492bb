"""Lesson 16 exercises: load a saved chat into a new agent pair, and a nested reviewer whose Stop
does not send the writer its own draft back. The lesson also reads :func:`resume_skips_own`
from here (which AutoGen distribution runs it), so its plain AutoGen code imports nothing else."""

from __future__ import annotations

import copy
from typing import Any, Callable, Dict, List

import autogen

from ...chat.compat import resume_skips_own_messages
from ...chat.human import ScriptedHuman
from ...chat.llm import ScriptedLLM
from ..instrument import unwatched
from . import RAISED, Checker, CheckResult

__all__ = ["check_load_chat", "check_reviewer_summary", "STOPPED", "resume_skips_own"]

#: True where ``GroupChatManager.resume`` leaves out an agent's own saved messages (pyautogen 0.2.35).
resume_skips_own = resume_skips_own_messages

#: What the writer should receive when the reviewer types ``exit`` (Exercise 2).
STOPPED = "The reviewer stopped this review: no changes requested."

_SAVED = {
    "user_proxy": [
        {"content": "Plan the release.", "role": "assistant", "name": "user_proxy"},
        {"content": "Step 1: freeze. Step 2: tag.", "role": "user", "name": "assistant"},
        {"content": "Add a rollback step.", "role": "assistant", "name": "user_proxy"},
        {"content": "Step 3: rollback plan. TERMINATE", "role": "user", "name": "assistant"},
    ],
}
_SAVED["assistant"] = [{**m, "role": "user" if m["role"] == "assistant" else "assistant"} for m in _SAVED["user_proxy"]]


def _term(m: Dict[str, Any]) -> bool:
    return "TERMINATE" in (m.get("content") or "")


def check_load_chat(load_chat: Callable[[Any, Any, Dict[str, List[Dict[str, Any]]]], Any]) -> CheckResult:
    """Exercise 1: ``load_chat(user_proxy, assistant, saved)`` loads ``saved["user_proxy"]`` (the
    proxy's view) and ``saved["assistant"]`` (the assistant's view) into two *new* agents, so that
    ``user_proxy.initiate_chat(assistant, message=..., clear_history=False)`` continues the chat:
    the model sees every saved message, the saved data is not changed by the chat that follows,
    and the agents can still talk to a third agent."""
    c = Checker("Exercise 1: load a saved chat into a new pair")
    saved = copy.deepcopy(_SAVED)
    llm = ScriptedLLM(["Step 4: announce. TERMINATE"])
    assistant = llm.register(autogen.AssistantAgent("assistant", llm_config=llm.llm_config))
    user_proxy = autogen.UserProxyAgent(
        "user_proxy", human_input_mode="NEVER", code_execution_config=False, is_termination_msg=_term
    )
    if c.call(load_chat, user_proxy, assistant, saved, explanation="load_chat") is RAISED:
        return c.result
    try:
        with unwatched():  # the check's own chat: the lesson neither records nor draws it
            user_proxy.initiate_chat(assistant, message="And the announcement?", clear_history=False, silent=True)
    except Exception as e:
        c.expect(False, f"continuing the chat raised {type(e).__name__}: {e}")
        return c.result
    seen = [m.get("content") for m in llm.calls[0].messages[1:]] if llm.calls else []
    expected = [m["content"] for m in _SAVED["assistant"]] + ["And the announcement?"]
    c.expect(
        seen == expected,
        f"the model should see the {len(_SAVED['assistant'])} saved messages and then the new one; it saw "
        f"{seen!r}. Load the assistant's own view (roles from its side): it is what the model is sent",
    )
    c.expect(
        [m.get("content") for m in user_proxy.chat_messages[assistant]][: len(_SAVED["user_proxy"])]
        == [m["content"] for m in _SAVED["user_proxy"]],
        "the proxy's history should start with its saved view (its termination check and the ChatResult read it)",
    )
    c.expect(
        saved == _SAVED,
        "the chat changed the saved data: load copies (list(...) or copy.deepcopy), or the next save "
        "and the checkpoint share one list",
    )
    other = autogen.UserProxyAgent("other", human_input_mode="NEVER", code_execution_config=False)
    try:
        other.send("Hello?", assistant, request_reply=False, silent=True)
        c.expect(True, "")
    except KeyError:
        c.expect(
            False,
            "the assistant cannot talk to a new partner (KeyError): its chat_messages must stay a "
            "defaultdict(list); add to it (agent.chat_messages[partner] = ...) instead of replacing it",
        )
    return c.result


def _nested(summary_method: Any, replies: List[str]) -> Dict[str, Any]:
    llm = ScriptedLLM(["Draft: we shipped X.", "Final: we shipped X, faster. TERMINATE"])
    writer = llm.register(autogen.AssistantAgent("writer", llm_config=llm.llm_config))
    reviewer = autogen.UserProxyAgent("reviewer", human_input_mode="ALWAYS", code_execution_config=False)
    user_proxy = autogen.UserProxyAgent(
        "user_proxy", human_input_mode="NEVER", code_execution_config=False, is_termination_msg=_term
    )
    user_proxy.register_nested_chats(
        [{"recipient": reviewer, "max_turns": 1, "summary_method": summary_method, "silent": True}], trigger=writer
    )
    with unwatched(), ScriptedHuman(replies, echo=False):
        user_proxy.initiate_chat(writer, message="One line of release notes.", silent=True)
    return {"writer_got": llm.calls[1].messages[-1]["content"] if len(llm.calls) > 1 else None}


def check_reviewer_summary(summary: Callable[[Any, Any, Dict[str, Any]], str]) -> CheckResult:
    """Exercise 2: ``summary(sender, recipient, summary_args)`` is the nested chat's
    ``summary_method``: it returns what the writer receives. The reviewer's text goes through as
    typed, Enter gives ``""``, and ``exit`` gives :data:`STOPPED`, never the writer's own draft."""
    c = Checker("Exercise 2: a nested reviewer's summary")
    for replies, expected, what in (
        (["Say it was faster."], "Say it was faster.", "the reviewer's text"),
        ([""], "", "Enter (the reviewer's auto-reply is empty)"),
        (["exit"], STOPPED, "exit (the nested chat has no message from the reviewer)"),
    ):
        try:
            got = _nested(summary, replies)["writer_got"]
        except Exception as e:
            c.expect(False, f"{what}: the chat raised {type(e).__name__}: {e}")
            continue
        hint = " (that is the writer's own draft: AutoGen's last_msg when the reviewer said nothing)"
        c.expect(
            got == expected,
            f"{what}: the writer should receive {expected!r}, got {got!r}"
            + (hint if got == "Draft: we shipped X." else ""),
        )
    return c.result
