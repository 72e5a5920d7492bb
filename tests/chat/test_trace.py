"""The recorded trace: events in order, a text timeline, and a picture that marks the human."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from hitl_modes.course.scenario import parse_scenario, run_scenario


def run(**scenario):
    r, _, _ = run_scenario(parse_scenario({"task": "t", **scenario}), quiet=True)
    return r.trace


def test_events_are_in_order_with_sources():
    trace = run(
        mode="TERMINATE", llm=["a", "b TERMINATE", "c TERMINATE"], human=["more", ""], max_consecutive_auto_reply=5
    )
    kinds = [(e.kind, e.agent, e.source or e.detail) for e in trace]
    assert kinds == [
        ("message", "user_proxy", "task"),
        ("message", "assistant", "llm"),
        ("auto_reply", "user_proxy", "default_auto_reply"),
        ("message", "user_proxy", "auto_reply"),
        ("message", "assistant", "llm"),
        ("human_prompt", "user_proxy", "termination_msg"),
        ("human_reply", "user_proxy", ""),
        ("message", "user_proxy", "human"),
        ("message", "assistant", "llm"),
        ("human_prompt", "user_proxy", "termination_msg"),
        ("human_reply", "user_proxy", ""),
        ("stop", "user_proxy", "user_proxy received a termination message and the human pressed Enter"),
    ]


def test_timeline_shows_speakers_prompts_and_stop():
    trace = run(mode="ALWAYS", llm=["a", "b"], human=["", "exit"])
    text = trace.timeline()
    lines = text.splitlines()
    assert lines[0].split()[:4] == ["1", "user_proxy", "→", "assistant"]
    assert sum(line.startswith("  ?  user_proxy asks the human (every_turn)") for line in lines) == 2
    assert "↵  human: (Enter)" in text and "↵  human: 'exit'" in text
    assert lines[-1].startswith("  ■  stopped: human_exit on user_proxy")


def test_svg_is_well_formed_and_marks_each_time_the_human_was_asked():
    trace = run(mode="TERMINATE", llm=["a TERMINATE", "b TERMINATE"], human=["again", ""])
    svg = trace.to_svg()
    root = ET.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"
    diamonds = [p for p in root.iter(ns + "polygon") if p.get("class") == "human-asked"]
    assert len(diamonds) == len(trace.human_prompts) == 2
    labels = [t.text for t in root.iter(ns + "text")]
    assert {"user_proxy", "assistant", "human"} <= set(labels)
    assert "termination_msg" in labels


def test_svg_escapes_message_text():
    trace = run(mode="NEVER", llm=["<script>alert(1)</script> TERMINATE"])
    svg = trace.to_svg()
    assert "<script>" not in svg
    ET.fromstring(svg)


def test_trace_to_dict_round_trips_through_json():
    import json

    trace = run(mode="NEVER", llm=["x TERMINATE"])
    data = json.loads(json.dumps(trace.to_dict()))
    assert [e["kind"] for e in data["events"]] == ["message", "message", "stop"]
