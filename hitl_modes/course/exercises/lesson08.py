"""Lesson 08 exercises: AutoGen's own approval of tool calls, and a redacting hook. Run inside a lesson,
the checks' chats are their own, not the lesson's: the course neither records nor draws them."""

from __future__ import annotations

import copy
from typing import Any, Callable, Dict, List, Optional, Tuple

from ...chat.human import ScriptedHuman
from ...chat.llm import ScriptedLLM, tool_call
from ...errors import ScriptExhaustedError
from ..instrument import unwatched
from ..limits import ends_with_terminate
from . import RAISED, Checker, CheckResult

__all__ = ["TOOL_CALL_SCENARIO", "check_tool_call_replies", "check_redaction_hook"]

#: What the model says in exercise 1: two email calls, then the final answer. Spare final answers
#: keep a wrong answer reportable instead of crashing.
TOOL_CALL_SCENARIO: Tuple[Any, ...] = (
    ("send_email", {"to": "all-customers@example.com", "subject": "Prices rise 20%"}),
    ("send_email", {"to": "team@example.com", "subject": "Draft: prices rise 20%"}),
    "Done. TERMINATE",
    "Done, again. TERMINATE",
    "Done, once more. TERMINATE",
)


def _tool_chat(replies: List[str]) -> Dict[str, Any]:
    """Run the exercise-1 chat on AutoGen's agents: an ALWAYS proxy executes ``send_email``."""
    import autogen

    sent: List[Tuple[str, str]] = []

    def send_email(to: str, subject: str) -> str:
        sent.append((to, subject))
        return f"sent to {to}"

    script = [tool_call(r[0], **r[1]) if isinstance(r, tuple) else r for r in TOOL_CALL_SCENARIO]
    llm = ScriptedLLM(script)
    assistant = autogen.AssistantAgent("assistant", llm_config=llm.llm_config)
    proxy = autogen.UserProxyAgent(
        "user_proxy", human_input_mode="ALWAYS", is_termination_msg=ends_with_terminate, code_execution_config=False
    )
    autogen.register_function(send_email, caller=assistant, executor=proxy, description="Send an email.")
    llm.register(assistant)
    human = ScriptedHuman(replies, strict=False, echo=False)
    error: Optional[ScriptExhaustedError] = None
    result = None
    with unwatched(), human:
        try:
            result = proxy.initiate_chat(assistant, message="Tell the customers about the price change.", silent=True)
        except ScriptExhaustedError as e:
            error = e
    history = proxy.chat_messages.get(assistant, [])
    return {"sent": sent, "llm": llm, "human": human, "error": error, "result": result, "history": history}


def check_tool_call_replies(replies: Any) -> CheckResult:
    """Exercise 1: interrupt the first ``send_email`` call with your own text, let the second run,
    and end the chat at the final answer without typing 'exit'."""
    c = Checker("Exercise 1: AutoGen's own tool-call approval")
    ok = isinstance(replies, (list, tuple)) and all(isinstance(r, str) for r in replies)
    if not c.expect(ok, f"the replies must be a list of strings, like ['Only the team.', '', '']; got {replies!r}"):
        return c.result
    out = _tool_chat(list(replies))
    used = list(out["human"].replies)
    if out["error"] is not None and out["error"].kind == "human":
        c.expect(False, f"the proxy asked again after your {len(replies)} replies ran out: ALWAYS asks every turn")
    first = used[0] if used else None
    c.expect(
        first not in (None, "", "exit"),
        f"your first reply should be your instruction (any text but '' or 'exit'); it was {first!r}"
        + ("; Enter runs the tool" if first == "" else ""),
    )
    interrupted = [
        m
        for m in out["history"]
        if m.get("tool_responses") and any(r.get("content") == "USER INTERRUPTED" for r in m["tool_responses"])
    ]
    c.expect(len(interrupted) == 1, f"exactly one call should be interrupted; {len(interrupted)} were")
    if first not in (None, "", "exit"):
        c.expect(out["llm"].received(first), f"the model never received your instruction {first!r}")
    c.expect(
        out["sent"] == [("team@example.com", "Draft: prices rise 20%")],
        f"only the second email should be sent (Enter on the second call runs it); sent: {out['sent']}",
    )
    stopped = out["result"] is not None and bool(out["history"]) and ends_with_terminate(out["history"][-1])
    typed_exit_at_the_end = used[-1:] == ["exit"] and bool(out["sent"])
    c.expect(
        stopped and used[-1:] == [""],
        "the chat should end because you pressed Enter on the final (TERMINATE) answer"
        + ("; you typed 'exit' there, which works, but Enter already ends it" if typed_exit_at_the_end else ""),
    )
    left = out["human"].remaining
    c.expect(not left, f"replies never used, because the chat had already ended: {left!r}")
    return c.result


_SAMPLES: Tuple[Tuple[Any, str], ...] = (
    ("Write to ada@example.com and bob.smith@mail.example.org today.", "a text message with two addresses"),
    ({"content": "Ask carol@example.com.", "role": "assistant", "name": "assistant"}, "a message dict with text"),
    ("Nothing to hide here.", "a message without an address"),
    (tool_call("send_email", to="dave@example.com", subject="hi"), "a tool call (its content is None)"),
)


def check_redaction_hook(hook: Callable[..., Any]) -> CheckResult:
    """Exercise 2: ``hook(sender, message, recipient, silent)`` replaces every email address in a
    message's text with ``[email]`` and returns everything else unchanged, never None."""
    import autogen

    c = Checker("Exercise 2: a redacting hook")
    if not callable(hook):
        c.expect(False, f"pass your hook function, got {hook!r}")
        return c.result
    agent = autogen.ConversableAgent("assistant", llm_config=False, human_input_mode="NEVER")
    for message, what in _SAMPLES:
        original = copy.deepcopy(message)
        got = c.call(hook, sender=agent, message=message, recipient=agent, silent=True, explanation=what)
        if got is RAISED:
            continue
        if not c.expect(got is not None, f"{what}: the hook returned None, which makes AutoGen raise TypeError"):
            continue
        text = got if isinstance(got, str) else got.get("content") if isinstance(got, dict) else None
        if isinstance(original, dict) and original.get("tool_calls"):
            c.expect(got == original, f"{what}: pass it on unchanged; got {got!r}")
            continue
        expected_text = original if isinstance(original, str) else original["content"]
        c.expect(
            isinstance(text, str) and "@" not in text and ("[email]" in text) == ("@" in expected_text),
            f"{what}: expected every address replaced by [email]; got {text!r}",
        )
        if isinstance(original, dict):
            c.expect(
                isinstance(got, dict)
                and {k: v for k, v in got.items() if k != "content"}
                == {k: v for k, v in original.items() if k != "content"},
                f"{what}: keep the other keys (role, name) as they were; got {got!r}",
            )
    # And in a real chat: the proxy receives the redacted text.
    llm = ScriptedLLM(["Contact ada@example.com. TERMINATE"])
    assistant = llm.register(autogen.AssistantAgent("assistant", llm_config=llm.llm_config))
    assistant.register_hook("process_message_before_send", hook)
    proxy = autogen.UserProxyAgent(
        "user_proxy", human_input_mode="NEVER", is_termination_msg=ends_with_terminate, code_execution_config=False
    )
    try:
        with unwatched():
            proxy.initiate_chat(assistant, message="Who do I contact?", silent=True)
        received = proxy.chat_messages[assistant][-1].get("content")
        c.expect(received == "Contact [email]. TERMINATE", f"in a chat the proxy received {received!r}")
    except Exception as e:  # the learner's hook: report, don't crash the notebook
        c.expect(False, f"in a chat, your hook made AutoGen raise {type(e).__name__}: {e}")
    return c.result
