"""Lesson 06 exercises: the hand-off between stages, and where the checkpoints go."""

from __future__ import annotations

from typing import Any, Callable, Dict, List, Optional, Sequence

from . import RAISED, Checker, CheckResult

__all__ = ["check_last_reply", "check_stages", "HANDOFF_CASES"]

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


def check_stages(build: Callable[..., Any]) -> CheckResult:
    """Exercise 2: ``build(researcher, coder, writer)`` returns the three stages (research, code,
    docs) with a human checkpoint on research and code and none on docs. The check runs them with a
    human who approves every checkpoint and answers 'exit' to any prompt beyond those two."""
    import autogen

    from ...agents.workflow import Stage, Workflow
    from ...chat.human import ScriptedHuman
    from ...chat.llm import ScriptedLLM

    c = Checker("Exercise 2: checkpoints where they belong")
    models = {
        "researcher": ScriptedLLM(["Findings. TERMINATE"]),
        "coder": ScriptedLLM(["def f(): pass TERMINATE"]),
        "writer": ScriptedLLM(["Docs. TERMINATE"]),
    }
    agents = {
        name: llm.register(autogen.AssistantAgent(name, llm_config=llm.llm_config)) for name, llm in models.items()
    }
    stages = c.call(
        build, agents["researcher"], agents["coder"], agents["writer"], explanation="build(researcher, coder, writer)"
    )
    if stages is RAISED:
        return c.result
    if not c.expect(
        isinstance(stages, (list, tuple)) and all(isinstance(s, Stage) for s in stages),
        f"build must return a list of Stage objects, got {stages!r}",
    ):
        return c.result
    c.expect(
        [s.name for s in stages] == ["research", "code", "docs"],
        f"the stages are research, code, docs in that order; got {[s.name for s in stages]}",
    )
    c.expect(
        [s.assistant.name for s in stages] == ["researcher", "coder", "writer"],
        f"research uses the researcher, code the coder, docs the writer; got {[s.assistant.name for s in stages]}",
    )
    human = ScriptedHuman(["", ""], strict=False, echo=False, exhausted_reply="exit")
    try:
        with human:
            result = Workflow(stages, quiet=True).run("Parse a CSV line.")
    except Exception as e:  # the learner's stages: report, never crash the notebook
        c.expect(False, f"running the stages raised {type(e).__name__}: {e}")
        return c.result
    asked = {s.name: len(s.human_prompts) for s in result.stages}
    c.expect(
        asked.get("research", 0) >= 1 and asked.get("code", 0) >= 1,
        f"research and code each stop at a human checkpoint (TERMINATE mode); the human was asked {asked}",
    )
    c.expect(
        asked.get("docs", 1) == 0 and result.completed,
        f"docs runs without asking the human (NEVER mode): asked {asked}, workflow {result.reason}",
    )
    c.expect(models["writer"].call_count == 1, f"the writer's model runs once, got {models['writer'].call_count} calls")
    return c.result
