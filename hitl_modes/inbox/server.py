"""Run the approval inbox with uvicorn: in the foreground (``hitl-modes inbox``) or in a background
thread (lessons and tests), on a socket we bind ourselves.

Binding the socket here, before uvicorn starts, lets ``port=0`` pick a free port and still tell the
caller which one it got, with no race between "find a free port" and "listen on it".
"""

from __future__ import annotations

import ipaddress
import socket
import sys
import threading
import time
from pathlib import Path
from typing import Any, List, Optional, TextIO, Union

from .app import LOOPBACK_HOSTS, RiskAssessor, create_inbox_app
from .store import InboxStore
from .tokens import AGENT_TOKEN_ENV, InboxTokens, load_or_create_tokens

__all__ = ["InboxServer", "DEFAULT_INBOX_PORT", "is_loopback"]

DEFAULT_INBOX_PORT = 8765


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    # A restarted inbox must get its old port back at once, even with connections in TIME_WAIT.
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host.strip("[]"), port))
    except OSError as e:
        sock.close()
        raise OSError(
            e.errno,
            f"cannot listen on {host}:{port}: {e.strerror}. Is another inbox running? "
            "Choose another --port (0 picks a free one).",
        ) from None
    sock.listen(128)
    return sock


class InboxServer:
    """The inbox web app on ``host:port`` with its state in the SQLite file ``db``.

    The reviewer's ``token`` and the chats' ``agent_token`` default to ``HITL_INBOX_TOKEN`` /
    ``HITL_INBOX_AGENT_TOKEN``, else to the ones kept in ``DB.tokens`` beside the database (created
    at the first start, mode 0600), so a restart keeps open pages, links and waiting chats working.
    ``url`` is where chats send prompts; ``link`` is what a person opens (it carries the token after
    ``#``, so no server log sees it); ``agent_url`` is the URL with the agent token for a chat.

        with InboxServer("inbox.sqlite", port=0) as inbox:   # a background thread
            print(inbox.link)
    """

    def __init__(
        self,
        db: Union[str, Path] = "inbox.sqlite",
        *,
        host: str = "127.0.0.1",
        port: int = DEFAULT_INBOX_PORT,
        token: Optional[str] = None,
        agent_token: Optional[str] = None,
        policy: Optional[RiskAssessor] = None,
        log_level: str = "warning",
    ) -> None:
        self.db = str(db)
        self.host = host
        self.requested_port = port
        kept = load_or_create_tokens(self.db) if not (token and agent_token) else None
        self.tokens = InboxTokens(
            token or (kept.reviewer if kept else ""),
            agent_token or (kept.agent if kept else ""),
            kept.file if kept else None,
        )
        self.policy = policy
        self.log_level = log_level
        self.port: Optional[int] = None
        self._server: Any = None
        self._thread: Optional[threading.Thread] = None
        self._stopping = threading.Event()
        self._store: Optional[InboxStore] = None
        self._error: Optional[BaseException] = None

    # -- addresses ------------------------------------------------------------------------------
    @property
    def url(self) -> str:
        if self.port is None:
            raise RuntimeError("the inbox is not listening yet: call start() or serve_forever()")
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def token(self) -> str:
        """The reviewer's token: the page and ``InboxReviewer`` send it."""
        return self.tokens.reviewer

    @property
    def agent_token(self) -> str:
        """The chats' token: ``InboxHuman`` sends it (never give it to a person's browser)."""
        return self.tokens.agent

    @property
    def link(self) -> str:
        return f"{self.url}/#token={self.token}"

    @property
    def agent_url(self) -> str:
        """The inbox URL with the agent token after ``#``: ``InboxHuman(server.agent_url)``."""
        return f"{self.url}/#agent={self.agent_token}"

    @property
    def store(self) -> InboxStore:
        if self._store is None:
            raise RuntimeError("the inbox is not running")
        return self._store

    # -- running --------------------------------------------------------------------------------
    def _prepare(self) -> List[socket.socket]:
        import uvicorn

        sock = _bind(self.host, self.requested_port)
        self.port = sock.getsockname()[1]
        self._store = InboxStore(self.db)
        allowed = ["*"] if self.host in ("0.0.0.0", "::") else [*LOOPBACK_HOSTS, self.host]
        app = create_inbox_app(
            self._store,
            self.tokens,
            policy=self.policy,
            allowed_hosts=allowed,
            db_label=Path(self.db).name,
            stopping=self._stopping,
        )
        config = uvicorn.Config(
            app,
            http="h11",
            loop="asyncio",
            lifespan="on",
            log_level=self.log_level,
            access_log=False,
            # Open streams and long polls end within a tick of `stopping`; this only bounds a machine so
            # busy that they cannot (2 s was exceeded under a loaded test run: a CancelledError traceback).
            timeout_graceful_shutdown=10,
        )
        stopping = self._stopping

        class Server(uvicorn.Server):
            def handle_exit(self, sig: int, frame: Any) -> None:
                # Ctrl+C / SIGTERM: end open event streams and long polls now (they check this
                # event every tick), so shutdown does not wait out a browser tab's connection.
                stopping.set()
                super().handle_exit(sig, frame)

        self._server = Server(config)
        return [sock]

    def announce(self, out: TextIO = sys.stdout) -> None:
        """What ``hitl-modes inbox`` prints at start-up."""
        print(f"hitl-modes inbox: serving {self.url}/ with state in {self.db}", file=out)
        print(f"Open this link to decide (it carries the secret token): {self.link}", file=out)
        kept = f" (kept in {self.tokens.file}, mode 0600)" if self.tokens.file else ""
        print(f"Chats need the agent token{kept}: {AGENT_TOKEN_ENV}={self.agent_token}", file=out)
        print(
            f"Point chats at it: {AGENT_TOKEN_ENV}=... hitl-modes lesson N --human inbox --inbox-url {self.url}",
            file=out,
        )
        if not is_loopback(self.host):
            print(
                f"WARNING: listening on {self.host}, not loopback. Anyone who can reach this port can see "
                "the page; only the token protects decisions, and plain HTTP does not hide it.",
                file=out,
            )
        out.flush()

    def serve_forever(self, out: TextIO = sys.stdout) -> None:
        """Serve in this thread until Ctrl+C / SIGTERM (uvicorn handles the signals); then return
        within about a second, open browser tabs included, with no traceback."""
        sockets = self._prepare()
        self.announce(out)
        try:
            self._server.run(sockets=sockets)
        except KeyboardInterrupt:  # uvicorn re-raises the Ctrl+C it handled, once it has shut down
            pass
        finally:
            self._close(sockets)
        print("hitl-modes inbox: stopped; pending prompts stay in the database for the next start", file=out)
        out.flush()

    def start(self, timeout: float = 15.0) -> InboxServer:
        """Serve in a background thread; returns once the inbox accepts connections."""
        if self._thread is not None:
            raise RuntimeError("this inbox is already running")
        self._stopping.clear()
        sockets = self._prepare()

        def run() -> None:
            try:
                self._server.run(sockets=sockets)
            except BaseException as e:  # reported by start() or stop(), not lost in the thread
                self._error = e
            finally:
                self._close(sockets)

        self._thread = threading.Thread(target=run, name=f"inbox:{self.port}", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"the inbox did not start on {self.url}: {self._error!r}")
            time.sleep(0.02)
        return self

    def stop(self, timeout: float = 15.0) -> None:
        """Stop serving. Chats that wait keep retrying and get their decision from the next inbox."""
        self._stopping.set()
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout)
            if self._thread.is_alive():
                raise RuntimeError(f"the inbox on {self.url} did not stop within {timeout}s")
            self._thread = None

    def _close(self, sockets: List[socket.socket]) -> None:
        for sock in sockets:
            sock.close()
        if self._store is not None:
            self._store.close()
            self._store = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def __enter__(self) -> InboxServer:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    def __repr__(self) -> str:
        where = self.url if self.port is not None else f"{self.host}:{self.requested_port}"
        return f"InboxServer({where}, db={self.db!r}, running={self.running})"
