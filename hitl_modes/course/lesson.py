"""What every lesson shares: offline-by-default models and humans, a switch to a live model and a
typing human, recorded runs shown as timelines, and claims that are asserted.

In a terminal::

    python lessons/02_terminate.py [--live] [--human console] [--audit-log PATH]

In a notebook the same switches come from the environment: ``HITL_LIVE=1``, ``HITL_HUMAN=console``,
``HITL_AUDIT_LOG=PATH``. ``HITL_QUIET=1`` hides AutoGen's own printing (``make demo`` uses it).

Claims are checked with assertions only when both the model and the human are scripted: a live
model or a person at the keyboard may, rightly, do something else.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Sequence, Union

from ..chat.compat import in_notebook
from ..chat.human import ConsoleHuman, ScriptedHuman
from ..chat.live import LiveLLM
from ..chat.llm import Reply, ScriptedLLM
from ..chat.record import RecordedRun, a_record_chat, record_chat, record_group_chat
from ..chat.trace import Trace

__all__ = ["Lesson", "HUMAN_KINDS", "register_human_kind", "lessons_dir", "list_lessons"]

#: What the scripted model says once its script is used up, when a person is the human.
SCRIPT_ENDED_REPLY = "(The scripted model has no more replies for this lesson.) TERMINATE"

#: How a lesson's human is provided: name -> factory(lesson, replies, mode) returning a context manager.
HUMAN_KINDS: Dict[str, Callable[..., Any]] = {}


def register_human_kind(name: str, factory: Callable[..., Any]) -> None:
    """Add a way to be the human (``--human NAME``)."""
    HUMAN_KINDS[name] = factory


def _scripted(lesson: Lesson, replies: Sequence[str], mode: str) -> ScriptedHuman:
    if lesson.live:
        # A live model may need more or fewer turns than the script; when the script runs out the
        # safe default is to stop, never to wait or invent approval.
        return ScriptedHuman(replies, strict=False, echo=not lesson.quiet, exhausted_reply="exit")
    return ScriptedHuman(replies, echo=not lesson.quiet)


def _console(lesson: Lesson, replies: Sequence[str], mode: str) -> ConsoleHuman:
    return ConsoleHuman(mode)


def _inbox(lesson: Lesson, replies: Sequence[str], mode: str) -> Any:
    # The web inbox (lesson 11) is imported only by a lesson that asks for it.
    from ..inbox.human import inbox_kind

    return inbox_kind(lesson, replies, mode)


register_human_kind("script", _scripted)
register_human_kind("console", _console)
register_human_kind("inbox", _inbox)


def lessons_dir() -> Path:
    """The lessons/ folder of this checkout."""
    return Path(__file__).resolve().parents[2] / "lessons"


def list_lessons() -> List[Path]:
    return sorted(p for p in lessons_dir().glob("[0-9][0-9]_*.py"))


def _env_flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in ("1", "true", "yes", "on")


def _install_clear_errors(number: int) -> None:
    """The toolkit's own errors (no human, an interrupted prompt, no credentials, a script that ran
    out) already say what is wrong and how to fix it: show that one line, not a traceback, in a
    terminal and in a notebook (where the cell still fails, so "Run All" stops there)."""
    from ..errors import HitlModesError

    def one_line(exc: BaseException) -> str:
        return f"lesson {number:02d}: {type(exc).__name__}: {exc}"

    shell = None
    if in_notebook():
        from IPython import get_ipython

        shell = get_ipython()
    if shell is not None:

        def notebook_handler(shell: Any, exc_type: Any, exc: BaseException, tb: Any, tb_offset: Any = None) -> Any:
            # IPython does not display what a handler returns for an error raised by the cell's
            # code; the line goes to the cell's stderr, and the cell still counts as failed.
            print(one_line(exc), file=sys.stderr)
            return []

        shell.set_custom_exc((HitlModesError,), notebook_handler)
        return

    previous = sys.excepthook

    def hook(exc_type: Any, exc: BaseException, tb: Any) -> None:
        if isinstance(exc, HitlModesError):
            print(one_line(exc), file=sys.stderr)
        else:
            previous(exc_type, exc, tb)

    sys.excepthook = hook


class Lesson:
    """One lesson's switches and helpers. Build it with :meth:`setup` at the top of a lesson."""

    def __init__(
        self,
        number: int,
        title: str,
        *,
        live: bool = False,
        human: str = "script",
        audit_log: Optional[str] = None,
        quiet: bool = False,
        extra: Optional[Dict[str, Any]] = None,
    ) -> None:
        if human not in HUMAN_KINDS:
            raise ValueError(f"unknown human {human!r}: choose one of {', '.join(sorted(HUMAN_KINDS))}")
        self.number = number
        self.title = title
        self.live = live
        self.human_kind = human
        self.audit_log = audit_log
        self.quiet = quiet
        self.extra = extra or {}
        self.runs: List[RecordedRun] = []
        self.claims: List[str] = []

    @classmethod
    def setup(
        cls,
        number: int,
        title: str,
        argv: Optional[Sequence[str]] = None,
        extra_args: Optional[Callable[[argparse.ArgumentParser], None]] = None,
    ) -> Lesson:
        """Read the switches from the command line (scripts) or the environment (notebooks)."""
        parser = argparse.ArgumentParser(prog=f"lesson {number:02d}", description=title)
        parser.add_argument(
            "--live",
            action="store_true",
            default=_env_flag("HITL_LIVE"),
            help="use a real OpenAI-compatible model (OPENAI_API_KEY or OAI_CONFIG_LIST)",
        )
        parser.add_argument(
            "--human",
            default=os.environ.get("HITL_HUMAN", "script"),
            choices=sorted(HUMAN_KINDS),
            help="who answers human prompts (default: script)",
        )
        parser.add_argument(
            "--audit-log",
            default=os.environ.get("HITL_AUDIT_LOG") or None,
            help="append every human decision to this JSON-lines file",
        )
        parser.add_argument(
            "--inbox-url",
            default=os.environ.get("HITL_INBOX_URL") or None,
            help="with --human inbox: the approval inbox's URL (default http://127.0.0.1:8765)",
        )
        parser.add_argument(
            "--quiet",
            action="store_true",
            default=_env_flag("HITL_QUIET"),
            help="hide AutoGen's printing; show only the timelines",
        )
        if extra_args:
            extra_args(parser)
        if in_notebook() and argv is None:
            args, _ = parser.parse_known_args([])
        else:
            args = parser.parse_args(sys.argv[1:] if argv is None else list(argv))
        known = {"live", "human", "audit_log", "quiet"}
        lesson = cls(
            number,
            title,
            live=args.live,
            human=args.human,
            audit_log=args.audit_log,
            quiet=args.quiet,
            extra={k: v for k, v in vars(args).items() if k not in known},
        )
        _install_clear_errors(number)
        if lesson.live:
            LiveLLM()  # fail now, with the variable to set, rather than mid-lesson
        print(
            f"Lesson {number:02d}: {title}  [model: {'live' if lesson.live else 'scripted'}, "
            f"human: {lesson.human_kind}]"
        )
        return lesson

    # -- switches -------------------------------------------------------------------------------
    @property
    def scripted(self) -> bool:
        """True when both model and human are scripted, so every claim can be asserted."""
        return not self.live and self.human_kind == "script"

    def llm(self, replies: Sequence[Reply]) -> Union[ScriptedLLM, LiveLLM]:
        """The scripted replies offline; a real model with --live."""
        if self.live:
            return LiveLLM()
        if self.human_kind != "script":
            # A person may take the chat somewhere the script did not foresee: when the scripted
            # replies run out, the model ends the chat rather than crashing the lesson.
            return ScriptedLLM(replies, exhausted_reply=SCRIPT_ENDED_REPLY)
        return ScriptedLLM(replies)

    def assistant(self, name: str, replies: Sequence[Reply], **kwargs: Any) -> Any:
        """An ``AssistantAgent`` on :meth:`llm`. Its model is reachable as ``agent.hitl_llm``."""
        import autogen

        llm = self.llm(replies)
        agent = llm.register(autogen.AssistantAgent(name, llm_config=llm.llm_config, **kwargs))
        agent.hitl_llm = llm
        return agent

    def models(self, scripts: Dict[str, Sequence[Reply]]) -> Any:
        """A group chat's models by name (Lesson 12): offline, a :class:`~hitl_modes.ScriptedModelServer`
        with one route per name (``server.llm_config(name)``), which also answers the manager's
        internal speaker selector; with --live, every name gets the real model."""
        if self.live:
            return _LiveModels()
        from ..chat.server import ScriptedModelServer

        ended = SCRIPT_ENDED_REPLY if self.human_kind != "script" else None
        return ScriptedModelServer({n: ScriptedLLM(r, name=n, exhausted_reply=ended) for n, r in scripts.items()})

    def human(self, replies: Sequence[str] = (), mode: str = "ALWAYS") -> Any:
        """The human for one run: scripted replies offline, or whoever ``--human`` names."""
        return HUMAN_KINDS[self.human_kind](self, replies, mode)

    # -- runs -----------------------------------------------------------------------------------
    def run(
        self,
        initiator: Any,
        recipient: Any,
        message: Any = None,
        *,
        title: str = "",
        max_turns: Optional[int] = None,
        **kwargs: Any,
    ) -> RecordedRun:
        """Record a chat and show its timeline."""
        run = record_chat(
            initiator,
            recipient,
            message,
            max_turns=max_turns,
            quiet=self.quiet,
            silent=self.quiet or kwargs.pop("silent", False),
            **kwargs,
        )
        return self._keep(run, title)

    async def a_run(
        self,
        initiator: Any,
        recipient: Any,
        message: Any = None,
        *,
        title: str = "",
        max_turns: Optional[int] = None,
        **kwargs: Any,
    ) -> RecordedRun:
        """:meth:`run` for async chats (``a_initiate_chat``)."""
        run = await a_record_chat(
            initiator,
            recipient,
            message,
            max_turns=max_turns,
            quiet=self.quiet,
            silent=self.quiet or kwargs.pop("silent", False),
            **kwargs,
        )
        return self._keep(run, title)

    def run_group(
        self, initiator: Any, manager: Any, message: Any = None, *, title: str = "", **kwargs: Any
    ) -> RecordedRun:
        """Record a group chat (``initiator.initiate_chat(manager, ...)``) and show its timeline: one
        lane per member and one for the manager (Lesson 12)."""
        run = record_group_chat(
            initiator, manager, message, quiet=self.quiet, silent=self.quiet or kwargs.pop("silent", False), **kwargs
        )
        return self._keep(run, title)

    def _keep(self, run: RecordedRun, title: str) -> RecordedRun:
        self.runs.append(run)
        self.show(run.trace, title)
        return run

    def show(self, trace: Union[Trace, RecordedRun], title: str = "") -> None:
        """Print the text timeline; in a notebook also draw the picture."""
        if isinstance(trace, RecordedRun):
            trace = trace.trace
        print(f"\n--- timeline{': ' + title if title else ''} ---\n{trace.timeline()}\n")
        if in_notebook():
            from IPython.display import SVG, display

            display(SVG(trace.to_svg()))

    def claim(self, statement: str, holds: Union[bool, Callable[[], bool]]) -> None:
        """State what is true and check it: asserted when scripted, reported otherwise."""
        self.claims.append(statement)
        if not self.scripted:
            print(f"  • {statement}  (not checked: live model or human)")
            return
        ok = holds() if callable(holds) else holds
        assert ok, f"Lesson {self.number:02d} claims: {statement!r}, but this run shows otherwise."
        print(f"  ✓ {statement}")


class _LiveModels:
    """``Lesson.models`` with --live: the same ``llm_config(name)`` for every name, a real model."""

    def __enter__(self) -> _LiveModels:
        return self

    def __exit__(self, *exc: Any) -> None:
        pass

    def llm_config(self, model: str, **extra: Any) -> Dict[str, Any]:
        return {**LiveLLM().llm_config, **extra}
