"""Run every lesson notebook offline in a real Jupyter kernel, as CI does, and keep the executed copies.

Each notebook is rendered from its lesson script (``hitl_modes.course.notebooks.render_notebook``, the
text ``notebooks/`` holds when it has not drifted) and executed with nbclient: stdin disabled, no API
key, the scripted model and human, each in a scratch folder of its own so a lesson's files (outboxes,
audit logs, SQLite inboxes) stay out of the checkout. A few run at once: a lesson mostly waits (on its
kernel's start-up, its servers, its sandbox), so more workers than cores still shorten the wall time.

An executed copy is reused while nothing it depends on changed: the notebook's text, every file of the
``hitl_modes`` package, ``requirements.txt`` and the Python version make its key. A lesson that fails is
named with the cell that failed (its index, the line of ``lessons/NN_*.py`` where that cell starts, its
first line) and what it raised; its notebook is not kept (its scratch folder and kernel log are, to look at).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Sequence

__all__ = ["Lesson", "LessonFailure", "LessonsFailed", "execute_lessons", "kernel_env", "cell_lines"]

#: Switches that would make a lesson ask a real model or a person: a site is always built offline.
LIVE_PREFIXES = ("HITL_", "OPENAI_", "OAI_")
#: How long one cell may run before the build calls the lesson failed.
CELL_TIMEOUT = 600
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


@dataclass(frozen=True)
class Lesson:
    """``lessons/NN_name.py`` and the text of its notebook (as ``make notebooks`` writes it)."""

    script: Path
    notebook: str

    @property
    def stem(self) -> str:
        return self.script.stem


@dataclass(frozen=True)
class LessonFailure:
    lesson: str
    message: str

    def __str__(self) -> str:
        return f"lesson {self.lesson} failed: {self.message}"


class LessonsFailed(Exception):
    """One or more lessons failed to run; ``failures`` names each with its cell."""

    def __init__(self, failures: Sequence[LessonFailure]) -> None:
        self.failures = list(failures)
        super().__init__("\n\n".join(str(f) for f in self.failures))


def kernel_env(root: Path) -> Dict[str, str]:
    """The environment a lesson's kernel runs in: offline (no live switch set), this checkout's package
    first on the path (a fresh clone's own ``hitl_modes``, not the one installed in the venv)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(LIVE_PREFIXES)}
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(root), os.environ.get("PYTHONPATH", "")) if p)
    # flaml, which autogen imports, warns about an AutoML extra no lesson uses (as `make demo` hides it).
    env["PYTHONWARNINGS"] = "ignore:flaml.automl is not available"
    return env


def cell_lines(script_text: str) -> List[int]:
    """The line (1-based) where each jupytext ``# %%`` cell of a lesson script starts."""
    return [i for i, line in enumerate(script_text.splitlines(), 1) if line.startswith("# %%")]


def inputs_digest(root: Path) -> str:
    """What every lesson's output depends on besides its own notebook: the package, the pins, Python."""
    digest = hashlib.sha256(sys.version.encode())
    for path in sorted((root / "hitl_modes").rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
    requirements = root / "requirements.txt"
    if requirements.exists():
        digest.update(requirements.read_bytes())
    return digest.hexdigest()


def cache_key(lesson: Lesson, inputs: str) -> str:
    return hashlib.sha256(inputs.encode() + lesson.notebook.encode()).hexdigest()


def _cached(path: Path, key: str) -> bool:
    try:
        return json.loads(path.read_text(encoding="utf-8"))["metadata"].get("hitl_site", {}).get("key") == key
    except (OSError, ValueError, KeyError):
        return False


def _describe_cell(lesson: Lesson, cells: list, index: int) -> str:
    """``cell 12 (lessons/03_always.py, line 120): `result = user_proxy.initiate_chat(...)` ``."""
    lines = cell_lines(lesson.script.read_text(encoding="utf-8"))
    where = f"lessons/{lesson.script.name}, line {lines[index]}" if len(lines) == len(cells) else ""
    source = next((line for line in cells[index].source.splitlines() if line.strip()), "")
    return f"cell {index + 1} of {len(cells)}" + (f" ({where})" if where else "") + f": `{source.strip()}`"


def _error_text(cell) -> str:
    for output in cell.get("outputs", []):
        if output.get("output_type") == "error":
            traceback = _ANSI.sub("", "\n".join(output.get("traceback", [])))
            return "\n".join(traceback.splitlines()[-12:])
    return ""


def _execute_one(lesson: Lesson, target: Path, workdir: Path, env: Dict[str, str], key: str) -> Optional[str]:
    """Run one notebook; write it to ``target`` and return None, or return why it failed (with its cell)."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    nb = nbformat.reads(lesson.notebook, as_version=4)
    running = {"index": -1}

    def on_cell_start(cell, cell_index):  # nbclient passes both, by name
        running["index"] = cell_index

    if workdir.exists():
        shutil.rmtree(workdir)
    workdir.mkdir(parents=True)
    client = NotebookClient(
        nb,
        timeout=CELL_TIMEOUT,
        kernel_name="python3",
        allow_errors=False,
        resources={"metadata": {"path": str(workdir)}},
        on_cell_start=on_cell_start,
    )
    kernel_log = workdir.parent / f"{lesson.stem}.kernel.log"
    with open(kernel_log, "wb") as log:
        try:
            # The kernel's own chatter (its "running over TCP" warning) goes to the log, not the build's output.
            client.execute(env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=log)
        except (CellExecutionError, CellTimeoutError, DeadKernelError) as error:
            index = running["index"]
            cell = _describe_cell(lesson, nb.cells, index) if index >= 0 else "before its first cell"
            detail = _error_text(nb.cells[index]) if index >= 0 else ""
            if not detail:
                detail = f"{type(error).__name__}: {str(error).strip().splitlines()[-1] if str(error).strip() else ''}"
            return f"{cell}\n{detail}\n(the kernel's log: {kernel_log})"
        except Exception as error:  # the kernel never started, for instance
            return f"before its first cell: {type(error).__name__}: {error}\n(the kernel's log: {kernel_log})"
    shutil.rmtree(workdir)  # what the lesson wrote (outboxes, audit logs, inboxes); a failed run's stays
    kernel_log.unlink()
    nb.metadata["hitl_site"] = {"key": key, "lesson": f"lessons/{lesson.script.name}"}
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".partial")
    nbformat.write(nb, str(partial))
    partial.replace(target)
    return None


def execute_lessons(
    lessons: Sequence[Lesson], root: Path, cache: Path, *, jobs: int, fresh: bool = False
) -> Dict[str, Path]:
    """Every lesson's executed notebook (``cache/NN_name.ipynb``), run now or reused; raises
    :class:`LessonsFailed` naming each lesson that failed, and its cell, after all have run."""
    env, inputs = kernel_env(root), inputs_digest(root)
    results: Dict[str, Path] = {}
    todo = []
    for lesson in lessons:
        target, key = cache / f"{lesson.stem}.ipynb", cache_key(lesson, inputs)
        if not fresh and _cached(target, key):
            print(f"  {lesson.stem}: unchanged, executed notebook reused", flush=True)
            results[lesson.stem] = target
        else:
            todo.append((lesson, target, key))
    for stale in cache.glob("*.ipynb"):  # a lesson renamed or removed since the last build
        if stale.stem not in {lesson.stem for lesson in lessons}:
            stale.unlink()
    failures = []
    if todo:
        with ProcessPoolExecutor(max_workers=max(1, min(jobs, len(todo)))) as pool:
            futures = [
                (lesson, target, pool.submit(_execute_one, lesson, target, cache / "run" / lesson.stem, env, key))
                for lesson, target, key in todo
            ]
            for lesson, target, future in futures:
                problem = future.result()
                if problem is None:
                    print(f"  {lesson.stem}: executed", flush=True)
                    results[lesson.stem] = target
                else:
                    print(f"  {lesson.stem}: FAILED", flush=True)
                    target.unlink(missing_ok=True)
                    failures.append(LessonFailure(lesson.stem, problem))
    if failures:
        raise LessonsFailed(failures)
    return results
