"""The pattern rules :class:`hitl_modes.RiskPolicy` reads code and prose with, as data.

Shell commands are read by :mod:`hitl_modes.risk.shell` (flags in any order); these rules
cover what a command parser cannot see: library calls in Python and JavaScript, SQL, and plain
sentences. Each rule names a category, so a reason reads "deletes files: ...".

A code rule runs on code with comments and printed text blanked out (see
:mod:`hitl_modes.risk.code_text`). A prose rule runs on one clause at a time, and is ignored when the
clause negates it ("do not delete anything") or calls it a dry run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable, List, Optional, Pattern, Tuple, Union

__all__ = ["Rule", "CATEGORIES", "CODE_RULES", "PROSE_RULES", "DEFAULT_RULES"]

#: Risk categories and how a reason names them.
CATEGORIES = {
    "delete_files": "deletes files",
    "delete_data": "deletes or overwrites stored data",
    "force_push": "rewrites or deletes shared git history",
    "deploy": "deploys or publishes",
    "destroy_infra": "destroys or stops infrastructure",
    "send_email": "sends email or messages to people",
    "move_money": "moves money",
    "http_write": "changes a remote system over HTTP",
    "system": "shuts down, wipes or disables a machine",
    "opaque_exec": "runs code that cannot be read here",
}

WHERE = ("code", "prose", "any")

#: ``refine(text, match)`` returns False to drop a match, True to keep it, or a str to keep it
#: with that reason instead of the rule's.
Refine = Callable[[str, "re.Match[str]"], Union[bool, str]]


@dataclass(frozen=True)
class Rule:
    """A regular expression that marks an action as high risk.

    ``where``: ``"code"`` (code blocks and inline code), ``"prose"`` (sentences, negation-aware),
    or ``"any"``. ``dry_run_aware``: a dry-run marker on the same line (``--dry-run``,
    ``dry_run=True``) makes it low. Patterns are case-insensitive unless ``flags`` says otherwise.
    """

    category: str
    pattern: str
    reason: str
    where: str = "any"
    dry_run_aware: bool = False
    flags: int = re.IGNORECASE
    refine: Optional[Refine] = None
    regex: Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.category or not isinstance(self.category, str):
            raise ValueError(
                f"Rule needs a category (one of {', '.join(CATEGORIES)} or your own), got {self.category!r}"
            )
        if self.where not in WHERE:
            raise ValueError(f"Rule.where must be one of {', '.join(WHERE)}, got {self.where!r}")
        try:
            compiled = re.compile(self.pattern, self.flags)
        except re.error as e:
            raise ValueError(f"Rule pattern {self.pattern!r} is not a valid regular expression: {e}") from e
        object.__setattr__(self, "regex", compiled)


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


_NOUN_BEFORE = {
    "the",
    "a",
    "an",
    "this",
    "that",
    "each",
    "every",
    "error",
    "warning",
    "commit",
    "last",
    "latest",
    "previous",
    "failed",
    "recent",
    "successful",
    "next",
    "first",
    "new",
    "our",
    "your",
    "their",
    "my",
    "its",
    "his",
    "her",
    "of",
    "for",
    "per",
    "whose",
    "which",
    "no",
    "any",
    "one",
    "daily",
    "weekly",
    "nightly",
    "production",
    "staging",
    "canary",
    "blue-green",
    "rolling",
    "automated",
    "manual",
}


def _used_as_verb(text: str, m: re.Match[str]) -> Union[bool, str]:
    """``deploy`` after ``the``/``a``/``last`` is a noun ("the deploy failed")."""
    before = re.findall(r"[\w'-]+", text[: m.start()])
    return not (before and before[-1].lower() in _NOUN_BEFORE)


_DRAFTING = re.compile(
    r"\b(?:draft|drafting|compose|composing|write|writing|prepare|preparing|template|function|"
    r"script|code|method|helper|snippet|example|program|tool|class|module|test)\b",
    re.I,
)


def _sending_now(text: str, m: re.Match[str]) -> Union[bool, str]:
    """ "Draft an email to send to Bob" and "a function that sends" describe, they do not send."""
    before = text[: m.start()]
    if re.search(r"\b(?:to|for|before|that|which|ready\s+to)\s*$", before, re.I) and _DRAFTING.search(before):
        return False
    return _used_as_verb(text, m)


# -- building blocks for prose -----------------------------------------------------------------
_FILLER = r"(?:[\w'./*~$-]+\s+){0,5}?"
_FILLER3 = r"(?:[\w'./*~$-]+\s+){0,3}?"
_PATH = (
    r"(?:~|\.{0,2}/)[\w./*~-]*|[\w.-]+/[\w./*~-]*|\*\.\w+|"
    r"[\w-]+\.(?:txt|log|csv|json|db|sqlite3?|py|md|bak|tmp|zip|tar|gz|pdf|docx?|xlsx?|pptx?|png|jpe?g|yaml|yml|env|key|pem)\b"
)
_DELETE_VERB = (
    r"(?:delete|deleting|remove|removing|erase|erasing|wipe|wiping|purge|purging|nuke|nuking|shred|"
    r"shredding|destroy|destroying|obliterate|obliterating|clean\s+up|cleaning\s+up|clear\s+out|"
    r"clearing\s+out|get\s+rid\s+of|getting\s+rid\s+of|empty|emptying|trash|trashing|discard|discarding)"
)
_FILE_OBJECTS = (
    r"(?:files?|folders?|director(?:y|ies)|dirs?|home\s+dir(?:ectory)?|photos|documents|downloads|"
    r"backups?|snapshots?|archives?|logs?|log\s+files|uploads|attachments|disks?|drives?|partitions?|"
    r"volumes?|trash|recycle\s+bin|everything|all\s+data|the\s+data|(?:docker|container)\s+images?)"
)
_DATA_OBJECTS = (
    r"(?:databases?|db|dbs|tables?|records?|rows?\s+(?:from|in)\s+(?:the\s+)?\w+\s+table|accounts?|users?|"
    r"customers?|customer\s+data|user\s+data|e-?mails|inbox|mailbox|repos?|repositor(?:y|ies)|"
    r"branch(?:es)?|buckets?|collections?|indexes|indices|schemas?|production\s+data|prod\s+data|"
    r"(?:api\s+)?keys|secrets|tenants?|orders|transactions|commits|releases|objects\s+in\s+\S+)"
)
#: "remove duplicates from the list" is computation, not deletion.
_IN_MEMORY_TAIL = (
    r"(?!\s+(?:from|in|of|inside|within)\s+(?:the\s+|this\s+|that\s+|my\s+|your\s+|a\s+|each\s+)?"
    r"(?:[\w-]+\s+)?(?:list|array|string|text|dataframe|df|data\s*frame|dict|dictionary|set|tuple|"
    r"output|series|columns?|plot|chart|graph|figure|sentence|variable|json|csv|spreadsheet|sheet|"
    r"result|results|response|prompt|message|report|draft|body|page|slide|view|screen|ui|display|"
    r"diagram|code|function|snippet|filename|path|regex|buffer|memory|cache|query|selection|"
    r"cart|queue|stack|map|table\s+in\s+the\s+report)\b)"
)
_MONEY_AMOUNT = (
    r"(?:[$€£¥₹]\s?\d|\d[\d,.]*\s?(?:k|m|mm|bn)?\s?(?:usd|eur|gbp|jpy|chf|cad|aud|inr|dollars?|euros?|"
    r"pounds|bucks|btc|eth|bitcoin|ether|usdc|usdt|sats)\b)"
)
_INFRA = (
    r"(?:environments?|envs?|clusters?|stacks?|infrastructure|infra|instances?|servers?|vms?|virtual\s+machines?|"
    r"nodes?|namespaces?|deployments?|resources|resource\s+groups?|staging|production|prod|services?|"
    r"machines?|pods?|containers?|load\s+balancers?|vpcs?|dns\s+records?|domains?|apps?\s+in\s+production|"
    r"kubernetes|k8s|ec2|rds|lambda)"
)

PROSE_RULES: List[Rule] = [
    # deleting
    Rule(
        "delete_files",
        rf"\b{_DELETE_VERB}\s+(?:{_PATH}|{_FILLER}{_FILE_OBJECTS}\b{_IN_MEMORY_TAIL})",
        "deletes files",
        "prose",
    ),
    Rule(
        "delete_data",
        rf"\b{_DELETE_VERB}\s+{_FILLER}{_DATA_OBJECTS}\b{_IN_MEMORY_TAIL}",
        "deletes stored data",
        "prose",
    ),
    Rule(
        "delete_data",
        rf"\b(?:drop|dropping|truncate|truncating)\s+{_FILLER3}(?:tables?|databases?|db|schemas?|"
        r"collections?|keyspaces?)\b",
        "drops or truncates a table or database",
        "prose",
    ),
    Rule(
        "delete_data",
        r"\b(?:reset|resetting|overwrite|overwriting|wipe|wiping)\s+(?:the\s+)?(?:production|prod|"
        r"live|customer)\s+(?:database|db|data)\b",
        "overwrites production data",
        "prose",
    ),
    # git
    Rule(
        "force_push",
        r"\bforce[\s-]?push(?:ing)?\b|\bpush(?:ing)?\s+(?:[\w/.-]+\s+){0,3}?(?:with\s+)?"
        r"(?:--force\b|-f\b|force\b)|\boverwrit(?:e|ing)\s+(?:the\s+)?(?:remote|upstream|origin|shared)"
        r"\b|\brewrit(?:e|ing)\s+(?:the\s+)?(?:git\s+|commit\s+|shared\s+|public\s+)?history\b",
        "force-pushes or rewrites shared history",
        "prose",
        dry_run_aware=True,
    ),
    # deploying and infrastructure
    Rule(
        "deploy",
        r"\b(?:re)?deploy(?:ing)?\b(?!\s+(?:logs?|status|history|pipeline|config\w*|docs?|documentation|"
        r"keys?|times?|preview|window|freeze|process|checklist|notes|plan|scripts?|targets?|"
        r"environment\s+variables)\b)",
        "deploys",
        "prose",
        dry_run_aware=True,
        refine=_used_as_verb,
    ),
    Rule(
        "deploy",
        r"\b(?:release|releasing|ship|shipping|roll(?:ing)?\s+out|promote|promoting|push|pushing|publish|"
        r"publishing|launch|launching|put|putting|rollout)\s+(?:[\w.'-]+\s+){0,4}?(?:to|in|into|on|onto)\s+"
        r"(?:the\s+)?(?:prod|production|live|customers|all\s+users|everyone|pypi|npm|crates\.io|rubygems|"
        r"docker\s*hub|app\s+store|play\s+store|marketplace|main\s+site|public)\b",
        "releases to production or the public",
        "prose",
        dry_run_aware=True,
    ),
    Rule(
        "deploy",
        r"\b(?:roll(?:ing)?\s+back|rollback|revert(?:ing)?|downgrad(?:e|ing))\s+(?:the\s+)?(?:prod|production|"
        r"live|deployment|release|site|cluster|service)\b",
        "rolls back production",
        "prose",
        dry_run_aware=True,
    ),
    Rule(
        "deploy",
        r"\bgo(?:ing)?\s+live\b|\b(?:run|trigger|start|kick\s+off|execute|launch)\s+(?:the\s+|a\s+)?"
        r"(?:[\w-]+\s+)?(?:deploy(?:ment)?|release|rollout|publish)\b(?!\s+(?:logs?|status|history)\b)",
        "starts a deployment",
        "prose",
        dry_run_aware=True,
    ),
    Rule(
        "deploy",
        r"\bpublish(?:ing)?\s+(?:[\w.'-]+\s+){0,3}?(?:package|release|version|library|crate|gem|image|"
        r"post|article|blog\s+post|site|website|page|app|docs|extension|update|changes)\b",
        "publishes",
        "prose",
        dry_run_aware=True,
    ),
    Rule(
        "destroy_infra",
        rf"\b(?:destroy|destroying|tear(?:ing)?\s+down|teardown|decommission(?:ing)?|terminate|"
        r"terminating|shut(?:ting)?\s+down|delete|deleting|kill|killing|deprovision(?:ing)?|"
        r"scale\s+down|scaling\s+down|stop|stopping|remove|removing|nuke|nuking|drain|draining|"
        rf"disable|disabling)\s+{_FILLER3}{_INFRA}\b{_IN_MEMORY_TAIL}",
        "destroys or stops infrastructure",
        "prose",
        dry_run_aware=True,
    ),
    Rule(
        "system",
        r"\b(?:reboot|rebooting|restart|restarting|shut(?:ting)?\s+down|power(?:ing)?\s+off|format|"
        r"formatting|re-?image|re-?imaging|wipe|wiping)\s+(?:[\w.'-]+\s+){0,2}?(?:servers?|machines?|"
        r"hosts?|production|prod|database|db|cluster|nodes?|computer|laptop|disk|drive|partition|"
        r"hard\s+drive|ssd|system|os|router|firewall)\b",
        "reboots, shuts down or wipes a machine",
        "prose",
        dry_run_aware=True,
    ),
    # messages
    Rule(
        "send_email",
        r"\b(?:send|sending|resend|resending|forward|forwarding|dispatch|dispatching|fire\s+off|"
        r"shoot\s+off|blast|blasting|mail\s+out|deliver|delivering)\s+(?:out\s+)?"
        r"(?:[\w.'@-]+\s+){0,4}?(?:e-?mails?|mails?|newsletters?|messages?|sms|texts?|"
        r"text\s+messages?|invoices?|invitations?|invites?|replies|reply|notifications?|"
        r"announcements?|letters?|memos?|campaigns?|dms?|follow-?ups?|alerts?|reminders?|receipts?|"
        r"offers?|quotes?|proposals?|press\s+release|slack\s+messages?|whatsapp)\b",
        "sends a message",
        "prose",
        refine=_sending_now,
    ),
    Rule(
        "send_email",
        r"(?i:\b(?:send|sending|forward|forwarding|email|emailing|e-mail|mail|mailing)\s+"
        r"(?:it|them|this|that|these|those|(?:the|this|that|our|my|your|these|those|a|an|all)\s+"
        r"(?:[\w'-]+\s+){0,3}?[\w'-]+)\s+(?:out\s+|over\s+|along\s+|back\s+)?to\s+(?:the\s+|our\s+|"
        r"my\s+|all\s+|every\s+)?)(?:[A-Z][a-z]+\b|(?i:[\w.+-]+@[\w-]+\.[\w.]+|(?:[\w-]+\s+)?"
        r"(?:board|team|customers?|clients?|boss|manager|ceo|cfo|cto|everyone|everybody|all|staff|"
        r"employees|subscribers|stakeholders|investors|legal|hr|finance|support|sales|members|users|"
        r"recipients|list|mailing\s+list|him|her|them|me|us|press|journalists?|partners?|vendors?|"
        r"suppliers?|auditors?|regulators?|landlord|lawyer|accountant|group|channel)\b))",
        "sends something to people",
        "prose",
        flags=0,
        refine=_sending_now,
    ),
    Rule(
        "send_email",
        r"\b(?:e-?mail|emailing|text|texting|sms|dm|message|messaging|notify|notifying|ping|pinging)\s+"
        r"(?:(?:the|all|all\s+the|every|our|my|your|each)\s+)?(?:[\w-]+\s+){0,2}?(?:customers?|"
        r"clients?|users?|team|everyone|everybody|staff|employees|subscribers|stakeholders|board|ceo|"
        r"cfo|manager|boss|investors|members|recipients|contacts|mailing\s+list|him|her|them|"
        r"[\w.+-]+@[\w-]+\.[\w.]+)\b",
        "sends a message to people",
        "prose",
        refine=_used_as_verb,
    ),
    Rule(
        "send_email",
        r"\b(?:e-?mail|emailing|text|texting|sms|dm|message|messaging|page|paging|whatsapp)\s+"
        r"(?:the|my|our|your|their|his|her|all|every|each)\s+[\w'-]+"
        r"(?!.*\b(?:to\s+me|here|in\s+(?:the|this)\s+chat)\b)",
        "sends a message to people",
        "prose",
        refine=_used_as_verb,
    ),
    Rule(
        "send_email",
        r"\b(?:reply|replying|respond|responding)\s+to\s+(?:(?:the|this|that|her|his|their|all|every|"
        r"each)\s+)?(?:[\w'-]+\s+){0,4}?(?:customers?|clients?|e-?mails?|threads?|tickets?|tweets?|"
        r"messages?|comments?|reviews?|him|her|them|sender|applicants?|candidates?)\b",
        "replies to people",
        "prose",
        refine=_used_as_verb,
    ),
    Rule(
        "send_email",
        r"\b(?:post|posting|send|sending|publish|publishing)\s+(?:a|an|the|this|our|my)\s+"
        r"(?:[\w-]+\s+){0,2}?(?:tweet|toot|linkedin\s+post|status\s+update|press\s+release)\b|"
        r"\btweet(?:ing)?\s+(?:about|that|the|this|our|a|an)\b",
        "posts publicly",
        "prose",
        refine=_used_as_verb,
    ),
    Rule(
        "send_email",
        r"\b(?:post|posting|tweet|tweeting|share|sharing|announce|announcing)\s+"
        r"(?:[\w.'#@-]+\s+){0,4}?(?:to|on|in)\s+(?:the\s+)?(?:slack|twitter|x\.com|linkedin|facebook|"
        r"instagram|mastodon|discord|teams|reddit|hacker\s+news|#[\w-]+|[\w-]+\s+channel|channel|"
        r"forum|social\s+media|blog|mailing\s+list|public)\b",
        "posts publicly",
        "prose",
    ),
    # money
    Rule(
        "move_money",
        rf"\b(?:transfer|transferring|wire|wiring|send|sending|pay|paying|remit|remitting|move|moving|"
        rf"withdraw|withdrawing|deposit|depositing|donate|donating|refund|refunding|charge|charging|"
        rf"tip|tipping|lend|lending|invest|investing)\s+(?:[\w.'@-]+\s+){{0,4}}?{_MONEY_AMOUNT}",
        "moves money",
        "prose",
    ),
    Rule(
        "move_money",
        rf"{_MONEY_AMOUNT}[\w,.]*\s+(?:[\w.'-]+\s+){{0,3}}?(?:from|to|into)\s+(?:the\s+|my\s+|our\s+|"
        r"their\s+|his\s+|her\s+)?(?:[\w'-]+\s+)?(?:account|acct|iban|wallet|vendor|supplier|"
        r"contractor|savings|checking|card)\b",
        "moves money between accounts",
        "prose",
    ),
    Rule(
        "move_money",
        r"\b(?:transfer|transferring|wire|wiring|send|sending|move|moving)\s+(?:(?:the|all|all\s+the|"
        r"my|our|their|some|remaining)\s+)?(?:[\w-]+\s+){0,2}?(?:funds|money|payments?|cash|crypto|"
        r"bitcoin|tokens|salary|salaries|payroll|deposit|balance|savings)\b",
        "moves money",
        "prose",
    ),
    Rule(
        "move_money",
        r"\b(?:pay|paying|settle|settling|pay\s+off|paying\s+off)\s+(?:(?:the|this|that|all|all\s+the|"
        r"our|my|their|outstanding|open|overdue|pending)\s+)*(?:[\w-]+\s+){0,2}?(?:invoices?|bills?|"
        r"vendors?|suppliers?|contractors?|balance|rent|fees?|fine|tax|taxes|him|her|them|employees|"
        r"staff|payroll|loan|debt|mortgage|dues|subscription|freelancers?)\b",
        "pays someone",
        "prose",
        refine=_used_as_verb,
    ),
    Rule(
        "move_money",
        r"\b(?:make|making|issue|issuing|initiate|initiating|submit|submitting|execute|executing|"
        r"authorize|authorizing|send|sending|place|placing|process|processing)\s+(?:(?:the|a|an|this|"
        r"that|all)\s+)?(?:[\w-]+\s+){0,2}?(?:payments?|payouts?|refunds?|wire\s+transfers?|wires?|"
        r"bank\s+transfers?|(?:buy|sell|market|limit|stop)\s+orders?|trades?|donations?|purchases?)\b",
        "makes a payment or trade",
        "prose",
    ),
    Rule(
        "move_money",
        r"\b(?:refund|refunding|charge|charging|debit|debiting|credit|crediting)\s+(?:(?:the|this|that|"
        r"all|each|every)\s+)?(?:[\w'-]+\s+){0,2}?(?:customers?|customer's|clients?|cards?|"
        r"credit\s+cards?|accounts?|users?|buyers?|him|her|them|subscribers?)\b",
        "charges or refunds someone",
        "prose",
        refine=_used_as_verb,
    ),
    Rule(
        "move_money",
        r"\b(?:buy|buying|purchase|purchasing|sell|selling|short|shorting)\s+(?:all\s+(?:of\s+)?)?"
        r"(?:\d[\d,.]*\s+|my\s+|our\s+|the\s+)?(?:[\w.'-]+\s+){0,2}?(?:shares?|stocks?|options|"
        r"contracts|bitcoin|btc|eth|crypto|bonds?|etfs?|units|positions?|licen[cs]es?|subscriptions?|"
        r"domains?|tickets?|ads?|gift\s+cards?)\b",
        "buys or sells",
        "prose",
    ),
    # HTTP
    Rule(
        "http_write",
        r"\b(?:send|sending|make|making|issue|issuing|do|doing|fire|firing|perform|performing|"
        r"execute|executing)\s+(?:an?\s+|the\s+)?(?:http\s+)?(?:post|put|patch|delete)\s+"
        r"(?:request|call|to)\b",
        "sends an HTTP request that changes data",
        "prose",
    ),
    Rule(
        "http_write",
        r"\b(?:post|posting|put|putting|patch|patching)\s+(?:[\w.'\"{}:-]+\s+){0,4}?to\s+"
        r"(?:the\s+|our\s+|their\s+|this\s+|that\s+)?(?:[\w.-]+\s+)?(?:api|endpoint|webhook|server|url|"
        r"service|backend|crm|https?://\S+|/[\w/{}-]+)",
        "sends data to a remote system",
        "prose",
    ),
    Rule(
        "http_write",
        r"\b(?:call|calling|hit|hitting|use|using)\s+(?:(?:the|our|their|this|that)\s+)?"
        r"(?:[\w-]+\s+){0,3}?(?:api|endpoint|webhook)\s+to\s+(?:create|update|delete|remove|cancel|"
        r"submit|modify|change|add|insert|upload|post|close|merge|revoke|disable|deactivate|suspend|"
        r"ban|block|approve|reject|refund|charge|pay|transfer|send|publish|register|enroll|overwrite|"
        r"reset|rotate)\b",
        "changes a remote system through its API",
        "prose",
    ),
    Rule(
        "http_write",
        r"\b(?:trigger|triggering|fire|firing|invoke|invoking|call|calling|hit|hitting)\s+"
        r"(?:(?:the|our|their|this|that)\s+)?(?:[\w-]+\s+){0,2}?webhooks?\b",
        "triggers a webhook",
        "prose",
    ),
    Rule(
        "http_write",
        r"\bsubmit(?:ting)?\s+(?:(?:the|this|that|my|our|your|a|an)\s+)?(?:[\w-]+\s+){0,2}?(?:form|"
        r"application|order|claim|payment|ticket|tax\s+return|filing|expense\s+report)\b",
        "submits a form or order",
        "prose",
    ),
    Rule(
        "http_write",
        r"\bupload(?:ing)?\s+(?:[\w./*'-]+\s+){0,4}?to\s+(?:the\s+|our\s+|their\s+|a\s+)?"
        r"(?:[\w'-]+\s+){0,2}?(?:s3|gcs|bucket|server|cloud|"
        r"drive|google\s+drive|dropbox|onedrive|sharepoint|ftp|sftp|website|site|api|cdn|registry|"
        r"[\w-]+\.(?:com|org|net|io))\b",
        "uploads to a remote system",
        "prose",
    ),
    Rule(
        "http_write",
        r"\b(?:merge|merging|close|closing|delete|deleting)\s+(?:(?:the|this|that|a|all)\s+)?"
        r"(?:[\w#-]+\s+){0,2}?(?:pull\s+requests?|prs?|merge\s+requests?|mrs?|issues?\s+on\s+github)\b",
        "merges or closes pull requests",
        "prose",
    ),
    # library names in sentences ("I'll call shutil.rmtree on build/")
    Rule(
        "delete_files",
        r"\b(?:shutil\.rmtree|os\.(?:remove|unlink|rmdir|removedirs)|fs\.(?:rm|unlink)(?:sync)?)\b",
        "deletes files",
        "prose",
    ),
    Rule(
        "http_write", r"\b(?:requests|httpx|axios)\.(?:post|put|patch|delete)\b", "sends an HTTP write request", "prose"
    ),
    Rule("send_email", r"\bsmtplib\b|\bsendmail\b|\bsend_mail\(", "sends email", "prose"),
]

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

DEFAULT_RULES: Tuple[Rule, ...] = tuple(CODE_RULES + PROSE_RULES)
