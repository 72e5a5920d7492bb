"""A human gate in front of a code executor: show the code, ask, run it only when approved.

The question goes through AutoGen's ``IOStream``, the same seam AutoGen uses for
``human_input_mode``, so whoever answers there answers here too: a :class:`ScriptedHuman`, a
:class:`ConsoleHuman`, or any other stream a lesson installs.

The answer follows AutoGen's own prompt: pressing Enter goes ahead (as Enter means "use the
auto-reply", which runs the code, in ``human_input_mode="ALWAYS"``); ``yes`` does too. Anything
else rejects: ``exit``/``no`` simply, other text also goes back to the assistant as feedback.
(The words are read by :func:`~hitl_modes.approvals.vocabulary.parse_code_reply`, beside the other
gates', which differ on purpose.)
When nobody can answer (no stream installed and stdin is not a terminal, or the human stream
says so) the code is not run: the safe default, and it never waits.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, List, Optional, Tuple

from autogen.coding.base import CodeBlock, CodeExecutor, CodeExtractor, CommandLineCodeResult
from autogen.io import IOConsole, IOStream

from ..chat.human import stdin_is_interactive
from ..chat.record import record_executor_decision
from ..errors import NoHumanAvailableError
from .vocabulary import Decision, parse_code_reply, reply_approves

__all__ = ["ApprovalGate", "ApprovalDecision", "approval_prompt", "NOT_RUN"]

#: The first words of the output an agent gets back for code that was not run.
NOT_RUN = "NOT RUN:"


@dataclass(frozen=True)
class ApprovalDecision(Decision):
    """One question to the human before code runs, and its outcome (Lesson 12): ``approved``,
    ``rejected`` or ``feedback`` (rejected, with text for the assistant); ``note`` says why."""


def approval_prompt(code_blocks: List[CodeBlock], where: str) -> str:
    """The question shown to the human: the code itself, and where it would run."""
    count = f"{len(code_blocks)} code block{'s' if len(code_blocks) != 1 else ''}"
    lines = [f"\n>>>>>>>> APPROVAL NEEDED: run {count} {where}?"]
    for i, block in enumerate(code_blocks, 1):
        lines += [f"--- block {i} ({block.language}) ---", block.code.rstrip("\n")]
    lines += [
        "--- end of code ---",
        "Press Enter (or type 'yes') to run it; type 'no' to reject it, or anything else to reject it "
        "and send that text back to the assistant: ",
    ]
    return "\n".join(lines)


class ApprovalGate:
    """A ``CodeExecutor`` that asks the human before ``inner`` runs anything.

    ``decisions`` records every question and answer. A rejected run returns exit code 1 and an
    output starting with ``NOT RUN:`` (plus the human's feedback), which AutoGen passes to the
    assistant like any other execution result. ``approves`` decides which replies approve
    (default :func:`reply_approves`); when nobody could answer, nothing approves, whatever the rule.
    """

    def __init__(
        self,
        inner: CodeExecutor,
        *,
        where: Optional[str] = None,
        approves: Callable[[Optional[str]], bool] = reply_approves,
    ) -> None:
        self.inner = inner
        self.where = where or str(getattr(inner, "where", f"with {type(inner).__name__}"))
        self.approves = approves
        self.decisions: List[ApprovalDecision] = []

    # -- what AutoGen calls ---------------------------------------------------------------------
    @property
    def code_extractor(self) -> CodeExtractor:
        return self.inner.code_extractor

    def execute_code_blocks(self, code_blocks: List[CodeBlock]) -> CommandLineCodeResult:
        prompt = approval_prompt(code_blocks, self.where)
        reply, why_nobody = _ask(prompt)
        read = parse_code_reply(reply, self.approves)
        decision = ApprovalDecision(read.decision, read.response, prompt, why_nobody or read.note)
        self.decisions.append(decision)
        record_executor_decision(decision.decision, "runs" if decision.approved else "not run")
        if decision.approved:
            result = self.inner.execute_code_blocks(code_blocks)
            return CommandLineCodeResult(
                exit_code=result.exit_code, output=result.output, code_file=getattr(result, "code_file", None)
            )
        output = f"{NOT_RUN} the code was {decision.note}, so it was not executed."
        if decision.decision == "feedback" and decision.response:
            output += f" The human said: {decision.response.strip()}"
        IOStream.get_default().print(output, flush=True)
        return CommandLineCodeResult(exit_code=1, output=output)

    def restart(self) -> None:
        self.inner.restart()

    # -- life cycle and inspection --------------------------------------------------------------
    @property
    def kind(self) -> str:
        return str(getattr(self.inner, "kind", type(self.inner).__name__))

    @property
    def requires_approval(self) -> bool:
        return True

    @property
    def work_dir(self) -> Path:
        return Path(self.inner.work_dir)

    @property
    def timeout(self) -> int:
        return int(self.inner.timeout)

    def stop(self) -> None:
        stop = getattr(self.inner, "stop", None)
        if callable(stop):
            stop()

    def __enter__(self) -> ApprovalGate:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"ApprovalGate({self.inner!r})"


def _ask(prompt: str) -> Tuple[Optional[str], str]:
    """(reply, "") from the human, or (None, why nobody could answer)."""
    stream = IOStream.get_default()
    if _reads_the_console(stream) and not stdin_is_interactive():
        return None, "not approved: no human could answer (stdin is not interactive; install a human IOStream)"
    try:
        return stream.input(prompt), ""
    except (NoHumanAvailableError, EOFError) as e:
        return None, f"not approved: no human could answer ({type(e).__name__})"


def _reads_the_console(stream: Any) -> bool:
    """True when ``input`` would end at AutoGen's console, through any streams that wrap it (such as
    the trace recorder, which shows the stream it wraps as ``inner``)."""
    seen = 0
    while stream is not None and seen < 10:
        if isinstance(stream, IOConsole):
            return True
        stream, seen = getattr(stream, "inner", None), seen + 1
    return False
