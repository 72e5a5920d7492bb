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
# Everything below runs on AutoGen's real agents. Only the model is scripted, so the lesson runs
# offline and every claim is checked. Run it with `--live` to use a real model instead.
#
# Each chat is shown once. In a notebook you see its picture (hover over a mark for the full text;
# the legend is under the first picture), with the text timeline and AutoGen's own printout folded
# under it ("the same chat as text"); when you type as the human, AutoGen's printout stays in view,
# since you answer from it. In a terminal you see AutoGen's printout as it happens, then the text
# timeline.

# %% [markdown]
# ### Running this lesson
#
# In a terminal: `.venv/bin/hitl-modes lesson 1`. As a notebook: in JupyterLab started with
# `make lab`, which runs from the project's `.venv`, with the kernel **Python 3 (ipykernel)** (it has
# `hitl_modes` and `pyautogen==0.2.35`).
#
# NEVER never asks a person, so there is nothing to type here: lesson 02 shows how to be the human.

# %%
import autogen

import hitl_modes  # noqa: F401  first: it quiets flaml's irrelevant "automl is not available" warning
from hitl_modes import tool_call
from hitl_modes.course.exercises.lesson01 import check_is_termination_msg
from hitl_modes.course.lesson import Lesson

lesson = Lesson.setup(1, "NEVER: fully automated")

# %% [markdown]
# ## 1. It runs to completion when the assistant says TERMINATE
#
# The termination check below reads `message.get("content") or ""`: we will see in section 3 why
# the `or ""` matters. It looks for TERMINATE anywhere in the text, which is enough here; exercise 1
# asks you for a stricter one.


# %%
def is_termination_msg(message):
    return "TERMINATE" in (message.get("content") or "")


assistant = lesson.assistant(
    "assistant",
    ["6 x 7: let me work it out step by step.", "6 x 7 = 42. TERMINATE"],
    system_message="Answer briefly. Say TERMINATE at the end of your final answer.",
)
user_proxy = autogen.UserProxyAgent(
    "user_proxy",
    human_input_mode="NEVER",
    is_termination_msg=is_termination_msg,
    max_consecutive_auto_reply=10,
    code_execution_config=False,
)
with lesson.human([], mode="NEVER"):
    run = lesson.run(user_proxy, assistant, "What is 6 x 7?", title="NEVER with a termination check")

lesson.claim("NEVER stops when the assistant says TERMINATE", run.stop_reason == "termination_msg")
lesson.claim("NEVER never asks the human", run.trace.human_prompts == [])

# %% [markdown]
# ## 2. Without a termination check, only `max_consecutive_auto_reply` stops it
#
# Here the proxy never recognises the end, and the assistant keeps talking. The proxy's
# auto-reply counter counts its replies in a row; when it reaches the limit, the chat ends.

# %%
LIMIT = 3
assistant = lesson.assistant("assistant", [f"Still thinking (round {i})." for i in range(1, LIMIT + 2)])
user_proxy = autogen.UserProxyAgent(
    "user_proxy",
    human_input_mode="NEVER",
    is_termination_msg=lambda m: False,
    max_consecutive_auto_reply=LIMIT,
    code_execution_config=False,
)
with lesson.human([], mode="NEVER"):
    run = lesson.run(user_proxy, assistant, "Think about it.", title="NEVER without a termination check")

auto_replies = [m for m in run.trace.messages if m.agent == "user_proxy" and m.source == "auto_reply"]
print(f"user_proxy auto-replied {len(auto_replies)} times; the model was called {assistant.hitl_llm.call_count} times")
lesson.claim(f"it stops at max_consecutive_auto_reply={LIMIT}", run.stop_reason == "max_consecutive_auto_reply")
lesson.claim(f"the proxy auto-replied exactly {LIMIT} times", len(auto_replies) == LIMIT)
lesson.claim("the model answered once more than the proxy auto-replied", assistant.hitl_llm.call_count == LIMIT + 1)

# %% [markdown]
# ## 3. A termination check must be safe when `content` is `None`
#
# When the model calls a tool, its message has `tool_calls` and **no text**: `content` is `None`.
# AutoGen runs the proxy's `is_termination_msg` on that message too. A check written as
# `m["content"].endswith("TERMINATE")` crashes the whole chat.


# %%
def naive_is_termination_msg(message):
    return message["content"].endswith("TERMINATE")


def get_time() -> str:
    """The current time."""
    return "12:00"


def tool_chat(check, title):
    assistant = lesson.assistant("assistant", [tool_call("get_time"), "It is 12:00. TERMINATE"])
    user_proxy = autogen.UserProxyAgent(
        "user_proxy",
        human_input_mode="NEVER",
        is_termination_msg=check,
        max_consecutive_auto_reply=5,
        code_execution_config=False,
    )
    autogen.register_function(get_time, caller=assistant, executor=user_proxy, description="The current time.")
    assistant.hitl_llm.register(assistant)  # adding a tool rebuilt the assistant's model client
    with lesson.human([], mode="NEVER"):
        return lesson.run(user_proxy, assistant, "What time is it?", title=title)


try:
    tool_chat(naive_is_termination_msg, "a tool call, with the naive check")
    crashed = None
except (AttributeError, TypeError) as e:
    crashed = e
    print(f"The naive check crashed the chat: {type(e).__name__}: {e}")

run = tool_chat(is_termination_msg, "a tool call, with the None-safe check")
lesson.claim("the naive check crashes on a tool call (content is None)", crashed is not None)
lesson.claim("the None-safe check lets the tool run and the chat finish", run.stop_reason == "termination_msg")
lesson.claim(
    "the tool's result went back to the model",
    any(m.source == "tool_result" and "12:00" in m.content for m in run.trace.messages),
)

# %% [markdown]
# ## Summary
#
# - NEVER never asks a person; it stops on a termination message or at `max_consecutive_auto_reply`.
# - Without a termination check, the limit is the only brake: set it on purpose.
# - Write `is_termination_msg` on `message.get("content") or ""`: tool and function calls carry no text.
#
# ## Exercises
#
# 1. Write your own `my_is_termination_msg` below: true exactly when the text ends with
#    `TERMINATE`, never crashing on a message without text. Run the check cell.
# 2. In section 2, predict how many messages the chat holds with `LIMIT = 5`, then change it and run.
# 3. Give the proxy `default_auto_reply="Please continue."` in section 2. What does the model see now?
#    (Hint: `assistant.hitl_llm.calls[-1].messages`.)


# %%
def my_is_termination_msg(message):
    # Your answer here. This starter is the naive version: the check below shows what it misses.
    return message["content"].endswith("TERMINATE")


print(check_is_termination_msg(my_is_termination_msg))
