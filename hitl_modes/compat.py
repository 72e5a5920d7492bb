"""Differences between the classic distributions that the toolkit absorbs.

- ``ag2`` (0.8 and later) prints through ``IOStream.send(event)`` with structured event objects,
  not only ``IOStream.print``. Every stream the toolkit installs implements ``send``; the text of an
  event is what its own ``event.print()`` would write.
"""

from __future__ import annotations

from typing import Any, List

__all__ = ["event_text"]


def event_text(event: Any) -> str:
    """The text an ag2 event prints, captured instead of written to stdout."""
    parts: List[str] = []

    def capture(*objects: Any, sep: str = " ", end: str = "\n", flush: bool = False) -> None:
        parts.append(sep.join(str(o) for o in objects) + end)

    printer = getattr(event, "print", None)
    if callable(printer):
        printer(f=capture)
    else:
        parts.append(f"{event}\n")
    return "".join(parts)
