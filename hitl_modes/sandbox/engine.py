"""The Docker engine behind the sandbox: is one answering, and starting one when it is not.

The sandbox never guesses: an engine either answers a ``ping`` within a few seconds or it is
unavailable, and the error then says how to get one. Starting ``dockerd`` is offered only where it
can work (the binary is installed and we are root), because that is what CI and a fresh
development container have; anywhere else the message tells the person what to run.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import time
from pathlib import Path
from typing import TYPE_CHECKING, Optional

from ..errors import SandboxUnavailableError

if TYPE_CHECKING:  # the docker SDK is imported only when the sandbox is used
    import docker

__all__ = [
    "HOW_TO_GET_AN_ENGINE",
    "engine_client",
    "engine_problem",
    "start_engine",
    "why_engine_cannot_start",
    "DOCKERD_LOG",
]

#: Where :func:`start_engine` sends dockerd's output (read it when the engine will not start).
DOCKERD_LOG = Path(os.environ.get("HITL_DOCKERD_LOG", "/var/log/hitl-modes-dockerd.log"))

HOW_TO_GET_AN_ENGINE = (
    "To get a Docker engine on Debian/Ubuntu, as root:\n"
    "    apt-get install -y docker.io debootstrap\n"
    "    make sandbox-engine        # starts dockerd in the background (or: systemctl start docker)\n"
    "then build the sandbox image once (from Debian packages, no Docker Hub needed):\n"
    "    make sandbox-image\n"
    "Or use make_executor('local', ...): code then runs on this machine, after a human approves each run."
)


def _engine_address(docker_host: Optional[str]) -> str:
    return docker_host or os.environ.get("DOCKER_HOST") or "unix:///var/run/docker.sock"


def engine_client(docker_host: Optional[str] = None, *, timeout: int = 10) -> docker.DockerClient:
    """A client for the engine at ``docker_host`` (default: ``DOCKER_HOST`` or the local socket)
    that has answered a ping. Raises :class:`SandboxUnavailableError` saying how to get one."""
    import docker
    import requests

    address = _engine_address(docker_host)
    try:
        if docker_host:
            client = docker.DockerClient(base_url=docker_host, timeout=timeout)
        else:
            client = docker.from_env(timeout=timeout)
        client.ping()
    except (docker.errors.DockerException, requests.exceptions.RequestException, OSError) as e:
        raise SandboxUnavailableError(
            f"No Docker engine answers at {address} ({_short(e)}).\n{HOW_TO_GET_AN_ENGINE}"
        ) from e
    return client


def engine_problem(docker_host: Optional[str] = None) -> Optional[str]:
    """``None`` when an engine answers, otherwise why not (one line)."""
    try:
        engine_client(docker_host, timeout=5).close()
    except SandboxUnavailableError as e:
        return str(e).splitlines()[0]
    return None


def why_engine_cannot_start() -> Optional[str]:
    """``None`` when :func:`start_engine` could start a local ``dockerd`` here, otherwise why not."""
    if os.environ.get("DOCKER_HOST"):
        return (
            f"DOCKER_HOST={os.environ['DOCKER_HOST']} names an engine that cannot be started from here. "
            "Start that engine, or unset DOCKER_HOST to use a local one."
        )
    if shutil.which("dockerd") is None:
        return f"dockerd is not installed.\n{HOW_TO_GET_AN_ENGINE}"
    if os.geteuid() != 0:
        return (
            "dockerd is installed but not running, and starting it needs root: run `sudo make sandbox-engine` "
            "(or `sudo systemctl start docker`)."
        )
    return None


def start_engine(wait_seconds: float = 60.0) -> str:
    """Make sure the local engine answers, starting ``dockerd`` in the background if needed.

    Returns what it did. Raises :class:`SandboxUnavailableError` when no engine can be started
    here (dockerd not installed, not root, or DOCKER_HOST names another machine)."""
    if engine_problem() is None:
        return "a Docker engine is already running"
    cannot = why_engine_cannot_start()
    if cannot:
        raise SandboxUnavailableError(cannot)
    dockerd = str(shutil.which("dockerd"))
    # Two processes (pytest workers, CI and a developer) may try at once: one starts, the other waits.
    DOCKERD_LOG.parent.mkdir(parents=True, exist_ok=True)
    with open(DOCKERD_LOG.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if engine_problem() is None:
            return "a Docker engine was started by another process"
        with open(DOCKERD_LOG, "ab") as log:
            # A new session, so the engine outlives this process and its terminal.
            proc = subprocess.Popen([dockerd], stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True)
        deadline = time.monotonic() + wait_seconds
        while time.monotonic() < deadline:
            if engine_problem() is None:
                return f"started dockerd (pid {proc.pid}, log {DOCKERD_LOG})"
            if proc.poll() is not None:
                break
            time.sleep(0.5)
    tail = DOCKERD_LOG.read_text(errors="replace").splitlines()[-15:]
    state = (
        f"exited with code {proc.returncode}" if proc.poll() is not None else f"did not answer in {wait_seconds:.0f}s"
    )
    raise SandboxUnavailableError(f"dockerd {state}. Last lines of {DOCKERD_LOG}:\n" + "\n".join(tail))


def _short(error: BaseException) -> str:
    text = str(error).strip() or type(error).__name__
    return text if len(text) <= 200 else text[:200] + "..."
