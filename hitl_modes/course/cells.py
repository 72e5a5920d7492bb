"""A lesson run as a script runs cell by cell, as its notebook does, so each section's heading and
lead print before the section's code runs (and its output lands under it).

:meth:`~hitl_modes.course.session.Course.setup` hands over the rest of the lesson file: the rest of
the setup cell, then each ``# %%`` cell in order, compiled with the file's own name and line numbers
(a traceback points at the lesson's line). A markdown cell prints its headings; at the end the
process exits, so the file's code never runs twice.

``hitl-modes exercises N`` sets ``HITL_EXERCISE_RUN=1``: the sections before ``## Exercises`` then
run quietly (their output is shown only when a cell fails), so the learner sees the checks of their
answers, not the whole lesson again. With a person as the human every section is shown.
"""

from __future__ import annotations

import ast
import contextlib
import io
import os
import sys
import traceback
from pathlib import Path
from typing import Any, Dict, Iterator, List, NoReturn, Optional, Tuple

from .outline import read_outline

__all__ = ["lesson_cells", "run_rest_of_lesson"]


def lesson_cells(lines: List[str]) -> List[Tuple[str, int, int]]:
    """(kind, first line, last line) of each ``# %%`` cell, 1-based and inclusive; kind is
    ``"markdown"`` or ``"code"``. Lines before the first marker (the jupytext header) are no cell."""
    starts = [
        (n, "markdown" if "[markdown]" in line else "code")
        for n, line in enumerate(lines, 1)
        if line.startswith("# %%")
    ]
    cells = []
    for i, (n, kind) in enumerate(starts):
        end = starts[i + 1][0] - 1 if i + 1 < len(starts) else len(lines)
        cells.append((kind, n, end))
    return cells


def _statement_at(tree: ast.Module, line: int) -> ast.stmt:
    for node in tree.body:
        if node.lineno <= line <= (node.end_lineno or node.lineno):
            return node
    raise ValueError(f"no top-level statement at line {line}")


def run_rest_of_lesson(path: Path, setup_line: int, namespace: Dict[str, Any], value: Any) -> NoReturn:
    """Run the lesson ``path`` from the statement after ``setup_line`` to its end, cell by cell, in
    ``namespace`` (the script's globals); then exit (status 1 on an error, with its traceback).
    ``value`` is what the setup statement returns: ``course = Course.setup(...)`` binds it first."""
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    setup = _statement_at(ast.parse(source, str(path)), setup_line)
    if isinstance(setup, ast.Assign):
        for target in setup.targets:
            if isinstance(target, ast.Name):
                namespace[target.id] = value
    resume = (setup.end_lineno or setup.lineno) + 1
    sections = read_outline(path).sections
    quiet = os.environ.get("HITL_EXERCISE_RUN") == "1" and not getattr(value, "person", False)
    for section in sections:  # the sections above the setup ("Running this lesson")
        if section.line < setup.lineno and not quiet:
            _print_heading(section)
    for kind, first, last in lesson_cells(lines):
        if last < resume:
            continue
        if kind == "markdown":
            for section in sections:
                if first <= section.line <= last:
                    quiet = quiet and section.heading.lower() != "exercises"
                    if not quiet:
                        _print_heading(section)
            continue
        start = max(first, resume)
        code = "\n" * (start - 1) + "\n".join(lines[start - 1 : last]) + "\n"
        shown = io.StringIO() if quiet else None
        try:
            with _quietly(shown):
                exec(compile(code, str(path), "exec"), namespace)
        except (SystemExit, KeyboardInterrupt):
            raise
        except BaseException as exc:
            from ..errors import HitlModesError

            if shown is not None:
                print(shown.getvalue(), end="")  # what led to the error
            if isinstance(exc, HitlModesError):
                raise  # the lesson's hook prints it as one line
            _print_lesson_traceback(exc, path)
            sys.stdout.flush()
            raise SystemExit(1) from None
    sys.stdout.flush()
    raise SystemExit(0)


@contextlib.contextmanager
def _quietly(buffer: Optional[io.StringIO]) -> Iterator[None]:
    """Send a cell's output to ``buffer`` (None: to the screen as usual)."""
    if buffer is None:
        yield
        return
    with contextlib.redirect_stdout(buffer), contextlib.redirect_stderr(buffer):
        yield


def _print_heading(section: Any) -> None:
    print(f"\n## {section.heading}")
    if section.heading.lower() in ("summary", "exercises"):
        print("\n".join(f"   {text}" for text in section.body.splitlines() if text.strip()))
    elif section.lead:
        print(f"   {section.lead}")


def _print_lesson_traceback(exc: BaseException, path: Path) -> None:
    """The traceback from the lesson's own line on (the runner's frames are not the lesson's)."""
    tb = exc.__traceback__
    while tb is not None and tb.tb_frame.f_code.co_filename != str(path):
        tb = tb.tb_next
    traceback.print_exception(type(exc), exc, tb or exc.__traceback__, file=sys.stderr)
