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
from typing import Callable, List, Optional, Protocol, Sequence

from ..chat.script import ScriptedReplies, replies_phrase
from ..errors import ScriptExhaustedError

__all__ = ["HumanPrompt", "Answers", "ScriptedAnswers", "TerminalAnswers", "EOF_REPLY"]

#: The ``input_reply`` value ipykernel turns into ``EOFError`` in the notebook.
EOF_REPLY = "\x04"


@dataclass(frozen=True)
class HumanPrompt:
    """One ``input()``/``getpass()`` call the notebook made, and what it was answered (None: nothing)."""

    call: int
    prompt: str
    password: bool
    answer: Optional[str]


class Answers(Protocol):
    """What answers the kernel's prompts: ``answer(prompt, password)`` gives the ``input_reply`` value."""

    calls: List[HumanPrompt]

    def answer(self, prompt: str, password: bool = False) -> str: ...


class ScriptedAnswers(ScriptedReplies[str, HumanPrompt]):
    """The script's ``human`` list, strictly in order, in the doubles' vocabulary
    (:mod:`hitl_modes.chat.script`): ``calls`` (each a :class:`HumanPrompt`), ``call_count``,
    ``called``, ``last``, ``remaining``, ``assert_all_used()``."""

    kind = "human"
    reply_types = (str,)
    reply_words = "a str"
    example = "ScriptedAnswers(['yes', ''])"

    def __init__(self, answers: Sequence[str], on_prompt: Optional[Callable[[HumanPrompt], None]] = None) -> None:
        super().__init__(answers, strict=True, exhausted_reply=None)
        self.scripted = len(answers)
        self.on_prompt = on_prompt

    @property
    def exhausted(self) -> Optional[HumanPrompt]:
        """The first prompt that found no answer left, if any."""
        return next((p for p in self.calls if p.answer is None), None)

    def answer(self, prompt: str, password: bool = False) -> str:
        """The next answer; past the script, ``EOF_REPLY`` (the notebook gets ``EOFError``)."""
        try:
            text: Optional[str] = self._answer(lambda call, reply: HumanPrompt(call, prompt, password, reply), prompt)
        except ScriptExhaustedError:  # recorded as a call with no answer; the run reports it
            text = None
        if self.on_prompt is not None and self.last is not None:
            self.on_prompt(self.last)
        return EOF_REPLY if text is None else text

    def _exhausted_message(self, call: int, asked: str) -> str:
        return (
            f"ScriptedAnswers: prompt #{call}, but only {replies_phrase(self.scripted)} scripted. "
            f"The prompt was: {asked[:200]!r}. Add an answer to the script."
        )


class TerminalAnswers:
    """The person at this terminal types each answer (``getpass`` hides a password); EOF ends the input.
    ``calls`` records every prompt and its answer; ``recorded`` the answers, for the script."""

    def __init__(self, on_prompt: Optional[Callable[[HumanPrompt], None]] = None) -> None:
        self.calls: List[HumanPrompt] = []
        self.on_prompt = on_prompt
        self._lock = threading.Lock()

    @property
    def recorded(self) -> List[str]:
        return [p.answer for p in self.calls if p.answer is not None]

    def answer(self, prompt: str, password: bool = False) -> str:
        text = _read_answer(prompt, password)
        with self._lock:
            asked = HumanPrompt(len(self.calls) + 1, prompt, password, text)
            self.calls.append(asked)
        if self.on_prompt is not None:
            self.on_prompt(asked)
        return EOF_REPLY if text is None else text


def _read_answer(prompt: str, password: bool) -> Optional[str]:
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
