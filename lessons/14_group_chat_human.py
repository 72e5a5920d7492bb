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
# # Lesson 14 — A human in a group chat
#
# In a group chat, AutoGen's `GroupChatManager` runs the conversation: it posts each message to
# every member, picks who speaks next (`speaker_selection_method`), and asks that member for a
# reply. A person takes part as a `UserProxyAgent` member, here called `boss`. What its
# `human_input_mode` means when the manager selects it:
#
# | the human member's mode | when it is selected to speak | section |
# |---|---|---|
# | `ALWAYS` | asks; Enter posts its `default_auto_reply` (**empty** by default); `exit` **ends the group** | 1 |
# | `ALWAYS`, at a message that passes the member's own `is_termination_msg` | Enter **ends the group** | 2 |
# | `NEVER` | never asks: posts its `default_auto_reply`; ends the group at its termination message | 3 |
# | `TERMINATE` | posts its `default_auto_reply`; asks only at its termination message (Enter ends the group) | 3 |
#
# Every chat cell below is plain AutoGen: copy it into your own project and it runs against your
# model. The lines that start with `course.` are this course's: `course.script(...)` says what the
# offline model answers, per agent, and what the human types (`""` is Enter); `course.check(...)`
# checks what the lesson says. Delete them and the cell still runs. The course draws each chat when
# it ends, with one lane per member and one for the manager.

# %% [markdown]
# ### Running this lesson, and being the human
#
# In a terminal: `.venv/bin/hitl-modes lesson 14` (add `--live` for a real model: it reads the same
# `OPENAI_API_KEY` as the cell below). As a notebook: in JupyterLab started with `make lab`, kernel
# **Python 3 (ipykernel)**. Offline, the course points `OPENAI_API_KEY` and `OPENAI_BASE_URL` at a
# scripted model server on your own machine, so the `config_list` below is the one you would write.
#
# A scripted person answers by default, so every claim is checked. To be `boss` yourself, add
# `--human console` in a terminal; in a notebook, run `%env HITL_HUMAN=console` in a new cell above
# the setup cell, then run the notebook from there. Before each chat the course prints what the
# script would answer; when `boss` is asked, press Enter, type feedback, or type `exit` (the claims
# are then checked on your run, ✓ or ✗).
#
# - After an Enter, AutoGen prints `>>>>>>>> NO HUMAN INPUT RECEIVED.` in red. It is not an error: it
#   notes that you typed nothing, and AutoGen then does what Enter means at that prompt.
# - To stop a chat that waits for you, type `exit`: the chat ends and the lesson goes on. To stop the
#   whole lesson, interrupt it (the notebook's ■ *Interrupt the kernel* button, or Ctrl-C in a
#   terminal): it stops with one line saying so, and sends no reply.

# %%
from hitl_modes.course.session import Course  # the course's (first: it quiets flaml's "automl" warning)

import os

import autogen

from hitl_modes.course.exercises.lesson14 import check_group_feedback, check_group_setup

course = Course.setup(14, "A human in a group chat")

config_list = [{"model": os.environ.get("OPENAI_MODEL", "gpt-4o-mini"), "api_key": os.environ["OPENAI_API_KEY"]}]
llm_config = {"config_list": config_list, "cache_seed": None}  # cache_seed=None: ask the model every time

TASK = "Write the release notes for version 2.0."


def writer_and_critic():
    writer = autogen.AssistantAgent("writer", llm_config=llm_config, system_message="You write release notes.")
    critic = autogen.AssistantAgent(
        "critic", llm_config=llm_config, system_message="You review release notes. Say APPROVED when they are good."
    )
    return writer, critic


def says_approved(message):
    return "APPROVED" in (message.get("content") or "")


# %% [markdown]
# ## 1. The person is asked only when selected; Enter posts an empty message; `exit` ends the group
#
# Round robin: boss (who sends the task), writer, critic, boss, ... The person behind `boss`
# (`ALWAYS`) presses Enter the first time and types `exit` the second time.

# %%
course.script(model={"writer": ["Draft 1.", "Draft 2."], "critic": ["Shorter.", "Better."]}, human=["", "exit"])

boss = autogen.UserProxyAgent("boss", human_input_mode="ALWAYS", code_execution_config=False)
writer, critic = writer_and_critic()
groupchat = autogen.GroupChat(
    agents=[boss, writer, critic], messages=[], max_round=10, speaker_selection_method="round_robin"
)
manager = autogen.GroupChatManager(groupchat=groupchat, llm_config=llm_config)
result = boss.initiate_chat(manager, message=TASK)

# %% [markdown]
# `groupchat.messages` is the group's transcript; `result.chat_history` holds the same messages, from
# boss's side, and `result.human_input` what boss's person typed. Each member keeps what the
# manager passed on to it: `writer.chat_messages[manager]`.

# %%
said = [(m["name"], m["content"]) for m in groupchat.messages]
print(said, "\nhuman_input:", result.human_input)
from_boss = {"content": "", "name": "boss", "role": "user"}
asked, count = result.human_input, len(said)
course.check("asked on boss's 2 turns only; 'exit' ended the group at message 6", asked == ["", "exit"] and count == 6)
course.check("Enter posted an empty message that the writer received", from_boss in writer.chat_messages[manager])

# %% [markdown]
# ## 2. At a message that passes boss's own `is_termination_msg`, Enter ends the group
#
# Enter does not always post an empty message. AutoGen's rule for an `ALWAYS` member: an empty
# answer to a message that passes the member's own `is_termination_msg` means `exit`. Here boss's
# check looks for `APPROVED`; the manager's (AutoGen's default: exactly `"TERMINATE"`) does not
# match it, so the group goes on to boss. The person presses Enter twice.

# %%
course.script(model={"writer": ["Draft 1.", "Draft 2."], "critic": ["Shorter.", "APPROVED."]}, human=["", ""])

boss = autogen.UserProxyAgent(
    "boss", human_input_mode="ALWAYS", is_termination_msg=says_approved, code_execution_config=False
)
writer, critic = writer_and_critic()
groupchat = autogen.GroupChat(
    agents=[boss, writer, critic], messages=[], max_round=10, speaker_selection_method="round_robin"
)
manager = autogen.GroupChatManager(groupchat=groupchat, llm_config=llm_config)
result = boss.initiate_chat(manager, message=TASK)

# %%
said = [(m["name"], m["content"]) for m in groupchat.messages]
print(said, "\nhuman_input:", result.human_input)
course.check("the 1st Enter (after 'Shorter.') posted an empty message", said[3] == ("boss", ""))
course.check("the 2nd Enter (after 'APPROVED.') ended the group", said[-1] == ("critic", "APPROVED."))

# %% [markdown]
# ## 3. `NEVER` and `TERMINATE` members post their `default_auto_reply`
#
# Neither asks on an ordinary turn: both post the member's `default_auto_reply` (empty unless you
# set it). At a message that passes its `is_termination_msg`, the `NEVER` member ends the group
# without asking, and the `TERMINATE` member asks the person (Enter ends the group).

# %%
endings = {}
for mode in ("NEVER", "TERMINATE"):
    asked = [] if mode == "NEVER" else [""]  # what the person types: nothing, or Enter once
    course.script(model={"writer": ["Draft 1.", "Draft 2."], "critic": ["Shorter.", "APPROVED."]}, human=asked)
    boss = autogen.UserProxyAgent(
        "boss",
        human_input_mode=mode,
        is_termination_msg=says_approved,
        default_auto_reply="Carry on.",
        code_execution_config=False,
    )
    writer, critic = writer_and_critic()
    groupchat = autogen.GroupChat(
        agents=[boss, writer, critic], messages=[], max_round=10, speaker_selection_method="round_robin"
    )
    manager = autogen.GroupChatManager(groupchat=groupchat, llm_config=llm_config)
    result = boss.initiate_chat(manager, message=TASK)
    endings[mode] = [m["content"] for m in groupchat.messages], result.human_input

# %%
print(endings)
course.check("NEVER never asked; TERMINATE asked once (at 'APPROVED.')", [h for _, h in endings.values()] == [[], [""]])
later = [contents[3::2] for contents, _ in endings.values()]  # boss's 2nd turn and the last message
course.check("both posted 'Carry on.', then ended at 'APPROVED.'", later == [["Carry on.", "APPROVED."]] * 2)

# %% [markdown]
# ## 4. The manager: its `human_input_mode` is never consulted; `max_round` counts the task
#
# `GroupChatManager(..., human_input_mode="ALWAYS")` looks like a way to let a person steer the
# group. It is not: the manager's reply function `run_chat` comes first, runs the whole group chat
# and returns before AutoGen's human-reply check is reached. No human is scripted here: a prompt
# would fail the run. `max_round=3` allows three messages in all, the task included.

# %%
course.script(model={"writer": ["Draft 1."], "critic": ["Fine."]})

boss = autogen.UserProxyAgent("boss", human_input_mode="NEVER", code_execution_config=False)
writer, critic = writer_and_critic()
groupchat = autogen.GroupChat(
    agents=[boss, writer, critic], messages=[], max_round=3, speaker_selection_method="round_robin"
)
manager = autogen.GroupChatManager(groupchat=groupchat, llm_config=llm_config, human_input_mode="ALWAYS")
result = boss.initiate_chat(manager, message=TASK)

# %%
replies = [f["reply_func"].__name__ for f in manager._reply_func_list]  # (a_ ones are for async chats)
print("the manager's reply functions, in order:", replies)
first = replies.index("run_chat") < replies.index("check_termination_and_human_reply")
course.check("run_chat comes first; the ALWAYS manager asked nobody", first and manager.human_input_mode == "ALWAYS")
course.check("max_round=3 gave 3 messages: the task and two replies", len(groupchat.messages) == 3)

# %% [markdown]
# ## 5. The manager's default termination check is exactly "TERMINATE"
#
# The manager checks every message with its own `is_termination_msg`. AutoGen's default matches
# only a message that is exactly `"TERMINATE"`: with it, "Done. TERMINATE" does not stop the
# group; with a check of your own, it does.


# %%
def says_terminate(message):
    return "TERMINATE" in (message.get("content") or "")


ends = {}
for check in (None, says_terminate):  # None: AutoGen's default
    course.script(model={"writer": ["Done. TERMINATE"], "critic": ["TERMINATE"] if check is None else []})
    boss = autogen.UserProxyAgent("boss", human_input_mode="NEVER", code_execution_config=False)
    writer, critic = writer_and_critic()
    groupchat = autogen.GroupChat(
        agents=[boss, writer, critic], messages=[], max_round=10, speaker_selection_method="round_robin"
    )
    manager = autogen.GroupChatManager(groupchat=groupchat, llm_config=llm_config, is_termination_msg=check)
    result = boss.initiate_chat(manager, message=TASK)
    ends["default" if check is None else "yours"] = [m["content"] for m in groupchat.messages][1:]

# %%
print(ends)
course.check("the default went on past 'Done. TERMINATE'", ends["default"] == ["Done. TERMINATE", "TERMINATE"])
course.check("a substring check on the manager stopped at 'Done. TERMINATE'", ends["yours"] == ["Done. TERMINATE"])

# %% [markdown]
# ## 6. A member's own `max_consecutive_auto_reply` still applies
#
# Each member counts its auto-replies toward the manager, as toward a chat partner. A `NEVER` boss
# with `max_consecutive_auto_reply=1` auto-replies once; the next time it is selected it has no
# reply, and a member without a reply ends the group chat.

# %%
course.script(model={"writer": ["Draft 1.", "Draft 2."], "critic": ["Fine.", "Fine again."]})

boss = autogen.UserProxyAgent(
    "boss", human_input_mode="NEVER", max_consecutive_auto_reply=1, code_execution_config=False
)
writer, critic = writer_and_critic()
groupchat = autogen.GroupChat(
    agents=[boss, writer, critic], messages=[], max_round=10, speaker_selection_method="round_robin"
)
manager = autogen.GroupChatManager(groupchat=groupchat, llm_config=llm_config)
result = boss.initiate_chat(manager, message=TASK)

# %%
said = [m["name"] for m in groupchat.messages]
print(said)
course.check("boss auto-replied once, then ended the group at its limit", said == ["boss", "writer", "critic"] * 2)

# %% [markdown]
# ## 7. The mode changes the member's description, which steers "auto" selection
#
# With `speaker_selection_method="auto"` (the default), the manager asks a model to pick the next
# speaker from each member's `description`: for each choice AutoGen builds an agent named
# `speaker_selection_agent` from the manager's `llm_config`. A `UserProxyAgent` you give no
# description gets one that depends on its mode: only `ALWAYS` calls it "an attentive HUMAN user";
# `NEVER` is "a computer terminal". The selecting model reads exactly that, in
# `groupchat.select_speaker_msg()`. Here the model names boss when the critic asks for boss, and
# the person answers `TERMINATE`, which ends the group (the manager's default check).

# %%
for mode in ("ALWAYS", "TERMINATE", "NEVER"):
    print(f"{mode:>9}: {autogen.UserProxyAgent('boss', human_input_mode=mode).description}")

who = ["writer", "critic", "boss"]  # whom the selecting model names, in turn
course.script(model={"writer": ["Draft."], "critic": ["Ask boss"], "speaker_selection_agent": who}, human=["TERMINATE"])
boss = autogen.UserProxyAgent("boss", human_input_mode="ALWAYS", code_execution_config=False)
writer, critic = writer_and_critic()
groupchat = autogen.GroupChat(agents=[boss, writer, critic], messages=[], max_round=10, speaker_selection_method="auto")
manager = autogen.GroupChatManager(groupchat=groupchat, llm_config=llm_config)
result = boss.initiate_chat(manager, message=TASK)

# %%
prompt = groupchat.select_speaker_msg()  # the system message the selecting model reads
print(prompt)
said = [m["name"] for m in groupchat.messages]
print(said, "\nhuman_input:", result.human_input)
course.check("the selecting model read boss as 'An attentive HUMAN user'", "boss: An attentive HUMAN" in prompt)
course.check("asked once, when the model chose boss", said[3:] == ["boss"] and result.human_input == ["TERMINATE"])

# %% [markdown]
# ## 8. Why a group chat stopped
#
# One more way: speaker selection finds nobody. A selection function (lesson 15) that returns
# `None` raises AutoGen's `NoEligibleSpeaker`, and the manager ends the chat. AutoGen does not
# record why a group stopped; `why_it_stopped` reads it from the group and the manager (AutoGen
# keeps the manager's check as `manager._is_termination_msg`).


# %%
def until_critic_spoke(last_speaker, groupchat):
    return None if last_speaker.name == "critic" else "round_robin"


def why_it_stopped(groupchat, manager):
    if manager._is_termination_msg(groupchat.messages[-1]):
        return "the manager's is_termination_msg"
    if len(groupchat.messages) >= groupchat.max_round:
        return "max_round"
    return "a member had no reply, or no speaker was eligible"


course.script(model={"writer": ["Draft 1."], "critic": ["Fine."]})
boss = autogen.UserProxyAgent("boss", human_input_mode="NEVER", code_execution_config=False)
writer, critic = writer_and_critic()
groupchat = autogen.GroupChat(
    agents=[boss, writer, critic], messages=[], max_round=10, speaker_selection_method=until_critic_spoke
)
manager = autogen.GroupChatManager(groupchat=groupchat, llm_config=llm_config)
result = boss.initiate_chat(manager, message=TASK)

# %%
said = [m["name"] for m in groupchat.messages]
print(said, "->", why_it_stopped(groupchat, manager))
course.check("after the critic nobody was eligible, and the group ended", said == ["boss", "writer", "critic"])

# %% [markdown]
# So a group chat stops when:
#
# | the group stopped because | shown in section |
# |---|---|
# | the last message passed the **manager's** `is_termination_msg` | 5 |
# | `max_round` messages were posted, the task included | 4 |
# | the selected member had no reply: `exit` | 1 |
# | ... or a message passed its own `is_termination_msg` (`NEVER`; or Enter, when it asked) | 2, 3 |
# | ... or the member reached its own `max_consecutive_auto_reply` | 6 |
# | no eligible speaker: a selection function returned `None` | 8 |
#
# ## Summary
#
# - A human member is asked only when the manager selects it. In `ALWAYS` mode Enter posts its
#   `default_auto_reply` (an **empty** message unless you set one), except at a message that passes
#   the member's own `is_termination_msg`: there Enter ends the whole group, as `exit` does.
# - `TERMINATE` and `NEVER` members post their `default_auto_reply` without asking.
# - The manager's `human_input_mode` does nothing: `run_chat` replies first.
# - `max_round` counts the opening message. The manager's `is_termination_msg` ends the chat;
#   AutoGen's default matches only a message that is exactly `"TERMINATE"`.
# - Each member keeps its own `max_consecutive_auto_reply` toward the manager.
# - The mode changes a member's default description, and so whom "auto" selection picks.
#
# ## Exercises
#
# 1. boss (`ALWAYS`, AutoGen's default `is_termination_msg`), writer and critic take turns (round
#    robin); no message is ever exactly `TERMINATE`. Write `my_replies` so that your feedback on the
#    first round reaches the writer, and the chat ends the second time you are asked. (Careful:
#    what does Enter do at an ordinary message?)
# 2. Write `make_group(agents, llm_config)`: a `GroupChatManager` whose members take turns in
#    order, that stops when a message contains `APPROVED`, and that never holds more than 6
#    messages, the task included.

# %%
my_replies = ["", ""]  # your answer: this starter never sends feedback and never ends the chat

print(check_group_feedback(my_replies))


# %%
def make_group(agents, llm_config):
    # Your answer here. This starter lets a model choose speakers and stops only at 5 messages.
    groupchat = autogen.GroupChat(agents=agents, messages=[], max_round=5)
    return autogen.GroupChatManager(groupchat=groupchat, llm_config=llm_config)


print(check_group_setup(make_group))
