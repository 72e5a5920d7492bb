"""hitl-modes: learn AutoGen 0.2's human-in-the-loop controls offline, on AutoGen's real agents.

What a learner imports::

    from hitl_modes import ScriptedLLM, ScriptedHuman, record_chat

Every name is imported on first use (PEP 562), so a lesson pays only for what it uses: the Docker
SDK, the web inbox and the risk parser stay unloaded in a lesson that needs none of them.
"""

from __future__ import annotations

import importlib
import warnings as _warnings
from typing import TYPE_CHECKING, Any, Dict, List

# flaml (an AutoGen dependency) warns on import about an optional extra no lesson uses.
_warnings.filterwarnings("ignore", message="flaml.automl is not available")

#: Public name -> the submodule that defines it.
_EXPORTS: Dict[str, str] = {
    # -- the scripted model and human, recorded runs (every lesson)
    "HitlModesError": "errors",
    "LiveConfigError": "errors",
    "NoHumanAvailableError": "errors",
    "ScenarioError": "errors",
    "ScriptExhaustedError": "errors",
    "UnusedScriptError": "errors",
    "ConsoleHuman": "human",
    "ScriptedHuman": "human",
    "require_interactive_human": "human",
    "stdin_is_interactive": "human",
    "ScriptedLLM": "llm",
    "ScriptedModelClient": "llm",
    "scripted_llm_config": "llm",
    "tool_call": "llm",
    "RecordedRun": "record",
    "Recorder": "record",
    "a_record_chat": "record",
    "record_chat": "record",
    "Event": "trace",
    "StopReason": "trace",
    "Trace": "trace",
    # -- workflow (lesson 06): stages with human checkpoints, the hand-off between them
    "Stage": "workflow",
    "StageResult": "workflow",
    "Workflow": "workflow",
    "WorkflowError": "workflow",
    "WorkflowResult": "workflow",
    "last_reply": "workflow",
    # -- smart user proxy (lesson 05): context-aware auto-replies that keep AutoGen's reply chain
    "AutoReplyRule": "smart_proxy",
    "SmartUserProxy": "smart_proxy",
    # -- approvals (lessons 07-09): risk policy, audit log, approval gate, risk-gated proxy, async human
    "DraftApprovalGate": "approval",
    "Outbox": "approval",
    "parse_review": "approval",
    "request_approval": "approval",
    "QueueHuman": "async_human",
    "QueueHumanProxy": "async_human",
    "run_async": "async_human",
    "scripted_answers": "async_human",
    "AuditLog": "audit",
    "read_audit_log": "audit",
    "summarize_audit_log": "audit",
    "SlowHuman": "deadline",
    "ask_with_timeout": "deadline",
    "RiskAssessment": "risk",
    "RiskPolicy": "risk",
    "Rule": "risk",
    "RiskGatedProxy": "risk_gate",
    # -- sandbox (lesson 10): where generated code runs (Docker sandbox, local with a human gate)
    "EXECUTOR_KINDS": "sandbox",
    "LocalExecutor": "sandbox",
    "SandboxFallbackWarning": "sandbox",
    "make_executor": "sandbox",
    "ApprovalDecision": "sandbox_approval",
    "ApprovalGate": "sandbox_approval",
    "DockerSandboxExecutor": "sandbox_docker",
    "SandboxUnavailableError": "sandbox_engine",
    "SANDBOX_IMAGE": "sandbox_image",
    # -- approval inbox (lesson 11): people decide chats' prompts in a web page (--human inbox)
    "InboxDecision": "inbox_human",
    "InboxHuman": "inbox_human",
    "InboxReviewer": "inbox_reviewer",
    "ScriptedReviewer": "inbox_reviewer",
    "InboxServer": "inbox_server",
}

__all__ = list(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'hitl_modes' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> List[str]:
    return sorted(set(globals()) | set(__all__))


if TYPE_CHECKING:  # type checkers and IDEs see the same names, imported eagerly
    from .errors import HitlModesError, LiveConfigError, NoHumanAvailableError, ScenarioError, ScriptExhaustedError, UnusedScriptError
    from .human import ConsoleHuman, ScriptedHuman, require_interactive_human, stdin_is_interactive
    from .llm import ScriptedLLM, ScriptedModelClient, scripted_llm_config, tool_call
    from .record import RecordedRun, Recorder, a_record_chat, record_chat
    from .trace import Event, StopReason, Trace
    from .workflow import Stage, StageResult, Workflow, WorkflowError, WorkflowResult, last_reply
    from .smart_proxy import AutoReplyRule, SmartUserProxy
    from .approval import DraftApprovalGate, Outbox, parse_review, request_approval
    from .async_human import QueueHuman, QueueHumanProxy, run_async, scripted_answers
    from .audit import AuditLog, read_audit_log, summarize_audit_log
    from .deadline import SlowHuman, ask_with_timeout
    from .risk import RiskAssessment, RiskPolicy, Rule
    from .risk_gate import RiskGatedProxy
    from .sandbox import EXECUTOR_KINDS, LocalExecutor, SandboxFallbackWarning, make_executor
    from .sandbox_approval import ApprovalDecision, ApprovalGate
    from .sandbox_docker import DockerSandboxExecutor
    from .sandbox_engine import SandboxUnavailableError
    from .sandbox_image import SANDBOX_IMAGE
    from .inbox_human import InboxDecision, InboxHuman
    from .inbox_reviewer import InboxReviewer, ScriptedReviewer
    from .inbox_server import InboxServer
