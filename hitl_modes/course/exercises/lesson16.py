"""Lesson 16 exercises: a proxy that cannot wait on stdin, the assistant's skipped turns, the cache off."""

from __future__ import annotations

import os
import tempfile
from typing import Any, Callable, Dict, List

from ...chat.compat import skips_assistant_turn_under_max_turns
from ...chat.human import ScriptedHuman, mode_can_ask_human
from ...chat.llm import ScriptedLLM, ScriptedModelClient
from ...errors import ScriptExhaustedError
from ..limits import ends_with_terminate
from . import RAISED, Checker, CheckResult

__all__ = ["SKIPPED_TURN_SETUP", "check_server_proxy", "check_skipped_turn_prediction", "check_cache_off"]

#: Exercise 2: the assistant's own limit, the proxy's auto-reply and the chat's max_turns.
SKIPPED_TURN_SETUP: Dict[str, Any] = {"assistant_limit": 2, "max_turns": 5, "default_auto_reply": "Continue."}


def check_server_proxy(make_server_proxy: Callable[[], Any]) -> CheckResult:
    """Exercise 1: ``make_server_proxy()`` returns a ``UserProxyAgent`` named ``user_proxy`` that
    never waits for a person and does not execute code."""
    import autogen

    c = Checker("Exercise 1: a proxy for a server")
    proxy = c.call(make_server_proxy, explanation="make_server_proxy()")
    if proxy is RAISED:
        return c.result
    if not c.expect(
        isinstance(proxy, autogen.UserProxyAgent), f"return an autogen.UserProxyAgent, got {type(proxy).__name__}"
    ):
        return c.result
    c.expect(proxy.name == "user_proxy", f"name it 'user_proxy', not {proxy.name!r}")
    mode = proxy.human_input_mode
    c.expect(
        not mode_can_ask_human(mode),
        f"its human_input_mode is {mode!r}, which asks a person"
        + (" (UserProxyAgent's default)" if mode == "ALWAYS" else "")
        + ": with nobody at stdin the chat hangs; pass human_input_mode='NEVER'",
    )
    c.expect(
        proxy._code_execution_config is False,
        "it executes code (code_execution_config is not False): pass code_execution_config=False",
    )
    if not mode_can_ask_human(mode):
        # And in a chat: nobody is ever asked (a strict human with no replies raises if asked).
        llm = ScriptedLLM(["Working on it.", "TERMINATE", "TERMINATE"])
        assistant = llm.register(autogen.AssistantAgent("assistant", llm_config=llm.llm_config))
        with ScriptedHuman([], echo=False) as human:
            try:
                proxy.initiate_chat(assistant, message="Summarise the ticket.", max_turns=2, silent=True)
            except ScriptExhaustedError as e:
                c.expect(e.kind != "human", "in a chat your proxy asked a person")
        c.expect(not human.prompts, f"in a chat your proxy asked a person: {human.prompts[:1]!r}")
    return c.result


def skipped_turn_speakers() -> List[str]:
    """Run exercise 2's chat on AutoGen's agents and return who sent each message."""
    import autogen

    setup = SKIPPED_TURN_SETUP
    llm = ScriptedLLM([f"Step {i}." for i in range(1, setup["max_turns"] + 1)])
    assistant = llm.register(
        autogen.AssistantAgent(
            "assistant", llm_config=llm.llm_config, max_consecutive_auto_reply=setup["assistant_limit"]
        )
    )
    proxy = autogen.UserProxyAgent(
        "user_proxy",
        human_input_mode="NEVER",
        default_auto_reply=setup["default_auto_reply"],
        is_termination_msg=ends_with_terminate,
        code_execution_config=False,
    )
    result = proxy.initiate_chat(assistant, message="Go.", max_turns=setup["max_turns"], silent=True)
    # The proxy's own messages are the ones AutoGen records with its name.
    return [m.get("name") or "assistant" for m in result.chat_history]


def check_skipped_turn_prediction(speakers: Any) -> CheckResult:
    """Exercise 2: predict who sends each message when the assistant (limit 2) skips turns under
    ``max_turns=5``."""
    c = Checker("Exercise 2: the assistant's skipped turns")
    ok = isinstance(speakers, (list, tuple)) and all(s in ("user_proxy", "assistant") for s in speakers)
    if not c.expect(ok, f"write a list of 'user_proxy' and 'assistant', got {speakers!r}"):
        return c.result
    actual = skipped_turn_speakers()
    c.expect(
        len(speakers) == len(actual),
        f"you predicted {len(speakers)} messages; there were {len(actual)} "
        "(each turn the proxy sends one; the assistant answers unless it is at its limit)",
    )
    wrong = [i + 1 for i, (a, b) in enumerate(zip(speakers, actual)) if a != b]
    rule = (
        "at its limit the assistant skips a turn, its counter resets, and the proxy speaks twice in a row"
        if skips_assistant_turn_under_max_turns()
        else "on ag2 the chat ends when the assistant reaches its limit"
    )
    c.expect(not wrong, f"message {wrong[0] if wrong else 0} was sent by someone else: {rule}")
    return c.result


def check_cache_off(my_llm_config: Callable[[List[Dict[str, Any]]], Any]) -> CheckResult:
    """Exercise 3: ``my_llm_config(config_list)`` returns an ``llm_config`` with that config list
    and AutoGen's disk cache off; checked by running the same chat twice."""
    import autogen

    c = Checker("Exercise 3: the disk cache off")
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
