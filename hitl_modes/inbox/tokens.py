"""The inbox's two secrets: the reviewer's token (the page, deciding) and the agent token (chats
submitting prompts and waiting for their decisions). Lesson 16.

Two tokens, because the two sides must not be able to act for each other: a chat process must not
decide its own prompts, and a page must not put a fake "approve the deploy?" card in front of a
person. Both survive an inbox restart, so open pages, printed links and waiting chats keep working:

- ``HITL_INBOX_TOKEN`` / ``HITL_INBOX_AGENT_TOKEN``, when set, are used as given;
- otherwise they are kept in ``DB.tokens`` beside the database (``inbox.sqlite.tokens``), created on
  the first start with mode 0600 (only its owner can read it); a file others can read is refused.

A chat finds the agent token in, in this order: the ``agent_token=`` argument, the inbox URL's
fragment (``http://127.0.0.1:8765/#agent=TOKEN``, as ``hitl-modes inbox`` prints it),
``HITL_INBOX_AGENT_TOKEN``, or the token file (``HITL_INBOX_TOKEN_FILE``, or ``agent_token_file=``).
"""

from __future__ import annotations

import json
import os
import secrets
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Optional, Union

from ..errors import InboxTokenError

__all__ = [
    "InboxTokens",
    "token_file_for",
    "load_or_create_tokens",
    "read_tokens",
    "agent_token_from",
    "REVIEWER_TOKEN_ENV",
    "AGENT_TOKEN_ENV",
    "TOKEN_FILE_ENV",
    "MIN_TOKEN_LENGTH",
]

REVIEWER_TOKEN_ENV = "HITL_INBOX_TOKEN"
AGENT_TOKEN_ENV = "HITL_INBOX_AGENT_TOKEN"
TOKEN_FILE_ENV = "HITL_INBOX_TOKEN_FILE"
MIN_TOKEN_LENGTH = 16


@dataclass(frozen=True)
class InboxTokens:
    """The reviewer's token and the chats' agent token. ``file`` is where they are kept, if anywhere."""

    reviewer: str
    agent: str
    file: Optional[Path] = None

    def __post_init__(self) -> None:
        for name, value in (("reviewer", self.reviewer), ("agent", self.agent)):
            check_token(value, f"the {name} token")
        if secrets.compare_digest(self.reviewer.encode(), self.agent.encode()):
            raise InboxTokenError("the reviewer token and the agent token must differ: each side gets its own")

    def __repr__(self) -> str:  # never print a secret by accident
        return f"InboxTokens(file={str(self.file) if self.file else None!r})"


def check_token(value: str, what: str) -> str:
    if not isinstance(value, str) or len(value) < MIN_TOKEN_LENGTH or not value.isprintable() or " " in value:
        raise InboxTokenError(
            f"{what} must be at least {MIN_TOKEN_LENGTH} printable characters without spaces: "
            "use secrets.token_urlsafe()"
        )
    return value


def token_file_for(db: Union[str, Path]) -> Path:
    """Where the tokens of the inbox on ``db`` are kept: ``DB.tokens``, beside it."""
    return Path(str(db) + ".tokens")


def read_tokens(path: Union[str, Path]) -> InboxTokens:
    """The tokens kept in ``path``; refuses a file that anyone but its owner can read."""
    path = Path(path)
    try:
        info = path.stat()
    except FileNotFoundError:
        raise InboxTokenError(
            f"no inbox token file at {path}: start the inbox (`hitl-modes inbox --db ...`) once to create it"
        ) from None
    if info.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise InboxTokenError(
            f"{path} can be read by other users (mode {stat.S_IMODE(info.st_mode):o}); it holds the inbox's "
            f"secrets. Fix it with: chmod 600 {path}"
        )
    if hasattr(os, "getuid") and info.st_uid != os.getuid():
        raise InboxTokenError(f"{path} belongs to another user: the inbox keeps its tokens in a file of its own")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return InboxTokens(str(data["reviewer"]), str(data["agent"]), path)
    except (ValueError, KeyError, TypeError) as e:
        raise InboxTokenError(
            f"{path} is not an inbox token file ({e}): delete it to get new tokens at the next start"
        ) from None


def _create(path: Path) -> InboxTokens:
    tokens = InboxTokens(secrets.token_urlsafe(24), secrets.token_urlsafe(24), path)
    # O_EXCL: two inboxes starting at once cannot both write; mode 0600 from the first byte.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump({"reviewer": tokens.reviewer, "agent": tokens.agent}, f)
        f.flush()
        os.fsync(f.fileno())
    return tokens


def load_or_create_tokens(db: Union[str, Path], environ: Optional[Mapping[str, str]] = None) -> InboxTokens:
    """The tokens for the inbox on ``db``: from the environment, else from ``DB.tokens`` (created on
    the first start). An in-memory database gets fresh tokens each time and no file."""
    env = os.environ if environ is None else environ
    reviewer, agent = env.get(REVIEWER_TOKEN_ENV, "").strip(), env.get(AGENT_TOKEN_ENV, "").strip()
    if reviewer and agent:
        return InboxTokens(check_token(reviewer, REVIEWER_TOKEN_ENV), check_token(agent, AGENT_TOKEN_ENV))
    if str(db) == ":memory:":
        kept = InboxTokens(secrets.token_urlsafe(24), secrets.token_urlsafe(24))
    else:
        path = token_file_for(db)
        try:
            kept = read_tokens(path) if path.exists() else _create(path)
        except FileExistsError:  # another process created it between exists() and open()
            kept = read_tokens(path)
    return InboxTokens(
        check_token(reviewer, REVIEWER_TOKEN_ENV) if reviewer else kept.reviewer,
        check_token(agent, AGENT_TOKEN_ENV) if agent else kept.agent,
        kept.file,
    )


def agent_token_from(
    url: str, agent_token: Optional[str] = None, agent_token_file: Optional[Union[str, Path]] = None
) -> Optional[str]:
    """The agent token a chat should send, from the first place that has one (see the module doc)."""
    if agent_token:
        return check_token(agent_token, "agent_token")
    fragment = url.partition("#")[2]
    for part in fragment.split("&"):
        key, _, value = part.partition("=")
        if key == "agent" and value:
            return check_token(value, "the agent token in the inbox URL (#agent=...)")
    from_env = os.environ.get(AGENT_TOKEN_ENV, "").strip()
    if from_env:
        return check_token(from_env, AGENT_TOKEN_ENV)
    file = agent_token_file or os.environ.get(TOKEN_FILE_ENV, "").strip()
    if file:
        return read_tokens(file).agent
    return None
