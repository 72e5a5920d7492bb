"""The person's side of the inbox, over HTTP: what their browser does when they click.

``InboxReviewer`` makes the page's requests (list with the token, decide with the token).
``ScriptedReviewer`` is a person who follows a script, in a background thread, so a lesson or a
test can run a chat that waits on the inbox and still finish on its own. Its script uses the same
words as ``ScriptedHuman``: ``""`` clicks Approve, ``"exit"`` clicks Stop, other text is a Reply.
"""

from __future__ import annotations

import threading
import time
from typing import Any, Dict, List, Optional, Sequence, Set

from ..errors import InboxError
from .client import HttpAnswer, base_url, http_request

__all__ = ["InboxReviewer", "ScriptedReviewer", "action_for_reply"]


def action_for_reply(reply: str) -> Dict[str, str]:
    """The button a scripted reply stands for, as the page sends it."""
    if reply == "":
        return {"action": "approve"}
    if reply == "exit":
        return {"action": "stop"}
    return {"action": "reply", "text": reply}


class InboxReviewer:
    """A person's browser on the inbox at ``url``, holding the ``token`` from its link."""

    def __init__(self, url: str, token: str) -> None:
        self.url = base_url(url)
        self.token = token

    @classmethod
    def from_link(cls, link: str) -> InboxReviewer:
        """From the link ``hitl-modes inbox`` prints: ``http://127.0.0.1:8765/#token=...``."""
        url, _, fragment = link.partition("#token=")
        if not fragment:
            raise ValueError(f"that link carries no token (it should end in #token=...): {link!r}")
        return cls(url, fragment)

    def listing(self) -> Dict[str, Any]:
        answer = http_request("GET", f"{self.url}/api/prompts", token=self.token)
        if answer.status != 200:
            raise InboxError(f"listing the inbox failed: HTTP {answer.status}: {answer.error}")
        return dict(answer.body)

    def pending(self) -> List[Dict[str, Any]]:
        """The cards waiting for a decision, oldest first."""
        return list(self.listing()["pending"])

    def decide(self, prompt_id: str, action: str, text: str = "") -> HttpAnswer:
        """Click a button: ``approve``, ``reply`` (with ``text``) or ``stop``. Returns the answer as is
        (a 404 or 409 is information for the person, not a crash)."""
        return http_request(
            "POST",
            f"{self.url}/api/prompts/{prompt_id}/decision",
            body={"action": action, "text": text},
            token=self.token,
        )

    def approve(self, prompt_id: str) -> HttpAnswer:
        return self.decide(prompt_id, "approve")

    def reply(self, prompt_id: str, text: str) -> HttpAnswer:
        return self.decide(prompt_id, "reply", text)

    def stop(self, prompt_id: str) -> HttpAnswer:
        return self.decide(prompt_id, "stop")

    def audit_trail(self) -> List[Dict[str, Any]]:
        answer = http_request("GET", f"{self.url}/api/audit", token=self.token)
        if answer.status != 200:
            raise InboxError(f"reading the audit trail failed: HTTP {answer.status}: {answer.error}")
        return list(answer.body["events"])

    def next_pending(
        self, timeout: float, *, skip: Optional[Set[str]] = None, cancel: Optional[threading.Event] = None
    ) -> Dict[str, Any]:
        """Wait (as the page's live updates would) for a card not in ``skip``."""
        deadline = time.monotonic() + timeout
        while True:
            for card in self.pending():
                if not skip or card["id"] not in skip:
                    return card
            if cancel is not None and cancel.is_set():
                raise TimeoutError("stopped waiting: the chat is over")
            if time.monotonic() > deadline:
                raise TimeoutError(f"no new prompt arrived in the inbox at {self.url} within {timeout}s")
            time.sleep(0.05)


class ScriptedReviewer:
    """A person who answers the next prompts in the inbox from a script, in a background thread.

    ``with ScriptedReviewer(url, token, ["Only build/, please.", "", "exit"]) as person: ...``
    ``.cards`` holds every card as the person saw it (agent, prompt, conversation, risk) and
    ``.answers`` the inbox's answer to each click. Strict like ``ScriptedHuman``: leaving the
    ``with`` block with unused replies, or after an error in the thread, raises.
    """

    def __init__(self, url: str, token: str, replies: Sequence[str], *, wait: float = 60.0) -> None:
        if isinstance(replies, str):
            raise TypeError("ScriptedReviewer needs a list of replies, e.g. ['', 'exit']")
        self.reviewer = InboxReviewer(url, token)
        self.replies = list(replies)
        self.wait = wait
        self.cards: List[Dict[str, Any]] = []
        self.answers: List[HttpAnswer] = []
        self._error: Optional[BaseException] = None
        self._thread: Optional[threading.Thread] = None
        self._cancel = threading.Event()

    def _run(self) -> None:
        try:
            handled: Set[str] = set()
            for reply in self.replies:
                card = self.reviewer.next_pending(self.wait, skip=handled, cancel=self._cancel)
                handled.add(card["id"])
                self.cards.append(card)
                action = action_for_reply(reply)
                self.answers.append(self.reviewer.decide(card["id"], action["action"], action.get("text", "")))
        except BaseException as e:  # re-raised in the caller's thread by stop()
            self._error = e

    def start(self) -> ScriptedReviewer:
        self._thread = threading.Thread(target=self._run, name="scripted-reviewer", daemon=True)
        self._thread.start()
        return self

    def join(self, timeout: Optional[float] = None) -> None:
        if self._thread is not None:
            self._thread.join(self.wait * (len(self.replies) + 1) if timeout is None else timeout)

    def stop(self) -> None:
        self.join()
        if self._error is not None:
            raise RuntimeError(
                f"ScriptedReviewer failed after {len(self.answers)} of {len(self.replies)} replies: {self._error}"
            ) from self._error

    @property
    def remaining(self) -> List[str]:
        return self.replies[len(self.answers) :]

    def __enter__(self) -> ScriptedReviewer:
        return self.start()

    def __exit__(self, exc_type: Any, *exc: Any) -> None:
        # The chat is over: no new prompt will come, so don't wait out the script.
        self._cancel.set()
        self.join(timeout=1.0 if exc_type is not None else self.wait)
        if exc_type is not None:
            return
        if self.remaining:
            why = f" ({type(self._error).__name__}: {self._error})" if self._error is not None else ""
            raise RuntimeError(
                f"ScriptedReviewer: {len(self.remaining)} of {len(self.replies)} replies were never "
                f"used (the chat asked {len(self.answers)} times): {self.remaining!r}{why}"
            )
        self.stop()
