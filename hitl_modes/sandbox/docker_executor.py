"""An AutoGen 0.2 ``CodeExecutor`` that runs each code block in an isolated Docker container.

AutoGen's own ``DockerCommandLineCodeExecutor`` shares the host's network and hostname and cannot
be told otherwise (it builds its container inside ``__init__``), and it waits on ``docker exec``
with no bound of its own: code that ignores SIGTERM, or a process that slips out of the
``timeout`` command, keeps it waiting forever. So this executor builds its container through the
Docker SDK itself, with:

- its own hostname and ``--network none`` (only the loopback interface);
- only the work dir shared (read-write, at ``/workspace``); a read-only root file system and a
  private ``/tmp``; no capabilities, no privilege escalation, a cap on processes and memory;
- the host's user id, so files the code writes belong to the person who ran it;
- ``timeout --kill-after`` around every run (code that ignores SIGTERM is killed too); after a
  timeout the container is replaced, so nothing the code started in the background lives on; and
  a deadline on our side, so a wedged engine cannot keep an agent waiting forever;
- the container removed by :meth:`stop`, by ``with``, and at interpreter exit.

It keeps AutoGen's conventions (``# filename: x.py`` first lines, ``CommandLineCodeResult``,
exit code 124 and AutoGen's timeout message), so an agent cannot tell it from AutoGen's.
"""

from __future__ import annotations

import atexit
import os
import threading
import time
import uuid
from hashlib import md5
from pathlib import Path
from typing import TYPE_CHECKING, Any, Dict, List, Optional, Tuple, Union

from autogen.code_utils import TIMEOUT_MSG
from autogen.coding.base import CodeBlock, CodeExtractor, CommandLineCodeResult
from autogen.coding.markdown_code_extractor import MarkdownCodeExtractor
from autogen.coding.utils import _get_file_name_from_content, silence_pip

from ..errors import SandboxUnavailableError
from .engine import engine_client
from .image import SANDBOX_IMAGE, image_present

if TYPE_CHECKING:
    import docker

__all__ = ["DockerSandboxExecutor", "SANDBOX_HOSTNAME", "CONTAINER_WORK_DIR", "SANDBOX_LABEL"]

SANDBOX_HOSTNAME = "hitl-sandbox"
CONTAINER_WORK_DIR = "/workspace"
#: Every sandbox container carries this label, so leftovers can be found: ``docker ps -a --filter label=...``.
SANDBOX_LABEL = "org.hitl-modes.sandbox"

# Language -> (program, file suffix). The image has Python and the Debian shells, nothing else.
_PROGRAMS: Dict[str, Tuple[str, str]] = {
    "python": ("python", "py"),
    "bash": ("bash", "sh"),
    "sh": ("sh", "sh"),
    "shell": ("sh", "sh"),
}
_ALIASES = {"py": "python", "python3": "python", "console": "sh"}
# After `timeout` sends SIGTERM, code gets this long to exit before SIGKILL.
_KILL_AFTER_SECONDS = 2
# Our own deadline is the timeout plus this margin; only a wedged engine ever reaches it.
_DEADLINE_MARGIN_SECONDS = 15


class DockerSandboxExecutor:
    """Runs code blocks in a container from ``image`` (see :mod:`hitl_modes.sandbox.image`).

    Raises :class:`SandboxUnavailableError` when no engine answers or the image is missing,
    saying how to fix it. Use it with ``with``, or call :meth:`stop`, to remove the container.
    """

    kind = "docker"

    def __init__(
        self,
        work_dir: Union[str, Path],
        timeout: int = 60,
        *,
        image: str = SANDBOX_IMAGE,
        hostname: str = SANDBOX_HOSTNAME,
        docker_host: Optional[str] = None,
        memory: str = "512m",
        max_processes: int = 256,
    ) -> None:
        if not isinstance(timeout, int) or timeout < 1:
            raise ValueError(f"timeout must be a whole number of seconds >= 1, got {timeout!r}")
        self._timeout = timeout
        self._work_dir = Path(work_dir).resolve()
        self._work_dir.mkdir(parents=True, exist_ok=True)
        self._image = image
        self._hostname = hostname
        self._memory = memory
        self._max_processes = max_processes
        # Reads on the exec socket may legitimately stay silent for the whole timeout.
        self._client: docker.DockerClient = engine_client(docker_host, timeout=timeout + _DEADLINE_MARGIN_SECONDS + 30)
        if not image_present(self._client, image):
            raise SandboxUnavailableError(
                f"The sandbox image {image} is not present on this engine. Build it once (about a minute, "
                "from Debian packages): `make sandbox-image` (or `hitl-modes sandbox build-image`)."
            )
        self._container: Any = None
        self._lock = threading.Lock()
        self._start_container()
        atexit.register(self.stop)

    # -- what AutoGen calls ---------------------------------------------------------------------
    @property
    def code_extractor(self) -> CodeExtractor:
        return MarkdownCodeExtractor()

    def execute_code_blocks(self, code_blocks: List[CodeBlock]) -> CommandLineCodeResult:
        """Run the blocks in order, stopping at the first failure, as AutoGen's executors do."""
        if not code_blocks:
            raise ValueError("No code blocks to execute.")
        if self._container is None:
            raise RuntimeError("this sandbox was stopped; create a new executor with make_executor(...)")
        outputs: List[str] = []
        files: List[Path] = []
        exit_code = 0
        for block in code_blocks:
            lang = block.language.lower()
            lang = _ALIASES.get(lang, lang)
            if lang not in _PROGRAMS:
                outputs.append(f"Unsupported language {lang}: the sandbox runs {', '.join(sorted(_PROGRAMS))}.\n")
                exit_code = 1
                break
            program, suffix = _PROGRAMS[lang]
            code = silence_pip(block.code, lang)
            try:
                filename = _get_file_name_from_content(code, self._work_dir)
            except ValueError:
                outputs.append("Filename is not in the workspace")
                exit_code = 1
                break
            filename = filename or f"tmp_code_{md5(code.encode()).hexdigest()}.{suffix}"
            path = self._work_dir / filename
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(code, encoding="utf-8")
            files.append(path)
            exit_code, output = self._run(program, filename)
            outputs.append(output)
            if exit_code != 0:
                break
        return CommandLineCodeResult(
            exit_code=exit_code, output="".join(outputs), code_file=str(files[0]) if files else None
        )

    def restart(self) -> None:
        """A fresh container (the work dir, on the host, keeps its files)."""
        with self._lock:
            self._remove_container()
            self._start_container()

    # -- life cycle -----------------------------------------------------------------------------
    def stop(self) -> None:
        """Remove the container. Safe to call twice."""
        with self._lock:
            self._remove_container()
        atexit.unregister(self.stop)

    def __enter__(self) -> DockerSandboxExecutor:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    # -- what a learner may inspect -------------------------------------------------------------
    @property
    def timeout(self) -> int:
        return self._timeout

    @property
    def work_dir(self) -> Path:
        return self._work_dir

    @property
    def hostname(self) -> str:
        return self._hostname

    @property
    def container_id(self) -> Optional[str]:
        """The running container's id (None once stopped)."""
        return None if self._container is None else str(self._container.id)

    @property
    def where(self) -> str:
        """Where code runs, in words, for approval prompts and lesson output."""
        return (
            f"in the Docker sandbox (container {self._hostname}, image {self._image}: no network, "
            f"only {self._work_dir} shared)"
        )

    def __repr__(self) -> str:
        return (
            f"DockerSandboxExecutor(work_dir={str(self._work_dir)!r}, timeout={self._timeout}, image={self._image!r})"
        )

    # -- internals ------------------------------------------------------------------------------
    def _start_container(self) -> None:
        import docker

        name = f"hitl-sandbox-{uuid.uuid4().hex[:12]}"
        try:
            self._container = self._create_container(name)
        except docker.errors.APIError as e:  # e.g. an engine without cgroup limits (some rootless set-ups)
            try:  # created but not started: do not leave it behind
                self._client.containers.get(name).remove(force=True)
            except docker.errors.APIError:  # NotFound included: nothing was created
                pass
            raise SandboxUnavailableError(
                f"the Docker engine answers but would not start a sandbox container from {self._image}: "
                f"{e.explanation or e}"
            ) from e

    def _create_container(self, name: str) -> Any:
        return self._client.containers.run(
            self._image,
            # docker-init as PID 1 reaps the zombies a killed run leaves behind; sleep keeps it up.
            command=["sleep", "infinity"],
            init=True,
            detach=True,
            name=name,
            hostname=self._hostname,
            network_mode="none",
            volumes={str(self._work_dir): {"bind": CONTAINER_WORK_DIR, "mode": "rw"}},
            working_dir=CONTAINER_WORK_DIR,
            user=f"{os.getuid()}:{os.getgid()}",
            environment={"HOME": "/tmp"},
            read_only=True,
            tmpfs={"/tmp": "rw,nosuid,nodev,size=64m"},
            cap_drop=["ALL"],
            security_opt=["no-new-privileges"],
            pids_limit=self._max_processes,
            mem_limit=self._memory,
            labels={SANDBOX_LABEL: "1"},
        )

    def _remove_container(self) -> None:
        import docker

        container, self._container = self._container, None
        if container is None:
            return
        try:
            container.remove(force=True)
        except docker.errors.NotFound:
            pass

    def _run(self, program: str, filename: str) -> Tuple[int, str]:
        command = ["timeout", f"--kill-after={_KILL_AFTER_SECONDS}", str(self._timeout), program, filename]
        done: Dict[str, Any] = {}

        def run() -> None:
            try:
                done["result"] = self._container.exec_run(command, workdir=CONTAINER_WORK_DIR)
            except Exception as e:  # reported below, in the caller's thread
                done["error"] = e

        worker = threading.Thread(target=run, name="hitl-sandbox-exec", daemon=True)
        started = time.monotonic()
        worker.start()
        deadline = self._timeout + _KILL_AFTER_SECONDS + _DEADLINE_MARGIN_SECONDS
        worker.join(deadline)
        if worker.is_alive():  # the engine itself stopped answering: never wait on it forever
            raise SandboxUnavailableError(
                f"the Docker engine did not finish a run limited to {self._timeout}s within {deadline}s. "
                "Check it with `docker info`; executor.restart() starts a fresh container."
            )
        if "error" in done:
            raise SandboxUnavailableError(f"running code in the sandbox failed: {done['error']}") from done["error"]
        exit_code = int(done["result"].exit_code)
        output = done["result"].output.decode("utf-8", errors="replace")
        # 124: stopped by SIGTERM; 137 after the timeout: it ignored SIGTERM and was killed.
        if exit_code == 124 or (exit_code == 137 and time.monotonic() - started >= self._timeout):
            # Whatever the code started in the background (even in a new session) goes too.
            self.restart()
            return 124, (
                f"{output}\n{TIMEOUT_MSG}: stopped after {self._timeout}s; the sandbox container was "
                "replaced, so nothing it started keeps running (files in the work dir are kept)."
            )
        return exit_code, output
