"""What happened in a chat, in order: messages, human prompts and replies, auto-replies, code
executions, and why it stopped. Renders as a text timeline and, in notebooks, as an SVG picture."""

from __future__ import annotations

import html
from dataclasses import asdict, dataclass, field
from typing import Any, Dict, Iterator, List, Optional

__all__ = ["Event", "StopReason", "Trace", "STOP_REASONS"]

#: Why a chat stopped. ``no_reply`` covers a reply chain that produced nothing (for example
#: ``default_auto_reply=None``, or a model that returned no content). ``human_cancel`` is set by
#: :mod:`hitl_modes.agents.workflow` when a checkpoint's human hung up (EOF, Ctrl-C, nobody there).
STOP_REASONS = ("termination_msg", "human_exit", "max_consecutive_auto_reply", "max_turns", "no_reply", "human_cancel")

#: Why a group chat stopped, besides a member's own reasons above (``chat.record.GroupRecorder``):
#: ``max_round`` messages were posted, or speaker selection found no eligible speaker.
GROUP_STOP_REASONS = ("max_round", "no_eligible_speaker")

EVENT_KINDS = ("message", "human_prompt", "human_reply", "auto_reply", "code_execution", "stop")


@dataclass(frozen=True)
class Event:
    """One thing that happened.

    kind: one of ``message``, ``human_prompt``, ``human_reply``, ``auto_reply``,
    ``code_execution``, ``stop``. For messages ``agent`` is the sender and ``source`` says where
    the text came from (``task``, ``llm``, ``human``, ``auto_reply``, ``code_result``,
    ``tool_result``, ``reply``). For human events ``agent`` is the agent that asked and ``detail``
    says why it asked (``termination_msg``, ``max_consecutive_auto_reply``, ``every_turn``,
    ``initial_message``).
    """

    kind: str
    agent: str
    content: str = ""
    recipient: str = ""
    source: str = ""
    detail: str = ""


@dataclass(frozen=True)
class StopReason:
    reason: str
    agent: str = ""
    detail: str = ""

    def __str__(self) -> str:
        where = f" ({self.agent})" if self.agent else ""
        return f"{self.reason}{where}: {self.detail}" if self.detail else f"{self.reason}{where}"


@dataclass
class Trace:
    """The ordered events of one chat (or several, when recorded together)."""

    events: List[Event] = field(default_factory=list)

    def __iter__(self) -> Iterator[Event]:
        return iter(self.events)

    def __len__(self) -> int:
        return len(self.events)

    def of_kind(self, kind: str) -> List[Event]:
        return [e for e in self.events if e.kind == kind]

    @property
    def messages(self) -> List[Event]:
        return self.of_kind("message")

    @property
    def human_prompts(self) -> List[str]:
        return [e.content for e in self.of_kind("human_prompt")]

    @property
    def human_replies(self) -> List[str]:
        return [e.content for e in self.of_kind("human_reply")]

    @property
    def stop(self) -> Optional[StopReason]:
        stops = self.of_kind("stop")
        if not stops:
            return None
        s = stops[-1]
        return StopReason(s.content, s.agent, s.detail)

    @property
    def stop_reason(self) -> Optional[str]:
        return self.stop.reason if self.stop else None

    def to_dict(self) -> Dict[str, Any]:
        return {"events": [asdict(e) for e in self.events]}

    # -- text ---------------------------------------------------------------------------------
    def timeline(self, width: int = 72) -> str:
        """A compact text timeline: who spoke, where the human was asked, why it stopped."""
        lines = []
        n = 0
        for e in self.events:
            if e.kind == "message":
                n += 1
                who = f"{e.agent} → {e.recipient}"
                lines.append(f"{n:>3}  {who:<26} {e.source:<11} {_clip(e.content, width)}")
            elif e.kind == "human_prompt":
                lines.append(f"  ?  {e.agent} asks the human ({e.detail}): {_clip(e.content, width)}")
            elif e.kind == "human_reply":
                shown = "(Enter)" if e.content == "" else _clip(e.content, width)
                lines.append(f"  ↵  human: {shown}")
            elif e.kind == "auto_reply":
                lines.append(f"  ⟳  {e.agent} auto-replies ({e.detail})")
            elif e.kind == "code_execution":
                lines.append(f"  ▶  {e.agent} executes a {e.detail or 'code'} block")
            elif e.kind == "stop":
                who = f" on {e.agent}" if e.agent else ""
                lines.append(f"  ■  stopped: {e.content}{who} — {e.detail}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.timeline()

    # -- picture ------------------------------------------------------------------------------
    def to_svg(self) -> str:
        """An SVG timeline: one lane per agent plus the human; orange diamonds mark each time the
        human was asked, and a red square marks the stop."""
        agents: List[str] = []
        for e in self.events:
            for name in (e.agent, e.recipient):
                if name and e.kind != "stop" and name not in agents:
                    agents.append(name)
        lanes = agents + ["human"]
        lane_y = {name: 40 + 48 * i for i, name in enumerate(lanes)}
        step, left = 56, 110
        cols = [
            e for e in self.events if e.kind in ("message", "human_prompt", "human_reply", "stop", "code_execution")
        ]
        width = left + step * (len(cols) + 1) + 140  # room for the stop label
        height = 40 + 48 * len(lanes)
        out = [
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'font-family="sans-serif" font-size="11">'
        ]
        for name, y in lane_y.items():
            out.append(f'<text x="6" y="{y + 4}" font-weight="bold">{html.escape(name)}</text>')
            out.append(f'<line x1="{left - 10}" y1="{y}" x2="{width - 10}" y2="{y}" stroke="#ccc"/>')
        colours = {
            "task": "#555",
            "llm": "#1f77b4",
            "human": "#e67e22",
            "auto_reply": "#7f7f7f",
            "code_result": "#2ca02c",
            "tool_result": "#2ca02c",
            "reply": "#555",
        }
        for i, e in enumerate(cols):
            x = left + step * i + step // 2
            tip = html.escape(f"{e.kind} {e.agent}: {e.content}"[:300])
            if e.kind == "message":
                y1, y2 = lane_y[e.agent], lane_y.get(e.recipient, lane_y[e.agent])
                c = colours.get(e.source, "#555")
                out.append(
                    f'<g><title>{tip}</title><line x1="{x}" y1="{y1}" x2="{x}" y2="{y2}" '
                    f'stroke="{c}" stroke-width="2"/><circle cx="{x}" cy="{y1}" r="4" fill="{c}"/>'
                    f'<polygon points="{x - 4},{y2 - 6 if y2 > y1 else y2 + 6} {x + 4},'
                    f'{y2 - 6 if y2 > y1 else y2 + 6} {x},{y2}" fill="{c}"/>'
                    f'<text x="{x + 3}" y="{(y1 + y2) // 2}" fill="{c}">{html.escape(e.source)}</text></g>'
                )
            elif e.kind == "human_prompt":
                y = lane_y["human"]
                out.append(
                    f'<g><title>{tip}</title><line x1="{x}" y1="{lane_y[e.agent]}" x2="{x}" y2="{y}" '
                    f'stroke="#e67e22" stroke-dasharray="3,2"/>'
                    f'<polygon class="human-asked" points="{x},{y - 8} {x + 8},{y} '
                    f'{x},{y + 8} {x - 8},{y}" fill="#e67e22"/><text x="{x - 3}" y="{y + 4}" '
                    f'fill="white" font-weight="bold">?</text></g>'
                )
            elif e.kind == "human_reply":
                y = lane_y["human"]
                label = "Enter" if e.content == "" else e.content[:10]
                out.append(
                    f'<g><title>{tip}</title><text x="{x - 14}" y="{y + 20}" fill="#e67e22">'
                    f"{html.escape(label)}</text></g>"
                )
            elif e.kind == "code_execution":
                y = lane_y[e.agent]
                out.append(
                    f'<g><title>{tip}</title><rect x="{x - 6}" y="{y - 6}" width="12" height="12" fill="#2ca02c"/></g>'
                )
            elif e.kind == "stop":
                y = lane_y.get(e.agent, lane_y[lanes[0]])
                out.append(
                    f'<g><title>{html.escape(e.content + ": " + e.detail)}</title><rect x="{x - 7}" '
                    f'y="{y - 7}" width="14" height="14" fill="#d62728"/><text x="{x + 10}" y="{y + 4}" '
                    f'fill="#d62728">{html.escape(e.content)}</text></g>'
                )
        out.append("</svg>")
        return "".join(out)

    def _repr_svg_(self) -> str:
        return self.to_svg()


def _clip(text: str, width: int) -> str:
    one_line = " ".join(str(text).split())
    return repr(one_line if len(one_line) <= width else one_line[: width - 1] + "…")
