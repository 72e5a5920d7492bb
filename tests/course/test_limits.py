"""run_limit_experiment reports what AutoGen really did, runaways included; Table renders rows."""

from __future__ import annotations

import pytest

from hitl_modes.course.limits import limits_table, run_limit_experiment
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
