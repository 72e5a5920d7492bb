"""A multi-stage workflow (research -> code -> docs, say) with human checkpoints, on AutoGen 0.2 agents.

Each :class:`Stage` is one two-agent chat: a ``UserProxyAgent`` in the stage's ``human_input_mode``
starts it with the stage's instruction, and the stage's assistant does the work. The stages run in
order; each one starts fresh and gets only the task and the previous stage's output.

    research = Stage("research", researcher, "Find out what the code must handle.")
    code = Stage("code", coder, "Write the function.")
    docs = Stage("docs", writer, "Document the function.", human_input_mode="NEVER")
    with ScriptedHuman(["Also cover empty input.", "", ""]):
        result = Workflow([research, code, docs]).run("Parse a CSV line.")
    result.completed, result.stopped_at, result.reason, result["code"].output

What a checkpoint means (``human_input_mode="TERMINATE"``, AutoGen's own prompts):

- the assistant ends its answer with ``TERMINATE`` -> the human is asked;
- **Enter approves**: the chat ends on the termination message and the stage passes;
- **any other text is feedback**: it goes to the assistant, which revises, and the human is asked again;
- **``exit`` rejects**: the chat stops (stop reason ``human_exit``), the stage is ``rejected``, the
  workflow stops there and no later stage runs (its model is never called);
- **cancel**: the human's input raises ``EOFError`` (Ctrl-D), ``KeyboardInterrupt`` (Ctrl-C) or
  :class:`NoHumanAvailableError` (nobody can type) while a checkpoint is asking -> the stage is
  ``cancelled`` and the workflow stops the same way. Never blocking is the point: no human means stop.

A stage **passes** only when its chat ended because its user proxy accepted a termination message
(stop reason ``termination_msg`` on the proxy: in TERMINATE/ALWAYS mode the human pressed Enter on it,
in NEVER mode nobody is asked) *and* the assistant said something to hand over. Anything else stops
the workflow: reaching ``max_consecutive_auto_reply`` or ``max_turns`` (``max_turns`` never asks the
human on its last turn, so it would skip the checkpoint), or a chat that ends with no reply
(``incomplete``); or a stage whose assistant only ever said ``TERMINATE`` (``no_output``).

The hand-off is :func:`last_reply`: the last message *the assistant* sent that carries text, with a
trailing ``TERMINATE`` removed. It goes through AutoGen's own ``summary_method`` seam, so each stage's
``ChatResult.summary`` is exactly what the next stage receives. AutoGen's default summary
(``"last_msg"``) takes the last message whoever sent it, deletes every ``TERMINATE`` in it, and is
empty when the chat ended on a bare ``TERMINATE`` or a tool call.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, Iterator, List, Mapping, Optional, Sequence

from autogen import ConversableAgent, UserProxyAgent
from autogen.io import IOConsole, IOStream

from ..chat.human import mode_can_ask_human, require_interactive_human
from ..chat.messages import message_text
from ..chat.record import record_chat
from ..chat.trace import Event, Trace
from ..errors import NoHumanAvailableError, WorkflowError

__all__ = [
    "Stage",
    "StageResult",
    "Workflow",
    "WorkflowResult",
    "last_reply",
    "CANCEL_ERRORS",
    "WORKFLOW_REASONS",
]

HUMAN_INPUT_MODES = ("TERMINATE", "NEVER", "ALWAYS")

#: What a human's input raises when the human cancels: Ctrl-D, Ctrl-C, or nobody there to type.
CANCEL_ERRORS = (EOFError, KeyboardInterrupt, NoHumanAvailableError)

#: Why a workflow stopped (``WorkflowResult.reason``).
WORKFLOW_REASONS = ("completed", "rejected", "cancelled", "incomplete", "no_output")


def _marker_tail(marker: str) -> re.Pattern[str]:
    # The marker as the last word, allowing the decorations models add: "TERMINATE.", "**TERMINATE**".
    return re.compile(rf"[\s*_`]*\b{re.escape(marker)}\b[\s.!*_`]*\Z")


def last_reply(messages: Sequence[Mapping[str, Any]], *, marker: str = "TERMINATE") -> Optional[str]:
    """The last thing the speaker said that carries text, with a trailing ``marker`` removed.

    ``messages`` is the chat as the speaker saw it (``assistant.chat_messages[user_proxy]``): there
    its own messages have role ``assistant`` and everything it received (the task, the human's
    feedback, empty auto-replies, tool results) has role ``user``, ``tool`` or ``function``.
    Messages that request a tool or function call are steps, not answers, and a message that is
    only the marker is a signal, not an answer: both are skipped. None when nothing is left.
    """
    tail = _marker_tail(marker)
    for message in reversed(messages):
        if message.get("role") != "assistant" or message.get("tool_calls") or message.get("function_call"):
            continue
        text = tail.sub("", message_text(message)).strip()
        if text:
            return text
    return None


@dataclass
class Stage:
    """One step of a workflow: who works (``assistant``), on what (``instruction``), and whether a
    human checks the result (``human_input_mode`` of the stage's user proxy, AutoGen's word).

    ``max_consecutive_auto_reply`` bounds the proxy's empty auto-replies in a row (in TERMINATE mode
    reaching it asks the human; in NEVER mode it ends the stage, which then does not pass).
    ``max_turns`` is a safety net on round trips; a stage cut off by it does not pass.
    """

    name: str
    assistant: ConversableAgent
    instruction: str
    human_input_mode: str = "TERMINATE"
    max_consecutive_auto_reply: int = 5
    max_turns: Optional[int] = None

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.strip():
            raise WorkflowError(
                f"Stage name must be a non-empty string, e.g. Stage('research', ...); got {self.name!r}"
            )
        where = f"Stage {self.name!r}"
        if not isinstance(self.assistant, ConversableAgent):
            raise WorkflowError(
                f"{where}: assistant must be an AutoGen agent (e.g. autogen.AssistantAgent), "
                f"got {type(self.assistant).__name__}: {self.assistant!r}"
            )
        if not isinstance(self.instruction, str) or not self.instruction.strip():
            raise WorkflowError(f"{where}: instruction must be non-empty text telling the assistant what to do")
        if self.human_input_mode not in HUMAN_INPUT_MODES:
            raise WorkflowError(
                f"{where}: human_input_mode must be one of {', '.join(HUMAN_INPUT_MODES)}; "
                f"got {self.human_input_mode!r} (TERMINATE for a checkpoint, NEVER for none)"
            )
        if not _is_int(self.max_consecutive_auto_reply) or self.max_consecutive_auto_reply < 0:
            raise WorkflowError(
                f"{where}: max_consecutive_auto_reply must be an int >= 0, got {self.max_consecutive_auto_reply!r}"
            )
        if self.max_turns is not None and (not _is_int(self.max_turns) or self.max_turns < 1):
            raise WorkflowError(f"{where}: max_turns must be None or an int >= 1, got {self.max_turns!r}")

    @property
    def has_checkpoint(self) -> bool:
        """True when this stage can ask the human (TERMINATE or ALWAYS)."""
        return mode_can_ask_human(self.human_input_mode)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


@dataclass
class StageResult:
    """How one stage went.

    ``status`` is ``passed``, ``rejected``, ``cancelled``, ``incomplete`` or ``no_output``.
    ``reply`` is the assistant's last text reply (also for a stage that did not pass, so you can see
    what was rejected); ``output`` is what was handed on: ``reply`` when the stage passed, else None.
    ``result`` is AutoGen's ``ChatResult`` (None when the human cancelled mid-chat); ``trace`` is
    the recorded chat, whose timeline shows where the human was asked; ``message`` is the opening
    message the stage's assistant got; ``printed`` is AutoGen's printing of the chat when the
    Workflow was built with ``capture=True``.
    """

    stage: Stage
    status: str
    detail: str
    trace: Trace
    result: Any = None
    reply: Optional[str] = None
    message: str = ""
    printed: str = ""  # AutoGen's printing of the stage's chat, when the Workflow captures it

    @property
    def name(self) -> str:
        return self.stage.name

    @property
    def passed(self) -> bool:
        return self.status == "passed"

    @property
    def output(self) -> Optional[str]:
        return self.reply if self.passed else None

    @property
    def stop_reason(self) -> Optional[str]:
        """Why the stage's chat stopped (the trace's stop reason, ``human_cancel`` on a cancel)."""
        return self.trace.stop_reason

    @property
    def human_prompts(self) -> List[str]:
        return self.trace.human_prompts

    @property
    def human_replies(self) -> List[str]:
        return self.trace.human_replies


@dataclass
class WorkflowResult:
    """The stages that ran, in order, and why the workflow stopped.

    ``reason`` is ``completed`` or the status of the stage that stopped it (``rejected``,
    ``cancelled``, ``incomplete``, ``no_output``); ``stopped_at`` names that stage (None when
    completed); ``not_run`` names the stages after it, which never started.
    """

    task: str
    stages: List[StageResult]
    not_run: List[str] = field(default_factory=list)

    @property
    def completed(self) -> bool:
        return not self.not_run and all(s.passed for s in self.stages)

    @property
    def stopped_at(self) -> Optional[str]:
        return next((s.name for s in self.stages if not s.passed), None)

    @property
    def reason(self) -> str:
        return next((s.status for s in self.stages if not s.passed), "completed")

    @property
    def detail(self) -> str:
        failed = next((s for s in self.stages if not s.passed), None)
        if failed is None:
            return f"all {len(self.stages)} stages passed"
        after = f"; never ran: {', '.join(self.not_run)}" if self.not_run else ""
        return f"{failed.detail}{after}"

    @property
    def output(self) -> Optional[str]:
        """The last stage's output when the workflow completed, else None."""
        return self.stages[-1].output if self.completed else None

    @property
    def outputs(self) -> Dict[str, str]:
        """Every handed-on output, by stage name."""
        return {s.name: s.reply for s in self.stages if s.passed and s.reply is not None}

    @property
    def trace(self) -> Trace:
        """All stages' events in one trace (each stage's stop included)."""
        return Trace([e for s in self.stages for e in s.trace.events])

    def __getitem__(self, name: str) -> StageResult:
        for s in self.stages:
            if s.name == name:
                return s
        ran = ", ".join(s.name for s in self.stages) or "none"
        raise KeyError(f"no stage {name!r} ran (ran: {ran}; never ran: {', '.join(self.not_run) or 'none'})")

    def __iter__(self) -> Iterator[StageResult]:
        return iter(self.stages)

    def report(self, width: int = 48) -> str:
        """A small table: each stage's mode, status, how often the human was asked, and its output."""
        rows = [f"{'stage':<12} {'mode':<10} {'status':<11} {'asked':>5}  output"]
        for s in self.stages:
            shown = " ".join((s.output or "-").split())
            shown = shown if len(shown) <= width else shown[: width - 1] + "…"
            rows.append(
                f"{s.name:<12} {s.stage.human_input_mode:<10} {s.status:<11} {len(s.human_prompts):>5}  {shown}"
            )
        rows += [f"{name:<12} {'':<10} not run" for name in self.not_run]
        rows.append(f"=> {self.reason}{' at ' + self.stopped_at if self.stopped_at else ''}: {self.detail}")
        return "\n".join(rows)

    def __str__(self) -> str:
        return self.report()


ProxyFactory = Callable[[Stage], ConversableAgent]


class Workflow:
    """Stages run in order; a stage that does not pass stops the workflow (see the module docstring).

    ``proxy_factory(stage)`` builds the agent that starts each stage's chat and holds its checkpoint.
    The default is :meth:`make_proxy`: a ``UserProxyAgent`` in the stage's mode that does not execute
    code. A factory must return an agent whose ``human_input_mode`` is the stage's. There is one proxy
    per stage, not one shared proxy, because the mode is a per-stage decision.

    ``quiet=True`` hides AutoGen's printing (the traces still record everything); ``capture=True``
    keeps it in each :class:`StageResult`'s ``printed`` instead of the screen (a notebook folds it
    under the stage's picture). A stage the human cancels keeps its trace, not its printing.
    """

    def __init__(
        self,
        stages: Sequence[Stage],
        *,
        proxy_factory: Optional[ProxyFactory] = None,
        marker: str = "TERMINATE",
        quiet: bool = False,
        capture: bool = False,
    ) -> None:
        if isinstance(stages, Stage) or not isinstance(stages, Sequence):
            raise WorkflowError(
                f"Workflow needs a list of Stage objects, e.g. Workflow([research, code, docs]); got {stages!r}"
            )
        if not stages:
            raise WorkflowError(
                "Workflow needs at least one Stage, e.g. Workflow([Stage('research', assistant, '...')])"
            )
        for i, stage in enumerate(stages):
            if not isinstance(stage, Stage):
                raise WorkflowError(f"Workflow stage #{i + 1} must be a Stage, got {type(stage).__name__}: {stage!r}")
        names = [s.name for s in stages]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise WorkflowError(
                f"Workflow stage names must be unique (results are looked up by name); "
                f"repeated: {', '.join(repr(n) for n in duplicates)} in {names}"
            )
        if proxy_factory is not None and not callable(proxy_factory):
            raise WorkflowError(f"proxy_factory must be a callable taking a Stage, got {proxy_factory!r}")
        if not isinstance(marker, str) or not marker.strip():
            raise WorkflowError(f"marker must be a non-empty word such as 'TERMINATE', got {marker!r}")
        self.stages: List[Stage] = list(stages)
        self.proxy_factory: ProxyFactory = proxy_factory or self.make_proxy
        self.marker = marker
        self.quiet = quiet
        self.capture = capture
        self._tail = _marker_tail(marker)

    # -- the pieces a subclass or a custom factory reuses ---------------------------------------
    def is_termination_msg(self, message: Mapping[str, Any]) -> bool:
        """True when the message's text ends with the marker. None-safe: a tool call has no text."""
        return self._tail.search(message_text(message)) is not None

    def make_proxy(self, stage: Stage) -> ConversableAgent:
        """The default checkpoint holder for ``stage``."""
        return UserProxyAgent(
            "user_proxy",
            human_input_mode=stage.human_input_mode,
            max_consecutive_auto_reply=stage.max_consecutive_auto_reply,
            is_termination_msg=self.is_termination_msg,
            code_execution_config=False,
        )

    def opening_message(self, stage: Stage, task: str, previous: Optional[StageResult]) -> str:
        """What the stage's assistant is told: its instruction, the task, and the previous output.

        Nothing else crosses from one stage to the next: no drafts, no human feedback."""
        message = f"{stage.instruction}\n\nTask: {task}"
        if previous is not None:
            message += f"\n\nOutput of the {previous.name} stage:\n{previous.output}"
        return message

    # -- running --------------------------------------------------------------------------------
    def run(self, task: str) -> WorkflowResult:
        """Run the stages in order until one does not pass. Never waits on a missing human: with no
        human installed (AutoGen's plain console) and no interactive stdin, it fails before any stage."""
        if not isinstance(task, str) or not task.strip():
            raise WorkflowError(f"Workflow.run needs the task as non-empty text, got {task!r}")
        self._require_a_human()
        results: List[StageResult] = []
        previous: Optional[StageResult] = None
        for stage in self.stages:
            outcome = self._run_stage(stage, self.opening_message(stage, task, previous))
            results.append(outcome)
            if not outcome.passed:
                break
            previous = outcome
        not_run = [s.name for s in self.stages[len(results) :]]
        return WorkflowResult(task, results, not_run)

    def _require_a_human(self) -> None:
        asking = [s for s in self.stages if s.has_checkpoint]
        if asking and type(IOStream.get_default()) is IOConsole:
            require_interactive_human(asking[0].human_input_mode)

    def _proxy(self, stage: Stage) -> ConversableAgent:
        proxy = self.proxy_factory(stage)
        if not isinstance(proxy, ConversableAgent):
            raise WorkflowError(
                f"Stage {stage.name!r}: proxy_factory returned {type(proxy).__name__}, not an AutoGen agent"
            )
        if proxy is stage.assistant:
            raise WorkflowError(f"Stage {stage.name!r}: proxy_factory returned the stage's own assistant")
        if proxy.human_input_mode != stage.human_input_mode:
            raise WorkflowError(
                f"Stage {stage.name!r} asks for human_input_mode={stage.human_input_mode!r}, but proxy_factory "
                f"returned an agent in {proxy.human_input_mode!r}: build the proxy with "
                "human_input_mode=stage.human_input_mode"
            )
        return proxy

    def _run_stage(self, stage: Stage, message: str) -> StageResult:
        proxy = self._proxy(stage)
        assistant = stage.assistant

        def hand_off(sender: ConversableAgent, recipient: ConversableAgent, summary_args: Dict[str, Any]) -> str:
            return self._reply(recipient, sender) or ""

        trace = Trace()  # kept here: a cancelled stage still shows what happened
        try:
            run = record_chat(
                proxy,
                assistant,
                message,
                max_turns=stage.max_turns,
                quiet=self.quiet,
                trace=trace,
                capture=self.capture,
                silent=self.quiet,
                clear_history=True,
                summary_method=hand_off,
            )
        except CANCEL_ERRORS as exc:
            if not trace.events or trace.events[-1].kind != "human_prompt":
                raise  # not the human at a checkpoint: a real error (or a real Ctrl-C) propagates
            why = f"the human cancelled at the {stage.name} checkpoint ({type(exc).__name__}: {exc})"
            trace.events.append(Event("stop", proxy.name, "human_cancel", detail=why))
            return StageResult(stage, "cancelled", why, trace, None, self._reply(assistant, proxy), message)

        reply = run.result.summary or None
        stop = run.trace.stop
        if stop is not None and stop.reason == "human_exit":
            status, detail = "rejected", f"the human typed 'exit' at the {stage.name} checkpoint"
        elif stop is None or stop.reason != "termination_msg" or stop.agent != proxy.name:
            status = "incomplete"
            detail = f"the {stage.name} stage ended without being accepted ({stop or 'no stop recorded'})"
        elif reply is None:
            status, detail = "no_output", f"the {stage.name} assistant said nothing to hand over"
        else:
            status = "passed"
            detail = ("the human approved" if stage.has_checkpoint else "the assistant finished") + f" {stage.name}"
        return StageResult(stage, status, detail, run.trace, run.result, reply, message, run.printed)

    def _reply(self, assistant: ConversableAgent, proxy: ConversableAgent) -> Optional[str]:
        return last_reply(assistant.chat_messages.get(proxy, []), marker=self.marker)

    def __repr__(self) -> str:
        stages = ", ".join(f"{s.name}:{s.human_input_mode}" for s in self.stages)
        return f"Workflow([{stages}])"
