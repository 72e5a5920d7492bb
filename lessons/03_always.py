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
# # Lesson 03 — `human_input_mode="ALWAYS"`: a human on every turn
#
# With `human_input_mode="ALWAYS"` the proxy asks a person before **every** reply it sends, with
# one prompt: *"Replying as user_proxy. Provide feedback to assistant. Press enter to skip and use
# auto-reply, or type 'exit' to end the conversation"*. What the person types decides the reply:
#
# | the person types | on an ordinary message | on a termination message |
# |---|---|---|
# | Enter | the proxy sends its auto-reply | the chat ends |
# | any other text | that text is the reply | that text is the reply |
# | `exit` | the chat ends | the chat ends |
#
# It is the mode for a person who reviews each step. It is also the mode that hangs a server or a
# CI job, because nobody is there to answer: the second half of this lesson shows why, and how the
# toolkit fails fast instead.

# %% [markdown]
# ### Running this lesson, and being the human
#
# In a terminal: `.venv/bin/hitl-modes lesson 3`. As a notebook: in JupyterLab started with
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
import textwrap

import autogen

import hitl_modes  # noqa: F401  first: it quiets flaml's irrelevant "automl is not available" warning
from hitl_modes import NoHumanAvailableError, require_interactive_human
from hitl_modes.course.exercises.lesson03 import check_always_replies, check_headless_mode
from hitl_modes.course.headless import run_headless
from hitl_modes.course.lesson import Lesson

lesson = Lesson.setup(3, "ALWAYS: a human on every turn")

ASK_ALWAYS = (
    "Replying as user_proxy. Provide feedback to assistant. Press enter to skip and use auto-reply, "
    "or type 'exit' to end the conversation: "
)


def is_termination_msg(message):
    return (message.get("content") or "").rstrip().endswith("TERMINATE")


def reviewed_proxy(limit=10):
    """An ALWAYS-mode proxy. A visible default_auto_reply makes its auto-replies easy to spot."""
    return autogen.UserProxyAgent(
        "user_proxy",
        human_input_mode="ALWAYS",
        is_termination_msg=is_termination_msg,
        max_consecutive_auto_reply=limit,
        default_auto_reply="Please continue.",
        code_execution_config=False,
    )


# %% [markdown]
# ## 1. Enter means auto-reply, and `exit` ends
#
# The person presses Enter twice, then types `exit`. Each Enter lets the proxy send its
# `default_auto_reply`. The proxy below also has `max_consecutive_auto_reply=1`: ALWAYS asks on
# every turn anyway, so that limit never stops it.

# %%
NOTES_TASK = "Write the release notes for version 2.0."
assistant = lesson.assistant(
    "assistant",
    [
        "Outline: new API, faster start-up, removed flags.",
        "Draft: 2.0 brings a new API...",
        "Draft, longer: 2.0 brings a new API and starts twice as fast...",
    ],
)
with lesson.human(["", "", "exit"], mode="ALWAYS"):
    run = lesson.run(reviewed_proxy(limit=1), assistant, NOTES_TASK, title="Enter, Enter, exit")

prompts = run.trace.of_kind("human_prompt")
replies_from_proxy = [m for m in run.trace.messages if m.agent == "user_proxy" and m.source != "task"]
lesson.claim(
    "the human was asked at every assistant message",
    len(prompts) == len([m for m in run.trace.messages if m.agent == "assistant"]) == 3,
)
lesson.claim(
    "every prompt is the ALWAYS prompt, asked because it is every turn",
    all(p.content == ASK_ALWAYS and p.detail == "every_turn" for p in prompts),
)
lesson.claim(
    "each Enter sent the proxy's default_auto_reply",
    [(m.source, m.content) for m in replies_from_proxy] == [("auto_reply", "Please continue.")] * 2,
)
lesson.claim("ALWAYS ignores max_consecutive_auto_reply=1: two auto-replies in a row", len(replies_from_proxy) == 2)
lesson.claim("'exit' ended the chat", run.stop_reason == "human_exit")

# %% [markdown]
# ## 2. Text overrides, and Enter on a termination message ends
#
# Now the person corrects the first draft. The text replaces the auto-reply: it goes to the
# assistant as the user's message. On the final answer, which says TERMINATE, Enter ends the chat,
# even though the prompt still says "Press enter to skip and use auto-reply".

# %%
CORRECTION = "Write it in prose, not bullet points."
assistant = lesson.assistant(
    "assistant",
    [
        "- new API\n- faster start-up\n- removed flags",
        "Version 2.0 brings a new API, starts twice as fast, and drops old flags. TERMINATE",
    ],
)
with lesson.human([CORRECTION, ""], mode="ALWAYS"):
    run = lesson.run(reviewed_proxy(), assistant, NOTES_TASK, title="a correction, then Enter on TERMINATE")

prompts = run.trace.of_kind("human_prompt")
lesson.claim(
    "the correction was sent instead of an auto-reply",
    [m.source for m in run.trace.messages if m.agent == "user_proxy"] == ["task", "human"]
    and not run.trace.of_kind("auto_reply"),
)
lesson.claim(
    "the model received the correction as the user's latest message", lambda: assistant.hitl_llm.received(CORRECTION)
)
lesson.claim(
    "the prompt at the termination message still offers Enter as 'use auto-reply'",
    lambda: prompts[-1].content == ASK_ALWAYS,
)
lesson.claim("yet Enter on the termination message ended the chat", run.stop_reason == "termination_msg")

# %% [markdown]
# ## 3. Why ALWAYS blocks a server or CI
#
# AutoGen asks through `IOStream.get_default().input(prompt)`, which in a terminal is Python's
# `input()`. `input()` waits until a line arrives on stdin. Where nobody can type, that goes wrong
# in one of three ways:
#
# - **stdin is open but nobody writes to it**, as for a service started by a supervisor, in
#   `docker run -i`, or a web handler that runs a chat: `input()` waits **forever**. The request
#   hangs, the worker is lost, and nothing says why.
# - **stdin is closed**, as in most CI runners or `python script.py < /dev/null`: `input()` raises
#   `EOFError` in the middle of the chat, after the model has already been called (and paid for).
# - **a Jupyter kernel run by nbclient** (how notebooks run in CI) disables stdin: `input()` raises
#   `StdinNotImplementedError`.
#
# TERMINATE has the same problem at its prompts; only NEVER never asks. The toolkit's guard,
# `require_interactive_human(mode)`, used by `ConsoleHuman(mode)` (what `--human console` gives a
# lesson), checks **before the chat starts** whether a person can answer, and raises
# `NoHumanAvailableError` with what to do instead.
#
# To show each case the same way in a terminal and in a notebook, we run a tiny chat in a child
# Python process and choose its stdin: `run_headless(code, stdin="open" | "devnull")`.

# %%
CHAT = """
from hitl_modes import ConsoleHuman, ScriptedLLM
import textwrap

import autogen

llm = ScriptedLLM(["Draft 1 of the release notes."])
assistant = llm.register(autogen.AssistantAgent("assistant", llm_config=llm.llm_config))
user_proxy = autogen.UserProxyAgent("user_proxy", human_input_mode="ALWAYS", code_execution_config=False)
try:
    if GUARDED:
        ConsoleHuman("ALWAYS").start()  # the toolkit's guard: no person, no chat
    user_proxy.initiate_chat(assistant, message="Write the release notes.", silent=True)
finally:
    print("model calls:", llm.call_count)
"""


def chat_without_a_human(guarded, stdin):
    return run_headless(f"GUARDED = {guarded}\n{CHAT}", stdin=stdin, wait_for="Provide feedback to", patience=2.0)


plain_open = chat_without_a_human(False, "open")
plain_closed = chat_without_a_human(False, "devnull")
print(f"plain AutoGen  {plain_open}")
print(f"plain AutoGen  {plain_closed}")
lesson.claim(
    "with stdin open and nobody typing, ALWAYS sits at the prompt (still waiting, so we stopped it)",
    plain_open.still_waiting and ASK_ALWAYS.strip() in plain_open.stdout,
)
lesson.claim(
    "with stdin closed, ALWAYS crashes mid-chat with EOFError, after the model was called",
    plain_closed.error.startswith("EOFError") and "model calls: 1" in plain_closed.stdout,
)

# %% [markdown]
# The same chat with the guard. It refuses at once, whichever stdin it has, before the model is
# called, and its error says what to do instead:

# %%
guarded = {stdin: chat_without_a_human(True, stdin) for stdin in ("open", "devnull")}
for stdin, result in guarded.items():
    print(f"with the guard  stdin={stdin}: exited with code {result.returncode}; stdout: {result.stdout.strip()!r}")
print(textwrap.fill(guarded["open"].error, 100, subsequent_indent="    "))
lesson.claim(
    "with the guard, ALWAYS fails fast with NoHumanAvailableError, with stdin open or closed",
    all(r.returncode == 1 and r.error.startswith("hitl_modes.errors.NoHumanAvailableError") for r in guarded.values()),
)
lesson.claim(
    "the guard stops it before the chat starts: no prompt, no model call",
    all(r.stdout.strip() == "model calls: 0" for r in guarded.values()),
)
lesson.claim(
    "the error names the fixes: a terminal, a scripted human, or NEVER",
    all("ScriptedHuman" in r.error and "'NEVER'" in r.error for r in guarded.values()),
)

# %% [markdown]
# The guard is a plain function too. NEVER can never ask, so it always passes. For ALWAYS it
# depends on where this lesson runs: in a terminal, a person is here; in CI or nbclient, nobody is.


# %%
def guard_lets_through(mode):
    try:
        require_interactive_human(mode)
        return True
    except NoHumanAvailableError:
        return False


lesson.claim(
    "require_interactive_human('NEVER') passes anywhere: NEVER never waits for a person", guard_lets_through("NEVER")
)
if guard_lets_through("ALWAYS"):
    print("Here stdin is interactive: a person can answer, so the guard lets an ALWAYS chat start.")
else:
    print("Here nobody can type (CI, /dev/null, or nbclient), so the guard refuses an ALWAYS chat.")

# %% [markdown]
# ## Summary
#
# - ALWAYS asks a person before every reply. Enter sends the auto-reply, text replaces it, `exit`
#   ends the chat, and Enter on a termination message ends it too, whatever the prompt says.
# - `max_consecutive_auto_reply` does not limit ALWAYS: the person is the limit.
# - With nobody at stdin, `input()` waits forever (open stdin), crashes mid-chat (closed stdin),
#   or raises `StdinNotImplementedError` (nbclient). Never run ALWAYS or TERMINATE unattended.
# - Check first: `require_interactive_human(mode)` / `ConsoleHuman(mode)` fail fast with
#   `NoHumanAvailableError`, before any model call. For unattended runs use NEVER, or script the
#   human (`ScriptedHuman`).
#
# ## Exercises
#
# 1. An ALWAYS chat brings two drafts and a final answer (ending in TERMINATE). Write
#    `my_replies` so that draft 1 passes with the auto-reply, draft 2 gets your correction, and
#    the final answer ends the chat **without** typing `exit`.
# 2. Write `choose_mode(interactive)`: the `human_input_mode` for a chat a person reviews turn by
#    turn when `interactive` is true, and one that can never wait for a person when it is false.
# 3. Run `python lessons/03_always.py --human console` in a terminal and be the human. Then run it
#    again with `< /dev/null`. What stops it, and when?

# %%
my_replies = ["", "exit"]  # your answer: this starter stops at draft 2

print(check_always_replies(my_replies))


# %%
def choose_mode(interactive):
    # Your answer here. This starter still asks a person when nobody can answer.
    return "ALWAYS" if interactive else "TERMINATE"


print(check_headless_mode(choose_mode))
