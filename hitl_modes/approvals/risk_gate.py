"""Tiered autonomy: a user proxy that runs low-risk actions on its own and asks a person about the rest.

:class:`RiskGatedProxy` is a ``UserProxyAgent`` with one more reply function, registered first
(AutoGen's ``register_reply``). Before the proxy acts on a message that carries an action (a code
block it would execute, or a tool or function call), the gate asks a :class:`RiskPolicy`:

- **low** risk: recorded as ``auto-approved`` (with the policy's reasons) and handed on to
  AutoGen's usual reply chain, which runs it;
- **high** risk: the human is asked through AutoGen's ``get_human_input``. ``approve`` (or ``yes``)
  runs it; other text goes back to the assistant as feedback and the action is not run;
  ``exit`` stops the chat. **Enter, no answer within the timeout, or no human at all denies it**:
  the safe default.

Every decision goes to the audit log (fsynced) before the proxy acts on it. After ``max_denials``
denials in a row the chat stops, so a model that keeps retrying cannot loop forever.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Tuple, Union

from autogen import Agent, UserProxyAgent
from autogen.code_utils import UNKNOWN, content_str, extract_code

from ..chat.deadline import ask_with_timeout, check_timeout
from ..chat.record import record_gate_decision, record_human_timeout
from ..errors import NoHumanAvailableError
from ..risk.policy import RiskAssessment, RiskPolicy, message_as_text
from .audit import AuditLog, PathLike, open_audit_log

__all__ = ["RiskGatedProxy", "GateDecision", "APPROVE_WORDS", "DENY_WORDS", "denial_reply"]

APPROVE_WORDS = ("approve", "approved", "yes", "y")
DENY_WORDS = ("reject", "rejected", "deny", "denied", "no", "n")


@dataclass(frozen=True)
class GateDecision:
    """One action the gate decided on: the action text, the policy's verdict, what the human was
    asked and answered (None when not asked, or nobody answered), and the decision."""

    action: str
    assessment: RiskAssessment
    decision: str
    prompt: Optional[str] = None
    response: Optional[str] = None
    note: Optional[str] = None

    @property
    def runs(self) -> bool:
        """True when the action was allowed to run."""
        return self.decision in ("approved", "auto-approved")


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


def _normalise(reply: str) -> str:
    return re.sub(r"[\s.!]+$", "", reply.strip().lower())


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
        self.gate_decisions: List[GateDecision] = []
        self._denials_in_a_row = 0
        self.register_reply([Agent, None], RiskGatedProxy._risk_gate, position=0)

    # -- what counts as an action ---------------------------------------------------------------
    def proposed_action(self, message: Dict[str, Any]) -> Optional[str]:
        """The action in ``message`` this proxy would carry out, as text; None when there is none
        (plain chat, or code blocks while code execution is off)."""
        if message.get("tool_calls") or message.get("function_call"):
            return message_as_text(message)
        if self._code_execution_config is False:
            return None
        content = content_str(message.get("content")) if message.get("content") is not None else ""
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
                GateDecision(action, assessment, "auto-approved", prompt=action, note="low risk: run without asking")
            )
            return False, None  # AutoGen's own reply chain runs it
        prompt = self.approval_prompt(action, assessment, getattr(sender, "name", "the sender"))
        try:
            response = ask_with_timeout(self, prompt, self.timeout)
        except NoHumanAvailableError:
            return self._deny(
                message,
                GateDecision(action, assessment, "rejected", prompt, None, "no human available: denied by default"),
            )
        if response is None:
            record_human_timeout(self, "deny", f"no answer within {self.timeout:g}s")
            return self._deny(
                message,
                GateDecision(
                    action,
                    assessment,
                    "timed-out",
                    prompt,
                    None,
                    f"no answer within {self.timeout}s: denied by default",
                ),
            )
        word = _normalise(response)
        if word == "":
            return self._deny(
                message,
                GateDecision(action, assessment, "rejected", prompt, response, "empty reply: denied by default"),
            )
        if word == "exit":
            self._decide(GateDecision(action, assessment, "exit", prompt, response, "the human stopped the chat"))
            return True, None
        if word in APPROVE_WORDS:
            self._decide(GateDecision(action, assessment, "approved", prompt, response))
            return False, None  # AutoGen's own reply chain runs it
        if word in DENY_WORDS:
            return self._deny(
                message, GateDecision(action, assessment, "rejected", prompt, response, "the human denied it")
            )
        self._decide(GateDecision(action, assessment, "feedback", prompt, response, "not run: sent back as feedback"))
        return True, denial_reply(message, response)

    def _deny(self, message: Dict[str, Any], decision: GateDecision) -> Tuple[bool, Any]:
        self._decide(decision)
        if self._denials_in_a_row >= self.max_denials:
            record_gate_decision(self, "stop", f"{self._denials_in_a_row} denials in a row (max_denials)")
            return True, None  # stop: the same kind of request keeps being denied
        return True, denial_reply(
            message,
            f"DENIED: this action was not run ({decision.note}). Do not retry it "
            "as is: propose a safer alternative, or stop.",
        )

    def _decide(self, decision: GateDecision) -> None:
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
