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
# # Lesson 15 — The human chooses who speaks
#
# Lesson 14 put a person *in* a group chat. Here the person (or a rule of yours) decides *who
# speaks next*. `GroupChat(speaker_selection_method=...)` takes:
#
# | method | who picks the next speaker | section |
# |---|---|---|
# | `"manual"` | a person, from a numbered list, at every turn | 1, 2 |
# | a function `f(last_speaker, groupchat)` | your code, which can hand the turn to the person | 3 |
# | `"auto"` (the default) | a model, asked through an agent AutoGen builds internally | 4 |
#
# The manual prompt has surprises (Enter is not "auto selection"), it bypasses the
# `get_human_input` you may have overridden, and asking a person every turn is tiring. A
# function that hands the turn to the person only when an agent asks is often what you want.
#
# Every chat cell below is plain AutoGen: copy it into your own project and it runs against your
# model. The lines that start with `course.` are this course's: `course.script(...)` says what the
# offline model answers, per agent, and what the human types (`""` is Enter); `course.check(...)`
# checks what the lesson says. Delete them and the cell still runs. The course draws each chat when
# it ends.

# %% [markdown]
# ### Running this lesson, and being the human
#
# In a terminal: `.venv/bin/hitl-modes lesson 15` (add `--live` for a real model: it reads the same
# `OPENAI_API_KEY` as the cell below). As a notebook: in JupyterLab started with `make lab`, kernel
# **Python 3 (ipykernel)**. Offline, the course points `OPENAI_API_KEY` and `OPENAI_BASE_URL` at a
# scripted model server on your own machine, so the `config_list` below is the one you would write.
#
# A scripted person answers by default, so every claim is checked. To answer yourself, add
# `--human console` in a terminal; in a notebook, run `%env HITL_HUMAN=console` in a new cell above
# the setup cell, then run the notebook from there. Before each chat the course prints what the
# script would answer. When the manager asks who speaks next, type a member's number, Enter or `q`;
# when `boss` asks, press Enter, type a reply, or type `exit` (the claims are then checked on your
# run, ✓ or ✗).
#
# - After an Enter, AutoGen prints `>>>>>>>> NO HUMAN INPUT RECEIVED.` in red. It is not an error: it
#   notes that you typed nothing, and AutoGen then does what Enter means at that prompt.
# - To stop a chat that waits for you at `boss`'s prompt, type `exit`: the chat ends and the lesson
#   goes on (at the manager's number prompt, `exit` is a bad entry). To stop the whole lesson,
#   interrupt it (the notebook's ■ *Interrupt the kernel* button, or Ctrl-C in a terminal): it stops
#   with one line saying so, and sends no reply.

# %%
from hitl_modes.course.session import Course  # the course's (first: it quiets flaml's "automl" warning)

import os

import autogen

from hitl_modes.course.exercises.lesson15 import check_ask_user_selector, check_manual_choices

course = Course.setup(15, "The human chooses who speaks")

config_list = [{"model": os.environ.get("OPENAI_MODEL", "gpt-4o-mini"), "api_key": os.environ["OPENAI_API_KEY"]}]
llm_config = {"config_list": config_list, "cache_seed": None}  # cache_seed=None: ask the model every time

TASK = "Write the release notes for version 2.0."


def writer_and_critic():
    writer = autogen.AssistantAgent(
        "writer",
        llm_config=llm_config,
        system_message="You write release notes. To ask the user something, start with ASK_USER:",
    )
    critic = autogen.AssistantAgent("critic", llm_config=llm_config, system_message="You review release notes.")
    return writer, critic


def says_terminate(message):
    return "TERMINATE" in (message.get("content") or "")


# %% [markdown]
# ## 1. Manual selection: the numbered list, Enter and `q`, bad entries
#
# Before every turn the manager prints the members as `1: boss`, `2: writer`, `3: critic` and
# asks for a number. The prompt says Enter or `q` means "auto selection", but in AutoGen 0.2.35
# they fall back to **round robin**: the next member after the last speaker, no model asked. A
# bad entry is refused; after the second bad entry the manager stops asking and falls back to
# round robin too. The person answers `3`, Enter, `x`, `9`, `q`.

# %%
course.script(model={"writer": ["Draft 1."], "critic": ["Review 1.", "Review 2."]}, human=["3", "", "x", "9", "q"])

boss = autogen.UserProxyAgent("boss", human_input_mode="NEVER", code_execution_config=False)
writer, critic = writer_and_critic()
groupchat = autogen.GroupChat(
    agents=[boss, writer, critic], messages=[], max_round=5, speaker_selection_method="manual"
)
manager = autogen.GroupChatManager(groupchat=groupchat, llm_config=llm_config)
result = boss.initiate_chat(manager, message=TASK)

# %%
said = [m["name"] for m in groupchat.messages]
print(said)
course.check("'3' chose the critic; Enter chose boss, the member after the critic", said[1:3] == ["critic", "boss"])
course.check("after 'x' and '9' it chose the writer (after boss); 'q' the critic", said[3:] == ["writer", "critic"])

# %% [markdown]
# ## 2. It bypasses `get_human_input`: what an approval log misses
#
# `manual_select_speaker` reads `IOStream.get_default().input(...)` directly. An override of
# `get_human_input` (a common way to log or route approvals, lesson 06) sees the member's own
# prompts only, and so does `result.human_input`, which AutoGen fills there. Here boss is an
# `ALWAYS` member whose override writes every answer to an approval log. The person chooses the
# writer, the critic and boss (`2`, `3`, `1`), then answers as boss; `max_round=4` ends it there.
# (The override takes `**kwargs`: ag2 passes `iostream=` to `get_human_input`.)


# %%
class LoggedProxy(autogen.UserProxyAgent):
    """Logs every answer it receives through get_human_input."""

    def get_human_input(self, prompt, **kwargs):
        reply = super().get_human_input(prompt, **kwargs)
        self.approval_log.append(reply)
        return reply


course.script(model={"writer": ["Draft 1."], "critic": ["Ask boss."]}, human=["2", "3", "1", "OK."])

boss = LoggedProxy("boss", human_input_mode="ALWAYS", code_execution_config=False)
boss.approval_log = []
writer, critic = writer_and_critic()
groupchat = autogen.GroupChat(
    agents=[boss, writer, critic], messages=[], max_round=4, speaker_selection_method="manual"
)
manager = autogen.GroupChatManager(groupchat=groupchat, llm_config=llm_config)
result = boss.initiate_chat(manager, message=TASK)

# %%
said = [m["name"] for m in groupchat.messages]
print(said, "\napproval log:", boss.approval_log, "\nhuman_input:", result.human_input)
course.check("the person chose writer, critic, boss", said == ["boss", "writer", "critic", "boss"])
logged = boss.approval_log
course.check("the approval log and human_input hold boss's answer only", logged == result.human_input == ["OK."])

# %% [markdown]
# So a log of "what the person decided" kept in `get_human_input` silently misses every speaker
# choice. Log where AutoGen asks (your own `IOStream`), or choose speakers in code you control, as
# the next section does.
#
# ## 3. A selector function that asks the person only when an agent needs them
#
# A function `f(last_speaker, groupchat)` chooses the next speaker: it returns an agent, a method
# name (`"round_robin"`, `"auto"`, ...) or `None` to end the chat (lesson 14, section 8). This one
# hands the turn to boss (an `ALWAYS` member) only when the last message starts with `ASK_USER:`,
# then gives it back to whoever asked; otherwise writer and critic alternate. The person is asked
# once, not every turn.


# %%
def ask_user_selector(last_speaker, groupchat):
    boss, writer, critic = groupchat.agents
    messages = groupchat.messages
    if (messages[-1].get("content") or "").startswith("ASK_USER:"):
        return boss
    if last_speaker is boss and len(messages) > 1:
        return groupchat.agent_by_name(messages[-2]["name"])  # back to the agent that asked
    return critic if last_speaker is writer else writer


ANSWER = "Developers."
writes = ["ASK_USER: Who reads these notes: users or developers?", "Draft for developers.", "Final. TERMINATE"]
course.script(model={"writer": writes, "critic": ["Clear."]}, human=[ANSWER])

boss = autogen.UserProxyAgent("boss", human_input_mode="ALWAYS", code_execution_config=False)
writer, critic = writer_and_critic()
groupchat = autogen.GroupChat(
    agents=[boss, writer, critic], messages=[], max_round=10, speaker_selection_method=ask_user_selector
)
manager = autogen.GroupChatManager(groupchat=groupchat, llm_config=llm_config, is_termination_msg=says_terminate)
result = boss.initiate_chat(manager, message=TASK)

# %%
said = [m["name"] for m in groupchat.messages]
print(said, "\nhuman_input:", result.human_input)
heard = [m["content"] for m in writer.chat_messages[manager]]
typed = result.human_input
course.check("asked once, right after the writer's ASK_USER: message", said[2] == "boss" and typed == [ANSWER])
course.check("the answer reached the writer; the writer's TERMINATE ended it", ANSWER in heard and said[-1] == "writer")

# %% [markdown]
# ## 4. `"auto"`: a model chooses, and AutoGen retries a reply that names two agents
#
# With `"auto"` the manager asks a model for the next speaker's name, through an agent AutoGen
# builds named `speaker_selection_agent`. A reply that names more than one member is not accepted:
# AutoGen asks again ("You provided more than one name ..."), up to
# `max_retries_for_selecting_speaker` (2) more times. If no attempt names exactly one member, it
# falls back to the next member in order. `select_speaker_auto_verbose=True` prints each attempt.
#
# The selecting model first answers "writer or critic, either works", then "writer"; for the next
# turn it answers three times without naming anyone. AutoGen keeps no record of the selection
# chat; the check reads the course's log of what the offline model was asked (`course.model_calls`).

# %%
picks = ["writer or critic, either works", "writer", "nobody", "no idea", "pass"]
course.script(model={"writer": ["Draft 1."], "critic": ["Review 1."], "speaker_selection_agent": picks})

boss = autogen.UserProxyAgent("boss", human_input_mode="NEVER", code_execution_config=False)
writer, critic = writer_and_critic()
groupchat = autogen.GroupChat(
    agents=[boss, writer, critic],
    messages=[],
    max_round=3,
    speaker_selection_method="auto",
    max_retries_for_selecting_speaker=2,
    select_speaker_auto_verbose=True,
)
manager = autogen.GroupChatManager(groupchat=groupchat, llm_config=llm_config)
result = boss.initiate_chat(manager, message=TASK)

# %%
said = [m["name"] for m in groupchat.messages]
print(said)
asked = [c.body["messages"][-1]["content"] for c in course.model_calls if c.asker == "speaker_selection_agent"]
course.check("5 asks; the 2nd said 'You provided more than one name...'", len(asked) == 5 and "more than" in asked[1])
course.check("the retry chose the writer; after 3 answers naming nobody, the critic", said[1:] == ["writer", "critic"])

# %% [markdown]
# ## Summary
#
# - `"manual"` asks the person for a number before every turn. Enter or `q` does **not** mean
#   auto selection: it is round robin. After two bad entries it falls back to round robin as well.
# - Manual selection reads `IOStream.input` directly: a `get_human_input` override never sees
#   it (nor does `result.human_input`), so an approval log kept there misses every speaker choice.
# - A selector function decides in code; hand the turn to the person only when an agent asks
#   (`ASK_USER:`), and the person is not interrupted every round.
# - `"auto"` asks a model; a reply naming two members is retried (at most 2 more times), and
#   after that AutoGen falls back to the next member in order.
#
# ## Exercises
#
# 1. Manual selection, boss (`NEVER`), writer and critic, `max_round=5`. Write `my_choices` so the
#    critic speaks first, then the writer twice in a row, and use Enter for the last turn (it goes
#    to the critic, the member after the writer).
# 2. Write `ask_me_selector(last_speaker, groupchat)`: boss (`ALWAYS`) speaks only right after a
#    message that starts with `ASK_USER:`, the agent that asked speaks right after boss, and
#    otherwise writer and critic alternate, starting with the writer.

# %%
my_choices = ["3", "2", "", ""]  # your answer: this starter gets the second writer turn wrong

print(check_manual_choices(my_choices))


# %%
def ask_me_selector(last_speaker, groupchat):
    # Your answer here. This starter takes turns, boss included, so the person is asked every round.
    return "round_robin"


print(check_ask_user_selector(ask_me_selector))
