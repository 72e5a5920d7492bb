"""ScriptedLLM and ScriptedHuman speak one vocabulary (hitl_modes.chat.script), as respx's routes do."""

from __future__ import annotations

import pytest

from hitl_modes import ScriptedHuman, ScriptedLLM, ScriptExhaustedError, UnusedScriptError


def llm_asked(llm: ScriptedLLM, text: str):
    return llm.next_reply([{"role": "user", "content": text}])  # what ScriptedModelClient.create asks


def human_asked(human: ScriptedHuman, text: str):
    return human.input(text)


DOUBLES = [
    pytest.param(lambda replies, **kw: ScriptedLLM(replies, name="writer", **kw), llm_asked, id="llm"),
    pytest.param(lambda replies, **kw: ScriptedHuman(replies, echo=False, **kw), human_asked, id="human"),
]


@pytest.mark.parametrize("make, ask", DOUBLES)
def test_calls_call_count_called_last_remaining(make, ask):
    double = make(["one", "two", "three"])
    assert (double.calls, double.call_count, double.called, double.last) == ([], 0, False, None)
    assert ask(double, "first question") == "one"
    assert ask(double, "second question") == "two"
    assert double.call_count == 2 and double.called and double.remaining == ["three"]
    assert [c.call for c in double.calls] == [1, 2] and [c.reply for c in double.calls] == ["one", "two"]
    assert double.last is double.calls[-1]
    with pytest.raises(UnusedScriptError, match=r"1 of 3 replies were never used.*Unused: \['three'\]"):
        double.assert_all_used()


@pytest.mark.parametrize("make, ask", DOUBLES)
def test_running_out_names_the_double_the_call_and_what_was_asked_and_ends_with_the_remedy(make, ask):
    double = make(["one"])
    ask(double, "first question")
    with pytest.raises(ScriptExhaustedError) as err:
        ask(double, "the question too many")
    message = str(err.value)
    assert message.startswith(("ScriptedLLM for agent 'writer': model call #2,", "ScriptedHuman: asked a 2nd time,"))
    assert "but only 1 reply was scripted" in message and "'the question too many'" in message
    remedy = message[message.index(". Add a reply to the script") + 2 :]
    assert remedy.endswith(".") and ". " not in remedy  # the remedy is the last sentence
    assert (err.value.kind, err.value.call, err.value.trace) == (double.kind, 2, None)
    assert double.call_count == 2 and double.last.reply is None  # the call that failed is recorded


@pytest.mark.parametrize("make, ask", DOUBLES)
def test_exhausted_reply_answers_past_the_script(make, ask):
    double = make([], strict=False, exhausted_reply="enough")
    assert ask(double, "q") == "enough" and ask(double, "q") == "enough"
    assert double.call_count == 2 and double.remaining == []


@pytest.mark.parametrize("make, ask", DOUBLES)
def test_strict_leftovers_fail_the_with_block_and_not_strict_ones_do_not(make, ask):
    with pytest.raises(UnusedScriptError):
        with make(["used", "left over"]) as double:
            ask(double, "q")
    with make(["used", "left over"], strict=False) as double:
        ask(double, "q")
    assert double.remaining == ["left over"]


def test_no_second_name_for_the_same_thing():
    for double in (ScriptedLLM([]), ScriptedHuman([])):
        assert not hasattr(double, "requests") and not hasattr(double, "asked")
