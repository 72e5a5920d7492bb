"""Analysers for the tools that reach other machines: clusters and clouds (``kubectl``,
``terraform``, ``aws``...), copying to hosts, HTTP clients (``curl``, ``wget``...), mail and money.

Part of the shell reader (:mod:`~hitl_modes.risk.shell_parse` splits and peels,
:mod:`~hitl_modes.risk.shell_tools` reads the local tools, :mod:`~hitl_modes.risk.shell`
dispatches). The flags of ``curl`` decide its HTTP method; the subcommand of ``kubectl`` decides
whether it deploys or only reads. Each analyser is registered in :data:`ANALYSERS`.
"""

from __future__ import annotations

import re
from typing import Dict, List, Sequence

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

__all__ = ["ANALYSERS"]

#: Command name -> its analyser.
ANALYSERS: Dict[str, Analyser] = {}
_analyser = registrar(ANALYSERS)


# -- clusters and clouds ----------------------------------------------------------------------
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
def _kubectl(tokens: List[str], ctx: ShellContext) -> List[Finding]:
    pos = positionals(tokens[1:], _KUBECTL_VALUE)
    if not pos or is_dry_run(tokens):
        return []
    sub = pos[0].lower()
    name = command_name(tokens[0])
    if sub == "rollout" and (len(pos) < 2 or pos[1].lower() in ("status", "history")):
        return []
    if sub in _KUBECTL_DESTROY:
        return [("destroy_infra", f"{name} delete removes cluster resources")]
    if sub in _KUBECTL_DEPLOY:
        return [("deploy", f"{name} {sub} changes what runs in the cluster")]
    if sub == "exec" and "--" in tokens and ctx.depth < 4:
        return ctx.analyse_command(tokens[tokens.index("--") + 1 :])
    return []


@_analyser("helm")
def _helm(tokens: List[str], ctx: ShellContext) -> List[Finding]:
    pos = positionals(tokens[1:], ("-n", "--namespace", "--kube-context", "-f", "--values", "--set", "--version"))
    if not pos or is_dry_run(tokens):
        return []
    sub = pos[0].lower()
    if sub in ("uninstall", "delete", "del", "un"):
        return [("destroy_infra", f"helm {sub} removes a release")]
    if sub in ("install", "upgrade", "rollback"):
        return [("deploy", f"helm {sub} deploys a release")]
    return []


@_analyser("terraform", "tofu", "terragrunt")
def _terraform(tokens: List[str], ctx: ShellContext) -> List[Finding]:
    pos = [p.lower() for p in positionals(tokens[1:], ("-var", "-var-file", "-target", "-chdir"))]
    if not pos:
        return []
    name = command_name(tokens[0])
    if pos[0] == "destroy" or (pos[0] == "apply" and "-destroy" in tokens):
        return [("destroy_infra", f"{name} destroy deletes the infrastructure it manages")]
    if pos[0] == "apply":
        return [("deploy", f"{name} apply changes real infrastructure")]
    if pos[0] == "state" and len(pos) > 1 and pos[1] in ("rm", "push"):
        return [("destroy_infra", f"{name} state {pos[1]} edits what {name} believes exists")]
    return []


def _subcommand_tool(deploy: Sequence[str], destroy: Sequence[str], value_opts: Sequence[str] = ()) -> Analyser:
    def analyse(tokens: List[str], ctx: ShellContext) -> List[Finding]:
        pos = [p.lower() for p in positionals(tokens[1:], value_opts)]
        if is_dry_run(tokens):
            return []
        name = command_name(tokens[0])
        for p in pos[:3]:
            word = p.split(":", 1)[0] if ":" in p else p
            if p in destroy or word in destroy:
                return [("destroy_infra", f"{name} {p} destroys infrastructure")]
            if p in deploy or word in deploy:
                return [("deploy", f"{name} {p} deploys")]
        return []

    return analyse


ANALYSERS["pulumi"] = _subcommand_tool(("up", "update"), ("destroy",), ("-s", "--stack", "-C", "--cwd"))
ANALYSERS["cdk"] = _subcommand_tool(("deploy",), ("destroy",))
ANALYSERS["serverless"] = ANALYSERS["sls"] = _subcommand_tool(("deploy",), ("remove",))
ANALYSERS["sam"] = _subcommand_tool(("deploy",), ("delete",))
ANALYSERS["eb"] = _subcommand_tool(("deploy", "swap"), ("terminate",))
ANALYSERS["fly"] = ANALYSERS["flyctl"] = _subcommand_tool(("deploy", "scale"), ("destroy",))
ANALYSERS["firebase"] = _subcommand_tool(("deploy",), ())
ANALYSERS["netlify"] = _subcommand_tool(("deploy",), ())
ANALYSERS["heroku"] = _subcommand_tool(
    ("releases:rollback", "ps:scale", "container:release"),
    ("apps:destroy", "destroy", "pg:reset", "addons:destroy"),
    ("-a", "--app"),
)
ANALYSERS["cap"] = ANALYSERS["mina"] = ANALYSERS["dep"] = _subcommand_tool(("deploy",), ())
ANALYSERS["doctl"] = _subcommand_tool(("create-deployment",), ("delete",))


@_analyser("vercel")
def _vercel(tokens: List[str], ctx: ShellContext) -> List[Finding]:
    pos = [p.lower() for p in positionals(tokens[1:], ("--token", "--scope", "-t", "-S"))]
    if pos and pos[0] in ("rm", "remove"):
        return [("destroy_infra", "vercel rm deletes deployments")]
    if "--prod" in tokens or (pos and pos[0] == "deploy") or (not pos and ctx.mode == "script"):
        return [("deploy", "vercel deploys")]
    return []


@_analyser("gcloud")
def _gcloud(tokens: List[str], ctx: ShellContext) -> List[Finding]:
    pos = [
        p.lower()
        for p in positionals(
            tokens[1:], ("--project", "--region", "--zone", "--format", "--image", "--source", "--config")
        )
    ]
    if is_dry_run(tokens):
        return []
    if "delete" in pos or "rm" in pos[:3]:
        return [("destroy_infra", "gcloud ... delete deletes cloud resources")]
    if "deploy" in pos or {"create", "update"} & set(pos) and "deployments" in pos:
        return [("deploy", "gcloud ... deploy deploys")]
    return []


@_analyser("az")
def _az(tokens: List[str], ctx: ShellContext) -> List[Finding]:
    pos = [
        p.lower()
        for p in positionals(
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
def _aws(tokens: List[str], ctx: ShellContext) -> List[Finding]:
    pos = [
        p.lower()
        for p in positionals(
            tokens[1:], ("--profile", "--region", "--output", "--query", "--endpoint-url", "--bucket", "--key")
        )
    ]
    if len(pos) < 2 or is_dry_run(tokens):
        return []
    service, op = pos[0], pos[1]
    if service == "s3":
        if op in ("rm", "rb"):
            return [("delete_files", f"aws s3 {op} deletes objects or buckets")]
        if op == "sync" and "--delete" in long_flags(tokens):
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
def _gsutil(tokens: List[str], ctx: ShellContext) -> List[Finding]:
    pos = [p.lower() for p in positionals(tokens[1:])]
    if pos and pos[0] in ("rm", "rb"):
        return [("delete_files", f"gsutil {pos[0]} deletes objects or buckets")]
    if pos and pos[0] == "rsync" and "d" in short_flags(tokens[1:]):
        return [("delete_files", "gsutil rsync -d deletes objects at the destination")]
    return []


@_analyser("rclone")
def _rclone(tokens: List[str], ctx: ShellContext) -> List[Finding]:
    pos = [p.lower() for p in positionals(tokens[1:])]
    if is_dry_run(tokens) or "n" in short_flags(tokens[1:]) or not pos:
        return []
    if pos[0] in ("delete", "deletefile", "purge", "rmdir", "rmdirs", "sync", "cleanup"):
        return [("delete_files", f"rclone {pos[0]} deletes files")]
    return []


@_analyser("rsync")
def _rsync(tokens: List[str], ctx: ShellContext) -> List[Finding]:
    longs = long_flags(tokens[1:])
    if is_dry_run(tokens) or "n" in short_flags(tokens[1:]):
        return []
    if any(f.startswith("--delete") for f in longs) or "--remove-source-files" in longs:
        return [("delete_files", "rsync --delete deletes files at the destination")]
    pos = positionals(tokens[1:], ("-e", "--rsh", "--exclude", "--include", "--filter", "-f"))
    if len(pos) > 1 and ":" in pos[-1] and _PRODUCTION_HOST.search(pos[-1].split(":", 1)[0]):
        return [("deploy", "rsync copies files onto a production host")]
    return []


_PRODUCTION_HOST = re.compile(r"(?:^|[@.\-_])(?:prod|production|live)(?:[.\-_:\d]|$)", re.I)


@_analyser("scp", "mv")
def _copy_to(tokens: List[str], ctx: ShellContext) -> List[Finding]:
    """``mv x /dev/null`` deletes; ``scp build/ deploy@prod:/var/www`` deploys by hand."""
    pos = positionals(tokens[1:], ("-P", "-i", "-o", "-F", "-l", "-S", "-J", "-t", "--target-directory"))
    if len(pos) < 2:
        return []
    name = command_name(tokens[0])
    if pos[-1] == "/dev/null":
        return [("delete_files", f"{name} to /dev/null throws the files away")]
    if name == "scp" and ":" in pos[-1] and _PRODUCTION_HOST.search(pos[-1].split(":", 1)[0]):
        return [("deploy", "scp copies files onto a production host")]
    return []


@_analyser("ansible-playbook")
def _ansible_playbook(tokens: List[str], ctx: ShellContext) -> List[Finding]:
    if is_dry_run(tokens) or "-C" in tokens:
        return []
    return [("deploy", "ansible-playbook changes the hosts it targets")] if len(tokens) > 1 else []


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
def _curl(tokens: List[str], ctx: ShellContext) -> List[Finding]:
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
def _wget(tokens: List[str], ctx: ShellContext) -> List[Finding]:
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
def _httpie(tokens: List[str], ctx: ShellContext) -> List[Finding]:
    pos = positionals(tokens[1:], ("-a", "--auth", "--session", "-o", "--output", "-A", "--auth-type"))
    if not pos:
        return []
    if pos[0].upper() in _HTTP_METHODS:
        method = pos[0].upper()
    else:
        has_data = any(_httpie_item_is_data(item) for item in pos[1:])
        method = "POST" if has_data or "--form" in tokens or "-f" in tokens else "GET"
    if method in _WRITE_METHODS:
        return [("http_write", f"{command_name(tokens[0])} sends an HTTP {method}")]
    return []


def _httpie_item_is_data(item: str) -> bool:
    """``name=value``, ``name:=json`` and ``field@file`` send a body; ``name==value`` is a query
    parameter and ``Header:value`` a header."""
    if re.match(r"^[^=:@\s]+==", item):
        return False
    return bool(re.match(r"^[^=:@\s]+(:=@|:=|=@|=|@)", item))


@_analyser("invoke-webrequest", "invoke-restmethod", "iwr", "irm")
def _powershell_web(tokens: List[str], ctx: ShellContext) -> List[Finding]:
    for i, t in enumerate(tokens):
        if t.lower() == "-method" and i + 1 < len(tokens) and tokens[i + 1].upper() in _WRITE_METHODS:
            return [("http_write", f"{tokens[0]} sends an HTTP {tokens[i + 1].upper()}")]
    return []


# -- messages and money ------------------------------------------------------------------------
@_analyser("sendmail", "ssmtp", "msmtp", "swaks", "mailx", "mail", "mutt", "s-nail", "neomutt", "sendemail")
def _mail(tokens: List[str], ctx: ShellContext) -> List[Finding]:
    name = command_name(tokens[0])
    if name in ("mail", "mailx", "mutt", "neomutt", "s-nail") and not (
        "-s" in tokens or any("@" in t for t in tokens[1:]) or "<" in tokens
    ):
        return []  # reading a mailbox
    if ctx.mode == "prose" and len(tokens) < 2:
        return []
    return [("send_email", f"{name} sends email")]


@_analyser("stripe")
def _stripe_cli(tokens: List[str], ctx: ShellContext) -> List[Finding]:
    pos = [p.lower() for p in positionals(tokens[1:])]
    money = {"charges", "payment_intents", "refunds", "transfers", "payouts", "topups", "invoices"}
    if len(pos) > 1 and pos[0] in money and pos[1] in ("create", "confirm", "capture", "pay"):
        return [("move_money", f"stripe {pos[0]} {pos[1]} moves money")]
    return []
