"""``pytest --hitl-notebooks``: every notebook with a replay script beside it is a test.

    pytest --hitl-notebooks notebooks/

collects each ``NAME.ipynb`` under the paths pytest collects that has ``NAME.replay.json`` (or
``.yaml``/``.yml``) beside it, and replays it as ``hitl-modes run-notebook NAME.ipynb --script ...``
would; a failure says the same thing the command says (exit code, problems, timeline). Nothing is
written beside the notebook. Loaded through ``hitl_modes.testing``; AutoGen and nbclient are imported
only when a notebook runs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator, List, Optional

import pytest

from ..errors import NotebookReplayError

__all__ = ["NotebookFile", "NotebookReplay", "replay_scripts_for"]

_SUFFIXES = (".json", ".yaml", ".yml")


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("hitl-modes")
    group.addoption(
        "--hitl-notebooks",
        action="store_true",
        help="replay each *.ipynb that has NAME.replay.json/.yaml beside it (hitl-modes run-notebook), as a test",
    )
    group.addoption(
        "--hitl-notebooks-timeout",
        type=float,
        default=600,
        metavar="SECONDS",
        help="seconds each notebook cell may run (default 600)",
    )


def replay_scripts_for(notebook: Path) -> List[Path]:
    """The replay scripts beside ``notebook`` (``NAME.replay.json``, ``.yaml``, ``.yml``)."""
    return [p for p in (notebook.with_name(f"{notebook.stem}.replay{s}") for s in _SUFFIXES) if p.is_file()]


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> Optional[pytest.Collector]:
    if file_path.suffix != ".ipynb" or not parent.config.getoption("hitl_notebooks", False):
        return None
    if file_path.name.endswith(".replayed.ipynb") or not replay_scripts_for(file_path):
        return None
    return NotebookFile.from_parent(parent, path=file_path)  # type: ignore[no-any-return]


class NotebookFile(pytest.File):
    """A notebook with its replay script(s): one test per script."""

    def collect(self) -> Iterator[pytest.Item]:
        for script in replay_scripts_for(self.path):
            yield NotebookReplay.from_parent(self, name=script.name, script=script)


class NotebookReplay(pytest.Item):
    """One replay: ``hitl-modes run-notebook NOTEBOOK --script SCRIPT``, in a real kernel."""

    def __init__(self, *, script: Path, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.script = script

    def runtest(self) -> None:
        from .runner import run_notebook

        timeout = self.config.getoption("hitl_notebooks_timeout", 600)
        run = run_notebook(self.path, self.script, output=None, timeout=timeout)
        if not run.ok:
            raise NotebookReplayError(run)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> Any:
        if isinstance(excinfo.value, NotebookReplayError):
            run = excinfo.value.run
            lines = [f"hitl-modes run-notebook {self.path.name} --script {self.script.name}: exit code {run.exit_code}"]
            lines += run.problems
            if run.timeline:
                lines += ["", "timeline:", *("  " + line for line in run.timeline)]
            return "\n".join(lines)
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self) -> Any:
        return self.path, None, f"{self.path.name} replayed with {self.script.name}"
