"""Errors the toolkit raises. Each one says what went wrong and how to fix it."""

from __future__ import annotations

__all__ = [
    "HitlModesError",
    "ScriptExhaustedError",
    "UnusedScriptError",
    "NoHumanAvailableError",
    "HumanInterruptedError",
    "ScenarioError",
    "LiveConfigError",
]


class HitlModesError(Exception):
    """Base class for every error raised by hitl_modes."""


class ScriptExhaustedError(HitlModesError):
    """A scripted LLM or human was asked for one more reply than it was given.

    `kind` is "llm" or "human"; `call` is the 1-based number of the call that failed.
    """

    def __init__(self, kind: str, call: int, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.call = call


class UnusedScriptError(HitlModesError):
    """A strict script ended with replies that were never used."""


class NoHumanAvailableError(HitlModesError):
    """A console human was needed, but nobody can type: stdin is not interactive."""


class HumanInterruptedError(NoHumanAvailableError):
    """The person interrupted (Ctrl-C, or a notebook's stop button) while a chat waited for their
    reply: no reply is coming, so the chat stops, as it does when stdin closes."""


class ScenarioError(HitlModesError, ValueError):
    """A simulate scenario is invalid. `field` names the offending field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"scenario field {field!r}: {message}")
        self.field = field


class LiveConfigError(HitlModesError):
    """A live model was asked for, but no credentials were configured."""
