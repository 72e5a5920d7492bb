"""Tiered autonomy: a user proxy that runs low-risk actions on its own and asks a person about the rest.

:class:`RiskGatedProxy` is a ``UserProxyAgent`` with one more reply function, registered first
(AutoGen's ``register_reply``). Before the proxy acts on a message that carries an action (a code
block it would execute, or a tool or function call), the gate asks a :class:`RiskPolicy`:

- **low** risk: recorded as ``auto-approved`` (with the policy's reasons) and handed on to
  AutoGen's usual reply chain, which runs it;
- **high** risk: the human is asked through AutoGen's ``get_human_input``. ``approve`` (or ``yes``)
  runs it; other text goes back to the assistant as feedback and the action is not run;
  ``exit`` stops the chat. **Enter, no answer within the timeout, or no human at all denies it**:
  the safe default. (The words are read by :func:`~hitl_modes.approvals.vocabulary.parse_risk_reply`.)

Every decision goes to the audit log (fsynced) before the proxy acts on it. After ``max_denials``
denials in a row the chat stops, so a model that keeps retrying cannot loop forever.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Tuple, Union

from autogen import Agent, UserProxyAgent
from autogen.code_utils import UNKNOWN, extract_code

from ..chat.deadline import ask_with_timeout, check_timeout
from ..chat.messages import message_text
from ..chat.record import record_gate_decision, record_human_timeout
from ..errors import NoHumanAvailableError
from ..risk.policy import RiskAssessment, RiskPolicy
from .audit import AuditLog, PathLike, open_audit_log
from .vocabulary import NO_HUMAN, Decision, Reply, parse_risk_reply

__all__ = ["RiskGatedProxy", "RiskDecision", "denial_reply"]


@dataclass(frozen=True, kw_only=True)
class RiskDecision(Decision):
    """A decision on one proposed action (Lesson 10): the action text and the policy's verdict,
    besides what the human was asked and answered (None when not asked, or nobody answered)."""

    action: str
    assessment: RiskAssessment

    @property
    def runs(self) -> bool:
        """True when the action was allowed to run."""
        return self.approved


def denial_reply(message: Dict[str, Any], text: str) -> Union[str, Dict[str, Any]]:
    """The reply that tells the assistant its action did not run. Tool and function calls get a
    result each, as AutoGen does for "USER INTERRUPTED", so the model API accepts the history."""
    tool_calls = message.get("tool_calls") or []
    if not tool_calls and not message.get("function_call"):
        return text
    reply: Dict[str, Any] = {"role": "user", "content": text}
    if tool_calls:
        reply["tool_responses"] = [
            {"role": "tool", "tool_call_id": c.get("id", ""), "content": text} for c in tool_calls
        ]
    else:
        return {"role": "function", "name": message["function_call"].get("name", ""), "content": text}
    return reply


class RiskGatedProxy(UserProxyAgent):
    """A ``UserProxyAgent`` whose autonomy depends on risk (see the module docstring).

    ``policy`` (default :class:`RiskPolicy()`), ``audit_log`` (a path or an :class:`AuditLog`),
    ``timeout`` (seconds per human answer; None waits), ``max_denials`` (denials in a row before
    the chat stops). Other arguments are ``UserProxyAgent``'s; ``human_input_mode`` defaults to
    ``NEVER`` because the gate itself decides when to ask.
    """

    def __init__(
        self,
        name: str,
        *,
        policy: Optional[RiskPolicy] = None,
        audit_log: Union[None, PathLike, AuditLog] = None,
        timeout: Optional[float] = None,
        max_denials: int = 3,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("human_input_mode", "NEVER")
        super().__init__(name, **kwargs)
        if max_denials < 1:
            raise ValueError(f"max_denials must be >= 1, got {max_denials}")
        check_timeout(timeout)
        self.policy = policy or RiskPolicy()
        self.audit = open_audit_log(audit_log)
        self.timeout = timeout
        self.max_denials = max_denials
        self.gate_decisions: List[RiskDecision] = []
        self._denials_in_a_row = 0
        self.register_reply([Agent, None], RiskGatedProxy._risk_gate, position=0)

    # -- what counts as an action ---------------------------------------------------------------
    def proposed_action(self, message: Dict[str, Any]) -> Optional[str]:
        """The action in ``message`` this proxy would carry out, as text; None when there is none
        (plain chat, or code blocks while code execution is off)."""
        if message.get("tool_calls") or message.get("function_call"):
            return message_text(message, calls=True)
        if self._code_execution_config is False:
            return None
        content = message_text(message)
        blocks = extract_code(content)
        if any(lang != UNKNOWN for lang, _ in blocks):
            return content
        return None

    def approval_prompt(self, action: str, assessment: RiskAssessment, sender_name: str) -> str:
        why = "\n".join(f"  - {r}" for r in assessment.reasons)
        return (
            f"\n>>>>>>>> APPROVAL NEEDED (risk: {assessment.level}): {sender_name} asks {self.name} to run:\n"
            f"{action.strip()}\n--- why it is high risk ---\n{why}\n"
            "Type 'approve' to run it, 'exit' to stop, or anything else to send it back as feedback. "
            "Enter, or no answer in time, DENIES it: "
        )

    # -- the reply function ---------------------------------------------------------------------
    def _risk_gate(
        self, messages: Optional[List[Dict[str, Any]]] = None, sender: Optional[Agent] = None, config: Any = None
    ) -> Tuple[bool, Any]:
        message = (messages or [{}])[-1]
        action = self.proposed_action(message)
        if action is None:
            return False, None
        assessment = self.policy.assess(action)
        if not assessment.high:
            self._decide(
                RiskDecision(
                    "auto-approved",
                    prompt=action,
                    note="low risk: run without asking",
                    action=action,
                    assessment=assessment,
                )
            )
            return False, None  # AutoGen's own reply chain runs it
        prompt = self.approval_prompt(action, assessment, getattr(sender, "name", "the sender"))
        try:
            response: Reply = ask_with_timeout(self, prompt, self.timeout)
        except NoHumanAvailableError:
            response = NO_HUMAN
        if response is None:
            record_human_timeout(self, "deny", f"no answer within {self.timeout:g}s")
        read = parse_risk_reply(response, timeout=self.timeout)
        decision = RiskDecision(read.decision, read.response, prompt, read.note, action=action, assessment=assessment)
        if decision.decision in ("rejected", "timed-out"):
            return self._deny(message, decision)
        self._decide(decision)
        if decision.decision == "exit":
            return True, None
        if decision.decision == "approved":
            return False, None  # AutoGen's own reply chain runs it
        return True, denial_reply(message, decision.response or "")

    def _deny(self, message: Dict[str, Any], decision: RiskDecision) -> Tuple[bool, Any]:
        self._decide(decision)
        if self._denials_in_a_row >= self.max_denials:
            record_gate_decision(self, "stop", f"{self._denials_in_a_row} denials in a row (max_denials)")
            return True, None  # stop: the same kind of request keeps being denied
        return True, denial_reply(
            message,
            f"DENIED: this action was not run ({decision.note}). Do not retry it "
            "as is: propose a safer alternative, or stop.",
        )

    def _decide(self, decision: RiskDecision) -> None:
        """Record first (fsynced), then let the caller act."""
        if self.audit is not None:
            self.audit.record(
                agent=self.name,
                prompt=decision.prompt or decision.action,
                response=decision.response,
                decision=decision.decision,
                risk=decision.assessment,
                note=decision.note,
            )
        self.gate_decisions.append(decision)
        outcome = "runs" if decision.runs else "exit: stop the chat" if decision.decision == "exit" else "not run"
        record_gate_decision(self, decision.decision, f"risk {decision.assessment.level}: {outcome}")
        self._denials_in_a_row = 0 if decision.runs or decision.decision == "feedback" else self._denials_in_a_row + 1
