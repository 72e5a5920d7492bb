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
# # Lesson 13 — An approval inbox: decide a running chat's prompts in the browser
#
# So far the person answered where the chat runs: a terminal, or a notebook's input box. A chat that
# runs on a server has no terminal, and the person who should approve its steps is somewhere else.
# The toolkit gives classic AutoGen a small **approval inbox** (Starlette + SQLite):
#
# ```
#  chat process                          hitl-modes inbox                 a person's browser
#  UserProxyAgent ─ get_human_input ─►  InboxHuman ─ card ─►  (Starlette + SQLite)  ◄── the page
#                                        waits ◄──── decision ─────────  Approve / Reply / Stop
# ```
#
# - **`InboxHuman`** is an AutoGen `IOStream`: inside `with InboxHuman(url):`, AutoGen's own
#   `get_human_input` posts each prompt, the agent and the recent conversation to the inbox as a
#   card, and waits. **Approve** answers `""` (Enter), **Reply** answers the text, **Stop** answers
#   `exit`. With no decision before its `timeout` the chat gets `exit`: nobody there means stop.
# - **The inbox** (`hitl-modes inbox`, or `InboxServer` in your own process) keeps prompts,
#   decisions and an audit trail in SQLite, rates each card with lesson 10's `RiskPolicy`, and
#   survives restarts. Deciding needs the secret token in the link it prints; chats need a separate
#   agent token, so only the inbox's own chats can put a card in front of the person.
#
# The chat cells are plain AutoGen plus that `with` line. The lines that start with `course.` are
# the course's (what the offline model answers; checks).

# %% [markdown]
# ### Running this lesson, and being the human
#
# In a terminal: `.venv/bin/hitl-modes lesson 13` (add `--live` for a real model: it reads the same
# `OPENAI_API_KEY` as the cell below). As a notebook: in JupyterLab started with `make lab`, kernel
# **Python 3 (ipykernel)**.
#
# Offline there is no browser, so the lesson's code plays the person too: `click(...)` below sends
# the requests the page's buttons send. To be the person yourself, add `--human console` in a
# terminal (in a notebook, run `%env HITL_HUMAN=console` in a new cell above the setup cell, then
# run the notebook from that cell on): you answer section 1's chat at the prompt, and for the others
# you open the inbox's link in your browser and click. With `--human inbox` (section 6), section 1
# asks you in your own inbox; the lesson's own inbox is still decided by `click(...)`.
#
# - After **Approve** (an empty reply, as Enter is) AutoGen prints
#   `>>>>>>>> NO HUMAN INPUT RECEIVED.`: not an error, it notes the empty reply, and AutoGen then
#   does what Enter means there.
# - **Stop** sends `exit` (as typing `exit` at the prompt does): the chat ends and the lesson goes
#   on. To stop the whole lesson, interrupt it (the notebook's ■ *Interrupt the kernel* button, or
#   Ctrl-C in a terminal).

# %%
from hitl_modes.course.session import Course  # the course's (first: it quiets flaml's "automl" warning)

import os
import shutil
import tempfile
import threading
import time
from pathlib import Path

import autogen

from hitl_modes import InboxHuman, InboxReviewer, InboxServer, read_audit_log
from hitl_modes.course.exercises.lesson13 import check_triage

course = Course.setup(13, "An approval inbox in the browser")

config_list = [{"model": os.environ.get("OPENAI_MODEL", "gpt-4o-mini"), "api_key": os.environ["OPENAI_API_KEY"]}]
llm_config = {"config_list": config_list, "cache_seed": None}  # cache_seed=None: ask the model every time

TASK = "The server's disk is full. Free some space."
SYSTEM_MESSAGE = "You run a server. Propose one shell command at a time, in a ```sh block. Say TERMINATE when done."
DELETE = "To free space I will remove the old application data:\n```sh\nrm -rf /var/lib/app/data\n```"
LOOK = "Understood. First let me see what build/ holds:\n```sh\ndu -sh build/*\n```"
DONE = "build/ holds 3 GB of old artefacts; `make clean` frees them. TERMINATE"
FEEDBACK = "Keep /var/lib/app/data. Only build/ may go."


def is_termination_msg(message):
    return "TERMINATE" in (message.get("content") or "")


# %% [markdown]
# ## 1. The chat, with the person at the terminal
#
# First the chat as AutoGen runs it anywhere: the proxy is in ALWAYS mode, so every proposal
# reaches the person at AutoGen's own prompt. The first proposal deletes application data: the
# person replies with feedback. The second only looks: Enter. At the final answer: `exit`.

# %%
course.script(model=[DELETE, LOOK, DONE], human=[FEEDBACK, "", "exit"])

assistant = autogen.AssistantAgent("assistant", llm_config=llm_config, system_message=SYSTEM_MESSAGE)
user_proxy = autogen.UserProxyAgent(
    "user_proxy",
    human_input_mode="ALWAYS",
    is_termination_msg=is_termination_msg,
    default_auto_reply="Go on.",
    code_execution_config=False,
)
result = user_proxy.initiate_chat(assistant, message=TASK)

# %%
print(f"human_input={result.human_input}; summary={result.summary!r}")
course.check("the person's feedback, Enter and exit reached the chat", result.human_input == [FEEDBACK, "", "exit"])

# %% [markdown]
# ## 2. Start the inbox
#
# `InboxServer(db, port=0)` binds a free port on `127.0.0.1` (loopback: nothing outside this
# machine can connect) and serves the inbox in a background thread. In a terminal,
# `.venv/bin/hitl-modes inbox [--port 8765] [--db inbox.sqlite]` does the same in the foreground. The
# link it prints carries the person's token after `#`: a browser keeps that part to itself, so the
# token never shows up in a server log. `agent_url` carries the chats' token the same way.
#
# `click(...)` is the person, offline: `InboxReviewer` sends what the page's buttons send (with the
# token from the link), `("reply", text)`, `("approve",)` or `("stop",)`, one card at a time.

# %%
work = Path(tempfile.mkdtemp(prefix="lesson13-"))
inbox = InboxServer(work / "inbox.sqlite", port=0).start()
print(f"A person opens {inbox.link}")


def click(*decisions):
    """The person in the page: each decision, on the next card, as the page's buttons send it."""
    reviewer = InboxReviewer.from_link(inbox.link)
    seen = set()
    for decision in decisions:
        card = reviewer.next_pending(timeout=60, skip=seen)
        seen.add(card["id"])
        print(f"[the person clicks {decision[0]} on a {card['risk']['level']}-risk card]")
        reviewer.decide(card["id"], *decision)


you_click = False
you_click = course.human_kind == "console"  # --human console: you click in the page yourself

# %% [markdown]
# ## 3. The same chat, decided in the inbox
#
# The chat is section 1's, word for word, inside `with InboxHuman(inbox.agent_url, ...)`. Each
# question becomes a card with the agent, AutoGen's prompt, the message it asks about and the
# policy's risk; the decision comes back as the reply AutoGen's prompt would have read. The
# `audit_log` records each decision (a JSON line, lesson 10's `AuditLog`) before the agent acts.

# %%
course.script(model=[DELETE, LOOK, DONE])

assistant = autogen.AssistantAgent("assistant", llm_config=llm_config, system_message=SYSTEM_MESSAGE)
user_proxy = autogen.UserProxyAgent(
    "user_proxy",
    human_input_mode="ALWAYS",
    is_termination_msg=is_termination_msg,
    default_auto_reply="Go on.",
    code_execution_config=False,
)
if not you_click:
    threading.Thread(target=click, args=(("reply", FEEDBACK), ("approve",), ("stop",))).start()
with InboxHuman(inbox.agent_url, timeout=300, audit_log=work / "audit.jsonl") as human:
    result = user_proxy.initiate_chat(assistant, message=TASK)

# %% [markdown]
# The chat's `ChatResult` is AutoGen's, as in section 1. `human.decisions` holds what the inbox
# answered each time (with the card's risk), and the audit log the same, written first.

# %%
print(f"human_input={result.human_input}; what the assistant received:")
for message in assistant.chat_messages[user_proxy]:
    print(f"  {message['role']:>9}: {message['content'][:70]!r}")
for decision in human.decisions:
    print(f"  {decision.decision:<9} risk {decision.risk}: {decision.reasons}")
course.check("the chat got what the person clicked: Reply, Approve, Stop", result.human_input == [FEEDBACK, "", "exit"])
risks = [decision.risk for decision in human.decisions]
course.check("the policy rated the rm -rf card high, the others low", risks == ["high", "low", "low"])
logged = [entry["decision"] for entry in read_audit_log(work / "audit.jsonl")]
course.check("each decision is in the audit log", logged == ["feedback", "approved", "exit"])

# %% [markdown]
# ## 4. Nobody answers: the safe default
#
# A person may be away. `InboxHuman(timeout=...)` bounds every wait; then the chat gets `exit` (or
# another denial you choose with `timeout_reply`; an empty reply, which would mean "proceed", is
# refused). It also tells the inbox, so the card is closed as timed out, and a late click gets 409
# instead of approving something the chat no longer waits for.

# %%
course.script(model=[DELETE])

assistant = autogen.AssistantAgent("assistant", llm_config=llm_config, system_message=SYSTEM_MESSAGE)
user_proxy = autogen.UserProxyAgent(
    "user_proxy",
    human_input_mode="ALWAYS",
    is_termination_msg=is_termination_msg,
    code_execution_config=False,
)
with InboxHuman(inbox.agent_url, timeout=2, audit_log=work / "audit.jsonl") as human:
    result = user_proxy.initiate_chat(assistant, message=TASK)
late = InboxReviewer.from_link(inbox.link).approve(human.decisions[0].prompt_id)

# %%
print(f"human_input={result.human_input}; a late Approve got {late.status}: {late.error}")
course.check("with nobody answering, the chat got 'exit' and stopped", result.human_input == ["exit"])
last = read_audit_log(work / "audit.jsonl")[-1]
course.check("the audit log says timed-out: nobody answered", last["decision"] == "timed-out")
course.check("a late click cannot approve it (409)", late.status == 409)

# %% [markdown]
# ## 5. Restart the inbox while a chat waits
#
# The inbox is a process of its own that can crash or be redeployed while chats wait on it. Its
# state is in SQLite, written before every answer, so a new inbox on the same file has every
# pending card. `InboxHuman` retries until its own deadline and submits its card again if the
# inbox does not know it; the chat chooses each card's id, so that finds the stored card instead of
# making a second one. The tokens are kept beside the database (`inbox.sqlite.tokens`, readable
# only by you): the page the person had open, the link and the waiting chat keep working.
#
# Below, a thread plays the operator: once the chat has asked, it stops the inbox and starts a new
# one on the same file and port; then the person replies there.

# %%
SECOND_FEEDBACK = "Yes, but keep build/cache."
restarted = []


def restart_then_click(human):
    while not human.prompts:  # until the chat has asked: its card is on its way
        time.sleep(0.05)
    inbox.stop()  # the chat now reaches a port where nobody listens
    time.sleep(1.0)
    restarted.append(InboxServer(work / "inbox.sqlite", port=inbox.port).start())  # same file, port, tokens
    if not you_click:
        click(("reply", SECOND_FEEDBACK))


course.script(model=["I will run `make clean` in build/.", "Done: 3 GB freed."])

assistant = autogen.AssistantAgent("assistant", llm_config=llm_config, system_message=SYSTEM_MESSAGE)
user_proxy = autogen.UserProxyAgent(
    "user_proxy",
    human_input_mode="ALWAYS",
    is_termination_msg=is_termination_msg,
    code_execution_config=False,
)
human = InboxHuman(inbox.agent_url, timeout=120, audit_log=work / "audit.jsonl")
threading.Thread(target=restart_then_click, args=(human,)).start()
with human:
    result = user_proxy.initiate_chat(assistant, message=TASK, max_turns=2)
inbox = restarted[0]

# %%
retries = human.client.retries
print(f"the chat retried {retries} times while the inbox was down; human_input={result.human_input}")
sent = [m["content"] for m in assistant.chat_messages[user_proxy] if m["role"] == "user"]
course.check("the chat retried, then got the decision", retries > 0 and result.human_input == [SECOND_FEEDBACK])
course.check("the decision reached the assistant exactly once", sent.count(SECOND_FEEDBACK) == 1)
recent = InboxReviewer.from_link(inbox.link).listing()["recent"]
course.check("the restarted inbox kept every earlier decision", len(recent) == 5)

# %% [markdown]
# ## 6. Use the inbox for any chat
#
# In one terminal start the inbox and open the link it prints:
#
# ```sh
# .venv/bin/hitl-modes inbox     # http://127.0.0.1:8765, state in ./inbox.sqlite; prints HITL_INBOX_AGENT_TOKEN=...
# ```
#
# In your own code it is one `with` block around the chat, with the agent token the inbox printed
# (`HITL_INBOX_AGENT_TOKEN`, or after `#agent=` in the URL):
#
# ```python
# with InboxHuman("http://127.0.0.1:8765", timeout=300, audit_log="audit.jsonl"):
#     user_proxy.initiate_chat(assistant, message="...")
# ```
#
# It works for `a_initiate_chat` too: AutoGen's async path asks in a worker thread, and
# `InboxHuman` is installed for every thread. Any lesson of this course can ask you there: set
# that token, then `.venv/bin/hitl-modes lesson 3 --human inbox --inbox-url http://127.0.0.1:8765`.
# What the inbox refuses (no token: 401; a second click: 409; a body over 256 KiB: 413; markup
# in a prompt is shown as text, never run) is in `docs/inbox.md` and pinned by `tests/inbox/`.

# %%
inbox.stop()
shutil.rmtree(work, ignore_errors=True)

# %% [markdown]
# ## Summary
#
# - `with InboxHuman(url, timeout=..., audit_log=...):` around `initiate_chat` turns each of
#   AutoGen's human prompts into a card in the inbox. Approve is `""`, Reply is the text, Stop is
#   `exit`: the chat reads them exactly as it reads a person at its prompt.
# - Nobody answering is a decision too: after the timeout the chat gets `exit` (or your denial), it
#   is recorded as `timed-out`, and a late click gets 409.
# - The inbox keeps cards, decisions and tokens beside its SQLite file: a restart loses nothing and
#   applies nothing twice, and a waiting chat carries on.
#
# ## Exercises
#
# 1. Write `my_triage(reviewer, card)`, a reviewer's rule for the inbox: Approve a low-risk card;
#    for a high-risk one, Reply with feedback that names the policy's first reason
#    (`card["risk"]["reasons"][0]`), so the model learns why. A colleague may have decided the card
#    already: the inbox answers 409, and your rule must not crash on it. The check runs your rule
#    on a real inbox.
# 2. In section 4, give `InboxHuman` a `timeout_reply="Denied: nobody approved this."`. What does
#    the assistant receive now, and how does the chat end? (Offline, add a second reply to that
#    section's `course.script(model=[...])`: the assistant now answers once more.)
# 3. Run `.venv/bin/hitl-modes lesson 13 --human console`, open the printed link, and be the person
#    in section 3. Try Reply with `<b>bold</b>`: what does the assistant receive, and what does the
#    card show?


# %%
def my_triage(reviewer, card):
    # Your answer here. This starter approves every card, whatever its risk.
    return reviewer.approve(card["id"])


print(check_triage(my_triage))
