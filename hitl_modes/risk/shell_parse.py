"""Read a shell script the way a shell splits it: statements, words, wrappers peeled off.

Part of the shell reader (:mod:`hitl_modes.risk.shell` dispatches, :mod:`hitl_modes.risk.shell_tools`
analyses each tool): a script is split into simple commands (at ``;``, ``&&``, ``||``, ``|``,
newlines, ``$(``) outside quotes, each one is tokenised with :mod:`shlex`, and wrappers (``sudo``,
``env``, ``xargs``, ``nohup``, ``timeout``...) are peeled off; aliases and simple variables are
followed. The flag helpers let an analyser read options in any order.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field
from typing import Callable, Dict, Iterable, List, Optional, Sequence, Set, Tuple

__all__ = [
    "Statement",
    "split_statements",
    "shell_words",
    "ASSIGNMENT",
    "command_name",
    "Finding",
    "ShellContext",
    "Analyser",
    "registrar",
    "peel",
    "short_flags",
    "long_flags",
    "positionals",
    "is_dry_run",
]


@dataclass(frozen=True)
class Statement:
    """One simple command of a script, with where it sits in the text and what separated it from
    the command before it (``|`` means its input is piped in)."""

    text: str
    start: int
    end: int
    after: str


# -- splitting ---------------------------------------------------------------------------------
def split_statements(script: str) -> List[Statement]:
    """Split a script into simple commands, outside quotes, dropping ``#`` comments."""
    out: List[Statement] = []
    n = len(script)
    i = 0
    start = 0
    after = ""
    quote: Optional[str] = None
    buf: List[str] = []

    def flush(end: int) -> None:
        text = "".join(buf).strip()
        if text:
            out.append(Statement(text, start, end, after))
        buf.clear()

    while i < n:
        c = script[i]
        if quote:
            buf.append(c)
            if c == "\\" and quote == '"' and i + 1 < n:
                buf.append(script[i + 1])
                i += 2
                continue
            if c == quote:
                quote = None
            i += 1
            continue
        if c in "'\"":
            quote = c
            buf.append(c)
            i += 1
            continue
        if c == "\\" and i + 1 < n:
            if script[i + 1] == "\n":  # a line continuation joins the two lines
                buf.append(" ")
            else:
                buf.append(script[i : i + 2])
            i += 2
            continue
        if c == "#" and (i == 0 or script[i - 1] in " \t\n;|&("):
            while i < n and script[i] != "\n":
                i += 1
            continue
        two = script[i : i + 2]
        if two in ("&&", "||"):
            flush(i)
            after, i, start = two, i + 2, i + 2
            continue
        if c in "|;\n&()`":
            flush(i)
            after = "|" if c == "|" else c
            i += 1
            start = i
            continue
        buf.append(c)
        i += 1
    flush(n)
    return out


def shell_words(text: str) -> List[str]:
    """The words of one command, as a POSIX shell splits them (quotes removed)."""
    try:
        return shlex.split(text, posix=True)
    except ValueError:  # an unbalanced quote: fall back to whitespace, quotes stripped
        return [t.strip("'\"") for t in text.split()]


# -- peeling wrappers --------------------------------------------------------------------------
#: ``NAME=value``: a variable assignment, not a command.
ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
#: Commands that run the command that follows them; value: options that take a separate value.
_WRAPPERS: Dict[str, Tuple[str, ...]] = {
    "sudo": ("-u", "-g", "-h", "-p", "-C", "-U", "-r", "-t", "-T", "-D"),
    "doas": ("-u", "-C"),
    "env": ("-u", "-C", "-S", "--unset", "--chdir"),
    "nohup": (),
    "time": ("-f", "-o"),
    "nice": ("-n",),
    "ionice": ("-c", "-n", "-p"),
    "stdbuf": ("-i", "-o", "-e"),
    "exec": ("-a",),
    "command": (),
    "builtin": (),
    "then": (),
    "do": (),
    "else": (),
    "!": (),
    "{": (),
    "xargs": (
        "-I",
        "-i",
        "-n",
        "-P",
        "-d",
        "-L",
        "-s",
        "-E",
        "-a",
        "--max-args",
        "--max-procs",
        "--delimiter",
        "--arg-file",
        "--replace",
    ),
    "watch": ("-n", "-d", "--interval"),
    "parallel": ("-j", "--jobs"),
    "strace": ("-e", "-o", "-p", "-s"),
    "chronic": (),
    "caffeinate": (),
    "unbuffer": (),
}
_TIMEOUT = "timeout"


def command_name(word: str) -> str:
    """The command a word names: no path, no ``.exe``, lower case (``/usr/bin/RM`` gives ``rm``)."""
    word = word.lstrip("\\")
    word = word.rsplit("/", 1)[-1].rsplit("\\", 1)[-1].lower()
    return word[:-4] if word.endswith(".exe") else word


#: What an analyser says about a command: (category, what it does).
Finding = Tuple[str, str]


@dataclass
class ShellContext:
    """What reading one script has learned so far (aliases, variables), how it reads, and how to
    read a command nested in another (``bash -c '...'``, ``find -exec``): the dispatch in
    :mod:`hitl_modes.risk.shell` sets ``read_script`` and ``read_command``."""

    aliases: Dict[str, List[str]] = field(default_factory=dict)
    variables: Dict[str, str] = field(default_factory=dict)
    #: "script" (a shell code block), "string" (a string literal in other code), "prose" (a sentence)
    mode: str = "script"
    depth: int = 0
    #: True when this command's input is piped from the previous one
    after_pipe: bool = False
    read_script: Optional[Callable[[str, ShellContext], List[Finding]]] = None
    read_command: Optional[Callable[[List[str], ShellContext], List[Finding]]] = None

    def analyse_script(self, script: str) -> List[Finding]:
        """What a script nested in this command would do (nothing, without a dispatch)."""
        return self.read_script(script, self) if self.read_script else []

    def analyse_command(self, tokens: List[str]) -> List[Finding]:
        """What a command nested in this one would do (nothing, without a dispatch)."""
        return self.read_command(tokens, self) if self.read_command else []


#: An analyser reads one command's words (its name first) and says what it would do.
Analyser = Callable[[List[str], ShellContext], List[Finding]]


def registrar(table: Dict[str, Analyser]) -> Callable[..., Callable[[Analyser], Analyser]]:
    """A decorator that registers an analyser in ``table`` under the command names it reads:
    ``@analyser("rm", "rmdir")``."""

    def analyser(*names: str) -> Callable[[Analyser], Analyser]:
        def register(fn: Analyser) -> Analyser:
            for name in names:
                table[name] = fn
            return fn

        return register

    return analyser


def peel(tokens: List[str], ctx: ShellContext) -> List[str]:
    """Drop leading assignments and wrapper commands; expand aliases and simple variables."""
    expanded: Set[str] = set()
    for _ in range(12):
        if not tokens:
            return tokens
        head = tokens[0]
        if ASSIGNMENT.match(head):
            tokens = tokens[1:]
            continue
        if head.startswith("$") and ctx.mode == "script":
            name = head.strip("${}")
            if name in ctx.variables:
                tokens = shell_words(ctx.variables[name]) + tokens[1:]
                continue
            return tokens
        base = command_name(head)
        if base in ctx.aliases and ctx.mode == "script" and base not in expanded:
            expanded.add(base)  # an alias never expands itself twice
            tokens = ctx.aliases[base] + tokens[1:]
            continue
        if base == _TIMEOUT:
            rest = tokens[1:]
            while rest and rest[0].startswith("-"):
                rest = rest[2:] if rest[0] in ("-s", "-k", "--signal", "--kill-after") else rest[1:]
            tokens = rest[1:]  # the duration
            continue
        if base in _WRAPPERS:
            takes_value = _WRAPPERS[base]
            rest = tokens[1:]
            while rest and (rest[0].startswith("-") or (base == "env" and ASSIGNMENT.match(rest[0]))):
                if rest[0] == "--":
                    rest = rest[1:]
                    break
                rest = rest[2:] if rest[0] in takes_value else rest[1:]
            # xargs supplies the arguments: `ls | xargs rm` removes whatever ls printed
            tokens = rest + ["ARGS"] if base == "xargs" and rest else rest
            continue
        return tokens
    return tokens


# -- small helpers for analysers ---------------------------------------------------------------
def short_flags(tokens: Sequence[str]) -> str:
    """All single-dash letters: ``-rf -v`` gives ``rfv``."""
    return "".join(t[1:] for t in tokens if t.startswith("-") and not t.startswith("--") and len(t) > 1)


def long_flags(tokens: Sequence[str]) -> List[str]:
    """Every ``--option``, without its ``=value``, lower case."""
    return [t.split("=", 1)[0].lower() for t in tokens if t.startswith("--")]


def positionals(tokens: Sequence[str], takes_value: Iterable[str] = ()) -> List[str]:
    """Arguments that are not options, skipping the values of options in ``takes_value``."""
    takes = set(takes_value)
    out: List[str] = []
    skip = False
    for t in tokens:
        if skip:
            skip = False
            continue
        if t == "--":
            continue
        if t.startswith("-") and len(t) > 1:
            if t in takes:
                skip = True
            continue
        out.append(t)
    return out


_DRY_RUN_LONG = {"--dry-run", "--dryrun", "--dry_run", "--what-if", "--whatif", "--noop", "--simulate", "--check"}


def is_dry_run(tokens: Sequence[str]) -> bool:
    """True when an option asks only to show what would happen (``--dry-run``, ``-WhatIf``...)."""
    for t in tokens:
        low = t.lower()
        key, _, value = low.partition("=")
        if key in _DRY_RUN_LONG and value not in ("none", "false", "0", "no"):
            return True
        if low == "-whatif":
            return True
    return False
