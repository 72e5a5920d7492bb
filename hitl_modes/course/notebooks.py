"""Lesson scripts are the one source; notebooks are generated from them with jupytext, one way.

``hitl-modes notebooks`` (``make notebooks``) regenerates ``notebooks/NN_*.ipynb`` and so also
restores a fresh copy of a notebook a learner has used. The notebooks carry no jupytext pairing:
opening, running, editing or saving one in Jupyter never writes ``lessons/``.

``--check`` fails on drift, the way nbdev's CI regenerates and fails on ``git diff``, but it compares
only what a learner reads and runs, each cell's type and source: outputs, execution counts, cell ids
and the kernel metadata Jupyter adds on save are not drift. A notebook whose cells a learner edited
(a solved exercise) is not drift either while the committed notebook still matches its lesson; it is
reported as a local edit. Notebooks are committed without outputs: CI runs every one.
"""

from __future__ import annotations

import functools
import json
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional, Tuple

from .catalog import lessons_dir, list_lessons

__all__ = [
    "notebook_path",
    "notebooks_dir",
    "render_notebook",
    "notebook_cells",
    "sync_notebooks",
    "NotebookStatus",
    "notebook_statuses",
    "drifted_notebooks",
]

#: What a learner reads and runs: (cell type, source) for every cell, in order.
Cells = List[Tuple[str, str]]


def notebooks_dir() -> Path:
    """The notebooks/ folder of this checkout."""
    return lessons_dir().parent / "notebooks"


def notebook_path(script: Path, directory: Optional[Path] = None) -> Path:
    return (directory or notebooks_dir()) / (script.stem + ".ipynb")


def render_notebook(script: Path) -> str:
    """The notebook text a lesson script produces: no outputs and no jupytext pairing metadata."""
    return _render(script.read_text(encoding="utf-8"))


@functools.lru_cache(maxsize=64)
def _render(source: str) -> str:
    """Rendering is a pure function of the script's text: each text is converted once per process
    (a drift check renders every lesson; the tests check the course many times)."""
    import jupytext

    nb = jupytext.reads(source, fmt="py:percent")
    # Without "formats" metadata jupytext's Jupyter extension does not pair the notebook with its
    # script, so saving the notebook in Jupyter can never rewrite the lesson.
    nb.metadata.pop("jupytext", None)
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{i:03d}"  # stable ids, so regenerating is byte-for-byte repeatable
    return jupytext.writes(nb, fmt="ipynb")


def notebook_cells(text: str) -> Cells:
    """The cells of a notebook's JSON text, as (type, source): what the drift check compares."""
    cells = json.loads(text).get("cells", [])
    return [(c.get("cell_type", ""), _source(c.get("source", ""))) for c in cells]


def _source(source: object) -> str:
    return "".join(source) if isinstance(source, list) else str(source)


def sync_notebooks(directory: Optional[Path] = None) -> List[Path]:
    """Write every notebook whose text differs from what its lesson produces (a used one included)."""
    written = []
    for script in list_lessons():
        target = notebook_path(script, directory)
        text = render_notebook(script)
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
            written.append(target)
    return written


@dataclass(frozen=True)
class NotebookStatus:
    """One notebook compared with its lesson.

    ``state``: ``fresh`` (same cells as the lesson; outputs do not count), ``edited`` (a learner's
    edits; the committed notebook matches the lesson), ``drifted``, ``missing``, ``extra`` (no lesson,
    not committed: a learner's own notebook) or ``orphan`` (committed, but no lesson).
    """

    name: str
    state: str
    message: str

    @property
    def problem(self) -> bool:
        return self.state in ("drifted", "missing", "orphan")


def _git(directory: Path, *args: str) -> Optional[str]:
    """Output of a git command run in ``directory``; None outside a repository or without git."""
    try:
        proc = subprocess.run(
            ["git", "-C", str(directory), *args], capture_output=True, text=True, encoding="utf-8", timeout=60
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return proc.stdout if proc.returncode == 0 else None


def notebook_statuses(directory: Optional[Path] = None) -> List[NotebookStatus]:
    """Compare every notebook in ``directory`` (default notebooks/) with its lesson script."""
    directory = directory or notebooks_dir()
    statuses = []
    scripts = list_lessons()
    for script in scripts:
        target = notebook_path(script, directory)
        name = target.name
        if not target.exists():
            statuses.append(NotebookStatus(name, "missing", f"{name} is missing: run `make notebooks`"))
            continue
        expected = notebook_cells(render_notebook(script))
        if notebook_cells(target.read_text(encoding="utf-8")) == expected:
            statuses.append(NotebookStatus(name, "fresh", f"{name} matches lessons/{script.name}"))
            continue
        committed = _git(directory, "show", f"HEAD:./{name}")
        if committed is not None and notebook_cells(committed) == expected:
            statuses.append(
                NotebookStatus(
                    name,
                    "edited",
                    f"{name} has your own edits (the committed copy matches lessons/{script.name}); "
                    "`make notebooks` restores a fresh copy",
                )
            )
        else:
            statuses.append(
                NotebookStatus(name, "drifted", f"{name} differs from lessons/{script.name}: run `make notebooks`")
            )
    expected_names = {notebook_path(s, directory).name for s in scripts}
    for nb in sorted(directory.glob("*.ipynb")):
        if nb.name in expected_names:
            continue
        if _git(directory, "ls-files", "--error-unmatch", nb.name) is not None:
            statuses.append(NotebookStatus(nb.name, "orphan", f"{nb.name} has no lesson script in lessons/"))
        elif _git(directory, "rev-parse", "--git-dir") is None:  # no repository to tell
            statuses.append(NotebookStatus(nb.name, "orphan", f"{nb.name} has no lesson script in lessons/"))
        else:
            statuses.append(NotebookStatus(nb.name, "extra", f"{nb.name} is your own notebook (not committed)"))
    return statuses


def drifted_notebooks(directory: Optional[Path] = None) -> List[str]:
    """Problems that make the notebooks differ from their lesson scripts (empty when none)."""
    return [s.message for s in notebook_statuses(directory) if s.problem]
