"""Inbox test helpers: a real `hitl-modes inbox` process, and a chat waiting on it in a thread."""

from __future__ import annotations

import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import List, Optional

import autogen

from hitl_modes import InboxHuman, ScriptedLLM, record_chat

_LINK = re.compile(r"(http://[^\s/]+)/#token=(\S+)")
_AGENT_TOKEN = re.compile(r"HITL_INBOX_AGENT_TOKEN=(\S{16,})")


class InboxProcess:
    """`python -m hitl_modes inbox` in a subprocess; reads the URL and the tokens it prints."""

    def __init__(
        self, db: Path, port: int = 0, extra_args: Optional[List[str]] = None, env: Optional[dict] = None
    ) -> None:
        self.db = Path(db)
        self.port = port
        self.extra_args = extra_args or []
        self.env = env
        self.url = ""
        self.token = ""
        self.agent_token = ""
        self.output: List[str] = []
        self.proc: Optional[subprocess.Popen] = None
        self._lines: queue.Queue[Optional[str]] = queue.Queue()

    @property
    def link(self) -> str:
        return f"{self.url}/#token={self.token}"

    @property
    def agent_url(self) -> str:
        """The URL a chat uses: the agent token after `#agent=`."""
        return f"{self.url}/#agent={self.agent_token}"

    def start(self, timeout: float = 30.0) -> InboxProcess:
        cmd = [
            sys.executable,
            "-m",
            "hitl_modes",
            "inbox",
            "--port",
            str(self.port),
            "--db",
            str(self.db),
            *self.extra_args,
        ]
        self.proc = subprocess.Popen(
            cmd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            bufsize=1,
            env=self.env,
        )
        threading.Thread(target=self._drain, daemon=True).start()
        deadline = time.monotonic() + timeout
        line: Optional[str] = ""
        while not (self.token and self.agent_token and "--inbox-url" in line):  # the announcement's last line
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
            agent = _AGENT_TOKEN.search(line)
            if agent:
                self.agent_token = agent.group(1)
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

    def __enter__(self) -> InboxProcess:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.kill()


DELETE = "Deleting the old logs:\n```sh\nrm -rf /var/log/app\n```\nTERMINATE"
AMENDED = "Understood: logs kept, only build/ cleaned. TERMINATE"
FEEDBACK = "Keep the logs; clean build/ only."


class ChatInThread:
    """A TERMINATE-mode chat whose human is the inbox, running while the test plays the person."""

    def __init__(self, url: str, audit_path, *, check: bool = True, replies=(DELETE, AMENDED)) -> None:
        self.llm = ScriptedLLM(list(replies))
        self.assistant = self.llm.register(autogen.AssistantAgent("assistant", llm_config=self.llm.llm_config))
        self.user_proxy = autogen.UserProxyAgent(
            "user_proxy",
            human_input_mode="TERMINATE",
            code_execution_config=False,
            is_termination_msg=lambda m: "TERMINATE" in (m.get("content") or ""),
        )
        self.human = InboxHuman(url, timeout=120, audit_log=audit_path, echo=False, check=check, poll_seconds=2)
        self.run = None
        self.error = None
        self.thread = threading.Thread(target=self._chat, daemon=True)

    def _chat(self) -> None:
        try:
            with self.human:
                self.run = record_chat(self.user_proxy, self.assistant, "Free some disk space.", quiet=True)
        except BaseException as e:  # reported by finish()
            self.error = e

    def start(self) -> ChatInThread:
        self.thread.start()
        return self

    def finish(self, timeout: float = 120):
        self.thread.join(timeout)
        assert not self.thread.is_alive(), "the chat is still waiting"
        assert self.error is None, f"the chat failed: {self.error!r}"
        return self.run


def run_lesson_stopping_every_card(
    number: int, url: str, reviewer_token: str, agent_token: str, *args: str, env: Optional[dict] = None
):
    """``hitl-modes lesson N --human inbox --inbox-url URL``, while a person clicks Stop on every card the
    lesson puts in the inbox. Returns the finished process and the cards the person saw."""
    from hitl_modes import InboxReviewer

    person = InboxReviewer(url, reviewer_token)
    stop = threading.Event()
    cards: List[dict] = []

    def stop_everything() -> None:
        while not stop.is_set():
            for card in person.pending():
                cards.append(card)
                person.stop(card["id"])
            time.sleep(0.05)

    clicker = threading.Thread(target=stop_everything, daemon=True)
    clicker.start()
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "hitl_modes", "lesson", str(number), "--human", "inbox", "--inbox-url", url, *args],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=900,
            # what `hitl-modes inbox` says to set
            env={**os.environ, **(env or {}), "HITL_INBOX_AGENT_TOKEN": agent_token},
        )
    finally:
        stop.set()
        clicker.join(10)
    return proc, cards
