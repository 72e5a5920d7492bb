"""``run-notebook --record``: a real run (the upstream: a ScriptedModelServer on loopback; the human: a
person at a pseudo-terminal) writes a script that then replays the notebook exactly. Never the internet."""

from __future__ import annotations

import json
import os
import pty
import select
import signal
import sys
import time
from pathlib import Path

import pytest

from hitl_modes.chat.server import ScriptedModelServer
from hitl_modes.errors import LiveConfigError
from hitl_modes.notebook_runner.record import Upstream, upstreams_from_env
from hitl_modes.notebook_runner.runner import run_notebook
from tests.support.notebooks import output_text, write_notebook

CELLS = [
    """
    import getpass, os
    import autogen
    token = getpass.getpass("Token: ")
    """,
    """
    config_list = [{"model": "gpt-4o-mini", "api_key": os.environ["OPENAI_API_KEY"]}]
    assistant = autogen.AssistantAgent("assistant", llm_config={"config_list": config_list})
    user = autogen.UserProxyAgent("user", human_input_mode="ALWAYS", code_execution_config=False)
    result = user.initiate_chat(assistant, message="Hello")
    print("token length", len(token))
    """,
]

FEEDBACK = "or type 'exit' to end the conversation: "  # ALWAYS mode's prompt ends so


class Terminal:
    """A child process on a pseudo-terminal: read what it shows, type answers (never waits forever)."""

    def __init__(self, argv, cwd: Path, env) -> None:
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child: the pty is its controlling terminal, as for a person
            os.chdir(cwd)
            signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl-C as a shell's foreground job has it
            os.execve(sys.executable, argv, env)
        self.seen = b""  # what it showed since the last read_until
        self.transcript = b""  # everything it showed

    def read_until(self, text: str, patience: float = 180) -> str:
        deadline = time.monotonic() + patience
        while text.encode() not in self.seen:
            if time.monotonic() > deadline:
                raise AssertionError(f"never showed {text!r}; it showed:\n{self.seen.decode(errors='replace')}")
            ready, _, _ = select.select([self.fd], [], [], 1)
            if ready:
                try:
                    chunk = os.read(self.fd, 4096)
                except OSError:  # the child closed the terminal
                    chunk = b""
                if not chunk:
                    raise AssertionError(f"exited before {text!r}:\n{self.seen.decode(errors='replace')}")
                self.seen += chunk
                self.transcript += chunk
        shown = self.seen.decode(errors="replace")
        self.seen = b""
        return shown

    def type(self, line: str) -> None:
        os.write(self.fd, line.encode() + b"\r")

    def wait(self, patience: float = 180) -> int:
        """The exit code, once the child has ended; stops it (and fails) if it is still running after ``patience``."""
        deadline = time.monotonic() + patience
        while True:
            if time.monotonic() > deadline:
                os.kill(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)
                raise AssertionError(f"still running after {patience} s:\n{self.seen.decode(errors='replace')}")
            ready, _, _ = select.select([self.fd], [], [], 1)
            if not ready:
                continue
            try:
                chunk = os.read(self.fd, 4096)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            self.seen += chunk
            self.transcript += chunk
        _, status = os.waitpid(self.pid, 0)
        os.close(self.fd)
        return os.waitstatus_to_exitcode(status)


def test_recording_forwards_to_the_users_endpoint_asks_the_person_and_writes_a_script_that_replays(tmp_path):
    notebook = write_notebook(tmp_path, "chat", CELLS)
    upstream = ScriptedModelServer(default=["Hello! I am the real model.", "Here is more."])
    with upstream:
        env = {k: v for k, v in os.environ.items() if k not in ("OAI_CONFIG_LIST",)}
        env.update({"OPENAI_API_KEY": "sk-the-users-real-key", "OPENAI_BASE_URL": upstream.base_url})
        argv = [sys.executable, "-m", "hitl_modes", "run-notebook", "chat.ipynb", "--record", "chat.replay.json"]
        term = Terminal(argv, tmp_path, env)
        term.read_until("Token: ")
        term.type("s3cret")
        term.read_until(FEEDBACK)
        term.type("tell me more")
        term.read_until(FEEDBACK)
        term.type("exit")
        code = term.wait()
    tail = term.seen.decode(errors="replace")
    # The person saw the conversation (the notebook's output streams to the terminal as it runs).
    shown = term.transcript.decode(errors="replace")
    assert "Hello! I am the real model." in shown and "Here is more." in shown
    assert code == 0, tail
    assert "wrote chat.replay.json (2 model replies, 3 human answers)" in tail
    script = json.loads((tmp_path / "chat.replay.json").read_text())
    assert script == {
        "model": ["Hello! I am the real model.", "Here is more."],
        "human": ["s3cret", "tell me more", "exit"],
    }
    # The forwarded requests were the notebook's own.
    assert [r.body["messages"][-1]["content"] for r in upstream.calls] == ["Hello", "tell me more"]
    assert "token length 6" in output_text(tmp_path / "chat.replayed.ipynb")

    replay = run_notebook(notebook, tmp_path / "chat.replay.json")
    assert replay.exit_code == 0, replay.message
    assert not (tmp_path / ".cache").exists()


def test_the_upstream_comes_from_oai_config_list_or_the_key(tmp_path):
    entries = [{"model": "gpt-4o", "base_url": "http://127.0.0.1:1/v1/", "api_key": "k1"}, {"model": "llama"}]
    assert upstreams_from_env({"OAI_CONFIG_LIST": json.dumps(entries), "OPENAI_API_KEY": "k2"}) == [
        Upstream("gpt-4o", "http://127.0.0.1:1/v1", "k1"),
        Upstream("llama", "https://api.openai.com/v1", "k2"),
    ]
    (tmp_path / "OAI_CONFIG_LIST").write_text(json.dumps(entries[:1]))
    assert upstreams_from_env({}, folder=tmp_path) == [Upstream("gpt-4o", "http://127.0.0.1:1/v1", "k1")]
    assert upstreams_from_env({"OPENAI_API_KEY": "k", "OPENAI_BASE_URL": "http://127.0.0.1:2/v1"}) == [
        Upstream(None, "http://127.0.0.1:2/v1", "k")
    ]
    with pytest.raises(LiveConfigError, match="set OAI_CONFIG_LIST .* or OPENAI_API_KEY"):
        upstreams_from_env({}, folder=tmp_path / "elsewhere")
    with pytest.raises(LiveConfigError, match="not valid JSON"):
        upstreams_from_env({"OAI_CONFIG_LIST": "[{"})


def test_recording_without_a_configured_model_is_exit_2(tmp_path, capsys, monkeypatch):
    from hitl_modes.cli import main

    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    notebook = write_notebook(tmp_path, "chat", CELLS)
    assert main(["run-notebook", str(notebook), "--record", str(tmp_path / "s.json")]) == 2
    assert "recording needs a real model: set OAI_CONFIG_LIST" in capsys.readouterr().err
    assert not (tmp_path / "s.json").exists()


def test_forwarding_picks_the_entry_that_names_the_model_and_passes_on_refusals():
    from hitl_modes.errors import UpstreamError
    from hitl_modes.notebook_runner.record import ForwardingModelServer

    with ScriptedModelServer(default=["from A"]) as a, ScriptedModelServer(default=["from B"]) as b:
        forward = ForwardingModelServer([Upstream("model-a", a.base_url, "ka"), Upstream("model-b", b.base_url, "kb")])
        hello = [{"role": "user", "content": "hi"}]
        assert forward.reply_for({"model": "model-b", "messages": hello}) == "from B"
        assert forward.reply_for({"model": "unnamed", "messages": hello}) == "from A"  # the first entry
        with pytest.raises(UpstreamError, match="answered HTTP 400: .*model call #2, but only 1 reply was scripted"):
            forward.reply_for({"model": "model-a", "messages": hello})
    assert forward.recorded == ["from B", "from A"]  # a refusal records nothing
    assert [r.model for r in a.calls] == ["unnamed", "model-a"]


def test_ctrl_c_while_the_person_is_asked_ends_the_recording_without_waiting_for_enter(tmp_path):
    write_notebook(tmp_path, "chat", CELLS)
    with ScriptedModelServer(default=[]) as upstream:
        env = {k: v for k, v in os.environ.items() if k != "OAI_CONFIG_LIST"}
        env.update({"OPENAI_API_KEY": "sk-the-users-real-key", "OPENAI_BASE_URL": upstream.base_url})
        argv = [sys.executable, "-m", "hitl_modes", "run-notebook", "chat.ipynb", "--record", "chat.replay.json"]
        term = Terminal(argv, tmp_path, env)
        term.read_until("Token: ")
        os.write(term.fd, b"\x03")  # Ctrl-C: SIGINT to the foreground process group
        code = term.wait()
    shown = term.seen.decode(errors="replace")
    assert code == 1, shown
    assert "cell 1 raised KeyboardInterrupt: the run was interrupted (Ctrl-C)" in shown
    assert json.loads((tmp_path / "chat.replay.json").read_text()) == {"model": [], "human": []}
    assert upstream.calls == []
