"""`hitl-modes simulate` for group chats: the contract, and agreement with a direct AutoGen run of
the same GroupChat on random scenarios (every selection method, every member mode)."""

from __future__ import annotations

import json
import random
import subprocess
import sys

import autogen
import pytest

from hitl_modes import ScriptedHuman, ScriptedModelServer, ScriptExhaustedError
from hitl_modes.cli import main
from hitl_modes.course.group_scenario import parse_group_scenario

MANUAL = "Enter the number of the next speaker (enter nothing or `q` to use auto selection): "


def write(tmp_path, scenario, name="g.json"):
    path = tmp_path / name
    path.write_text(json.dumps(scenario))
    return str(path)


def simulate(tmp_path, scenario, capsys):
    code = main(["simulate", write(tmp_path, scenario), "--json"])
    out, err = capsys.readouterr()
    return code, (json.loads(out) if code == 0 else None), err


BOSS = {"name": "boss", "kind": "human", "mode": "ALWAYS"}
WRITER = {"name": "writer", "kind": "assistant", "llm": ["Draft 1.", "Final. TERMINATE"]}
BASIC = {
    "task": "Write the release notes.",
    "agents": [
        {"name": "boss", "kind": "human", "mode": "ALWAYS"},
        {"name": "writer", "kind": "assistant", "llm": ["Draft 1.", "Final. TERMINATE"]},
    ],
    "speaker_selection_method": "round_robin",
    "human": ["Shorter, please."],
}


# -- the contract -----------------------------------------------------------------------------


def test_json_output_is_one_object_with_the_group_messages(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "hitl_modes", "simulate", write(tmp_path, BASIC), "--json"],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.count("\n") == 1
    report = json.loads(proc.stdout)
    assert report["messages"] == [
        {"name": "boss", "content": "Write the release notes."},
        {"name": "writer", "content": "Draft 1."},
        {"name": "boss", "content": "Shorter, please."},
        {"name": "writer", "content": "Final. TERMINATE"},
    ]
    assert report["human_prompts"] == [
        "Replying as boss. Provide feedback to chat_manager. Press enter to skip and use auto-reply, "
        "or type 'exit' to end the conversation: "
    ]
    assert report["human_replies"] == ["Shorter, please."]
    assert (report["llm_calls"], report["selector_calls"]) == (2, 0)
    assert (report["stop_reason"], report["stopped_by"]) == ("termination_msg", "chat_manager")


def test_defaults_auto_selection_and_termination_substring(tmp_path, capsys):
    scenario = {
        "task": "t",
        "agents": [
            {"name": "boss", "kind": "human", "mode": "NEVER"},
            {"name": "writer", "kind": "assistant", "llm": ["done, TERMINATE now"]},
            {"name": "critic", "kind": "assistant", "llm": []},
        ],
        "selector": ["writer"],
    }
    code, report, err = simulate(tmp_path, scenario, capsys)
    assert code == 0, err
    assert [m["name"] for m in report["messages"]] == ["boss", "writer"]  # "auto" by default; substring ends it
    assert report["selector_calls"] == 1 and report["llm_calls"] == 1


def test_text_output_is_a_timeline_with_one_lane_per_agent(tmp_path, capsys):
    assert main(["simulate", write(tmp_path, BASIC)]) == 0
    out = capsys.readouterr().out
    assert "boss → chat_manager" in out and "writer → chat_manager" in out
    assert "stopped: termination_msg on chat_manager" in out


@pytest.mark.parametrize(
    "change, field",
    [
        ({"agents": []}, "agents"),
        ({"agents": [{"name": "a", "kind": "assistant", "llm": []}]}, "agents"),
        ({"agents": "boss"}, "agents"),
        ({"agents": [{"kind": "human", "mode": "NEVER"}, WRITER]}, "agents[0].name"),
        ({"agents": [{"name": "a", "kind": "robot"}, WRITER]}, "agents[0].kind"),
        ({"agents": [{"name": "a", "kind": "human"}, WRITER]}, "agents[0].mode"),
        ({"agents": [{"name": "a", "kind": "human", "mode": "always"}, WRITER]}, "agents[0].mode"),
        ({"agents": [BOSS, {"name": "w", "kind": "assistant"}]}, "agents[1].llm"),
        ({"agents": [BOSS, {"name": "w", "kind": "assistant", "llm": "hi"}]}, "agents[1].llm"),
        (
            {"agents": [BOSS, {"name": "w", "kind": "assistant", "llm": [], "mode": "NEVER"}]},
            "agents[1].mode",
        ),
        ({"agents": [BOSS, {"name": "boss", "kind": "assistant", "llm": []}]}, "agents[1].name"),
        (
            {"agents": [BOSS, {**WRITER, "max_consecutive_auto_reply": -1}]},
            "agents[1].max_consecutive_auto_reply",
        ),
        ({"speaker_selection_method": "random"}, "speaker_selection_method"),
        ({"selector": "writer"}, "selector"),
        ({"max_round": 0}, "max_round"),
        ({"allow_repeat_speaker": "yes"}, "allow_repeat_speaker"),
        ({"human": "keyboard"}, "human"),
        ({"termination": 3}, "termination"),
        ({"task": 3}, "task"),
        ({"mode": "NEVER"}, "mode"),
        ({"llm": []}, "llm"),
    ],
)
def test_invalid_scenarios_exit_2_naming_the_field(tmp_path, capsys, change, field):
    code, _, err = simulate(tmp_path, {**BASIC, **change}, capsys)
    assert code == 2
    assert f"scenario field {field!r}" in err


@pytest.mark.parametrize(
    "change, kind",
    [
        ({"human": []}, "human"),
        ({"agents": [BOSS, {"name": "writer", "kind": "assistant", "llm": ["Draft 1."]}]}, "llm"),
        ({"speaker_selection_method": "auto", "selector": ["writer"]}, "selector"),
    ],
)
def test_a_script_that_runs_out_exits_3_naming_which(tmp_path, capsys, change, kind):
    code, _, err = simulate(tmp_path, {**BASIC, **change}, capsys)
    assert code == 3
    assert f"the {kind} script ran out" in err
    assert "call #2" in err or "asked a 2nd time" in err or "asked a 1st time" in err  # and when


def test_console_human_without_a_terminal_exits_4(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "hitl_modes", "simulate", write(tmp_path, {**BASIC, "human": "console"}), "--json"],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=60,
    )
    assert proc.returncode == 4, proc.stderr
    assert proc.stdout == ""


# -- agreement with AutoGen on random scenarios ----------------------------------------------

NAMES = ["boss", "writer", "critic", "editor", "tester"]


def random_scenario(rng: random.Random):
    n = rng.randint(2, 4)
    names = rng.sample(NAMES, n)
    agents = []
    for name in names:
        if rng.random() < 0.5:
            member = {"name": name, "kind": "human", "mode": rng.choice(["NEVER", "TERMINATE", "ALWAYS"])}
        else:
            replies = [rng.choice(["draft", "more", "done. TERMINATE", "TERMINATE", "DONE", ""]) for _ in range(6)]
            member = {"name": name, "kind": "assistant", "llm": replies}
        if rng.random() < 0.3:
            member["max_consecutive_auto_reply"] = rng.randint(0, 3)
        if rng.random() < 0.3:
            member["default_auto_reply"] = rng.choice(["ok", "", "TERMINATE"])
        agents.append(member)
    scenario = {
        "task": "Plan the launch.",
        "agents": agents,
        "speaker_selection_method": rng.choice(["auto", "round_robin", "manual"]),
        "selector": [
            rng.choice([*names, f"{names[0]} or {names[1]}", "nobody", f"I pick {names[-1]}."]) for _ in range(12)
        ],
        "human": [rng.choice(["", "", "exit", "Keep going.", "1", "2", "3", "q", "x", "TERMINATE"]) for _ in range(12)],
    }
    if rng.random() < 0.7:
        scenario["max_round"] = rng.randint(1, 8)
    if rng.random() < 0.4:
        scenario["allow_repeat_speaker"] = rng.choice([True, False])
    if rng.random() < 0.5:
        scenario["termination"] = rng.choice(["TERMINATE", "DONE", None])
    return scenario


def run_directly(scenario):
    """The same group chat written by hand on AutoGen, without the toolkit's scenario code."""
    routes = {a["name"]: a["llm"] for a in scenario["agents"] if a["kind"] == "assistant"}
    marker = scenario.get("termination", "TERMINATE")

    def is_term(m):
        return marker in (m.get("content") or "")

    with ScriptedModelServer({**routes, "selector-route": scenario["selector"]}) as server:
        agents = []
        for a in scenario["agents"]:
            extra = {k: a[k] for k in ("max_consecutive_auto_reply", "default_auto_reply") if k in a}
            if a["kind"] == "assistant":
                agents.append(autogen.AssistantAgent(a["name"], llm_config=server.llm_config(a["name"]), **extra))
            else:
                if marker is not None:
                    extra["is_termination_msg"] = is_term
                agents.append(
                    autogen.UserProxyAgent(a["name"], human_input_mode=a["mode"], code_execution_config=False, **extra)
                )
        gc_kwargs = {"speaker_selection_method": scenario["speaker_selection_method"]}
        for key in ("max_round", "allow_repeat_speaker"):
            if scenario.get(key) is not None:
                gc_kwargs[key] = scenario[key]
        group = autogen.GroupChat(agents, messages=[], **gc_kwargs)
        manager = autogen.GroupChatManager(
            group,
            llm_config=server.llm_config("selector-route"),
            **({"is_termination_msg": is_term} if marker is not None else {}),
        )
        with ScriptedHuman(scenario["human"], strict=False, echo=False) as human:
            agents[0].initiate_chat(manager, message=scenario["task"], silent=True)
    return {
        "messages": [{"name": m.get("name"), "content": m.get("content")} for m in group.messages],
        "human_prompts": human.prompts,
        "human_replies": human.replies,
        "llm_calls": sum(server.route(n).call_count for n in routes),
        "selector_calls": server.route("selector-route").call_count,
    }


@pytest.mark.parametrize("seed", range(30))
def test_simulate_agrees_with_autogen_on_random_group_scenarios(tmp_path, capsys, seed):
    scenario = random_scenario(random.Random(seed))
    parse_group_scenario(scenario)  # the generator only makes valid scenarios
    try:
        expected = run_directly(scenario)
    except ScriptExhaustedError:
        expected = None
    code, report, err = simulate(tmp_path, scenario, capsys)
    if expected is None:
        assert code == 3, err
        return
    assert code == 0, err
    got = {k: report[k] for k in expected}
    assert got == expected


def test_random_scenarios_cover_every_method_and_mode():
    seen = set()
    for seed in range(30):
        s = random_scenario(random.Random(seed))
        seen.add(s["speaker_selection_method"])
        seen.update(a.get("mode", "assistant") for a in s["agents"])
    assert seen == {"auto", "round_robin", "manual", "NEVER", "TERMINATE", "ALWAYS", "assistant"}


def test_help_and_readme_document_both_shapes_with_examples_that_run(tmp_path, capsys):
    from pathlib import Path

    from hitl_modes.cli import SIMULATE_HELP

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    section = readme[readme.index("### Group chats: a scenario with `agents`") :]
    example = section[section.index("```json") + len("```json") : section.index("```", section.index("```json") + 7)]
    code, report, err = simulate(tmp_path, json.loads(example), capsys)
    assert code == 0, err
    assert report["messages"][-1]["content"] == "Final. TERMINATE"
    for shape in ("two agents", "a group chat"):
        assert shape in SIMULATE_HELP
    start = SIMULATE_HELP.index('{"task": "Write the release notes"')
    help_example = SIMULATE_HELP[start : SIMULATE_HELP.index("\n  fields:", start)]
    code, report, err = simulate(tmp_path, json.loads(help_example), capsys)
    assert code == 0, err


def test_without_a_task_the_first_agent_asks_the_human_for_it(tmp_path, capsys):
    scenario = {
        "agents": [{"name": "boss", "kind": "human", "mode": "NEVER"}, WRITER],
        "speaker_selection_method": "round_robin",
        "human": ["Write the notes."],
        "max_round": 2,
    }
    code, report, err = simulate(tmp_path, scenario, capsys)
    assert code == 0, err
    assert report["human_prompts"] == [">"] and report["messages"][0] == {"name": "boss", "content": "Write the notes."}
    assert report["messages"] == run_directly({**scenario, "task": None, "selector": []})["messages"]
    main(["simulate", write(tmp_path, scenario)])
    assert "boss asks the human (initial_message)" in capsys.readouterr().out
