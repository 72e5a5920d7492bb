"""The picture of a trace: an SVG timeline with one lane per agent plus the human.

Every mark carries its full text as an SVG ``<title>`` (shown on hover), and a label as long as
the free room on its lane allows. A long chat wraps onto more rows instead of running off the
right; in HTML the picture also scales down to the width of the page. The legend is the same
one the text timeline uses (:data:`hitl_modes.chat.trace.LEGEND`).
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Callable, Dict, List, Sequence, Tuple

from .trace import LEGEND, SOURCES

if TYPE_CHECKING:
    from .trace import Event, Trace

__all__ = ["timeline_svg", "timeline_html", "alt_text", "COLUMNS_PER_ROW"]

#: Columns (events) per row: a longer chat wraps onto the next row.
COLUMNS_PER_ROW = 12
STEP = 70  # px between columns
LEFT = 110  # room for the lane names
LANE_GAP = 44
CHAR_WIDTH = 6.0  # average width of one character at font-size 11

COLOURS = {
    "task": "#555",
    "llm": "#1f77b4",
    "human": "#e67e22",
    "auto_reply": "#7f7f7f",
    "code_result": "#2ca02c",
    "tool_result": "#2ca02c",
    "reply": "#555",
}
HUMAN, TIMEOUT, DECISION, STOP, CODE = "#e67e22", "#7f7f7f", "#8e44ad", "#d62728", "#2ca02c"
DRAWN = ("message", "human_prompt", "human_reply", "human_timeout", "code_execution", "decision", "stop")


def alt_text(trace: Trace, title: str = "") -> str:
    """One sentence for screen readers and notebook converters: who talked, how often the human
    was asked, why the chat stopped."""
    agents = _lanes(trace)[:-1]
    stop = trace.stop
    parts = [
        f"Timeline{' of ' + title if title else ''}: a chat between {', '.join(agents) or 'no agents'}",
        f"{len(trace.messages)} messages",
        f"the human was asked {len(trace.human_prompts)} times",
    ]
    timeouts = len(trace.of_kind("human_timeout"))
    if timeouts:
        parts.append(f"{timeouts} time(s) nobody answered and a default was applied")
    parts.append(f"stopped: {stop}" if stop else "no stop recorded")
    return "; ".join(parts) + "."


def timeline_html(trace: Trace, title: str = "", *, legend: bool = False) -> str:
    """The SVG inline (hover texts work in JupyterLab and in nbconvert's HTML), scaled to fit."""
    svg = timeline_svg(trace, title, legend=legend)
    return f'<div class="hitl-timeline" style="max-width:100%;overflow-x:auto">{svg}</div>'


def timeline_svg(trace: Trace, title: str = "", *, legend: bool = False) -> str:
    lanes = _lanes(trace)
    cols = [e for e in trace.events if e.kind in DRAWN]
    rows = [cols[i : i + COLUMNS_PER_ROW] for i in range(0, len(cols), COLUMNS_PER_ROW)] or [[]]
    if len(rows) > 1 and len(rows[-1]) == 1:  # a lone stop mark joins the row before
        rows[-2:] = [rows[-2] + rows[-1]]
    per_row = max(1, max(len(row) for row in rows))
    width = LEFT + STEP * per_row + 170  # room for the stop label
    top = 26 if title else 8
    row_height = 24 + LANE_GAP * len(lanes)
    legend_height = 18 * (len(LEGEND) + 2) if legend else 0
    height = top + row_height * len(rows) + legend_height + 8
    summary = alt_text(trace, title)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" style="max-width:100%;height:auto" role="img" '
        f'aria-label="{html.escape(summary)}" font-family="sans-serif" font-size="11">',
        f"<title>{html.escape(title or 'Chat timeline')}</title><desc>{html.escape(summary)}</desc>",
    ]
    if title:
        out.append(f'<text x="6" y="16" font-size="13" font-weight="bold">{html.escape(title)}</text>')
    for r, row in enumerate(rows):
        y0 = top + row_height * r + 20
        out += _row(row, lanes, {name: y0 + LANE_GAP * i for i, name in enumerate(lanes)}, width, r > 0)
    if legend:
        out += _legend(top + row_height * len(rows) + 6)
    out.append("</svg>")
    return "".join(out)


def _lanes(trace: Trace) -> List[str]:
    agents: List[str] = []
    for e in trace.events:
        for name in (e.agent, e.recipient):
            if name and e.kind != "stop" and name not in agents:
                agents.append(name)
    return agents + ["human"]


def _marks(e: Event, lane_y: Dict[str, int]) -> Tuple[int, ...]:
    """The lanes (y) where a column puts a mark or a label; lines merely crossing a lane don't count."""
    own = lane_y.get(e.agent, next(iter(lane_y.values())))
    if e.kind == "message":
        return own, lane_y.get(e.recipient, own)
    if e.kind == "human_prompt":
        return own, lane_y["human"]
    if e.kind in ("human_reply", "human_timeout"):
        return (lane_y["human"],)
    return (own,)


def _room(row: Sequence[Event], i: int, y: int, lane_y: Dict[str, int], tail: int) -> int:
    """Characters that fit on the lane at ``y`` from column ``i`` up to the next mark on it."""
    for j in range(i + 1, len(row)):
        if y in _marks(row[j], lane_y):
            return max(0, int((STEP * (j - i) - 12) / CHAR_WIDTH))
    return max(0, int((STEP * (len(row) - i) + tail - 12) / CHAR_WIDTH))


def _fit(text: str, chars: int) -> str:
    one_line = " ".join(str(text).split())
    if chars <= 1:
        return ""
    return one_line if len(one_line) <= chars else one_line[: chars - 1] + "…"


def _row(row: Sequence[Event], lanes: List[str], lane_y: Dict[str, int], width: int, continued: bool) -> List[str]:
    out = []
    for name, y in lane_y.items():
        out.append(f'<text x="6" y="{y + 4}" font-weight="bold">{html.escape(name)}</text>')
        out.append(f'<line x1="{LEFT - 10}" y1="{y}" x2="{width - 10}" y2="{y}" stroke="#ccc"/>')
    if continued:
        out.append(f'<text x="{LEFT - 10}" y="{min(lane_y.values()) - 12}" fill="#888">… continued</text>')
    for i, e in enumerate(row):
        x = LEFT + STEP * i + STEP // 2
        full = e.content if e.kind != "stop" else f"{e.content}: {e.detail}"
        tip = html.escape(f"{_describe(e)}\n{full}" if full else _describe(e))
        if e.kind == "message":
            y1, y2 = lane_y[e.agent], lane_y.get(e.recipient, lane_y[e.agent])
            c = COLOURS.get(e.source, "#555")
            head = y2 - 6 if y2 > y1 else y2 + 6
            label = _fit(e.content, _room(row, i, y1, lane_y, 160))
            out.append(
                f'<g class="message {html.escape(e.source)}"><title>{tip}</title>'
                f'<line x1="{x}" y1="{y1}" x2="{x}" y2="{y2}" stroke="{c}" stroke-width="2"/>'
                f'<circle cx="{x}" cy="{y1}" r="4" fill="{c}"/>'
                f'<polygon points="{x - 4},{head} {x + 4},{head} {x},{y2}" fill="{c}"/>'
                f'<text x="{x + 6}" y="{y1 - 5}" fill="{c}">{html.escape(label)}</text></g>'
            )
        elif e.kind == "human_prompt":
            y = lane_y["human"]
            out.append(
                f'<g><title>{tip}</title><line x1="{x}" y1="{lane_y[e.agent]}" x2="{x}" y2="{y}" '
                f'stroke="{HUMAN}" stroke-dasharray="3,2"/>'
                f'<polygon class="human-asked" points="{x},{y - 8} {x + 8},{y} {x},{y + 8} {x - 8},{y}" '
                f'fill="{HUMAN}"/><text x="{x - 3}" y="{y + 4}" fill="white" font-weight="bold">?</text></g>'
            )
        elif e.kind in ("human_reply", "human_timeout"):
            y = lane_y["human"]
            room = _room(row, i, y, lane_y, 160)
            if e.kind == "human_reply":
                label = "(Enter)" if e.content == "" else _fit(repr(e.content), room)
                colour, css = HUMAN, "human-reply"
            else:
                label, colour, css = _fit(f"no answer: default {e.content!r}", room), TIMEOUT, "human-timeout"
            clock = _clock(x, y) if e.kind == "human_timeout" else ""
            out.append(
                f'<g class="{css}"><title>{tip}</title>{clock}<text x="{x - 14}" y="{y + 20}" fill="{colour}">'
                f"{html.escape(label)}</text></g>"
            )
        elif e.kind == "code_execution":
            y = lane_y[e.agent]
            square = f'<rect x="{x - 6}" y="{y - 6}" width="12" height="12" fill="{CODE}"/>'
            out.append(f"<g><title>{tip}</title>{square}</g>")
        elif e.kind == "decision":
            y = lane_y[e.agent]
            label = _fit(e.content, _room(row, i, y, lane_y, 160))
            out.append(
                f'<g class="decision"><title>{tip}</title><polygon points="{x},{y - 7} {x + 7},{y} {x},{y + 7} '
                f'{x - 7},{y}" fill="{DECISION}"/><text x="{x + 9}" y="{y - 5}" fill="{DECISION}">'
                f"{html.escape(label)}</text></g>"
            )
        elif e.kind == "stop":
            y = lane_y.get(e.agent, lane_y[lanes[0]])
            out.append(
                f'<g class="stop"><title>{tip}</title><rect x="{x - 7}" y="{y - 7}" width="14" height="14" '
                f'fill="{STOP}"/><text x="{x + 10}" y="{y + 4}" fill="{STOP}">{html.escape(e.content)}</text></g>'
            )
    return out


def _clock(x: int, y: int) -> str:
    """The mark for a wait that ran out: a small clock (fonts may lack an hourglass glyph)."""
    return (
        f'<circle cx="{x}" cy="{y}" r="6" fill="white" stroke="{TIMEOUT}" stroke-width="1.5"/>'
        f'<path d="M{x},{y - 4} V{y} H{x + 3}" stroke="{TIMEOUT}" fill="none"/>'
    )


def _describe(e: Event) -> str:
    if e.kind == "message":
        return f"{e.agent} → {e.recipient} ({e.source}: {SOURCES.get(e.source, e.source)})"
    if e.kind == "human_prompt":
        return f"{e.agent} asks the human ({e.detail})"
    if e.kind == "human_reply":
        return "the human answered" + (" with Enter (an empty reply)" if e.content == "" else ":")
    if e.kind == "human_timeout":
        return f"nobody answered {e.agent} ({e.detail}): it applied the default"
    if e.kind == "code_execution":
        return f"{e.agent} executes a {e.detail or 'code'} block"
    if e.kind == "decision":
        return f"{e.agent}'s gate decides{': ' + e.detail if e.detail else ''}"
    return f"stopped{' on ' + e.agent if e.agent else ''}"


def _legend(y: int) -> List[str]:
    """The shared legend, each entry with the mark the picture uses for it."""

    def diamond(cy: int, colour: str) -> str:
        return f'<polygon points="14,{cy - 5} 20,{cy} 14,{cy + 5} 8,{cy}" fill="{colour}"/>'

    def square(cy: int, colour: str) -> str:
        return f'<rect x="9" y="{cy - 5}" width="10" height="10" fill="{colour}"/>'

    marks: Dict[str, Callable[[int], str]] = {
        "N": lambda cy: f'<circle cx="14" cy="{cy}" r="4" fill="{COLOURS["llm"]}"/>',
        "?": lambda cy: diamond(cy, HUMAN),
        "↵": lambda cy: f'<text x="8" y="{cy + 4}" fill="{HUMAN}">\'…\'</text>',
        "⧗": lambda cy: _clock(14, cy),
        "⟳": lambda cy: f'<circle cx="14" cy="{cy}" r="4" fill="{COLOURS["auto_reply"]}"/>',
        "▶": lambda cy: square(cy, CODE),
        "◆": lambda cy: diamond(cy, DECISION),
        "■": lambda cy: square(cy, STOP),
    }
    out = [f'<g class="legend"><text x="6" y="{y + 4}" font-weight="bold">How to read it</text>']
    for n, (symbol, meaning) in enumerate(LEGEND, start=1):
        cy = y + 18 * n
        mark = marks[symbol](cy)
        out.append(f'{mark}<text x="28" y="{cy + 4}">{html.escape(meaning)}</text>')
    cy = y + 18 * (len(LEGEND) + 1)
    x = 28
    out.append(f'<text x="6" y="{cy + 4}">colours:</text>')
    for source in ("llm", "human", "auto_reply", "code_result", "task"):
        out.append(f'<text x="{x + 28}" y="{cy + 4}" fill="{COLOURS[source]}">{source}</text>')
        x += 14 + int(CHAR_WIDTH * len(source))
    out.append("</g>")
    return out
