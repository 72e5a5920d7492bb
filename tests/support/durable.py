"""Durable-chat test helpers: the chat in a process of its own, and the same chat run straight through."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from hitl_modes import ScriptedHuman
from hitl_modes.course.durable_demo import FEEDBACK, REPLIES, TASK, build_agents
from tests.support.inbox import InboxProcess

ROOT = Path(__file__).resolve().parents[2]


def uninterrupted_history():
    """The same chat with no inbox, no checkpoint and no crash: AutoGen's initiate_chat as is."""
    llm, assistant, user_proxy = build_agents(list(REPLIES))
    with ScriptedHuman([FEEDBACK, ""]):
        result = user_proxy.initiate_chat(assistant, message=TASK, silent=True)
    llm.assert_all_used()
    return json.loads(json.dumps(result.chat_history))


class Chat:
    """One chat process: `python -m hitl_modes.course.durable_demo ...`."""

    def __init__(self, tmp_path: Path, inbox: InboxProcess, run: int, kill_at=None):
        self.out = tmp_path / f"result-{run}.json"
        cmd = [
            sys.executable,
            "-m",
            "hitl_modes.course.durable_demo",
            str(tmp_path / "chat.json"),
            inbox.url,
            str(tmp_path / "audit.jsonl"),
            str(self.out),
        ]
        if kill_at:
            cmd += ["--kill-at", kill_at]
        env = {**os.environ, "HITL_INBOX_AGENT_TOKEN": inbox.agent_token}  # as `hitl-modes inbox` says
        self.proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(60)

    def died_by_sigkill(self) -> bool:
        return self.proc.wait(120) == -signal.SIGKILL

    def result(self):
        _, err = self.proc.communicate(timeout=120)
        assert self.proc.returncode == 0, err.decode()[-3000:]
        return json.loads(self.out.read_text())
