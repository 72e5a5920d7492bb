"""The run's account of itself: the timeline printed as the notebook runs, and the cell that stopped it.

Light on purpose (no nbclient, no AutoGen): the command builds a :class:`Timeline` before the kernel starts.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any, Callable, List, Optional

from ..chat.llm import Reply
from ..chat.server import ServerRequest
from ..errors import HitlModesError
from .script import said
from .stdin import HumanPrompt

__all__ = ["CellFailure", "Timeline"]


@dataclass(frozen=True)
class CellFailure:
    """The cell that stopped the run: its 1-based number in the notebook (0: the kernel, before any cell)
    and what went wrong."""

    number: int
    error: str
    source: str

    def describe(self) -> str:
        first = next((line for line in self.source.splitlines() if line.strip()), "")
        error = self.error if len(self.error) <= 300 else self.error[:299] + "…"
        if self.number == 0:  # before the first cell: the kernel itself
            return f"the kernel did not start: {error}"
        return f"cell {self.number} raised {error}" + (f" (the cell begins: {first[:80]!r})" if first else "")


def _short(text: Any, width: int = 70) -> str:
    flat = " ".join(str(text if text is not None else "").split())
    return repr(flat if len(flat) <= width else flat[: width - 1] + "…")


class Timeline:
    """The compact terminal timeline: one line per model call and per human prompt, with its cell."""

    def __init__(self, echo: Optional[Callable[[str], None]] = None) -> None:
        self.lines: List[str] = []
        self.cell = 0
        self.replies = 0
        self.refused = 0
        self._echo = echo
        self._lock = threading.Lock()

    def add(self, line: str) -> None:
        """One line, prefixed with the cell it happened in."""
        with self._lock:
            line = f"[cell {self.cell}] {line}"
            self.lines.append(line)
            if self._echo is not None:
                self._echo(line)

    def model_call(self, request: ServerRequest, reply: Optional[Reply], error: Optional[HitlModesError]) -> None:
        messages = request.body.get("messages") or []
        last = messages[-1] if messages else {}
        sender = last.get("name") or last.get("role") or "?"
        asked = f"model call #{request.call} ({request.model}, {len(messages)} messages, last from {sender}: "
        asked += f"{_short(last.get('content'), 50)})"
        if error is not None:
            self.refused += 1
            if self.refused == 1:  # AutoGen then tries each other config in its list: one line says it all
                self.add(f"{asked} -> REFUSED: {str(error).split('. ')[0]}")
            return
        self.replies += 1
        text = reply if isinstance(reply, str) else (reply or {}).get("content")
        self.add(f"{asked} -> reply #{self.replies}: {said(reply) or _short(text)}")

    def human_prompt(self, prompt: HumanPrompt) -> None:
        kind = "getpass" if prompt.password else "input"
        if prompt.answer is None:
            answered = "no answer (EOFError)"
        elif prompt.password:
            answered = "(hidden)"
        else:
            answered = repr(prompt.answer)
        self.add(f"human prompt #{prompt.call} ({kind}) {_short(prompt.prompt)} -> {answered}")
