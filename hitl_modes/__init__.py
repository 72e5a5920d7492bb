"""hitl-modes: learn AutoGen 0.2's human-in-the-loop controls offline, on AutoGen's real agents.

What a learner imports::

    from hitl_modes import ScriptedLLM, ScriptedHuman, record_chat
"""

import warnings as _warnings

# flaml (an AutoGen dependency) warns on import about an optional extra no lesson uses.
_warnings.filterwarnings("ignore", message="flaml.automl is not available")

from .errors import (
    HitlModesError,
    LiveConfigError,
    NoHumanAvailableError,
    ScenarioError,
    ScriptExhaustedError,
    UnusedScriptError,
)
from .human import ConsoleHuman, ScriptedHuman, require_interactive_human, stdin_is_interactive
from .llm import ScriptedLLM, ScriptedModelClient, scripted_llm_config, tool_call
from .record import RecordedRun, Recorder, a_record_chat, record_chat
from .trace import Event, StopReason, Trace

__all__ = [
    "ScriptedLLM",
    "ScriptedModelClient",
    "scripted_llm_config",
    "tool_call",
    "ScriptedHuman",
    "ConsoleHuman",
    "stdin_is_interactive",
    "require_interactive_human",
    "record_chat",
    "a_record_chat",
    "Recorder",
    "RecordedRun",
    "Trace",
    "Event",
    "StopReason",
    "HitlModesError",
    "ScriptExhaustedError",
    "UnusedScriptError",
    "NoHumanAvailableError",
    "ScenarioError",
    "LiveConfigError",
]

# -- workflow (lesson 06): stages with human checkpoints, the hand-off between them --------------
from .workflow import Stage, StageResult, Workflow, WorkflowError, WorkflowResult, last_reply  # noqa: E402

__all__ += ["Stage", "StageResult", "Workflow", "WorkflowResult", "WorkflowError", "last_reply"]

# -- smart user proxy (lesson 05): context-aware auto-replies that keep AutoGen's reply chain -----
from .smart_proxy import AutoReplyRule, SmartUserProxy  # noqa: E402

__all__ += ["SmartUserProxy", "AutoReplyRule"]

# -- sandbox (lesson 10): where generated code runs (Docker sandbox, local with a human gate) -----
from .sandbox import EXECUTOR_KINDS, LocalExecutor, SandboxFallbackWarning, make_executor  # noqa: E402
from .sandbox_approval import ApprovalDecision, ApprovalGate  # noqa: E402
from .sandbox_docker import DockerSandboxExecutor  # noqa: E402
from .sandbox_engine import SandboxUnavailableError  # noqa: E402
from .sandbox_image import SANDBOX_IMAGE  # noqa: E402

__all__ += ["make_executor", "EXECUTOR_KINDS", "DockerSandboxExecutor", "LocalExecutor", "ApprovalGate",
            "ApprovalDecision", "SandboxUnavailableError", "SandboxFallbackWarning", "SANDBOX_IMAGE"]

# -- approval inbox (lesson 11): people decide chats' prompts in a web page (--human inbox) ------
from .inbox_human import InboxDecision, InboxHuman  # noqa: E402  (registers --human inbox)
from .inbox_reviewer import InboxReviewer, ScriptedReviewer  # noqa: E402
from .inbox_server import InboxServer  # noqa: E402

__all__ += ["InboxHuman", "InboxDecision", "InboxServer", "InboxReviewer", "ScriptedReviewer"]

# -- approvals (lessons 07-09): risk policy, audit log, approval gate, risk-gated proxy, async human -
from .approval import DraftApprovalGate, Outbox, parse_review, request_approval  # noqa: E402
from .async_human import QueueHuman, QueueHumanProxy, run_async, scripted_answers  # noqa: E402
from .audit import AuditLog, read_audit_log, summarize_audit_log  # noqa: E402
from .deadline import SlowHuman, ask_with_timeout  # noqa: E402
from .risk import RiskAssessment, RiskPolicy, Rule  # noqa: E402
from .risk_gate import RiskGatedProxy  # noqa: E402

__all__ += ["RiskPolicy", "RiskAssessment", "Rule", "AuditLog", "read_audit_log", "summarize_audit_log",
            "DraftApprovalGate", "Outbox", "parse_review", "request_approval", "RiskGatedProxy", "QueueHuman",
            "QueueHumanProxy", "scripted_answers", "run_async", "ask_with_timeout", "SlowHuman"]
