"""Every gate's reply words side by side, the decisions they lead to, and the record of a decision.

The same keystroke means different things at different gates, on purpose. Each gate's default is
the one that is safe *for what it guards*, and the gates guard different things:

====================  ==============  ==============  ==============  ==============  ==============
reply                 AutoGen         draft gate      risk gate       code gate       queue / inbox
                      ALWAYS/TERM.    (Lesson 09)     (Lesson 10)     (Lesson 12)     (Lessons 11, 13)
====================  ==============  ==============  ==============  ==============  ==============
Enter ("")            auto-reply [1]  rejected        rejected        approved        approved
``approve``           feedback        approved        approved        feedback        feedback
``APPROVE``           feedback        approved        approved        feedback        feedback
``yes``               feedback        feedback        approved        approved        feedback
``exit``              exit            exit            exit            rejected        exit
``REJECT``            feedback        rejected        rejected        feedback        feedback
``REVISE ...``        feedback        feedback [2]    feedback        feedback        feedback
other text            feedback        feedback        feedback        feedback        feedback
a timeout (None)      (waits) [3]     timed-out       timed-out       rejected [4]    timed-out
no human              (raises) [5]    rejected        rejected        rejected        timed-out
====================  ==============  ==============  ==============  ==============  ==============

[1] AutoGen's ``check_termination_and_human_reply``: Enter skips and lets the auto-reply proceed,
    except on a termination message, where Enter ends the chat ("exit"). Every other text is sent
    to the other agent as the reply, whatever its words: AutoGen itself knows only "" and "exit".
[2] The text after ``REVISE`` goes to the drafter (``REVISE`` alone asks for a revision).
[3] AutoGen waits for ``input()`` as long as it takes; a timeout is this toolkit's addition.
[4] The code gate never times out; a missing reply means nobody could answer.
[5] This toolkit's console human raises :class:`NoHumanAvailableError` instead of hanging.

Why they differ:

- **Enter** approves at the code gate, because that is what it means at AutoGen's own prompt
  ("Press enter to skip and use auto-reply": the auto-reply runs the code), and a gate that
  silently flipped a learner's habit would be a trap (Lesson 12). At the draft gate and the risk
  gate, Enter *denies*: they guard actions that cannot be undone (an email sent, ``rm -rf``), so
  only a deliberate word may let them through, and a stray keystroke must not (Lessons 09, 10).
  The queue and inbox humans stand in for AutoGen's own prompt, so Enter keeps AutoGen's meaning
  there: the auto-reply proceeds (the inbox's Approve button sends exactly that).
- **approve**: only the draft gate and the risk gate ask for it. The draft gate takes only an
  unqualified ``APPROVE``; "APPROVE but fix the date" is feedback, since the text must change
  first. The code gate reads ``yes``/``y`` (AutoGen's habit); elsewhere "approve" is just text.
- **exit** is AutoGen's word for "stop the chat" and keeps that meaning wherever a chat can be
  stopped. The code gate only decides one execution, so there ``exit`` rejects that code.
- **REJECT** and ``no`` reject where a gate offers a rejection; to AutoGen they are text.
- **a timeout or no human** never approves anything: each gate falls back to its safe default.

The decision words are the audit log's (:data:`DECISIONS`); each gate uses a subset of them. Every
gate records its decisions as a :class:`Decision` (the gate's own subclass adds what it decided
about: :class:`ReviewDecision` for a draft, ``RiskDecision`` for an action, ``ApprovalDecision``
for code, ``InboxDecision`` for a prompt in the inbox).

This module imports nothing heavy (no AutoGen), so the inbox's web app can use it.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from typing import Callable, Literal, Optional, Tuple, Union

__all__ = [
    "DECISIONS",
    "REVIEW_DECISIONS",
    "RISK_GATE_DECISIONS",
    "CODE_GATE_DECISIONS",
    "REPLY_DECISIONS",
    "INBOX_DECISIONS",
    "Decision",
    "ReviewDecision",
    "NoHuman",
    "NO_HUMAN",
    "Reply",
    "autogen_reply_decision",
    "parse_review",
    "parse_risk_reply",
    "parse_code_reply",
    "reply_approves",
    "reply_decision",
    "RISK_APPROVE_WORDS",
    "RISK_DENY_WORDS",
    "CODE_APPROVE_WORDS",
    "CODE_REJECT_WORDS",
]

#: Every decision a person (or a policy, for ``auto-approved``) can make: the audit log's words.
DECISIONS: Tuple[str, ...] = ("approved", "rejected", "feedback", "auto-approved", "timed-out", "exit")
#: What a reviewer's reply can decide at the draft gate (:func:`parse_review`).
REVIEW_DECISIONS: Tuple[str, ...] = ("approved", "feedback", "rejected", "exit", "timed-out")
#: What the risk-gated proxy can decide: all of them, since the policy auto-approves low risk.
RISK_GATE_DECISIONS: Tuple[str, ...] = DECISIONS
#: What the code gate can decide (:func:`parse_code_reply`): it runs the code, or not.
CODE_GATE_DECISIONS: Tuple[str, ...] = ("approved", "rejected", "feedback")
#: What a reply to AutoGen's own prompt decides (:func:`reply_decision`, the queue and inbox humans).
REPLY_DECISIONS: Tuple[str, ...] = ("approved", "feedback", "exit", "timed-out")
#: What a person can pick in the inbox: Approve sends an empty reply, Reply sends feedback text,
#: Stop sends AutoGen's "exit". (A timeout is the chat's, not the person's.)
INBOX_DECISIONS: Tuple[str, ...] = ("approved", "feedback", "exit")


class NoHuman(enum.Enum):
    """The type of :data:`NO_HUMAN`: asking was impossible (nobody can type), not merely unanswered."""

    NO_HUMAN = "no human"


#: Nobody could be asked at all (:class:`NoHumanAvailableError`); ``None`` means nobody answered in time.
NO_HUMAN = NoHuman.NO_HUMAN
#: What a gate's parser reads: the text typed, None (no answer in time), or :data:`NO_HUMAN`.
Reply = Union[str, None, Literal[NoHuman.NO_HUMAN]]


@dataclass(frozen=True)
class Decision:
    """One decision at a gate: the word (one of :data:`DECISIONS`), what the person answered
    (``response``, None when nobody did), what they were asked, and a note explaining a default.

    Each gate records a subclass that adds what it decided about."""

    decision: str
    response: Optional[str] = None
    prompt: Optional[str] = None
    note: Optional[str] = None

    def __post_init__(self) -> None:
        if self.decision not in DECISIONS:
            raise ValueError(
                f"{type(self).__name__}: unknown decision {self.decision!r}; use one of {', '.join(DECISIONS)}"
            )

    @property
    def approved(self) -> bool:
        """True when the action goes ahead (a person approved it, or the policy did)."""
        return self.decision in ("approved", "auto-approved")


@dataclass(frozen=True)
class ReviewDecision(Decision):
    """A reviewer's decision on a draft (Lesson 09); ``feedback`` is the text for the drafter."""

    feedback: str = ""


def _answer(reply: Reply) -> Optional[str]:
    return reply if isinstance(reply, str) else None


# -- AutoGen's own meaning (for reference) ------------------------------------------------------
def autogen_reply_decision(reply: str, *, termination: bool) -> str:
    """What AutoGen's ``check_termination_and_human_reply`` does with a reply, in these words:
    Enter lets the auto-reply proceed (``approved``), except on a termination message, where it
    ends the chat (``exit``); ``exit`` ends it; any other text is sent as the reply (``feedback``)."""
    if reply == "":
        return "exit" if termination else "approved"
    return "exit" if reply == "exit" else "feedback"


# -- the draft gate (Lesson 09) -----------------------------------------------------------------
_REVIEW_APPROVE = re.compile(r"^\s*approved?\s*[.!]*\s*$", re.I)
_REVIEW_COMMAND = re.compile(r"^\s*(revise|reject|rejected)\b[\s:,.-]*(.*)$", re.I | re.S)


def parse_review(reply: Reply) -> ReviewDecision:
    """Read a reviewer's reply at the draft gate. Only an unqualified ``APPROVE`` approves:
    "approve?", "don't approve" and "APPROVE but fix the date" do not (the last one is feedback)."""
    if reply is NO_HUMAN:
        return ReviewDecision("rejected", None, note="no human available (NoHumanAvailableError): nothing sent")
    if reply is None:
        return ReviewDecision("timed-out", None, note="no answer in time: nothing sent")
    if not reply.strip():
        return ReviewDecision("rejected", reply, note="empty reply: nothing sent")
    if reply.strip().lower() == "exit":
        return ReviewDecision("exit", reply, note="the reviewer stopped the chat: nothing sent")
    if _REVIEW_APPROVE.match(reply):
        return ReviewDecision("approved", reply)
    m = _REVIEW_COMMAND.match(reply)
    if m and m.group(1).lower().startswith("reject"):
        reason = m.group(2).strip()
        return ReviewDecision("rejected", reply, note=f"rejected{': ' + reason if reason else ''}")
    if m:
        return ReviewDecision("feedback", reply, feedback=m.group(2).strip() or "Please revise the draft.")
    return ReviewDecision("feedback", reply, feedback=reply.strip())


# -- the risk gate (Lesson 10) ------------------------------------------------------------------
RISK_APPROVE_WORDS: Tuple[str, ...] = ("approve", "approved", "yes", "y")
RISK_DENY_WORDS: Tuple[str, ...] = ("reject", "rejected", "deny", "denied", "no", "n")


def parse_risk_reply(reply: Reply, *, timeout: Optional[float] = None) -> Decision:
    """Read a reply to the risk gate's question about a high-risk action. ``approve``/``yes`` runs
    it, ``exit`` stops the chat, a denial word denies it, other text is feedback (not run); Enter,
    no answer within ``timeout`` seconds, or no human denies it."""
    if reply is NO_HUMAN:
        return Decision("rejected", None, note="no human available: denied by default")
    if reply is None:
        return Decision("timed-out", None, note=f"no answer within {timeout}s: denied by default")
    word = re.sub(r"[\s.!]+$", "", reply.strip().lower())
    if word == "":
        return Decision("rejected", reply, note="empty reply: denied by default")
    if word == "exit":
        return Decision("exit", reply, note="the human stopped the chat")
    if word in RISK_APPROVE_WORDS:
        return Decision("approved", reply)
    if word in RISK_DENY_WORDS:
        return Decision("rejected", reply, note="the human denied it")
    return Decision("feedback", reply, note="not run: sent back as feedback")


# -- the code gate (Lesson 12) ------------------------------------------------------------------
CODE_APPROVE_WORDS: Tuple[str, ...] = ("", "y", "yes")
#: Replies that reject code without any feedback for the assistant.
CODE_REJECT_WORDS: Tuple[str, ...] = ("exit", "n", "no")


def reply_approves(reply: Optional[str]) -> bool:
    """The code gate's default rule: True for Enter or ``yes``; everything else (and no reply at
    all) rejects."""
    return reply is not None and reply.strip().lower() in CODE_APPROVE_WORDS


def parse_code_reply(reply: Reply, approves: Callable[[Optional[str]], object] = reply_approves) -> Decision:
    """Read a reply to the code gate. ``approves`` decides which replies approve (default
    :func:`reply_approves`); when nobody could answer, nothing approves, whatever the rule. A
    rejection with text other than ``no``/``exit`` is ``feedback``: the text goes to the assistant."""
    answer = _answer(reply)
    if answer is None:
        return Decision("rejected", None, note="not approved: no human could answer")
    if approves(answer):
        return Decision("approved", answer, note="approved by the human")
    plain = not answer.strip() or answer.strip().lower() in CODE_REJECT_WORDS
    return Decision("rejected" if plain else "feedback", answer, note="rejected by the human")


# -- AutoGen's prompt, answered through a queue or the inbox (Lessons 11, 13) -------------------
def reply_decision(reply: Reply) -> str:
    """What a reply to AutoGen's human prompt decides, in the audit log's words: ``""`` lets the
    auto-reply proceed (approved), ``exit`` stops, other text is feedback; None (or nobody there to
    answer) timed out."""
    answer = _answer(reply)
    if answer is None:
        return "timed-out"
    if answer == "":
        return "approved"
    return "exit" if answer == "exit" else "feedback"
