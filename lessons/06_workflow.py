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
# # Lesson 06 — A multi-stage workflow with human checkpoints
#
# Real work comes in stages: **research → code → docs**. Each stage is one two-agent chat (a
# `UserProxyAgent` starts it, an assistant does the work), and the stages run in order. The question
# this lesson answers is where a person should look, and what happens when they say no.
#
# - **Checkpoints on research and code** (`human_input_mode="TERMINATE"`): when the assistant ends its
#   answer with `TERMINATE`, the human is asked. A wrong finding or a bad function is cheap to stop
#   here and expensive to discover after the docs are written.
# - **No checkpoint on docs** (`human_input_mode="NEVER"`): it only describes approved code.
# - **Each stage starts fresh** (`clear_history`): its assistant sees its instruction, the task and the
#   previous stage's output, nothing else. Rejected drafts and the human's feedback stay behind.
# - **The hand-off is the stage's last assistant reply**, found carefully (section 3).
# - **A rejection or a cancel stops everything**: no later stage runs, and its model is never called.
#
# All of it is `hitl_modes.Stage` and `hitl_modes.Workflow`, reusable outside this lesson. As in every
# lesson, the agents are AutoGen's own; only the model and the human are scripted.

# %% [markdown]
# ### Running this lesson, and being the human
#
# In a terminal: `.venv/bin/hitl-modes lesson 6`. As a notebook: in JupyterLab started with
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
from hitl_modes import ScriptedHuman, Stage, Workflow
from hitl_modes.course.exercises.lesson06 import check_last_reply, check_stages
from hitl_modes.course.lesson import Lesson

lesson = Lesson.setup(6, "Multi-stage workflow with human checkpoints")

# %% [markdown]
# ## 1. Three stages, two checkpoints
#
# A `Stage` names who works (`assistant`), on what (`instruction`), and whether a human checks the
# result (`human_input_mode`, AutoGen's own word). The `Workflow` gives each stage its own
# `UserProxyAgent` in that mode. At a checkpoint the human answers AutoGen's usual prompt:
#
# | the human                      | AutoGen does                      | the stage is | the workflow |
# |--------------------------------|-----------------------------------|--------------|--------------|
# | presses Enter                  | ends the chat on the TERMINATE    | `passed`     | goes on      |
# | types feedback                 | sends it; the assistant revises   | (still open) | waits        |
# | types `exit`                   | stops the chat (`human_exit`)     | `rejected`   | **stops**    |
# | hangs up (Ctrl-D, Ctrl-C)      | `input()` raises                  | `cancelled`  | **stops**    |
#
# A stage passes only when its proxy accepted a termination message: the human approved it
# (TERMINATE), or the assistant finished (NEVER). Running out of `max_consecutive_auto_reply` or
# `max_turns` does not count: `max_turns` never asks the human on its last turn, so it would slip
# past the checkpoint.

# %%
TASK = "Write a Python function that parses one line of CSV."


def build_workflow(research, code, docs):
    """Three assistants (scripted models; real ones with --live) and the stages around them."""
    researcher = lesson.assistant(
        "researcher",
        research,
        system_message=(
            "You find out what a piece of code must handle. List the findings. End your final answer with TERMINATE."
        ),
    )
    coder = lesson.assistant(
        "coder", code, system_message=("You write Python in one ```python block. Say TERMINATE when the code is final.")
    )
    writer = lesson.assistant(
        "writer", docs, system_message=("You write short documentation for users. End with TERMINATE.")
    )
    return Workflow(
        [
            Stage("research", researcher, "Find out what the function must handle.", human_input_mode="TERMINATE"),
            Stage("code", coder, "Write the function.", human_input_mode="TERMINATE"),
            Stage("docs", writer, "Document the function for its users.", human_input_mode="NEVER"),
        ],
        quiet=lesson.quiet,
        capture=lesson.folds_output,  # in a notebook, AutoGen's printing is folded under each stage's picture
    )


def models(workflow):
    return {stage.name: stage.assistant.hitl_llm for stage in workflow.stages}


def show_stages(result, label):
    print(result)
    for stage in result:
        title = f"{label}: {stage.name} ({stage.stage.human_input_mode}) {stage.status}"
        lesson.show(stage.trace, title, printed=stage.printed)


# %% [markdown]
# ## 2. A full run: feedback at research, Enter at code
#
# The researcher's first answer misses quoted fields. The human says so instead of pressing Enter,
# the researcher revises, and the human approves. The coder writes the function, gets an empty
# auto-reply, and answers with a bare `TERMINATE`: the human presses Enter. The writer documents it
# and nobody is asked.

# %%
FIRST_FINDINGS = "Findings: split the line on commas; strip spaces around each field. TERMINATE"
FEEDBACK = "Also cover quoted fields that contain commas."
FINDINGS = (
    "Findings: split on commas outside double quotes; inside quotes a doubled quote is one "
    "literal quote; strip spaces around each field. TERMINATE"
)
CODE = (
    "```python\nimport csv\n\n\ndef parse_line(line: str) -> list[str]:\n"
    "    return [field.strip() for field in next(csv.reader([line], skipinitialspace=True))]\n```"
)
DOCS = (
    "`parse_line(line)` splits one CSV line into fields. A comma inside double quotes stays in its "
    'field, and "" inside quotes is one quote. Spaces around fields are removed. TERMINATE'
)

workflow = build_workflow([FIRST_FINDINGS, FINDINGS], [CODE, "TERMINATE"], [DOCS])
with lesson.human([FEEDBACK, "", ""], mode="TERMINATE"):
    result = workflow.run(TASK)
show_stages(result, "approved")
llm = models(workflow)

lesson.claim(
    "the workflow completes: research, code and docs all pass",
    result.completed and [s.name for s in result] == ["research", "code", "docs"],
)
lesson.claim(
    "research asks the human twice (feedback, then Enter), code once, docs never",
    [len(s.human_prompts) for s in result] == [2, 1, 0],
)
lesson.claim(
    "the human's feedback reached the researcher and it revised",
    lambda: llm["research"].calls[1].messages[-1]["content"] == FEEDBACK,
)
lesson.claim(
    "research hands on the revised findings, TERMINATE removed",
    result["research"].output == FINDINGS.removesuffix(" TERMINATE"),
)
lesson.claim(
    "the docs stage's proxy ran in NEVER mode and stopped on the writer's TERMINATE",
    lambda: result["docs"].stop_reason == "termination_msg" and result["docs"].human_prompts == [],
)

# %% [markdown]
# ## 3. What crosses from one stage to the next
#
# Every `initiate_chat` here runs with `clear_history=True` and a fresh proxy, so the coder's model
# gets exactly two messages: its system message and the opening message, which carries the approved
# findings. The first draft and the human's feedback stayed in stage 1.
#
# The hand-off is `hitl_modes.last_reply`: the last message **the assistant** sent that has text,
# with a trailing `TERMINATE` removed. It skips the human's feedback and the proxy's empty
# auto-replies (they were not the assistant's), tool calls (content `None`: a step, not an answer),
# and a bare `TERMINATE` (a signal, not an answer). The workflow plugs it into AutoGen's own
# `summary_method` seam, so `ChatResult.summary` is what the next stage received.
#
# AutoGen's default summary, `"last_msg"`, would have handed the docs stage *nothing*: the code chat
# ended on the coder's bare `TERMINATE`, and `"last_msg"` takes the last message and deletes every
# `TERMINATE` in it.


# %%
def first_request(model):
    """The messages a scripted model got on its first call (a live model keeps no record)."""
    calls = getattr(model, "calls", None)
    return calls[0].messages if calls else []


coder_saw, writer_saw = first_request(llm["code"]), first_request(llm["docs"])
print("The coder's model saw, on its first call:")
for m in coder_saw:
    print(f"  [{m['role']}] {m['content']!r}")

lesson.claim(
    "the coder's first request holds only its system message and the opening message",
    [m["role"] for m in coder_saw] == ["system", "user"],
)
lesson.claim(
    "the opening message carries the approved findings", lambda: result["research"].output in coder_saw[-1]["content"]
)
lesson.claim(
    "no stage-1 draft and no human feedback reach the coder",
    not any(t in m["content"] for m in coder_saw for t in (FIRST_FINDINGS.removesuffix(" TERMINATE"), FEEDBACK)),
)
lesson.claim(
    "the code chat ended on a bare TERMINATE, yet the code is what was handed on",
    lambda: result["code"].result.chat_history[-1]["content"] == "TERMINATE" and result["code"].output == CODE,
)
lesson.claim(
    "ChatResult.summary is the hand-off, and the writer's opening message carries it",
    lambda: result["code"].result.summary == CODE and CODE in writer_saw[-1]["content"],
)

# %% [markdown]
# ## 4. Reject: `exit` at the code checkpoint
#
# This time the human approves the findings and then rejects the code by typing `exit`. The code
# chat stops with `human_exit`, the workflow stops at `code`, and the docs stage never starts.
# What was rejected is still there to read (`result["code"].reply`), but it is not an output.

# %%
REJECTED_CODE = "```python\ndef parse_line(line):\n    return line.split(',')\n```\nTERMINATE"
workflow = build_workflow([FINDINGS], [REJECTED_CODE], [DOCS])
with lesson.human(["", "exit"], mode="TERMINATE"):
    rejected = workflow.run(TASK)
show_stages(rejected, "rejected")
llm = models(workflow)

lesson.claim(
    "typing exit at the code checkpoint rejects the stage and stops the workflow there",
    lambda: (rejected.reason, rejected.stopped_at, rejected["code"].stop_reason) == ("rejected", "code", "human_exit"),
)
lesson.claim(
    "nothing runs after it: docs never starts and the writer's model is never called",
    rejected.not_run == ["docs"] and llm["docs"].call_count == 0,
)
lesson.claim(
    "the rejected code is kept for reading but is not an output",
    lambda: (
        rejected["code"].reply is not None
        and rejected["code"].output is None
        and list(rejected.outputs) == ["research"]
    ),
)

# %% [markdown]
# ## 5. Cancel: the human hangs up
#
# A person at a terminal can also press Ctrl-D (or Ctrl-C) instead of answering. `input()` raises,
# and the workflow treats that, at a checkpoint, as a cancel: the stage is `cancelled` and nothing
# after it runs. It never waits for a human who is not there. (The same holds for
# `NoHumanAvailableError`, raised when nobody can type.) Offline, a scripted human plays the hang-up
# through the same `IOStream` seam every human here uses: a scripted reply that is an exception is
# raised by `input()` at that point, as Ctrl-D makes `input()` raise `EOFError` at a terminal.

# %%
HANG_UP = EOFError("the human hung up (Ctrl-D)")
workflow = build_workflow([FINDINGS], [CODE], [DOCS])
if lesson.human_kind == "script":
    human = ScriptedHuman([HANG_UP], echo=not lesson.quiet)
else:
    human = lesson.human([], "TERMINATE")
with human:
    cancelled = workflow.run(TASK)
show_stages(cancelled, "cancelled")
llm = models(workflow)

lesson.claim(
    "hanging up at the research checkpoint cancels the workflow there",
    (cancelled.reason, cancelled.stopped_at) == ("cancelled", "research"),
)
lesson.claim(
    "no later stage runs: the coder's and the writer's models are never called",
    cancelled.not_run == ["code", "docs"] and llm["code"].call_count == 0 and llm["docs"].call_count == 0,
)

# %% [markdown]
# ## Summary
#
# - A workflow is a row of two-agent chats. Put TERMINATE-mode checkpoints where a mistake is cheap
#   to stop (research, code) and run NEVER where a human adds nothing (docs).
# - At a checkpoint, Enter approves, text is feedback, `exit` rejects; a hang-up cancels. A reject
#   or a cancel stops the workflow, and no later model is called.
# - A stage passes only on an accepted termination message. Limits (`max_consecutive_auto_reply`,
#   `max_turns`) end a stage without approval, and `max_turns` would skip the checkpoint entirely.
# - Start each stage fresh (`clear_history`) and hand on only the output: the last text the assistant
#   sent, trailing `TERMINATE` removed. AutoGen's default `"last_msg"` summary can hand on the human's
#   feedback, or nothing at all.
#
# ## Exercises
#
# 1. Write `my_last_reply(messages)`: given a stage's chat as the assistant saw it
#    (`assistant.chat_messages[user_proxy]`, where its own messages have role `assistant`), return
#    what the stage hands on, or `None`. The starter is roughly AutoGen's `"last_msg"` summary; the
#    check lists what it gets wrong.
# 2. Write `my_stages(researcher, coder, writer)` returning the three `Stage`s with checkpoints on
#    research and code only. The check runs them with a human who approves twice and then types `exit`.
# 3. In a new cell, run `build_workflow([FINDINGS], [REJECTED_CODE, CODE + " TERMINATE"], [DOCS])` with
#    the human `["", "Handle quoted commas.", ""]`. Predict first: how many times is the coder's model
#    called, how often is the human asked at `code`, and what does the writer receive?
# 4. Copy `build_workflow` into a new cell and give its code stage `max_turns=1`. Run it with
#    `[FINDINGS]`, `[REJECTED_CODE]`, `[DOCS]` and the human `[""]`. Why does it stop at `code` with
#    `incomplete` although the coder said TERMINATE, and why is that the safe answer?


# %%
def my_last_reply(messages):
    # Your answer here. This starter takes the chat's last message, whoever sent it.
    return messages[-1]["content"].replace("TERMINATE", "").strip()


def my_stages(researcher, coder, writer):
    # Your answer here. This starter puts a checkpoint on every stage.
    return [
        Stage("research", researcher, "Find out what the function must handle."),
        Stage("code", coder, "Write the function."),
        Stage("docs", writer, "Document the function for its users."),
    ]


print(check_last_reply(my_last_reply))
print(check_stages(my_stages))
