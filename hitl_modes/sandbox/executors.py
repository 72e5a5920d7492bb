"""Where generated code runs: ``make_executor("docker" | "local" | "auto", work_dir, timeout=...)``.

The classic tutorials pass ``use_docker: False`` and run whatever the model wrote on the learner's
own machine. Here the safe path is the easy one::

    executor = make_executor("auto", "coding", timeout=30)
    proxy = autogen.UserProxyAgent("proxy", code_execution_config={"executor": executor})

- ``"docker"``: an isolated container (see :class:`DockerSandboxExecutor`); a clear error, saying
  how to start an engine, when none answers.
- ``"local"``: this machine, with a human approval before each run unless waived.
- ``"auto"``: Docker when it can; otherwise local, with a loud warning and the approval.

From a shell (``make sandbox-engine``, ``make sandbox-image`` and CI use these)::

    hitl-modes sandbox status | start-engine | build-image [--force]
"""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path
from typing import Any, Optional, Sequence, Union

from autogen.coding.local_commandline_code_executor import LocalCommandLineCodeExecutor

from ..approvals.code_gate import ApprovalGate
from ..errors import SandboxFallbackWarning, SandboxUnavailableError
from .docker_executor import DockerSandboxExecutor
from .engine import HOW_TO_GET_AN_ENGINE, engine_problem, start_engine
from .image import SANDBOX_IMAGE, build_image

__all__ = ["make_executor", "LocalExecutor", "Executor", "EXECUTOR_KINDS", "main"]

EXECUTOR_KINDS = ("docker", "local", "auto")


class LocalExecutor(LocalCommandLineCodeExecutor):
    """AutoGen's local executor, with the same ``kind``/``where``/``stop``/``with`` as the sandbox."""

    kind = "local"

    @property
    def where(self) -> str:
        return (
            f"ON THIS MACHINE (no sandbox: it can read and change your files and use your network; cwd {self.work_dir})"
        )

    def stop(self) -> None:
        """Nothing to clean up: there is no container."""

    def __enter__(self) -> LocalExecutor:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()


Executor = Union[DockerSandboxExecutor, LocalExecutor, ApprovalGate]


def make_executor(
    kind: str,
    work_dir: Union[str, Path],
    timeout: int = 60,
    *,
    require_approval: Optional[bool] = None,
    image: str = SANDBOX_IMAGE,
    docker_host: Optional[str] = None,
) -> Executor:
    """An AutoGen 0.2 ``CodeExecutor`` for ``code_execution_config={"executor": ...}``.

    ``require_approval``: ``None`` (default) asks a human before each run exactly when code would
    run on this machine; ``True`` asks for Docker too; ``False`` waives it (say so in your code).
    ``docker_host`` names the engine (default: ``DOCKER_HOST`` or the local socket).
    """
    if kind not in EXECUTOR_KINDS:
        raise ValueError(f"unknown executor kind {kind!r}: choose one of {', '.join(map(repr, EXECUTOR_KINDS))}")
    if not isinstance(timeout, int) or timeout < 1:
        raise ValueError(f"timeout must be a whole number of seconds >= 1, got {timeout!r}")
    executor: Union[DockerSandboxExecutor, LocalExecutor]
    if kind == "docker":
        executor = DockerSandboxExecutor(work_dir, timeout, image=image, docker_host=docker_host)
    elif kind == "auto":
        try:
            executor = DockerSandboxExecutor(work_dir, timeout, image=image, docker_host=docker_host)
        except SandboxUnavailableError as e:
            executor = _local(work_dir, timeout)
            _warn_fallback(str(e), asks=require_approval is not False)
    else:
        executor = _local(work_dir, timeout)
    asks = require_approval if require_approval is not None else executor.kind == "local"
    return ApprovalGate(executor) if asks else executor


def _local(work_dir: Union[str, Path], timeout: int) -> LocalExecutor:
    path = Path(work_dir).resolve()
    path.mkdir(parents=True, exist_ok=True)
    return LocalExecutor(timeout=timeout, work_dir=path)


def _warn_fallback(reason: str, *, asks: bool) -> None:
    gate = (
        "A human must approve each run before it starts."
        if asks
        else "Approval was WAIVED (require_approval=False): code runs unchecked."
    )
    message = (
        f"No Docker sandbox: generated code will run ON THIS MACHINE, with your files and network. "
        f"{gate}\nWhy: {reason.splitlines()[0]}\n{HOW_TO_GET_AN_ENGINE}"
    )
    banner = "!" * 78
    print(f"{banner}\nWARNING: {message}\n{banner}", file=sys.stderr, flush=True)
    warnings.warn(message, SandboxFallbackWarning, stacklevel=3)


def main(argv: Optional[Sequence[str]] = None) -> int:
    """``hitl-modes sandbox status | start-engine | build-image [--force]``."""
    parser = argparse.ArgumentParser(
        prog="hitl-modes sandbox", description="The Docker engine and image behind make_executor('docker')."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("status", help="does an engine answer, and is the sandbox image there?")
    commands.add_parser("start-engine", help="start dockerd in the background when no engine answers (root)")
    build = commands.add_parser("build-image", help=f"build {SANDBOX_IMAGE} from Debian packages, unless present")
    build.add_argument("--force", action="store_true", help="rebuild even when the image is present")
    args = parser.parse_args(argv)
    try:
        if args.command == "status":
            return _status()
        if args.command == "start-engine":
            print(start_engine())
        else:
            build_image(force=args.force)
    except SandboxUnavailableError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    return 0


def _status() -> int:
    from .engine import engine_client
    from .image import image_present

    problem = engine_problem()
    if problem:
        print(f"engine: {problem}\n{HOW_TO_GET_AN_ENGINE}")
        return 1
    client = engine_client()
    present = image_present(client, SANDBOX_IMAGE)
    print(
        f"engine: answers ({client.version().get('Version', '?')})\n"
        f"image:  {SANDBOX_IMAGE} {'present' if present else 'MISSING: run `make sandbox-image`'}"
    )
    return 0 if present else 1
