"""``hitl-modes`` / ``python -m hitl_modes``: simulate scenarios, run the demo and the lessons."""

from __future__ import annotations

import argparse
import json
import sys
from typing import List, Optional

__all__ = ["main", "EXIT_OK", "EXIT_INVALID", "EXIT_SCRIPT_RAN_OUT", "EXIT_NO_HUMAN"]

EXIT_OK = 0
EXIT_INVALID = 2
EXIT_SCRIPT_RAN_OUT = 3
EXIT_NO_HUMAN = 4


def _simulate(args: argparse.Namespace) -> int:
    from .errors import NoHumanAvailableError, ScenarioError, ScriptExhaustedError
    from .human import require_interactive_human
    from .scenario import load_scenario, run_scenario, simulation_report

    try:
        scenario = load_scenario(args.scenario)
    except ScenarioError as e:
        print(f"hitl-modes simulate: invalid scenario: {e}", file=sys.stderr)
        return EXIT_INVALID
    try:
        if scenario.console_human:
            require_interactive_human(scenario.mode)
        run, llm, _ = run_scenario(scenario, quiet=args.json)
    except ScriptExhaustedError as e:
        print(f"hitl-modes simulate: the {e.kind} script ran out: {e}", file=sys.stderr)
        return EXIT_SCRIPT_RAN_OUT
    except NoHumanAvailableError as e:
        print(f"hitl-modes simulate: {e}", file=sys.stderr)
        return EXIT_NO_HUMAN
    if args.json:
        sys.stdout.write(json.dumps(simulation_report(run, llm)) + "\n")
    else:
        print("\n" + run.trace.timeline())
    return EXIT_OK


def _demo(args: argparse.Namespace) -> int:
    from .demo import run_demo

    return run_demo()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="hitl-modes", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sim = sub.add_parser("simulate", help="run a scenario JSON file on AutoGen's real agents, offline")
    sim.add_argument("scenario", help="path to SCENARIO.json")
    sim.add_argument("--json", action="store_true", help="print one JSON object and nothing else")
    sim.set_defaults(func=_simulate)
    demo = sub.add_parser("demo", help="run every lesson offline and print each timeline")
    demo.set_defaults(func=_demo)
    return parser


def main(argv: Optional[List[str]] = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
