# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Lesson 07 — An approval gate: nothing is sent until a person approves
#
# Some actions cannot be taken back: an email, once sent, is in someone's inbox. An agent that
# drafts one should not also decide to send it. This lesson puts a **gate** between the drafter and
# the send:
#
# - a drafter (an `AssistantAgent`) writes the email;
# - a reviewer agent shows each draft to a person, through AutoGen's own `get_human_input`, and reads
#   the answer: **`APPROVE`** sends it, **`REVISE <feedback>`** (or any other text) sends it back to
#   the drafter, **`REJECT`**, **`exit`**, Enter or **no answer in time** end the chat with nothing sent;
# - the send is a real side effect, a file in an `outbox/` folder, and it happens **exactly once**;
# - the approved draft is returned to the caller, and every decision is written to an audit log
#   **before** the gate acts on it.
#
# The gate is `hitl_modes.DraftApprovalGate`, one reply function registered on the reviewer with
# AutoGen's `register_reply`. Only the model is scripted. Run with `--human console` (in a notebook,
# `%env HITL_HUMAN=console`; see below) to be the reviewer, and with `--audit-log PATH` to keep the
# decisions in a file of your choice.

# %% [markdown]
# ### Running this lesson, and being the human
#
# In a terminal: `.venv/bin/hitl-modes lesson 7`. As a notebook: in JupyterLab started with
# `make lab`, which runs from the project's `.venv`, with the kernel **Python 3 (ipykernel)** (it has
# `hitl_modes` and `pyautogen==0.2.35`).
#
# A scripted human answers by default, so every claim is checked. To type the human's part yourself,
# add `--human console` in a terminal; in a notebook, run `%env HITL_HUMAN=console` in a new cell
# above the setup cell below, then run the notebook from that cell on. Each time AutoGen asks, it
# waits for your answer (in a box under the cell in a notebook): press Enter, type feedback, or
# type `exit`.
#
# - After an Enter, AutoGen prints `>>>>>>>> NO HUMAN INPUT RECEIVED.` in red. It is not an error: it
#   notes that you typed nothing, and AutoGen then does what Enter means at that prompt.
# - To stop a chat that waits for you, type `exit`: the chat ends and the lesson goes on. To stop the
#   whole lesson, interrupt it (the notebook's ■ *Interrupt the kernel* button, or Ctrl-C in a
#   terminal): it stops with one line saying so, and sends no reply. `%env HITL_HUMAN=script`, then
#   the setup cell again, brings the scripted human back.

# %%
import tempfile
import time
from pathlib import Path

from hitl_modes import AuditLog, DraftApprovalGate, SlowHuman, read_audit_log, summarize_audit_log
from hitl_modes.approvals.vocabulary import REVIEW_DECISIONS
from hitl_modes.course.exercises.lesson07 import check_review_decision
from hitl_modes.course.lesson import Lesson
from hitl_modes.errors import AlreadySentError

lesson = Lesson.setup(7, "Approval gate: nothing is sent until a person approves")

workspace = Path(tempfile.mkdtemp(prefix="hitl-lesson07-"))
OUTBOX = workspace / "outbox"
audit = AuditLog(lesson.audit_log or workspace / "audit.jsonl")
print(f"outbox: {OUTBOX}\naudit log: {audit.path}")

TO = "team@example.com"
TASK = "Draft a two-line email to the team announcing that the new dashboard launches on Tuesday."
SYSTEM = (
    "You write short emails. Start with a 'Subject: ...' line, then the body. When you get feedback, "
    "reply with the whole revised email and nothing else."
)
DRAFT_1 = "Subject: New dashboard\n\nHi team,\nthe new dashboard launches on Monday. Enjoy!"
DRAFT_2 = "Subject: New dashboard launches Tuesday\n\nHi team,\nthe new dashboard launches on Tuesday. Enjoy!"

# %% [markdown]
# ## 1. Revise, then approve
#
# The reviewer starts the chat with the task. Each time the drafter answers, the gate shows the
# draft and waits. The first draft has the wrong day, so the reviewer asks for a revision; the
# second is approved, and only then is anything written to the outbox.

# %%
drafter = lesson.assistant("drafter", [DRAFT_1, DRAFT_2], system_message=SYSTEM)
launch_gate = DraftApprovalGate(OUTBOX, to=TO, audit_log=audit, message_id="dashboard-launch")
reviewer = launch_gate.reviewer("reviewer")
with lesson.human(["REVISE: the launch is on Tuesday, not Monday.", "APPROVE"], mode="ALWAYS"):
    run = lesson.run(reviewer, drafter, TASK, title="revise, then approve")

outbox = launch_gate.outbox
result = launch_gate.result
print(f"status: {result.status}; decisions: {[r.decision for r in result.reviews]}")
print(f"the approved draft, returned to the caller:\n{result.draft}\n")
if result.sent_path:
    print(f"--- {result.sent_path.name} ---\n{result.sent_path.read_text()}")

lesson.claim(
    "the reviewer saw two drafts and revised the first",
    [r.decision for r in result.reviews] == ["feedback", "approved"],
)
lesson.claim(
    "the feedback reached the drafter's model", "Tuesday, not Monday" in drafter.hitl_llm.calls[-1].last_content
)
lesson.claim("exactly one email is in the outbox, sent after APPROVE", outbox.sent() == [result.sent_path])
lesson.claim("the timeline ends with the gate's decision: approved", run.trace.stop.reason == "gate_decision")
lesson.claim(
    "the approved draft is returned, and it is what was sent",
    result.draft == DRAFT_2 and "launches on Tuesday" in result.sent_path.read_text(),
)

# %% [markdown]
# ## 2. Nothing is sent on REJECT, `exit` or Enter
#
# A gate is only as good as its default. Here each answer that is not `APPROVE` is tried on a fresh
# draft (a fresh gate, so a fresh message id): the chat ends and the outbox does not change. Note that
# Enter, which in `human_input_mode="ALWAYS"` means "go ahead with the auto-reply", here sends nothing:
# an approval must be explicit.

# %%
outcomes = {}
for answer in ["REJECT: wrong audience", "exit", ""]:
    drafter = lesson.assistant("drafter", [DRAFT_2], system_message=SYSTEM)
    gate = DraftApprovalGate(OUTBOX, to=TO, audit_log=audit)
    with lesson.human([answer], mode="ALWAYS"):
        lesson.run(gate.reviewer("reviewer"), drafter, TASK, title=f"answer {answer!r}")
    outcomes[answer] = gate.result
    typed = gate.result.reviews[-1].response if gate.result.reviews else None
    print(f"answer {typed!r}: status {gate.result.status}, draft returned: {gate.result.draft!r}\n")

lesson.claim(
    "REJECT, exit and Enter each end the review unsent",
    [o.status for o in outcomes.values()] == ["rejected", "exit", "rejected"]
    and all(o.draft is None for o in outcomes.values()),
)
lesson.claim("the outbox still holds only the one approved email", outbox.sent() == [result.sent_path])

# %% [markdown]
# ## 3. No answer in time: nothing is sent
#
# A person may be away. `timeout=` bounds each wait; when it passes, the gate ends the review unsent.
# To show it offline this section always uses a scripted **slow** human, who types `APPROVE` after
# 1.5 seconds, while the gate waits only 0.3. The late approval arrives, and changes nothing.

# %%
drafter = lesson.assistant("drafter", [DRAFT_2], system_message=SYSTEM)
gate = DraftApprovalGate(OUTBOX, to=TO, audit_log=audit, timeout=0.3)
slow = SlowHuman(["APPROVE"], delay=1.5)
with slow:
    run = lesson.run(gate.reviewer("reviewer"), drafter, TASK, title="a slow reviewer")
    time.sleep(1.6)  # let the late answer arrive
print(f"status: {gate.result.status}; the slow human typed {slow.replies!r}, too late")

lesson.claim(
    "the review timed out, and nothing was sent",
    gate.result.status == "timed-out" and gate.result.draft is None and outbox.sent() == [result.sent_path],
)
lesson.claim(
    "the late APPROVE arrived after the gate had given up, and changed nothing",
    slow.replies == ["APPROVE"] and gate.result.status == "timed-out",
)

# %% [markdown]
# ## 4. Exactly once
#
# What if the chat went on after the approval, or the same gate were asked again? Two locks make a
# second send impossible: the gate never asks or sends again once it has decided, and the outbox
# writes each message id at most once (the file is linked into place, which fails if it exists).

# %%
try:
    outbox.send(message_id="dashboard-launch", to=TO, subject="again", body="a second copy", sender="x@example.com")
    second_send = "sent twice!"
except AlreadySentError as e:
    second_send = f"refused: {e}"
print(second_send)

# The reviewer from section 1, whose gate approved and sent, is handed one more draft:
decided = reviewer.generate_reply(
    messages=[{"role": "user", "content": "Subject: PS\n\nOne more thing..."}], sender=drafter
)
print(f"the decided gate's reply to another draft: {decided!r}")

lesson.claim("the outbox refuses a second send of the same message", second_send.startswith("refused"))
lesson.claim(
    "a gate that has decided neither asks again nor sends",
    decided is None and launch_gate.result.rounds == 2 and outbox.sent() == [result.sent_path],
)

# %% [markdown]
# ## 5. The audit log
#
# Every human decision is one JSON line: a UTC timestamp, the agent that asked, the prompt, the reply
# (`null` when nobody answered) and the decision. Each line is flushed and `fsync`-ed before the gate
# acts, so even a crash right after the send cannot lose the approval that caused it.

# %%
records = read_audit_log(audit.path)[-audit.written :]
for r in records:
    print(f"{r['timestamp']}  {r['agent']:<9} {r['decision']:<10} response={r['response']!r}")
print()
print(summarize_audit_log(audit.path))

lesson.claim(
    "one line per human decision, in order",
    [r["decision"] for r in records] == ["feedback", "approved", "rejected", "exit", "rejected", "timed-out"],
)
lesson.claim("every line has a UTC timestamp", all(r["timestamp"].endswith("+00:00") for r in records))

# %% [markdown]
# ## Summary
#
# - Put irreversible actions behind a gate that sends only on an explicit approval; Enter, `exit`,
#   `REJECT` and silence all mean "do not send".
# - Send what the person saw: the gate keeps the shown draft and sends exactly that, once.
# - Make "exactly once" a property of the side effect itself (an exclusive file, an idempotency key),
#   not only of the code path that calls it.
# - Record each decision durably before acting on it.
#
# ## Exercises
#
# 1. Write `my_review_decision(reply)`: it returns one of `REVIEW_DECISIONS` (`approved`, `feedback`,
#    `rejected`, `exit`, `timed-out`), and only a clear `APPROVE` gives `approved`. The check below
#    tries it on tricky replies.
# 2. Run the lesson with `--human console` and try to make the gate send twice.
# 3. In section 3, make the slow human fast enough (`delay=0.1`). What changes in the outbox and
#    the audit log?


# %%
def my_review_decision(reply):
    # Your answer here. This starter approves anything that mentions "approve": see what it gets wrong.
    return "approved" if "approve" in (reply or "").lower() else "feedback"


print(f"the decisions: {REVIEW_DECISIONS}")
print(check_review_decision(my_review_decision))
