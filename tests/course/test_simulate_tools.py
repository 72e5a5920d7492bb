"""`hitl-modes simulate`, second contract: proxy_class, an optional mode, the assistant's own limit,
a lookup tool and tool-call replies; checked exactly and against direct AutoGen runs."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import tempfile

import autogen
import pytest

from hitl_modes import ScriptedHuman, ScriptedLLM, ScriptExhaustedError
from hitl_modes.chat.compat import skips_assistant_turn_under_max_turns
from hitl_modes.cli import main
from hitl_modes.course.scenario import parse_scenario, run_scenario, simulation_report
from tests.course.test_simulate import random_scenario as first_contract_scenario

ASK_ALWAYS = (
    "Replying as user_proxy. Provide feedback to assistant. Press enter to skip and use auto-reply, "
    "or type 'exit' to end the conversation: "
)
ASK_AT_TERMINATION = "Please give feedback to assistant. Press enter or type 'exit' to stop the conversation: "


def call(q, name="lookup"):
    return {"tool_call": {"name": name, "arguments": {"q": q}}}


def simulate_json(tmp_path, scenario, capsys):
    path = tmp_path / "s.json"
    path.write_text(json.dumps(scenario))
    code = main(["simulate", str(path), "--json"])
    out, err = capsys.readouterr()
    return code, (json.loads(out) if code == 0 else out), err


# -- the contract -----------------------------------------------------------------------------


def test_tool_calls_and_responses_in_the_json_output(tmp_path, capsys):
    scenario = {
        "mode": "ALWAYS",
        "task": "find x",
        "tools": True,
        "llm": [call("x"), call("y"), "done TERMINATE"],
        "human": ["", "not y", ""],
    }
    code, report, err = simulate_json(tmp_path, scenario, capsys)
    assert code == 0, err
    assert report["messages"] == [
        {"name": "user_proxy", "content": "find x"},
        {"name": None, "content": None, "tool_calls": ["lookup"]},  # AutoGen records no name on a call
        {"name": "user_proxy", "content": "lookup result for x", "tool_responses": ["lookup result for x"]},
        {"name": None, "content": None, "tool_calls": ["lookup"]},
        {"name": "user_proxy", "content": "not y", "tool_responses": ["USER INTERRUPTED"]},
        {"name": "assistant", "content": "done TERMINATE"},
    ]
    assert report["human_prompts"] == [ASK_ALWAYS] * 3
    assert report["llm_calls"] == 3 and report["stop_reason"] == "termination_msg"


def test_tool_call_ids_are_call_1_call_2_in_order():
    s = parse_scenario({"llm": ["hi", call("a"), "text", call("b")], "tools": True})
    assert [r["tool_calls"][0]["id"] for r in s.llm if isinstance(r, dict)] == ["call_1", "call_2"]
    assert s.llm[1] == {
        "content": None,
        "tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "lookup", "arguments": '{"q": "a"}'}}],
    }
    # and the model sees the results under those ids
    run, llm, _ = run_scenario(
        parse_scenario({"mode": "NEVER", "task": "t", "tools": True, "llm": [call("a"), call("b"), "TERMINATE"]}),
        quiet=True,
    )
    assert [m.get("tool_call_id") for m in llm.last.messages if m.get("role") == "tool"] == [
        "call_1",
        "call_2",
    ]


def test_mode_omitted_means_the_class_default(tmp_path, capsys):
    base = {"task": "t", "llm": ["a TERMINATE"], "human": [""]}
    code, report, _ = simulate_json(tmp_path, base, capsys)
    assert code == 0 and report["human_prompts"] == [ASK_ALWAYS]  # UserProxyAgent: ALWAYS
    code, report, _ = simulate_json(tmp_path, {**base, "proxy_class": "ConversableAgent", "mode": None}, capsys)
    assert code == 0 and report["human_prompts"] == [ASK_AT_TERMINATION]  # ConversableAgent: TERMINATE


def test_conversable_agent_proxy_has_no_model():
    s = parse_scenario({"proxy_class": "ConversableAgent", "mode": "NEVER", "task": "t", "llm": ["a", "b TERMINATE"]})
    run, llm, _ = run_scenario(s, quiet=True)
    # with no model and no code execution, its auto-reply is the default (empty) one
    assert [m["content"] for m in simulation_report(run, llm)["messages"]] == ["t", "a", "", "b TERMINATE"]
    assert llm.call_count == 2


def test_the_assistants_own_limit_skips_its_turn_under_max_turns(tmp_path, capsys):
    scenario = {
        "mode": "NEVER",
        "task": "go",
        "llm": ["s1", "s2", "s3"],
        "default_auto_reply": "more",
        "assistant_max_consecutive_auto_reply": 1,
        "max_turns": 4,
    }
    code, report, _ = simulate_json(tmp_path, scenario, capsys)
    assert code == 0
    names = [m["name"] for m in report["messages"]]
    if skips_assistant_turn_under_max_turns():  # pyautogen 0.2.35, autogen-agentchat 0.2.40
        assert names == ["user_proxy", "assistant", "user_proxy", "user_proxy", "assistant", "user_proxy"]
        assert report["llm_calls"] == 2
    else:  # ag2 0.14 ends the chat at the assistant's limit
        assert names == ["user_proxy", "assistant", "user_proxy"]
        assert report["llm_calls"] == 1


def test_code_execution_runs_in_a_fresh_temporary_work_dir(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    scenario = {
        "mode": "NEVER",
        "task": "where?",
        "code_execution": True,
        "llm": ["```python\nimport os\nopen('made.txt', 'w').write('x')\nprint(os.getcwd())\n```", "TERMINATE"],
    }
    code, report, err = simulate_json(tmp_path, scenario, capsys)
    assert code == 0, err
    out = report["messages"][2]["content"]
    assert out.startswith("exitcode: 0 (execution succeeded)\nCode output: ")
    work_dir = out.split("Code output: ", 1)[1].strip()
    assert os.path.realpath(work_dir) != os.path.realpath(str(tmp_path))
    assert not os.path.exists(work_dir)  # removed after the run
    assert sorted(os.listdir(tmp_path)) == ["s.json"]


def test_console_human_with_the_default_mode_without_a_terminal_exits_4(tmp_path):
    path = tmp_path / "s.json"
    path.write_text(json.dumps({"task": "t", "llm": ["a"], "human": "console"}))  # UserProxyAgent: ALWAYS
    proc = subprocess.run(
        [sys.executable, "-m", "hitl_modes", "simulate", str(path)],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=60,
    )
    assert proc.returncode == 4 and "'ALWAYS'" in proc.stderr


def test_help_documents_every_field():
    from hitl_modes.cli import SIMULATE_HELP
    from hitl_modes.course.scenario import _FIELDS

    for field in _FIELDS:
        assert f"\n  {field} " in SIMULATE_HELP, field
    assert "tool_responses" in SIMULATE_HELP and "call_1" in SIMULATE_HELP


@pytest.mark.parametrize(
    "scenario, field",
    [
        ({"llm": [], "proxy_class": "AssistantAgent"}, "proxy_class"),
        ({"llm": [], "proxy_class": None}, "proxy_class"),
        ({"llm": [], "assistant_max_consecutive_auto_reply": -1}, "assistant_max_consecutive_auto_reply"),
        ({"llm": [], "assistant_max_consecutive_auto_reply": "2"}, "assistant_max_consecutive_auto_reply"),
        ({"llm": [], "assistant_max_consecutive_auto_reply": False}, "assistant_max_consecutive_auto_reply"),
        ({"llm": [], "tools": "yes"}, "tools"),
        ({"llm": [], "tools": None}, "tools"),
        ({"llm": [{"tool_call": {"name": "lookup"}}]}, "llm"),
        ({"llm": [{"tool_call": {"name": "lookup", "arguments": '{"q": "x"}'}}]}, "llm"),
        ({"llm": [{"tool_call": {"name": "", "arguments": {}}}]}, "llm"),
        ({"llm": [{"tool_call": {"name": "lookup", "arguments": {}, "id": "x"}}]}, "llm"),
        ({"llm": [{"tool_call": {"name": "lookup", "arguments": {}}, "content": "hi"}]}, "llm"),
        ({"llm": [{"content": "hi"}]}, "llm"),
        ({"llm": [None]}, "llm"),
        ({"llm": [], "mode": "sometimes"}, "mode"),
    ],
)
def test_invalid_second_contract_fields_exit_2_naming_the_field(tmp_path, capsys, scenario, field):
    code, out, err = simulate_json(tmp_path, scenario, capsys)
    assert code == 2 and out == ""
    assert f"'{field}'" in err


# -- agreement with AutoGen itself ------------------------------------------------------------


def lookup(q: str) -> str:
    return f"lookup result for {q}"


def direct_run(s: dict):
    """The scenario written by hand from the contract: plain AutoGen, no recorder, no simulate code."""
    kwargs = {"code_execution_config": False}
    if s.get("mode") is not None:
        kwargs["human_input_mode"] = s["mode"]
    if s.get("max_consecutive_auto_reply") is not None:
        kwargs["max_consecutive_auto_reply"] = s["max_consecutive_auto_reply"]
    term = s.get("termination", "TERMINATE")
    if term is not None:
        kwargs["is_termination_msg"] = lambda m: term in (m.get("content") or "")
    if "default_auto_reply" in s:
        kwargs["default_auto_reply"] = s["default_auto_reply"]
    with tempfile.TemporaryDirectory() as work_dir:
        if s.get("code_execution"):
            kwargs["code_execution_config"] = {"work_dir": work_dir, "use_docker": False}
        if s.get("proxy_class") == "ConversableAgent":
            user_proxy = autogen.ConversableAgent("user_proxy", llm_config=False, **kwargs)
        else:
            user_proxy = autogen.UserProxyAgent("user_proxy", **kwargs)
        replies, ids = [], iter(range(1, 1000))
        for entry in s["llm"]:
            if isinstance(entry, str):
                replies.append(entry)
            else:
                c = entry["tool_call"]
                function = {"name": c["name"], "arguments": json.dumps(c["arguments"])}
                tool_call = {"id": f"call_{next(ids)}", "type": "function", "function": function}
                replies.append({"content": None, "tool_calls": [tool_call]})
        llm = ScriptedLLM(replies)
        limit = s.get("assistant_max_consecutive_auto_reply")
        extra = {} if limit is None else {"max_consecutive_auto_reply": limit}
        assistant = llm.register(autogen.AssistantAgent("assistant", llm_config=llm.llm_config, **extra))
        if s.get("tools"):
            autogen.register_function(lookup, caller=assistant, executor=user_proxy, description="Look something up.")
            llm.register(assistant)
        with ScriptedHuman(s.get("human", []), strict=False, echo=False) as human:
            try:
                result = user_proxy.initiate_chat(
                    assistant, message=s.get("task"), max_turns=s.get("max_turns"), silent=True
                )
            except ScriptExhaustedError as e:
                return {"error": e.kind}
            except Exception as e:  # AutoGen itself failed (ag2 0.14 on a chat with no message)
                return {"error": type(e).__name__}
    messages = []
    for m in result.chat_history:  # as AutoGen recorded it: no name on a tool call
        entry = {"name": m.get("name"), "content": m.get("content")}
        if m.get("tool_calls"):
            entry["tool_calls"] = [c["function"]["name"] for c in m["tool_calls"]]
        if m.get("tool_responses"):
            entry["tool_responses"] = [r["content"] for r in m["tool_responses"]]
        messages.append(entry)
    return {
        "messages": messages,
        "human_prompts": human.prompts,
        "human_replies": human.replies,
        "llm_calls": llm.call_count,
    }


def simulated(s: dict):
    try:
        run, llm, _ = run_scenario(parse_scenario(s), quiet=True)
    except ScriptExhaustedError as e:
        return {"error": e.kind}
    except Exception as e:  # AutoGen itself failed: the same failure a direct run must show
        return {"error": type(e).__name__}
    report = simulation_report(run, llm)
    return {k: report[k] for k in ("messages", "human_prompts", "human_replies", "llm_calls")}


def random_scenario(rng: random.Random) -> dict:
    """A random scenario of the first contract, with the second contract's fields on top."""
    s = first_contract_scenario(rng)
    if rng.random() < 0.4:
        s["mode"] = rng.choice([None, "omit"])
        if s["mode"] == "omit":
            del s["mode"]
    if rng.random() < 0.5:
        s["proxy_class"] = rng.choice(["UserProxyAgent", "ConversableAgent"])
    if rng.random() < 0.6:
        s["assistant_max_consecutive_auto_reply"] = rng.randint(0, 3)
    s["tools"] = rng.random() < 0.7
    s["code_execution"] = rng.random() < 0.3
    for i in range(len(s["llm"])):  # some replies become tool calls or code
        r = rng.random()
        if r < 0.35:
            s["llm"][i] = call(rng.choice(["x", "the weather"]), name=rng.choice(["lookup"] * 4 + ["missing"]))
        elif r < 0.6 and s["code_execution"]:
            s["llm"][i] = "```python\nprint(6 * 7)\n```"
    return s


@pytest.mark.parametrize("seed", range(80))
def test_second_contract_agrees_with_a_direct_autogen_run(seed):
    s = random_scenario(random.Random(1000 + seed))
    assert simulated(s) == direct_run(s), s


def test_the_random_scenarios_reach_the_new_behaviours():
    """The generator is only worth its seeds if the runs it makes hit what the contract adds."""
    seen = set()
    for seed in range(80):
        s = random_scenario(random.Random(1000 + seed))
        out = direct_run(s)
        if "error" in out:
            continue
        for m in out["messages"]:
            if "tool_calls" in m:
                seen.add("tool call")
            for r in m.get("tool_responses", []):
                seen.add("interrupted" if r == "USER INTERRUPTED" else "tool ran")
            if (m["content"] or "").startswith("exitcode:"):
                seen.add("code ran")
        names = [m["name"] for m in out["messages"]]
        if any(a == b == "user_proxy" for a, b in zip(names, names[1:])):
            seen.add("proxy twice in a row")
    expected = {"tool call", "interrupted", "tool ran", "code ran"}
    if skips_assistant_turn_under_max_turns():  # ag2 0.14 may get there too, by other paths
        expected.add("proxy twice in a row")
    assert expected <= seen
