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
    "SandboxFallbackWarning": "errors",
    "SandboxUnavailableError": "errors",
    "WorkflowError": "errors",
    "ConsoleHuman": "chat.human",
    "ScriptedHuman": "chat.human",
    "require_interactive_human": "chat.human",
    "stdin_is_interactive": "chat.human",
    "ScriptedLLM": "chat.llm",
    "ScriptedModelClient": "chat.llm",
    "scripted_llm_config": "chat.llm",
    "tool_call": "chat.llm",
    "ScriptedModelServer": "chat.server",
    "RecordedRun": "chat.record",
    "Recorder": "chat.record",
    "a_record_chat": "chat.record",
    "record_chat": "chat.record",
    "Event": "chat.trace",
    "StopReason": "chat.trace",
    "Trace": "chat.trace",
    "message_text": "chat.messages",
    # -- workflow: stages with human checkpoints, the hand-off between them (lesson 07 shows the plain AutoGen way)
    "Stage": "agents.workflow",
    "StageResult": "agents.workflow",
    "Workflow": "agents.workflow",
    "WorkflowResult": "agents.workflow",
    "last_reply": "agents.workflow",
    # -- smart user proxy (lesson 06): context-aware auto-replies that keep AutoGen's reply chain
    "AutoReplyRule": "agents.smart_proxy",
    "SmartUserProxy": "agents.smart_proxy",
    # -- approvals (lessons 09-11): risk policy, audit log, approval gate, risk-gated proxy, async human
    "DraftApprovalGate": "approvals.draft_gate",
    "Outbox": "approvals.draft_gate",
    "parse_review": "approvals.vocabulary",
    "request_approval": "approvals.draft_gate",
    "QueueHuman": "agents.queue_human",
    "QueueHumanProxy": "agents.queue_human",
    "run_async": "agents.queue_human",
    "scripted_answers": "agents.queue_human",
    "AuditLog": "approvals.audit",
    "read_audit_log": "approvals.audit",
    "summarize_audit_log": "approvals.audit",
    "SlowHuman": "chat.deadline",
    "ask_with_timeout": "chat.deadline",
    "RiskAssessment": "risk.policy",
    "RiskPolicy": "risk.policy",
    "Rule": "risk.rule",
    "RiskGatedProxy": "approvals.risk_gate",
    # -- sandbox (lesson 12): where generated code runs (Docker sandbox, local with a human gate)
    "EXECUTOR_KINDS": "sandbox.executors",
    "LocalExecutor": "sandbox.executors",
    "make_executor": "sandbox.executors",
    "ApprovalDecision": "approvals.code_gate",
    "ApprovalGate": "approvals.code_gate",
    "DockerSandboxExecutor": "sandbox.docker_executor",
    "SANDBOX_IMAGE": "sandbox.image",
    # -- approval inbox (lesson 13): people decide chats' prompts in a web page (--human inbox)
    "InboxDecision": "inbox.human",
    "InboxHuman": "inbox.human",
    "InboxReviewer": "inbox.reviewer",
    "ScriptedReviewer": "inbox.reviewer",
    "InboxServer": "inbox.server",
    # -- chats that outlive their process (lesson 17): checkpointed at every human question
    "DurableChat": "inbox.durable",
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
    from .agents.queue_human import QueueHuman, QueueHumanProxy, run_async, scripted_answers
    from .agents.smart_proxy import AutoReplyRule, SmartUserProxy
    from .agents.workflow import Stage, StageResult, Workflow, WorkflowResult, last_reply
    from .approvals.audit import AuditLog, read_audit_log, summarize_audit_log
    from .approvals.code_gate import ApprovalDecision, ApprovalGate
    from .approvals.draft_gate import DraftApprovalGate, Outbox, request_approval
    from .approvals.risk_gate import RiskGatedProxy
    from .approvals.vocabulary import parse_review
    from .chat.deadline import SlowHuman, ask_with_timeout
    from .chat.human import ConsoleHuman, ScriptedHuman, require_interactive_human, stdin_is_interactive
    from .chat.llm import ScriptedLLM, ScriptedModelClient, scripted_llm_config, tool_call
    from .chat.messages import message_text
    from .chat.record import RecordedRun, Recorder, a_record_chat, record_chat
    from .chat.server import ScriptedModelServer
    from .chat.trace import Event, StopReason, Trace
    from .errors import (
        HitlModesError,
        LiveConfigError,
        NoHumanAvailableError,
        SandboxFallbackWarning,
        SandboxUnavailableError,
        ScenarioError,
        ScriptExhaustedError,
        UnusedScriptError,
        WorkflowError,
    )
    from .inbox.durable import DurableChat
    from .inbox.human import InboxDecision, InboxHuman
    from .inbox.reviewer import InboxReviewer, ScriptedReviewer
    from .inbox.server import InboxServer
    from .risk.policy import RiskAssessment, RiskPolicy
    from .risk.rule import Rule
    from .sandbox.docker_executor import DockerSandboxExecutor
    from .sandbox.executors import EXECUTOR_KINDS, LocalExecutor, make_executor
    from .sandbox.image import SANDBOX_IMAGE
