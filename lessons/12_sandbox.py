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
# # Lesson 12 — Executing code: a sandbox, a timeout and a human gate
#
# A `UserProxyAgent` runs the code blocks the assistant writes with the executor you give it:
# `code_execution_config={"executor": ...}`, AutoGen's seam for code execution. Any object with
# AutoGen's `CodeExecutor` methods will do. This lesson passes the toolkit's executors:
#
# - `make_executor("docker", work_dir, timeout=...)`: a `DockerSandboxExecutor`, a container with
#   its own hostname, **no network** (only loopback), **only the work dir** shared with your
#   machine, a **timeout**, removed at the end. (AutoGen's own
#   `autogen.coding.DockerCommandLineCodeExecutor` starts its container on the engine's default
#   network, with no option to cut it off: that is why the toolkit builds its own container.)
# - `ApprovalGate(executor)`: shows each piece of code and runs it only when a person approves,
#   asked through AutoGen's own `IOStream`, as `human_input_mode` asks.
# - `"auto"`: Docker when an engine answers; otherwise this machine, with a loud warning.
#   `"local"`: this machine.
#
# Every chat cell below is plain AutoGen: the lines that start with `course.` are the course's
# (what the offline model answers and the scripted person types; checks). Only the model is
# scripted: the container is real. It needs a Docker engine and the sandbox image, built from
# Debian packages by `make sandbox-image`. **Without an engine the lesson runs the same steps on
# this machine, behind a person's approval, says so, and checks only what holds there.**

# %% [markdown]
# ### Running this lesson, and being the human
#
# In a terminal: `.venv/bin/hitl-modes lesson 12` (add `--live` for a real model: it reads the same
# `OPENAI_API_KEY` as the cell below; `--executor docker|local|auto` chooses where code runs). As a
# notebook: in JupyterLab started with `make lab`, kernel **Python 3 (ipykernel)**; there
# `%env HITL_EXECUTOR=local` in a cell above the setup cell chooses the executor.
#
# A scripted person answers by default. To answer yourself, add `--human console` in a terminal;
# in a notebook, run `%env HITL_HUMAN=console` in a new cell above the setup cell, then run the
# notebook from that cell on. Before each chat the lesson says what the script would answer. At
# the gate, Enter or `yes` runs the code; `no` or `exit` rejects it; other text rejects it and goes
# back to the assistant as feedback.
#
# - After an Enter at AutoGen's own prompt (section 1), AutoGen prints
#   `>>>>>>>> NO HUMAN INPUT RECEIVED.`: not an error, it notes that you typed nothing, and AutoGen
#   then does what Enter means.
# - There, `exit` ends the chat and the lesson goes on. To stop the whole lesson, interrupt it (the
#   notebook's ■ *Interrupt the kernel* button, or Ctrl-C in a terminal).

# %%
from hitl_modes.course.session import Course  # the course's (first: it quiets flaml's "automl" warning)

import os
import shutil
import tempfile
import warnings
from pathlib import Path

import autogen

from hitl_modes import EXECUTOR_KINDS, ApprovalGate, SandboxFallbackWarning, make_executor
from hitl_modes.course.exercises.lesson12 import check_reply_approves

course = Course.setup(
    10,
    "Executing code: a sandbox, a timeout and a human gate",
    extra_args=lambda a: a.add_argument("--executor", choices=EXECUTOR_KINDS, default=os.getenv("HITL_EXECUTOR")),
)

config_list = [{"model": os.environ.get("OPENAI_MODEL", "gpt-4o-mini"), "api_key": os.environ["OPENAI_API_KEY"]}]
llm_config = {"config_list": config_list, "cache_seed": None}  # cache_seed=None: ask the model every time


def is_termination_msg(message):
    return "TERMINATE" in (message.get("content") or "")


SYSTEM_MESSAGE = "Write Python in ```python blocks, one block per message. Say TERMINATE when done."

# %% [markdown]
# ## 1. Approve with AutoGen's own prompt, then run in the sandbox
#
# The work dir is the only folder the code shares with your machine. A "secret" file lies *next
# to* it, outside it, to see later who can read it. `timeout=3` stops any run after 3 seconds.
#
# AutoGen's own way to approve code is `human_input_mode="ALWAYS"`: before every reply the proxy
# asks the person. Enter lets the auto-reply run the code it received; text is sent instead, and
# the code does not run. At the assistant's final TERMINATE, Enter ends the chat.

# %%
workspace = Path(tempfile.mkdtemp(prefix="lesson12-"))
work_dir = workspace / "work"
secret = workspace / "secret.txt"
secret.write_text("a file on the host, outside the work dir")

os.environ.update(HITL_EXECUTOR=course.extra["executor"] or "auto")  # the course's --executor switch
KIND = os.environ.get("HITL_EXECUTOR", "auto")  # "docker", "local", or "auto": Docker when an engine answers
sandbox = make_executor(KIND, work_dir, timeout=3, require_approval=False)  # the person approves in the chat
SANDBOXED = sandbox.kind == "docker"
print(f"Code will run {sandbox.where}.")

# %%
hello = "```python\nimport socket\nprint('hostname:', socket.gethostname())\nopen('hello.txt', 'w').write('hi')\n```"
explained = f"It prints the hostname and writes hello.txt.\n{hello}"
course.script(model=[hello, explained, "It ran. TERMINATE"], human=["Wait: what does it do?", "", ""])

assistant = autogen.AssistantAgent("assistant", llm_config=llm_config, system_message=SYSTEM_MESSAGE)
user_proxy = autogen.UserProxyAgent(
    "user_proxy",
    human_input_mode="ALWAYS",
    is_termination_msg=is_termination_msg,
    code_execution_config={"executor": sandbox},
)
result = user_proxy.initiate_chat(assistant, message=f"Run this code:\n{hello}")

# %% [markdown]
# AutoGen hands the assistant each execution result as the proxy's message: `exitcode: N (...)`,
# then `Code output: ...`. The person's text went instead of a result: the assistant is not told
# that its code did not run. The proxy keeps its executor as `user_proxy.code_executor`.

# %%
ran = [m["content"] for m in result.chat_history if m["content"].startswith("exitcode:")]
print(*ran, sep="\n")
print(f"executor: {type(user_proxy.code_executor).__name__}; the person typed {result.human_input}")
print(
    f"the assistant received: {[m['content'][:40] for m in assistant.chat_messages[user_proxy] if m['role'] == 'user']}"
)
course.check("text went instead of the code's result; the code ran once, after Enter", len(ran) == 1)
course.check("the code ran and its file is in the host's work dir", (work_dir / "hello.txt").exists())
if SANDBOXED:
    course.check("it ran in the container: its hostname is hitl-sandbox", "hostname: hitl-sandbox" in "".join(ran))

# %% [markdown]
# ## 2. A gate on the code itself: reject with feedback
#
# ALWAYS asks about every message, code or not. `ApprovalGate(sandbox)` asks only when AutoGen is
# about to execute code, shows the code alone and where it would run, and the proxy can stay
# `human_input_mode="NEVER"`. Enter or `yes` runs it. Anything else rejects it: the code does not
# run, and the assistant gets an execution result that starts with `exitcode: 1` and `NOT RUN:`,
# with the person's text as feedback, so it can try again.

# %%
gate = ApprovalGate(sandbox)
delete = "```python\nimport os\nfor name in os.listdir('.'):\n    os.remove(name)\n```"
listing = "Nothing is deleted.\n```python\nimport os\nprint(sorted(os.listdir('.')))\n```"
course.script(model=[delete, listing, "Your files are still there. TERMINATE"], human=["No: keep my files.", ""])

assistant = autogen.AssistantAgent("assistant", llm_config=llm_config, system_message=SYSTEM_MESSAGE)
user_proxy = autogen.UserProxyAgent(
    "user_proxy",
    human_input_mode="NEVER",
    is_termination_msg=is_termination_msg,
    max_consecutive_auto_reply=5,
    code_execution_config={"executor": gate},
)
result = user_proxy.initiate_chat(assistant, message="Tidy up your folder.")

# %%
ran = [m["content"] for m in result.chat_history if m["content"].startswith("exitcode:")]
print(*ran, sep="\n")
print(gate.decisions[0].prompt if gate.decisions else "(the gate was not asked)")
print("the gate's decisions:", [(d.decision, d.response) for d in gate.decisions])
course.check("the rejected code did not run: hello.txt is still there", (work_dir / "hello.txt").exists())
course.check("the assistant got NOT RUN and the feedback", lambda: "NOT RUN:" in ran[0] and "keep my files" in ran[0])
course.check("the second proposal was approved, and ran", lambda: ran[1].startswith("exitcode: 0"))

# %% [markdown]
# ## 3. What the container cannot do
#
# This probe prints the network interfaces, looks for the secret file next to the work dir, and
# tries to reach the internet (where it cannot, the connection fails with `OSError`). In the
# sandbox the host is out of reach; on this machine it is not.

# %%
probe = f"""```python
import os, socket
print("interfaces:", sorted(os.listdir("/sys/class/net")))
print("secret visible:", os.path.exists({str(secret)!r}))
socket.create_connection(("1.1.1.1", 53), timeout=3)
print("internet: reachable")
```"""
course.script(model=[probe, "That is what the code can reach. TERMINATE"], human=[""])

assistant = autogen.AssistantAgent("assistant", llm_config=llm_config, system_message=SYSTEM_MESSAGE)
user_proxy = autogen.UserProxyAgent(
    "user_proxy",
    human_input_mode="NEVER",
    is_termination_msg=is_termination_msg,
    max_consecutive_auto_reply=5,
    code_execution_config={"executor": gate},
)
result = user_proxy.initiate_chat(assistant, message=f"Run this code:\n{probe}")

# %%
output = "".join(m["content"] for m in result.chat_history if m["content"].startswith("exitcode:"))
print(output)
if SANDBOXED:
    course.check("no network: only loopback, no internet", "['lo']" in output and "unreachable" in output)
    course.check("it cannot see the host file next to its work dir", "secret visible: False" in output)
else:
    course.check("on this machine, the same code sees the host file next to the work dir", "visible: True" in output)

# %% [markdown]
# ## 4. A timeout stops a runaway loop
#
# This loop never ends, and it even ignores the polite stop signal (SIGTERM). The executor's
# `timeout` stops it anyway (in the sandbox: SIGTERM, then SIGKILL, then a fresh container, so
# nothing it started lives on). AutoGen reports exit code 124 and `Timeout`, and the chat goes on.

# %%
loop = "```python\nimport signal\nsignal.signal(signal.SIGTERM, signal.SIG_IGN)\nwhile True:\n    pass\n```"
course.script(model=[loop, "The loop hit the time limit and was stopped. TERMINATE"], human=[""])

assistant = autogen.AssistantAgent("assistant", llm_config=llm_config, system_message=SYSTEM_MESSAGE)
user_proxy = autogen.UserProxyAgent(
    "user_proxy",
    human_input_mode="NEVER",
    is_termination_msg=is_termination_msg,
    max_consecutive_auto_reply=5,
    code_execution_config={"executor": gate},
)
result = user_proxy.initiate_chat(assistant, message=f"Run this code:\n{loop}")

# %%
ran = [m["content"] for m in result.chat_history if m["content"].startswith("exitcode:")]
print(*ran, sep="\n")
ended = is_termination_msg(user_proxy.last_message())
print(f"summary: {result.summary!r}")
course.check("a timeout: exit code 124, and the chat went on", lambda: ran[0].startswith("exitcode: 124") and ended)

# %% [markdown]
# ## 5. No engine? A loud fallback, with the gate on
#
# To see what `"auto"` does on a machine without Docker, point it at an engine address where
# nobody listens. It does not refuse to work: it warns loudly (a `SandboxFallbackWarning` and a
# banner on stderr) and runs code on this machine, behind an `ApprovalGate` that `make_executor`
# puts there itself (`require_approval=False` would waive it, and the warning says so). The person
# says `no`.

# %%
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    fallback = make_executor("auto", work_dir, timeout=3, docker_host=f"unix://{workspace}/nobody-listens.sock")
print(f"{fallback!r}: code would run {fallback.where}")
course.script(model=["```python\nopen('fallback.txt', 'w').close()\n```", "Nothing ran. TERMINATE"], human=["no"])

assistant = autogen.AssistantAgent("assistant", llm_config=llm_config, system_message=SYSTEM_MESSAGE)
user_proxy = autogen.UserProxyAgent(
    "user_proxy",
    human_input_mode="NEVER",
    is_termination_msg=is_termination_msg,
    max_consecutive_auto_reply=5,
    code_execution_config={"executor": fallback},
)
result = user_proxy.initiate_chat(assistant, message="Create an empty fallback.txt.")

# %%
print(*[m["content"] for m in result.chat_history if m["content"].startswith("exitcode:")])
print([decision.note for decision in fallback.decisions])
warned = any(w.category is SandboxFallbackWarning for w in caught)
course.check("with no engine, 'auto' fell back to this machine, with a warning", fallback.kind == "local" and warned)
course.check("it asked first; after 'no' nothing ran", not (work_dir / "fallback.txt").exists())

# %% [markdown]
# ## Clean up
#
# Stopping the executor removes its container (it would also go when Python exits).

# %%
sandbox.stop()
shutil.rmtree(workspace, ignore_errors=True)

# %% [markdown]
# ## Summary
#
# - `code_execution_config={"executor": ...}` decides where the assistant's code runs.
#   `make_executor("docker", work_dir, timeout=...)` is a container with its own hostname, no
#   network and only the work dir shared; `stop()` (or `with`) removes it.
# - `human_input_mode="ALWAYS"` is AutoGen's own approval: Enter runs the code, text replaces it.
#   `ApprovalGate(executor)` asks about the code alone, with the proxy on NEVER: Enter or `yes`
#   runs it; anything else does not, and the text goes back as feedback.
# - `"auto"` prefers Docker. Without it, code runs on your machine: loudly, and behind the gate
#   unless you waive it with `require_approval=False`.
# - A timeout turns a runaway loop into an ordinary result (exit code 124) that the chat handles.
#
# ## Exercises
#
# 1. Write `my_reply_approves(reply)`: True only for Enter or an unambiguous yes; anything else, and
#    `None` (no person answered), keeps the code from running. Run the check cell. Then try it in
#    section 2: `gate = ApprovalGate(sandbox, approves=my_reply_approves)`.
# 2. In section 4, make the loop finish after 2 seconds (`time.sleep(2)` in `loop`), and run it with
#    `timeout=1` and then `timeout=5` (section 1's `make_executor`). Predict the exit codes first.
# 3. With the sandbox only (`SANDBOXED` is True): change section 3's probe to write to `/usr/bin`
#    and to read `/etc/hostname`. Predict each result, then run it.
# 4. Run `.venv/bin/hitl-modes lesson 12 --executor local` and compare section 3's output.


# %%
def my_reply_approves(reply):
    # Your answer here. This starter approves anything but "no": the check shows what that lets through.
    return reply != "no"


print(check_reply_approves(my_reply_approves))
