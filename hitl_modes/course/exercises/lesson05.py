"""Lesson 05 exercises: a person behind a model-backed agent at every guess, and the disk cache off.

Run inside a lesson, the checks' chats are their own, not the lesson's: the course neither records
nor draws them.
"""

from __future__ import annotations

import os
import tempfile
from typing import Any, Callable, Dict, List, Optional

from ...chat.compat import caches_by_default
from ...chat.human import ScriptedHuman
from ...chat.llm import ScriptedLLM, ScriptedModelClient
from ...errors import ScriptExhaustedError
from ..instrument import unwatched
from ..limits import ends_with_terminate
from . import RAISED, Checker, CheckResult

__all__ = ["CACHES_BY_DEFAULT", "STEPPING_IN", "check_stepping_in", "check_cache_off"]

#: An ``llm_config`` without ``cache_seed`` caches answers in ``.cache/41`` (pyautogen 0.2.35,
#: autogen-agentchat 0.2.40); ag2 0.14 caches only when asked. Lesson 05, section 4.
CACHES_BY_DEFAULT = caches_by_default()

#: Exercise 1: the guesses, what the person answers at each, and what the model would answer.
STEPPING_IN: Dict[str, List[str]] = {
    "guesses": ["Is it 50?", "Is it 75?", "Is it 53?"],
    "person": ["", "Too high, my friend.", ""],
    "model": ["Too low.", "Too high.", "Too high."],
}


def check_stepping_in(make_agent_with_number: Callable[[Dict[str, Any]], Any]) -> CheckResult:
    """Exercise 1: ``make_agent_with_number(llm_config)`` returns an agent with a model, holding 53,
    whose person is asked at every guess; Enter lets the model answer. Played against a scripted
    guesser (50, 75, 53) and person (Enter, a hint, Enter)."""
    import autogen

    c = Checker("Exercise 1: step in for the model at every guess")
    host_llm = ScriptedLLM(STEPPING_IN["model"], strict=False, exhausted_reply="Too high.")
    agent = c.call(make_agent_with_number, host_llm.llm_config, explanation="make_agent_with_number(llm_config)")
    if agent is RAISED:
        return c.result
    if not c.expect(
        isinstance(agent, autogen.ConversableAgent),
        f"return an autogen.ConversableAgent, got {type(agent).__name__}",
    ):
        return c.result
    if not c.expect(
        bool(agent.llm_config),
        "give it the llm_config you are passed: without a model, Enter has nothing to answer with",
    ):
        return c.result
    host_llm.register(agent)
    guesser_llm = ScriptedLLM(STEPPING_IN["guesses"])
    guesser = guesser_llm.register(
        autogen.ConversableAgent("agent_guess_number", llm_config=guesser_llm.llm_config, human_input_mode="NEVER")
    )
    person = ScriptedHuman(STEPPING_IN["person"], strict=False, echo=False, exhausted_reply="exit")
    ran_on: Optional[ScriptExhaustedError] = None
    with unwatched(), person:
        try:
            agent.initiate_chat(guesser, message="I have a number between 1 and 100. Guess it!", silent=True)
        except ScriptExhaustedError as e:  # the guesser had no fourth guess: the game went on after 53
            ran_on = e
        except Exception as e:  # the learner's agent: report, don't crash the notebook
            c.expect(False, f"the game raised {type(e).__name__}: {e}")
            return c.result
    history = agent.chat_messages.get(guesser, [])
    answers = [m.get("content") for m in history if m.get("role") == "assistant"][1:]  # after the opening
    asked = len(person.prompts)
    mode, limit = agent.human_input_mode, agent.max_consecutive_auto_reply(guesser)
    c.expect(
        asked >= 3,
        f"the person was asked at {asked} of the 3 guesses"
        + (
            f": in TERMINATE, AutoGen asks at the auto-reply limit ({limit}) and at a termination message only"
            if mode == "TERMINATE"
            else f": in {mode} AutoGen never asks"
            if mode == "NEVER"
            else ""
        )
        + "; human_input_mode='ALWAYS' asks before every answer",
    )
    if answers[:1] == [""]:
        c.expect(
            False,
            "at the person's Enter it sent an empty message instead of the model's answer: with "
            "max_consecutive_auto_reply=0 AutoGen sends what the person typed, even nothing (lesson 04, section 5)",
        )
    elif asked >= 1:
        c.expect(answers[:1] == ["Too low."], f"at the person's Enter the model should answer; it sent {answers[:1]!r}")
    if asked >= 2:
        c.expect(
            STEPPING_IN["person"][1] in answers,
            f"the person's hint should go out as the agent's answer; it answered {answers!r}",
        )
    ends_at_53 = agent._is_termination_msg({"content": STEPPING_IN["guesses"][-1]})
    c.expect(
        ends_at_53 or ran_on is None,
        "the game went on after the guess 'Is it 53?': give the agent an is_termination_msg that ends the game "
        "when a message it receives contains 53 (safe when the content is None)",
    )
    return c.result


def check_cache_off(my_llm_config: Callable[[List[Dict[str, Any]]], Any]) -> CheckResult:
    """Exercise 2: ``my_llm_config(config_list)`` returns an ``llm_config`` with that config list
    and AutoGen's disk cache off; checked by running the same chat twice."""
    import autogen

    c = Checker("Exercise 2: the disk cache off")
    config_list = [{"model": "scripted-llm", "model_client_cls": "ScriptedModelClient"}]
    config = c.call(my_llm_config, [dict(e) for e in config_list], explanation="my_llm_config(config_list)")
    if config is RAISED:
        return c.result
    if not c.expect(isinstance(config, dict), f"return a dict (an llm_config), got {type(config).__name__}"):
        return c.result
    c.expect(config.get("config_list") == config_list, "keep the config list as it was given")
    c.expect(
        "cache_seed" in config and config["cache_seed"] is None,
        "set 'cache_seed' to None: without it pyautogen and autogen-agentchat 0.2 use seed 41 and cache in "
        ".cache/41 (ag2 0.14 does not, but say it anyway so the config means the same everywhere)"
        if "cache_seed" not in config
        else f"'cache_seed' is {config['cache_seed']!r}: any number is a cache; None turns it off",
    )
    answers = []
    here = os.getcwd()
    with tempfile.TemporaryDirectory(prefix="hitl-ex16-") as work:
        os.chdir(work)
        try:
            for answer in ("First answer. TERMINATE", "Second answer. TERMINATE"):
                llm = ScriptedLLM([answer])
                assistant = autogen.AssistantAgent("assistant", llm_config=dict(config))
                assistant.register_model_client(ScriptedModelClient, script=llm)
                proxy = autogen.UserProxyAgent(
                    "user_proxy",
                    human_input_mode="NEVER",
                    is_termination_msg=ends_with_terminate,
                    code_execution_config=False,
                )
                with unwatched():
                    result = proxy.initiate_chat(assistant, message="Answer.", silent=True)
                answers.append((result.chat_history[-1].get("content"), llm.call_count))
        except Exception as e:  # the learner's config: report, don't crash the notebook
            c.expect(False, f"a chat with your llm_config raised {type(e).__name__}: {e}")
            return c.result
        finally:
            os.chdir(here)
    c.expect(
        answers[1] == ("Second answer. TERMINATE", 1),
        f"the second, identical chat got {answers[1][0]!r} with {answers[1][1]} model calls: it was answered "
        "from the cache",
    )
    return c.result
