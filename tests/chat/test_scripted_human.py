"""ScriptedHuman answers through AutoGen's IOStream, records everything, and is strict;
ConsoleHuman refuses to wait when nobody can type."""

from __future__ import annotations

import asyncio
import subprocess
import sys

import autogen
import pytest
from autogen.io import IOStream

from hitl_modes import (
    ConsoleHuman,
    NoHumanAvailableError,
    ScriptedHuman,
    ScriptedLLM,
    ScriptExhaustedError,
    UnusedScriptError,
    a_record_chat,
    require_interactive_human,
    stdin_is_interactive,
)


def pair(mode="ALWAYS", replies=("a TERMINATE",)):
    llm = ScriptedLLM(list(replies))
    assistant = llm.register(autogen.AssistantAgent("assistant", llm_config=llm.llm_config))
    user_proxy = autogen.UserProxyAgent("user_proxy", human_input_mode=mode, code_execution_config=False)
    return user_proxy, assistant


def test_answers_through_autogens_get_human_input_and_fills_chat_result():
    user_proxy, assistant = pair("ALWAYS", ["a", "b"])
    with ScriptedHuman(["more", "exit"], echo=False) as human:
        result = user_proxy.initiate_chat(assistant, message="task", silent=True)
    assert result.human_input == ["more", "exit"]
    assert human.replies == ["more", "exit"]
    assert human.prompts[0].startswith("Replying as user_proxy. Provide feedback to assistant.")
    assert human.call_count == 2 and human.called


def test_asked_once_too_often_names_the_prompt():
    user_proxy, assistant = pair("ALWAYS", ["a", "b"])
    with pytest.raises(ScriptExhaustedError) as err:
        with ScriptedHuman(["keep going"], echo=False):
            user_proxy.initiate_chat(assistant, message="task", silent=True)
    assert err.value.kind == "human" and err.value.call == 2
    message = str(err.value)
    assert message.startswith("ScriptedHuman: asked a 2nd time, but only 1 reply was scripted. The prompt was: ")
    assert "Replying as user_proxy" in message
    assert message.endswith(
        "Add a reply to the script ('exit' ends the chat), "
        "or pass exhausted_reply='exit' to answer every further prompt."
    )


def test_records_every_call_verbatim_with_its_reply():
    user_proxy, assistant = pair("ALWAYS", ["a", "b"])
    with ScriptedHuman(["more"], echo=False) as human:
        with pytest.raises(ScriptExhaustedError):
            user_proxy.initiate_chat(assistant, message="task", silent=True)
    first, second = human.calls
    assert (first.call, first.reply, second.call, second.reply) == (1, "more", 2, None)  # the failed call too
    assert first.prompt.startswith("Replying as user_proxy. Provide feedback to assistant.")
    assert human.last is second and human.call_count == 2
    assert human.prompts == [first.prompt, second.prompt] and human.replies == ["more"]


def test_a_scripted_exception_is_raised_by_input_as_a_console_would():
    user_proxy, assistant = pair("ALWAYS", ["a", "b"])
    hang_up = EOFError("Ctrl-D")
    with pytest.raises(EOFError, match="Ctrl-D"):
        with ScriptedHuman(["more", hang_up], echo=False) as human:
            user_proxy.initiate_chat(assistant, message="task", silent=True)
    assert [c.reply for c in human.calls] == ["more", None] and human.remaining == []


def test_leftover_replies_fail_the_with_block():
    user_proxy, assistant = pair("ALWAYS", ["a"])
    unused = r"^ScriptedHuman: 1 of 2 replies were never used.*'spare'.*strict=False"
    with pytest.raises(UnusedScriptError, match=unused):
        with ScriptedHuman(["exit", "spare"], echo=False):
            user_proxy.initiate_chat(assistant, message="task", silent=True)


def test_leftovers_allowed_when_not_strict():
    user_proxy, assistant = pair("ALWAYS", ["a"])
    with ScriptedHuman(["exit", "spare"], strict=False, echo=False) as human:
        user_proxy.initiate_chat(assistant, message="task", silent=True)
    assert human.remaining == ["spare"]


def test_exhausted_reply_is_a_safe_default_not_a_hang():
    user_proxy, assistant = pair("ALWAYS", ["a", "b"])
    with ScriptedHuman([], strict=False, echo=False, exhausted_reply="exit") as human:
        user_proxy.initiate_chat(assistant, message="task", silent=True)
    assert human.replies == ["exit"]


def test_restores_the_previous_iostream():
    before_ctx, before_global = IOStream.get_default(), IOStream._global_default
    with ScriptedHuman([], echo=False) as human:
        assert IOStream.get_default() is human and IOStream._global_default is human
    assert IOStream.get_default() is before_ctx and IOStream._global_default is before_global


def test_start_stop_and_fixture(scripted_human):
    human = scripted_human(["exit"], echo=False)
    user_proxy, assistant = pair("ALWAYS", ["a"])
    user_proxy.initiate_chat(assistant, message="task", silent=True)
    assert human.replies == ["exit"]


def test_works_on_autogens_async_path_which_asks_from_a_worker_thread():
    user_proxy, assistant = pair("TERMINATE", ["TERMINATE"])  # default check: content == "TERMINATE"
    with ScriptedHuman([""], echo=False) as human:
        run = asyncio.run(a_record_chat(user_proxy, assistant, "task", quiet=True, silent=True))
    assert human.replies == [""]
    assert run.trace.stop_reason == "termination_msg"


def test_bad_replies_are_a_clear_error():
    with pytest.raises(TypeError, match="list of replies"):
        ScriptedHuman("exit")
    with pytest.raises(TypeError, match="reply #2 must be a str"):
        ScriptedHuman(["ok", None])
    with pytest.raises(TypeError, match="reply #1 must be a str"):
        ScriptedHuman([EOFError])  # the class: an instance is what input() raises


def test_pytest_stdin_is_not_interactive():
    assert not stdin_is_interactive()


def test_console_human_fails_fast_without_a_terminal():
    with pytest.raises(NoHumanAvailableError, match="stdin is not interactive.*ScriptedHuman"):
        ConsoleHuman("ALWAYS").start()
    require_interactive_human("NEVER")  # NEVER never asks: nothing to guard


def test_console_human_never_hangs_under_dev_null():
    code = (
        "import autogen\n"
        "from hitl_modes import ConsoleHuman, ScriptedLLM\n"
        "llm = ScriptedLLM(['a TERMINATE'])\n"
        "a = llm.register(autogen.AssistantAgent('assistant', llm_config=llm.llm_config))\n"
        "u = autogen.UserProxyAgent('user_proxy', human_input_mode='TERMINATE', code_execution_config=False)\n"
        "with ConsoleHuman('TERMINATE'):\n"
        "    u.initiate_chat(a, message='hi')\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60
    )
    assert proc.returncode != 0
    assert "NoHumanAvailableError" in proc.stderr and "stdin is not interactive" in proc.stderr
    assert "assistant (to user_proxy)" not in proc.stdout  # it failed before the chat began
