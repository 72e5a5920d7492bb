"""run_limit_experiment reports what AutoGen really did, runaways included; Table renders rows. And the
corners of the limits that lessons 04 and 05 show, pinned on AutoGen's real agents with a scripted model:
``max_consecutive_auto_reply=0``, and a person standing in for a model-backed agent."""

from __future__ import annotations

import autogen
import pytest

from hitl_modes import ScriptedHuman, ScriptedLLM, tool_call
from hitl_modes.course.limits import ends_with_terminate, limits_table, run_limit_experiment
from hitl_modes.course.table import Table
from hitl_modes.errors import ScriptExhaustedError


def test_outcome_matches_autogens_chat_history():
    run = run_limit_experiment(max_turns=3, max_consecutive_auto_reply=10)
    assert run.outcome == ("max_turns", 6)
    assert run.model_replies == 3
    assert [m.content for m in run.trace.messages] == ["task", "Step 1.", "", "Step 2.", "", "Step 3."]


def test_termination_at_a_given_reply():
    run = run_limit_experiment(max_consecutive_auto_reply=10, terminate_at=2)
    assert run.outcome == ("termination_msg", 4)
    assert run.trace.messages[-1].content == "Step 2. TERMINATE"
    assert run.stopped_by == "termination_msg (user_proxy)"


def test_a_chat_nothing_stops_is_a_runaway_not_an_error():
    run = run_limit_experiment(
        max_consecutive_auto_reply=2, human_input_mode="TERMINATE", human_reply="", script_length=5
    )
    assert run.runaway and run.reason == "runaway"
    assert run.model_replies == 5
    assert run.human_asked == 3  # replies 3, 4 and 5 found the counter at its limit
    assert run.stopped_by.startswith("RUNAWAY")


def test_the_assistant_limit_is_reported_with_its_agent():
    run = run_limit_experiment(max_consecutive_auto_reply=50, assistant_limit=2)
    assert run.stop.agent == "assistant"
    assert run.outcome == ("max_consecutive_auto_reply", 5)


def test_a_human_nobody_scripted_is_an_error_not_a_runaway():
    with pytest.raises(ScriptExhaustedError) as e:
        run_limit_experiment(max_consecutive_auto_reply=1, human_input_mode="TERMINATE")
    assert e.value.kind == "human"


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(script_length=0), "script_length must be at least 1"),
        (dict(terminate_at=5, script_length=3), "terminate_at must be between 1 and script_length=3"),
    ],
)
def test_bad_configurations_are_named(kwargs, message):
    with pytest.raises(ValueError, match=message):
        run_limit_experiment(**kwargs)


def test_limits_table_shows_the_human_column_only_when_a_human_could_be_asked():
    never = run_limit_experiment(max_turns=1)
    asked = run_limit_experiment(
        max_turns=3, max_consecutive_auto_reply=1, human_input_mode="TERMINATE", human_reply=""
    )
    assert "human asked" not in limits_table([never]).text()
    text = limits_table([never, asked], title="grid").text()
    assert text.splitlines()[0] == "grid"
    assert "human asked" in text.splitlines()[1]
    assert text.splitlines()[-1].split()[:6] == ["3", "1", "—", "3", "6", "1"]


def test_table_aligns_text_escapes_html_and_checks_row_length():
    table = Table(["a", "long header"], [["<x>", None]])
    table.add("yy", 3)
    lines = table.text().splitlines()
    assert lines == ["a    long header", "---  -----------", "<x>  —", "yy   3"]
    assert "<td>&lt;x&gt;</td>" in table._repr_html_()
    with pytest.raises(ValueError, match="row 2 has 1 cells but there are 2 headers"):
        table.add("only one")


# -- corners: max_consecutive_auto_reply=0 (lesson 04, section 5) -------------------------------


def proxy_chat(mode, limit, llm_replies, human_replies, *, tools=False, **proxy_settings):
    """``user_proxy.initiate_chat(assistant)``; returns the result, the model, the human and what the tool did."""
    llm = ScriptedLLM(llm_replies)
    assistant = llm.register(autogen.AssistantAgent("assistant", llm_config=llm.llm_config))
    proxy = autogen.UserProxyAgent(
        "user_proxy",
        human_input_mode=mode,
        max_consecutive_auto_reply=limit,
        is_termination_msg=ends_with_terminate,
        code_execution_config=False,
        **proxy_settings,
    )
    looked_up = []
    if tools:

        def lookup(q: str) -> str:
            looked_up.append(q)
            return f"result for {q}"

        autogen.register_function(lookup, caller=assistant, executor=proxy, description="Look something up.")
        llm.register(assistant)  # adding a tool rebuilt the assistant's client
    with ScriptedHuman(human_replies, echo=False) as human:
        result = proxy.initiate_chat(assistant, message="task", silent=True)
    return result, llm, human, looked_up


def test_terminate_with_limit_zero_asks_at_every_message_and_enter_sends_nothing():
    result, llm, human, _ = proxy_chat(
        "TERMINATE", 0, ["a", "b", "c TERMINATE"], ["", "shorter", ""], default_auto_reply="Please continue."
    )
    assert len(human.prompts) == 3  # at every message, the last one (a termination message) included
    assert [m["content"] for m in result.chat_history] == ["task", "a", "", "b", "shorter", "c TERMINATE"]
    assert "Press enter to skip and use auto-reply" in human.prompts[0]  # although Enter sends no auto-reply


def test_always_with_limit_zero_enter_interrupts_a_tool_call_and_limit_one_runs_it():
    result, _, _, looked_up = proxy_chat(
        "ALWAYS", 0, [tool_call("lookup", q="hours"), "Sorry. TERMINATE"], ["", ""], tools=True
    )
    reply = result.chat_history[2]
    assert reply["content"] == "" and [r["content"] for r in reply["tool_responses"]] == ["USER INTERRUPTED"]
    assert looked_up == []
    result, _, _, looked_up = proxy_chat(
        "ALWAYS", 1, [tool_call("lookup", q="hours"), "Open 9-5. TERMINATE"], ["", ""], tools=True
    )
    assert looked_up == ["hours"]
    assert [r["content"] for r in result.chat_history[2]["tool_responses"]] == ["result for hours"]


def test_never_with_limit_zero_never_replies():
    result, llm, _, _ = proxy_chat("NEVER", 0, ["a"], [])
    assert [m["content"] for m in result.chat_history] == ["task", "a"]
    assert llm.call_count == 1


# -- corners: a person behind a model-backed agent, a pure human player (lesson 05) -------------


def game(mode, limit, host_replies, guesses, person):
    host_llm, guesser_llm = ScriptedLLM(host_replies), ScriptedLLM(guesses)
    host = host_llm.register(
        autogen.ConversableAgent(
            "agent_with_number",
            llm_config=host_llm.llm_config,
            is_termination_msg=lambda msg: "53" in (msg.get("content") or ""),
            human_input_mode=mode,
            max_consecutive_auto_reply=limit,
        )
    )
    guesser = guesser_llm.register(
        autogen.ConversableAgent("agent_guess_number", llm_config=guesser_llm.llm_config, human_input_mode="NEVER")
    )
    with ScriptedHuman(person, echo=False) as human:
        result = host.initiate_chat(guesser, message="Guess my number.", silent=True)
    return result, host_llm, human


def test_a_person_behind_a_model_enter_lets_the_model_answer_text_replaces_it():
    result, host_llm, human = game(
        "TERMINATE", 1, ["Too low.", "Too high."], ["50", "75", "60", "53"], ["", "Lower, friend.", ""]
    )
    host = [m["content"] for m in result.chat_history if m["name"] == "agent_with_number"]
    assert host == ["Guess my number.", "Too low.", "Too high.", "Lower, friend."]
    assert host_llm.call_count == 2  # the typed answer replaced the model's: it was never asked for one
    assert result.human_input == ["", "Lower, friend.", ""]
    assert len(human.prompts) == 3  # at 75 (limit), at 60 (Enter did not reset the counter), at 53 (termination)


def test_always_on_a_model_backed_agent_asks_before_every_answer():
    result, host_llm, human = game("ALWAYS", None, ["Too low.", "Too high."], ["50", "75", "53"], ["", "", ""])
    assert len(human.prompts) == 3
    assert host_llm.call_count == 2
    assert result.chat_history[-1]["content"] == "53"


def test_a_pure_human_player_sends_what_is_typed_and_enter_sends_an_empty_message():
    host_llm = ScriptedLLM(["Too low.", "Guess again."])
    host = host_llm.register(
        autogen.ConversableAgent(
            "agent_with_number",
            llm_config=host_llm.llm_config,
            is_termination_msg=lambda msg: "53" in (msg.get("content") or ""),
            human_input_mode="NEVER",
        )
    )
    human_proxy = autogen.ConversableAgent("human_proxy", llm_config=False, human_input_mode="ALWAYS")
    with ScriptedHuman(["", "53"], echo=False):
        result = human_proxy.initiate_chat(host, message="10", silent=True)
    sent = [m["content"] for m in result.chat_history if m["name"] == "human_proxy"]
    assert sent == ["10", "", "53"]
    assert result.human_input == ["", "53"]
    assert host_llm.call_count == 2
