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


# -- the picture at any length ------------------------------------------------------------------
NS = "{http://www.w3.org/2000/svg}"
LONG_REPLY = "Please use the billing_v2 schema and keep the old one around for a week, then drop it."


def long_chat():
    llm = [f"Step {i}: a long reply from the model about step {i} of the migration plan." for i in range(1, 9)]
    human = ["", LONG_REPLY] + [""] * 7
    return run(mode="ALWAYS", llm=llm + ["Done. TERMINATE"], human=human)


def test_a_long_chat_wraps_onto_rows_instead_of_running_off_the_right():
    from hitl_modes.chat.picture import COLUMNS_PER_ROW, LEFT, STEP

    trace = long_chat()
    assert len(trace.messages) >= 12
    root = ET.fromstring(trace.to_svg())
    width = float(root.get("width"))
    assert width <= LEFT + STEP * (COLUMNS_PER_ROW + 1) + 170, "the width is bounded, whatever the length"
    assert root.get("viewBox") == f"0 0 {root.get('width')} {root.get('height')}" and "max-width:100%" in root.get(
        "style"
    ), "in HTML it scales down to the page"
    for element in root.iter():
        for attr in ("x", "x1", "x2", "cx"):
            if element.get(attr) is not None:
                assert float(element.get(attr)) <= width, f"{element.tag} drawn past the right edge"
    assert sum(1 for t in root.iter(NS + "text") if t.text == "… continued") >= 2


def test_full_texts_on_hover_and_as_much_as_fits_on_the_lane():
    trace = long_chat()
    root = ET.fromstring(trace.to_svg())
    tips = [t.text for t in root.iter(NS + "title")]
    assert any(LONG_REPLY in (tip or "") for tip in tips), "the human's whole reply is in a <title>"
    assert any("Step 3: a long reply from the model about step 3 of the migration plan." in (tip or "") for tip in tips)
    replies = [g for g in root.iter(NS + "g") if g.get("class") == "human-reply"]
    (reply,) = [g for g in replies if "billing" in ET.tostring(g, "unicode")]
    shown = reply.find(NS + "text").text
    assert len(shown) > 30, f"more than a stub of the reply is shown on the lane: {shown!r}"


def test_the_picture_has_a_title_alt_text_and_the_shared_legend():
    from hitl_modes.chat.trace import LEGEND

    trace = run(mode="TERMINATE", llm=["a TERMINATE", "b TERMINATE"], human=["again", ""])
    root = ET.fromstring(trace.to_svg("feedback, then Enter", legend=True))
    assert root.find(NS + "title").text == "feedback, then Enter"
    alt = root.find(NS + "desc").text
    assert root.get("role") == "img" and root.get("aria-label") == alt
    assert "user_proxy, assistant" in alt and "asked 2 times" in alt and "termination_msg" in alt
    texts = [t.text for t in root.iter(NS + "text")]
    assert "feedback, then Enter" in texts
    assert all(meaning in texts for _, meaning in LEGEND), "the picture's legend is the text timeline's"
    assert "How to read it" not in trace.to_svg(), "the legend only when asked for"


def test_html_embeds_the_svg_inline_so_hover_texts_work_in_jupyterlab():
    trace = run(mode="NEVER", llm=["x TERMINATE"])
    page = trace._repr_html_()
    assert page.startswith('<div class="hitl-timeline"') and "<svg" in page and "<img" not in page
    assert not hasattr(trace, "_repr_svg_"), "image/svg+xml would be shown as an <img> in JupyterLab"
