"""``hitl-modes run-notebook``: the command line around :func:`run_notebook` and :func:`record_notebook`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import List, Optional

from .runner import DEFAULT_OUTPUT, EXIT_INVALID, EXIT_OK, NotebookRun

__all__ = ["main", "build_parser"]

_PROG = "hitl-modes run-notebook"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=_PROG,
        description="Run a classic-AutoGen notebook offline and unchanged: the model and the human answered "
        "from a script (exit codes: 0 ok, 1 a cell raised, 2 bad arguments or script, 3 the script and the "
        "notebook disagree).",
    )
    parser.add_argument("notebook", help="the notebook to run (NAME.ipynb); its folder is the working directory")
    how = parser.add_mutually_exclusive_group(required=True)
    how.add_argument("--script", help='replay: a JSON or YAML file {"model": [replies], "human": [answers]}')
    how.add_argument(
        "--record",
        metavar="SCRIPT",
        help="record: run once for real (your OPENAI_API_KEY/OPENAI_BASE_URL or OAI_CONFIG_LIST, you at this "
        "terminal) and write what was said to SCRIPT",
    )
    parser.add_argument("--output", help="where the executed notebook goes (default: NAME.replayed.ipynb beside it)")
    parser.add_argument("--timeout", type=float, default=600, help="seconds each cell may run (default 600)")
    return parser


def main(argv: Optional[List[str]] = None) -> int:
    args = build_parser().parse_args(argv)
    notebook = Path(args.notebook)
    if args.record:
        from .record import record_notebook

        print(f"{_PROG}: recording {notebook} to {args.record}: a real model answers, and you do", flush=True)
        run = record_notebook(
            notebook, args.record, output=args.output or DEFAULT_OUTPUT, timeout=args.timeout, echo=_echo
        )
        if run.exit_code != EXIT_INVALID:
            print(f"{_PROG}: wrote {args.record} ({run.model_calls} model replies, {run.human_prompts} human answers)")
    else:
        from .runner import run_notebook

        print(f"{_PROG}: {notebook} with {args.script}", flush=True)
        run = run_notebook(
            notebook, args.script, output=args.output or DEFAULT_OUTPUT, timeout=args.timeout, echo=_echo
        )
    return report(run)


def _echo(line: str) -> None:
    print("  " + line, flush=True)


def report(run: NotebookRun) -> int:
    """Print the verdict (problems on stderr) and return the exit code."""
    if run.exit_code == EXIT_INVALID:
        for problem in run.problems:
            print(f"{_PROG}: {problem}", file=sys.stderr)
        return run.exit_code
    summary = f"{run.model_calls} model replies, {run.human_prompts} human prompts"
    if run.output is not None:
        summary += f"; wrote {run.output}"
    print(f"{_PROG}: {summary}")
    for problem in run.problems:
        print(f"{_PROG}: {problem}", file=sys.stderr)
    if run.exit_code == EXIT_OK:
        print(f"{_PROG}: ok: every cell ran and every scripted reply and answer was used")
    return run.exit_code
