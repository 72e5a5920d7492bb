"""Lesson 10 exercises: teach the risk policy a rule of your own team."""

from __future__ import annotations

from typing import Any

from . import RAISED, Checker, CheckResult

__all__ = ["check_permissions_rule"]

_HIGH = [
    ("```bash\nchmod -R 777 /var/www\n```", "opening every permission on a tree"),
    ("```bash\nsudo chmod 777 /etc/passwd\n```", "making a system file writable by everyone"),
    ("```sh\nchmod -R a+rwx ~/project\n```", "the symbolic form a+rwx"),
    ("```python\nimport os\nos.chmod('/srv/data', 0o777)\n```", "the same thing from Python"),
    ("```bash\nrm -rf build/\n```", "the default rules still apply (rm -rf)"),
]
_LOW = [
    ("```bash\nchmod 644 notes.txt\n```", "ordinary permissions on one file"),
    ("```bash\nchmod +x run.sh\n```", "making a script executable"),
    ("```bash\nls -l /var/www\n```", "listing permissions"),
    ("The file mode 777 means everyone may write it.", "explaining what 777 means"),
]


def check_permissions_rule(policy: Any) -> CheckResult:
    """Exercise 1: ``policy`` (a RiskPolicy with your extra rule) rates world-writable permissions
    (``777``, ``a+rwx``) high and ordinary ``chmod`` low, and keeps the default rules."""
    c = Checker("Exercise 1: world-writable permissions are high risk")
    if not hasattr(policy, "assess"):
        c.expect(False, f"pass a RiskPolicy (built with extra_rules=[Rule(...)]), got {type(policy).__name__}")
        return c.result
    for text, why in _HIGH + _LOW:
        expected = "high" if (text, why) in _HIGH else "low"
        got = c.call(policy.assess, text, explanation=why)
        if got is RAISED:
            continue
        level = getattr(got, "level", got)
        found = "; ".join(getattr(got, "reasons", []) or []) or "no reasons given"
        hint = (
            "no rule of yours matched it: widen your pattern"
            if expected == "high"
            else "your rule matched harmless code: narrow your pattern"
        )
        c.expect(
            level == expected,
            f"{why}: expected {expected}, got {level!r} for {text.strip()!r} (the policy said: {found}; {hint})",
        )
    return c.result
