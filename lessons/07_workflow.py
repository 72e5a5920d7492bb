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
# # Lesson 07 — A multi-stage workflow with human checkpoints
#
# Real work comes in stages: **research → code → docs**. In AutoGen each stage is one two-agent
# chat, and `initiate_chats` runs a list of them in order, handing each chat's `summary` on to the
# next as *carryover*. A proxy in `human_input_mode="TERMINATE"` starts every stage, so when an
# assistant says TERMINATE a person checks its work: Enter approves, text is feedback, `exit`
# rejects.
#
# This lesson runs that pipeline, reads each stage's `ChatResult`, and fixes two things it gets
# wrong: a stage that ends on a bare TERMINATE hands on nothing (section 2), and a rejection does not
# stop the stages after it (sections 3 and 4).
#
# Every chat cell is plain AutoGen. Lines that start with `course.` are this course's:
# `course.script(...)` says what each offline model answers and what the scripted human types,
# `course.check(...)` checks what the lesson says. Delete them and the cell still runs against your
# model, with you typing. The course draws each stage's chat when it ends.

# %% [markdown]
# ### Running this lesson, and being the human
#
# In a terminal: `.venv/bin/hitl-modes lesson 7` (add `--live` for a real model: it reads the same
# `OPENAI_API_KEY` as the cell below). As a notebook: in JupyterLab started with `make lab`, kernel
# **Python 3 (ipykernel)**.
#
# A scripted human answers by default, so every claim is checked. To be the human yourself, add
# `--human console` in a terminal; in a notebook, run `%env HITL_HUMAN=console` in a new cell above
# the setup cell, then run from there. Before each pipeline the course prints what the script would
# answer. At each checkpoint: Enter approves, text is feedback, `exit` rejects the stage.
#
# - After an Enter, AutoGen prints `>>>>>>>> NO HUMAN INPUT RECEIVED.` in red. It is not an error: it
#   notes that you typed nothing, and AutoGen then does what Enter means at that prompt.
# - To stop the whole lesson, interrupt it (the notebook's ■ *Interrupt the kernel* button, or Ctrl-C
#   in a terminal): it stops with one line saying so. `%env HITL_HUMAN=script`, then the setup cell
#   again, brings the scripted human back.

# %%
from hitl_modes.course.session import Course  # the course's (first: it quiets flaml's "automl" warning)

import os

import autogen

from hitl_modes.chat.compat import asks_at_a_bare_terminate_under_max_turns
from hitl_modes.course.exercises.lesson07 import check_last_reply, check_stage_chats

course = Course.setup(7, "Multi-stage workflow with human checkpoints")

config_list = [{"model": os.environ.get("OPENAI_MODEL", "gpt-4o-mini"), "api_key": os.environ["OPENAI_API_KEY"]}]
llm_config = {"config_list": config_list, "cache_seed": None}  # cache_seed=None: ask the model every time
ASKS_AT_BARE_TERMINATE = ASKS = asks_at_a_bare_terminate_under_max_turns()  # ag2 0.14: False (see section 1)

# %% [markdown]
# ## 1. Three stages as AutoGen's sequential chats
#
# Three assistants, one checkpoint proxy, and a chat queue: each entry holds `initiate_chat`'s
# arguments for one stage. `summary_method="last_msg"` (AutoGen's default) hands on the stage's last
# message with "TERMINATE" taken out; `max_turns` is a safety net (a stage it cuts off was never
# approved: the last turn never asks, lesson 04).
#
# The offline run: the researcher's first findings miss quoted fields, the human says so, the
# researcher revises and the human presses Enter. The coder sends its code, gets the proxy's empty
# auto-reply, and answers with a bare `TERMINATE`: Enter. The writer documents: Enter. (Offline, one
# list scripts all three models, in the order they are asked.) On ag2 0.14 the code chat ends at the
# bare `TERMINATE` without asking: under `max_turns` it first checks the reply against the coder's own
# `is_termination_msg`, whose default matches exactly "TERMINATE".

# %%
DRAFT = "Findings: split the line on commas; strip spaces around each field. TERMINATE"
FEEDBACK = "Also cover quoted fields that contain commas."
FINDINGS = "Findings: split on commas outside double quotes; strip spaces around each field. TERMINATE"
CODE = (
    "```python\nimport csv\n\n\ndef parse_line(line):\n    return next(csv.reader([line], skipinitialspace=True))\n```"
)
DOCS = "`parse_line(line)` splits one CSV line into fields; a comma inside double quotes stays in its field. TERMINATE"


def is_termination_msg(message):
    return (message.get("content") or "").rstrip().endswith("TERMINATE")


researcher = autogen.AssistantAgent(
    "researcher",
    llm_config=llm_config,
    system_message="You find out what a piece of code must handle. List the findings. End with TERMINATE.",
)
coder = autogen.AssistantAgent(
    "coder", llm_config=llm_config, system_message="You write Python in one code block. Say TERMINATE when it is final."
)
writer = autogen.AssistantAgent(
    "writer", llm_config=llm_config, system_message="You write short documentation for users. End with TERMINATE."
)
user_proxy = autogen.UserProxyAgent(
    "user_proxy",
    human_input_mode="TERMINATE",  # the checkpoint: the human is asked when an assistant says TERMINATE
    max_consecutive_auto_reply=5,
    is_termination_msg=is_termination_msg,
    code_execution_config=False,
)


def stages(summary_method="last_msg"):
    """The chat queue: one initiate_chat per stage, in order (a new list each time: AutoGen edits it)."""
    return [
        {
            "recipient": researcher,
            "message": "Find out what a function parse_line(line) that parses one CSV line must handle.",
            "summary_method": summary_method,
            "max_turns": 6,
        },
        {"recipient": coder, "message": "Write parse_line(line).", "summary_method": summary_method, "max_turns": 6},
        {"recipient": writer, "message": "Document parse_line.", "summary_method": summary_method, "max_turns": 6},
    ]


course.script(
    model=[DRAFT, FINDINGS, CODE, "TERMINATE", DOCS], human=[FEEDBACK, ""] + [""] * ASKS_AT_BARE_TERMINATE + [""]
)
results = user_proxy.initiate_chats(stages())

# %% [markdown]
# `initiate_chats` returns one `ChatResult` per stage. `human_input` is what the person typed at
# that stage, `summary` what was handed on. The next stage's opening message is its `message`, then
# `Context:` and the summaries so far: read it in `coder.chat_messages[user_proxy][0]`.

# %%
for stage, result in zip(["research", "code", "docs"], results):
    print(f"{stage}: human_input={result.human_input}, summary={result.summary!r}")
coder_got, writer_got = (agent.chat_messages[user_proxy][0]["content"] for agent in (coder, writer))
asked = [len(result.human_input) for result in results]
course.check("the human was asked twice at research, once at code (if it asks there) and docs", asked == [2, ASKS, 1])
course.check("the feedback went to the researcher; Enter approved its revision", results[0].human_input[0] == FEEDBACK)
course.check("the coder's opening message carries the research summary", results[0].summary in coder_got)
course.check("the code chat ended on a bare TERMINATE: last_msg handed the writer no code", results[1].summary == "")

# %% [markdown]
# ## 2. A hand-off that survives a bare TERMINATE: `summary_method` as a function
#
# `summary_method` can be a function `(sender, recipient, summary_args) -> str`. This one hands on
# the recipient's last message that says more than TERMINATE, read from `recipient.chat_messages`
# (there the recipient's own messages have the role `assistant`, so the human's feedback and the
# proxy's empty auto-replies are skipped).


# %%
def last_answer(sender, recipient, summary_args):
    for message in reversed(recipient.chat_messages[sender]):
        text = (message.get("content") or "").replace("TERMINATE", "").strip()
        if message["role"] == "assistant" and text:
            return text
    return ""


course.script(
    model={"researcher": [FINDINGS], "coder": [CODE, "TERMINATE"], "writer": [DOCS]},
    human=[""] * (2 + ASKS_AT_BARE_TERMINATE),
)
results = user_proxy.initiate_chats(stages(last_answer))

# %%
writer_got = writer.chat_messages[user_proxy][0]["content"]
print(writer_got)
course.check("the code stage's summary is the code, though it ended on a bare TERMINATE", results[1].summary == CODE)
course.check("the writer's opening message carries the code", CODE in writer_got)

# %% [markdown]
# ## 3. A rejection does not stop `initiate_chats`
#
# Now the human approves the findings and rejects the code by typing `exit`. AutoGen ends the code
# chat, and `initiate_chats` goes straight on to the next stage: the writer documents the rejected
# code, and its summary is carried over like any other.

# %%
REJECTED_CODE = "```python\ndef parse_line(line):\n    return line.split(',')\n```\nTERMINATE"
course.script(model={"researcher": [FINDINGS], "coder": [REJECTED_CODE], "writer": [DOCS]}, human=["", "exit", ""])
results = user_proxy.initiate_chats(stages(last_answer))

# %%
print(f"human_input per stage: {[result.human_input for result in results]}")
course.check("the human typed exit at the code checkpoint", results[1].human_input == ["exit"])
writer_got = writer.chat_messages[user_proxy][0]["content"]
course.check("the docs stage still ran, on the rejected code", len(results) == 3 and "line.split" in writer_got)

# %% [markdown]
# ## 4. Stop at a rejection: run the stages yourself
#
# `initiate_chats` is a loop over `initiate_chat` that passes the finished summaries as `carryover`.
# Write the loop yourself and it can stop: here after a stage whose `human_input` holds `exit`.
# Same queue, same human; the writer is never called (offline its script is empty).


# %%
def run_until_rejected(user_proxy, chats):
    results = []
    for chat in chats:
        result = user_proxy.initiate_chat(**chat, carryover=[r.summary for r in results])
        results.append(result)
        if "exit" in result.human_input:
            break  # the human rejected this stage: nothing after it runs
    return results


course.script(model={"researcher": [FINDINGS], "coder": [REJECTED_CODE], "writer": []}, human=["", "exit"])
results = run_until_rejected(user_proxy, stages(last_answer))

# %%
print(f"{len(results)} stages ran; the rejected stage's summary is still there to read:\n{results[-1].summary}")
course.check("the loop stopped after the rejected code stage: docs never ran", len(results) == 2)
coder_got = coder.chat_messages[user_proxy][0]["content"]
course.check("the coder's opening message carries the findings, as before", results[0].summary in coder_got)

# %% [markdown]
# This toolkit packages the same loop as `hitl_modes.Workflow` (see `docs/package.md`): one proxy
# per stage in the stage's own mode, the hand-off of section 2 (removing only a *trailing*
# TERMINATE), a stop on `exit`, on a hang-up at a checkpoint (Ctrl-D, Ctrl-C) and on a stage that a
# limit cut off before anyone approved it, and a status per stage. Where no person can answer
# (stdin is not a terminal) it refuses to start instead of waiting.
#
# ## Summary
#
# - `user_proxy.initiate_chats([...])` runs stages in order; each dict holds `initiate_chat`'s
#   arguments (`recipient`, `message`, `summary_method`, `max_turns`, and optionally `sender`). Each
#   stage's `summary` is carried over into the next stage's opening message.
# - A TERMINATE-mode proxy is the checkpoint: Enter approves, text is feedback, `exit` rejects.
#   `ChatResult.human_input` records what the person typed at each stage.
# - `"last_msg"` hands on the last message, whoever sent it: nothing when a stage ends on a bare
#   TERMINATE. A `summary_method` function can pick the assistant's last real answer.
# - `initiate_chats` does not stop at a rejection. Loop over `initiate_chat` with `carryover` and
#   stop when a stage's `human_input` says `exit`.
#
# ## Exercises
#
# 1. Write `my_last_reply(messages)`: given a stage's chat as the assistant saw it
#    (`assistant.chat_messages[user_proxy]`, where its own messages have role `assistant`), return
#    what the stage hands on, or `None`. The starter is roughly AutoGen's `"last_msg"`; the check
#    lists what it gets wrong (section 2's `last_answer` is a better start, but not all the way).
# 2. Write `my_stage_chats(researcher, coder, writer)`: the chat queue for `autogen.initiate_chats`,
#    with a checkpoint on research and code and none on docs. A chat may name its own `sender`;
#    each entry needs one here. The check runs it with a human who approves twice and then types
#    `exit`.
# 3. In section 4, give the coder `[REJECTED_CODE, CODE + "\nTERMINATE"]`, the writer `[DOCS]` and
#    the human `["", "Handle quoted commas.", "", ""]`. Predict first: how often is the coder's
#    model called, what is `results[1].human_input`, and what does the writer receive?


# %%
def my_last_reply(messages):
    # Your answer here. This starter takes the chat's last message, whoever sent it.
    return messages[-1]["content"].replace("TERMINATE", "").strip()


def my_stage_chats(researcher, coder, writer):
    # Your answer here. This starter puts a checkpoint on every stage: one TERMINATE-mode sender.
    checkpoint = autogen.UserProxyAgent(
        "checkpoint", human_input_mode="TERMINATE", is_termination_msg=is_termination_msg, code_execution_config=False
    )
    return [
        {"sender": checkpoint, "recipient": researcher, "message": "Find out what parse_line must handle."},
        {"sender": checkpoint, "recipient": coder, "message": "Write parse_line(line)."},
        {"sender": checkpoint, "recipient": writer, "message": "Document parse_line."},
    ]


print(check_last_reply(my_last_reply))
print(check_stage_chats(my_stage_chats))
