"""What happened in a chat, in order: messages, human prompts and replies, auto-replies, code
executions, and why it stopped. Renders as a text timeline and, in notebooks, as an SVG picture."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Dict, Iterator, List, Optional

__all__ = ["Event", "StopReason", "Trace", "STOP_REASONS", "EVENT_KINDS", "SOURCES", "LEGEND", "legend_text"]

#: Why a chat stopped. ``no_reply`` covers a reply chain that produced nothing (for example
#: ``default_auto_reply=None``, or a model that returned no content). ``human_cancel`` is set by
#: :mod:`hitl_modes.agents.workflow` when a checkpoint's human hung up (EOF, Ctrl-C, nobody there).
#: ``human_timeout``: nobody answered in time and the asker applied its default (the detail says
#: which); ``gate_decision``: a gate (an approval, a risk check) decided and ended the chat.
STOP_REASONS = (
    "termination_msg",
    "human_exit",
    "human_timeout",
    "gate_decision",
    "max_consecutive_auto_reply",
    "max_turns",
    "no_reply",
    "human_cancel",
)

#: Why a group chat stopped, besides a member's own reasons above (``chat.record.GroupRecorder``):
#: ``max_round`` messages were posted, or speaker selection found no eligible speaker.
GROUP_STOP_REASONS = ("max_round", "no_eligible_speaker")

EVENT_KINDS = (
    "message",
    "human_prompt",
    "human_reply",
    "human_timeout",
    "auto_reply",
    "code_execution",
    "decision",
    "stop",
)

#: Where a message's text came from: the column after sender → recipient in the timeline.
SOURCES = {
    "task": "the chat's first message",
    "llm": "written by the model",
    "human": "typed by the human",
    "auto_reply": "an automatic reply (no model, no human)",
    "code_result": "the output of code that was executed",
    "tool_result": "the result of a tool call",
    "reply": "sent outside AutoGen's reply chain",
}

#: One legend for the text timeline and the picture: (symbol, what it marks).
LEGEND = (
    ("N", "a message: sender → recipient, where its text came from, and the text"),
    ("?", "an agent asks the human, and why (termination_msg, max_consecutive_auto_reply, every_turn, custom)"),
    ("↵", "the human's answer; (Enter) is an empty answer"),
    ("⧗", "nobody answered in time: the agent applied its default"),
    ("⟳", "an agent replies on its own, without the model or the human"),
    ("▶", "an agent executes a code block"),
    ("◆", "a gate decides: approved, rejected, auto-approved, ..."),
    ("■", "why the chat stopped"),
)


def legend_text() -> str:
    """The legend, as printed once at the top of ``make demo``."""
    lines = ["How to read a timeline:"]
    lines += [f"  {symbol:>3}  {meaning}" for symbol, meaning in LEGEND]
    lines.append("  where a message's text came from (the column after sender → recipient):")
    lines += [f"    {name:<11} {meaning}" for name, meaning in SOURCES.items()]
    return "\n".join(lines)


@dataclass(frozen=True)
class Event:
    """One thing that happened.

    kind: one of :data:`EVENT_KINDS`. A ``human_timeout`` is a default applied because nobody
    answered (``content``: the default, ``detail``: how long it waited), never a human's reply; a
    ``decision`` is a gate's (``content``: the decision, ``detail``: what followed).
    For messages ``agent`` is the sender and ``source`` says where
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
            elif e.kind == "human_timeout":
                lines.append(f"  ⧗  nobody answered {e.agent} ({e.detail}): it applied the default {e.content!r}")
            elif e.kind == "decision":
                lines.append(f"  ◆  {e.agent} decides: {e.content}{' — ' + e.detail if e.detail else ''}")
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
    def to_svg(self, title: str = "", *, legend: bool = False) -> str:
        """An SVG timeline: one lane per agent plus the human. Full texts are on hover; a long
        chat wraps onto more rows instead of running off the right. See :mod:`.picture`."""
        from .picture import timeline_svg

        return timeline_svg(self, title, legend=legend)

    def to_html(self, title: str = "", *, legend: bool = False) -> str:
        """The SVG inline in HTML, scaled to the width of the page: what a notebook shows (JupyterLab
        shows ``image/svg+xml`` as an ``<img>``, where hover texts never appear)."""
        from .picture import timeline_html

        return timeline_html(self, title, legend=legend)

    def _repr_html_(self) -> str:
        return self.to_html()


def _clip(text: str, width: int) -> str:
    one_line = " ".join(str(text).split())
    return repr(one_line if len(one_line) <= width else one_line[: width - 1] + "…")
