"""`hitl-modes inbox` as a real process: what it prints, where it listens, how it fails.

`InboxProcess` here is also what the other inbox tests use to run a real uvicorn server."""

from __future__ import annotations

import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import List, Optional

from hitl_modes.inbox_client import http_request

_LINK = re.compile(r"(http://[^\s/]+)/#token=(\S+)")


class InboxProcess:
    """`python -m hitl_modes inbox` in a subprocess; reads the URL and token it prints."""

    def __init__(self, db: Path, port: int = 0, extra_args: Optional[List[str]] = None) -> None:
        self.db = Path(db)
        self.port = port
        self.extra_args = extra_args or []
        self.url = ""
        self.token = ""
        self.output: List[str] = []
        self.proc: Optional[subprocess.Popen] = None
        self._lines: "queue.Queue[Optional[str]]" = queue.Queue()

    @property
    def link(self) -> str:
        return f"{self.url}/#token={self.token}"

    def start(self, timeout: float = 30.0) -> "InboxProcess":
        cmd = [sys.executable, "-m", "hitl_modes", "inbox", "--port", str(self.port), "--db", str(self.db),
               *self.extra_args]
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True, bufsize=1)
        threading.Thread(target=self._drain, daemon=True).start()
        deadline = time.monotonic() + timeout
        while not (self.token and "--inbox-url" in self.output[-1]):  # the announcement's last line
            try:
                line = self._lines.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                line = None
            if line is None:
                self.kill()
                raise RuntimeError("the inbox did not print its link:\n" + "".join(self.output))
            match = _LINK.search(line)
            if match:
                self.url, self.token = match.group(1), match.group(2)
        self.port = int(self.url.rsplit(":", 1)[1])
        return self

    def _drain(self) -> None:
        assert self.proc is not None and self.proc.stdout is not None
        for line in self.proc.stdout:
            self.output.append(line)
            self._lines.put(line)
        self._lines.put(None)

    def kill(self) -> None:
        """SIGKILL: no clean shutdown, as a crash or a pulled plug would be."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=30)

    def terminate(self) -> int:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout=30)

    def __enter__(self) -> "InboxProcess":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.kill()


def _listening_addresses(port: int) -> List[str]:
    """Local addresses with a listening TCP socket on `port`, read from the kernel (/proc/net/tcp*)."""
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        if not os.path.exists(table):
            continue
        for row in Path(table).read_text().splitlines()[1:]:
            fields = row.split()
            address, hex_port = fields[1].rsplit(":", 1)
            if int(hex_port, 16) == port and fields[3] == "0A":  # 0A = LISTEN
                found.append(address)
    return found


def test_it_prints_a_link_with_a_token_and_listens_on_loopback_only(tmp_path):
    with InboxProcess(tmp_path / "inbox.sqlite") as inbox:
        assert inbox.url.startswith("http://127.0.0.1:")
        assert len(inbox.token) >= 24
        assert "--inbox-url " + inbox.url in "".join(inbox.output)
        assert _listening_addresses(inbox.port) == ["0100007F"], "bound to 127.0.0.1 and nothing else"
        assert http_request("GET", f"{inbox.url}/healthz").status == 200
        assert (tmp_path / "inbox.sqlite").exists()


def test_each_start_gets_a_new_token(tmp_path):
    with InboxProcess(tmp_path / "inbox.sqlite") as first:
        token = first.token
    with InboxProcess(tmp_path / "inbox.sqlite") as second:
        assert second.token != token


def test_a_busy_port_is_a_clear_error(tmp_path):
    blocker = socket.socket()
    blocker.bind(("127.0.0.1", 0))
    blocker.listen(1)
    port = blocker.getsockname()[1]
    try:
        proc = subprocess.run([sys.executable, "-m", "hitl_modes", "inbox", "--port", str(port),
                               "--db", str(tmp_path / "x.sqlite")], stdin=subprocess.DEVNULL,
                              capture_output=True, text=True, timeout=60)
    finally:
        blocker.close()
    assert proc.returncode == 2
    assert f"cannot listen on 127.0.0.1:{port}" in proc.stderr
    assert "--port" in proc.stderr


def test_sigterm_stops_it_cleanly(tmp_path):
    inbox = InboxProcess(tmp_path / "inbox.sqlite").start()
    try:
        # uvicorn shuts down, then re-raises the signal it caught, as a well-behaved process does.
        assert inbox.terminate() in (0, -signal.SIGTERM)
    finally:
        inbox.kill()
    assert "Traceback" not in "".join(inbox.output)
