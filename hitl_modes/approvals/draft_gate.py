"""An approval gate before an irreversible action: an email is sent only after a person approves it.

A drafter (an ``AssistantAgent``) writes an email; a reviewer agent shows each draft to a human,
through AutoGen's own ``get_human_input``, and reads the answer:

- ``APPROVE`` sends the draft that was shown (a file in the outbox) and ends the chat;
- ``REVISE <feedback>`` (or any other text) goes back to the drafter, who revises;
- ``REJECT [reason]``, ``exit``, Enter, or no answer within the timeout ends the chat unsent.

The send happens at most once per gate, whatever happens afterwards: the gate refuses to send
again, and the outbox refuses to write the same message twice (``O_EXCL``). Every decision is in
the audit log before the gate acts on it.

    gate = DraftApprovalGate("outbox", to="team@example.com", audit_log="audit.jsonl")
    reviewer = gate.reviewer()
    reviewer.initiate_chat(drafter, message="Draft the launch announcement.")
    gate.result.draft      # the approved text, or None
"""

from __future__ import annotations

import email.utils
import os
import re
import threading
import uuid
from dataclasses import dataclass, field, replace
from email.message import EmailMessage
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple, Union

from autogen import Agent, ConversableAgent, UserProxyAgent

from ..chat.deadline import ask_with_timeout, check_timeout
from ..errors import AlreadySentError, NoHumanAvailableError
from .audit import AuditLog, PathLike, open_audit_log
from .vocabulary import NO_HUMAN, Reply, ReviewDecision, parse_review

__all__ = [
    "DraftApprovalGate",
    "request_approval",
    "ApprovalResult",
    "Outbox",
    "REVIEW_HELP",
    "split_subject",
]

REVIEW_HELP = (
    "Type APPROVE to send it exactly as shown, REVISE <what to change> to send it back to the drafter, "
    "REJECT [reason] to drop it, or exit to stop. Enter, or no answer in time, sends nothing: "
)


def split_subject(draft: str) -> Tuple[Optional[str], str]:
    """A draft may start with ``Subject: ...``; return (subject or None, body)."""
    m = re.match(r"^\s*subject\s*:\s*(.+?)\s*$", draft.split("\n", 1)[0], re.I)
    if not m:
        return None, draft.strip()
    return m.group(1), draft.split("\n", 1)[1].strip() if "\n" in draft else ""


class Outbox:
    """A folder standing in for a mail server: sending writes ``<message_id>.eml`` there.

    Each message id can be written once: the file is linked into place with ``O_EXCL`` semantics,
    so a second send of the same id raises :class:`AlreadySentError`, even from another process.
    """

    def __init__(self, folder: PathLike = "outbox") -> None:
        self.folder = Path(folder)
        if self.folder.exists() and not self.folder.is_dir():
            raise NotADirectoryError(f"outbox {self.folder} exists and is not a folder")
        self.folder.mkdir(parents=True, exist_ok=True)

    def path_for(self, message_id: str) -> Path:
        if not re.fullmatch(r"[A-Za-z0-9_.-]{1,100}", message_id) or message_id.startswith("."):
            raise ValueError(f"message id {message_id!r} must be 1-100 letters, digits, '_', '-' or '.'")
        return self.folder / f"{message_id}.eml"

    def send(self, *, message_id: str, to: str, subject: str, body: str, sender: str) -> Path:
        """Write the message; exactly once per ``message_id``."""
        target = self.path_for(message_id)
        msg = EmailMessage()
        msg["From"] = sender
        msg["To"] = to
        msg["Subject"] = subject
        msg["Date"] = email.utils.formatdate(usegmt=True)
        msg["Message-ID"] = f"<{message_id}@hitl-modes.outbox>"
        msg.set_content(body)
        tmp = self.folder / f".{message_id}.{uuid.uuid4().hex}.tmp"
        with open(tmp, "wb") as f:
            f.write(bytes(msg))
            f.flush()
            os.fsync(f.fileno())
        try:
            os.link(tmp, target)  # atomic, and fails if the message was already sent
        except FileExistsError:
            raise AlreadySentError(
                f"message {message_id!r} was already sent ({target}); refusing to send it twice"
            ) from None
        finally:
            tmp.unlink()
        return target

    def sent(self) -> List[Path]:
        return sorted(self.folder.glob("*.eml"))


@dataclass
class ApprovalResult:
    """How the review ended. ``status``: ``pending`` (no decision yet), ``sent``, ``rejected``,
    ``exit`` or ``timed-out``. ``draft`` is the approved (and sent) text, else None."""

    status: str = "pending"
    draft: Optional[str] = None
    sent_path: Optional[Path] = None
    reviews: List[ReviewDecision] = field(default_factory=list)

    @property
    def sent(self) -> bool:
        return self.status == "sent"

    @property
    def rounds(self) -> int:
        return len(self.reviews)


_ENDINGS = {"rejected": "rejected", "exit": "exit", "timed-out": "timed-out"}


class DraftApprovalGate:
    """Stands between a drafter and the outbox. Attach it to a reviewer agent (:meth:`attach`), or
    let it build one (:meth:`reviewer`); read :attr:`result` after the chat.

    ``timeout`` (seconds) bounds each wait for the human; ``None`` waits as AutoGen does.
    ``message_id`` names the outbox file (default: random), so one gate sends one message.
    """

    def __init__(
        self,
        outbox: Union[PathLike, Outbox] = "outbox",
        *,
        to: str,
        subject: str = "(no subject)",
        sender: str = "drafter@localhost",
        audit_log: Union[None, PathLike, AuditLog] = None,
        timeout: Optional[float] = None,
        message_id: Optional[str] = None,
    ) -> None:
        if not to or "@" not in to:
            raise ValueError(f"to must be an email address, got {to!r}")
        self.outbox = outbox if isinstance(outbox, Outbox) else Outbox(outbox)
        self.to = to
        self.subject = subject
        self.sender = sender
        self.audit = open_audit_log(audit_log)
        check_timeout(timeout)
        self.timeout = timeout
        self.message_id = message_id or uuid.uuid4().hex
        self.outbox.path_for(self.message_id)  # validate now, not at send time
        self.result = ApprovalResult()
        self.prompts: List[str] = []
        self._lock = threading.Lock()

    # -- wiring ---------------------------------------------------------------------------------
    def attach(self, reviewer: ConversableAgent) -> ConversableAgent:
        """Register the gate as the reviewer's first reply function (AutoGen's ``register_reply``)."""
        reviewer.register_reply([Agent, None], self._reply, position=0)
        return reviewer

    def reviewer(self, name: str = "reviewer", **kwargs: Any) -> UserProxyAgent:
        """A ``UserProxyAgent`` with this gate attached. Its ``human_input_mode`` is ``NEVER``:
        the gate asks the human itself, on every draft, through ``get_human_input``."""
        kwargs.setdefault("human_input_mode", "NEVER")
        kwargs.setdefault("code_execution_config", False)
        return self.attach(UserProxyAgent(name, **kwargs))  # type: ignore[return-value]

    # -- the gate -------------------------------------------------------------------------------
    def prompt_for(self, draft: str, sender_name: str) -> str:
        return (
            f"\n>>>>>>>> REVIEW before sending to {self.to} (draft {self.result.rounds + 1} from "
            f"{sender_name}):\n{draft.strip()}\n--- end of draft ---\n{REVIEW_HELP}"
        )

    def _reply(
        self,
        recipient: ConversableAgent,
        messages: Optional[List[Dict[str, Any]]] = None,
        sender: Optional[Agent] = None,
        config: Any = None,
    ) -> Tuple[bool, Optional[str]]:
        if self.result.status != "pending":
            return True, None  # decided: never ask, never send again
        message = (messages or [{}])[-1]
        draft = str(message.get("content") or "")
        if not draft.strip():
            return True, "Your last message had no email text. Reply with the full draft."
        prompt = self.prompt_for(draft, getattr(sender, "name", "the drafter"))
        self.prompts.append(prompt)
        try:
            reply: Reply = ask_with_timeout(recipient, prompt, self.timeout)
        except NoHumanAvailableError:
            reply = NO_HUMAN
        review = replace(parse_review(reply), prompt=prompt)
        return self._act(recipient, review, prompt, draft)

    def _act(
        self, reviewer: ConversableAgent, review: ReviewDecision, prompt: str, draft: str
    ) -> Tuple[bool, Optional[str]]:
        with self._lock:
            if self.result.status != "pending":
                return True, None
            self.result.reviews.append(review)
            if self.audit is not None:  # on disk before anything happens
                self.audit.record(
                    agent=reviewer.name,
                    prompt=prompt,
                    response=review.response,
                    decision=review.decision,
                    note=review.note,
                    extra={"message_id": self.message_id},
                )
            if review.decision == "feedback":
                return True, review.feedback
            if review.decision != "approved":
                self.result.status = _ENDINGS[review.decision]
                return True, None
            subject, body = split_subject(draft)
            self.result.status = "sending"
            try:
                path = self.outbox.send(
                    message_id=self.message_id,
                    to=self.to,
                    subject=subject or self.subject,
                    body=body,
                    sender=self.sender,
                )
            except BaseException:
                self.result.status = "send-failed"
                raise
            self.result.status, self.result.draft, self.result.sent_path = "sent", draft, path
            return True, None


def request_approval(
    drafter: ConversableAgent,
    task: str,
    *,
    to: str,
    outbox: Union[PathLike, Outbox] = "outbox",
    reviewer_name: str = "reviewer",
    audit_log: Union[None, PathLike, AuditLog] = None,
    timeout: Optional[float] = None,
    max_turns: Optional[int] = None,
    **gate_kwargs: Any,
) -> ApprovalResult:
    """Run the whole review: a reviewer asks ``drafter`` for ``task`` and gates the send. Returns the
    result; ``result.draft`` is the approved text (None when nothing was sent)."""
    gate = DraftApprovalGate(outbox, to=to, audit_log=audit_log, timeout=timeout, **gate_kwargs)
    reviewer = gate.reviewer(reviewer_name)
    reviewer.initiate_chat(drafter, message=task, max_turns=max_turns)
    return gate.result
