"""What the scripted model and the scripted human share: one vocabulary, as respx's routes have.

Both doubles answer from a list, in order, record every call verbatim, and are asked about in the
same words:

    calls             every call, in order: ``LLMCall`` (the messages) or ``HumanCall`` (the prompt),
                      each with the reply it got (None when the script ran out)
    call_count        ``len(calls)``
    called            at least one call
    last              the latest call, or None
    remaining         the scripted replies not used yet
    assert_all_used() raise ``UnusedScriptError`` when replies are left over
    strict            (default True) leftovers fail a ``with`` block and a pytest fixture's teardown
    exhausted_reply   answers calls past the script instead of raising ``ScriptExhaustedError``

A call past the script, with no ``exhausted_reply``, raises ``ScriptExhaustedError``: it names the
double, the call number and what was asked, and ends with the remedy. It never loops and never
invents empty text.
"""

from __future__ import annotations

import copy
import threading
from abc import ABC, abstractmethod
from typing import Any, Callable, ClassVar, Generic, List, Optional, Sequence, Tuple, TypeVar

from ..errors import ScriptExhaustedError, UnusedScriptError

__all__ = ["CallLog", "ScriptedReplies", "replies_phrase", "times_phrase"]

R = TypeVar("R")  # a scripted reply
C = TypeVar("C")  # the record of one call
S = TypeVar("S", bound="ScriptedReplies[Any, Any]")


def replies_phrase(n: int) -> str:
    """``"1 reply was"`` / ``"3 replies were"``: for the messages both doubles print."""
    return f"{n} reply was" if n == 1 else f"{n} replies were"


def times_phrase(n: int) -> str:
    """``"1 time"`` / ``"3 times"``."""
    return "1 time" if n == 1 else f"{n} times"


class CallLog(Generic[C]):
    """The recorded half of the vocabulary: ``calls``, ``call_count``, ``called``, ``last``. The
    scripted model, the scripted human and the scripted model server all keep one."""

    calls: List[C]

    @property
    def call_count(self) -> int:
        return len(self.calls)

    @property
    def called(self) -> bool:
        return bool(self.calls)

    @property
    def last(self) -> Optional[C]:
        return self.calls[-1] if self.calls else None


class ScriptedReplies(CallLog[C], ABC, Generic[R, C]):
    """The script and the call log behind ``ScriptedLLM`` and ``ScriptedHuman``.

    A subclass says what it is (``kind``, ``"llm"`` or ``"human"``), answers through
    :meth:`_answer`, and describes an exhausted call and leftovers in its own words."""

    kind: str = ""
    #: What one scripted reply may be (checked on construction), in types and in words, and an
    #: example script for the error message: every subclass sets all three.
    reply_types: ClassVar[Tuple[type, ...]] = ()
    reply_words: ClassVar[str] = ""
    example: ClassVar[str] = ""

    def __init__(self, replies: Sequence[R], *, strict: bool, exhausted_reply: Optional[R]) -> None:
        name = type(self).__name__
        if isinstance(replies, (str, bytes)) or not isinstance(replies, Sequence):
            raise TypeError(
                f"{name} needs a list of replies, e.g. {self.example}; got {type(replies).__name__}: {replies!r}"
            )
        for i, reply in enumerate(replies):
            if not isinstance(reply, self.reply_types):
                raise TypeError(
                    f"{name} reply #{i + 1} must be {self.reply_words}, got {type(reply).__name__}: {reply!r}"
                )
        self._replies: List[R] = list(replies)
        self.strict = strict
        self.exhausted_reply = exhausted_reply
        self.calls: List[C] = []
        self._lock = threading.Lock()

    # -- the vocabulary (calls, call_count, called, last: CallLog) ---------------------------------
    @property
    def remaining(self) -> List[R]:
        return self._replies[min(self.call_count, len(self._replies)) :]

    def assert_all_used(self) -> None:
        """Raise :class:`UnusedScriptError` when scripted replies were never asked for."""
        left = self.remaining
        if left:
            raise UnusedScriptError(
                f"{self._double()}: {len(left)} of {len(self._replies)} replies were never used "
                f"({self._count_phrase()}). Unused: {left!r}. Remove them from the script, or pass "
                "strict=False when the chat may end before using them."
            )

    def __enter__(self: S) -> S:
        return self

    def __exit__(self, exc_type: Any, *exc: Any) -> None:
        if exc_type is None and self.strict:
            self.assert_all_used()

    # -- for the subclasses -----------------------------------------------------------------------
    def _answer(self, record: Callable[[int, Optional[R]], C], asked: str) -> R:
        """Record call number N with its reply and return the reply (a copy); past the script,
        answer ``exhausted_reply`` or record the call and raise :class:`ScriptExhaustedError`."""
        with self._lock:
            call = self.call_count + 1
            if call <= len(self._replies):
                reply = self._replies[call - 1]
            elif self.exhausted_reply is not None:
                reply = self.exhausted_reply
            else:
                self.calls.append(record(call, None))
                raise ScriptExhaustedError(self.kind, call, self._exhausted_message(call, asked))
            self.calls.append(record(call, reply))
            return copy.deepcopy(reply)

    def _double(self) -> str:
        """Who is speaking in messages: the class name, and for a model the agent."""
        return type(self).__name__

    def _count_phrase(self) -> str:
        return f"called {times_phrase(self.call_count)}"

    @abstractmethod
    def _exhausted_message(self, call: int, asked: str) -> str:
        """What went wrong, naming the double, the call number and ``asked``; then the remedy."""
