"""The approval inbox's state in SQLite: pending prompts, decisions and an append-only audit trail.

Why SQLite: it is embedded (stdlib ``sqlite3``, nothing to run), and every write is a transaction
committed to disk before the HTTP answer goes out, so an inbox that is stopped or killed while a
chat waits comes back with the prompt still pending and every decision it acknowledged.

Every state change is one conditional ``UPDATE`` (``... WHERE status = 'pending'``), so two people
clicking at once, or a click racing the chat's timeout, cannot both win: the loser learns who won.
The store knows nothing about HTTP; ``inbox_app`` maps its outcomes to status codes.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple, Union

from ..approvals.vocabulary import INBOX_DECISIONS

__all__ = [
    "InboxStore",
    "PromptRecord",
    "ConversationTurn",
    "PROMPT_ID_PATTERN",
    "MAX_TIMEOUT_SECONDS",
]


#: The longest a chat may ask the inbox to keep its prompt open (a week), in seconds.
MAX_TIMEOUT_SECONDS = 7 * 24 * 3600.0

#: Prompt ids are chosen by the chat (so a retried submission is recognised, never duplicated).
#: Use with ``fullmatch``: ``$`` would also match before a final newline ("abcdefgh\n").
PROMPT_ID_PATTERN = re.compile(r"[A-Za-z0-9_-]{8,64}")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS prompts (
    id            TEXT PRIMARY KEY,
    agent         TEXT NOT NULL,
    prompt        TEXT NOT NULL,
    conversation  TEXT NOT NULL,              -- JSON list of {name, role, content}
    risk_level    TEXT NOT NULL,
    risk_reasons  TEXT NOT NULL,              -- JSON list of str
    created_at    TEXT NOT NULL,              -- UTC ISO 8601
    expires_at    REAL NOT NULL,              -- epoch seconds: after this the chat applied its default
    status        TEXT NOT NULL CHECK (status IN ('pending', 'decided', 'timed-out')),
    decision      TEXT CHECK (decision IS NULL OR decision IN ('approved', 'feedback', 'exit')),
    response      TEXT,                       -- the reply the chat receives
    decided_at    TEXT,
    approve       TEXT                        -- what Approve does here: end, auto-reply, proceed
);
CREATE INDEX IF NOT EXISTS prompts_by_status ON prompts (status, created_at);
CREATE TABLE IF NOT EXISTS audit (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    at         TEXT NOT NULL,
    prompt_id  TEXT NOT NULL,
    event      TEXT NOT NULL,                 -- asked, approved, feedback, exit, timed-out
    detail     TEXT NOT NULL                  -- JSON object
);
"""


def _utc_now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


@dataclass(frozen=True)
class ConversationTurn:
    """One message of the recent conversation shown on a card."""

    name: str
    role: str
    content: str

    def to_json(self) -> Dict[str, str]:
        return {"name": self.name, "role": self.role, "content": self.content}


@dataclass(frozen=True)
class PromptRecord:
    """A human prompt as the inbox holds it."""

    id: str
    agent: str
    prompt: str
    conversation: List[ConversationTurn]
    risk_level: str
    risk_reasons: List[str]
    created_at: str
    expires_at: float
    status: str
    decision: Optional[str] = None
    response: Optional[str] = None
    decided_at: Optional[str] = None
    approve: str = "proceed"

    def to_json(self, *, with_content: bool = True) -> Dict[str, Any]:
        """The API's view. ``with_content=False`` is what a chat polling its own prompt gets."""
        data: Dict[str, Any] = {
            "id": self.id,
            "status": self.status,
            "decision": self.decision,
            "response": self.response,
            "decided_at": self.decided_at,
            "risk": {"level": self.risk_level, "reasons": list(self.risk_reasons)},
        }
        if with_content:
            data.update(
                agent=self.agent,
                prompt=self.prompt,
                conversation=[t.to_json() for t in self.conversation],
                created_at=self.created_at,
                approve=self.approve,
                expires_at=datetime.fromtimestamp(self.expires_at, timezone.utc).isoformat(timespec="seconds"),
            )
        return data


class InboxStore:
    """Pending prompts and decisions in one SQLite file (``":memory:"`` works for experiments).

    Safe to share between threads: one connection, one lock, short transactions.
    """

    def __init__(self, path: Union[str, Path]) -> None:
        self.path = str(path)
        self._lock = threading.Lock()
        if self.path != ":memory:" and not self.path.startswith("file:"):
            # Prompts and replies are private: the file (and SQLite's -wal/-shm, which copy its mode) 0600.
            os.close(os.open(self.path, os.O_CREAT | os.O_RDWR, 0o600))
            os.chmod(self.path, 0o600)  # a file an older version made 0644 too
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._db.row_factory = sqlite3.Row
        if self.path != ":memory:":
            self._db.execute("PRAGMA journal_mode=WAL")
        # FULL: a decision the inbox answered 200 for survives a power cut, not just a crash.
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.executescript(_SCHEMA)
        columns = {row[1] for row in self._db.execute("PRAGMA table_info(prompts)")}
        if "approve" not in columns:  # a database from before the inbox said what Approve does
            self._db.execute("ALTER TABLE prompts ADD COLUMN approve TEXT")

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # -- writes ---------------------------------------------------------------------------------
    def submit(
        self,
        prompt_id: str,
        *,
        agent: str,
        prompt: str,
        conversation: Sequence[ConversationTurn],
        risk_level: str,
        risk_reasons: Sequence[str],
        timeout: float,
        now: Optional[float] = None,
        approve: str = "proceed",
    ) -> Tuple[str, PromptRecord]:
        """Add a prompt, idempotently: ``("created", record)``, ``("exists", record)`` when the same
        prompt was submitted before (a retry), or ``("conflict", record)`` when the id is taken by a
        different prompt."""
        now = time.time() if now is None else now
        with self._lock, self._db:
            self._db.execute("BEGIN IMMEDIATE")
            existing = self._get(prompt_id)
            if existing is not None:
                same = existing.agent == agent and existing.prompt == prompt
                return ("exists" if same else "conflict"), existing
            self._db.execute(
                "INSERT INTO prompts (id, agent, prompt, conversation, risk_level, risk_reasons, created_at,"
                " expires_at, status, approve) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?)",
                (
                    prompt_id,
                    agent,
                    prompt,
                    json.dumps([t.to_json() for t in conversation]),
                    risk_level,
                    json.dumps(list(risk_reasons)),
                    _utc_now(),
                    now + timeout,
                    approve,
                ),
            )
            self._audit(prompt_id, "asked", {"agent": agent, "risk": risk_level, "timeout": timeout})
            record = self._get(prompt_id)
        assert record is not None
        return "created", record

    def decide(
        self, prompt_id: str, decision: str, response: str, now: Optional[float] = None
    ) -> Tuple[str, Optional[PromptRecord]]:
        """Apply a person's decision once: ``("decided", record)``; ``("unknown", None)``;
        ``("conflict", record)`` when it was already decided or timed out (nothing changes)."""
        if decision not in INBOX_DECISIONS:
            raise ValueError(f"decision must be one of {', '.join(INBOX_DECISIONS)}; got {decision!r}")
        now = time.time() if now is None else now
        with self._lock, self._db:
            self._db.execute("BEGIN IMMEDIATE")
            self._expire_overdue(now)
            changed = self._db.execute(
                "UPDATE prompts SET status = 'decided', decision = ?, response = ?, decided_at = ?"
                " WHERE id = ? AND status = 'pending'",
                (decision, response, _utc_now(), prompt_id),
            ).rowcount
            if changed:
                self._audit(prompt_id, decision, {"response": response})
            record = self._get(prompt_id)
        if record is None:
            return "unknown", None
        return ("decided" if changed else "conflict"), record

    def expire(self, prompt_id: str) -> Tuple[str, Optional[PromptRecord]]:
        """The chat stopped waiting: mark the prompt timed out unless a decision won the race.
        Returns ``("timed-out", record)``, ``("decided", record)`` or ``("unknown", None)``."""
        with self._lock, self._db:
            self._db.execute("BEGIN IMMEDIATE")
            changed = self._db.execute(
                "UPDATE prompts SET status = 'timed-out', decided_at = ? WHERE id = ? AND status = 'pending'",
                (_utc_now(), prompt_id),
            ).rowcount
            if changed:
                self._audit(prompt_id, "timed-out", {"by": "chat"})
            record = self._get(prompt_id)
        if record is None:
            return "unknown", None
        return record.status, record

    def expire_overdue(self, now: Optional[float] = None) -> int:
        """Time out every pending prompt whose chat has stopped waiting. Returns how many."""
        with self._lock, self._db:
            self._db.execute("BEGIN IMMEDIATE")
            return self._expire_overdue(time.time() if now is None else now)

    # -- reads ----------------------------------------------------------------------------------
    def get(self, prompt_id: str) -> Optional[PromptRecord]:
        with self._lock:
            return self._get(prompt_id)

    def pending(self) -> List[PromptRecord]:
        """Prompts waiting for a person, oldest first."""
        return self._select("WHERE status = 'pending' ORDER BY created_at, id")

    def recent(self, limit: int = 20) -> List[PromptRecord]:
        """The latest decided or timed-out prompts, newest first."""
        return self._select("WHERE status != 'pending' ORDER BY decided_at DESC, id LIMIT ?", (limit,))

    def audit_trail(self, prompt_id: Optional[str] = None) -> List[Dict[str, Any]]:
        """Every recorded event, oldest first (optionally for one prompt)."""
        query = "SELECT seq, at, prompt_id, event, detail FROM audit"
        args: Tuple[Any, ...] = ()
        if prompt_id is not None:
            query += " WHERE prompt_id = ?"
            args = (prompt_id,)
        with self._lock:
            rows = self._db.execute(query + " ORDER BY seq", args).fetchall()
        return [{**dict(r), "detail": json.loads(r["detail"])} for r in rows]

    def version(self) -> int:
        """Grows with every change (the last audit sequence number): what live updates watch."""
        with self._lock:
            row = self._db.execute("SELECT COALESCE(MAX(seq), 0) FROM audit").fetchone()
        return int(row[0])

    # -- internals (call with the lock held) ----------------------------------------------------
    def _get(self, prompt_id: str) -> Optional[PromptRecord]:
        row = self._db.execute("SELECT * FROM prompts WHERE id = ?", (prompt_id,)).fetchone()
        return _record(row) if row is not None else None

    def _select(self, where: str, args: Tuple[Any, ...] = ()) -> List[PromptRecord]:
        with self._lock:
            rows = self._db.execute(f"SELECT * FROM prompts {where}", args).fetchall()
        return [_record(r) for r in rows]

    def _expire_overdue(self, now: float) -> int:
        overdue = [
            r["id"]
            for r in self._db.execute("SELECT id FROM prompts WHERE status = 'pending' AND expires_at <= ?", (now,))
        ]
        for prompt_id in overdue:
            self._db.execute(
                "UPDATE prompts SET status = 'timed-out', decided_at = ? WHERE id = ?", (_utc_now(), prompt_id)
            )
            self._audit(prompt_id, "timed-out", {"by": "inbox"})
        return len(overdue)

    def _audit(self, prompt_id: str, event: str, detail: Dict[str, Any]) -> None:
        self._db.execute(
            "INSERT INTO audit (at, prompt_id, event, detail) VALUES (?, ?, ?, ?)",
            (_utc_now(), prompt_id, event, json.dumps(detail)),
        )


def _record(row: sqlite3.Row) -> PromptRecord:
    return PromptRecord(
        id=row["id"],
        agent=row["agent"],
        prompt=row["prompt"],
        conversation=[ConversationTurn(**t) for t in json.loads(row["conversation"])],
        risk_level=row["risk_level"],
        risk_reasons=list(json.loads(row["risk_reasons"])),
        created_at=row["created_at"],
        expires_at=float(row["expires_at"]),
        status=row["status"],
        decision=row["decision"],
        response=row["response"],
        decided_at=row["decided_at"],
        approve=row["approve"] or "proceed",
    )
