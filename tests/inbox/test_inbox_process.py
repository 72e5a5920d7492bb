"""`hitl-modes inbox` as a real process: what it prints, where it listens, how it fails.

The real server runs through `tests.support.inbox.InboxProcess`, as in the other inbox tests."""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import stat
import subprocess
import sys
from pathlib import Path
from typing import List

import pytest

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


def test_the_tokens_survive_a_restart_kept_beside_the_database_for_its_owner_only(tmp_path):
    db = tmp_path / "inbox.sqlite"
    with InboxProcess(db) as first:
        tokens = (first.token, first.agent_token)
        assert first.token != first.agent_token and len(first.agent_token) >= 24
    kept = tmp_path / "inbox.sqlite.tokens"
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    with InboxProcess(db) as second:
        assert (second.token, second.agent_token) == tokens, "open pages, links and waiting chats keep working"
        assert http_request("GET", f"{second.url}/api/session", token=tokens[1]).body == {"role": "agent"}
    with InboxProcess(tmp_path / "other.sqlite") as other:
        assert other.token not in tokens and other.agent_token not in tokens, "each database has its own"


def test_a_token_file_others_can_read_is_refused_with_the_fix(tmp_path):
    db = tmp_path / "inbox.sqlite"
    with InboxProcess(db):
        pass
    kept = tmp_path / "inbox.sqlite.tokens"
    kept.chmod(0o644)
    proc = subprocess.run(
        [sys.executable, "-m", "hitl_modes", "inbox", "--port", "0", "--db", str(db)],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2 and f"chmod 600 {kept}" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_tokens_can_come_from_the_environment(tmp_path):
    env = {**os.environ, "HITL_INBOX_TOKEN": "r" * 20 + "-reviewer", "HITL_INBOX_AGENT_TOKEN": "a" * 20 + "-agent"}
    with InboxProcess(tmp_path / "inbox.sqlite", env=env) as inbox:
        assert (inbox.token, inbox.agent_token) == (env["HITL_INBOX_TOKEN"], env["HITL_INBOX_AGENT_TOKEN"])
    assert not (tmp_path / "inbox.sqlite.tokens").exists(), "given tokens are not written anywhere"
    env["HITL_INBOX_AGENT_TOKEN"] = "short"
    proc = subprocess.run(
        [sys.executable, "-m", "hitl_modes", "inbox", "--port", "0", "--db", str(tmp_path / "x.sqlite")],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert proc.returncode == 2 and "HITL_INBOX_AGENT_TOKEN must be at least 16" in proc.stderr


def _ipv6_loopback() -> bool:
    try:
        with socket.socket(socket.AF_INET6) as s:
            s.bind(("::1", 0))
        return True
    except OSError:
        return False


@pytest.mark.skipif(not _ipv6_loopback(), reason="this machine has no IPv6 loopback (::1)")
def test_it_serves_on_the_ipv6_loopback(tmp_path):
    with InboxProcess(tmp_path / "inbox.sqlite", extra_args=["--host", "::1"]) as inbox:
        assert inbox.url.startswith("http://[::1]:")
        assert http_request("GET", f"{inbox.url}/").status == 200, "the Host header [::1]:PORT is accepted"
        assert http_request("GET", f"{inbox.url}/api/prompts", token=inbox.token).status == 200
        assert http_request("GET", f"{inbox.url}/api/session", token=inbox.agent_token).body == {"role": "agent"}
        assert "WARNING" not in "".join(inbox.output), "::1 is loopback"


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


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_ctrl_c_and_sigterm_stop_it_cleanly_with_a_tab_and_a_chat_connected(tmp_path, sig):
    """An open page keeps an event stream open, and a waiting chat a long poll. On Ctrl-C or SIGTERM
    the inbox ends both itself (a complete response each), instead of waiting out its graceful-shutdown
    timeout and cancelling them with a traceback; then it exits with no traceback."""
    inbox = InboxProcess(tmp_path / "inbox.sqlite").start()
    try:
        tab = http.client.HTTPConnection("127.0.0.1", inbox.port, timeout=60)
        tab.request("GET", "/api/events")
        stream = tab.getresponse()
        assert stream.readline().startswith(b"retry:")
        prompt_id = "shutdown-test-01"
        http_request(
            "PUT",
            f"{inbox.url}/api/prompts/{prompt_id}",
            body={"agent": "a", "prompt": "p", "timeout": 600},
            token=inbox.agent_token,
        )
        poll = http.client.HTTPConnection("127.0.0.1", inbox.port, timeout=60)
        poll.request(
            "GET", f"/api/prompts/{prompt_id}?wait=20", headers={"Authorization": f"Bearer {inbox.agent_token}"}
        )
        inbox.proc.send_signal(sig)
        rest = stream.read()  # the server ends the stream: a clean end, not a cut connection
        answer = poll.getresponse()
        assert answer.status == 200 and json.loads(answer.read())["status"] == "pending", "the chat retries later"
        # uvicorn re-raises SIGTERM after shutting down, as a well-behaved process does; Ctrl-C exits 0.
        assert inbox.proc.wait(timeout=30) == (0 if sig == signal.SIGINT else -signal.SIGTERM)
    finally:
        inbox.kill()
    output = "".join(inbox.output)
    assert b"event: change" in rest or rest == b""
    assert "Traceback" not in output and "CancelledError" not in output and "timeout graceful" not in output
    if sig == signal.SIGINT:
        assert "hitl-modes inbox: stopped" in output
