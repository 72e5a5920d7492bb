"""``make site``: the course as a static website in ``site/``, every lesson with its real output.

1. Execute: every lesson listed in ``lessons/`` runs as a notebook in a real Jupyter kernel, offline
   (scripted model and human, no API key, stdin disabled), as CI runs it (``execute.py``). An executed
   notebook is kept in ``build/site/executed/`` and reused while its lesson, the package and the pins
   are unchanged; ``--fresh`` runs every lesson again.
2. Stage: ``build/site/src/`` gets the README as the home page, the guides in ``docs/`` and the
   executed lessons, each with a box saying how to run it (``stage.py``).
3. Render: Sphinx with myst-nb and the Furo theme (``conf.py``) writes the pages and the search index,
   and the result replaces ``site/``. Every asset is in the site: open ``site/index.html`` from disk,
   or serve the folder (``python -m http.server -d site``), with no network.

A lesson that fails stops the build after every lesson has run: each failure names the lesson, the
cell (and its line in ``lessons/NN_*.py``) and what it raised, and ``site/`` is left as it was. So does
a page Sphinx warns about (a broken link, for instance). Why this generator: docs/site.md.
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import sys
import time
from pathlib import Path
from typing import Optional, Sequence

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
# This checkout's package (a fresh clone's own, not the one the venv has installed in editable mode).
sys.path.insert(0, str(ROOT))

from execute import Lesson, LessonsFailed, execute_lessons  # noqa: E402 - tools/site/ is the script's folder
from stage import stage_site  # noqa: E402

__all__ = ["main", "render"]


def render(src: Path, out: Path, doctrees: Path) -> None:
    """Sphinx, with myst-nb and Furo, writes ``out`` from ``src``; any warning fails it, with Sphinx's words."""
    from sphinx.application import Sphinx
    from sphinx.util.docutils import docutils_namespace, patch_docutils

    warnings = io.StringIO()
    with patch_docutils(HERE), docutils_namespace():
        app = Sphinx(str(src), str(HERE), str(out), str(doctrees), "html", status=None, warning=warnings, freshenv=True)
        app.build(force_all=True)
    problems = [line for line in warnings.getvalue().splitlines() if line.strip()]
    if app.statuscode or problems:
        shown = "\n".join(f"  {line.replace(str(src) + os.sep, '')}" for line in problems) or "  (no warning)"
        raise SystemExit(f"make site: Sphinx could not render the site cleanly (pages in {src}):\n{shown}")


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(
        prog="make site", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--fresh", action="store_true", help="execute every lesson again, even unchanged ones")
    parser.add_argument(
        "--jobs", type=int, default=2 * (os.cpu_count() or 1), help="lessons run at once (default: two per core)"
    )
    parser.add_argument("--out", type=Path, default=ROOT / "site", help="where the site goes (default: site/)")
    args = parser.parse_args(argv)

    from hitl_modes.course.catalog import list_lessons
    from hitl_modes.course.notebooks import render_notebook

    work = ROOT / "build" / "site"
    scripts = list_lessons()
    if not scripts:
        print(f"make site: no lessons/NN_*.py in {ROOT}", file=sys.stderr)
        return 1
    lessons = [Lesson(script, render_notebook(script)) for script in scripts]
    start = time.perf_counter()
    print(f"make site: executing {len(lessons)} lessons offline, {min(args.jobs, len(lessons))} at a time", flush=True)
    try:
        executed = execute_lessons(lessons, ROOT, work / "executed", jobs=args.jobs, fresh=args.fresh)
    except LessonsFailed as failed:
        print(
            f"\nmake site: {len(failed.failures)} of {len(lessons)} lessons failed; site/ was not written.\n\n{failed}",
            file=sys.stderr,
        )
        return 1
    ran = time.perf_counter()
    stage_site(ROOT, work / "src", {lesson.stem: executed[lesson.stem] for lesson in lessons})
    html = work / "html"
    shutil.rmtree(html, ignore_errors=True)
    render(work / "src", html, work / "doctrees")
    if (html / "_sources").is_dir() and not any((html / "_sources").iterdir()):
        (html / "_sources").rmdir()  # Sphinx makes it even when it copies no source
    out = args.out.resolve()
    shutil.rmtree(out, ignore_errors=True)
    shutil.copytree(html, out)
    done = time.perf_counter()
    print(
        f"make site: {len(lessons)} lessons ({ran - start:.1f} s), rendered ({done - ran:.1f} s): "
        f"open {os.path.relpath(out / 'index.html')} or run `python -m http.server -d {os.path.relpath(out)}`"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
