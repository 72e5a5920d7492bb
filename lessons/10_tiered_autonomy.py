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
# # Lesson 10 — Tiered autonomy: ask only when it matters, and keep a record
#
# `human_input_mode` is all or nothing per agent: `ALWAYS` asks about every message, `NEVER` about
# none. Real work is mixed: listing a folder is harmless, deleting it is not. **Tiered autonomy**
# lets the agent act alone on low-risk actions and asks a person about high-risk ones. AutoGen has
# no notion of risk, so this lesson adds three pieces of this toolkit to plain AutoGen:
#
# - `hitl_modes.RiskPolicy().assess(text)` reads a proposed action (prose, and the shell, Python and
#   SQL in it) and answers `"low"` or `"high"`, with reasons;
# - `hitl_modes.RiskGatedProxy` is a `UserProxyAgent` (same arguments) with one more reply function:
#   before it runs code or calls a tool, it asks the policy. Low risk runs at once and is recorded as
#   `auto-approved`; high risk asks the human, and **Enter, or no answer in time, denies it**;
# - `hitl_modes.AuditLog` keeps one JSON line per decision, on disk before the agent acts.
#
# The code in this lesson really runs, in a temporary folder on this machine (lesson 12 shows how to
# sandbox it). The lines that start with `course.` are the course's: `course.script(...)` says what
# the offline model answers and what the scripted human types; delete them and each cell runs against
# your model, with you at the keyboard.

# %% [markdown]
# ### Running this lesson, and being the human
#
# In a terminal: `.venv/bin/hitl-modes lesson 10` (add `--live` for a real model: it reads the same
# `OPENAI_API_KEY` as the cell below; `--audit-log PATH` keeps the decisions in a file of yours). As a
# notebook: in JupyterLab started with `make lab`, kernel **Python 3 (ipykernel)**. Offline, the
# course points `OPENAI_API_KEY` and `OPENAI_BASE_URL` at a scripted model server on your machine.
#
# A scripted human answers by default, so every claim is checked. To be the approver yourself, add
# `--human console` in a terminal; in a notebook, run `%env HITL_HUMAN=console` in a new cell above
# the setup cell below, then run the notebook from that cell on. The gate's own prompt says what each
# answer does: `approve` runs the action, Enter denies it, other text goes back to the assistant as
# feedback, and `exit` ends the chat (the lesson goes on).
#
# - At AutoGen's own prompt (section 2's first chat), an Enter makes AutoGen print
#   `>>>>>>>> NO HUMAN INPUT RECEIVED.` in red: not an error, and AutoGen then does what Enter means
#   there. The gate asks with its own prompt, where Enter denies.
# - To stop the whole lesson, interrupt it (the notebook's ■ *Interrupt the kernel* button, or
#   Ctrl-C in a terminal): it stops with one line saying so, and sends no reply.

# %%
from hitl_modes.course.session import Course  # the course's (first: it quiets flaml's "automl" warning)

import os
import tempfile
import time
from pathlib import Path

import autogen

from hitl_modes import AuditLog, RiskGatedProxy, RiskPolicy, Rule, read_audit_log, summarize_audit_log
from hitl_modes.course.exercises.lesson10 import check_permissions_rule

course = Course.setup(10, "Tiered autonomy: ask only when it matters, and keep a record")

config_list = [{"model": os.environ.get("OPENAI_MODEL", "gpt-4o-mini"), "api_key": os.environ["OPENAI_API_KEY"]}]
llm_config = {"config_list": config_list, "cache_seed": None}

workspace = Path(tempfile.mkdtemp(prefix="hitl-lesson10-"))  # the agents' code runs here
for folder, file in (("build", "app.o"), ("data", "customers.csv")):
    (workspace / folder).mkdir()
    (workspace / folder / file).write_text("some data\n")
audit = AuditLog(os.environ.get("HITL_AUDIT_LOG") or workspace / "audit.jsonl")  # --audit-log PATH sets it
print(f"work dir: {workspace}\naudit log: {audit.path}")

# %% [markdown]
# ## 1. The policy on its own
#
# The policy reads an action the way it would run: shell commands are parsed (`rm --recursive
# --force` is read as `rm -rf`), comments are ignored, SQL is read statement by statement, and a
# sentence that says *not* to do something does not count. Each verdict says why.

# %%
policy = RiskPolicy()
examples = {
    "```bash\nls -la build/\n```": "low",
    "```bash\nrm --recursive --force build/\n```": "high",
    "```sql\nDELETE FROM users;\n```": "high",
    "```python\n# delete the old exports later\nprint(sorted(os.listdir('exports')))\n```": "low",
    "```bash\ngit push -f origin main\n```": "high",
    "Do not delete anything yet; list what would be removed.": "low",
    "Wire $4,000 to the supplier's account.": "high",
}
for text in examples:
    verdict = policy.assess(text)
    print(f"{verdict.level:<5} {text.strip('`').replace(chr(10), ' ')[:55]:<57} {verdict.reasons[0][:60]}")

# %% [markdown]
# What it **cannot** see: what a script file contains, what a variable holds at run time, or text
# encoded to hide it. `bash cleanup.sh` may delete everything; the policy sees only a script being
# run. "Low" means "nothing risky recognised", never "safe": keep a sandbox too (lesson 12).

# %%
blind_spot = policy.assess("```bash\nbash cleanup.sh\n```")
print(blind_spot)
course.check("every example gets the expected level", all(policy.assess(t).level == e for t, e in examples.items()))
course.check("a script file's contents are invisible to the policy", blind_spot.level == "low")

# %% [markdown]
# ## 2. A proxy that asks only about high-risk actions
#
# AutoGen's own way first: a `UserProxyAgent` with `human_input_mode="ALWAYS"` asks the human about
# every message, the harmless `ls` included (Enter runs it).


# %%
def is_termination_msg(message):
    return (message.get("content") or "").rstrip().endswith("TERMINATE")


SYSTEM = "You are a build engineer. Run shell commands in ```sh blocks. Say TERMINATE when done."
course.script(model=["Let me look first.\n```sh\nls build\n```", "It holds app.o. TERMINATE"], human=["", ""])
assistant = autogen.AssistantAgent("assistant", llm_config=llm_config, system_message=SYSTEM)
user_proxy = autogen.UserProxyAgent(
    "user_proxy",
    human_input_mode="ALWAYS",
    is_termination_msg=is_termination_msg,
    code_execution_config={"work_dir": str(workspace), "use_docker": False},
)
result = user_proxy.initiate_chat(assistant, message="What is in the build folder?")

# %%
print(f"the human was asked {len(result.human_input)} times: {result.human_input}")
course.check("ALWAYS asked about the harmless ls too", len(result.human_input) == 2)

# %% [markdown]
# The gate instead: the assistant lists the build folder (low: it runs without asking), then wants
# to delete it (high: the human is asked). The first time the human presses Enter: **that denies
# it**, because an approval must be explicit. The assistant asks again, and the human types `approve`.

# %%
course.script(model=["```sh\nls build\n```", *["```sh\nrm -rf build\n```"] * 2, "TERMINATE"], human=["", "approve"])
assistant = autogen.AssistantAgent("assistant", llm_config=llm_config, system_message=SYSTEM)
user_proxy = RiskGatedProxy(
    "user_proxy",
    policy=RiskPolicy(),
    audit_log=audit,
    is_termination_msg=is_termination_msg,
    max_consecutive_auto_reply=8,
    code_execution_config={"work_dir": str(workspace), "use_docker": False},
)
result = user_proxy.initiate_chat(assistant, message="Clean the build folder.")

# %% [markdown]
# The proxy's `gate_decisions` list each decision with the policy's verdict; AutoGen's own
# `result.human_input` holds what the human typed, and `result.chat_history` what the assistant was told.

# %%
for d in user_proxy.gate_decisions:
    print(f"{d.decision:<13} risk {d.assessment.level:<4} {d.action.strip().splitlines()[-2]}")
told = [m["content"] for m in result.chat_history if m["name"] == "user_proxy"]
print(f"the human typed {result.human_input}; after the Enter the assistant was told: {told[2][:60]!r}")
decisions = [d.decision for d in user_proxy.gate_decisions]
course.check("ls ran unasked; Enter denied rm, approve ran it", decisions == ["auto-approved", "rejected", "approved"])
course.check("the folder was deleted only after the approval", not (workspace / "build").exists())

# %% [markdown]
# ## 3. Nobody answers in time: denied
#
# The safe default for a risky action is *no*. `timeout=0.3` bounds each wait for the approver. Here
# the approver is paged and answers `approve` after a second (this proxy's `get_human_input`, the
# method AutoGen asks the human through, stands in for the pager, so no person is asked in this
# section): each request times out and is denied. After `max_denials=2` denials in a row the proxy
# stops the chat, so a model that keeps retrying cannot loop. The late approvals change nothing.


# %%
class PagedUserProxy(RiskGatedProxy):
    """Its approver is paged, and answers after a second: later than the gate waits."""

    def get_human_input(self, prompt, **kwargs):
        time.sleep(1.0)
        return "approve"


course.script(model=["The data folder is in the way.\n```sh\nrm -rf data\n```", "Please!\n```sh\nrm -rf data\n```"])
assistant = autogen.AssistantAgent("assistant", llm_config=llm_config)
user_proxy = PagedUserProxy(
    "user_proxy",
    timeout=0.3,
    max_denials=2,
    audit_log=audit,
    is_termination_msg=is_termination_msg,
    code_execution_config={"work_dir": str(workspace), "use_docker": False},
)
result = user_proxy.initiate_chat(assistant, message="Make room for the new data.")

# %%
decisions = [d.decision for d in user_proxy.gate_decisions]
asked = [m["content"] for m in result.chat_history if m["name"] == "assistant"]
print(f"decisions: {decisions}; the assistant asked {len(asked)} times; human_input: {result.human_input}")
course.check("both requests timed out and were denied; max_denials=2 ended the chat", decisions == ["timed-out"] * 2)
course.check("the data is still there", (workspace / "data" / "customers.csv").exists())

# %% [markdown]
# ## 4. Tools go through the same gate
#
# A tool call is an action too. Sending email is high risk, so the human is asked; `no` denies it.
# The assistant receives a tool result saying so (the model's API requires one per call), and the
# tool itself never runs.

# %%
outbox = []


def send_email(to: str, body: str) -> str:
    """Send an email."""
    outbox.append((to, body))
    return "sent"


course.script(
    model=[course.tool_call("send_email", to="all@shop.com", body="Prices rise 20%."), "TERMINATE"], human=["no"]
)
assistant = autogen.AssistantAgent(
    "assistant", llm_config=llm_config, system_message="Use the tools you are given. Say TERMINATE when done."
)
user_proxy = RiskGatedProxy(
    "user_proxy", audit_log=audit, is_termination_msg=is_termination_msg, code_execution_config=False
)
autogen.register_function(send_email, caller=assistant, executor=user_proxy, description="Send an email.")
result = user_proxy.initiate_chat(assistant, message="Tell all customers about the price change.")

# %%
gate = user_proxy.gate_decisions[-1]
print(gate.decision, gate.assessment)
tool_results = [r for m in result.chat_history for r in m.get("tool_responses", [])]
print(f"tool results the model got: {tool_results}")
course.check("the tool never ran", outbox == [])
course.check("the model got a tool result saying DENIED", any("DENIED" in r["content"] for r in tool_results))

# %% [markdown]
# ## 5. The audit log
#
# One JSON line per decision, written and `fsync`-ed before the proxy acts. Auto-approvals are there
# too, with the policy's risk and reasons, so a reviewer can later check what ran without asking.

# %%
records = read_audit_log(audit.path)[-audit.written :]
for r in records:
    print(f"{r['decision']:<13} risk={r.get('risk')!s:<5} response={r['response']!r:<10} {r['reasons'][0][:55]}")
print(summarize_audit_log(audit.path))
every = ["auto-approved", "rejected", "approved", "timed-out", "timed-out", "rejected"]
course.check("every decision is in the log, in order", [r["decision"] for r in records] == every)
course.check("a timeout is logged as the gate's default, with no answer", records[3]["response"] is None)

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
# 1. Your team also treats world-writable permissions (`chmod 777`, `chmod -R a+rwx`,
#    `os.chmod(p, 0o777)`) as high risk. Build `my_policy = RiskPolicy(extra_rules=[Rule(category,
#    pattern, reason, where)])` so that they are high while `chmod 644 notes.txt` stays low. The
#    check below tries it.
# 2. Run the lesson with `--human console` (`.venv/bin/hitl-modes lesson 10 --human console`) and
#    type feedback instead of `approve` in section 2. What does the assistant receive?
# 3. Find a way to write a destructive shell command that the policy rates low. Then read
#    `docs/risk-policy.md`, which lists the blind spots: was yours there?

# %%
my_policy = RiskPolicy()  # Your answer here: add extra_rules=[Rule(...)]
print(f"Rule fields: {Rule.__doc__.splitlines()[0]}")
print(check_permissions_rule(my_policy))
