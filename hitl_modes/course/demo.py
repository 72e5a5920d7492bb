"""``make demo``: run every lesson offline and print, for each, who spoke and where the human was
asked. With no lessons present it runs the three modes on a built-in scenario."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Dict, List, Optional

from ..chat.trace import legend_text
from .catalog import list_lessons

__all__ = ["run_demo", "run_builtin_scenario", "run_lesson_script"]

BUILTIN = {
    "task": "Summarise the quarterly report in one line.",
    "llm": ["Draft: revenue grew. TERMINATE", "Revenue grew 12%, costs fell 3%. TERMINATE"],
}


def run_builtin_scenario() -> int:
    from .scenario import parse_scenario, run_scenario

    humans = {"NEVER": [], "TERMINATE": ["Add the numbers.", ""], "ALWAYS": ["Add the numbers.", ""]}
    for mode, human in humans.items():
        scenario = parse_scenario({**BUILTIN, "mode": mode, "human": human})
        run, _, _ = run_scenario(scenario, quiet=True)
        print(f"\n## human_input_mode={mode}\n{run.trace.timeline()}")
    return 0


def run_lesson_script(
    script: Path,
    args: List[str],
    *,
    quiet: bool = False,
    stdin: Optional[int] = None,
    env: Optional[Dict[str, str]] = None,
) -> int:
    env = {**os.environ, **(env or {})}
    # flaml, which autogen imports, warns about an AutoML extra no lesson uses: not the learner's concern.
    env.setdefault("PYTHONWARNINGS", "ignore:flaml.automl is not available")
    if quiet:
        env["HITL_QUIET"] = "1"
        env["HITL_NO_LEGEND"] = "1"  # the demo prints the legend once, on top
    with subprocess.Popen([sys.executable, str(script), *args], env=env, stdin=stdin) as proc:
        while True:
            try:
                return proc.wait()
            except KeyboardInterrupt:
                # Ctrl-C reaches the lesson too (one foreground process group): it says what the
                # interrupt stopped, in one line, so this process waits for it instead of a traceback.
                continue


def run_demo() -> int:
    lessons = list_lessons()
    if not lessons:
        return run_builtin_scenario()
    print(legend_text())
    failed = []
    for script in lessons:
        print(f"\n{'=' * 78}\n{script.name}\n{'=' * 78}", flush=True)
        code = run_lesson_script(script, [], quiet=True, stdin=subprocess.DEVNULL)
        if code:
            failed.append(f"{script.name} (exit {code})")
    print(f"\n{len(lessons) - len(failed)} of {len(lessons)} lessons ran offline.")
    print(
        "Exercises marked ○ are waiting for you: `hitl-modes exercises N` copies lesson N to ./exercises/, "
        "where you solve them (README: Exercises)."
    )
    if failed:
        print("Failed: " + ", ".join(failed), file=sys.stderr)
        return 1
    return 0
