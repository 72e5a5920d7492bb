"""Analysers for the tools that act where they run: files, disks, services, git, containers,
builds and publishing, and code that cannot be read (``bash -c``, ``eval``, ``ssh``).

Part of the shell reader (:mod:`~hitl_modes.risk.shell_parse` splits and peels,
:mod:`~hitl_modes.risk.shell_remote` reads the clouds and the network, :mod:`~hitl_modes.risk.shell`
dispatches). Each analyser reads one tool's own subcommands and flags (``git push -f`` is not
``git push --follow-tags``) and is registered in :data:`ANALYSERS` under the names it reads.
"""

from __future__ import annotations

import re
from typing import Dict, List

from .shell_parse import (
    Analyser,
    Finding,
    ShellContext,
    command_name,
    is_dry_run,
    long_flags,
    positionals,
    registrar,
    short_flags,
)

__all__ = ["ANALYSERS", "target_category"]

#: Command name -> its analyser.
ANALYSERS: Dict[str, Analyser] = {}
_analyser = registrar(ANALYSERS)


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


def _has_target(tokens: List[str], ctx: ShellContext) -> bool:
    args = [t for t in tokens[1:] if t not in ("--help", "--version", "-h")]
    if not args:
        return False
    return not (ctx.mode == "prose" and args[0].lower().strip(",.") in _PROSE_NOT_AN_ARGUMENT)


# -- files and data ----------------------------------------------------------------------------
@_analyser("rm", "remove-item", "ri", "rmdir", "unlink", "shred", "srm", "wipe", "trash-empty")
def _rm(tokens: List[str], ctx: ShellContext) -> List[Finding]:
    if not _has_target(tokens, ctx):
        return []
    name = command_name(tokens[0])
    flags = short_flags(tokens[1:]).lower()
    longs = long_flags(tokens[1:])
    recursive = "r" in flags or "--recursive" in longs or "-recurse" in (t.lower() for t in tokens)
    force = "f" in flags or "--force" in longs or "-force" in (t.lower() for t in tokens)
    how = ", ".join(w for w, on in (("recursively", recursive), ("without asking", force)) if on)
    return [("delete_files", f"{name} deletes files{' ' + how if how else ''}")]


@_analyser("del", "erase", "rd")
def _windows_del(tokens: List[str], ctx: ShellContext) -> List[Finding]:
    # `del x` is also Python: only the cmd.exe forms (/s /q /f switches, wildcards, drive paths) count.
    args = tokens[1:]
    cmd_like = any(re.fullmatch(r"/[a-zA-Z]", a) for a in args) or any(
        "*" in a or re.match(r"^[a-zA-Z]:\\", a) or "\\" in a for a in args
    )
    if cmd_like and (command_name(tokens[0]) != "rd" or any(a.lower() == "/s" for a in args)):
        return [("delete_files", f"{command_name(tokens[0])} deletes files")]
    return []


@_analyser("find")
def _find(tokens: List[str], ctx: ShellContext) -> List[Finding]:
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
            found += [(c, f"find -exec: {w}") for c, w in ctx.analyse_command(sub)]
    return found


@_analyser("truncate")
def _truncate(tokens: List[str], ctx: ShellContext) -> List[Finding]:
    if any(t in ("-s", "--size") or t.startswith("--size=") or t.startswith("-s") for t in tokens[1:]):
        return [("delete_data", "truncate empties or cuts files")]
    return []


@_analyser("dd")
def _dd(tokens: List[str], ctx: ShellContext) -> List[Finding]:
    if any(t.startswith("of=/dev/") for t in tokens[1:]):
        return [("system", "dd overwrites a disk device")]
    return []


@_analyser("mkfs", "mke2fs", "wipefs", "sgdisk", "format", "diskpart")
def _disk(tokens: List[str], ctx: ShellContext) -> List[Finding]:
    if command_name(tokens[0]) == "format" and not any(re.fullmatch(r"[a-zA-Z]:", t) for t in tokens[1:]):
        return []
    if len(tokens) < 2 and command_name(tokens[0]) != "diskpart":
        return []
    return [("system", f"{command_name(tokens[0])} erases a disk or partition")]


@_analyser("shutdown", "reboot", "halt", "poweroff")
def _power(tokens: List[str], ctx: ShellContext) -> List[Finding]:
    if ctx.mode == "prose" and len(tokens) == 1:
        return []
    return [("system", f"{command_name(tokens[0])} takes the machine down")]


@_analyser("systemctl", "service")
def _services(tokens: List[str], ctx: ShellContext) -> List[Finding]:
    args = [t.lower() for t in positionals(tokens[1:])]
    stopping = {"stop", "restart", "disable", "mask", "kill", "poweroff", "reboot", "halt", "isolate", "kexec"}
    if any(a in stopping for a in args):
        return [("system", f"{command_name(tokens[0])} stops services or the machine")]
    return []


@_analyser("crontab")
def _crontab(tokens: List[str], ctx: ShellContext) -> List[Finding]:
    return [("delete_data", "crontab -r deletes every scheduled job")] if "r" in short_flags(tokens[1:]) else []


@_analyser("userdel", "deluser", "groupdel", "delgroup", "dropdb", "dropuser")
def _drop_accounts(tokens: List[str], ctx: ShellContext) -> List[Finding]:
    return (
        [("delete_data", f"{command_name(tokens[0])} deletes accounts or databases")]
        if _has_target(tokens, ctx)
        else []
    )


@_analyser("mysqladmin")
def _mysqladmin(tokens: List[str], ctx: ShellContext) -> List[Finding]:
    return [("delete_data", "mysqladmin drop deletes a database")] if "drop" in [t.lower() for t in tokens] else []


@_analyser("redis-cli")
def _redis(tokens: List[str], ctx: ShellContext) -> List[Finding]:
    words = {t.lower() for t in tokens[1:]}
    if words & {"flushall", "flushdb", "del", "unlink"}:
        return [("delete_data", "redis-cli deletes keys")]
    return []


@_analyser("iptables", "ip6tables", "nft")
def _firewall(tokens: List[str], ctx: ShellContext) -> List[Finding]:
    if {"-F", "--flush", "flush"} & set(tokens[1:]):
        return [("system", "flushes the firewall rules")]
    return []


# -- git ---------------------------------------------------------------------------------------
_GIT_GLOBAL_VALUE = ("-C", "-c", "--git-dir", "--work-tree", "--namespace", "--exec-path")
_DEPLOY_REMOTES = {"heroku", "production", "prod", "live", "dokku", "deploy", "azure", "pantheon", "platform"}


@_analyser("git")
def _git(tokens: List[str], ctx: ShellContext) -> List[Finding]:
    rest = tokens[1:]
    while rest and rest[0].startswith("-"):
        rest = rest[2:] if rest[0] in _GIT_GLOBAL_VALUE else rest[1:]
    if not rest:
        return []
    sub, args = rest[0].lower(), rest[1:]
    flags = short_flags(args)
    longs = long_flags(args)
    if sub == "push":
        dry = "n" in flags or "--dry-run" in longs
        pos = positionals(args, ("-o", "--push-option", "--repo", "--receive-pack", "--exec"))
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
def _docker(tokens: List[str], ctx: ShellContext) -> List[Finding]:
    pos = positionals(
        tokens[1:], ("-H", "--host", "--context", "-c", "--config", "-f", "--file", "-p", "--project-name")
    )
    words = [p.lower() for p in pos]
    if not words:
        return []
    name = command_name(tokens[0])
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
        inner = positionals(tokens[tokens.index(pos[0]) + 1 :], ("-u", "--user", "-w", "--workdir", "-e", "--env"))
        return ctx.analyse_command(inner[1:])
    return []


@_analyser("docker-compose")
def _compose(tokens: List[str], ctx: ShellContext) -> List[Finding]:
    pos = [p.lower() for p in positionals(tokens[1:], ("-f", "--file", "-p", "--project-name"))]
    if "down" in pos and ("v" in short_flags(tokens[1:]) or "--volumes" in long_flags(tokens[1:])):
        return [("delete_data", "compose down -v deletes the volumes and their data")]
    return []


# -- publishing and build targets --------------------------------------------------------------
_RISKY_TARGET = re.compile(r"deploy|release|publish|ship|rollout|destroy|teardown|tear-down|nuke")


def target_category(word: str) -> str:
    """``destroy_infra`` for a name that tears down (``destroy``, ``teardown``...), else ``deploy``."""
    return "destroy_infra" if re.search(r"destroy|teardown|tear-down|nuke", word) else "deploy"


@_analyser("npm", "yarn", "pnpm", "bun")
def _js_package(tokens: List[str], ctx: ShellContext) -> List[Finding]:
    pos = [
        p.lower() for p in positionals(tokens[1:], ("--tag", "--access", "--otp", "--registry", "-w", "--workspace"))
    ]
    if not pos or is_dry_run(tokens):
        return []
    name = command_name(tokens[0])
    if pos[0] == "publish":
        return [("deploy", f"{name} publish publishes a package")]
    if pos[0] == "unpublish":
        return [("delete_data", f"{name} unpublish deletes a published package")]
    script = pos[1] if pos[0] in ("run", "run-script") and len(pos) > 1 else pos[0]
    if _RISKY_TARGET.search(script):
        return [(target_category(script), f"{name} runs the {script!r} script")]
    return []


@_analyser("twine", "flit", "hatch", "poetry", "uv", "cargo", "gem", "mvn", "gradle", "gradlew", "dotnet", "gh", "pdm")
def _publishers(tokens: List[str], ctx: ShellContext) -> List[Finding]:
    pos = [p.lower() for p in positionals(tokens[1:], ("-r", "--repository", "-u", "-p", "--token", "-R", "--repo"))]
    if not pos or is_dry_run(tokens):
        return []
    name = command_name(tokens[0])
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
def _task_runner(tokens: List[str], ctx: ShellContext) -> List[Finding]:
    pos = [p.lower() for p in positionals(tokens[1:], ("-f", "-C", "--file", "--directory", "-j"))]
    if "n" in short_flags(tokens[1:]) or is_dry_run(tokens):
        return []
    for target in pos:
        if "=" not in target and _RISKY_TARGET.search(target):
            return [(target_category(target), f"{command_name(tokens[0])} {target} runs a deploy or release target")]
    return []


# -- code that cannot be read ------------------------------------------------------------------
_SHELLS = {"sh", "bash", "zsh", "dash", "ksh", "fish", "ash", "pwsh", "powershell", "cmd"}
_INTERPRETERS = _SHELLS | {"python", "python3", "python2", "perl", "ruby", "node", "php", "lua", "iex"}


def _interpreter(tokens: List[str], ctx: ShellContext) -> List[Finding]:
    name = command_name(tokens[0])
    args = tokens[1:]
    for flag in ("-c", "-Command", "/c", "-e", "--eval"):
        if flag in args:
            i = args.index(flag)
            if i + 1 < len(args) and name in _SHELLS and ctx.depth < 4:
                return ctx.analyse_script(args[i + 1])
            return []  # inline code in another language: read as code by the caller
    if ctx.mode == "script" and ctx.after_pipe:
        script_args = [a for a in args if not a.startswith("-")]
        if not script_args or script_args[0] == "-":
            return [("opaque_exec", f"pipes text into {name}: what runs cannot be read here")]
    return []


for _name in _INTERPRETERS:
    ANALYSERS[_name] = _interpreter


@_analyser("eval")
def _eval(tokens: List[str], ctx: ShellContext) -> List[Finding]:
    joined = " ".join(tokens[1:])
    if "$(" in joined or "`" in joined or "$" in joined:
        return [("opaque_exec", "eval runs text computed at run time")]
    return ctx.analyse_script(joined) if ctx.depth < 4 else []


@_analyser("ssh")
def _ssh(tokens: List[str], ctx: ShellContext) -> List[Finding]:
    pos = positionals(
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
        return [(c, f"over ssh: {w}") for c, w in ctx.analyse_script(" ".join(pos[1:]))]
    return []


@_analyser("su")
def _su(tokens: List[str], ctx: ShellContext) -> List[Finding]:
    if "-c" in tokens:
        i = tokens.index("-c")
        if i + 1 < len(tokens) and ctx.depth < 4:
            return ctx.analyse_script(tokens[i + 1])
    return []
