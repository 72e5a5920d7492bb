"""Lesson 07 exercises: the hand-off between stages, and where the checkpoints go. Run inside a lesson,
the checks' chats are their own, not the lesson's: the course neither records nor draws them."""

from __future__ import annotations

from typing import Any, Callable, Dict, List, Optional, Sequence

from . import RAISED, Checker, CheckResult

__all__ = ["check_last_reply", "check_stage_chats", "HANDOFF_CASES", "STAGE_REPLIES"]

_TOOL_CALL = {"id": "call_1", "type": "function", "function": {"name": "get_time", "arguments": "{}"}}


def _task(text: str = "Summarise the findings.") -> Dict[str, Any]:
    return {"role": "user", "name": "user_proxy", "content": text}


def _said(text: Optional[str]) -> Dict[str, Any]:
    return {"role": "assistant", "name": "assistant", "content": text}


#: (messages as the assistant saw them, the expected hand-off, what the case shows)
HANDOFF_CASES: List[tuple] = [
    ([_task(), _said("Three findings. TERMINATE")], "Three findings.", "the trailing TERMINATE is removed"),
    (
        [_task(), _said("Three findings."), _task(""), _said("TERMINATE")],
        "Three findings.",
        "a last message that is only TERMINATE is skipped: hand over the answer before it",
    ),
    (
        [_task(), _said("Draft one."), _task("Make it shorter.")],
        "Draft one.",
        "the human's feedback is not the assistant's reply",
    ),
    (
        [
            _task(),
            {"role": "assistant", "content": None, "tool_calls": [_TOOL_CALL]},
            {
                "role": "tool",
                "content": "12:00",
                "tool_responses": [{"tool_call_id": "call_1", "role": "tool", "content": "12:00"}],
            },
            _said("It is 12:00. TERMINATE"),
        ],
        "It is 12:00.",
        "a tool call has content None: no crash, and the tool's result is not the reply",
    ),
    (
        [_task(), _said("Checking the clock."), {"role": "assistant", "content": None, "tool_calls": [_TOOL_CALL]}],
        "Checking the clock.",
        "a trailing tool call is a step, not an answer",
    ),
    (
        [_task(), {"role": "assistant", "content": None, "tool_calls": [_TOOL_CALL]}],
        None,
        "no text reply at all: None (nothing to hand over)",
    ),
    ([_task()], None, "no assistant message at all: None"),
    (
        [_task(), _said("Reply TERMINATE when you are done. TERMINATE")],
        "Reply TERMINATE when you are done.",
        "only the trailing marker goes: TERMINATE inside the text stays",
    ),
    ([_task(), _said("Done.\nTERMINATE\n")], "Done.", "the marker on its own last line, with a newline after it"),
]


def check_last_reply(fn: Callable[[Sequence[Dict[str, Any]]], Optional[str]]) -> CheckResult:
    """Exercise 1: ``fn(messages)`` returns what a stage hands on: the assistant's last text reply
    (role ``assistant`` in the assistant's own view of the chat), without a trailing TERMINATE, or None."""
    c = Checker("Exercise 1: the hand-off")
    for messages, expected, explanation in HANDOFF_CASES:
        got = c.call(fn, [dict(m) for m in messages], explanation=explanation)
        if got is not RAISED:
            got_text = got.strip() if isinstance(got, str) else got
            c.expect(got_text == expected, f"{explanation}: expected {expected!r}, got {got!r}")
    return c.result


#: What the check's scripted assistants answer (code and TERMINATE in one message).
STAGE_REPLIES = {
    "researcher": "Findings: split on commas outside double quotes. TERMINATE",
    "coder": "```python\ndef parse_line(line):\n    return line.split(',')\n```\nTERMINATE",
    "writer": "`parse_line(line)` splits a CSV line. TERMINATE",
}


def check_stage_chats(build: Callable[..., Any]) -> CheckResult:
    """Exercise 2: ``build(researcher, coder, writer)`` returns the chat queue for
    ``autogen.initiate_chats``: research, code, docs in that order, each entry naming its ``sender``,
    with a human checkpoint on research and code and none on docs. The check runs it with a human who
    approves every checkpoint and answers 'exit' to any prompt beyond those two."""
    import autogen

    from ...chat.human import ScriptedHuman
    from ...chat.llm import ScriptedLLM
    from ..instrument import unwatched

    c = Checker("Exercise 2: checkpoints where they belong")
    # A model asked once more than scripted says a bare TERMINATE, so a wrong answer ends, never hangs.
    models = {name: ScriptedLLM([reply], exhausted_reply="TERMINATE") for name, reply in STAGE_REPLIES.items()}
    agents = [llm.register(autogen.AssistantAgent(name, llm_config=llm.llm_config)) for name, llm in models.items()]
    chats = c.call(build, *agents, explanation="my_stage_chats(researcher, coder, writer)")
    if chats is RAISED:
        return c.result
    if not c.expect(
        isinstance(chats, (list, tuple)) and all(isinstance(chat, dict) for chat in chats),
        f"return a list of dicts, one per chat (initiate_chat's arguments); got {chats!r}",
    ):
        return c.result
    names = [getattr(chat.get("recipient"), "name", None) for chat in chats]
    if not c.expect(
        names == ["researcher", "coder", "writer"],
        f"the chats go to the researcher, the coder and the writer, in that order; got recipients {names}",
    ):
        return c.result
    if not c.expect(
        all(isinstance(chat.get("sender"), autogen.ConversableAgent) for chat in chats),
        "autogen.initiate_chats needs a 'sender' in every chat: the proxy that starts it",
    ):
        return c.result
    human = ScriptedHuman(["", ""], strict=False, echo=False, exhausted_reply="exit")
    try:
        with unwatched(), human:
            results = autogen.initiate_chats([dict(chat, silent=True) for chat in chats])
    except Exception as e:  # the learner's chats: report, never crash the notebook
        c.expect(False, f"autogen.initiate_chats(your chats) raised {type(e).__name__}: {e}")
        return c.result
    asked = [len(result.human_input) for result in results]
    c.expect(
        asked[0] >= 1 and asked[1] >= 1 and "exit" not in results[0].human_input + results[1].human_input,
        f"research and code each stop at a human checkpoint (a TERMINATE-mode sender), who approves with Enter; "
        f"the human typed {[result.human_input for result in results]}",
    )
    c.expect(
        asked[2] == 0,
        f"docs runs without asking the human (a NEVER-mode sender): at docs the human was asked {asked[2]} time(s)",
    )
    c.expect(
        models["writer"].call_count == 1,
        f"the writer answers once and its 'TERMINATE' ends the docs chat (give that sender an is_termination_msg "
        f"that sees it); the writer's model was called {models['writer'].call_count} times",
    )
    c.expect(
        "line.split" in (results[2].chat_history[0].get("content") or ""),
        "the writer's opening message carries the approved code (carryover from the code stage)",
    )
    return c.result
