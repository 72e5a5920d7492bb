"""Prose rules: plain sentences that announce an action ("I'll wipe the staging cluster now").

Each runs on one clause at a time; the policy ignores a clause that negates it ("do not delete
anything") or calls it a dry run. A ``refine`` function drops nouns used as verbs and drafting talk.
"""

from __future__ import annotations

import re
from typing import List, Union

from .rule import Rule

__all__ = ["PROSE_RULES"]

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
