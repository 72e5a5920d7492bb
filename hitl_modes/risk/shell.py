"""Read shell commands the way a shell splits them, and say what each one would do to the world.

Regular expressions over a command line get flag order wrong (``rm -rf``, ``rm -fr``, ``rm -r -f``,
``rm --recursive --force``) and confuse ``git push -f`` with ``git push --follow-tags``. Here a
script is split into simple commands (at ``;``, ``&&``, ``||``, ``|``, newlines, ``$(``), each one is
tokenised with :mod:`shlex`, wrappers (``sudo``, ``env``, ``xargs``, ``nohup``...) are peeled off,
and the command's own arguments decide: the flags of ``curl`` decide its HTTP method, the
subcommand of ``kubectl`` decides whether it deploys or only reads.

Only what is written is seen: a command built at run time (``$CMD``, ``eval "$(...)"``, a script
file) is reported as opaque where that is visible, and otherwise missed. See docs/risk-policy.md.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field
from typing import Callable, Dict, Iterable, List, Optional, Sequence, Set, Tuple

__all__ = ["CommandFinding", "Statement", "split_statements", "find_command_risks", "KNOWN_TOOLS"]


@dataclass(frozen=True)
class CommandFinding:
    """One risky command: its category (see ``hitl_modes.risk.policy.CATEGORIES``), what it does, and
    the command as written."""

    category: str
    what: str
    command: str


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


def _tokens(text: str) -> List[str]:
    try:
        return shlex.split(text, posix=True)
    except ValueError:  # an unbalanced quote: fall back to whitespace, quotes stripped
        return [t.strip("'\"") for t in text.split()]


# -- peeling wrappers --------------------------------------------------------------------------
_ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
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


def _basename(word: str) -> str:
    word = word.lstrip("\\")
    word = word.rsplit("/", 1)[-1].rsplit("\\", 1)[-1].lower()
    return word[:-4] if word.endswith(".exe") else word


@dataclass
class _Context:
    aliases: Dict[str, List[str]] = field(default_factory=dict)
    variables: Dict[str, str] = field(default_factory=dict)
    #: "script" (a shell code block), "string" (a string literal in other code), "prose" (a sentence)
    mode: str = "script"
    depth: int = 0
    #: True when this command's input is piped from the previous one
    after_pipe: bool = False


def _peel(tokens: List[str], ctx: _Context) -> List[str]:
    """Drop leading assignments and wrapper commands; expand aliases and simple variables."""
    expanded: Set[str] = set()
    for _ in range(12):
        if not tokens:
            return tokens
        head = tokens[0]
        if _ASSIGNMENT.match(head):
            tokens = tokens[1:]
            continue
        if head.startswith("$") and ctx.mode == "script":
            name = head.strip("${}")
            if name in ctx.variables:
                tokens = _tokens(ctx.variables[name]) + tokens[1:]
                continue
            return tokens
        base = _basename(head)
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
            while rest and (rest[0].startswith("-") or (base == "env" and _ASSIGNMENT.match(rest[0]))):
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
def _short_flags(tokens: Sequence[str]) -> str:
    """All single-dash letters: ``-rf -v`` gives ``rfv``."""
    return "".join(t[1:] for t in tokens if t.startswith("-") and not t.startswith("--") and len(t) > 1)


def _long_flags(tokens: Sequence[str]) -> List[str]:
    return [t.split("=", 1)[0].lower() for t in tokens if t.startswith("--")]


def _positionals(tokens: Sequence[str], takes_value: Iterable[str] = ()) -> List[str]:
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


def _is_dry_run(tokens: Sequence[str]) -> bool:
    for t in tokens:
        low = t.lower()
        key, _, value = low.partition("=")
        if key in _DRY_RUN_LONG and value not in ("none", "false", "0", "no"):
            return True
        if low == "-whatif":
            return True
    return False


Finding = Tuple[str, str]  # (category, what)
Analyser = Callable[[List[str], _Context], List[Finding]]
_ANALYSERS: Dict[str, Analyser] = {}


def _analyser(*names: str) -> Callable[[Analyser], Analyser]:
    def register(fn: Analyser) -> Analyser:
        for name in names:
            _ANALYSERS[name] = fn
        return fn

    return register


_PROSE_NOT_AN_ARGUMENT = {
    "command",
    "commands",
    "utility",
    "tool",
    "binary",
    "program",
    "flag",
    "flags",
    "option",
    "options",
    "is",
    "was",
    "and",
    "or",
    "in",
    "on",
    "with",
    "manual",
    "man",
    "page",
    "itself",
    "alias",
    "call",
    "calls",
}


def _has_target(tokens: List[str], ctx: _Context) -> bool:
    args = [t for t in tokens[1:] if t not in ("--help", "--version", "-h")]
    if not args:
        return False
    return not (ctx.mode == "prose" and args[0].lower().strip(",.") in _PROSE_NOT_AN_ARGUMENT)


# -- files and data ----------------------------------------------------------------------------
@_analyser("rm", "remove-item", "ri", "rmdir", "unlink", "shred", "srm", "wipe", "trash-empty")
def _rm(tokens: List[str], ctx: _Context) -> List[Finding]:
    if not _has_target(tokens, ctx):
        return []
    name = _basename(tokens[0])
    flags = _short_flags(tokens[1:]).lower()
    longs = _long_flags(tokens[1:])
    recursive = "r" in flags or "--recursive" in longs or "-recurse" in (t.lower() for t in tokens)
    force = "f" in flags or "--force" in longs or "-force" in (t.lower() for t in tokens)
    how = ", ".join(w for w, on in (("recursively", recursive), ("without asking", force)) if on)
    return [("delete_files", f"{name} deletes files{' ' + how if how else ''}")]


@_analyser("del", "erase", "rd")
def _windows_del(tokens: List[str], ctx: _Context) -> List[Finding]:
    # `del x` is also Python: only the cmd.exe forms (/s /q /f switches, wildcards, drive paths) count.
    args = tokens[1:]
    cmd_like = any(re.fullmatch(r"/[a-zA-Z]", a) for a in args) or any(
        "*" in a or re.match(r"^[a-zA-Z]:\\", a) or "\\" in a for a in args
    )
    if cmd_like and (_basename(tokens[0]) != "rd" or any(a.lower() == "/s" for a in args)):
        return [("delete_files", f"{_basename(tokens[0])} deletes files")]
    return []


@_analyser("find")
def _find(tokens: List[str], ctx: _Context) -> List[Finding]:
    found: List[Finding] = []
    if "-delete" in tokens:
        found.append(("delete_files", "find -delete deletes every file it matches"))
    for i, t in enumerate(tokens):
        if t in ("-exec", "-execdir", "-ok", "-okdir"):
            sub: List[str] = []
            for u in tokens[i + 1 :]:
                if u in (";", "\\;", "+"):
                    break
                sub.append(u)
            found += [(c, f"find -exec: {w}") for c, w in _analyse_tokens(sub, ctx)]
    return found


@_analyser("truncate")
def _truncate(tokens: List[str], ctx: _Context) -> List[Finding]:
    if any(t in ("-s", "--size") or t.startswith("--size=") or t.startswith("-s") for t in tokens[1:]):
        return [("delete_data", "truncate empties or cuts files")]
    return []


@_analyser("dd")
def _dd(tokens: List[str], ctx: _Context) -> List[Finding]:
    if any(t.startswith("of=/dev/") for t in tokens[1:]):
        return [("system", "dd overwrites a disk device")]
    return []


@_analyser("mkfs", "mke2fs", "wipefs", "sgdisk", "format", "diskpart")
def _disk(tokens: List[str], ctx: _Context) -> List[Finding]:
    if _basename(tokens[0]) == "format" and not any(re.fullmatch(r"[a-zA-Z]:", t) for t in tokens[1:]):
        return []
    if len(tokens) < 2 and _basename(tokens[0]) != "diskpart":
        return []
    return [("system", f"{_basename(tokens[0])} erases a disk or partition")]


@_analyser("shutdown", "reboot", "halt", "poweroff")
def _power(tokens: List[str], ctx: _Context) -> List[Finding]:
    if ctx.mode == "prose" and len(tokens) == 1:
        return []
    return [("system", f"{_basename(tokens[0])} takes the machine down")]


@_analyser("systemctl", "service")
def _services(tokens: List[str], ctx: _Context) -> List[Finding]:
    args = [t.lower() for t in _positionals(tokens[1:])]
    stopping = {"stop", "restart", "disable", "mask", "kill", "poweroff", "reboot", "halt", "isolate", "kexec"}
    if any(a in stopping for a in args):
        return [("system", f"{_basename(tokens[0])} stops services or the machine")]
    return []


@_analyser("crontab")
def _crontab(tokens: List[str], ctx: _Context) -> List[Finding]:
    return [("delete_data", "crontab -r deletes every scheduled job")] if "r" in _short_flags(tokens[1:]) else []


@_analyser("userdel", "deluser", "groupdel", "delgroup", "dropdb", "dropuser")
def _drop_accounts(tokens: List[str], ctx: _Context) -> List[Finding]:
    return (
        [("delete_data", f"{_basename(tokens[0])} deletes accounts or databases")] if _has_target(tokens, ctx) else []
    )


@_analyser("mysqladmin")
def _mysqladmin(tokens: List[str], ctx: _Context) -> List[Finding]:
    return [("delete_data", "mysqladmin drop deletes a database")] if "drop" in [t.lower() for t in tokens] else []


@_analyser("redis-cli")
def _redis(tokens: List[str], ctx: _Context) -> List[Finding]:
    words = {t.lower() for t in tokens[1:]}
    if words & {"flushall", "flushdb", "del", "unlink"}:
        return [("delete_data", "redis-cli deletes keys")]
    return []


@_analyser("iptables", "ip6tables", "nft")
def _firewall(tokens: List[str], ctx: _Context) -> List[Finding]:
    if {"-F", "--flush", "flush"} & set(tokens[1:]):
        return [("system", "flushes the firewall rules")]
    return []


# -- git ---------------------------------------------------------------------------------------
_GIT_GLOBAL_VALUE = ("-C", "-c", "--git-dir", "--work-tree", "--namespace", "--exec-path")
_DEPLOY_REMOTES = {"heroku", "production", "prod", "live", "dokku", "deploy", "azure", "pantheon", "platform"}


@_analyser("git")
def _git(tokens: List[str], ctx: _Context) -> List[Finding]:
    rest = tokens[1:]
    while rest and rest[0].startswith("-"):
        rest = rest[2:] if rest[0] in _GIT_GLOBAL_VALUE else rest[1:]
    if not rest:
        return []
    sub, args = rest[0].lower(), rest[1:]
    flags = _short_flags(args)
    longs = _long_flags(args)
    if sub == "push":
        dry = "n" in flags or "--dry-run" in longs
        pos = _positionals(args, ("-o", "--push-option", "--repo", "--receive-pack", "--exec"))
        found: List[Finding] = []
        if (
            "f" in flags
            or any(f in longs for f in ("--force", "--force-with-lease", "--force-if-includes"))
            or any(p.startswith("+") for p in pos[1:])
        ):
            found.append(("force_push", "git push --force rewrites the remote branch's history"))
        if "--mirror" in longs or "--prune" in longs:
            found.append(("force_push", "git push --mirror/--prune overwrites or deletes remote branches"))
        if "d" in flags or "--delete" in longs or any(p.startswith(":") and len(p) > 1 for p in pos[1:]):
            found.append(("force_push", "git push --delete deletes a remote branch"))
        if pos and pos[0].lower() in _DEPLOY_REMOTES:
            found.append(("deploy", f"git push {pos[0]} deploys"))
        return [] if dry else found
    if sub == "reset" and "--hard" in longs:
        return [("delete_data", "git reset --hard discards uncommitted work")]
    if sub == "clean" and ("f" in flags or "--force" in longs) and not ("n" in flags or "--dry-run" in longs):
        return [("delete_files", "git clean -f deletes untracked files")]
    if sub == "branch" and ("D" in flags or ("--delete" in longs and "--force" in longs)):
        return [("delete_data", "git branch -D deletes a branch that may not be merged")]
    if sub in ("filter-branch", "filter-repo"):
        return [("force_push", f"git {sub} rewrites history")]
    if sub == "stash" and args and args[0] in ("drop", "clear"):
        return [("delete_data", f"git stash {args[0]} deletes stashed work")]
    return []


# -- containers, clusters, clouds --------------------------------------------------------------
@_analyser("docker", "podman", "nerdctl")
def _docker(tokens: List[str], ctx: _Context) -> List[Finding]:
    pos = _positionals(
        tokens[1:], ("-H", "--host", "--context", "-c", "--config", "-f", "--file", "-p", "--project-name")
    )
    words = [p.lower() for p in pos]
    if not words:
        return []
    name = _basename(tokens[0])
    if words[0] in ("rm", "rmi", "prune") or (
        len(words) > 1
        and words[0] in ("container", "image", "volume", "network", "system", "builder")
        and words[1] in ("rm", "prune", "remove")
    ):
        return [("delete_data", f"{name} {' '.join(words[:2])} deletes containers, images or volumes")]
    if words[0] == "compose":
        return _compose(["docker-compose"] + tokens[tokens.index(pos[0]) + 1 :], ctx)
    if words[0] == "push":
        return [("deploy", f"{name} push publishes an image")]
    if words[0] in ("stack", "service") and len(words) > 1 and words[1] in ("deploy", "up", "update", "rm"):
        return [("deploy", f"{name} {words[0]} {words[1]} changes running services")]
    if words[0] == "exec" and ctx.depth < 4:
        inner = _positionals(tokens[tokens.index(pos[0]) + 1 :], ("-u", "--user", "-w", "--workdir", "-e", "--env"))
        return _analyse_tokens(inner[1:], ctx)
    return []


@_analyser("docker-compose")
def _compose(tokens: List[str], ctx: _Context) -> List[Finding]:
    pos = [p.lower() for p in _positionals(tokens[1:], ("-f", "--file", "-p", "--project-name"))]
    if "down" in pos and ("v" in _short_flags(tokens[1:]) or "--volumes" in _long_flags(tokens[1:])):
        return [("delete_data", "compose down -v deletes the volumes and their data")]
    return []


_KUBECTL_VALUE = (
    "-n",
    "--namespace",
    "--context",
    "--kubeconfig",
    "-f",
    "--filename",
    "-l",
    "--selector",
    "-o",
    "--output",
    "-c",
    "--container",
    "--cluster",
    "--user",
    "-s",
    "--server",
    "--token",
    "--image",
    "--replicas",
    "--type",
    "--port",
    "-k",
    "--kustomize",
    "--as",
    "--field-selector",
    "--timeout",
)
_KUBECTL_DEPLOY = {
    "apply",
    "create",
    "replace",
    "patch",
    "scale",
    "set",
    "edit",
    "drain",
    "cordon",
    "taint",
    "label",
    "annotate",
    "expose",
    "run",
    "autoscale",
    "rollout",
}
_KUBECTL_DESTROY = {"delete"}


@_analyser("kubectl", "oc", "k")
def _kubectl(tokens: List[str], ctx: _Context) -> List[Finding]:
    pos = _positionals(tokens[1:], _KUBECTL_VALUE)
    if not pos or _is_dry_run(tokens):
        return []
    sub = pos[0].lower()
    name = _basename(tokens[0])
    if sub == "rollout" and (len(pos) < 2 or pos[1].lower() in ("status", "history")):
        return []
    if sub in _KUBECTL_DESTROY:
        return [("destroy_infra", f"{name} delete removes cluster resources")]
    if sub in _KUBECTL_DEPLOY:
        return [("deploy", f"{name} {sub} changes what runs in the cluster")]
    if sub == "exec" and "--" in tokens and ctx.depth < 4:
        return _analyse_tokens(tokens[tokens.index("--") + 1 :], ctx)
    return []


@_analyser("helm")
def _helm(tokens: List[str], ctx: _Context) -> List[Finding]:
    pos = _positionals(tokens[1:], ("-n", "--namespace", "--kube-context", "-f", "--values", "--set", "--version"))
    if not pos or _is_dry_run(tokens):
        return []
    sub = pos[0].lower()
    if sub in ("uninstall", "delete", "del", "un"):
        return [("destroy_infra", f"helm {sub} removes a release")]
    if sub in ("install", "upgrade", "rollback"):
        return [("deploy", f"helm {sub} deploys a release")]
    return []


@_analyser("terraform", "tofu", "terragrunt")
def _terraform(tokens: List[str], ctx: _Context) -> List[Finding]:
    pos = [p.lower() for p in _positionals(tokens[1:], ("-var", "-var-file", "-target", "-chdir"))]
    if not pos:
        return []
    name = _basename(tokens[0])
    if pos[0] == "destroy" or (pos[0] == "apply" and "-destroy" in tokens):
        return [("destroy_infra", f"{name} destroy deletes the infrastructure it manages")]
    if pos[0] == "apply":
        return [("deploy", f"{name} apply changes real infrastructure")]
    if pos[0] == "state" and len(pos) > 1 and pos[1] in ("rm", "push"):
        return [("destroy_infra", f"{name} state {pos[1]} edits what {name} believes exists")]
    return []


def _subcommand_tool(deploy: Sequence[str], destroy: Sequence[str], value_opts: Sequence[str] = ()) -> Analyser:
    def analyse(tokens: List[str], ctx: _Context) -> List[Finding]:
        pos = [p.lower() for p in _positionals(tokens[1:], value_opts)]
        if _is_dry_run(tokens):
            return []
        name = _basename(tokens[0])
        for p in pos[:3]:
            word = p.split(":", 1)[0] if ":" in p else p
            if p in destroy or word in destroy:
                return [("destroy_infra", f"{name} {p} destroys infrastructure")]
            if p in deploy or word in deploy:
                return [("deploy", f"{name} {p} deploys")]
        return []

    return analyse


_ANALYSERS["pulumi"] = _subcommand_tool(("up", "update"), ("destroy",), ("-s", "--stack", "-C", "--cwd"))
_ANALYSERS["cdk"] = _subcommand_tool(("deploy",), ("destroy",))
_ANALYSERS["serverless"] = _ANALYSERS["sls"] = _subcommand_tool(("deploy",), ("remove",))
_ANALYSERS["sam"] = _subcommand_tool(("deploy",), ("delete",))
_ANALYSERS["eb"] = _subcommand_tool(("deploy", "swap"), ("terminate",))
_ANALYSERS["fly"] = _ANALYSERS["flyctl"] = _subcommand_tool(("deploy", "scale"), ("destroy",))
_ANALYSERS["firebase"] = _subcommand_tool(("deploy",), ())
_ANALYSERS["netlify"] = _subcommand_tool(("deploy",), ())
_ANALYSERS["heroku"] = _subcommand_tool(
    ("releases:rollback", "ps:scale", "container:release"),
    ("apps:destroy", "destroy", "pg:reset", "addons:destroy"),
    ("-a", "--app"),
)
_ANALYSERS["cap"] = _ANALYSERS["mina"] = _ANALYSERS["dep"] = _subcommand_tool(("deploy",), ())
_ANALYSERS["doctl"] = _subcommand_tool(("create-deployment",), ("delete",))


@_analyser("vercel")
def _vercel(tokens: List[str], ctx: _Context) -> List[Finding]:
    pos = [p.lower() for p in _positionals(tokens[1:], ("--token", "--scope", "-t", "-S"))]
    if pos and pos[0] in ("rm", "remove"):
        return [("destroy_infra", "vercel rm deletes deployments")]
    if "--prod" in tokens or (pos and pos[0] == "deploy") or (not pos and ctx.mode == "script"):
        return [("deploy", "vercel deploys")]
    return []


@_analyser("gcloud")
def _gcloud(tokens: List[str], ctx: _Context) -> List[Finding]:
    pos = [
        p.lower()
        for p in _positionals(
            tokens[1:], ("--project", "--region", "--zone", "--format", "--image", "--source", "--config")
        )
    ]
    if _is_dry_run(tokens):
        return []
    if "delete" in pos or "rm" in pos[:3]:
        return [("destroy_infra", "gcloud ... delete deletes cloud resources")]
    if "deploy" in pos or {"create", "update"} & set(pos) and "deployments" in pos:
        return [("deploy", "gcloud ... deploy deploys")]
    return []


@_analyser("az")
def _az(tokens: List[str], ctx: _Context) -> List[Finding]:
    pos = [
        p.lower()
        for p in _positionals(
            tokens[1:],
            ("-g", "--resource-group", "-n", "--name", "--subscription", "-l", "--location", "--template-file"),
        )
    ]
    if "delete" in pos or "delete-batch" in pos:
        return [("destroy_infra", "az ... delete deletes Azure resources")]
    if "deploy" in pos or "up" in pos or ("deployment" in pos and "create" in pos):
        return [("deploy", "az ... deploys")]
    return []


_AWS_DEPLOY = {
    "deploy",
    "create-stack",
    "update-stack",
    "execute-change-set",
    "update-service",
    "update-function-code",
    "publish-version",
    "create-deployment",
    "update-environment",
}
_AWS_SEND = {
    "send-email",
    "send-raw-email",
    "send-templated-email",
    "send-bulk-templated-email",
    "publish",
    "send-message",
    "send-text-message",
}


@_analyser("aws")
def _aws(tokens: List[str], ctx: _Context) -> List[Finding]:
    pos = [
        p.lower()
        for p in _positionals(
            tokens[1:], ("--profile", "--region", "--output", "--query", "--endpoint-url", "--bucket", "--key")
        )
    ]
    if len(pos) < 2 or _is_dry_run(tokens):
        return []
    service, op = pos[0], pos[1]
    if service == "s3":
        if op in ("rm", "rb"):
            return [("delete_files", f"aws s3 {op} deletes objects or buckets")]
        if op == "sync" and "--delete" in _long_flags(tokens):
            return [("delete_files", "aws s3 sync --delete deletes objects at the destination")]
        return []
    if op.startswith(("delete-", "terminate-", "remove-", "deregister-", "purge-")):
        return [("destroy_infra", f"aws {service} {op} deletes cloud resources")]
    if op in _AWS_SEND and service in ("ses", "sesv2", "sns", "sqs", "pinpoint", "pinpoint-sms-voice"):
        return [("send_email", f"aws {service} {op} sends a message")]
    if op in _AWS_DEPLOY:
        return [("deploy", f"aws {service} {op} deploys")]
    return []


@_analyser("gsutil")
def _gsutil(tokens: List[str], ctx: _Context) -> List[Finding]:
    pos = [p.lower() for p in _positionals(tokens[1:])]
    if pos and pos[0] in ("rm", "rb"):
        return [("delete_files", f"gsutil {pos[0]} deletes objects or buckets")]
    if pos and pos[0] == "rsync" and "d" in _short_flags(tokens[1:]):
        return [("delete_files", "gsutil rsync -d deletes objects at the destination")]
    return []


@_analyser("rclone")
def _rclone(tokens: List[str], ctx: _Context) -> List[Finding]:
    pos = [p.lower() for p in _positionals(tokens[1:])]
    if _is_dry_run(tokens) or "n" in _short_flags(tokens[1:]) or not pos:
        return []
    if pos[0] in ("delete", "deletefile", "purge", "rmdir", "rmdirs", "sync", "cleanup"):
        return [("delete_files", f"rclone {pos[0]} deletes files")]
    return []


@_analyser("rsync")
def _rsync(tokens: List[str], ctx: _Context) -> List[Finding]:
    longs = _long_flags(tokens[1:])
    if _is_dry_run(tokens) or "n" in _short_flags(tokens[1:]):
        return []
    if any(f.startswith("--delete") for f in longs) or "--remove-source-files" in longs:
        return [("delete_files", "rsync --delete deletes files at the destination")]
    pos = _positionals(tokens[1:], ("-e", "--rsh", "--exclude", "--include", "--filter", "-f"))
    if len(pos) > 1 and ":" in pos[-1] and _PRODUCTION_HOST.search(pos[-1].split(":", 1)[0]):
        return [("deploy", "rsync copies files onto a production host")]
    return []


_PRODUCTION_HOST = re.compile(r"(?:^|[@.\-_])(?:prod|production|live)(?:[.\-_:\d]|$)", re.I)


@_analyser("scp", "mv")
def _copy_to(tokens: List[str], ctx: _Context) -> List[Finding]:
    """``mv x /dev/null`` deletes; ``scp build/ deploy@prod:/var/www`` deploys by hand."""
    pos = _positionals(tokens[1:], ("-P", "-i", "-o", "-F", "-l", "-S", "-J", "-t", "--target-directory"))
    if len(pos) < 2:
        return []
    name = _basename(tokens[0])
    if pos[-1] == "/dev/null":
        return [("delete_files", f"{name} to /dev/null throws the files away")]
    if name == "scp" and ":" in pos[-1] and _PRODUCTION_HOST.search(pos[-1].split(":", 1)[0]):
        return [("deploy", "scp copies files onto a production host")]
    return []


@_analyser("ansible-playbook")
def _ansible_playbook(tokens: List[str], ctx: _Context) -> List[Finding]:
    if _is_dry_run(tokens) or "-C" in tokens:
        return []
    return [("deploy", "ansible-playbook changes the hosts it targets")] if len(tokens) > 1 else []


# -- publishing and build targets --------------------------------------------------------------
_RISKY_TARGET = re.compile(r"deploy|release|publish|ship|rollout|destroy|teardown|tear-down|nuke")


def _target_category(word: str) -> str:
    return "destroy_infra" if re.search(r"destroy|teardown|tear-down|nuke", word) else "deploy"


@_analyser("npm", "yarn", "pnpm", "bun")
def _js_package(tokens: List[str], ctx: _Context) -> List[Finding]:
    pos = [
        p.lower() for p in _positionals(tokens[1:], ("--tag", "--access", "--otp", "--registry", "-w", "--workspace"))
    ]
    if not pos or _is_dry_run(tokens):
        return []
    name = _basename(tokens[0])
    if pos[0] == "publish":
        return [("deploy", f"{name} publish publishes a package")]
    if pos[0] == "unpublish":
        return [("delete_data", f"{name} unpublish deletes a published package")]
    script = pos[1] if pos[0] in ("run", "run-script") and len(pos) > 1 else pos[0]
    if _RISKY_TARGET.search(script):
        return [(_target_category(script), f"{name} runs the {script!r} script")]
    return []


@_analyser("twine", "flit", "hatch", "poetry", "uv", "cargo", "gem", "mvn", "gradle", "gradlew", "dotnet", "gh", "pdm")
def _publishers(tokens: List[str], ctx: _Context) -> List[Finding]:
    pos = [p.lower() for p in _positionals(tokens[1:], ("-r", "--repository", "-u", "-p", "--token", "-R", "--repo"))]
    if not pos or _is_dry_run(tokens):
        return []
    name = _basename(tokens[0])
    if name == "gh":
        return _gh(pos, tokens)
    if name == "dotnet":
        return [("deploy", "dotnet nuget push publishes a package")] if pos[:2] == ["nuget", "push"] else []
    if pos[0] in ("upload", "publish", "deploy", "push") and (name != "uv" or pos[0] == "publish"):
        return [("deploy", f"{name} {pos[0]} publishes a package")]
    return []


def _gh(pos: List[str], tokens: List[str]) -> List[Finding]:
    if pos[0] == "api":
        method = ""
        for i, t in enumerate(tokens):
            if t in ("-X", "--method") and i + 1 < len(tokens):
                method = tokens[i + 1].upper()
            elif t.startswith("--method=") or (t.startswith("-X") and len(t) > 2):
                method = t.split("=", 1)[-1].lstrip("-X").upper()
        has_fields = any(t in ("-f", "-F", "--field", "--raw-field", "--input") for t in tokens)
        if method in ("POST", "PUT", "PATCH", "DELETE") or (not method and has_fields):
            return [("http_write", f"gh api {method or 'POST'} changes GitHub")]
        return []
    if len(pos) > 1 and pos[1] in ("delete", "archive") and pos[0] in ("repo", "release", "secret", "variable"):
        return [("delete_data", f"gh {pos[0]} {pos[1]} deletes on GitHub")]
    if len(pos) > 1 and pos[0] == "release" and pos[1] in ("create", "upload", "edit"):
        return [("deploy", "gh release publishes a release")]
    if (
        len(pos) > 1
        and pos[0] in ("issue", "pr")
        and pos[1] in ("create", "close", "merge", "comment", "delete", "edit", "reopen", "review")
    ):
        return [("http_write", f"gh {pos[0]} {pos[1]} changes GitHub")]
    return []


@_analyser("make", "just", "task", "invoke", "inv", "fab", "rake", "nx")
def _task_runner(tokens: List[str], ctx: _Context) -> List[Finding]:
    pos = [p.lower() for p in _positionals(tokens[1:], ("-f", "-C", "--file", "--directory", "-j"))]
    if "n" in _short_flags(tokens[1:]) or _is_dry_run(tokens):
        return []
    for target in pos:
        if "=" not in target and _RISKY_TARGET.search(target):
            return [(_target_category(target), f"{_basename(tokens[0])} {target} runs a deploy or release target")]
    return []


# -- HTTP --------------------------------------------------------------------------------------
_WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
_CURL_DATA_LONG = (
    "--data",
    "--data-raw",
    "--data-binary",
    "--data-urlencode",
    "--data-ascii",
    "--json",
    "--form",
    "--form-string",
)
_CURL_SHORT_WITH_VALUE = set("AbcCdDeEFHKmoPQrTtuUwxXyYz")  # short options that take a value


@_analyser("curl")
def _curl(tokens: List[str], ctx: _Context) -> List[Finding]:
    method = ""
    data = upload = get = head = False
    args = tokens[1:]
    i = 0
    while i < len(args):
        t = args[i]
        if t.startswith("--"):
            key, eq, value = t.partition("=")
            key = key.lower()
            if key == "--request":
                method = (value if eq else (args[i + 1] if i + 1 < len(args) else "")).upper()
                i += 0 if eq else 1
            elif key in _CURL_DATA_LONG:
                data = True
                i += 0 if eq else 1
            elif key == "--upload-file":
                upload = True
            elif key == "--get":
                get = True
            elif key == "--head":
                head = True
        elif t.startswith("-") and len(t) > 1:
            letters = t[1:]
            for j, letter in enumerate(letters):
                if letter in "XdFT":
                    value = letters[j + 1 :] or (args[i + 1] if i + 1 < len(args) else "")
                    if letter == "X":
                        method = value.upper()
                    elif letter in "dF":
                        data = True
                    else:
                        upload = True
                    if not letters[j + 1 :]:
                        i += 1
                    break
                if letter == "G":
                    get = True
                elif letter == "I":
                    head = True
                elif letter in _CURL_SHORT_WITH_VALUE:
                    if not letters[j + 1 :]:
                        i += 1
                    break
        i += 1
    method = method.strip("'\"")
    if not method:
        if upload:
            method = "PUT"
        elif data and not get:
            method = "POST"
    if method in _WRITE_METHODS and not head:
        return [("http_write", f"curl sends an HTTP {method}")]
    return []


@_analyser("wget")
def _wget(tokens: List[str], ctx: _Context) -> List[Finding]:
    method = ""
    for i, t in enumerate(tokens[1:], 1):
        low = t.lower()
        if low.startswith(("--post-data", "--post-file")):
            method = method or "POST"
        elif low.startswith("--method"):
            method = (t.split("=", 1)[1] if "=" in t else (tokens[i + 1] if i + 1 < len(tokens) else "")).upper()
    if method in _WRITE_METHODS:
        return [("http_write", f"wget sends an HTTP {method}")]
    return []


_HTTP_METHODS = {"GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE"}


@_analyser("http", "https", "xh", "xhs")
def _httpie(tokens: List[str], ctx: _Context) -> List[Finding]:
    pos = _positionals(tokens[1:], ("-a", "--auth", "--session", "-o", "--output", "-A", "--auth-type"))
    if not pos:
        return []
    if pos[0].upper() in _HTTP_METHODS:
        method = pos[0].upper()
    else:
        has_data = any(_httpie_item_is_data(item) for item in pos[1:])
        method = "POST" if has_data or "--form" in tokens or "-f" in tokens else "GET"
    if method in _WRITE_METHODS:
        return [("http_write", f"{_basename(tokens[0])} sends an HTTP {method}")]
    return []


def _httpie_item_is_data(item: str) -> bool:
    """``name=value``, ``name:=json`` and ``field@file`` send a body; ``name==value`` is a query
    parameter and ``Header:value`` a header."""
    if re.match(r"^[^=:@\s]+==", item):
        return False
    return bool(re.match(r"^[^=:@\s]+(:=@|:=|=@|=|@)", item))


@_analyser("invoke-webrequest", "invoke-restmethod", "iwr", "irm")
def _powershell_web(tokens: List[str], ctx: _Context) -> List[Finding]:
    for i, t in enumerate(tokens):
        if t.lower() == "-method" and i + 1 < len(tokens) and tokens[i + 1].upper() in _WRITE_METHODS:
            return [("http_write", f"{tokens[0]} sends an HTTP {tokens[i + 1].upper()}")]
    return []


# -- messages and money ------------------------------------------------------------------------
@_analyser("sendmail", "ssmtp", "msmtp", "swaks", "mailx", "mail", "mutt", "s-nail", "neomutt", "sendemail")
def _mail(tokens: List[str], ctx: _Context) -> List[Finding]:
    name = _basename(tokens[0])
    if name in ("mail", "mailx", "mutt", "neomutt", "s-nail") and not (
        "-s" in tokens or any("@" in t for t in tokens[1:]) or "<" in tokens
    ):
        return []  # reading a mailbox
    if ctx.mode == "prose" and len(tokens) < 2:
        return []
    return [("send_email", f"{name} sends email")]


@_analyser("stripe")
def _stripe_cli(tokens: List[str], ctx: _Context) -> List[Finding]:
    pos = [p.lower() for p in _positionals(tokens[1:])]
    money = {"charges", "payment_intents", "refunds", "transfers", "payouts", "topups", "invoices"}
    if len(pos) > 1 and pos[0] in money and pos[1] in ("create", "confirm", "capture", "pay"):
        return [("move_money", f"stripe {pos[0]} {pos[1]} moves money")]
    return []


# -- code that cannot be read ------------------------------------------------------------------
_SHELLS = {"sh", "bash", "zsh", "dash", "ksh", "fish", "ash", "pwsh", "powershell", "cmd"}
_INTERPRETERS = _SHELLS | {"python", "python3", "python2", "perl", "ruby", "node", "php", "lua", "iex"}


def _interpreter(tokens: List[str], ctx: _Context) -> List[Finding]:
    name = _basename(tokens[0])
    args = tokens[1:]
    for flag in ("-c", "-Command", "/c", "-e", "--eval"):
        if flag in args:
            i = args.index(flag)
            if i + 1 < len(args) and name in _SHELLS and ctx.depth < 4:
                return _analyse_script(args[i + 1], ctx)
            return []  # inline code in another language: read as code by the caller
    if ctx.mode == "script" and ctx.after_pipe:
        script_args = [a for a in args if not a.startswith("-")]
        if not script_args or script_args[0] == "-":
            return [("opaque_exec", f"pipes text into {name}: what runs cannot be read here")]
    return []


for _name in _INTERPRETERS:
    _ANALYSERS[_name] = _interpreter


@_analyser("eval")
def _eval(tokens: List[str], ctx: _Context) -> List[Finding]:
    joined = " ".join(tokens[1:])
    if "$(" in joined or "`" in joined or "$" in joined:
        return [("opaque_exec", "eval runs text computed at run time")]
    return _analyse_script(joined, ctx) if ctx.depth < 4 else []


@_analyser("ssh")
def _ssh(tokens: List[str], ctx: _Context) -> List[Finding]:
    pos = _positionals(
        tokens[1:],
        (
            "-p",
            "-i",
            "-o",
            "-l",
            "-J",
            "-F",
            "-L",
            "-R",
            "-D",
            "-W",
            "-b",
            "-c",
            "-E",
            "-m",
            "-S",
            "-w",
            "-O",
            "-Q",
            "-B",
        ),
    )
    if len(pos) > 1 and ctx.depth < 4:
        return [(c, f"over ssh: {w}") for c, w in _analyse_script(" ".join(pos[1:]), ctx)]
    return []


@_analyser("su")
def _su(tokens: List[str], ctx: _Context) -> List[Finding]:
    if "-c" in tokens:
        i = tokens.index("-c")
        if i + 1 < len(tokens) and ctx.depth < 4:
            return _analyse_script(tokens[i + 1], ctx)
    return []


# -- driving -----------------------------------------------------------------------------------
#: Command names this module understands (its analysers), for finding commands inside prose.
KNOWN_TOOLS = frozenset(_ANALYSERS)


def _analyse_tokens(tokens: List[str], ctx: _Context, after_pipe: bool = False) -> List[Finding]:
    inner = _Context(ctx.aliases, ctx.variables, ctx.mode, ctx.depth + 1, after_pipe)
    tokens = _peel(list(tokens), inner)
    if not tokens:
        return []
    name = _basename(tokens[0])
    if name.startswith("mkfs."):
        name = "mkfs"
    analyser = _ANALYSERS.get(name)
    found = analyser(tokens, inner) if analyser else []
    if analyser is None and ctx.mode == "script" and name not in _READ_ONLY:
        found = _generic_script_command(name, tokens)
    return found


def _generic_script_command(name: str, tokens: List[str]) -> List[Finding]:
    """In a shell block: ``./deploy.sh``, ``deploy-prod``, ``mytool deploy --env prod``."""
    if _is_dry_run(tokens):
        return []
    if re.search(r"deploy|release|publish|destroy|teardown|nuke", name):
        return [(_target_category(name), f"runs {tokens[0]!r}")]
    pos = [p.lower() for p in _positionals(tokens[1:])]
    for word in pos[:2]:
        if word in ("deploy", "destroy", "teardown", "publish", "release"):
            return [(_target_category(word), f"{name} {word}")]
    return []


_ALIAS = re.compile(r"^alias\s+([\w.-]+)=(.*)$", re.S)


def _analyse_script(script: str, ctx: _Context) -> List[Finding]:
    found: List[Finding] = []
    inner = _Context(ctx.aliases, ctx.variables, ctx.mode, ctx.depth + 1)
    for statement in split_statements(script):
        found += _statement_findings(statement, inner)
    return found


def _statement_findings(statement: Statement, ctx: _Context) -> List[Finding]:
    text = statement.text
    alias = _ALIAS.match(text)
    if alias and ctx.mode == "script":
        words = _tokens(alias.group(2))  # alias nuke='rm -rf' -> ['rm -rf']
        ctx.aliases[alias.group(1).lower()] = _tokens(words[0]) if words else []
        return []
    tokens = _tokens(text)
    if ctx.mode == "script" and tokens and all(_ASSIGNMENT.match(t) for t in tokens):
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
    ctx = _Context(mode=mode)
    out: List[CommandFinding] = []
    for statement in split_statements(text):
        for category, what in _statement_findings(statement, ctx):
            out.append(CommandFinding(category, what, statement.text))
    return out
