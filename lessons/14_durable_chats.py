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
# # Lesson 14 — Chats that outlive their process: pause, save, resume; humans in nested and sequential chats
#
# A person does not answer in seconds. While a chat waits, its process may die: a deploy, a crash, a
# laptop closed. Lesson 11's inbox survives its *own* restarts; this lesson makes the *chat* survive
# too. AutoGen 0.2 gives the pieces, and its maintainers point web UIs at "terminate, then resume"
# (microsoft/autogen issue 3326):
#
# - a two-agent chat lives in each agent's `chat_messages`; a new agent pair can be given them
#   (`chat_messages=`) and continue with `initiate_chat(clear_history=False)`;
# - a group chat resumes from its saved messages with `GroupChatManager.resume`
#   (`messages_to_string` / `messages_from_string` save and load them);
# - humans also sit *between* chats (`initiate_chats`, sequential) and *inside* them
#   (`register_nested_chats`, a review step).
#
# Section 5 builds a durable wait on these pieces: `hitl_modes.DurableChat` saves the chat at every
# question the inbox is asked, a real process is killed with SIGKILL while it waits, the person
# decides in the inbox while nothing runs, and a new process takes the decision and finishes the chat.

# %% [markdown]
# ### Running this lesson, and being the human
#
# In a terminal: `.venv/bin/hitl-modes lesson 14`. As a notebook: in JupyterLab started with
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
import json
import logging
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import autogen

import hitl_modes  # noqa: F401  first: it quiets flaml's irrelevant "automl is not available" warning
from hitl_modes import DurableChat, InboxReviewer, InboxServer, ScriptedHuman, ScriptedReviewer
from hitl_modes.approvals.audit import read_audit_log
from hitl_modes.chat.compat import resume_skips_own_messages
from hitl_modes.course.durable_demo import FEEDBACK, REPLIES, TASK, build_agents
from hitl_modes.course.exercises.lesson14 import STOPPED, check_load_chat, check_reviewer_summary
from hitl_modes.course.lesson import Lesson
from hitl_modes.inbox.durable import load_checkpoint

lesson = Lesson.setup(14, "Chats that outlive their process")
WORK = Path(tempfile.mkdtemp(prefix="hitl-lesson14-"))


def is_done(message):
    return "TERMINATE" in (message.get("content") or "")


def contents(messages):
    return [m.get("content") for m in messages]


# %% [markdown]
# ## 1. Save a two-agent chat at a pause, continue it in a new agent pair
#
# The user proxy asks the human when the assistant says TERMINATE. Here the human types `exit`: the
# chat stops (a pause), and we save what each agent holds, **its own view** of the conversation
# (`user_proxy.chat_messages[assistant]`, `assistant.chat_messages[user_proxy]`: the same messages,
# with the roles seen from each side). Later, perhaps in another process, two new agents get those
# messages back and the chat continues.

# %%
first_assistant = lesson.assistant("assistant", ["Plan: 1. freeze 2. tag. TERMINATE"])
first_proxy = autogen.UserProxyAgent(
    "user_proxy",
    human_input_mode="TERMINATE",
    code_execution_config=False,
    max_consecutive_auto_reply=3,
    is_termination_msg=is_done,
)
with lesson.human(["exit"], mode="TERMINATE"):
    paused = lesson.run(first_proxy, first_assistant, "Plan the release.", title="paused by the human")

saved = json.dumps(
    {
        "user_proxy": first_proxy.chat_messages[first_assistant],
        "assistant": first_assistant.chat_messages[first_proxy],
    }
)
print(f"saved {len(saved)} bytes of JSON")
lesson.claim(
    "the two views hold the same messages with the roles swapped",
    [m["role"] for m in json.loads(saved)["user_proxy"]] == ["assistant", "user"]
    and [m["role"] for m in json.loads(saved)["assistant"]] == ["user", "assistant"],
)

# %% [markdown]
# Now the new pair. `chat_messages=` takes a dict keyed by the *partner agent*, so build the proxy
# first, then the assistant with its view, then give the proxy its view. Two traps, both shown below:
#
# - AutoGen stores `chat_messages=` as given. A plain `dict` has no entry for any other partner, so
#   the agent raises `KeyError` the moment a third agent talks to it: pass a `defaultdict(list)`.
# - `initiate_chat` clears both histories by default (`clear_history=True`): the model would see
#   only the new message. Continue with `clear_history=False`.
#
# The human's feedback goes in as the new message, with a lower auto-reply limit on the new proxy.


# %%
def new_pair(replies, max_consecutive_auto_reply=3):
    """A fresh proxy and assistant holding the saved conversation, as a new process would build them."""
    views = json.loads(saved)
    proxy = autogen.UserProxyAgent(
        "user_proxy",
        human_input_mode="NEVER",
        code_execution_config=False,
        max_consecutive_auto_reply=max_consecutive_auto_reply,
        is_termination_msg=is_done,
    )
    llm = lesson.llm(replies)
    assistant = llm.register(
        autogen.AssistantAgent(
            "assistant", llm_config=llm.llm_config, chat_messages=defaultdict(list, {proxy: views["assistant"]})
        )
    )
    proxy.chat_messages[assistant] = views["user_proxy"]
    return proxy, assistant, llm


proxy, assistant, llm = new_pair(["Plan: 1. freeze 2. tag 3. rollback. TERMINATE"])
resumed = lesson.run(proxy, assistant, "Add a rollback step.", title="continued in a new pair", clear_history=False)
forgetful_proxy, forgetful_assistant, forgetful_llm = new_pair(["Plan: 1. rollback. TERMINATE"])
forgot = lesson.run(forgetful_proxy, forgetful_assistant, "Add a rollback step.", title="clear_history=True")

lesson.claim(
    "with clear_history=False the new model sees the saved messages, then the new one",
    lambda: (
        contents(llm.calls[0].messages[1:])
        == ["Plan the release.", "Plan: 1. freeze 2. tag. TERMINATE"] + ["Add a rollback step."]
    ),
)
lesson.claim(
    "with the default clear_history=True the loaded history is erased: the model sees only the new message",
    lambda: contents(forgetful_llm.calls[0].messages[1:]) == ["Add a rollback step."],
)
lesson.claim(
    "the resumed ChatResult has the whole history, but human_input only from this run",
    len(resumed.result.chat_history) == 4
    and resumed.result.human_input == []
    and paused.result.human_input == ["exit"],
)

try:
    plain = autogen.AssistantAgent("plain", llm_config=False, chat_messages={proxy: []})
    autogen.UserProxyAgent("stranger", human_input_mode="NEVER", code_execution_config=False).send(
        "hello", plain, request_reply=False, silent=True
    )
    plain_dict_error = None
except KeyError as e:
    plain_dict_error = e
lesson.claim(
    "chat_messages= as a plain dict: KeyError when anyone new talks to the agent", plain_dict_error is not None
)

# %% [markdown]
# **What does not survive: the counters.** The messages are all AutoGen needs to continue, but the
# auto-reply counter (`max_consecutive_auto_reply`) and any state inside reply functions live in
# the agent objects. A resumed proxy counts from zero. Below, a NEVER proxy with a limit of 3 runs
# out, is saved, and is resumed: it gets 3 more auto-replies. If the limit is a budget, save the
# count with the messages and restore it yourself.

# %%
counting_llm = lesson.llm(["Step."] * 4)
counting_assistant = counting_llm.register(autogen.AssistantAgent("assistant", llm_config=counting_llm.llm_config))
counting_proxy = autogen.UserProxyAgent(
    "user_proxy", human_input_mode="NEVER", code_execution_config=False, max_consecutive_auto_reply=3
)
with lesson.human([], mode="NEVER"):
    ran_out = lesson.run(counting_proxy, counting_assistant, "Count to ten.", title="limit 3, first process")
saved = json.dumps(
    {
        "user_proxy": counting_proxy.chat_messages[counting_assistant],
        "assistant": counting_assistant.chat_messages[counting_proxy],
    }
)
proxy, assistant, llm = new_pair(["Step."] * 4)
with lesson.human([], mode="NEVER"):
    again = lesson.run(proxy, assistant, "Go on.", title="limit 3, resumed", clear_history=False)


def auto_replies(messages):
    return sum(m["name"] == "user_proxy" and m["content"] == "" for m in messages)


lesson.claim(
    "the resumed proxy's limit counts from zero: 3 auto-replies, then 3 more (6 in all with a limit of 3)",
    auto_replies(ran_out.result.chat_history) == 3 and auto_replies(again.result.chat_history) == 6,
)

# %% [markdown]
# ## 2. Resume a group chat with `GroupChatManager.resume`
#
# A group chat keeps one list, `groupchat.messages`. `messages_to_string` turns it into JSON, and in
# the new process `manager.resume(messages)` loads it into freshly built agents and returns the
# last speaker and the last message. You continue with
# `last_agent.initiate_chat(manager, message=last_message, clear_history=False)`. Speakers here are
# chosen round robin, so no model picks them: human, planner, writer. One surprise in pyautogen
# 0.2.35: `resume` gives each agent every saved message *except its own*, so a resumed agent's model
# does not see what it said before the pause (in an uninterrupted group chat it does).
# autogen-agentchat 0.2.40 and ag2 0.14 fixed this: every agent gets every message
# (`hitl_modes.chat.compat.resume_skips_own_messages()` says which applies here).


# %%
def release_group(planner_replies, writer_replies):
    """The agents, group chat and manager, built the same way in each process."""
    planner = lesson.assistant("planner", planner_replies)
    writer = lesson.assistant("writer", writer_replies)
    human = autogen.UserProxyAgent("human", human_input_mode="ALWAYS", code_execution_config=False)
    group = autogen.GroupChat(
        [human, planner, writer], messages=[], max_round=6, speaker_selection_method="round_robin"
    )
    manager = autogen.GroupChatManager(group, llm_config=False, is_termination_msg=is_done)
    return human, planner, writer, group, manager


human, planner, writer, group, manager = release_group(["Plan: 3 steps."], ["Draft v1."])
with lesson.human(["exit"]) as person:
    human.initiate_chat(manager, message="Write the release notes.", silent=lesson.quiet)
saved_group = manager.messages_to_string(group.messages)
print(saved_group)
lesson.claim(
    "the human's exit ended the group chat after planner and writer spoke; the list is saved as JSON text",
    [m["name"] for m in group.messages] == ["human", "planner", "writer"]
    and manager.messages_from_string(saved_group) == group.messages,
)

human, planner, writer, group, manager = release_group(["Plan revised."], ["Final notes. TERMINATE"])
last_agent, last_message = manager.resume(messages=saved_group, silent=lesson.quiet)
with lesson.human(["Shorter, please."]) as person:
    last_agent.initiate_chat(manager, message=last_message, clear_history=False, silent=lesson.quiet)
lesson.claim(
    "resume returns the last speaker and message; round robin then asks the human first",
    last_agent is writer
    and [m["name"] for m in group.messages] == ["human", "planner", "writer", "human", "planner", "writer"],
)
if resume_skips_own_messages():  # pyautogen 0.2.35
    lesson.claim(
        "the new planner's model saw the others' saved messages and the human's feedback, but not its own "
        "earlier plan: resume gives each agent every message except its own",
        lambda: (
            contents(planner.hitl_llm.calls[0].messages[1:])
            == ["Write the release notes.", "Draft v1.", "Shorter, please."]
        ),
    )
else:  # autogen-agentchat 0.2.40, ag2 0.14
    lesson.claim(
        "the new planner's model saw every saved message, its own earlier plan included, and the human's "
        "feedback: resume gives each agent every message",
        lambda: (
            contents(planner.hitl_llm.calls[0].messages[1:])
            == ["Write the release notes.", "Plan: 3 steps.", "Draft v1.", "Shorter, please."]
        ),
    )

# %% [markdown]
# **A saved last message that is a termination message.** The chat above ended on
# `Final notes. TERMINATE`. Resume it as it is: AutoGen logs a warning ("Last message meets termination
# criteria and this may terminate the chat"), and the resumed chat ends at once, because the manager
# checks the message it is handed. Pass `remove_termination_string="TERMINATE"` and the marker is
# cut from that message (the saved list you resume with changes), so the chat goes on.

# %%
finished_group = manager.messages_to_string(group.messages)


class Captured(logging.Handler):
    def __init__(self):
        super().__init__()
        self.messages = []

    def emit(self, record):
        self.messages.append(record.getMessage())


captured = Captured()
logging.getLogger("autogen.agentchat.groupchat").addHandler(captured)
human, planner, writer, group, manager = release_group([], [])
last_agent, last_message = manager.resume(messages=finished_group, silent=lesson.quiet)
with lesson.human([]):
    last_agent.initiate_chat(manager, message=last_message, clear_history=False, silent=lesson.quiet)
logging.getLogger("autogen.agentchat.groupchat").removeHandler(captured)
lesson.claim(
    "resuming on a termination message warns, then ends at once: nobody speaks, no model is called",
    any("termination" in m for m in captured.messages)
    and len(group.messages) == 6
    and not planner.hitl_llm.calls
    and not writer.hitl_llm.calls,
)

human, planner, writer, group, manager = release_group([], [])
last_agent, last_message = manager.resume(
    messages=finished_group, remove_termination_string="TERMINATE", silent=lesson.quiet
)
with lesson.human(["exit"]):
    last_agent.initiate_chat(manager, message=last_message, clear_history=False, silent=lesson.quiet)
lesson.claim(
    "with remove_termination_string the marker is cut and the chat goes on: the human is asked again",
    last_message["content"].strip() == "Final notes." and group.messages[-1]["content"].strip() == "Final notes.",
)

# %% [markdown]
# ## 3. Sequential chats: a human between them
#
# `initiate_chats` runs a list of chats from one sender, in order. Each chat's summary is carried
# over: it is appended to the next chat's message under `Context:`. With a TERMINATE-mode sender,
# the human is asked at the end of each chat: a checkpoint between chats. Two things differ from
# lesson 06's `Workflow`:
#
# - `exit` ends **that chat only**: the next chat in the list still runs. `Workflow` stops.
# - a chat in the list **with no `message`** asks the human for it, at AutoGen's bare `>` prompt.

# %%
researcher = lesson.assistant("researcher", ["Findings: quotes and escapes. TERMINATE"])
doc_writer = lesson.assistant("writer", ["Summary written. TERMINATE"])
editor = lesson.assistant("editor", ["Edited. TERMINATE"])
sender = autogen.UserProxyAgent(
    "user_proxy", human_input_mode="TERMINATE", code_execution_config=False, is_termination_msg=is_done
)
with lesson.human(["", "exit", "Tighten the summary.", ""], mode="TERMINATE") as person:
    chats = sender.initiate_chats(
        [
            {"recipient": researcher, "message": "Research CSV parsing.", "summary_method": "last_msg"},
            {"recipient": doc_writer, "message": "Write it up.", "summary_method": "last_msg"},
            {"recipient": editor, "summary_method": "last_msg"},  # no message: the human is asked
        ]
    )
for number, chat in enumerate(chats, 1):
    print(f"chat {number}: human_input={chat.human_input} summary={chat.summary!r}")
lesson.claim(
    "the second chat's message carries the first chat's summary under Context:",
    lambda: (
        doc_writer.hitl_llm.calls[0].messages[-1]["content"]
        == "Write it up.\nContext: \nFindings: quotes and escapes. "
    ),
)
lesson.claim(
    "exit ended the writer's chat, and the editor's chat still ran",
    chats[1].human_input == ["exit"] and editor.hitl_llm.calls,
)
lesson.claim(
    "the chat with no message asked the human at '>', and their text became its message",
    lambda: (
        person.prompts[2] == ">"
        and editor.hitl_llm.calls[0].messages[-1]["content"].startswith("Tighten the summary.\nContext:")
    ),
)

# %% [markdown]
# ## 4. A nested chat with a human reviewer
#
# `register_nested_chats` runs a whole chat *inside* one reply: when the writer speaks, the proxy
# first runs a chat with a reviewer (a `UserProxyAgent` in ALWAYS mode, so a person), for one turn,
# and answers the writer with that chat's summary. A ready-made review step:
#
# - the reviewer is asked **once per writer message**, and their text is what the writer receives;
# - a writer message that ends the chat (TERMINATE) is not reviewed: the proxy's termination check
#   runs before the nested chat;
# - the trap: if the reviewer types `exit`, the nested chat has no message from them, and the
#   `last_msg` summary is the last message there is, **the writer's own draft**, sent back to it.
#   Exercise 2 fixes it with a `summary_method` of your own.


# %%
def reviewed(reviewer_replies):
    writer = lesson.assistant("writer", ["Draft: we shipped X.", "Final: we shipped X, faster. TERMINATE"])
    reviewer = autogen.UserProxyAgent("reviewer", human_input_mode="ALWAYS", code_execution_config=False)
    proxy = autogen.UserProxyAgent(
        "user_proxy", human_input_mode="NEVER", code_execution_config=False, is_termination_msg=is_done
    )
    proxy.register_nested_chats(
        [{"recipient": reviewer, "max_turns": 1, "summary_method": "last_msg", "silent": lesson.quiet}],
        trigger=writer,
    )
    with lesson.human(reviewer_replies) as person:
        run = lesson.run(proxy, writer, "One line of release notes.", title=f"reviewer: {reviewer_replies}")
    return run, person, writer


run, person, writer = reviewed(["Say it was faster."])
lesson.claim(
    "the reviewer was asked once (not at the final TERMINATE) and their text is the proxy's reply",
    lambda: len(person.prompts) == 1 and contents(run.result.chat_history)[2] == "Say it was faster.",
)
run, person, writer = reviewed(["exit"])
lesson.claim(
    "the reviewer's exit sends the writer its own draft back (last_msg of a chat they never spoke in)",
    lambda: contents(run.result.chat_history)[2] == "Draft: we shipped X.",
)

# %% [markdown]
# ## 5. Durable waits: kill the chat while it waits, decide, resume
#
# `DurableChat(checkpoint, user_proxy, assistant, inbox_url)` runs `initiate_chat` with an inbox
# human, and saves the chat to `checkpoint` at every question:
#
# 1. **before** the inbox hears of the question: the messages of both agents and the question with
#    the id it will have in the inbox;
# 2. **when the decision arrives, before the agent sees it**: the decision too.
#
# Each save is atomic (a temporary file, `fsync`, rename), so a kill mid-write leaves the previous
# checkpoint whole. Run it again with the same checkpoint and it resumes on the pieces of section 1:
# it loads both views into the new agents' `chat_messages`, lets the asking agent run its own reply
# chain again (AutoGen's `generate_reply`; its `get_human_input` meets the saved question and
# re-attaches to the same card by id, or applies a saved decision without asking), and continues with
# `initiate_chat(message=reply, clear_history=False)`. A decision is never lost (it is in the inbox's
# SQLite, and in the checkpoint once received) and never applied twice (the id, and the saved decision).
#
# The chat runs in a process of its own (`python -m hitl_modes.course.durable_demo`), so we can
# really kill it. The inbox needs its agent token, given as `HITL_INBOX_AGENT_TOKEN` (lesson 11).

# %%
CHECKPOINT, AUDIT = WORK / "release.chat.json", WORK / "audit.jsonl"
OWN_INBOX = lesson.human_kind != "inbox"  # with --human inbox the chat asks *your* inbox
inbox = InboxServer(WORK / "inbox.sqlite", port=0).start() if OWN_INBOX else None
URL = inbox.url if inbox else (lesson.extra.get("inbox_url") or "http://127.0.0.1:8765")
TOKEN_ENV = {"HITL_INBOX_AGENT_TOKEN": inbox.agent_token} if inbox else {}


def chat_process(number, kill_at=None):
    """Start the chat in a new process; it resumes when the checkpoint exists."""
    out = WORK / f"result-{number}.json"
    command = [sys.executable, "-m", "hitl_modes.course.durable_demo", str(CHECKPOINT), URL, str(AUDIT), str(out)]
    command += ["--kill-at", kill_at] if kill_at else []
    return subprocess.Popen(command, env={**os.environ, **TOKEN_ENV}, stdin=subprocess.DEVNULL), out


def result_of(process, out):
    assert process.wait(timeout=600) == 0, f"the chat process failed (exit {process.returncode})"
    return json.loads(out.read_text())


def wait_for_question(timeout=120):
    """Until the chat has saved its question (and, with our own inbox, the card is up)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = load_checkpoint(CHECKPOINT) if CHECKPOINT.exists() else None
        if state and state["status"] == "asking":
            if inbox is None:
                time.sleep(2.0)  # give it a moment to reach your inbox
                return state["question"]
            if any(c["id"] == state["question"]["prompt_id"] for c in InboxReviewer(URL, inbox.token).pending()):
                return state["question"]
        time.sleep(0.1)
    raise TimeoutError("the chat process did not ask its question in time")


first, _ = chat_process(1)
question = wait_for_question()
first.send_signal(signal.SIGKILL)  # a crash, a deploy, a closed laptop: no clean-up runs
killed_with = first.wait(timeout=60)
if killed_with == 0:
    print("the chat had already finished: you decided before it was killed. Try again: delete the checkpoint.")
else:
    print(f"the chat process is gone (exit {killed_with}); its question waits in the inbox: {question['prompt'][:50]}…")

if lesson.scripted:  # the scripted person replies while nothing runs
    decided_while_down = InboxReviewer(URL, inbox.token).reply(question["prompt_id"], FEEDBACK).status
else:
    where = inbox.link if inbox else URL
    print(f"You are the person: decide the card at {where} now. The new process picks up your decision.")
    decided_while_down = None

second, out = chat_process(2)
if lesson.scripted:
    with ScriptedReviewer(URL, inbox.token, [""]):  # approves the next question
        durable = result_of(second, out)
else:
    durable = result_of(second, out)
print("resumed:", durable["resumed"], "| human input:", durable["human_input"])

# %% [markdown]
# The same chat run straight through, with no inbox, no checkpoint and no crash, for comparison:

# %%
reference_llm, reference_assistant, reference_proxy = build_agents(REPLIES)
with ScriptedHuman([FEEDBACK, ""], echo=not lesson.quiet):
    reference = lesson.run(reference_proxy, reference_assistant, TASK, title="the same chat, never interrupted")

lesson.claim("the first process died by SIGKILL while it waited", killed_with == -signal.SIGKILL)
lesson.claim("the person decided while no chat process was running", decided_while_down == 200)
lesson.claim(
    "the new process took that decision and finished: its history equals the uninterrupted run's",
    lambda: durable["resumed"] and durable["history"] == json.loads(json.dumps(reference.result.chat_history)),
)
lesson.claim(
    "each decision is in the audit log exactly once, across both processes",
    lambda: (
        [(r["decision"], r["response"]) for r in read_audit_log(AUDIT)] == [("feedback", FEEDBACK), ("approved", "")]
    ),
)
done_llm, done_assistant, done_proxy = build_agents([])  # a model with no replies: any call would fail
finished = DurableChat(CHECKPOINT, done_proxy, done_assistant, URL, agent_token=inbox.agent_token if inbox else None)
lesson.claim(
    "run again on a finished checkpoint, it returns the result and runs nothing",
    lambda: contents(finished.run().chat_history) == contents(durable["history"]) and not done_llm.calls,
)

# %% [markdown]
# `tests/inbox/test_durable.py` kills it at the other bad moments too: before the question reached
# the inbox (the new process submits it under the saved id), right after the decision reached the
# assistant (the new process applies the saved decision and asks nobody), and with the inbox
# restarted while nothing runs. In every case the final history equals the uninterrupted run's.
#
# **What it does not save**: the auto-reply counters (section 1), and work between the decision and
# the next question is done again (here, one model call). Keep side effects behind a question of
# their own, or idempotent, like lesson 07's outbox.
#
# ## 6. From the terminal, with your inbox
#
# ```sh
# hitl-modes inbox                                   # prints the link and HITL_INBOX_AGENT_TOKEN=...
# export HITL_INBOX_AGENT_TOKEN=...                  # in the chat's terminal
# python -m hitl_modes.course.durable_demo chat.json http://127.0.0.1:8765 audit.jsonl out.json
# # Ctrl-C or kill -9 it while the card waits; decide in the browser; run the same command again.
# hitl-modes lesson 14 --human inbox                 # this lesson, with you as the person
# ```

# %%
if inbox is not None:
    inbox.stop()
shutil.rmtree(WORK, ignore_errors=True)

# %% [markdown]
# ## Summary
#
# - A two-agent chat is its agents' `chat_messages`. Save both views; load them into new agents
#   (`chat_messages=defaultdict(list, {...})`, not a plain dict) and continue with
#   `initiate_chat(clear_history=False)`; the default `True` erases what you loaded.
# - Counters and reply-function state are not in the messages: a resumed limit counts from zero.
# - `GroupChatManager.resume` loads saved group messages (`messages_to_string`/`messages_from_string`)
#   and returns who spoke last; a saved termination message ends the resumed chat at once, unless
#   `remove_termination_string` cuts it.
# - `initiate_chats` carries summaries over; `exit` ends one chat, not the sequence; a chat with no
#   message asks the human at `>`. `register_nested_chats` with a one-turn human reviewer is a review
#   step; its `exit` echoes the draft back unless your `summary_method` says otherwise.
# - `DurableChat` saves at every inbox question, before asking and before applying: a process killed
#   at any moment resumes on the same card and applies each decision exactly once.
#
# ## Exercises
#
# 1. Write `my_load_chat(user_proxy, assistant, saved)` that loads `saved["user_proxy"]` and
#    `saved["assistant"]` into two new agents so `initiate_chat(..., clear_history=False)`
#    continues the chat. The check sends a third agent to the assistant too, and then looks at
#    the saved data. The starter makes two mistakes.
# 2. Write `my_review_summary(sender, recipient, summary_args)`, a nested chat's `summary_method`:
#    return the reviewer's own last message (`""` after Enter), and `STOPPED` when the reviewer typed
#    `exit`, never the writer's draft.
# 3. Section 5 with `--kill-at applied`: in a new cell, delete the checkpoint and run `chat_process`
#    with it. Why does the second process not ask the inbox the first question again, and how many
#    times is the model called in each process?


# %%
def my_load_chat(user_proxy, assistant, saved):
    # Your answer here. This starter gives both agents the proxy's list itself.
    user_proxy.chat_messages[assistant] = saved["user_proxy"]
    assistant.chat_messages[user_proxy] = saved["user_proxy"]


def my_review_summary(sender, recipient, summary_args):
    # Your answer here. This starter is AutoGen's last_msg: the last message of the nested chat.
    return sender.chat_messages[recipient][-1]["content"]


print(check_load_chat(my_load_chat))
print(check_reviewer_summary(my_review_summary))
print(f"(exercise 2 wants {STOPPED!r} after exit)")
