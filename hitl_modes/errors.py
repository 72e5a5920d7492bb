"""Every exception and warning the toolkit raises, in one place. Each says what went wrong and how to fix it.

The tree (``class (bases)``: where it is raised)::

    HitlModesError                      every error raised by hitl_modes
    ├── ScriptExhaustedError            chat.llm, chat.human: a script ran out of replies
    ├── UnusedScriptError               chat.llm, chat.human: a strict script had replies left over
    ├── NoHumanAvailableError           chat.human: a console human was needed, nobody can type
    │   └── HumanInterruptedError       chat.human: interrupted (Ctrl-C, stop button) at a prompt
    ├── ScenarioError (ValueError)      course.scenario: a simulate scenario is invalid
    ├── LiveConfigError                 chat.live: a live model without credentials
    ├── UnknownModelError               chat.server: a request for a model with no route
    ├── AutoReplyRuleError              agents.smart_proxy: a rule's ``when`` or ``reply`` raised
    ├── WorkflowError (ValueError)      agents.workflow: a workflow or stage built wrongly
    ├── SyncChatError (RuntimeError)    agents.queue_human: a queue human asked from a sync chat
    ├── AlreadySentError                approvals.draft_gate: the outbox refuses to send twice
    ├── AuditLogError (ValueError)      approvals.audit: bad input, or a log that cannot be read
    │   └── CorruptAuditLogError        a line of the log is not a valid record
    │       └── TornAuditLogError       the last line was cut off by a crash mid-write
    ├── SandboxUnavailableError         sandbox.engine: no Docker engine, or no sandbox image
    │   (RuntimeError)
    ├── ExerciseAnswerError             course.exercises: a learner's answer has the wrong shape
    ├── InboxTokenError (ValueError)    inbox.tokens: a token missing, too short, or readable by others
    ├── DurableChatError                inbox.durable: a checkpoint that does not fit its chat
    ├── ReplayScriptError (ValueError)  notebook_runner: a bad run-notebook script, notebook or argument
    ├── UpstreamError                   notebook_runner.record: the real model refused or was unreachable
    ├── NotebookReplayError             notebook_runner.pytest_plugin: a replayed notebook did not pass
    └── InboxError                      inbox.client: the inbox refused a request (a 4xx answer)
        └── InboxUnavailableError       nothing answers at the inbox URL

    HitlModesWarning (UserWarning)      every warning issued by hitl_modes
    ├── SandboxFallbackWarning          sandbox.executors: "auto" runs code on this machine
    └── TornAuditLogWarning             approvals.audit: a torn last line was skipped on request
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, List, Optional

if TYPE_CHECKING:
    from .chat.trace import Trace

__all__ = [
    "HitlModesError",
    "ScriptExhaustedError",
    "UnusedScriptError",
    "NoHumanAvailableError",
    "HumanInterruptedError",
    "ScenarioError",
    "LiveConfigError",
    "UnknownModelError",
    "InboxTokenError",
    "ExerciseAnswerError",
    "DurableChatError",
    "AutoReplyRuleError",
    "WorkflowError",
    "SyncChatError",
    "AlreadySentError",
    "AuditLogError",
    "CorruptAuditLogError",
    "TornAuditLogError",
    "SandboxUnavailableError",
    "ReplayScriptError",
    "UpstreamError",
    "NotebookReplayError",
    "InboxError",
    "InboxUnavailableError",
    "HitlModesWarning",
    "SandboxFallbackWarning",
    "TornAuditLogWarning",
]


class HitlModesError(Exception):
    """Base class for every error raised by hitl_modes."""


class ScriptExhaustedError(HitlModesError):
    """A scripted LLM or human was asked for one more reply than it was given.

    `kind` is "llm" or "human"; `call` is the 1-based number of the call that failed. `trace` is
    the partial :class:`~hitl_modes.Trace` of the chat up to that call when ``record_chat`` ran it
    (None otherwise): what happened before the script ran out.
    """

    kind: str
    call: int
    trace: Optional[Trace]

    def __init__(self, kind: str, call: int, message: str, *, trace: Optional[Trace] = None) -> None:
        super().__init__(message)
        self.kind = kind
        self.call = call
        self.trace = trace


class UnusedScriptError(HitlModesError):
    """A strict script ended with replies that were never used (``assert_all_used()``)."""


class NoHumanAvailableError(HitlModesError):
    """A console human was needed, but nobody can type: stdin is not interactive."""


class HumanInterruptedError(NoHumanAvailableError):
    """The person interrupted (Ctrl-C, or a notebook's stop button) while a chat waited for their
    reply: no reply is coming, so the chat stops, as it does when stdin closes."""


class ScenarioError(HitlModesError, ValueError):
    """A simulate scenario is invalid. `field` names the offending field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"scenario field {field!r}: {message}")
        self.field = field


class LiveConfigError(HitlModesError):
    """A live model was asked for, but no credentials were configured."""


class UnknownModelError(HitlModesError):
    """A scripted model server got a request for a model it has no route (and no default) for."""


class AutoReplyRuleError(HitlModesError):
    """A rule's ``when`` or ``reply`` raised; the message names the rule and the agent."""


class WorkflowError(HitlModesError, ValueError):
    """A workflow or stage was built wrongly; the message says which part and how to fix it."""


class SyncChatError(HitlModesError, RuntimeError):
    """A queue-fed human was asked from a synchronous chat, which cannot await the queue."""


class AlreadySentError(HitlModesError):
    """The outbox already holds this message: sending twice is refused."""


class AuditLogError(HitlModesError, ValueError):
    """Bad input to the audit log, or a log that cannot be read."""


class CorruptAuditLogError(AuditLogError):
    """A line of the log is not a valid record. ``line_number`` is 1-based."""

    def __init__(self, path: str, line_number: int, problem: str, line: str) -> None:
        shown = line if len(line) <= 120 else line[:117] + "..."
        super().__init__(f"audit log {path}, line {line_number}: {problem}. The line is: {shown!r}")
        self.path = path
        self.line_number = line_number
        self.line = line


class TornAuditLogError(CorruptAuditLogError):
    """The last line was cut off mid-write (the writer crashed). ``records`` holds every complete
    record before it; ``fragment`` the cut-off text."""

    def __init__(self, path: str, line_number: int, fragment: str, records: List[Dict[str, Any]]) -> None:
        CorruptAuditLogError.__init__(
            self,
            path,
            line_number,
            f"the last line is incomplete: the writer was probably killed while writing it. The "
            f"{len(records)} records before it are intact. Read them with read_audit_log(path, "
            f"allow_torn_tail=True), or move the fragment aside with set_aside_torn_tail(path) before "
            f"appending to this log again",
            fragment,
        )
        self.fragment = fragment
        self.records = records


class SandboxUnavailableError(HitlModesError, RuntimeError):
    """The Docker sandbox cannot run: no engine answers, or the sandbox image is missing."""


class ReplayScriptError(HitlModesError, ValueError):
    """``hitl-modes run-notebook`` was given a bad script, notebook or argument (exit code 2); the
    message names the file, the place in it and the fix."""


class UpstreamError(HitlModesError):
    """Recording: the real model endpoint refused a forwarded request, or could not be reached."""


class NotebookReplayError(HitlModesError):
    """``pytest --hitl-notebooks``: a replay ended with a non-zero exit code. ``run`` is its
    :class:`~hitl_modes.notebook_runner.runner.NotebookRun` (exit code, problems, timeline)."""

    def __init__(self, run: Any) -> None:
        super().__init__(getattr(run, "message", str(run)))
        self.run = run


class InboxError(HitlModesError):
    """The inbox refused a request for a reason retrying cannot fix (a 4xx answer)."""


class InboxUnavailableError(InboxError):
    """Nothing answers at the inbox URL."""


class HitlModesWarning(UserWarning):
    """Base class for every warning issued by hitl_modes."""


class SandboxFallbackWarning(HitlModesWarning):
    """``make_executor("auto")`` found no usable Docker engine and runs code on this machine."""


class TornAuditLogWarning(HitlModesWarning):
    """Issued when a torn last line is skipped on request (``allow_torn_tail=True``)."""


class InboxTokenError(HitlModesError, ValueError):
    """A token is missing, too short, or kept where others can read it."""


class DurableChatError(HitlModesError):
    """A checkpoint does not fit the chat it is resumed with, or cannot be read."""


class ExerciseAnswerError(HitlModesError):
    """A learner's exercise answer returned the wrong kind of object; the check reports it as a failure."""
