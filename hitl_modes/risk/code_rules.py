"""Code rules: library calls in Python and JavaScript, SQL, and the few shell shapes a command parser
cannot see. Each runs on code with comments and printed text blanked out (see
:mod:`hitl_modes.risk.code_text`); a ``refine`` function drops matches that do not act.
"""

from __future__ import annotations

import re
from typing import List, Union

from .rule import Rule

__all__ = ["CODE_RULES"]

# -- helpers for refine ------------------------------------------------------------------------
_STATEMENT_END = re.compile(r";|[\"'`]|\n\s*\n")
_SHORT_LITERAL = re.compile(r"'[^'\n;()]{0,80}'|\"[^\"\n;()]{0,80}\"")


def _statement_after(text: str, end: int) -> str:
    """The rest of the SQL statement after ``end``: up to ``;``, a blank line, or the quote that
    closes the host language's string (SQL literals such as ``'x'`` are skipped)."""
    rest = _SHORT_LITERAL.sub("''", text[end:])
    stop = _STATEMENT_END.search(rest.replace("''", "  "))
    return rest[: stop.start() if stop else len(rest)]


def _delete_where(text: str, m: re.Match[str]) -> Union[bool, str]:
    if re.search(r"\bwhere\b", _statement_after(text, m.end()), re.I):
        return "DELETE FROM ... WHERE deletes rows"
    return "DELETE FROM without WHERE deletes every row"


def _update_without_where(text: str, m: re.Match[str]) -> Union[bool, str]:
    return not re.search(r"\bwhere\b", _statement_after(text, m.end()), re.I)


_NOT_STORAGE = {
    "map",
    "set",
    "params",
    "searchparams",
    "urlsearchparams",
    "headers",
    "requests",
    "httpx",
    "axios",
    "weakmap",
    "weakset",
    "file",
    "files",
    "directory",
    "dict",
    "url",
    "formdata",
    "cookies",
    "seen",
    "visited",
    "cache",
    "memo",
    "lru",
    "pending",
    "queue",
    "kwargs",
    "options",
    "opts",
    "config",
    "app",
    "router",
    "blueprint",
    "bp",
    "route",
    "routes",
    "classlist",
}


def _not_a_route(text: str, m: re.Match[str]) -> Union[bool, str]:
    """``@app.post("/items")`` declares a route; it sends nothing."""
    line_start = text.rfind("\n", 0, m.start()) + 1
    return not text[line_start : m.start()].lstrip().startswith("@")


def _storage_receiver(text: str, m: re.Match[str]) -> Union[bool, str]:
    """``session.delete(obj)`` deletes stored data; ``params.delete("q")`` and a JavaScript
    ``new Map()``'s ``.delete(key)`` do not."""
    if _not_a_route(text, m) is False:
        return False
    receiver = re.search(r"([\w$]+)\s*$", text[: m.start()])
    if not receiver:
        return True
    name = receiver.group(1)
    if name.lower() in _NOT_STORAGE:
        return False
    return not re.search(rf"\b{re.escape(name)}\s*=\s*new\s+(?:Weak)?(?:Map|Set)\b", text)


def _a_call(text: str, m: re.Match[str]) -> Union[bool, str]:
    """``def delete_user(...)`` defines a function; only a call acts."""
    line_start = text.rfind("\n", 0, m.start()) + 1
    return not re.search(r"\b(?:def|function|fn|func|sub|void|async\s+def)\s+$", text[line_start : m.start()])


_RECEIVER = r"[\w$]*"
CODE_RULES: List[Rule] = [
    # files
    Rule(
        "delete_files", r"\bshutil\.rmtree\s*\(|(?<![\w.])rmtree\s*\(", "shutil.rmtree deletes a directory tree", "code"
    ),
    Rule(
        "delete_files",
        r"\bos\.(?:remove|unlink|rmdir|removedirs|removeall)\s*\(",
        "os.remove/unlink deletes files",
        "code",
    ),
    Rule("delete_files", r"(?<!\bos)\.(?:unlink|rmdir)\s*\(", "Path.unlink/rmdir deletes files", "code"),
    Rule(
        "delete_files",
        r"\bfs(?:\.promises)?\.(?:rm|rmsync|unlink|unlinksync|rmdir|rmdirsync|remove|removesync|"
        r"emptydir|emptydirsync)\s*\(|(?<![\w.])(?:rmsync|unlinksync|rmdirsync)\s*\(|\brimraf\b",
        "fs.rm/unlink deletes files",
        "code",
    ),
    Rule(
        "delete_files",
        r"\b(?:os\.(?:rename|replace)|shutil\.move)\s*\([^)]*['\"]/dev/null['\"]",
        "moving a file to /dev/null throws it away",
        "code",
    ),
    Rule(
        "delete_files",
        r"\b(?:file|files|directory)\.delete(?:ifexists|recursively)?\s*\(",
        "File.delete deletes files",
        "code",
    ),
    # stored data
    Rule(
        "delete_data",
        r"\bdrop\s+(?:temporary\s+|temp\s+)?(?:table|database|schema|view|materialized\s+view|"
        r"collection|keyspace|tablespace|sequence|owned\s+by)\s+(?:if\s+exists\s+)?[\w.\"`\[]",
        "DROP deletes a table or database with its data",
        "any",
    ),
    Rule(
        "delete_data",
        r"\bdrop\s+(?:index|user|role|function|procedure|trigger|type|extension)\s+"
        r"(?:if\s+exists\s+)?[\w.\"`\[]",
        "DROP deletes a database object",
        "code",
    ),
    Rule(
        "delete_data",
        r"\balter\s+table\s+[\w.\"`\[\]]+\s+drop\b",
        "ALTER TABLE ... DROP deletes a column and its data",
        "any",
    ),
    Rule(
        "delete_data",
        r"\btruncate\s+table\b|\btruncate\s+(?:only\s+)?[\w.\"`\[\]]+\s*(?:;|$|[\"'`)]|,\s*\w|"
        r"\s+(?:cascade|restart|continue|restrict)\b)",
        "TRUNCATE deletes every row",
        "any",
        flags=re.IGNORECASE | re.MULTILINE,
    ),
    Rule(
        "delete_data",
        r"\bdelete\s+from\s+(?!(?:the|a|an|this|that|these|those|my|your|our|their|its|list|array|"
        r"string|memory|it|them|disk|cache|here|there)\b)[\w.\"`\[\]]+",
        "DELETE deletes rows",
        "any",
        refine=_delete_where,
    ),
    Rule(
        "delete_data",
        r"\bupdate\s+[\w.\"`\[\]]+\s+set\s+[\w.\"`\[\]]+\s*=",
        "UPDATE without WHERE overwrites every row",
        "code",
        refine=_update_without_where,
    ),
    Rule(
        "destroy_infra",
        r"\.(?:terminate_instances|delete_(?:stack|cluster|db_instance|db_cluster|instances?|"
        r"function|service|namespace|deployment|resource_group|vpc|subnet|node_?group|"
        r"load_balancer|distribution|environment))\s*\(|\.(?:destroy|teardown)_(?:stack|cluster|"
        r"environment|infrastructure|infra)\s*\(",
        "deletes cloud infrastructure",
        "code",
    ),
    Rule(
        "delete_data",
        r"\.delete(?:_\w+|[a-z]\w*)?\s*\(",
        "deletes stored data (.delete)",
        "code",
        refine=_storage_receiver,
    ),
    Rule(
        "delete_data",
        r"(?<![\w.])(?:delete|destroy|purge|wipe|erase)_\w+\s*\(",
        "calls a delete function",
        "code",
        refine=_a_call,
    ),
    Rule(
        "delete_data",
        r"\.(?:drop_all|drop_tables?|drop_database|drop_collection|drop_index(?:es)?|drop_schema|"
        r"dropdatabase|dropcollection|dropindex|droptable)\s*\(|(?<![\w.])drop_(?:database|collection|"
        r"tables?|all)\s*\(|\bdb\.[\w.]+\.drop\s*\(\s*\)|\.drop\s*\(\s*(?:bind\s*=\s*)?\w*(?:engine|"
        r"conn|connection|bind)\w*\s*[,)]",
        "drops a table, collection or database",
        "code",
    ),
    Rule("delete_data", r"\bflush(?:all|db)\b", "FLUSHALL/FLUSHDB deletes every key", "code"),
    Rule("delete_data", r"\bsqlalchemy\.delete\s*\(", "SQLAlchemy delete() deletes rows", "code"),
    Rule(
        "delete_data",
        r"\bmigrations\.(?:deletemodel|removefield)\b",
        "a migration that deletes a table or column",
        "code",
    ),
    Rule("delete_data", r"\.truncate\s*\(\s*0?\s*\)", "truncate() empties a file", "code"),
    # messages
    Rule("send_email", r"\bsmtplib\.smtp(?:_ssl)?\s*\(|\.sendmail\s*\(", "sends email through SMTP", "code"),
    Rule(
        "send_email",
        r"(?<![\w.])send_(?:mail|mass_mail)\s*\(|\bmail_(?:admins|managers)\s*\(",
        "sends email (Django)",
        "code",
    ),
    Rule(
        "send_email",
        r"\.send_message\s*\(|\.send_(?:email|raw_email|templated_email|bulk_templated_email|sms|"
        r"text|notification|newsletter|mail|emails|reply|invoice)\w*\s*\(|(?<![\w.])send_(?:email|sms|"
        r"text_message|message|notification|newsletter|invoice|reply|emails)\w*\s*\(",
        "sends a message",
        "code",
        refine=_a_call,
    ),
    Rule(
        "send_email",
        rf"\b{_RECEIVER}(?:mail|smtp|sendgrid|mailer|postmark|mailgun){_RECEIVER}\.send\w*\s*\(|"
        r"\b(?:sg|yag|ses)\.send\w*\s*\(|\.messages\(\)\.send\s*\(",
        "sends email",
        "code",
    ),
    Rule("send_email", r"\bchat[._]post(?:message|ephemeral)\b", "posts a Slack message", "code"),
    Rule("send_email", r"\bmessages\.create\s*\([^)]*\b(?:from_|to)\s*=", "sends an SMS (Twilio)", "code"),
    Rule("send_email", r"\.(?:update_status|create_tweet|post_tweet|tweet)\s*\(", "posts publicly", "code"),
    # money
    Rule(
        "move_money",
        r"\bstripe\.(?:charge|paymentintent|transfer|payout|refund|topup|subscription|invoice)\w*\."
        r"(?:create|confirm|capture|pay)\s*\(|\.(?:charges|payment_?intents|transfers|payouts|refunds|"
        r"topups)\.(?:create|confirm|capture)\s*\(",
        "moves money through Stripe",
        "code",
    ),
    Rule(
        "move_money",
        rf"\b{_RECEIVER}(?:invoice|payment|bill){_RECEIVER}\.pay\s*\(|\b(?:transfer|send|wire|move)_"
        r"(?:funds|money|payments?|crypto|tokens?|eth|btc|usdc|cash)\s*\(|\b(?:make|create|execute|"
        r"process|submit|initiate|send|issue)_(?:payment|payout|transfer|refund|charge|wire|trade|"
        r"order|purchase)s?\s*\(|\b(?:place|submit)_?(?:order|trade|bet)\s*\(",
        "makes a payment, transfer or order",
        "code",
        refine=_a_call,
    ),
    Rule(
        "move_money",
        r"\b(?:payout|payment|charge|transfer|refund|transaction)\w*\s*\([^()]*(?:\([^()]*\)[^()]*)*\)"
        r"\s*\.\s*(?:create|execute|submit|send|confirm|capture)\s*\(",
        "creates a payment, payout or transfer",
        "code",
    ),
    Rule(
        "move_money",
        r"\b\w*wallet\w*\.(?:send|transfer|pay)\w*\s*\(|\.send\w*\s*\([^)]*\bamount\s*=",
        "sends money from a wallet",
        "code",
    ),
    Rule(
        "move_money",
        r"\.transfer(?:from)?\s*\(|\bsend_?(?:raw_?)?transaction\s*\(|\btransaction\.sale\s*\(|"
        r"\bpayment\.(?:create|execute)\s*\(|\.withdraw\s*\(|(?<![\w.])withdraw\s*\(|"
        r"(?<![\w.])charge(?:_card|_customer)?\s*\(",
        "moves money",
        "code",
    ),
    # HTTP
    Rule(
        "http_write",
        r"\b(?:requests|httpx|aiohttp|urllib3|axios|got|superagent|ky|needle|treq|grequests)\."
        r"(?:post|put|patch|delete)\s*\(",
        "sends an HTTP write request",
        "code",
    ),
    Rule(
        "http_write",
        rf"\b{_RECEIVER}(?:session|client|sess|http|api|conn|connection|rest){_RECEIVER}\."
        r"(?:post|put|patch|delete)\s*\(|\bs\.(?:post|put|patch|delete)\s*\(",
        "sends an HTTP write request",
        "code",
        refine=_not_a_route,
    ),
    Rule(
        "http_write",
        r"\.request\s*\(\s*(?:method\s*=\s*)?['\"](?:post|put|patch|delete)['\"]|"
        r"\b(?:method|type|httpmethod|http_method)\s*[=:]\s*['\"`](?:post|put|patch|delete)['\"`]|"
        r"\.open\s*\(\s*['\"](?:post|put|patch|delete)['\"]|\$\.post\s*\(",
        "sends an HTTP write request",
        "code",
    ),
    Rule(
        "http_write",
        r"\burlopen\s*\([^)]*\bdata\s*=|\brequest\.request\s*\([^)]*\bdata\s*=",
        "sends an HTTP POST (urllib with data)",
        "code",
    ),
    Rule(
        "http_write", r"\bmutation\s*(?:\w+\s*)?(?:\([^)]*\)\s*)?\{", "a GraphQL mutation changes remote data", "code"
    ),
    Rule(
        "http_write",
        r"\.(?:upload_file|upload_fileobj|put_object|upload_blob|upload_from_filename|"
        r"upload_from_string)\s*\(",
        "uploads to remote storage",
        "code",
    ),
    # code that cannot be read
    Rule(
        "opaque_exec",
        r"\b(?:exec|eval)\s*\([^)\n]*(?:b64decode|a85decode|b32decode|b16decode|fromhex|unhexlify|"
        r"decompress|\.decode\s*\(|codecs\.|rot_?13|chr\s*\(|atob\s*\()",
        "executes decoded text",
        "code",
    ),
    Rule(
        "opaque_exec",
        r"\b__import__\s*\(\s*['\"](?:os|shutil|subprocess|smtplib|requests|ctypes|pty)['\"]|"
        r"\bgetattr\s*\(\s*(?:os|shutil|subprocess|smtplib|requests|httpx)\s*,",
        "looks up a dangerous function by name",
        "code",
    ),
    Rule("opaque_exec", r"\b(?:bash|sh|zsh|source|\.)\s+<\(", "runs a script it downloads", "code"),
    # machines
    Rule("system", r":\(\)\s*\{\s*:\s*\|\s*:\s*&\s*\}\s*;\s*:", "a fork bomb", "code"),
    Rule("system", r">\s*/dev/(?:sd[a-z]|nvme\d|hd[a-z]|disk\d|xvd[a-z])\b", "overwrites a disk device", "code"),
]
