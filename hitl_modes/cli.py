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

SIMULATE_HELP = """\
Run a scenario on AutoGen's real agents with a scripted model and a scripted human, offline.
A scenario is one of two shapes.

two agents: user_proxy.initiate_chat(assistant, message=task, max_turns=max_turns)
    {"mode": "TERMINATE", "task": "Write a haiku", "llm": ["draft TERMINATE", "better TERMINATE"],
     "human": ["make it rhyme", ""], "max_consecutive_auto_reply": 3}
  fields (all but llm optional):
  mode                     "NEVER", "TERMINATE" or "ALWAYS"; omitted/null: the proxy class's default
  task                     the first message (omitted: AutoGen asks the human for it)
  llm                      the assistant's replies, in order: strings, or
                           {"tool_call": {"name": "lookup", "arguments": {"q": "..."}}} (one tool call,
                           ids call_1, call_2, ... in order, no text; a function user_proxy
                           lacks gets AutoGen's own error result)
  human                    the human's replies, in order, or "console"; default []
  max_consecutive_auto_reply              user_proxy's limit, int >= 0; null: AutoGen's default
  assistant_max_consecutive_auto_reply    the assistant's own limit, int >= 0; null: its default
  max_turns                int >= 1 or null
  termination              substring that ends the chat for user_proxy; default "TERMINATE";
                           null: AutoGen's default check (exactly "TERMINATE")
  default_auto_reply       user_proxy's default_auto_reply; omitted: AutoGen's default
  code_execution           true: user_proxy runs code locally in a fresh temporary work dir
  proxy_class              "UserProxyAgent" (default) or "ConversableAgent" (llm_config=False)
  tools                    true: register lookup(q: str) -> "lookup result for {q}" (caller: assistant,
                           executor: user_proxy)
  --json prints one object: messages ({"name", "content"}, plus "tool_calls" [function names] and
  "tool_responses" [contents] where present), human_prompts, human_replies, llm_calls, stop_reason,
  stopped_by, stop_detail.

a group chat (it has an "agents" field): agents[0].initiate_chat(manager, message=task)
    {"task": "Write the release notes",
     "agents": [{"name": "boss", "kind": "human", "mode": "ALWAYS"},
                {"name": "writer", "kind": "assistant", "llm": ["Draft.", "Final. TERMINATE"]},
                {"name": "critic", "kind": "assistant", "llm": ["Shorter, please."]}],
     "speaker_selection_method": "auto", "selector": ["writer", "critic", "boss", "writer"],
     "max_round": 10, "human": ["Ship it when it is shorter."], "termination": "TERMINATE"}
  fields: task, agents (>= 2; kind "assistant" with llm, or "human" with mode; either may set
  max_consecutive_auto_reply and default_auto_reply), speaker_selection_method ("auto",
  "round_robin", "manual"; default "auto"), selector (the manager's model replies), max_round,
  allow_repeat_speaker, human (every prompt in order, members' and manual selection's), termination.
  --json prints one object: messages, human_prompts, human_replies, llm_calls (members'),
  selector_calls, stop_reason, stopped_by, stop_detail.

Exit codes: 0 ran; 2 invalid scenario (names the field); 3 a script ran out (llm, selector or human,
and when); 4 a console human was needed but stdin is not interactive.
"""


def _simulate(args: argparse.Namespace) -> int:
    from .chat.human import require_interactive_human
    from .course.group_scenario import is_group_scenario
    from .course.scenario import load_scenario, run_scenario, simulation_report
    from .errors import NoHumanAvailableError, ScenarioError, ScriptExhaustedError

    if is_group_scenario(args.scenario):  # a scenario with an "agents" field is a group chat
        return _simulate_group(args)
    try:
        scenario = load_scenario(args.scenario)
    except ScenarioError as e:
        print(f"hitl-modes simulate: invalid scenario: {e}", file=sys.stderr)
        return EXIT_INVALID
    try:
        if scenario.console_human:
            require_interactive_human(scenario.effective_mode)
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


def _simulate_group(args: argparse.Namespace) -> int:
    from .chat.human import require_interactive_human
    from .course.group_scenario import group_simulation_report, load_group_scenario, run_group_scenario
    from .errors import NoHumanAvailableError, ScenarioError, ScriptExhaustedError

    try:
        scenario = load_group_scenario(args.scenario)
    except ScenarioError as e:
        print(f"hitl-modes simulate: invalid scenario: {e}", file=sys.stderr)
        return EXIT_INVALID
    try:
        if scenario.console_human:
            require_interactive_human("ALWAYS" if scenario.can_ask_human else "NEVER")
        run, server, _, messages = run_group_scenario(scenario, quiet=args.json)
    except ScriptExhaustedError as e:
        print(f"hitl-modes simulate: the {e.kind} script ran out: {e}", file=sys.stderr)
        return EXIT_SCRIPT_RAN_OUT
    except NoHumanAvailableError as e:
        print(f"hitl-modes simulate: {e}", file=sys.stderr)
        return EXIT_NO_HUMAN
    if args.json:
        sys.stdout.write(json.dumps(group_simulation_report(run, server, messages)) + "\n")
    else:
        print("\n" + run.trace.timeline())
    return EXIT_OK


def _demo(args: argparse.Namespace) -> int:
    from .course.demo import run_demo

    return run_demo()


def _lessons(args: argparse.Namespace) -> int:
    from .course.lesson import list_lessons

    for script in list_lessons():
        number, _, name = script.stem.partition("_")
        print(f"{number}  {name.replace('_', ' ')}    lessons/{script.name}")
    return EXIT_OK


def _lesson(args: argparse.Namespace, rest: List[str]) -> int:
    from .course.demo import run_lesson_script
    from .course.lesson import list_lessons

    matches = [s for s in list_lessons() if s.stem.split("_", 1)[0].lstrip("0") == str(args.number).lstrip("0")]
    if not matches:
        known = ", ".join(s.stem.split("_", 1)[0] for s in list_lessons())
        print(f"hitl-modes lesson: no lesson {args.number}; the lessons are {known}", file=sys.stderr)
        return EXIT_INVALID
    return run_lesson_script(matches[0], rest)


def _notebooks(args: argparse.Namespace) -> int:
    from .course.notebooks import notebook_statuses, sync_notebooks

    if args.check:
        statuses = notebook_statuses()
        for s in statuses:
            if s.problem:
                print(s.message, file=sys.stderr)
            elif s.state != "fresh":
                print(f"note: {s.message}")
        return 1 if any(s.problem for s in statuses) else EXIT_OK
    for path in sync_notebooks():
        print(f"wrote {path}")
    return EXIT_OK


def _inbox(args: argparse.Namespace) -> int:
    from .inbox.server import InboxServer
    from .inbox.tokens import InboxTokenError

    try:
        InboxServer(args.db, host=args.host, port=args.port).serve_forever()
    except (OSError, InboxTokenError) as e:
        print(f"hitl-modes inbox: {e}", file=sys.stderr)
        return EXIT_INVALID
    return EXIT_OK


def _sandbox(rest: List[str]) -> int:
    from .sandbox.executors import main as sandbox_main

    return sandbox_main(rest)


def _run_notebook(rest: List[str]) -> int:
    from .notebook_runner.command import main as run_notebook_main

    return run_notebook_main(rest)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="hitl-modes", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sim = sub.add_parser(
        "simulate",
        help="run a scenario JSON file on AutoGen's real agents, offline",
        description=SIMULATE_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sim.add_argument("scenario", help="path to SCENARIO.json")
    sim.add_argument("--json", action="store_true", help="print one JSON object and nothing else")
    sim.set_defaults(func=_simulate)
    demo = sub.add_parser("demo", help="run every lesson offline and print each timeline")
    demo.set_defaults(func=_demo)
    lessons = sub.add_parser("lessons", help="list the lessons")
    lessons.set_defaults(func=_lessons)
    lesson = sub.add_parser(
        "lesson", help="run one lesson: hitl-modes lesson 3 [--live] [--human console] [--audit-log PATH]"
    )
    lesson.add_argument("number", type=int)
    lesson.set_defaults(func=None)
    nbs = sub.add_parser(
        "notebooks", help="regenerate notebooks/ from lessons/, restoring used ones (--check: fail on drift)"
    )
    nbs.add_argument("--check", action="store_true")
    nbs.set_defaults(func=_notebooks)
    inbox = sub.add_parser("inbox", help="serve the approval inbox: a web page where people decide chats' prompts")
    inbox.add_argument("--host", default="127.0.0.1", help="address to listen on (default: loopback only)")
    inbox.add_argument("--port", type=int, default=8765, help="port (default 8765; 0 picks a free one)")
    inbox.add_argument("--db", default="inbox.sqlite", help="SQLite file for prompts, decisions and the audit trail")
    inbox.set_defaults(func=_inbox)
    sandbox = sub.add_parser(
        "sandbox", help="the code sandbox's Docker engine and image: hitl-modes sandbox status|start-engine|build-image"
    )
    sandbox.set_defaults(func=None)
    run_nb = sub.add_parser(
        "run-notebook",
        add_help=False,  # --help reaches its own parser
        help="run a notebook offline, the model and the human from a script: run-notebook NB --script S",
    )
    run_nb.set_defaults(func=None)
    return parser


def main(argv: Optional[List[str]] = None) -> int:
    parser = build_parser()
    args, rest = parser.parse_known_args(argv)
    if args.command == "lesson":
        return _lesson(args, rest)  # the lesson parses its own switches (--live, --human, ...)
    if args.command == "sandbox":
        return _sandbox(rest)  # hitl_modes.sandbox.executors parses its own subcommands
    if args.command == "run-notebook":
        return _run_notebook(rest)  # hitl_modes.notebook_runner.command parses its own arguments
    if rest:
        parser.error(f"unrecognized arguments: {' '.join(rest)}")
    return int(args.func(args))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
