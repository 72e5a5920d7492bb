"""Lesson 14 exercises: a human member's replies in a group chat, and a group that stops when it should."""

from __future__ import annotations

from typing import Any, Callable

from ...errors import ExerciseAnswerError
from . import RAISED, Checker, CheckResult
from .group_chats import play_group, play_group_with

__all__ = ["FEEDBACK_SCENARIO", "check_group_feedback", "check_group_setup"]

#: boss (ALWAYS), writer and critic in turn; spare replies keep a wrong answer reportable.
FEEDBACK_SCENARIO = {
    "task": "Write the release notes for version 2.0.",
    "agents": [
        {"name": "boss", "kind": "human", "mode": "ALWAYS"},
        {"name": "writer", "kind": "assistant", "llm": ["Draft 1.", "Draft 2.", "Draft 3.", "Draft 4."]},
        {"name": "critic", "kind": "assistant", "llm": ["Review 1.", "Review 2.", "Review 3.", "Review 4."]},
    ],
    "speaker_selection_method": "round_robin",
    "max_round": 12,
}


def check_group_feedback(replies: Any) -> CheckResult:
    """Exercise 1: in FEEDBACK_SCENARIO, your first reply is feedback that reaches the writer, and
    the chat ends the second time you are asked (at an ordinary message, where only 'exit' ends it)."""
    c = Checker("Exercise 1: a human member's replies")
    if not (isinstance(replies, list) and all(isinstance(r, str) for r in replies)):
        c.expect(False, f"my_replies should be a list of strings, like ['Shorter.', 'exit']; got {replies!r}")
        return c.result
    outcome = play_group(FEEDBACK_SCENARIO, replies)
    used = outcome.human.replies
    first = used[0] if used else None
    c.expect(
        first not in (None, "", "exit"),
        f"your first reply should be feedback (any text but '' or 'exit'); it was {first!r}"
        + (": Enter posts an empty message to the group" if first == "" else ""),
    )
    if first not in (None, "", "exit"):
        c.expect(outcome.model_saw("agent:writer", first), f"the writer's model never received {first!r}")
    c.expect(
        outcome.error is None and outcome.stop_reason == "human_exit",
        "the chat should end at your second prompt. The critic's message there is an ordinary one (it does not "
        "pass boss's is_termination_msg), so Enter posts an empty message and the group goes on; "
        f"'exit' ends it. It {outcome.ending}",
    )
    c.expect(len(used) == 2, f"you should be asked exactly twice; you were asked {len(outcome.human.prompts)} times")
    return c.result


WRITER = ["Draft 1.", "Draft 2.", "Draft 3.", "Draft 4."]


def check_group_setup(make_group: Callable[[Any, Any], Any]) -> CheckResult:
    """Exercise 2: ``make_group(agents, llm_config)`` returns a ``GroupChatManager`` whose members
    take turns in order, that stops on a message containing APPROVED, and that never holds more
    than 6 messages (the task included)."""
    import autogen

    c = Checker("Exercise 2: a group that stops when it should")
    task = "Write the release notes for version 2.0."
    built: list = []

    def build(server: Any) -> Any:
        boss = autogen.UserProxyAgent("boss", human_input_mode="NEVER", code_execution_config=False)
        writer = autogen.AssistantAgent("writer", llm_config=server.llm_config("writer"))
        critic = autogen.AssistantAgent("critic", llm_config=server.llm_config("critic"))
        manager = c.call(make_group, [boss, writer, critic], server.llm_config("selector"), explanation="make_group")
        built.append(manager)
        if manager is RAISED or not isinstance(manager, autogen.GroupChatManager):
            raise ExerciseAnswerError(f"make_group returned {manager!r}")
        return boss, manager

    outcomes = {}
    for label, critic in (("approves", ["APPROVED. Ship it.", "APPROVED."]), ("never approves", ["Not yet."] * 4)):
        try:
            outcomes[label] = play_group_with({"writer": WRITER, "critic": critic, "selector": []}, build, task)
        except ExerciseAnswerError:
            if built and built[-1] is not RAISED:
                c.expect(False, f"make_group should return an autogen.GroupChatManager, got {built[-1]!r}")
            return c.result
    for label, outcome in outcomes.items():
        if outcome.error is not None and outcome.selector_calls:
            c.expect(
                False,
                f"when the critic {label}, your manager asked a model to choose the next speaker: "
                "use speaker_selection_method='round_robin' so members take turns in order",
            )
            return c.result
    approved, never = outcomes["approves"], outcomes["never approves"]
    c.expect(
        approved.speakers == ["boss", "writer", "critic"] and approved.stop_reason == "termination_msg",
        "when the critic says 'APPROVED. Ship it.' (message 3), the chat should stop there "
        f"(is_termination_msg on the manager, a substring check); it had {len(approved.speakers)} messages "
        f"and {approved.ending}",
    )
    c.expect(
        len(never.speakers) == 6 and never.stop_reason == "max_round",
        "without an approval the chat should hold exactly 6 messages, the task included (max_round=6); "
        f"it had {len(never.speakers)} and {never.ending}",
    )
    c.expect(
        never.speakers[:4] == ["boss", "writer", "critic", "boss"],
        f"members should take turns in order (round robin); the speakers were {never.speakers}",
    )
    return c.result
