"""The notebook's human: answering ``input()`` and ``getpass()`` through the kernel's stdin channel.

In a Jupyter kernel, ``input()`` and ``getpass()`` send an ``input_request`` message (with the
prompt, and ``password`` for ``getpass``) on the stdin channel and block until an ``input_reply``
comes back. nbclient turns that channel off (``allow_stdin = False``), so ``input()`` raises
``StdinNotImplementedError``; the runner turns it back on and answers each request from one of:

- :class:`ScriptedAnswers`: the script's ``human`` list, in prompt order. Past its end it answers
  ``"\\x04"``, which ipykernel turns into ``EOFError`` in the notebook: the cell stops at once
  (never a hang), and the run reports which prompt had no answer.
- :class:`TerminalAnswers` (recording): the person at this terminal, whose answers are kept.
"""

from __future__ import annotations

import getpass
import sys
import threading
from dataclasses import dataclass
from typing import Callable, List, Optional, Sequence

__all__ = ["HumanPrompt", "ScriptedAnswers", "TerminalAnswers", "Answers", "EOF_REPLY"]

#: The ``input_reply`` value ipykernel turns into ``EOFError`` in the notebook.
EOF_REPLY = "\x04"


@dataclass(frozen=True)
class HumanPrompt:
    """One ``input()``/``getpass()`` call the notebook made, and what it was answered (None: nothing)."""

    call: int
    prompt: str
    password: bool
    answer: Optional[str]


class Answers:
    """Answers the kernel's prompts in order and records each one, in the doubles' vocabulary
    (:mod:`hitl_modes.chat.script`): ``calls`` (each a :class:`HumanPrompt`), ``call_count``,
    ``called``, ``last``."""

    def __init__(self, on_prompt: Optional[Callable[[HumanPrompt], None]] = None) -> None:
        self.calls: List[HumanPrompt] = []
        self.on_prompt = on_prompt
        self._lock = threading.Lock()

    @property
    def call_count(self) -> int:
        return len(self.calls)

    @property
    def called(self) -> bool:
        return bool(self.calls)

    @property
    def last(self) -> Optional[HumanPrompt]:
        return self.calls[-1] if self.calls else None

    def answer(self, prompt: str, password: bool = False) -> str:
        """The reply to send for one ``input_request`` (``EOF_REPLY`` when there is none)."""
        with self._lock:
            call = len(self.calls) + 1
        text = self.next_answer(call, prompt, password)
        asked = HumanPrompt(call, prompt, password, text)
        with self._lock:
            self.calls.append(asked)
        if self.on_prompt is not None:
            self.on_prompt(asked)
        return EOF_REPLY if text is None else text

    def next_answer(self, call: int, prompt: str, password: bool) -> Optional[str]:
        raise NotImplementedError


class ScriptedAnswers(Answers):
    """The script's ``human`` list, strictly in order."""

    def __init__(self, answers: Sequence[str], on_prompt: Optional[Callable[[HumanPrompt], None]] = None) -> None:
        super().__init__(on_prompt)
        self.answers = list(answers)

    @property
    def exhausted(self) -> Optional[HumanPrompt]:
        """The first prompt that found no answer left, if any."""
        return next((p for p in self.calls if p.answer is None), None)

    @property
    def remaining(self) -> List[str]:
        return self.answers[min(self.call_count, len(self.answers)) :]

    def next_answer(self, call: int, prompt: str, password: bool) -> Optional[str]:
        return self.answers[call - 1] if call <= len(self.answers) else None


class TerminalAnswers(Answers):
    """The person at this terminal types each answer (``getpass`` hides a password); EOF ends the input."""

    def next_answer(self, call: int, prompt: str, password: bool) -> Optional[str]:
        try:
            if password:
                return getpass.getpass(prompt)
            sys.stdout.write(prompt)
            sys.stdout.flush()
            line = sys.stdin.readline()
        except (EOFError, KeyboardInterrupt):
            return None
        if not line:
            return None
        return line.rstrip("\n").rstrip("\r")

    @property
    def recorded(self) -> List[str]:
        return [p.answer for p in self.calls if p.answer is not None]
