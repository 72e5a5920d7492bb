"""One run's surroundings: a temporary folder, the model server, a refusing proxy port and the kernel.

:class:`NotebookSession` is shared by replaying and recording. Entering it starts the server, writes the
``OAI_CONFIG_LIST`` file and starts the kernel, before the notebook is even read: the kernel's start-up
then overlaps the loading of nbformat and nbclient (most of what a replay costs beyond the notebook's
own code). Leaving it ends the kernel and everything it started, stops the server and removes the
folder: nothing of the run stays behind but the executed notebook, if one was asked for.
"""

from __future__ import annotations

import importlib.util
import json
import tempfile
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Sequence

from ..chat.server import ScriptedModelServer
from .kernel import KernelProcess, RefusingPort, kernel_env, write_config_list, write_small_ca_bundle

__all__ = ["NotebookSession", "autogen_extensions_folder"]


def autogen_extensions_folder() -> str:
    """Where AutoGen writes code run with no ``work_dir`` (``autogen/extensions`` in the installed
    package), found without importing AutoGen."""
    spec = importlib.util.find_spec("autogen")
    origin = spec.origin if spec is not None else None
    return str(Path(origin).parent / "extensions") if origin else "autogen/extensions"


class NotebookSession:
    """``with NotebookSession(folder, server, config_list, env) as session:`` ... ``session.execute(nb, ...)``."""

    def __init__(
        self,
        folder: Path,
        server: ScriptedModelServer,
        config_list: Sequence[Mapping[str, Any]],
        env: Optional[Mapping[str, str]] = None,
    ) -> None:
        self.folder = folder
        self.server = server
        self.config_list = list(config_list)
        self.env = dict(env or {})
        #: Every install command the notebook asked for and the prelude did not run.
        self.not_installed: List[Dict[str, Any]] = []
        self._events_read = 0
        self._noted_extensions = False

    def __enter__(self) -> NotebookSession:
        self._tmp = tempfile.TemporaryDirectory(prefix="hitl-run-notebook-")
        self.run_folder = Path(self._tmp.name)
        self.events = self.run_folder / "events.jsonl"
        self._refusing = RefusingPort()
        try:
            self.server.start()
            config = write_config_list(self.run_folder, self.server.base_url, self.config_list)
            env = kernel_env(
                self.server.base_url,
                config,
                refusing_proxy=self._refusing.url,
                ca_bundle=write_small_ca_bundle(self.run_folder),
                extra=self.env,
            )
            self.kernel = KernelProcess(self.folder, env, self.run_folder, self.events)
        except BaseException:
            self._close(None)
            raise
        return self

    def __exit__(self, *exc: Any) -> None:
        self._close(getattr(self, "kernel", None))

    def _close(self, kernel: Optional[KernelProcess]) -> None:
        try:
            if kernel is not None:
                kernel.kill()
        finally:
            self.server.stop()
            self._refusing.close()
            self._tmp.cleanup()

    def execute(
        self, nb: Any, answers: Any, *, timeline: Any, timeout: Optional[float], show_output: bool = False
    ) -> Any:
        """Run every cell of ``nb`` (in place) in the kernel; the cell that failed, or None."""
        from .execute import execute_notebook  # nbclient: only once the kernel is starting

        return execute_notebook(nb, self, answers, timeline=timeline, timeout=timeout, show_output=show_output)

    def after_cell(self, timeline: Any) -> None:
        """Put on the timeline what the prelude kept from changing during the cell that just ran."""
        for event in self._new_events():
            if event.get("event") == "not_installed":
                self.not_installed.append(event)
                timeline.add(
                    f"did not run `{event.get('command')}`: a replay never installs into the environment it runs "
                    f"in ({event.get('environment')})"
                )
        if not self._noted_extensions and (self.run_folder / "autogen-extensions").exists():
            self._noted_extensions = True
            timeline.add(
                "code ran with no work_dir: its files went to the run's own folder, not into AutoGen's package "
                f"({autogen_extensions_folder()})"
            )

    def _new_events(self) -> List[Dict[str, Any]]:
        try:
            lines = self.events.read_text(encoding="utf-8").splitlines()
        except OSError:
            return []
        new, self._events_read = lines[self._events_read :], len(lines)
        return [json.loads(line) for line in new if line.strip()]
