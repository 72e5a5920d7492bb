"""Humans for AutoGen's ``IOStream``: a scripted one for tests and lessons, a console one for people.

AutoGen asks a human through ``ConversableAgent.get_human_input``, which reads from
``IOStream.get_default().input(prompt)``. Installing one of these streams keeps AutoGen's own
``get_human_input`` running, so ``ChatResult.human_input`` is filled exactly as in production.

    with ScriptedHuman(["", "exit"]) as human:
        user_proxy.initiate_chat(assistant, message="...")
    human.calls     # every time AutoGen asked: the prompt, verbatim, and the reply
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Any, List, Optional, Sequence, Union

from autogen.io import IOConsole

from ..errors import HumanInterruptedError, NoHumanAvailableError
from .script import ScriptedReplies, replies_phrase, times_phrase
from .stream import InstallableStream

__all__ = [
    "ScriptedHuman",
    "HumanCall",
    "HumanReply",
    "ConsoleHuman",
    "stdin_is_interactive",
    "require_interactive_human",
    "mode_can_ask_human",
]


def mode_can_ask_human(human_input_mode: str) -> bool:
    """NEVER never asks; TERMINATE and ALWAYS can."""
    return human_input_mode in ("TERMINATE", "ALWAYS")


def stdin_is_interactive() -> bool:
    """True when a person can answer ``input()`` here.

    In a Jupyter kernel stdin is never a TTY, but the front end can still answer; the kernel knows
    whether this execution allows stdin (nbclient runs with it disabled).
    """
    if "ipykernel" in sys.modules:
        from IPython import get_ipython  # already imported by the kernel: cheap

        kernel = getattr(get_ipython(), "kernel", None)
        if kernel is not None:
            return bool(getattr(kernel, "_allow_stdin", False))
    stdin = sys.stdin
    try:
        return stdin is not None and not stdin.closed and stdin.isatty()
    except (AttributeError, ValueError):
        return False


def _no_human_message(human_input_mode: Optional[str]) -> str:
    mode = f"human_input_mode={human_input_mode!r}" if human_input_mode else "This chat"
    return (
        f"{mode} needs a person to type replies, but stdin is not interactive (CI, a notebook "
        "kernel without stdin, or input redirected from /dev/null). Waiting would hang forever, "
        "so it stops now. Fix: run it in a terminal, script the human instead (ScriptedHuman([...]) "
        "or the default --human script), or use human_input_mode='NEVER'."
    )


def require_interactive_human(human_input_mode: Optional[str] = None) -> None:
    """Fail fast, before the chat starts, when the mode can ask and nobody can answer."""
    if (human_input_mode is None or mode_can_ask_human(human_input_mode)) and not stdin_is_interactive():
        raise NoHumanAvailableError(_no_human_message(human_input_mode))


#: A scripted human reply: the text typed (``""`` is Enter), or an exception ``input()`` raises there,
#: such as ``EOFError()`` for a person who presses Ctrl-D (as ``unittest.mock``'s ``side_effect``).
HumanReply = Union[str, BaseException]


@dataclass(frozen=True)
class HumanCall:
    """One time the human was asked, recorded verbatim: its number, AutoGen's prompt, and the reply
    (None when the script had run out or the scripted reply was an exception)."""

    call: int
    prompt: str
    reply: Optional[str] = None


class ScriptedHuman(InstallableStream, ScriptedReplies[HumanReply, HumanCall]):
    """A human who answers from a list, in order, and records every prompt and reply.

    It speaks the vocabulary both doubles share (:mod:`hitl_modes.chat.script`): ``calls`` (each a
    :class:`HumanCall`), ``call_count``, ``called``, ``last``, ``remaining``, ``assert_all_used()``;
    ``prompts`` and ``replies`` are the texts of its calls, the words every human here shares.
    Strict by default: asked once more than scripted, it raises :class:`ScriptExhaustedError`
    naming the prompt (it never blocks); leaving the ``with`` block with replies unused raises
    :class:`UnusedScriptError`. ``echo=False`` keeps AutoGen's printing quiet.

    ``exhausted_reply`` (for example ``"exit"``) answers prompts past the script with a safe
    default instead of raising; each such answer is still recorded. A reply that is an exception
    (``EOFError()``) is raised by ``input()``, as a person's Ctrl-D would be.
    """

    kind = "human"
    reply_types = (str, BaseException)
    reply_words = "a str (or an exception to raise)"
    example = "ScriptedHuman(['', 'exit'])"

    def __init__(
        self,
        replies: Sequence[HumanReply] = (),
        *,
        strict: bool = True,
        echo: bool = True,
        exhausted_reply: Optional[str] = None,
    ) -> None:
        ScriptedReplies.__init__(self, replies, strict=strict, exhausted_reply=exhausted_reply)
        InstallableStream.__init__(self)
        self.echo = echo

    # -- IOStream -----------------------------------------------------------------------------
    def input(self, prompt: str = "", *, password: bool = False) -> str:
        reply = self._answer(lambda call, r: HumanCall(call, prompt, r if isinstance(r, str) else None), prompt)
        if isinstance(reply, BaseException):
            raise reply
        if self.echo:
            self._output.print(f"{prompt}{reply}", flush=True)
        return reply

    def print(self, *objects: Any, sep: str = " ", end: str = "\n", flush: bool = False) -> None:
        if self.echo:
            self._output.print(*objects, sep=sep, end=end, flush=flush)

    # -- what it saw and said -----------------------------------------------------------------
    @property
    def prompts(self) -> List[str]:
        """Every prompt AutoGen showed, verbatim, in order."""
        return [c.prompt for c in self.calls]

    @property
    def replies(self) -> List[str]:
        """Every reply given, in order (a call the script could not answer gave none)."""
        return [c.reply for c in self.calls if c.reply is not None]

    def _exhausted_message(self, call: int, asked: str) -> str:
        return (
            f"ScriptedHuman: asked a {_ordinal(call)} time, but only {replies_phrase(len(self._replies))} "
            f"scripted. The prompt was: {asked!r}. Add a reply to the script ('exit' ends the chat), or "
            "pass exhausted_reply='exit' to answer every further prompt."
        )

    def _count_phrase(self) -> str:
        return f"asked {times_phrase(self.call_count)}"

    def __enter__(self) -> ScriptedHuman:
        self.start()
        return self

    def __exit__(self, exc_type: Any, *exc: Any) -> None:
        self.stop()
        ScriptedReplies.__exit__(self, exc_type, *exc)

    def __repr__(self) -> str:
        return f"ScriptedHuman(call_count={self.call_count}, remaining={self.remaining!r})"


class ConsoleHuman(InstallableStream):
    """A person at this terminal. Refuses to wait when nobody can type (see
    :func:`stdin_is_interactive`), so CI and notebook kernels fail fast instead of hanging."""

    def __init__(self, human_input_mode: Optional[str] = None, *, prompt_stream: Optional[Any] = None) -> None:
        """``prompt_stream`` (for example ``sys.stderr``) shows prompts there instead of stdout, for
        callers whose stdout is machine-readable."""
        super().__init__()
        self.human_input_mode = human_input_mode
        self.prompt_stream = prompt_stream
        self.prompts: List[str] = []
        self.replies: List[str] = []

    def start(self) -> ConsoleHuman:
        require_interactive_human(self.human_input_mode)
        super().start()
        return self

    def input(self, prompt: str = "", *, password: bool = False) -> str:
        if not stdin_is_interactive():
            raise NoHumanAvailableError(_no_human_message(self.human_input_mode))
        self.prompts.append(prompt)
        try:
            if self.prompt_stream is not None:
                self.prompt_stream.write(prompt)
                self.prompt_stream.flush()
                line = sys.stdin.readline()
                if not line:
                    raise EOFError
                reply = line.rstrip("\r\n")
            else:
                reply = IOConsole().input(prompt, password=password)
        except EOFError:
            if sys.stdin.isatty():  # a person pressed Ctrl-D: they are at a terminal already
                raise NoHumanAvailableError(
                    "the input ended (Ctrl-D) while the chat waited for your reply, so the chat stops here. "
                    "To end a chat on purpose, type exit; to skip a turn, press Enter."
                ) from None
            raise NoHumanAvailableError(
                "stdin was closed while waiting for the human's reply; nothing more can be typed. "
                "Run it in a terminal, or script the human (ScriptedHuman([...]))."
            ) from None
        except KeyboardInterrupt:
            # from None: the person asked to stop; AutoGen's and the toolkit's frames explain nothing.
            raise HumanInterruptedError(
                "interrupted while the chat waited for your reply, so it stops here and no reply was sent. "
                "To end only the chat and go on, type 'exit' at the prompt instead."
            ) from None
        self.replies.append(reply)
        return reply

    def print(self, *objects: Any, sep: str = " ", end: str = "\n", flush: bool = False) -> None:
        self._output.print(*objects, sep=sep, end=end, flush=flush)


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"
