"""`hitl-modes inbox` as a real process: what it prints, where it listens, how it fails.

The real server runs through `tests.support.inbox.InboxProcess`, as in the other inbox tests."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path
from typing import List

from hitl_modes.inbox.client import http_request
from tests.support.inbox import InboxProcess


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
        proc = subprocess.run(
            [sys.executable, "-m", "hitl_modes", "inbox", "--port", str(port), "--db", str(tmp_path / "x.sqlite")],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=60,
        )
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
