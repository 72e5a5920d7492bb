"""Approvals: a person decides before an agent acts, and the decision is recorded.

One concept: gates in front of irreversible actions, the words a person answers them with, and the
durable log of what was decided.

Modules:
    vocabulary  every gate's reply words side by side (Enter, approve, exit, REVISE ...)
    audit       AuditLog: one fsync-ed JSON line per decision
    draft_gate  DraftApprovalGate: an email sent only after APPROVE (Lesson 09)
    risk_gate   RiskGatedProxy: low risk runs, high risk asks (Lesson 10)
    code_gate   ApprovalGate: a human in front of a code executor (Lesson 12)
"""
