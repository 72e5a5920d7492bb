"""Read shell commands the way a shell splits them, and say what each one would do to the world.

Regular expressions over a command line get flag order wrong (``rm -rf``, ``rm -fr``, ``rm -r -f``,
``rm --recursive --force``) and confuse ``git push -f`` with ``git push --follow-tags``. Here a
script is split into simple commands (at ``;``, ``&&``, ``||``, ``|``, newlines, ``$(``), each one is
tokenised with :mod:`shlex`, wrappers (``sudo``, ``env``, ``xargs``, ``nohup``...) are peeled off,
and the command's own arguments decide: the flags of ``curl`` decide its HTTP method, the
subcommand of ``kubectl`` decides whether it deploys or only reads.

Only what is written is seen: a command built at run time (``$CMD``, ``eval "$(...)"``, a script
file) is reported as opaque where that is visible, and otherwise missed. See the README.

Four modules: :mod:`~hitl_modes.risk.shell_parse` splits a script into statements and words and
peels wrappers off; :mod:`~hitl_modes.risk.shell_tools` (local tools) and
:mod:`~hitl_modes.risk.shell_remote` (clouds and the network) hold one analyser per tool; this one
dispatches each command to its analyser (:func:`find_command_risks`, :data:`KNOWN_TOOLS`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import List

from . import shell_remote, shell_tools
from .shell_parse import (
    ASSIGNMENT,
    Finding,
    ShellContext,
    Statement,
    command_name,
    is_dry_run,
    peel,
    positionals,
    shell_words,
    split_statements,
)
from .shell_tools import target_category

__all__ = ["CommandFinding", "find_command_risks", "KNOWN_TOOLS"]


@dataclass(frozen=True)
class CommandFinding:
    """One risky command: its category (see ``hitl_modes.risk.rule.CATEGORIES``), what it does, and
    the command as written."""

    category: str
    what: str
    command: str


#: Commands that only read or move around: a word like ``deploy`` among their arguments is a name.
_READ_ONLY = {
    "cd",
    "ls",
    "ll",
    "cat",
    "less",
    "more",
    "head",
    "tail",
    "grep",
    "egrep",
    "fgrep",
    "rg",
    "ag",
    "echo",
    "printf",
    "vim",
    "vi",
    "nano",
    "emacs",
    "code",
    "tree",
    "stat",
    "file",
    "wc",
    "diff",
    "man",
    "which",
    "type",
    "pwd",
    "mkdir",
    "touch",
    "cp",
    "open",
    "bat",
    "jq",
    "yq",
    "sed",
    "awk",
    "sort",
    "uniq",
    "cut",
    "tee",
    "export",
    "source",
    ".",
    "test",
    "[",
    "true",
    "false",
    "sleep",
    "date",
    "whoami",
    "id",
    "ps",
    "top",
    "df",
    "du",
    "history",
    "help",
    "python",
    "python3",
    "pytest",
    "pip",
    "pip3",
    "git",
    "docker",
    "kubectl",
    "helm",
    "terraform",
    "readlink",
    "realpath",
    "basename",
    "dirname",
    "find",
    "locate",
}


# -- driving -----------------------------------------------------------------------------------
#: Every analyser, by the command name it reads.
ANALYSERS = {**shell_tools.ANALYSERS, **shell_remote.ANALYSERS}
#: Command names the shell reader understands (its analysers), for finding commands inside prose.
KNOWN_TOOLS = frozenset(ANALYSERS)


def _analyse_tokens(tokens: List[str], ctx: ShellContext, after_pipe: bool = False) -> List[Finding]:
    inner = replace(ctx, depth=ctx.depth + 1, after_pipe=after_pipe)
    tokens = peel(list(tokens), inner)
    if not tokens:
        return []
    name = command_name(tokens[0])
    if name.startswith("mkfs."):
        name = "mkfs"
    analyser = ANALYSERS.get(name)
    found = analyser(tokens, inner) if analyser else []
    if analyser is None and ctx.mode == "script" and name not in _READ_ONLY:
        found = _generic_script_command(name, tokens)
    return found


def _generic_script_command(name: str, tokens: List[str]) -> List[Finding]:
    """In a shell block: ``./deploy.sh``, ``deploy-prod``, ``mytool deploy --env prod``."""
    if is_dry_run(tokens):
        return []
    if re.search(r"deploy|release|publish|destroy|teardown|nuke", name):
        return [(target_category(name), f"runs {tokens[0]!r}")]
    pos = [p.lower() for p in positionals(tokens[1:])]
    for word in pos[:2]:
        if word in ("deploy", "destroy", "teardown", "publish", "release"):
            return [(target_category(word), f"{name} {word}")]
    return []


_ALIAS = re.compile(r"^alias\s+([\w.-]+)=(.*)$", re.S)


def _analyse_script(script: str, ctx: ShellContext) -> List[Finding]:
    found: List[Finding] = []
    inner = replace(ctx, depth=ctx.depth + 1, after_pipe=False)
    for statement in split_statements(script):
        found += _statement_findings(statement, inner)
    return found


def _statement_findings(statement: Statement, ctx: ShellContext) -> List[Finding]:
    text = statement.text
    alias = _ALIAS.match(text)
    if alias and ctx.mode == "script":
        words = shell_words(alias.group(2))  # alias nuke='rm -rf' -> ['rm -rf']
        ctx.aliases[alias.group(1).lower()] = shell_words(words[0]) if words else []
        return []
    tokens = shell_words(text)
    if ctx.mode == "script" and tokens and all(ASSIGNMENT.match(t) for t in tokens):
        for t in tokens:
            name, _, value = t.partition("=")
            ctx.variables[name] = value
        return []
    return _analyse_tokens(tokens, ctx, after_pipe=statement.after == "|")


def find_command_risks(text: str, *, mode: str = "script") -> List[CommandFinding]:
    """What the commands in ``text`` would do.

    ``mode``: ``"script"`` for a shell code block (every statement is a command, aliases and simple
    variables are followed, an unknown command named like ``deploy`` counts); ``"string"`` for a
    string literal in other code (``os.system("rm -rf x")``); ``"prose"`` for a sentence, where a
    command name must be followed by a plausible argument.
    """
    if mode not in ("script", "string", "prose"):
        raise ValueError(f"mode must be 'script', 'string' or 'prose', got {mode!r}")
    ctx = ShellContext(mode=mode, read_script=_analyse_script, read_command=_analyse_tokens)
    out: List[CommandFinding] = []
    for statement in split_statements(text):
        for category, what in _statement_findings(statement, ctx):
            out.append(CommandFinding(category, what, statement.text))
    return out
