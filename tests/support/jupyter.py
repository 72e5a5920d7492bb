"""A copy of the course to use notebooks in, and saving a notebook the way JupyterLab does.

JupyterLab saves through the server's contents manager, which jupytext's server extension
(installed with jupytext, enabled by default) replaces with its own. That manager is what writes a
paired script, so the tests save through it rather than with ``nbformat.write``.
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional

from hitl_modes.course.catalog import lessons_dir
from hitl_modes.course.notebooks import notebooks_dir

__all__ = [
    "copy_course",
    "save_like_jupyterlab",
    "same_files",
    "git_commit_all",
    "Kernel",
    "Execution",
    "JupyterLabProcess",
]


def copy_course(root: Path) -> Path:
    """``root/lessons`` and ``root/notebooks``, copied from this checkout (the layout pairing uses)."""
    shutil.copytree(lessons_dir(), root / "lessons", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(notebooks_dir(), root / "notebooks", ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    return root


def save_like_jupyterlab(root: Path, relative_path: str, notebook: Dict[str, Any]) -> None:
    """Save ``notebook`` (nbformat JSON, outputs and all) at ``root/relative_path`` through jupytext's
    contents manager, the one JupyterLab's save and autosave go through."""
    from jupytext import AsyncTextFileContentsManager

    manager = AsyncTextFileContentsManager(root_dir=str(root))
    asyncio.run(manager.save({"type": "notebook", "format": "json", "content": notebook}, relative_path))


def same_files(a: Path, b: Path, pattern: str = "*.py") -> bool:
    """True when both folders hold the same ``pattern`` files with the same bytes."""
    names_a = sorted(p.name for p in a.glob(pattern))
    names_b = sorted(p.name for p in b.glob(pattern))
    return names_a == names_b and all((a / n).read_bytes() == (b / n).read_bytes() for n in names_a)


def git_commit_all(root: Path, message: str = "course") -> None:
    """Make ``root`` a git repository (if it is not one) and commit everything in it."""
    identity = ["-c", "user.name=test", "-c", "user.email=test@example.invalid", "-c", "commit.gpgsign=false"]
    if not (root / ".git").exists():
        subprocess.run(["git", "init", "-q", str(root)], check=True)
    subprocess.run(["git", "-C", str(root), "add", "-A"], check=True)
    subprocess.run(["git", "-C", str(root), *identity, "commit", "-q", "-m", message], check=True)


class Execution:
    """What one ``execute`` produced: the reply's status, the text printed (all of it, and stderr's
    alone), the errors shown (each the traceback lines the front end renders), the MIME types
    displayed and the prompts asked."""

    def __init__(self) -> None:
        self.status = ""
        self.text = ""
        self.stderr = ""
        self.errors: List[List[str]] = []
        self.mime_types: List[str] = []
        self.prompts: List[str] = []


class Kernel:
    """A real ipykernel (``python3``, this environment), driven the way a front end drives it:
    ``execute(code, answer)`` answers each input request with ``answer(prompt)``, a string, or
    :data:`INTERRUPT` to interrupt the kernel at the input box (the notebook's stop button)."""

    INTERRUPT = object()

    def __init__(self, cwd: Path, env: Dict[str, str]) -> None:
        from jupyter_client.manager import KernelManager

        self.manager = KernelManager(kernel_name="python3")
        self.manager.start_kernel(cwd=str(cwd), env=env)
        self.client = self.manager.client()
        self.client.start_channels()
        self.client.wait_for_ready(timeout=120)

    def execute(self, code: str, answer: Callable[[str], Any] = lambda prompt: "", timeout: float = 300) -> Execution:
        import queue
        import time

        result = Execution()
        msg_id = self.client.execute(code, allow_stdin=True, stop_on_error=False)
        deadline = time.monotonic() + timeout  # a guard against hanging, not a measurement
        idle = False
        while not idle:
            if time.monotonic() > deadline:
                raise AssertionError(f"the kernel did not finish within {timeout}s: {code[:200]!r}")
            try:
                request = self.client.get_stdin_msg(timeout=0.05)
            except queue.Empty:
                pass
            else:
                prompt = request["content"]["prompt"]
                result.prompts.append(prompt)
                reply = answer(prompt)
                if reply is Kernel.INTERRUPT:
                    self.manager.interrupt_kernel()
                else:
                    self.client.input(reply)
            try:
                msg = self.client.get_iopub_msg(timeout=0.05)
            except queue.Empty:
                continue
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            kind, content = msg["msg_type"], msg["content"]
            if kind == "stream":
                result.text += content["text"]
                if content["name"] == "stderr":
                    result.stderr += content["text"]
            elif kind == "error":
                result.errors.append(content["traceback"])
            elif kind in ("display_data", "execute_result"):
                result.mime_types.extend(content["data"])
            elif kind == "status" and content["execution_state"] == "idle":
                idle = True
        # The reply to *this* request: under load, wait_for_ready may have sent several kernel_info
        # requests before the kernel answered, and their late replies wait on the shell channel too
        # (taking the first message there once read a stale "ok" for an interrupted cell).
        while True:
            reply = self.client.get_shell_msg(timeout=max(0.1, deadline - time.monotonic()))
            if reply["parent_header"].get("msg_id") == msg_id:
                break
        result.status = reply["content"]["status"]
        return result

    def close(self) -> None:
        self.client.stop_channels()
        self.manager.shutdown_kernel(now=True)


class JupyterLabProcess:
    """``jupyter lab`` from this environment, serving ``root`` on a free loopback port with a token,
    its settings, workspaces and runtime files in ``state`` (nothing from the user's own Jupyter).
    ``env`` is the server's (and so the kernels') environment; default this process's. Stopped on
    exit, always."""

    def __init__(self, root: Path, state: Path, env: Optional[Dict[str, str]] = None) -> None:
        self.root = root
        self.state = state
        self.base_env = dict(os.environ if env is None else env)
        self.token = secrets.token_hex(16)
        self.proc: Optional[subprocess.Popen] = None
        self.url = ""

    def start(self, timeout: float = 120.0) -> JupyterLabProcess:
        import time

        for name in ("config/labconfig", "data", "runtime", "ipython", "workspaces"):
            (self.state / name).mkdir(parents=True, exist_ok=True)
        # No "get notified about Jupyter news?" toast over the notebook, and no request for news.
        (self.state / "config/labconfig/default_setting_overrides.json").write_text(
            json.dumps({"@jupyterlab/apputils-extension:notification": {"fetchNews": "false"}})
        )
        env = {
            **self.base_env,
            "JUPYTER_CONFIG_DIR": str(self.state / "config"),
            "JUPYTER_DATA_DIR": str(self.state / "data"),
            "JUPYTER_RUNTIME_DIR": str(self.state / "runtime"),
            "IPYTHONDIR": str(self.state / "ipython"),
        }
        args = [
            str(Path(sys.executable).parent / "jupyter"),
            "lab",
            "--no-browser",
            "--ServerApp.ip=127.0.0.1",
            "--ServerApp.port=0",
            "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={self.token}",
            f"--ServerApp.root_dir={self.root}",
            f"--LabServerApp.workspaces_dir={self.state / 'workspaces'}",
            "--LabApp.news_url=",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            "--LabApp.expose_app_in_browser=True",
        ]
        if os.geteuid() == 0:
            args.append("--allow-root")
        self.log = open(self.state / "jupyterlab.log", "wb")
        self.proc = subprocess.Popen(args, env=env, stdout=self.log, stderr=subprocess.STDOUT, cwd=self.root)
        deadline = time.monotonic() + timeout  # a guard against hanging, not a measurement
        while not self.url:
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise AssertionError("JupyterLab did not start:\n" + self.log_text()[-3000:])
            for info in (self.state / "runtime").glob(f"jpserver-{self.proc.pid}.json"):
                try:
                    self.url = json.loads(info.read_text())["url"].rstrip("/")
                except (ValueError, KeyError):
                    pass  # being written
            time.sleep(0.2)
        return self

    def log_text(self) -> str:
        return (self.state / "jupyterlab.log").read_text(errors="replace")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)  # shuts its kernels down too
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if getattr(self, "log", None) is not None:
            self.log.close()

    def __enter__(self) -> JupyterLabProcess:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
