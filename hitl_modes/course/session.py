"""A lesson whose chat cells are plain AutoGen: the course sets up the offline run beside them.

A lesson's setup cell makes one :class:`Course`; then every chat cell is the code a learner would
copy, plus at most two labelled ``course.`` lines::

    course = Course.setup(1, "NEVER: fully automated")
    config_list = [{"model": os.environ.get("OPENAI_MODEL", "gpt-4o-mini"), "api_key": os.environ["OPENAI_API_KEY"]}]
    llm_config = {"config_list": config_list, "cache_seed": None}

    course.script(model=["6 x 7 = 42. TERMINATE"])  # offline: what the model answers
    assistant = autogen.AssistantAgent("assistant", llm_config=llm_config)
    user_proxy = autogen.UserProxyAgent("user_proxy", human_input_mode="NEVER", code_execution_config=False)
    result = user_proxy.initiate_chat(assistant, message="What is 6 x 7?")  # the course draws it

    course.check("it stopped at TERMINATE", result.chat_history[-1]["content"].endswith("TERMINATE"))

Offline (the default) the setup starts a :class:`~hitl_modes.ScriptedModelServer` on loopback and
points ``OPENAI_API_KEY``/``OPENAI_BASE_URL`` at it, so the plain ``config_list`` reaches it through
the real ``openai`` client; ``course.script(model=...)`` loads the next chat's replies (a list, or one
list per agent name), ``human=[...]`` what the scripted human types. With ``--live`` the same
``config_list`` reaches the real model; with ``--human console`` you type. Remove the ``course.``
lines and the cell still runs against any OpenAI-compatible server and a person at stdin (a test
does exactly that, in a process that never imports ``hitl_modes``).

Run as a script, a lesson is executed cell by cell (:mod:`.cells`), each section's heading printed
before its code runs.
"""

from __future__ import annotations

import argparse
import atexit
import contextvars
import json
import os
import sys
from pathlib import Path
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Union

from ..chat.compat import in_notebook
from ..chat.llm import Reply, ScriptedLLM
from ..chat.trace import LEGEND
from .instrument import ChatWatch, in_async_chat
from .lesson import HUMAN_KINDS, SCRIPT_ENDED_REPLY, Lesson, what_to_try

__all__ = ["Course", "short_legend"]

ModelScript = Union[Sequence[Reply], Mapping[str, Sequence[Reply]]]

#: Where the scripted model's requests go (set by setup when offline).
_OFFLINE_ENV = ("OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_MODEL")


#: Each timeline mark in a word or two (the full legend: ``hitl_modes.chat.trace.legend_text``).
SHORT_MEANINGS = {
    "N": "message",
    "?": "asks the human",
    "↵": "their answer",
    "⧗": "nobody answered",
    "⟳": "auto-reply",
    "▶": "runs code",
    "◆": "a gate decides",
    "■": "why it stopped",
}


def short_legend() -> str:
    """The timeline's marks on one line (a terminal run prints it under the first timeline)."""
    return "   legend: " + "  ".join(f"{symbol} {SHORT_MEANINGS[symbol]}" for symbol, _ in LEGEND)


#: What a group chat's manual speaker selection asks a person, said before the chat (lesson 15).
MANUAL_SELECTION_HINT = (
    "\n>>> The manager also asks you who speaks next: type a member's number from its list "
    "(Enter or q: the member after the last speaker, round robin)."
)


def _selects_by_hand(recipient: Any) -> bool:
    """A group chat whose manager asks a person who speaks next (``speaker_selection_method="manual"``)."""
    return getattr(getattr(recipient, "groupchat", None), "speaker_selection_method", None) == "manual"


def _lesson_installed_human() -> Optional[Any]:
    """The human the lesson's own code installed for the chat (``with InboxHuman(...):
    initiate_chat(...)``, lesson 13), or None: AutoGen's default IOStream is one of the toolkit's
    humans, not its console. The course then installs none of its own over it."""
    from autogen.io import IOStream

    from ..chat.stream import InstallableStream

    try:
        stream = IOStream.get_default()
    except RuntimeError:
        return None
    return stream if isinstance(stream, InstallableStream) else None


def _asking_mode(initiator: Any, recipient: Any) -> str:
    """The mode of the chat's agent that can ask a person most often: ALWAYS, TERMINATE or NEVER.
    A group's manager is not counted: its ``run_chat`` replies first, so its own mode never asks."""
    group = getattr(recipient, "groupchat", None)
    agents = [initiator, *(group.agents if group is not None else [recipient])]
    modes = {getattr(a, "human_input_mode", "NEVER") for a in agents}
    return next((m for m in ("ALWAYS", "TERMINATE") if m in modes), "NEVER")


class Course(Lesson):
    """A lesson of plain AutoGen chat cells. Make it with :meth:`setup`; then per chat
    :meth:`script` (offline replies), the learner's own AutoGen code (each chat is drawn when it
    ends), and :meth:`check`."""

    def __init__(self, *args: Any, printout: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.printout = printout
        self.server: Any = None
        self._watch = ChatWatch(self._chat_options, self._on_chat, self._keep_run)
        self._human_replies: Sequence[str] = ()
        self._human_ctx: Any = None
        self._pending = False  # a script whose chats have not been settled yet
        self._started_human: Any = None
        self._human_context: Optional[contextvars.Context] = None  # see _on_chat
        self._draw = True  # course.script(draw=False): this script's chats are recorded, not drawn
        #: What the offline run's model answered and its human typed, in order (HITL_TRANSCRIPT).
        self.transcript: Dict[str, List[Any]] = {"model": [], "human": []}

    @classmethod
    def setup(  # type: ignore[override]
        cls,
        number: int,
        title: str,
        argv: Optional[Sequence[str]] = None,
        extra_args: Optional[Callable[[argparse.ArgumentParser], None]] = None,
    ) -> Course:
        """Read the switches (command line or environment), point the plain ``config_list`` at the
        offline model or the live one, and record every chat the lesson starts. Run as a script,
        the rest of the lesson then runs here, cell by cell, with its headings."""

        def more_args(parser: argparse.ArgumentParser) -> None:
            parser.add_argument(
                "--printout",
                action="store_true",
                default=os.environ.get("HITL_PRINTOUT", "") not in ("", "0"),
                help="show AutoGen's own printout of each chat instead of its timeline (HITL_PRINTOUT=1)",
            )
            if extra_args:
                extra_args(parser)

        course = super().setup(number, title, argv, more_args)
        assert isinstance(course, Course)
        course.printout = bool(course.extra.pop("printout", False))
        if course.printout and course.quiet:
            course._one_of_quiet_and_printout(sys.argv[1:] if argv is None and not in_notebook() else list(argv or []))
        course.narrator = None  # a script runs cell by cell: headings print before their cells
        if course.audit_log:  # --audit-log PATH: a lesson's own code opens its log at HITL_AUDIT_LOG
            os.environ["HITL_AUDIT_LOG"] = str(course.audit_log)
        course._point_config_list()
        course._watch.start()
        if os.environ.get("HITL_TRANSCRIPT"):
            atexit.register(course._write_transcript, Path(os.environ["HITL_TRANSCRIPT"]))
        caller = sys._getframe(1)
        if not in_notebook() and caller.f_globals.get("__name__") == "__main__":
            from .cells import run_rest_of_lesson

            run_rest_of_lesson(Path(caller.f_code.co_filename), caller.f_lineno, caller.f_globals, course)
        return course

    # -- the model ------------------------------------------------------------------------------
    def _point_config_list(self) -> None:
        """Offline: a scripted server, and the OpenAI variables the lesson's config_list reads point
        at it. Live: the variables stay yours (an ``OAI_CONFIG_LIST`` fills in the ones not set)."""
        if self.live:
            if not os.environ.get("OPENAI_API_KEY"):
                from ..chat.live import live_config_list

                first = live_config_list()[0]  # raises the clear LiveConfigError when nothing is set
                for var, key in (
                    ("OPENAI_API_KEY", "api_key"),
                    ("OPENAI_BASE_URL", "base_url"),
                    ("OPENAI_MODEL", "model"),
                ):
                    if first.get(key) and not os.environ.get(var):
                        os.environ[var] = str(first[key])
            return
        from ..chat.server import SCRIPTED_API_KEY, ScriptedModelServer

        self.server = ScriptedModelServer(route_by="agent", on_answer=self._transcribe_reply).start()
        os.environ.update(
            {"OPENAI_API_KEY": SCRIPTED_API_KEY, "OPENAI_BASE_URL": self.server.base_url, "OPENAI_MODEL": "gpt-4o-mini"}
        )

    def script(self, model: Optional[ModelScript] = None, human: Sequence[str] = (), draw: bool = True) -> None:
        """What the next chat's scripted model answers (a list; or ``{agent name: list}``, where
        AutoGen's own ``speaker_selection_agent`` answers a group's "auto" selection) and what the
        scripted human types (``""`` is Enter). With ``--live`` the real model answers instead.
        ``draw=False``: the chats until the next script are recorded (``course.runs``) but neither
        drawn nor printed (a lesson that tabulates many chats); a person still sees AutoGen's printout.

        The previous script is settled first: offline, every reply it scripted must have been used
        (unless its chat raised, as a lesson's deliberate crash does)."""
        self._settle()
        self._draw = draw
        self._human_replies = list(human)
        self._pending = True
        if self.server is None:
            return
        lenient = SCRIPT_ENDED_REPLY if self.person else None

        def llm(name: str, replies: Sequence[Reply]) -> ScriptedLLM:
            return ScriptedLLM(replies, name=name, exhausted_reply=lenient)

        if isinstance(model, Mapping):
            self.server.load({name: llm(name, r) for name, r in model.items()})
        else:
            self.server.load(default=llm("the model", list(model or [])))

    def _settle(self) -> None:
        """The chats of the last script are over: check (offline) that its replies were all used."""
        if not self._pending:
            return
        self._pending = False
        completed = self._watch.completed
        self._end_human(check=completed)
        if completed and self.server is not None and self.scripted:
            self.server.assert_all_used()

    @staticmethod
    def tool_call(name: str, /, **arguments: Any) -> Dict[str, Any]:
        """A scripted model reply that calls the tool ``name`` (for :meth:`script`)."""
        from ..chat.llm import tool_call

        return tool_call(name, **arguments)

    def run_in_child(
        self, fn: Callable[..., Any], /, *args: Any, wait_for: str, patience: float = 2.0
    ) -> Dict[str, Any]:
        """Call ``fn(*args)`` in a child process with nobody at stdin, stdin open and then closed
        (lesson 03); see :func:`~hitl_modes.course.headless.run_in_child`. What the offline model
        answered the child stays out of the transcript: the lesson's plain code never runs the child."""
        from .headless import run_in_child

        answered = len(self.transcript["model"])
        try:
            return run_in_child(fn, *args, wait_for=wait_for, patience=patience)
        finally:
            del self.transcript["model"][answered:]

    # -- the human ------------------------------------------------------------------------------
    def _on_chat(self, initiator: Any, recipient: Any) -> None:
        """A chat starts: install its human (once per script), saying first what a person should try."""
        if self._human_ctx is not None:
            return
        own = _lesson_installed_human()
        if own is not None:  # the lesson's own `with InboxHuman(...)` (lesson 13): the person answers there
            if self.person:
                self._latest_person = own
            return
        mode = _asking_mode(initiator, recipient)
        if self.person:
            manual = MANUAL_SELECTION_HINT if _selects_by_hand(recipient) else ""
            # Agents that never ask, yet a script of answers: a gate asks (lesson 09), not the mode.
            gate = mode == "NEVER" and bool(self._human_replies) and not manual
            print(what_to_try(self._human_replies, "a gate" if gate else mode) + manual)
        self._human_ctx = HUMAN_KINDS[self.human_kind](self, self._human_replies, mode)
        # An async chat runs in a task (or thread) of its own, which the next cell does not share: its
        # human is installed in a context of the course's (the chat finds it as AutoGen's global
        # default IOStream), so that the next cell can remove it.
        self._human_context = contextvars.Context() if in_async_chat() else None
        self._started_human = self._in_human_context(self._human_ctx.__enter__)
        if not self._draw and not self.person and hasattr(self._started_human, "echo"):
            self._started_human.echo = False  # an undrawn chat prints nothing, its prompts neither
        if self.person:
            self._latest_person = self._started_human

    def _end_human(self, check: bool = False) -> None:
        ctx, self._human_ctx = self._human_ctx, None
        if ctx is None:
            if check and self.scripted and self._human_replies:
                raise AssertionError(
                    f"Lesson {self.number:02d}: the scripted human's replies {list(self._human_replies)!r} were never "
                    "asked for: no chat started since course.script(...)."
                )
            return
        self.transcript["human"] += [r for r in getattr(self._started_human, "replies", []) if isinstance(r, str)]
        try:
            self._in_human_context(ctx.__exit__, None, None, None) if check else self._in_human_context(ctx.stop)
        finally:
            self._started_human = None
            self._human_context = None

    def _in_human_context(self, call: Callable[..., Any], *args: Any) -> Any:
        return call(*args) if self._human_context is None else self._human_context.run(call, *args)

    def _transcribe_reply(self, request: Any, reply: Any, error: Any) -> None:
        if error is None:
            self.transcript["model"].append(reply)

    def _one_of_quiet_and_printout(self, given: Sequence[str]) -> None:
        """``--quiet`` hides AutoGen's printout and ``--printout`` shows it: a switch on the command line
        wins over the other's environment variable; both given the same way is an error naming them."""
        said = {"--quiet" in given, "--printout" in given}
        if said == {True, False}:
            self.quiet, self.printout = "--quiet" in given, "--printout" in given
            return
        both = "--quiet and --printout" if said == {True} else "HITL_QUIET and HITL_PRINTOUT"
        raise SystemExit(
            f"hitl-modes: {both} contradict each other: --quiet hides AutoGen's printout, --printout shows it "
            "instead of the timeline. Choose one (unset the other variable, or leave out the other switch)."
        )

    # -- each chat ------------------------------------------------------------------------------
    def _chat_options(self) -> Dict[str, Any]:
        # One rendering per chat: a person reads AutoGen's printout as it happens; otherwise it is
        # kept (folded under the picture in a notebook) and the timeline is shown.
        capture = not self.person and not self.printout
        return {"quiet": self.quiet or (not self._draw and not self.person), "capture": capture}

    def _keep_run(self, run: Any, title: str = "") -> None:
        """A chat ended: show it once (its picture, its timeline, or its stop line)."""
        self.runs.append(run)
        trace = run.trace
        self._person_answered = self.person and bool(trace.human_replies or trace.of_kind("human_timeout"))
        if (self.person or self.printout) and not in_notebook():
            # AutoGen's printout was the chat; one line says why it stopped.
            print(f"  ■ {trace.stop}" if trace.stop else "  ■ (the chat did not stop on its own)")
            return
        if not self._draw:
            return
        first = not self._shown
        if in_notebook():
            super().show(run, title)
            return
        self._shown += 1
        print(f"\n--- timeline{': ' + title if title else ''} ---\n{trace.timeline()}")
        if first:
            print(short_legend())

    def _write_transcript(self, path: Path) -> None:
        if self._pending:
            self._end_human()
        path.write_text(json.dumps(self.transcript, indent=1), encoding="utf-8")

    # -- what a run shows -------------------------------------------------------------------------
    def check(self, statement: str, holds: Union[bool, Callable[[], bool]]) -> None:
        """State what is true of the run and check it (see :meth:`Lesson.claim`)."""
        self._settle()
        self.claim(statement, holds)

    @property
    def model_calls(self) -> List[Any]:
        """Every request the offline model received, in order (empty with --live)."""
        return list(self.server.calls) if self.server is not None else []
