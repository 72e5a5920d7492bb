"""The exercise checks of lessons 10 and 11 accept a correct answer, reject wrong ones with a message
that names what is wrong, and never raise: a notebook with an unfinished exercise still runs to the end."""

from __future__ import annotations

import pytest

from hitl_modes import RiskPolicy, Rule
from hitl_modes.course.exercises import CheckResult
from hitl_modes.course.exercises.lesson10 import check_permissions_rule
from hitl_modes.course.exercises.lesson11 import check_ask_or_stop

WORLD_WRITABLE = r"chmod\b[^\n]*\b(777|a\+rwx)\b|os\.chmod\([^)]*0o777"


def failures(result: CheckResult) -> str:
    assert isinstance(result, CheckResult)
    assert not result.passed, f"a wrong answer passed: {result}"
    assert "✗" in str(result)
    return "\n".join(result.failures)


# -- lesson 10, exercise 1: a rule of your team's --------------------------------------------------


def test_permissions_rule_accepts_a_rule_for_world_writable_modes():
    policy = RiskPolicy(extra_rules=[Rule("permissions", WORLD_WRITABLE, "makes files writable by everyone", "code")])
    result = check_permissions_rule(policy)
    assert result.passed, str(result)


@pytest.mark.parametrize(
    "policy, named",
    [
        (RiskPolicy(), "opening every permission on a tree: expected high, got 'low'"),
        (RiskPolicy(), "no rule of yours matched it: widen your pattern"),
        (RiskPolicy(extra_rules=[Rule("permissions", r"chmod|777", "too broad")]), "chmod 644 notes.txt"),
        (RiskPolicy(extra_rules=[Rule("permissions", r"chmod|777", "too broad")]), "narrow your pattern"),
        ("not a policy", "pass a RiskPolicy (built with extra_rules=[Rule(...)]), got str"),
    ],
)
def test_permissions_rule_rejects_wrong_answers_and_says_why(policy, named):
    assert named in failures(check_permissions_rule(policy))


# -- lesson 11, exercise 1: a timeout that stops ---------------------------------------------------


async def ask_or_stop(human, prompt, timeout):
    reply = await human.ask(prompt, timeout)
    return "exit" if reply is None else reply


async def starter(human, prompt, timeout):  # the lesson's starter: no answer becomes ""
    return await human.ask(prompt, timeout) or ""


async def passes_none_on(human, prompt, timeout):
    return await human.ask(prompt, timeout)


async def ignores_the_timeout(human, prompt, timeout):
    return await human.ask(prompt, None) or "exit"


def not_async(human, prompt, timeout):
    return "exit"


def test_ask_or_stop_accepts_exit_on_timeout():
    result = check_ask_or_stop(ask_or_stop)
    assert result.passed, str(result)


@pytest.mark.parametrize(
    "answer, named",
    [
        (starter, "no answer within the timeout must give 'exit': expected ['exit'], got ['']"),
        (passes_none_on, "got [None] (None or '' after a timeout means 'skip, use the auto-reply'"),
        (ignores_the_timeout, "it waited past the timeout"),
        (not_async, "write it as `async def ask_or_stop(human, prompt, timeout):`"),
    ],
)
def test_ask_or_stop_rejects_wrong_answers_and_says_why(answer, named):
    assert named in failures(check_ask_or_stop(answer))


def test_the_starter_fails_only_where_nobody_answered_in_time():
    text = failures(check_ask_or_stop(starter))
    assert "Enter in time" not in text and "an answer in time" not in text
    assert "a late answer to question 1 must not answer question 2: expected ['exit', 'no'], got ['', 'no']" in text
