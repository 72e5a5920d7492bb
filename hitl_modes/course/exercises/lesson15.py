"""Lesson 15 exercises: choosing speakers by hand, and a selector that asks the person only when needed."""

from __future__ import annotations

from typing import Any, Callable, Dict, Sequence

from . import RAISED, Checker, CheckResult
from .group_chats import GroupOutcome, play_group, play_group_with

__all__ = ["MANUAL_SCENARIO", "check_manual_choices", "check_ask_user_selector"]

#: Manual selection: boss (NEVER), writer and critic; spare replies keep a wrong answer reportable.
MANUAL_SCENARIO = {
    "task": "Write the release notes for version 2.0.",
    "agents": [
        {"name": "boss", "kind": "human", "mode": "NEVER"},
        {"name": "writer", "kind": "assistant", "llm": ["Draft 1.", "Draft 2.", "Draft 3.", "Draft 4."]},
        {"name": "critic", "kind": "assistant", "llm": ["Review 1.", "Review 2.", "Review 3.", "Review 4."]},
    ],
    "speaker_selection_method": "manual",
    "max_round": 5,
}
_WANTED = ["boss", "critic", "writer", "writer", "critic"]


def check_manual_choices(choices: Any) -> CheckResult:
    """Exercise 1: in MANUAL_SCENARIO, the critic speaks first, then the writer twice in a row, and
    Enter chooses the last turn."""
    c = Checker("Exercise 1: choosing speakers by hand")
    if not (isinstance(choices, list) and all(isinstance(r, str) for r in choices)):
        c.expect(False, f"my_choices should be a list of strings, like ['3', '2', '2', '']; got {choices!r}")
        return c.result
    outcome = play_group(MANUAL_SCENARIO, choices)
    c.expect(
        outcome.error is None,
        f"the chat should finish with your {len(choices)} choices (4 turns after the task); it {outcome.ending}",
    )
    c.expect(
        outcome.speakers == _WANTED,
        f"the speakers should be {_WANTED}; they were {outcome.speakers}"
        + ("; Enter chooses round robin, the member after the last speaker" if "" in choices[:3] else ""),
    )
    used = outcome.human.replies
    c.expect(bool(used) and used[-1] == "", f"the last turn should be chosen with Enter (''); you typed {used[-1:]}")
    bad = [r for r in used if r not in ("", "q", "1", "2", "3")]
    c.expect(not bad, f"every entry should be a number from 1 to 3, Enter or q; these were refused: {bad}")
    return c.result


TASK = "Write the release notes for version 2.0."


def _play_selector(
    c: Checker, selector: Callable[..., Any], scripts: Dict[str, Sequence[str]], human: Sequence[str]
) -> Any:
    import autogen

    def build(server: Any) -> Any:
        boss = autogen.UserProxyAgent("boss", human_input_mode="ALWAYS", code_execution_config=False)
        writer = autogen.AssistantAgent("writer", llm_config=server.llm_config("writer"))
        critic = autogen.AssistantAgent("critic", llm_config=server.llm_config("critic"))
        group = autogen.GroupChat([boss, writer, critic], messages=[], max_round=10, speaker_selection_method=selector)
        manager = autogen.GroupChatManager(
            group,
            llm_config=server.llm_config("selector"),
            is_termination_msg=lambda m: "TERMINATE" in (m.get("content") or ""),
        )
        return boss, manager

    return c.call(play_group_with, {**scripts, "selector": []}, build, TASK, human, explanation="the group chat")


def check_ask_user_selector(selector: Callable[[Any, Any], Any]) -> CheckResult:
    """Exercise 2: ``selector(last_speaker, groupchat)`` gives boss (ALWAYS) the turn only right after
    a message starting with ASK_USER:, gives it back to the agent that asked, and otherwise
    alternates writer and critic, starting with the writer."""
    c = Checker("Exercise 2: ask the person only when an agent asks")
    asks = _play_selector(
        c,
        selector,
        {
            "writer": ["ASK_USER: Users or developers?", "Draft for developers.", "Final. TERMINATE", "More."],
            "critic": ["Clear.", "Clear again.", "Still clear."],
        },
        ["Developers."],
    )
    if asks is RAISED:
        return c.result
    quiet = _play_selector(
        c, selector, {"writer": ["Draft.", "Final. TERMINATE", "More."], "critic": ["Clear.", "Clear again."]}, []
    )
    if quiet is RAISED:
        return c.result
    for label, outcome in (("when the writer asks", asks), ("when nobody asks", quiet)):
        assert isinstance(outcome, GroupOutcome)
        if outcome.selector_calls:
            c.expect(False, f"{label}, your function let a model choose ('auto'): return an agent instead")
            return c.result
    c.expect(
        asks.speakers == ["boss", "writer", "boss", "writer", "critic", "writer"],
        "when the writer's first message asks ASK_USER:, the speakers should be boss (task), writer, boss, "
        f"writer, critic, writer; they were {asks.speakers}" + (f" ({asks.ending})" if asks.error is not None else ""),
    )
    c.expect(
        len(asks.human.prompts) == 1,
        "the person should be asked once, after the ASK_USER: message; "
        f"they were asked {len(asks.human.prompts)} times",
    )
    c.expect(asks.model_saw("writer", "Developers."), "the person's answer should reach the writer's model")
    c.expect(
        quiet.speakers == ["boss", "writer", "critic", "writer"] and not quiet.human.prompts,
        "when nobody asks, writer and critic should alternate and the person never be asked; the speakers were "
        f"{quiet.speakers} and the person was asked {len(quiet.human.prompts)} times",
    )
    return c.result
