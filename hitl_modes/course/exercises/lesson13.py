"""Lesson 13 exercises: a reviewer's rule for the inbox, tried on a real inbox over HTTP."""

from __future__ import annotations

import tempfile
import uuid
from pathlib import Path
from typing import Any, Callable, Dict, List

from ...inbox.client import http_request
from ...inbox.reviewer import InboxReviewer
from ...inbox.server import InboxServer
from . import Checker, CheckResult

__all__ = ["check_triage", "TRIAGE_ACTIONS"]

#: What the check's chats propose: (what it is, the message the card asks about).
TRIAGE_ACTIONS = [
    ("a read-only look", "Let me look first:\n```sh\ndu -sh /var/log/*\n```"),
    ("a deletion", "I will free space:\n```sh\nrm -rf /var/lib/app/data\n```"),
    ("a deletion someone already answered", "Dropping the old table:\n```sql\nDROP TABLE orders_2019;\n```"),
]

Triage = Callable[[InboxReviewer, Dict[str, Any]], Any]


def check_triage(triage: Triage) -> CheckResult:
    """Exercise 1: ``triage(reviewer, card)`` decides one inbox card through ``reviewer`` (an
    ``InboxReviewer``): it approves a low-risk card; for a high-risk one it replies with feedback
    that names the policy's first reason, so the model learns why; and it must not raise when
    another person decided the card first (the inbox answers 409)."""
    c = Checker("Exercise 1: triage in the inbox")
    try:
        with tempfile.TemporaryDirectory(prefix="hitl-check11-") as folder:
            with InboxServer(Path(folder) / "inbox.sqlite", port=0) as inbox:
                _triage_three_cards(c, triage, inbox)
    except Exception as e:  # the check's own inbox failed: report it, never crash the notebook
        c.expect(False, f"the check could not run its inbox: {type(e).__name__}: {e}")
    return c.result


def _triage_three_cards(c: Checker, triage: Triage, inbox: InboxServer) -> None:
    reviewer = InboxReviewer(inbox.url, inbox.token)
    ids: List[str] = []
    for _, text in TRIAGE_ACTIONS:  # submitted as a chat does; the inbox's policy rates each one
        ids.append(f"check11-{uuid.uuid4().hex[:12]}")
        http_request(
            "PUT",
            f"{inbox.url}/api/prompts/{ids[-1]}",
            body={
                "agent": "user_proxy",
                "prompt": "Provide feedback to assistant.",
                "timeout": 120,
                "conversation": [{"name": "assistant", "role": "user", "content": text}],
            },
            token=inbox.agent_token,
        )
    cards = {card["id"]: card for card in reviewer.pending()}
    reviewer.stop(ids[2])  # a colleague was quicker: the learner's copy of this card is stale
    for prompt_id, (what, _) in zip(ids, TRIAGE_ACTIONS):
        c.call(triage, reviewer, cards[prompt_id], explanation=f"triage of {what}")
    low, high, stale = (inbox.store.get(i) for i in ids)
    c.expect(
        low is not None and low.decision == "approved",
        f"a low-risk card ({TRIAGE_ACTIONS[0][0]}) should be approved; it is {_state(low)}",
    )
    c.expect(
        high is not None and high.decision == "feedback",
        f"a high-risk card ({TRIAGE_ACTIONS[1][0]}) should get a Reply, never Approve; it is {_state(high)}",
    )
    if high is not None and high.decision == "feedback":
        first_reason = high.risk_reasons[0]
        c.expect(
            first_reason in (high.response or ""),
            f"the reply should name the policy's first reason ({first_reason!r}) so the model learns why; "
            f"it was {high.response!r}",
        )
    c.expect(
        stale is not None and stale.decision == "exit",
        "the card a colleague already stopped must stay stopped (the inbox refuses a second decision "
        f"with 409); it is {_state(stale)}",
    )


def _state(record: Any) -> str:
    if record is None:
        return "missing"
    if record.status == "pending":
        return "still pending (nothing was decided)"
    return f"{record.status}: {record.decision} {record.response!r}"
