"""Errors the toolkit raises. Each one says what went wrong and how to fix it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Optional

if TYPE_CHECKING:
    from .chat.trace import Trace

__all__ = [
    "HitlModesError",
    "ScriptExhaustedError",
    "UnusedScriptError",
    "NoHumanAvailableError",
    "ScenarioError",
    "LiveConfigError",
]


class HitlModesError(Exception):
    """Base class for every error raised by hitl_modes."""


class ScriptExhaustedError(HitlModesError):
    """A scripted LLM or human was asked for one more reply than it was given.

    `kind` is "llm" or "human"; `call` is the 1-based number of the call that failed. `trace` is
    the partial :class:`~hitl_modes.Trace` of the chat up to that call when ``record_chat`` ran it
    (None otherwise): what happened before the script ran out.
    """

    kind: str
    call: int
    trace: Optional[Trace]

    def __init__(self, kind: str, call: int, message: str, *, trace: Optional[Trace] = None) -> None:
        super().__init__(message)
        self.kind = kind
        self.call = call
        self.trace = trace


class UnusedScriptError(HitlModesError):
    """A strict script ended with replies that were never used (``assert_all_used()``)."""


class NoHumanAvailableError(HitlModesError):
    """A console human was needed, but nobody can type: stdin is not interactive."""


class ScenarioError(HitlModesError, ValueError):
    """A simulate scenario is invalid. `field` names the offending field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"scenario field {field!r}: {message}")
        self.field = field


class LiveConfigError(HitlModesError):
    """A live model was asked for, but no credentials were configured."""
