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
# # Lesson 09 — An approval gate: nothing is sent until a person approves
#
# Some actions cannot be taken back: an email, once sent, is in someone's inbox. Lesson 08 showed
# what AutoGen does on its own when a person stands before an action: its usual question, where
# Enter means "go ahead". Section 1 runs that once more, on an email. Then this lesson puts a
# **gate** between a drafter and the send, `hitl_modes.DraftApprovalGate`: one reply function that
# AutoGen's `register_reply` puts first on a plain `UserProxyAgent`, the reviewer. It shows each
# draft to a person through AutoGen's own `get_human_input`, and reads the answer:
#
# | the reviewer answers | the gate | shown in |
# |---|---|---|
# | `APPROVE` | sends the draft it showed (a file in `outbox/`), once, and ends the chat | section 2 |
# | `REVISE <feedback>`, or any other text | sends the feedback to the drafter, who revises | section 2 |
# | `REJECT`, `exit`, or Enter | ends the chat; nothing is sent | section 3 |
# | nothing, within `timeout=` seconds | ends the chat; nothing is sent | section 4 |
#
# Each decision is written to an audit log **before** the gate acts on it (section 5).
#
# Every chat cell below is plain AutoGen plus the gate. The lines that start with `course.` are
# this course's: `course.script(...)` says what the offline model answers and what the scripted
# reviewer types, and `course.check(...)` checks what the lesson says. Delete them and the cell
# still runs against your model, with you typing the answers.

# %% [markdown]
# ### Running this lesson, and being the human
#
# In a terminal: `.venv/bin/hitl-modes lesson 9` (add `--live` for a real model: it reads the same
# `OPENAI_API_KEY` as the cell below; `--audit-log PATH` keeps the decisions in a file of your
# choice). As a notebook: in JupyterLab started with `make lab`, kernel **Python 3 (ipykernel)**.
# Offline, the course points `OPENAI_API_KEY` and `OPENAI_BASE_URL` at a scripted model server on
# your own machine, so the `config_list` below is the one you would write.
#
# A scripted reviewer answers by default, so every claim is checked. To be the reviewer, add
# `--human console` in a terminal; in a notebook, run `%env HITL_HUMAN=console` in a new cell above
# the setup cell, then run the notebook from there. Before each chat the course prints what the
# script would answer. At the gate, type `APPROVE`, `REVISE ...`, `REJECT` or `exit`; at AutoGen's
# own question (section 1), Enter, text or `exit`. After an Enter AutoGen prints
# `>>>>>>>> NO HUMAN INPUT RECEIVED.` in red: not an error, just "you typed nothing". To stop the
# whole lesson, interrupt it (the notebook's ■ *Interrupt the kernel* button, or Ctrl-C).

# %%
from hitl_modes.course.session import Course  # the course's (first: it quiets flaml's "automl" warning)

import os
import tempfile
import time
from pathlib import Path

import autogen

from hitl_modes import AuditLog, DraftApprovalGate, read_audit_log
from hitl_modes.course.exercises.lesson09 import check_review_decision
from hitl_modes.errors import AlreadySentError

course = Course.setup(9, "Approval gate: nothing is sent until a person approves")

config_list = [{"model": os.environ.get("OPENAI_MODEL", "gpt-4o-mini"), "api_key": os.environ["OPENAI_API_KEY"]}]
llm_config = {"config_list": config_list, "cache_seed": None}  # cache_seed=None: ask the model every time

workspace = Path(tempfile.mkdtemp(prefix="lesson09-"))
OUTBOX = workspace / "outbox"
audit = AuditLog(os.environ.get("HITL_AUDIT_LOG") or workspace / "audit.jsonl")  # --audit-log PATH sets it
print(f"outbox: {OUTBOX}\naudit log: {audit.path}")

TO = "team@example.com"
TASK = "Draft a two-line email to the team announcing that the new dashboard launches on Tuesday."
SYSTEM = (
    "You write short emails. Start with a 'Subject: ...' line, then the body. When you get feedback, "
    "reply with the whole revised email and nothing else."
)

# %% [markdown]
# ## 1. AutoGen alone: Enter sends it
#
# First without a gate, as in lesson 08: the drafter sends with a tool, `send_email`, which the
# reviewer executes, and in ALWAYS the reviewer asks first. Its question is AutoGen's usual one,
# "Press enter to skip and use auto-reply". The draft has the wrong day; the reviewer presses Enter,
# as the question invites, and the email is gone.


# %%
def is_termination_msg(message):
    return "TERMINATE" in (message.get("content") or "")


sent = []  # what send_email "sent"


def send_email(subject: str, body: str) -> str:
    sent.append(f"Subject: {subject}\n\n{body}")
    return f"sent to {TO}"


WRONG_DAY = {"subject": "New dashboard", "body": "Hi team, the new dashboard launches on Monday."}
course.script(model=[course.tool_call("send_email", **WRONG_DAY), "Sent. TERMINATE"], human=["", ""])

drafter = autogen.AssistantAgent(
    "drafter", llm_config=llm_config, system_message="Send the email with your tool. Say TERMINATE when done."
)
reviewer = autogen.UserProxyAgent(
    "reviewer", human_input_mode="ALWAYS", is_termination_msg=is_termination_msg, code_execution_config=False
)
autogen.register_function(send_email, caller=drafter, executor=reviewer, description="Send the email to the team.")
result = reviewer.initiate_chat(drafter, message=TASK)

# %%
arguments = result.chat_history[1]["tool_calls"][0]["function"]["arguments"]  # the drafter's call
print(f"the drafter called send_email({arguments}); the reviewer typed {result.human_input}; sent: {sent}")
course.check("two Enters sent the email with the wrong day", result.human_input == ["", ""] and "Monday" in str(sent))

# %% [markdown]
# ## 2. The gate: REVISE, then APPROVE
#
# Now the drafter only writes; the reviewer is a plain `UserProxyAgent` with the gate attached.
# `gate.attach(reviewer)` is AutoGen's `reviewer.register_reply([Agent, None], ..., position=0)`:
# the gate answers every draft before AutoGen's own replies, so the reviewer's `human_input_mode`
# never asks (`"NEVER"`); the gate asks, through `reviewer.get_human_input`, which is why
# `result.human_input` holds the answers. The first draft has the wrong day, so the reviewer asks
# for a revision; the second is approved, and only then is anything written to the outbox.

# %%
DRAFT_1 = "Subject: New dashboard\n\nHi team,\nthe new dashboard launches on Monday. Enjoy!"
DRAFT_2 = "Subject: New dashboard launches Tuesday\n\nHi team,\nthe new dashboard launches on Tuesday. Enjoy!"
course.script(model=[DRAFT_1, DRAFT_2], human=["REVISE: the launch is on Tuesday, not Monday.", "APPROVE"])

drafter = autogen.AssistantAgent("drafter", llm_config=llm_config, system_message=SYSTEM)
reviewer = autogen.UserProxyAgent(
    "reviewer",
    human_input_mode="NEVER",  # AutoGen's own question never comes: the gate, first in line, asks
    code_execution_config=False,
)
launch_gate = DraftApprovalGate(OUTBOX, to=TO, audit_log=audit, message_id="dashboard-launch")
launch_gate.attach(reviewer)  # reviewer.register_reply([Agent, None], <the gate>, position=0)
result = reviewer.initiate_chat(drafter, message=TASK)

# %% [markdown]
# `gate.result` says how the review ended: `status`, the `draft` that was approved (and sent), and
# the outbox file, `sent_path`. The outbox is the gate's `Outbox`, a folder standing in for a mail
# server.

# %%
approved, outbox = launch_gate.result, launch_gate.outbox
feedback = result.chat_history[2]["content"]  # what the reviewer sent the drafter after REVISE
last_draft = result.chat_history[-1]["content"]  # the chat ended at the approved draft
print(f"the reviewer typed {result.human_input}; the drafter got back {feedback!r}")
print(f"status: {approved.status}\n--- {approved.sent_path.name} ---\n{approved.sent_path.read_text()}")
course.check("REVISE sent the feedback back to the drafter", feedback in result.human_input[0])
course.check("APPROVE sent the last draft shown, once", approved.draft == last_draft and len(outbox.sent()) == 1)

# %% [markdown]
# ## 3. Nothing is sent on REJECT, `exit` or Enter
#
# A gate is only as good as its default. Each answer that is not `APPROVE` is tried on a fresh
# reviewer and gate: the chat ends and the outbox does not change. Enter, which at AutoGen's own
# question means "go ahead" (section 1), sends nothing here: an approval must be a word.

# %%
statuses = []
for answer in ["REJECT: wrong audience", "exit", ""]:
    course.script(model=[DRAFT_2], human=[answer])
    each_reviewer = autogen.UserProxyAgent("reviewer", human_input_mode="NEVER", code_execution_config=False)
    gate = DraftApprovalGate(OUTBOX, to=TO, audit_log=audit)
    gate.attach(each_reviewer)
    result = each_reviewer.initiate_chat(drafter, message=TASK)
    print(f"{answer!r}: {gate.result.status}; the chat ended at the draft: {len(result.chat_history)} messages")
    statuses.append(gate.result.status)

# %%
course.check("REJECT, exit and Enter each ended the review", statuses == ["rejected", "exit", "rejected"])
course.check("nothing more was sent: the outbox holds the one approved email", outbox.sent() == [approved.sent_path])

# %% [markdown]
# ## 4. No answer in time: nothing is sent
#
# A person may be away. `timeout=` bounds each wait: when it passes, the gate ends the review
# unsent. To show it with the same result offline and with you at the keyboard, this reviewer is
# away on purpose: its `get_human_input`, the method AutoGen calls to ask a person, answers
# `APPROVE` only after a second, while the gate waits 0.3 s. (This chat does not ask you.)


# %%
class AwayReviewer(autogen.UserProxyAgent):
    def get_human_input(self, prompt: str) -> str:
        time.sleep(1.0)  # back from lunch
        return "APPROVE"


course.script(model=[DRAFT_2])
away = AwayReviewer("reviewer", human_input_mode="NEVER", code_execution_config=False)
late_gate = DraftApprovalGate(OUTBOX, to=TO, audit_log=audit, timeout=0.3)
late_gate.attach(away)
result = away.initiate_chat(drafter, message=TASK)
time.sleep(1.0)  # let the late APPROVE arrive: it changes nothing

# %%
timed_out = late_gate.result.status == "timed-out"
print(f"status: {late_gate.result.status}, after {len(result.chat_history)} messages")
print(f"outbox: {[path.name for path in outbox.sent()]}")
course.check("no answer in 0.3 s: timed out; the late APPROVE sent nothing", timed_out and len(outbox.sent()) == 1)

# %% [markdown]
# ## 5. Exactly once, and on the record
#
# What if the chat went on after the approval, or the same gate were asked again? Two locks make a
# second send impossible: a gate that has decided neither asks nor sends again (its reply is `None`,
# which ends a chat), and the outbox writes each message id at most once (the file is linked into
# place, which fails if it exists).
#
# Every decision is one JSON line in the audit log: a UTC timestamp, the agent that asked, the
# prompt, the reply (`null` when nobody answered) and the decision. Each line is flushed and
# `fsync`-ed before the gate acts, so even a crash right after the send cannot lose the approval
# that caused it.

# %%
try:
    outbox.send(message_id="dashboard-launch", to=TO, subject="again", body="a second copy", sender="x@example.com")
    second_send = "sent twice!"
except AlreadySentError as error:
    second_send = f"refused: {error}"
print(second_send)

# The reviewer of section 2, whose gate approved and sent, is handed one more draft:
again = reviewer.generate_reply(messages=[{"role": "user", "content": "Subject: PS\n\nOne more thing"}], sender=drafter)
print(f"the decided gate's reply to another draft: {again!r}")

records = read_audit_log(audit.path)[-audit.written :]
for record in records:
    print(f"{record['timestamp']}  {record['agent']:<9} {record['decision']:<10} response={record['response']!r}")

# %%
course.check("the outbox refuses a second send of the same message", second_send.startswith("refused"))
course.check("a gate that has decided neither asks again nor sends", again is None and approved.rounds == 2)
decisions = " ".join(record["decision"] for record in records)
course.check("one audit line per decision", decisions == "feedback approved rejected exit rejected timed-out")

# %% [markdown]
# ## Summary
#
# - AutoGen's own question lets an action through on Enter. Put an action that cannot be undone
#   behind a gate that sends only on an explicit `APPROVE`; Enter, `exit`, `REJECT` and silence all
#   mean "do not send".
# - A gate is one reply function, registered first with `register_reply` on a plain agent; it asks
#   through the agent's own `get_human_input`, so `result.human_input` still holds the answers.
# - Send what the person saw: the gate keeps the shown draft and sends exactly that, once.
# - Make "exactly once" a property of the side effect itself (an exclusive file, an idempotency
#   key), not only of the code path that calls it; record each decision durably before acting.
# - `hitl_modes.request_approval(drafter, task, to=..., outbox=...)` runs the whole review in one
#   call and returns `gate.result`.
#
# ## Exercises
#
# 1. Write `my_review_decision(reply)`: it returns one of `approved`, `feedback`, `rejected`,
#    `exit`, `timed-out`, and only a clear `APPROVE` gives `approved`. The check below tries it on
#    tricky replies.
# 2. Run `.venv/bin/hitl-modes lesson 9 --human console` and try to make the gate send twice.
# 3. Predict what would be in the outbox and the audit log if section 4's reviewer came back in
#    time (`time.sleep(0.1)`). Then try it: the lesson stops at the first check your change makes
#    false, and says which.


# %%
def my_review_decision(reply):
    # Your answer here. This starter approves anything that mentions "approve": see what it gets wrong.
    return "approved" if "approve" in (reply or "").lower() else "feedback"


print(check_review_decision(my_review_decision))
