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
# # Lesson 08 — Tiered autonomy: ask only when it matters, and keep a record
#
# `human_input_mode` is all or nothing per agent: `ALWAYS` asks about every message, `NEVER` about
# none. Real work is mixed: listing a folder is harmless, deleting it is not. **Tiered autonomy**
# lets the agent act alone on low-risk actions and asks a person about high-risk ones:
#
# - `hitl_modes.RiskPolicy().assess(text)` reads a proposed action (prose, and the shell, Python and
#   SQL in it) and answers `"low"` or `"high"`, with reasons;
# - `hitl_modes.RiskGatedProxy` is a `UserProxyAgent` that consults the policy before it runs code or
#   calls a tool: low risk runs at once and is recorded as `auto-approved`; high risk asks the human,
#   and **with no answer the action is denied**;
# - `hitl_modes.AuditLog` keeps one JSON line per decision, on disk before the agent acts.
#
# The code in this lesson really runs, in a temporary folder on this machine (lesson 10 shows how to
# sandbox it). Only the model is scripted. `--human console` (in a notebook, `%env HITL_HUMAN=console`)
# makes you the approver; `--audit-log PATH` keeps the decisions.

# %% [markdown]
# ### Running this lesson, and being the human
#
# In a terminal: `.venv/bin/hitl-modes lesson 8`. As a notebook: in JupyterLab started with
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

import autogen

import hitl_modes  # noqa: F401  first: it quiets flaml's irrelevant "automl is not available" warning
from hitl_modes import (
    AuditLog,
    RiskGatedProxy,
    RiskPolicy,
    Rule,
    SlowHuman,
    read_audit_log,
    summarize_audit_log,
    tool_call,
)
from hitl_modes.course.exercises.lesson08 import check_permissions_rule
from hitl_modes.course.lesson import Lesson

lesson = Lesson.setup(8, "Tiered autonomy: ask only when it matters, and keep a record")

workspace = Path(tempfile.mkdtemp(prefix="hitl-lesson08-"))
(workspace / "build").mkdir()
(workspace / "build" / "app.o").write_text("object code")
(workspace / "data").mkdir()
(workspace / "data" / "customers.csv").write_text("id,name\n1,Ada\n")
audit = AuditLog(lesson.audit_log or workspace / "audit.jsonl")
print(f"work dir: {workspace}\naudit log: {audit.path}")

# %% [markdown]
# ## 1. The policy on its own
#
# The policy reads an action the way it would run: shell commands are parsed (so `rm -rf`, `rm -fr`,
# `rm -r -f` and `rm --recursive --force` are the same command), comments and printed text are
# ignored, SQL is read statement by statement, and a sentence that says *not* to do something does
# not count. Each high verdict says why.

# %%
policy = RiskPolicy()
examples = {
    "```bash\nls -la build/\n```": "low",
    "```bash\nrm --recursive --force build/\n```": "high",
    "```sql\nSELECT * FROM users WHERE deleted = false;\n```": "low",
    "```sql\nDELETE FROM users;\n```": "high",
    "```python\n# delete the old exports later\nprint(sorted(os.listdir('exports')))\n```": "low",
    "```python\nfrom shutil import rmtree as tidy\ntidy('exports')\n```": "high",
    "```bash\ngit push origin main\n```": "low",
    "```bash\ngit push -f origin main\n```": "high",
    "```bash\nterraform plan\n```": "low",
    "```bash\nkubectl apply -f deploy.yaml\n```": "high",
    "```python\nrequests.get('https://api.example.com/orders')\n```": "low",
    "```python\nrequests.post('https://api.example.com/refunds', json={'order': 7})\n```": "high",
    "Summarise the customer's last three emails.": "low",
    "Send the apology email to every customer on the list.": "high",
    "Do not delete anything yet; list what would be removed.": "low",
    "Wire $4,000 to the supplier's account.": "high",
}
for text in examples:
    verdict = policy.assess(text)
    print(f"{verdict.level:<5} {text.strip('`').replace(chr(10), ' ')[:60]:<62} {verdict.reasons[0][:70]}")

lesson.claim(
    "every example gets the expected level", all(policy.assess(text).level == level for text, level in examples.items())
)
lesson.claim(
    "the four ways of writing rm -rf are all high",
    all(
        policy.assess(f"```sh\n{cmd} build\n```").high
        for cmd in ("rm -rf", "rm -fr", "rm -r -f", "rm --recursive --force")
    ),
)

# %% [markdown]
# What it **cannot** see: what a script file contains, what a variable holds at run time, or text
# encoded to hide it. `bash cleanup.sh` may delete everything; the policy only sees a script being
# run, and says low. "Low" means "nothing risky recognised", never "safe": keep the gate *and* a
# sandbox (lesson 10). The README lists these limits.

# %%
blind_spot = policy.assess("```bash\nbash cleanup.sh\n```")
print(blind_spot)
lesson.claim("a script file's contents are invisible to the policy", blind_spot.level == "low")


# %% [markdown]
# ## 2. A proxy that asks only about high-risk actions
#
# The assistant lists the build folder (low: runs without asking), then wants to delete it (high:
# the human is asked). The first time the human just presses Enter: **that denies it**, because an
# approval must be explicit. The assistant asks again and the human types `approve`.


# %%
def is_termination_msg(message):
    return (message.get("content") or "").rstrip().endswith("TERMINATE")


def gated_proxy(**kwargs):
    return RiskGatedProxy(
        "operator",
        audit_log=audit,
        is_termination_msg=is_termination_msg,
        max_consecutive_auto_reply=8,
        code_execution_config={"work_dir": str(workspace), "use_docker": False},
        **kwargs,
    )


SYSTEM = "You are a build engineer. Run shell commands in ```sh blocks. Say TERMINATE when done."
assistant = lesson.assistant(
    "assistant",
    [
        "Let me look first.\n```sh\nls build\n```",
        "Now I'll remove the build folder.\n```sh\nrm -rf build\n```",
        "I still need to remove it to start clean.\n```sh\nrm -rf build\n```",
        "The build folder is gone. TERMINATE",
    ],
    system_message=SYSTEM,
)
operator = gated_proxy()
with lesson.human(["", "approve"], mode="NEVER"):
    run = lesson.run(operator, assistant, "Clean the build folder.", title="low runs, high asks")

for d in operator.gate_decisions:
    print(f"{d.decision:<13} risk {d.assessment.level:<4} {d.action.strip().splitlines()[-2]}")
decisions = [d.decision for d in operator.gate_decisions]
lesson.claim(
    "listing ran without asking; the human was asked only about rm -rf",
    decisions[0] == "auto-approved"
    and len(run.trace.human_prompts) == 2
    and all("rm -rf" in p for p in run.trace.human_prompts),
)
lesson.claim(
    "Enter denied the deletion; 'approve' let it run",
    decisions == ["auto-approved", "rejected", "approved"] and any("DENIED" in m.content for m in run.trace.messages),
)
lesson.claim("the folder was deleted only after the approval", not (workspace / "build").exists())
lesson.claim(
    "the approved command's output is a code_result in the timeline, not a human message",
    [m.source for m in run.trace.messages if m.content.startswith("exitcode")] == ["code_result", "code_result"],
)

# %% [markdown]
# ## 3. Nobody answers: denied
#
# The safe default for a risky action is *no*. Here the approver is slow (this section always uses a
# scripted human who types `approve` after 1 second) and the proxy waits 0.3 seconds, so each request
# times out and is denied. After `max_denials=2` denials in a row the proxy stops the chat, so a model
# that keeps retrying cannot loop. The late approvals arrive, and change nothing.

# %%
assistant = lesson.assistant(
    "assistant",
    [
        "The data folder is in the way.\n```sh\nrm -rf data\n```",
        "Please, it is needed.\n```sh\nrm -rf data\n```",
        "One more try.\n```sh\nrm -rf data\n```",
    ],
    system_message=SYSTEM,
)
operator = gated_proxy(timeout=0.3, max_denials=2)
with SlowHuman(["approve", "approve"], delay=1.0) as slow:
    run = lesson.run(operator, assistant, "Make room for the new data.", title="nobody answers in time")
    time.sleep(1.1)  # the late answers arrive

print([d.decision for d in operator.gate_decisions], "| late answers:", slow.replies)
lesson.claim(
    "both requests timed out and were denied",
    [d.decision for d in operator.gate_decisions] == ["timed-out", "timed-out"],
)
lesson.claim("the chat stopped after max_denials, before the third try", assistant.hitl_llm.call_count == 2)
lesson.claim("the data is still there", (workspace / "data" / "customers.csv").exists())

# %% [markdown]
# ## 4. Tools go through the same gate
#
# A tool call is an action too. Sending email is high risk, so the human is asked; `no` denies it.
# The assistant receives a tool result saying so (the model's API requires one per call), and the
# tool itself never runs.

# %%
outbox = []


def send_email(to: str, subject: str, body: str) -> str:
    """Send an email."""
    outbox.append((to, subject, body))
    return "sent"


assistant = lesson.assistant(
    "assistant",
    [
        tool_call("send_email", to="all-customers@example.com", subject="Price change", body="Prices rise 20%."),
        "Understood, I did not send it. TERMINATE",
    ],
    system_message="Use the tools you are given. Say TERMINATE when done.",
)
operator = gated_proxy()
autogen.register_function(send_email, caller=assistant, executor=operator, description="Send an email.")
assistant.hitl_llm.register(assistant)  # adding a tool rebuilt the assistant's model client
with lesson.human(["no"], mode="NEVER"):
    run = lesson.run(operator, assistant, "Tell all customers about the price change.", title="a gated tool")

print(operator.gate_decisions[-1].assessment)
lesson.claim(
    "the email tool was rated high and denied",
    operator.gate_decisions[-1].decision == "rejected"
    and "send_email" in operator.gate_decisions[-1].assessment.categories,
)
lesson.claim("the tool never ran", outbox == [])
lesson.claim(
    "the model got a tool result saying it was denied",
    any(m.get("role") == "tool" and "DENIED" in str(m.get("content")) for m in assistant.hitl_llm.calls[-1].messages),
)

# %% [markdown]
# ## 5. The audit log
#
# One JSON line per decision, written and `fsync`-ed before the proxy acts. Auto-approvals are there
# too, with the policy's risk and reasons, so a reviewer can later check what ran without asking.

# %%
records = read_audit_log(audit.path)[-audit.written :]
for r in records:
    print(f"{r['decision']:<13} risk={r.get('risk')!s:<5} response={r['response']!r:<10} {r['reasons'][0][:60]}")
print()
print(summarize_audit_log(audit.path))

lesson.claim(
    "every decision is in the log, in order",
    [r["decision"] for r in records] == ["auto-approved", "rejected", "approved", "timed-out", "timed-out", "rejected"],
)
lesson.claim(
    "policy decisions carry their risk and reasons", all(r["risk"] in ("low", "high") and r["reasons"] for r in records)
)
lesson.claim(
    "auto-approvals are recorded as low risk",
    all(r["risk"] == "low" for r in records if r["decision"] == "auto-approved"),
)

# %% [markdown]
# ## Summary
#
# - Decide per action, not per agent: low risk runs, high risk asks, silence denies.
# - A risk policy reads what is written; it cannot see inside scripts, variables or encoded text.
#   Pair it with a sandbox, and treat "low" as "nothing risky recognised".
# - Cap denials so a model cannot retry forever, and answer tool calls with a tool result.
# - Log every decision, automatic ones included, durably and before acting.
#
# ## Exercises
#
# 1. Your team also treats world-writable permissions (`chmod 777`, `chmod -R a+rwx`, `os.chmod(p, 0o777)`)
#    as high risk. Build `my_policy = RiskPolicy(extra_rules=[Rule(category, pattern, reason, where)])`
#    so that they are high while `chmod 644 notes.txt` stays low. The check below tries it.
# 2. Run section 2 with `--human console`, and type feedback instead of `approve`. What does the
#    assistant receive?
# 3. Find a way to write a destructive shell command that the policy rates low. Then read the README's
#    list of blind spots: was yours there?

# %%
my_policy = RiskPolicy()  # Your answer here: add extra_rules=[Rule(...)]
print(f"Rule fields: {Rule.__doc__.splitlines()[0]}")
print(check_permissions_rule(my_policy))
