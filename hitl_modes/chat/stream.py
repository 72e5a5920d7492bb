"""The ``IOStream`` base every stream the toolkit installs shares: the humans and the recorder.

AutoGen reads human input and prints through ``IOStream.get_default()``. A stream installed here
becomes both the context default (this thread and its coroutines) and the global default (the worker
thread ``a_get_human_input`` uses, which does not inherit context variables).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from contextlib import ExitStack
from typing import Any, Optional

from autogen.io import IOConsole, IOStream

from .compat import event_text

__all__ = ["InstallableStream", "Console"]


class Console(IOConsole):
    """AutoGen's console, writing to ``sys.stdout`` as it is when each line is written. ag2 0.14's
    ``IOConsole`` prints through a logger whose handler keeps the ``sys.stdout`` of its first use, so
    a later ``redirect_stdout`` (a notebook cell's capture, a quiet section, pytest's ``capsys``)
    never sees what it prints; pyautogen 0.2.35's calls ``print`` and needs nothing of this."""

    def print(self, *objects: Any, sep: str = " ", end: str = "\n", flush: bool = False) -> None:
        print(*objects, sep=sep, end=end, flush=flush)

    def send(self, message: Any) -> None:
        print(event_text(message), end="", flush=True)


class InstallableStream(ABC):
    """Shared install/uninstall as AutoGen's default IOStream, as context manager or start/stop.

    The context default covers this thread and its coroutines; the global default covers the worker
    thread that ``a_get_human_input`` uses, which does not inherit context variables."""

    def __init__(self) -> None:
        self._stack: Optional[ExitStack] = None
        self._previous_global: Optional[IOStream] = None
        self._previous: Optional[IOStream] = None

    @property
    def _output(self) -> IOStream:
        """Where this stream writes: the stream it wraps, or the console (AutoGen's default)."""
        if self._previous is None or type(self._previous) is IOConsole:
            return Console()
        return self._previous

    def start(self) -> InstallableStream:
        if self._stack is not None:
            raise RuntimeError(f"{type(self).__name__} is already installed")
        try:
            self._previous = IOStream.get_default()
        except RuntimeError:
            self._previous = None
        self._previous_global = IOStream._global_default
        self._stack = ExitStack()
        self._stack.enter_context(IOStream.set_default(self))  # type: ignore[arg-type]
        IOStream.set_global_default(self)  # type: ignore[arg-type]
        return self

    def stop(self) -> None:
        if self._stack is None:
            return
        self._stack.close()
        self._stack = None
        IOStream._global_default = self._previous_global

    @abstractmethod
    def print(self, *objects: Any, sep: str = " ", end: str = "\n", flush: bool = False) -> None:
        """Where the stream's output goes: each kind of human decides."""

    def send(self, message: Any) -> None:
        """ag2 prints structured events through ``send``; show their text like ``print``."""
        self.print(event_text(message), end="")

    def __enter__(self) -> Any:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()
