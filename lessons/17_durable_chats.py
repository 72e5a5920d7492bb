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
# # Lesson 17 — A chat that outlives its process: killed while it waits, resumed with the decision
#
# A person does not answer in seconds. While a chat waits for them in lesson 13's inbox, its process
# may die: a deploy, a crash, a laptop closed. Lesson 16 saved a chat's `chat_messages` at a pause
# and continued it in a new agent pair with `clear_history=False`. `hitl_modes.DurableChat` does that
# at every question the inbox is asked, so the *chat* survives as the inbox does:
#
# - it saves both agents' `chat_messages` and the question (with the id its card will have)
#   **before** the inbox hears of it, and the decision **before** the agent sees it;
# - run again with the same checkpoint, it loads the messages back, lets the asking agent run its own
#   reply chain again (its `get_human_input` meets the saved question: the same card, by id), and
#   continues with `initiate_chat(..., clear_history=False)`.
#
# Below, a real process is killed with SIGKILL while its question waits in the inbox, the person
# decides while no chat runs, and a new process takes the decision and finishes the chat.
#
# The lines that start with `course.` are this course's: `course.script(...)` says what the offline
# model answers (the chat processes ask this lesson's scripted model too) and what the scripted
# human types, `course.check(...)` checks what the lesson says. Delete them and each cell still runs.

# %% [markdown]
# ### Running this lesson, and being the human
#
# In a terminal: `.venv/bin/hitl-modes lesson 17` (add `--live` for a real model: it reads the same
# `OPENAI_API_KEY` as the cell below). As a notebook: in JupyterLab started with `make lab`, kernel
# **Python 3 (ipykernel)**. Offline, the course points `OPENAI_API_KEY` and `OPENAI_BASE_URL` at a
# scripted model server on your own machine; the chat processes, forked from the lesson's own
# process (Linux and macOS), reach it too.
#
# Offline, the lesson also plays the person in the inbox: it decides the cards with the requests the
# inbox page sends. To be the person yourself, add `--human console` in a terminal; in a notebook,
# run `%env HITL_HUMAN=console` in a new cell above the setup cell, then run the notebook from there.
# You answer section 1's chat at the prompt (Enter, text, or `exit`), and the lesson prints its
# inbox's link: decide each card of the durable chat there (Reply with text, Approve, or Stop); the
# new chat process waits for you. The claims are then checked on your run, ✓ or ✗.
#
# - After an Enter, AutoGen prints `>>>>>>>> NO HUMAN INPUT RECEIVED.` in red. It is not an error: it
#   notes that you typed nothing, and AutoGen then does what Enter means at that prompt.
# - To stop the whole lesson, interrupt it (the notebook's ■ *Interrupt the kernel* button, or Ctrl-C
#   in a terminal): it stops with one line saying so, and sends no reply.

# %%
from hitl_modes.course.session import Course  # the course's (first: it quiets flaml's "automl" warning)

import json
import multiprocessing
import os
import shutil
import signal
import tempfile
from pathlib import Path

import autogen

from hitl_modes import DurableChat, InboxReviewer, InboxServer
from hitl_modes.course.exercises.lesson17 import check_run_once

course = Course.setup(17, "A chat that outlives its process")

config_list = [{"model": os.environ.get("OPENAI_MODEL", "gpt-4o-mini"), "api_key": os.environ["OPENAI_API_KEY"]}]
llm_config = {"config_list": config_list, "cache_seed": None}

TASK = "Free some disk space."
PROPOSAL = "Deleting the old logs:\n```sh\nrm -rf /var/log/app\n```\nTERMINATE"
FEEDBACK = "Keep the logs; clean build/ only."
REVISED = "Understood: logs kept, only build/ cleaned. TERMINATE"


def is_termination_msg(message):
    return "TERMINATE" in (message.get("content") or "")


def build_agents():
    """The chat's agents, built the same way in every process."""
    assistant = autogen.AssistantAgent(
        "assistant",
        llm_config=llm_config,
        system_message="You run a server. Propose one shell command at a time, then say TERMINATE.",
    )
    user_proxy = autogen.UserProxyAgent(
        "user_proxy",
        human_input_mode="TERMINATE",
        is_termination_msg=is_termination_msg,
        max_consecutive_auto_reply=3,
        code_execution_config=False,
    )
    return user_proxy, assistant


# %% [markdown]
# ## 1. The chat, straight through
#
# First the chat as plain AutoGen, in this process, with nobody killed: the proxy asks the human at
# the assistant's TERMINATE; the human's feedback sends the assistant back to work, and Enter at the
# next TERMINATE ends it. The durable run below must end exactly like this one.

# %%
course.script(model=[PROPOSAL, REVISED], human=[FEEDBACK, ""])
user_proxy, assistant = build_agents()
uninterrupted = user_proxy.initiate_chat(assistant, message=TASK)

# %%
print(f"human_input={uninterrupted.human_input}; summary={uninterrupted.summary!r}")
course.check("the human's feedback, then Enter, ended the chat", uninterrupted.human_input == [FEEDBACK, ""])

# %% [markdown]
# ## 2. The same chat, durable, in its own process: killed while it waits
#
# `DurableChat(checkpoint, user_proxy, assistant, inbox_url)` runs `initiate_chat` with its human in
# the inbox (lesson 13: `InboxServer` here runs in a thread of this process; `agent_url` carries the
# chats' token). `chat_process` is what a chat's own process runs: the first run starts the chat, a
# later run with the same checkpoint resumes it. Here it runs in a process forked from this one; the
# cell waits until its question is a card in the inbox, then kills it with SIGKILL: no clean-up runs.

# %%
work = Path(tempfile.mkdtemp(prefix="hitl-lesson17-"))
CHECKPOINT, AUDIT_LOG = work / "release.chat.json", work / "audit.jsonl"
inbox = InboxServer(work / "inbox.sqlite", port=0).start()
reviewer = InboxReviewer(inbox.url, inbox.token)  # the person's side: the requests the inbox page sends


def chat_process():
    user_proxy, assistant = build_agents()
    chat = DurableChat(CHECKPOINT, user_proxy, assistant, inbox.agent_url, audit_log=AUDIT_LOG, echo=False)
    chat.run(TASK, silent=True)


course.script(model=[PROPOSAL])
fork = multiprocessing.get_context("fork")
first = fork.Process(target=chat_process)
first.start()
card = reviewer.next_pending(timeout=120)  # the chat's question, a card in the inbox
os.kill(first.pid, signal.SIGKILL)  # a crash, a deploy, a closed laptop
first.join()

# %%
saved = json.loads(CHECKPOINT.read_text())
print(f"the chat process exited with {first.exitcode}; its question waits in the inbox: {card['prompt']!r}")
print(f"the checkpoint: status {saved['status']!r}, question {saved['question']['prompt_id']} (the card's id), and")
for name, messages in saved["messages"].items():
    print(f"  {name}.chat_messages: {[m['content'] for m in messages]}")
killed_waiting = first.exitcode == -signal.SIGKILL and saved["question"]["prompt_id"] == card["id"]
course.check("the chat process died by SIGKILL; the checkpoint holds its question, with the card's id", killed_waiting)

# %% [markdown]
# ## 3. The person decides while no chat runs
#
# The card stays in the inbox (its SQLite file) with nobody waiting on it. Offline, the cell below
# is the person and replies on the card as the page's Reply button does. With `--human console`
# you are the person: open the link and decide; the new process in section 4 waits for you.

# %%
print(f"the card waits in the inbox: {inbox.link}")
you_decide = False
you_decide = course.person  # --human console or inbox: you decide in the page
if not you_decide:
    decided = reviewer.reply(card["id"], FEEDBACK)  # what the page's Reply button sends
    print(f"the person replied {FEEDBACK!r}: HTTP {decided.status}")

# %% [markdown]
# ## 4. A new process resumes and applies the decision once
#
# The same `chat_process` in a new process finds the checkpoint: it loads both views into new agents,
# the proxy asks its human again, and the saved question re-attaches to the same card (decided, or
# waited on until it is). The feedback goes to the assistant, whose next TERMINATE asks again: a new
# card, which the person approves (offline, the cell does). Then `DurableChat` on the finished
# checkpoint returns the chat's `ChatResult` and runs nothing.

# %%
course.script(model=[REVISED])
second = fork.Process(target=chat_process)
second.start()
if not you_decide:
    reviewer.approve(reviewer.next_pending(timeout=120, skip={card["id"]})["id"])  # the page's Approve button
second.join()

user_proxy, assistant = build_agents()
durable = DurableChat(CHECKPOINT, user_proxy, assistant, inbox.agent_url).run()

# %%
decisions = [json.loads(line)["decision"] for line in AUDIT_LOG.read_text().splitlines()]
same = [m["content"] for m in durable.chat_history] == [m["content"] for m in uninterrupted.chat_history]
print(f"human_input={durable.human_input}; the audit log's decisions: {decisions}")
applied = second.exitcode == 0 and durable.human_input[:1] == [FEEDBACK]
course.check("the new process applied the decision made while nothing ran; it ended as in section 1", applied and same)
course.check("each decision is in the audit log once, across both processes", decisions == ["feedback", "approved"])

# %%
inbox.stop()
shutil.rmtree(work, ignore_errors=True)

# %% [markdown]
# `tests/inbox/test_durable.py` kills the chat at the other bad moments too: before the question
# reached the inbox (the new process submits it under the saved id), right after the decision
# reached the assistant (the new process applies the saved decision and asks nobody), and with the
# inbox restarted while nothing runs. In every case the final history equals the uninterrupted run's.
#
# **What it does not save**: the auto-reply counters (lesson 16), and work between the decision and
# the next question is done again on resume (killed after the feedback reached the assistant, the
# new process asks the model again). Keep side effects behind a question of their own, or make them
# idempotent: exercise 1.
#
# ## Summary
#
# - `DurableChat(checkpoint, user_proxy, assistant, inbox_url).run(task)` is `initiate_chat` with the
#   human in the inbox, saved at every question: before the inbox hears of it, and when the decision
#   arrives, before the agent sees it. Each save is atomic (a temporary file, `fsync`, rename).
# - Run it again with the same checkpoint and agents built the same way, and it resumes on lesson
#   14's pieces: `chat_messages` loaded back, the asking agent's reply chain run again, then
#   `initiate_chat(clear_history=False)`.
# - A decision made while no chat runs is kept by the inbox and applied once: the question's saved
#   id finds the same card, and a saved decision is applied without asking again.
# - Work after a decision is redone on resume: make side effects idempotent.
#
# ## Exercises
#
# 1. Write `my_run_once(key, effect, ledger)`: call `effect()` and return its result the first time
#    `key` is seen, and return None without calling it for a key already done, also in another
#    process: keep the done keys in the file `ledger` (a `Path`). The starter runs it every time.
# 2. `DurableChat` saves the question (with the card's id it makes up) *before* it sends the card to
#    the inbox (`CheckpointingInboxHuman.input` in `hitl_modes/inbox/durable.py`). Suppose it did it
#    the other way round and the process were killed between the two: what would the new process
#    do, and what would the person see in the inbox?
# 3. Be the person from two terminals: `.venv/bin/hitl-modes inbox` prints its link and
#    `HITL_INBOX_AGENT_TOKEN=...`; in the other, set that variable and run
#    `.venv/bin/python -m hitl_modes.course.durable_demo chat.json http://127.0.0.1:8765 audit.jsonl out.json`.
#    Stop it while its card waits (Ctrl-C, or `kill -9` from a third terminal), decide in the
#    browser, and run the same command again.


# %%
def my_run_once(key, effect, ledger):
    # Your answer here. This starter runs the effect every time: a resumed chat would do it twice.
    return effect()


print(check_run_once(my_run_once))
