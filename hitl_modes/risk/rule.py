"""The rule type :class:`hitl_modes.RiskPolicy` reads code and prose with, and the risk categories.

The default rules themselves are data in :mod:`hitl_modes.risk.code_rules` and
:mod:`hitl_modes.risk.prose_rules`; :mod:`hitl_modes.risk.rules` gathers them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable, Optional, Pattern, Union

__all__ = ["Rule", "CATEGORIES", "WHERE", "Refine"]

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
