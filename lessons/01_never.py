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
# # Lesson 01 — `human_input_mode="NEVER"`: fully automated
#
# A `UserProxyAgent` with `human_input_mode="NEVER"` never asks a person anything. It answers the
# assistant on its own (running code it receives, or sending its `default_auto_reply`) until one of
# two things happens:
#
# 1. the assistant's message passes the proxy's `is_termination_msg`, or
# 2. the proxy has auto-replied `max_consecutive_auto_reply` times in a row.
#
# Every chat cell below is plain AutoGen: copy it into your own project and it runs against your
# model. The lines that start with `course.` are this course's, not AutoGen's: `course.script(...)`
# says what the offline model answers (so the lesson runs with no API key) and `course.check(...)`
# checks what the lesson says about the chat. Delete them and the cell still runs. The course draws
# each chat when it ends.

# %% [markdown]
# ### Running this lesson
#
# In a terminal: `.venv/bin/hitl-modes lesson 1` (add `--live` for a real model: it reads the same
# `OPENAI_API_KEY` as the cell below). As a notebook: in JupyterLab started with `make lab`, kernel
# **Python 3 (ipykernel)**. Offline, the course points `OPENAI_API_KEY` and `OPENAI_BASE_URL` at a
# scripted model server on your own machine, so the `config_list` below is the one you would write.
#
# NEVER never asks a person, so there is nothing to type here: lesson 02 shows how to be the human.

# %%
from hitl_modes.course.session import Course  # the course's (first: it quiets flaml's "automl" warning)

import os

import autogen

from hitl_modes.course.exercises.lesson01 import check_is_termination_msg

course = Course.setup(1, "NEVER: fully automated")

config_list = [{"model": os.environ.get("OPENAI_MODEL", "gpt-4o-mini"), "api_key": os.environ["OPENAI_API_KEY"]}]
llm_config = {"config_list": config_list, "cache_seed": None}  # cache_seed=None: ask the model every time

# %% [markdown]
# ## 1. It runs to completion when the assistant says TERMINATE
#
# The termination check reads `message.get("content") or ""`: section 3 shows why the `or ""`
# matters. It looks for TERMINATE anywhere in the text, which is enough here; exercise 1 asks you
# for a stricter one.


# %%
def is_termination_msg(message):
    return "TERMINATE" in (message.get("content") or "")


course.script(model=["6 x 7: let me work it out step by step.", "6 x 7 = 42. TERMINATE"])

assistant = autogen.AssistantAgent(
    "assistant",
    llm_config=llm_config,
    system_message="Answer briefly. Say TERMINATE at the end of your final answer.",
)
user_proxy = autogen.UserProxyAgent(
    "user_proxy",
    human_input_mode="NEVER",
    is_termination_msg=is_termination_msg,
    max_consecutive_auto_reply=10,
    code_execution_config=False,
)
result = user_proxy.initiate_chat(assistant, message="What is 6 x 7?")

# %% [markdown]
# AutoGen's `ChatResult` holds what happened: `chat_history` (every message, from the initiator's
# side), `human_input` (every answer a person typed), `summary` (by default the last message, with
# "TERMINATE" taken out) and `cost`.

# %%
print(f"{len(result.chat_history)} messages; human_input={result.human_input}; summary={result.summary!r}")
course.check("NEVER stopped at the assistant's TERMINATE", "TERMINATE" in result.chat_history[-1]["content"])
course.check("NEVER never asked the human", result.human_input == [])

# %% [markdown]
# ## 2. Without a termination check, only `max_consecutive_auto_reply` stops it
#
# Here the proxy never recognises the end, and the assistant keeps talking. The proxy's
# auto-reply counter counts its replies in a row; when it reaches the limit, the chat ends.

# %%
LIMIT = 3
course.script(model=[f"Still thinking (round {i})." for i in range(1, LIMIT + 2)])

assistant = autogen.AssistantAgent("assistant", llm_config=llm_config)
user_proxy = autogen.UserProxyAgent(
    "user_proxy",
    human_input_mode="NEVER",
    is_termination_msg=lambda message: False,
    max_consecutive_auto_reply=LIMIT,
    code_execution_config=False,
)
result = user_proxy.initiate_chat(assistant, message="Think about it.")

# %%
said = [m["name"] for m in result.chat_history]
print(f"who spoke: {said}")
course.check(f"the proxy auto-replied exactly {LIMIT} times after its task", said.count("user_proxy") == 1 + LIMIT)
course.check("the model answered once more than the proxy auto-replied", said.count("assistant") == LIMIT + 1)

# %% [markdown]
# ## 3. A termination check must be safe when `content` is `None`
#
# When the model calls a tool, its message has `tool_calls` and **no text**: `content` is `None`.
# AutoGen runs the proxy's `is_termination_msg` on that message too. A check written as
# `message["content"].endswith("TERMINATE")` crashes the whole chat.


# %%
def naive_is_termination_msg(message):
    return message["content"].endswith("TERMINATE")


def get_time() -> str:
    """The current time."""
    return "12:00"


def tool_chat(check):
    assistant = autogen.AssistantAgent("assistant", llm_config=llm_config)
    user_proxy = autogen.UserProxyAgent(
        "user_proxy",
        human_input_mode="NEVER",
        is_termination_msg=check,
        max_consecutive_auto_reply=5,
        code_execution_config=False,
    )
    autogen.register_function(get_time, caller=assistant, executor=user_proxy, description="The current time.")
    return user_proxy.initiate_chat(assistant, message="What time is it?")


course.script(model=[course.tool_call("get_time"), "It is 12:00. TERMINATE"])
try:
    tool_chat(naive_is_termination_msg)
    crashed = None
except (AttributeError, TypeError) as e:
    crashed = e
    print(f"The naive check crashed the chat: {type(e).__name__}: {e}")

course.script(model=[course.tool_call("get_time"), "It is 12:00. TERMINATE"])
result = tool_chat(is_termination_msg)

# %%
course.check("the naive check crashes on a tool call (content is None)", crashed is not None)
tool_ran = any(m.get("tool_responses") for m in result.chat_history)
ended = result.chat_history[-1]["content"].endswith("TERMINATE")
course.check("the None-safe check lets the tool run, then ends at TERMINATE", tool_ran and ended)

# %% [markdown]
# ## 4. AutoGen's default check matches exactly "TERMINATE"
#
# Without `is_termination_msg`, an agent ends the chat only on a message whose whole text is
# `TERMINATE` (AutoGen's default is `content == "TERMINATE"`). "Done. TERMINATE" does not end it:
# a NEVER proxy then runs on to its auto-reply limit.

# %%
course.script(model=["Done. TERMINATE", "TERMINATE"])

assistant = autogen.AssistantAgent("assistant", llm_config=llm_config)
user_proxy = autogen.UserProxyAgent(
    "user_proxy", human_input_mode="NEVER", max_consecutive_auto_reply=5, code_execution_config=False
)
result = user_proxy.initiate_chat(assistant, message="Say you are done.")

# %%
replies = [m["content"] for m in result.chat_history if m["name"] == "assistant"]
print(f"the assistant said: {replies}")
course.check("'Done. TERMINATE' went on; the bare 'TERMINATE' ended it", replies == ["Done. TERMINATE", "TERMINATE"])

# %% [markdown]
# ## Summary
#
# - NEVER never asks a person; it stops on a termination message or at `max_consecutive_auto_reply`.
# - Without a termination check, the limit is the only brake: set it on purpose.
# - Write `is_termination_msg` on `message.get("content") or ""`: tool and function calls carry no text.
# - AutoGen's default check is exact: only a message that is just `TERMINATE` ends the chat.
#
# ## Exercises
#
# 1. Write your own `my_is_termination_msg` below: true exactly when the text ends with
#    `TERMINATE`, never crashing on a message without text. Run the check cell.
# 2. In section 2, predict how many messages `result.chat_history` holds with `LIMIT = 5`, then
#    change it and run (change the model script's `range` with it).
# 3. Give the proxy `default_auto_reply="Please continue."` in section 2. What does the assistant
#    see now? (Hint: `assistant.chat_messages[user_proxy]`.)


# %%
def my_is_termination_msg(message):
    # Your answer here. This starter is the naive version: the check below shows what it misses.
    return message["content"].endswith("TERMINATE")


print(check_is_termination_msg(my_is_termination_msg))
