"""`hitl-modes simulate`: its exact contract, and agreement with a direct AutoGen run."""

from __future__ import annotations

import json
import os
import pty
import random
import select
import subprocess
import sys
import time

import autogen
import pytest

from hitl_modes import ScriptedHuman, ScriptedLLM, ScriptExhaustedError
from hitl_modes.cli import main
from hitl_modes.course.scenario import parse_scenario, run_scenario, simulation_report


def write(tmp_path, scenario, name="s.json"):
    path = tmp_path / name
    path.write_text(json.dumps(scenario) if not isinstance(scenario, str) else scenario)
    return str(path)


def simulate_json(tmp_path, scenario, capsys):
    code = main(["simulate", write(tmp_path, scenario), "--json"])
    out, err = capsys.readouterr()
    return code, out, err


# -- the contract -----------------------------------------------------------------------------


def test_json_output_is_exactly_one_object_on_stdout(tmp_path):
    path = write(tmp_path, {"mode": "TERMINATE", "task": "t", "llm": ["a", "b TERMINATE"], "human": [""]})
    proc = subprocess.run(
        [sys.executable, "-m", "hitl_modes", "simulate", path, "--json"],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)  # nothing but the object: no log line, no warning, no chat print
    assert proc.stdout.count("\n") == 1
    assert report["messages"] == [
        {"name": "user_proxy", "content": "t"},
        {"name": "assistant", "content": "a"},
        {"name": "user_proxy", "content": ""},
        {"name": "assistant", "content": "b TERMINATE"},
    ]
    assert report["human_prompts"] == [
        "Please give feedback to assistant. Press enter or type 'exit' to stop the conversation: "
    ]
    assert report["human_replies"] == [""]
    assert report["llm_calls"] == 2
    assert report["stop_reason"] == "termination_msg"


def test_console_script_entry_point_and_text_timeline(tmp_path):
    path = write(tmp_path, {"mode": "NEVER", "task": "t", "llm": ["a TERMINATE"]})
    exe = os.path.join(os.path.dirname(sys.executable), "hitl-modes")
    proc = subprocess.run([exe, "simulate", path], capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "user_proxy → assistant" in proc.stdout and "stopped: termination_msg" in proc.stdout


@pytest.mark.parametrize(
    "scenario, field",
    [
        ({"mode": "SOMETIMES", "llm": []}, "mode"),
        ({"mode": "never", "llm": []}, "mode"),
        ({"mode": "NEVER"}, "llm"),
        ({"mode": "NEVER", "llm": "hello"}, "llm"),
        ({"mode": "NEVER", "llm": [1]}, "llm"),
        ({"mode": "NEVER", "llm": [], "human": "keyboard"}, "human"),
        ({"mode": "NEVER", "llm": [], "human": [None]}, "human"),
        ({"mode": "NEVER", "llm": [], "max_consecutive_auto_reply": -1}, "max_consecutive_auto_reply"),
        ({"mode": "NEVER", "llm": [], "max_consecutive_auto_reply": 1.5}, "max_consecutive_auto_reply"),
        ({"mode": "NEVER", "llm": [], "max_consecutive_auto_reply": True}, "max_consecutive_auto_reply"),
        ({"mode": "NEVER", "llm": [], "max_turns": 0}, "max_turns"),
        ({"mode": "NEVER", "llm": [], "max_turns": "3"}, "max_turns"),
        ({"mode": "NEVER", "llm": [], "termination": 5}, "termination"),
        ({"mode": "NEVER", "llm": [], "code_execution": "yes"}, "code_execution"),
        ({"mode": "NEVER", "llm": [], "task": ["t"]}, "task"),
        ({"mode": "NEVER", "llm": [], "default_auto_reply": 3}, "default_auto_reply"),
        ({"mode": "NEVER", "llm": [], "max_turn": 3}, "max_turn"),
        (["not", "an", "object"], "<root>"),
    ],
)
def test_invalid_scenarios_exit_2_naming_the_field(tmp_path, capsys, scenario, field):
    code, out, err = simulate_json(tmp_path, scenario, capsys)
    assert code == 2
    assert out == ""
    assert f"'{field}'" in err


def test_unreadable_or_malformed_file_exits_2(tmp_path, capsys):
    assert main(["simulate", str(tmp_path / "missing.json")]) == 2
    assert "cannot read" in capsys.readouterr().err
    assert main(["simulate", write(tmp_path, "{not json")]) == 2
    assert "not valid JSON" in capsys.readouterr().err


def test_llm_script_running_out_exits_3(tmp_path, capsys):
    code, out, err = simulate_json(tmp_path, {"mode": "NEVER", "task": "t", "llm": ["a"]}, capsys)
    assert code == 3 and out == ""
    assert "llm script ran out" in err and "model call #2" in err


def test_human_script_running_out_exits_3(tmp_path, capsys):
    code, out, err = simulate_json(tmp_path, {"mode": "ALWAYS", "task": "t", "llm": ["a", "b"], "human": [""]}, capsys)
    assert code == 3 and out == ""
    assert "human script ran out" in err and "asked a 2nd time" in err and "Replying as user_proxy" in err


def test_console_human_without_a_terminal_exits_4(tmp_path):
    path = write(tmp_path, {"mode": "ALWAYS", "task": "t", "llm": ["a"], "human": "console"})
    proc = subprocess.run(
        [sys.executable, "-m", "hitl_modes", "simulate", path],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=60,
    )
    assert proc.returncode == 4
    assert "stdin is not interactive" in proc.stderr
    assert proc.stdout == ""  # it failed before the chat started


def test_console_human_at_a_real_terminal(tmp_path):
    """A person types at a pseudo-terminal: the console human really reads the keyboard."""
    path = write(
        tmp_path, {"mode": "TERMINATE", "task": "t", "llm": ["a TERMINATE", "b TERMINATE"], "human": "console"}
    )
    leader, follower = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "hitl_modes", "simulate", path, "--json"],
        stdin=follower,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    os.close(follower)
    prompts = b""
    deadline = time.time() + 60
    answers = [b"shorter please\n", b"\n"]
    while answers and time.time() < deadline:
        ready, _, _ = select.select([proc.stderr], [], [], 1)
        if ready:
            prompts += os.read(proc.stderr.fileno(), 4096)  # --json keeps stdout for the object
        if prompts.count(b"Press enter or type 'exit'") > 2 - len(answers):
            os.write(leader, answers.pop(0))
    out, err = proc.communicate(timeout=60)
    os.close(leader)
    assert proc.returncode == 0, err.decode()
    report = json.loads(out)
    assert report["human_replies"] == ["shorter please", ""]
    assert report["stop_reason"] == "termination_msg"


# -- agreement with AutoGen itself ------------------------------------------------------------


def direct_run(s: dict):
    """The scenario as a reader of the contract would write it by hand: plain AutoGen, no recorder."""
    kwargs = {"human_input_mode": s["mode"], "code_execution_config": False}
    if s.get("max_consecutive_auto_reply") is not None:
        kwargs["max_consecutive_auto_reply"] = s["max_consecutive_auto_reply"]
    term = s.get("termination", "TERMINATE")
    if term is not None:
        kwargs["is_termination_msg"] = lambda m: term in (m.get("content") or "")
    if "default_auto_reply" in s:
        kwargs["default_auto_reply"] = s["default_auto_reply"]
    user_proxy = autogen.UserProxyAgent("user_proxy", **kwargs)
    llm = ScriptedLLM(s["llm"])
    assistant = llm.register(autogen.AssistantAgent("assistant", llm_config=llm.llm_config))
    with ScriptedHuman(s.get("human", []), strict=False, echo=False) as human:
        try:
            result = user_proxy.initiate_chat(
                assistant, message=s.get("task"), max_turns=s.get("max_turns"), silent=True
            )
        except ScriptExhaustedError as e:
            return {"error": e.kind}
    return {
        "messages": [m.get("content") for m in result.chat_history],
        "human_prompts": human.prompts,
        "human_replies": human.replies,
        "llm_calls": llm.call_count,
    }


def simulated(s: dict):
    try:
        run, llm, _ = run_scenario(parse_scenario(s), quiet=True)
    except ScriptExhaustedError as e:
        return {"error": e.kind}
    report = simulation_report(run, llm)
    return {
        "messages": [m["content"] for m in report["messages"]],
        "human_prompts": report["human_prompts"],
        "human_replies": report["human_replies"],
        "llm_calls": report["llm_calls"],
    }


def random_scenario(rng: random.Random) -> dict:
    words = ["ok", "working", "done TERMINATE", "TERMINATE", "still going", "STOP", ""]
    s = {
        "mode": rng.choice(["NEVER", "TERMINATE", "ALWAYS"]),
        "task": rng.choice(["do it", "plan a trip", None]),
        "llm": [rng.choice(words) for _ in range(rng.randint(0, 7))],
        "human": [rng.choice(["", "", "exit", "more detail", "fine"]) for _ in range(rng.randint(0, 5))],
    }
    if s["task"] is None:
        del s["task"]  # AutoGen then asks the human for the first message
    if rng.random() < 0.7:
        s["max_consecutive_auto_reply"] = rng.randint(0, 4)
    if rng.random() < 0.5:
        s["max_turns"] = rng.randint(1, 5)
    r = rng.random()
    if r < 0.2:
        s["termination"] = None
    elif r < 0.4:
        s["termination"] = "STOP"
    if rng.random() < 0.2:
        s["default_auto_reply"] = rng.choice(["Continue.", None])
    return s


@pytest.mark.parametrize("seed", range(60))
def test_simulate_agrees_with_a_direct_autogen_run(seed):
    s = random_scenario(random.Random(seed))
    assert simulated(s) == direct_run(s), s


def test_stop_reason_matches_what_autogen_did():
    cases = [
        (
            {"mode": "NEVER", "task": "t", "llm": ["a", "b"], "max_consecutive_auto_reply": 1},
            "max_consecutive_auto_reply",
            "user_proxy",
        ),
        ({"mode": "ALWAYS", "task": "t", "llm": ["a"], "human": ["exit"]}, "human_exit", "user_proxy"),
        ({"mode": "NEVER", "task": "t", "llm": ["a", "b"], "max_turns": 2}, "max_turns", None),
        ({"mode": "NEVER", "task": "t", "llm": ["a"], "default_auto_reply": None}, "no_reply", "user_proxy"),
        ({"mode": "NEVER", "task": "t", "llm": ["TERMINATE"], "termination": None}, "termination_msg", "user_proxy"),
    ]
    for scenario, reason, agent in cases:
        run, _, _ = run_scenario(parse_scenario(scenario), quiet=True)
        assert run.trace.stop_reason == reason, scenario
        if agent:
            assert run.trace.stop.agent == agent


def test_code_execution_runs_the_assistants_code(tmp_path, capsys):
    scenario = {
        "mode": "NEVER",
        "task": "compute",
        "llm": ["```python\nprint(6 * 7)\n```", "42. TERMINATE"],
        "code_execution": True,
    }
    code, out, err = simulate_json(tmp_path, scenario, capsys)
    assert code == 0, err
    report = json.loads(out)
    executed = report["messages"][2]
    assert executed["name"] == "user_proxy"
    assert executed["content"].startswith("exitcode: 0") and "42" in executed["content"]
    assert report["llm_calls"] == 2 and report["stop_reason"] == "termination_msg"
    assert list(tmp_path.iterdir()) == [tmp_path / "s.json"]  # the code ran in a temporary folder


def test_without_code_execution_code_is_just_text(tmp_path, capsys):
    scenario = {"mode": "NEVER", "task": "compute", "llm": ["```python\nprint(6 * 7)\n```", "TERMINATE"]}
    code, out, _ = simulate_json(tmp_path, scenario, capsys)
    assert code == 0
    assert json.loads(out)["messages"][2]["content"] == ""  # the default auto-reply, nothing executed
