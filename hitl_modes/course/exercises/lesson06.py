"""Lesson 06 exercises: a rule for SmartUserProxy that says "go ahead" to permission questions.

The check installs the learner's rules on a real SmartUserProxy and lets a scripted assistant send
it one message per chat, through AutoGen's real reply path. Run inside a lesson, these chats are the
check's own, not the lesson's: the course neither records nor draws them.
"""

from __future__ import annotations

from typing import Any, Iterable, List, Optional

from ...agents.smart_proxy import COMPLETION_NUDGE, DEFAULT_AUTO_REPLY_RULES, QUESTION_REPLY, SmartUserProxy
from ...chat.human import ScriptedHuman
from ...chat.llm import ScriptedLLM
from ...chat.record import record_chat
from ..instrument import unwatched
from ..limits import ends_with_terminate
from . import Checker, CheckResult

__all__ = ["check_auto_reply_rules", "proxy_reply"]

PERMISSION_QUESTIONS = [
    "Shall I delete the old backups?",
    "May I install numpy first?",
    "The tests pass. Should I go ahead and open the pull request?",
]
OTHER_QUESTIONS = [
    "Which format do you prefer, CSV or JSON?",
    "What should the report's title be?",
]
NO_CODE_STATEMENTS = [
    "I have drafted the summary below.",
    "May I suggest CSV. I used it, and the export is done.",
]


def proxy_reply(rules: Iterable[Any], message: str) -> Optional[str]:
    """What a NEVER-mode SmartUserProxy with ``rules`` answers to ``message`` from a scripted
    assistant, in a real chat (None when it sent nothing)."""
    import autogen

    proxy = SmartUserProxy(
        "user_proxy", human_input_mode="NEVER", is_termination_msg=ends_with_terminate, code_execution_config=False
    )
    proxy.auto_reply_rules = rules
    llm = ScriptedLLM([message, "Thanks. TERMINATE"])
    assistant = llm.register(autogen.AssistantAgent("assistant", llm_config=llm.llm_config))
    with unwatched(), ScriptedHuman([], echo=False):
        run = record_chat(proxy, assistant, "task", quiet=True, silent=True)
    history = run.result.chat_history
    return history[2]["content"] if len(history) > 2 else None


def _custom_rule_after_question(rules: List[Any]) -> bool:
    names = [getattr(r, "name", None) for r in rules]
    if "question" not in names:
        return False
    return any(r not in DEFAULT_AUTO_REPLY_RULES for r in rules[names.index("question") + 1 :])


def check_auto_reply_rules(rules: Iterable[Any]) -> CheckResult:
    """Exercise 1: a list of ``AutoReplyRule`` for which a SmartUserProxy answers permission
    questions ("Shall I ...?", "May I ...?", "Should I ...?") with a reply containing "go ahead",
    and still answers other questions and messages without code like the default rules."""
    c = Checker("Exercise 1: a 'go ahead' rule for permission questions")
    try:
        rules = list(rules)
        SmartUserProxy("probe", human_input_mode="NEVER", code_execution_config=False).auto_reply_rules = rules
    except TypeError as e:
        c.expect(False, f"the rules must be a list of AutoReplyRule: {e}")
        return c.result
    cases = [(m, "go ahead", "a permission question gets a reply containing 'go ahead'") for m in PERMISSION_QUESTIONS]
    cases += [(m, QUESTION_REPLY, "any other question still gets the default question reply") for m in OTHER_QUESTIONS]
    cases += [
        (m, COMPLETION_NUDGE, "a message without a question or code still gets the completion nudge")
        for m in NO_CODE_STATEMENTS
    ]
    for message, expected, explanation in cases:
        try:
            reply = proxy_reply(rules, message)
        except Exception as e:  # the learner's rule raised inside the chat: report, don't crash
            c.expect(False, f"{explanation}: for {message!r} the chat raised {type(e).__name__}: {e}")
            continue
        if expected == "go ahead":
            ok = reply is not None and "go ahead" in reply.lower()
        else:
            ok = reply == expected
        hint = ""
        if not ok and expected == "go ahead" and reply == QUESTION_REPLY and _custom_rule_after_question(rules):
            hint = " (rules are tried in order: put yours before the 'question' rule)"
        elif not ok and expected == "go ahead" and reply == QUESTION_REPLY:
            hint = " (no rule of yours matched it, so the default 'question' rule answered: add one before it)"
        c.expect(
            ok,
            f"{explanation}: for {message!r} the proxy replied {reply!r}, expected "
            f"{'a reply containing ' + repr(expected) if expected == 'go ahead' else repr(expected)}{hint}",
        )
    return c.result
