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
import html
import os
import sys
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Sequence, Union

from ..chat.compat import in_notebook
from ..chat.human import ConsoleHuman, ScriptedHuman
from ..chat.live import LiveLLM
from ..chat.llm import Reply, ScriptedLLM
from ..chat.record import RecordedRun, a_record_chat, record_chat, record_group_chat
from ..chat.trace import Trace, legend_text

__all__ = [
    "Lesson",
    "HUMAN_KINDS",
    "register_human_kind",
    "catch_up",
]

#: The lesson running in this process, so a check's result can print its section heading first.
_ACTIVE: List[Lesson] = []


def catch_up() -> None:
    """Print the headings of the sections the running lesson script has reached (see
    :class:`~hitl_modes.course.outline.Narrator`); nothing in a notebook or outside a lesson."""
    if _ACTIVE and _ACTIVE[-1].narrator is not None:
        _ACTIVE[-1].narrator.catch_up()


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
    # The web inbox (lesson 13) is imported only by a lesson that asks for it.
    from ..inbox.human import inbox_kind

    return inbox_kind(lesson, replies, mode)


register_human_kind("script", _scripted)
register_human_kind("console", _console)
register_human_kind("inbox", _inbox)


PERSON_INTRO = (
    "You are the human. Before each chat the lesson says what it will ask you and what the script "
    "would answer; answer the same to see the lesson's claims hold, or anything else to see what "
    "changes. Claims about your run are checked on it (✓ or ✗, with what happened); the others are asserted."
)

#: What each mode asks a person, and what each kind of answer does.
MODE_HINTS = {
    "NEVER": "this proxy never asks: watch it run on its own.",
    "TERMINATE": "you are asked only at a termination message or at the auto-reply limit. "
    "Enter ends the chat at a termination message (and auto-replies at the limit), text is feedback, exit stops.",
    "ALWAYS": "you are asked on every turn. Enter auto-replies (at a termination message it ends the chat), "
    "text is sent as your reply, exit stops.",
}


def what_to_try(replies: Sequence[str], mode: str) -> str:
    """What a person is asked to try before a chat: the mode's rules and the scripted answers."""
    hint = MODE_HINTS.get(mode, "an approval gate asks you: follow the prompt's own instructions.")
    scripted = ", ".join("Enter" if r == "" else repr(r) for r in replies) or "nothing (it is never asked)"
    return f"\n>>> Your turn ({mode}): {hint}\n>>> The script answers: {scripted}. Try that, or something else."


def _env_flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in ("1", "true", "yes", "on")


def _install_clear_errors(number: int) -> None:
    """The toolkit's own errors (no human, an interrupted prompt, no credentials, a script that ran
    out) already say what is wrong and how to fix it: show that one line, not a traceback, in a
    terminal and in a notebook (where the cell still fails, so "Run All" stops there)."""
    from ..errors import HitlModesError

    def one_line(exc: BaseException) -> str:
        return f"lesson {number:02d} stopped: {exc}"

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
        self._shown = 0
        self.narrator: Optional[Any] = None  # a Narrator when run as a script
        self._person_answered = False  # did the person answer in the run the next claims are about?
        self._latest_person: Any = None  # the person's latest human, also for chats lesson.run does not record

    @classmethod
    def setup(
        cls,
        number: int,
        title: str,
        argv: Optional[Sequence[str]] = None,
        extra_args: Optional[Callable[[argparse.ArgumentParser], None]] = None,
    ) -> Lesson:
        """Read the switches from the command line (scripts) or the environment (notebooks)."""
        parser = argparse.ArgumentParser(
            prog=f"hitl-modes lesson {number}",
            description=f"Lesson {number:02d}: {title}. Offline by default: a scripted model and a scripted human.",
            epilog="In a notebook the same switches come from the environment: HITL_LIVE=1, HITL_HUMAN=console, "
            "HITL_AUDIT_LOG=PATH, HITL_INBOX_URL=URL, HITL_QUIET=1.",
        )
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
            help="who answers the human's prompts: script (default, offline), console (you type here), "
            "inbox (a person in the approval inbox's web page, lesson 13)",
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
        main = getattr(sys.modules.get("__main__"), "__file__", None)
        if not in_notebook() and main and Path(main).name[:2].isdigit() and Path(main).suffix == ".py":
            from .outline import Narrator, read_outline

            lesson.narrator = Narrator(read_outline(Path(main)))
            if lesson.narrator.outline.intro:
                print(f"   {lesson.narrator.outline.intro}")
        if lesson.person:
            print(PERSON_INTRO)
        _ACTIVE.append(lesson)
        return lesson

    # -- switches -------------------------------------------------------------------------------
    @property
    def scripted(self) -> bool:
        """True when both model and human are scripted, so every claim can be asserted."""
        return not self.live and self.human_kind == "script"

    @property
    def person(self) -> bool:
        """True when a person answers the human's prompts (``--human console`` or ``inbox``)."""
        return self.human_kind != "script"

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
        """A group chat's models by name (Lesson 14): offline, a :class:`~hitl_modes.ScriptedModelServer`
        with one route per name (``server.llm_config(name)``), which also answers the manager's
        internal speaker selector; with --live, every name gets the real model."""
        if self.live:
            return _LiveModels()
        from ..chat.server import ScriptedModelServer

        ended = SCRIPT_ENDED_REPLY if self.human_kind != "script" else None
        return ScriptedModelServer({n: ScriptedLLM(r, name=n, exhausted_reply=ended) for n, r in scripts.items()})

    def human(self, replies: Sequence[str] = (), mode: str = "ALWAYS") -> Any:
        """The human for one run: scripted replies offline, or whoever ``--human`` names. When a
        person answers, first say what to try: what this mode asks and what the script answers."""
        catch_up()
        if self.person:
            print(what_to_try(replies, mode))
        human = HUMAN_KINDS[self.human_kind](self, replies, mode)
        if self.person:
            self._latest_person = human
        return human

    # -- runs -----------------------------------------------------------------------------------
    @property
    def folds_output(self) -> bool:
        """In a notebook AutoGen's printing is folded under the picture, so each chat is shown
        once; not when a person types, who must read it as it happens."""
        return in_notebook() and not self.quiet and self.human_kind == "script"

    def _recording_options(self, kwargs: Dict[str, Any]) -> Dict[str, Any]:
        """How every lesson chat is recorded (quiet, folded in a notebook), plus the chat's own arguments."""
        silent = self.quiet or kwargs.pop("silent", False)
        return {"quiet": self.quiet, "capture": self.folds_output, "silent": silent, **kwargs}

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
        catch_up()
        run = record_chat(
            initiator,
            recipient,
            message,
            max_turns=max_turns,
            **self._recording_options(kwargs),
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
        catch_up()
        run = await a_record_chat(
            initiator,
            recipient,
            message,
            max_turns=max_turns,
            **self._recording_options(kwargs),
        )
        return self._keep(run, title)

    def run_group(
        self, initiator: Any, manager: Any, message: Any = None, *, title: str = "", **kwargs: Any
    ) -> RecordedRun:
        """Record a group chat (``initiator.initiate_chat(manager, ...)``) and show its timeline: one
        lane per member and one for the manager (Lesson 14)."""
        catch_up()
        run = record_group_chat(
            initiator,
            manager,
            message,
            **self._recording_options(kwargs),
        )
        return self._keep(run, title)

    def _keep(self, run: RecordedRun, title: str) -> RecordedRun:
        self.runs.append(run)
        trace = run.trace
        self._person_answered = self.person and bool(trace.human_replies or trace.of_kind("human_timeout"))
        self.show(run, title)
        return run

    def show(self, trace: Union[Trace, RecordedRun], title: str = "", *, printed: str = "") -> None:
        """Show one chat once. In a terminal: the text timeline (with the legend under the first
        one, unless ``HITL_NO_LEGEND=1``, which ``make demo`` sets as it prints it once on top). In
        a notebook: the picture (the legend under the first one), with the text timeline and
        AutoGen's own printing (a RecordedRun's, or ``printed``) folded under it."""
        if isinstance(trace, RecordedRun):
            printed, trace = trace.printed, trace.trace
        first = not self._shown
        self._shown += 1
        if not in_notebook():
            print(f"\n--- timeline{': ' + title if title else ''} ---\n{trace.timeline()}\n")
            if first and not _env_flag("HITL_NO_LEGEND"):
                print(legend_text() + "\n")
            return
        from IPython.display import HTML, display

        folded = f"--- timeline ---\n{trace.timeline()}"
        if printed:
            folded += f"\n\n--- AutoGen's output ---\n{printed}"
        display(
            HTML(
                trace.to_html(title, legend=first)
                + "<details><summary>the same chat as text"
                + (" and AutoGen's own output" if printed else "")
                + f"</summary><pre>{html.escape(folded)}</pre></details>"
            )
        )

    def claim(self, statement: str, holds: Union[bool, Callable[[], bool]]) -> None:
        """State what is true and check it. Asserted when the model is scripted and no person
        answered in the run it is about (a claim the person could not change). After a run where
        you answered, or with a live model, it is checked against that run and shown as ✓ or ✗
        with what happened instead, never asserted: you may rightly have done something else."""
        catch_up()
        self.claims.append(statement)
        yours = self.live or self._person_answered or bool(getattr(self._latest_person, "replies", None))
        try:
            ok = bool(holds() if callable(holds) else holds)
        except Exception as e:  # a claim about a run that went elsewhere may not even apply
            if not yours:
                raise
            print(f"  ✗ {statement}\n      could not be checked on your run ({type(e).__name__}: {e})")
            return
        if not yours:
            assert ok, f"Lesson {self.number:02d} claims: {statement!r}, but this run shows otherwise."
            print(f"  ✓ {statement}")
            return
        whose = "the live model's run" if self.live and not self._person_answered else "your run"
        if ok:
            print(f"  ✓ {statement}  (checked on {whose})")
            return
        print(f"  ✗ {statement}  (not in {whose}: {self._what_happened()})")

    def _what_happened(self) -> str:
        """What the run the claim is about did instead, from what is known of it."""
        parts = []
        replies = getattr(self._latest_person, "replies", None)
        if replies is not None:
            parts.append("you answered " + (", ".join("Enter" if r == "" else repr(r) for r in replies) or "nothing"))
        if self.runs and (self._person_answered or self.live):
            stop = self.runs[-1].trace.stop
            parts.append(f"the chat {'stopped: ' + str(stop) if stop else 'did not stop'}")
        return "; ".join(parts) or "the run went another way"


class _LiveModels:
    """``Lesson.models`` with --live: the same ``llm_config(name)`` for every name, a real model."""

    def __enter__(self) -> _LiveModels:
        return self

    def __exit__(self, *exc: Any) -> None:
        pass

    def llm_config(self, model: str, **extra: Any) -> Dict[str, Any]:
        return {**LiveLLM().llm_config, **extra}
