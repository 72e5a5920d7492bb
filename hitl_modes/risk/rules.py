"""The pattern rules :class:`hitl_modes.RiskPolicy` reads code and prose with, as data.

Shell commands are read by :mod:`hitl_modes.risk.shell` (flags in any order); these rules
cover what a command parser cannot see: library calls in Python and JavaScript, SQL, and plain
sentences. Each rule names a category, so a reason reads "deletes files: ...".

A code rule runs on code with comments and printed text blanked out (see
:mod:`hitl_modes.risk.code_text`). A prose rule runs on one clause at a time, and is ignored when the
clause negates it ("do not delete anything") or calls it a dry run.
"""

from __future__ import annotations

from typing import Tuple

from .code_rules import CODE_RULES
from .prose_rules import PROSE_RULES
from .rule import Rule

__all__ = ["DEFAULT_RULES"]

#: Every default rule, code rules first.
DEFAULT_RULES: Tuple[Rule, ...] = tuple(CODE_RULES + PROSE_RULES)
