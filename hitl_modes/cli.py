"""``hitl-modes`` / ``python -m hitl_modes``: simulate scenarios, run the demo and the lessons."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
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
        print(f"hitl-modes simulate: {_ran_out(e)}", file=sys.stderr)
        return EXIT_SCRIPT_RAN_OUT
    except NoHumanAvailableError:
        print(
            f'hitl-modes simulate: the scenario says "human": "console" and mode {scenario.effective_mode!r} asks '
            "the human, but nobody can type here (stdin is not a terminal: CI, a pipe, < /dev/null). Run it in "
            'a terminal, or give "human" a list of replies, such as ["make it rhyme", ""] ("" is Enter, "exit" '
            "ends the chat).",
            file=sys.stderr,
        )
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


def _ran_out(e: Exception) -> str:
    """A script that ran out, in the scenario's words: which list, which call, what to change."""
    kind, call = getattr(e, "kind", "?"), getattr(e, "call", 0)
    trace = getattr(e, "trace", None)
    if kind == "human":
        who, seen = "the human was asked", trace.human_prompts if trace is not None else []
        shown = f" The prompt was: {seen[-1].strip()!r}." if seen else ""
        fix = '("" is Enter, "exit" ends the chat), or set "human": "console" to type them yourself.'
    else:
        kind, who = "llm", "the model was called"
        seen = [m.content for m in trace.messages] if trace is not None else []
        shown = f" The last message it saw: {seen[-1]!r}." if seen else ""
        fix = 'or make the chat stop sooner ("max_turns", "max_consecutive_auto_reply", or a "termination" text).'
    replies = f"{call - 1} repl{'y' if call == 2 else 'ies'}"
    ran_out = f'the "{kind}" list ran out: {who} a {_nth(call)} time, but "{kind}" has {replies}.'
    return f'{ran_out}{shown} Add a reply to "{kind}" {fix}'


def _nth(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _demo(args: argparse.Namespace) -> int:
    from .course.demo import run_demo

    return run_demo()


def _lessons(args: argparse.Namespace) -> int:
    from .course.catalog import list_lessons
    from .course.outline import read_outline

    outlines = [(script, read_outline(script)) for script in list_lessons()]
    width = max((len(outline.title) for _, outline in outlines), default=0)
    for script, outline in outlines:
        print(f"{outline.number:>2}  {outline.title:<{width}}  lessons/{script.name}")
    print("\nRun one: hitl-modes lesson N   (hitl-modes lesson N --help lists its options)")
    print("Solve its exercises in your own copy: hitl-modes exercises N")
    return EXIT_OK


def _find(command: str, number: str) -> Optional[Path]:
    from .course.catalog import find_lesson, list_lessons

    script = find_lesson(number) if number.strip().isdigit() else None
    if script is None:
        known = ", ".join(str(int(s.stem.split("_", 1)[0])) for s in list_lessons())
        print(
            f"hitl-modes {command}: there is no lesson {number!r}; the lessons are {known} "
            "(hitl-modes lessons lists their titles)",
            file=sys.stderr,
        )
    return script


def _lesson(args: argparse.Namespace, rest: List[str]) -> int:
    from .course.demo import run_lesson_script

    script = _find("lesson", args.number)
    if script is None:
        return EXIT_INVALID
    return run_lesson_script(script, rest)  # the lesson parses its own switches, --help included


#: ``hitl-modes exercises N``: 1 while an exercise is not solved; this when the copy itself fails to run.
EXIT_COPY_FAILED = 5


def _exercise(args: argparse.Namespace, rest: List[str]) -> int:
    import json
    import tempfile

    from .course.demo import run_lesson_script
    from .course.workspace import working_copy

    script = _find("exercises", args.number)
    if script is None:
        return EXIT_INVALID
    number = int(script.stem.split("_", 1)[0])
    copy, written = working_copy(script)
    where = copy.relative_to(Path.cwd()) if copy.is_relative_to(Path.cwd()) else copy
    if written:
        print(f"Your copy of lesson {number}: {where} (and {where.with_suffix('.ipynb')} for Jupyter).")
        print("Edit the cells under '## Exercises' at its end; lessons/ stays the course's own copy.")
    whole = "--whole" in rest
    rest = [a for a in rest if a != "--whole"]
    print(
        f"Running {where}"
        + ("" if whole else " (the lesson's sections quietly; --whole shows them)")
        + ", then checking your answers.\n",
        flush=True,
    )
    with tempfile.TemporaryDirectory() as tmp:
        results_file = Path(tmp) / "results.json"
        env = {"HITL_EXERCISE_RESULTS": str(results_file), "HITL_EXERCISE_RUN": "0" if whole else "1"}
        code = run_lesson_script(copy, rest, env=env)
        results = json.loads(results_file.read_text(encoding="utf-8")) if results_file.exists() else []
    solved = sum(r["passed"] for r in results)
    if code:
        print(f"\nYour copy stopped with an error (exit {code}) before every check ran: fix it and run this again.")
        return EXIT_COPY_FAILED
    if not results:
        print(f"\nLesson {number}'s exercises have no check to run: compare your answers with the lesson's text.")
        return EXIT_OK
    print(f"\nLesson {number}: {solved} of {len(results)} checked exercises solved.")
    return EXIT_OK if solved == len(results) else 1


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
        "lesson",
        add_help=False,  # `hitl-modes lesson N --help` is the lesson's own help, with all its options
        help="run one lesson: hitl-modes lesson 3 [--live] [--human console|inbox] [--audit-log PATH] "
        "[--inbox-url URL] [--quiet]; hitl-modes lesson 3 --help lists them",
    )
    lesson.add_argument("number", help="the lesson's number (hitl-modes lessons lists them)")
    lesson.set_defaults(func=None)
    exercise = sub.add_parser(
        "exercises",
        aliases=["exercise"],
        add_help=False,
        help="lesson N's exercises, in your own copy: writes ./exercises/NN_*.py (once), runs it quietly and "
        "checks your answers (exit 1 until all are solved; --whole shows the whole lesson)",
    )
    exercise.add_argument("number", help="the lesson's number")
    exercise.set_defaults(func=None)
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
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] in (["lesson"], ["exercise"], ["exercises"]) and (len(argv) < 2 or argv[1].startswith("-")):
        from .course.catalog import list_lessons

        print(
            f"usage: hitl-modes {argv[0]} N [options]: N is the lesson's number, 1 to {len(list_lessons())}; "
            f"hitl-modes lessons lists them, hitl-modes {argv[0]} N --help lists the options",
            file=sys.stderr,
        )
        return EXIT_INVALID
    args, rest = parser.parse_known_args(argv)
    if args.command == "lesson":
        return _lesson(args, rest)  # the lesson parses its own switches (--live, --human, ...)
    if args.command in ("exercise", "exercises"):
        return _exercise(args, rest)
    if args.command == "sandbox":
        return _sandbox(rest)  # hitl_modes.sandbox.executors parses its own subcommands
    if args.command == "run-notebook":
        return _run_notebook(rest)  # hitl_modes.notebook_runner.command parses its own arguments
    if rest:
        parser.error(f"unrecognized arguments: {' '.join(rest)}")
    return int(args.func(args))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
