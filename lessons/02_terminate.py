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
# # Lesson 02 — `human_input_mode="TERMINATE"`: supervised automation
#
# A `UserProxyAgent` with `human_input_mode="TERMINATE"` auto-replies like NEVER (lesson 01), but
# where NEVER would stop on its own, it asks a person first, in two places:
#
# 1. at a termination message (the proxy's `is_termination_msg` is true), and
# 2. when the proxy has auto-replied `max_consecutive_auto_reply` times in a row.
#
# What the person types means different things in each place:
#
# | asked at... | Enter | any other text | `exit` |
# |---|---|---|---|
# | a termination message | ends the chat (1) | sent to the assistant as feedback (2) | ends the chat (2) |
# | the auto-reply limit | the proxy auto-replies, the chat goes on (3) | sent as feedback (4) | ends the chat (3) |
#
# The number in each cell is the section whose chat runs it. Every chat cell is plain AutoGen; the
# lines that start with `course.` are this course's: `course.script(...)` says what the offline
# model answers and what the scripted person types (`""` is Enter), and `course.check(...)` checks
# what the lesson says. Delete them and the cell still runs against your model, with you typing.

# %% [markdown]
# ### Running this lesson, and being the human
#
# In a terminal: `.venv/bin/hitl-modes lesson 2` (add `--live` for a real model: it reads the same
# `OPENAI_API_KEY` as the cell below). As a notebook: in JupyterLab started with `make lab`, kernel
# **Python 3 (ipykernel)**. Offline, the course points `OPENAI_API_KEY` and `OPENAI_BASE_URL` at a
# scripted model server on your own machine, so the `config_list` below is the one you would write.
#
# A scripted person answers by default, so every claim is checked. To answer yourself, add
# `--human console` in a terminal; in a notebook, run `%env HITL_HUMAN=console` in a new cell above
# the setup cell, then run the notebook from there. Before each chat the course prints what the
# script would answer; press Enter, type feedback, or type `exit` (the claims are then checked on
# your run, ✓ or ✗).
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

from hitl_modes.course.exercises.lesson02 import PREDICT_SCENARIO, check_feedback_once, check_predicted_prompts

course = Course.setup(2, "TERMINATE: supervised automation")

config_list = [{"model": os.environ.get("OPENAI_MODEL", "gpt-4o-mini"), "api_key": os.environ["OPENAI_API_KEY"]}]
llm_config = {"config_list": config_list, "cache_seed": None}  # cache_seed=None: ask the model every time


def is_termination_msg(message):
    return (message.get("content") or "").rstrip().endswith("TERMINATE")


# %% [markdown]
# ## 1. It asks at a termination message, and Enter ends the chat
#
# The assistant answers and says TERMINATE. A NEVER proxy would stop right there; this one asks:
# *"Please give feedback to assistant. Press enter or type 'exit' to stop the conversation"*. The
# proxy's `default_auto_reply="Please continue."` makes its auto-replies easy to spot later
# (AutoGen's default is an empty message).

# %%
course.script(model=["Old pond / a frog jumps in / the sound of water. TERMINATE"], human=[""])

assistant = autogen.AssistantAgent(
    "assistant",
    llm_config=llm_config,
    system_message="Write what is asked. Say TERMINATE at the end of your final answer.",
)
user_proxy = autogen.UserProxyAgent(
    "user_proxy",
    human_input_mode="TERMINATE",
    is_termination_msg=is_termination_msg,
    max_consecutive_auto_reply=10,
    default_auto_reply="Please continue.",
    code_execution_config=False,
)
result = user_proxy.initiate_chat(assistant, message="Write a haiku about an old pond.")

# %% [markdown]
# `result.human_input` lists every answer the person gave, in order: an Enter is `''`.

# %%
print(f"{len(result.chat_history)} messages; human_input={result.human_input}")
ended_at_once = result.human_input == [""] and len(result.chat_history) == 2
course.check("Enter ended the chat", ended_at_once)

# %% [markdown]
# ## 2. Text is feedback, and `exit` ends the chat
#
# At the same prompt, text is not a command: AutoGen sends it to the assistant as the proxy's
# reply, and the chat goes on. At the next termination message the person types `exit`.
#
# What the model received is in the assistant's own record of the chat,
# `assistant.chat_messages[user_proxy]`: there the proxy's messages have the role `user`, as the
# model sees them (`result.chat_history` is the same chat seen from the proxy's side).

# %%
FEEDBACK = "Drop the title and the footnote."
course.script(model=["'The Pond': Old pond. [1] Basho. TERMINATE", "Old pond. TERMINATE"], human=[FEEDBACK, "exit"])

assistant = autogen.AssistantAgent(
    "assistant",
    llm_config=llm_config,
    system_message="Write what is asked. Say TERMINATE at the end of your final answer.",
)
user_proxy = autogen.UserProxyAgent(
    "user_proxy",
    human_input_mode="TERMINATE",
    is_termination_msg=is_termination_msg,
    max_consecutive_auto_reply=10,
    default_auto_reply="Please continue.",
    code_execution_config=False,
)
result = user_proxy.initiate_chat(assistant, message="Write a haiku about an old pond.")

# %%
for message in assistant.chat_messages[user_proxy]:
    print(f"{message['role']:>9}: {message['content']}")
model_got_it = {"content": FEEDBACK, "role": "user", "name": "user_proxy"} in assistant.chat_messages[user_proxy]
exit_ended_it = result.human_input == [FEEDBACK, "exit"] and len(result.chat_history) == 4
course.check("the feedback reached the model as the user's message", model_got_it)
course.check("'exit' at the next termination message ended the chat", exit_ended_it)

# %% [markdown]
# ## 3. It also asks at the auto-reply limit, where Enter means "auto-reply"
#
# Here the assistant never says TERMINATE. A NEVER proxy would stop after `max_consecutive_auto_reply`
# auto-replies (lesson 01, section 2). A TERMINATE proxy asks the person instead, with a different
# prompt: *"Press enter to skip and use auto-reply, or type 'exit' to stop the conversation"*. Enter
# there does **not** end the chat: the proxy sends its auto-reply and the chat goes on. And the
# proxy asks again at the very next message: the next section says why.

# %%
LIMIT = 2
course.script(model=[f"Step {i} of the migration." for i in range(1, 5)], human=["", "exit"])

assistant = autogen.AssistantAgent("assistant", llm_config=llm_config)
user_proxy = autogen.UserProxyAgent(
    "user_proxy",
    human_input_mode="TERMINATE",
    is_termination_msg=is_termination_msg,
    max_consecutive_auto_reply=LIMIT,
    default_auto_reply="Please continue.",
    code_execution_config=False,
)
result = user_proxy.initiate_chat(assistant, message="Plan the database migration, one step per message.")

# %% [markdown]
# The first `LIMIT` auto-replies were the proxy's own; the person's Enter sent one more. The model
# answered once more (step 4), and the proxy asked again at once: `exit` ended the chat there.

# %%
history = [m["content"] for m in result.chat_history]
print(f"human_input={result.human_input}")
print(history)
asked = len(result.human_input) > 0 and not any(map(is_termination_msg, result.chat_history))
enters = result.human_input.count("")
one_each = history.count("Please continue.") == LIMIT + enters and len(history) == 2 * (LIMIT + enters + 1)
course.check("with no termination message at all, the proxy asked the person", asked)
course.check("each Enter sent one auto-reply, and the proxy asked again at the next message", one_each)

# %% [markdown]
# ## 4. Feedback resets the counter, Enter does not
#
# `max_consecutive_auto_reply` bounds how many replies the proxy sends **in a row without a
# person**. AutoGen counts them per partner:
#
# - **Feedback** is a person taking part. AutoGen sets the counter back to 0, so the proxy may
#   again auto-reply `LIMIT` times on its own before it asks.
# - **Enter** is the person saying "let the proxy answer for me". What goes out is still an
#   auto-reply, so it counts: the counter stays at or over the limit, and the proxy asks before
#   every further auto-reply. Enter approves one auto-reply; feedback starts a new run of them.
#
# The same chat as section 3, but the person answers the limit prompt with a correction.

# %%
FIX = "Use the new schema name, billing_v2."
course.script(model=[f"Step {i} of the migration." for i in range(1, 7)], human=[FIX, "exit"])

assistant = autogen.AssistantAgent("assistant", llm_config=llm_config)
user_proxy = autogen.UserProxyAgent(
    "user_proxy",
    human_input_mode="TERMINATE",
    is_termination_msg=is_termination_msg,
    max_consecutive_auto_reply=LIMIT,
    default_auto_reply="Please continue.",
    code_execution_config=False,
)
result = user_proxy.initiate_chat(assistant, message="Plan the database migration, one step per message.")

# %%
history = [m["content"] for m in result.chat_history]
after_fix = history[history.index(FIX) + 1 :] if FIX in history else []
print(f"after the feedback: {after_fix}")
model_got_it = {"content": FIX, "role": "user", "name": "user_proxy"} in assistant.chat_messages[user_proxy]
course.check("the model received the correction as the user's message", model_got_it)
reset = after_fix.count("Please continue.") == LIMIT
course.check(f"after it, the proxy auto-replied {LIMIT} times on its own, then asked", reset)

# %% [markdown]
# ## 5. Both at once: the prompt's wording says what Enter does
#
# When the proxy reaches its limit **on** a termination message, AutoGen asks once, with the
# termination wording (*"Press enter or type 'exit' to stop the conversation"*), and Enter ends the
# chat. Read the prompt: it names what Enter will do.

# %%
course.script(model=["Step 1 of the migration.", "Migration complete. TERMINATE"], human=[""])

assistant = autogen.AssistantAgent("assistant", llm_config=llm_config)
user_proxy = autogen.UserProxyAgent(
    "user_proxy",
    human_input_mode="TERMINATE",
    is_termination_msg=is_termination_msg,
    max_consecutive_auto_reply=1,
    default_auto_reply="Please continue.",
    code_execution_config=False,
)
result = user_proxy.initiate_chat(assistant, message="Plan the database migration, one step per message.")

# %%
print(f"human_input={result.human_input}; the last message: {result.chat_history[-1]['content']!r}")
enter_ended_it = result.human_input == [""] and len(result.chat_history) == 4
course.check("at the limit on a termination message, Enter ended the chat", enter_ended_it)

# %% [markdown]
# ## Summary
#
# - TERMINATE auto-replies like NEVER, and asks a person where NEVER would stop: at a termination
#   message (Enter ends the chat, text is sent to the assistant as feedback, `exit` ends it) and at
#   the auto-reply limit (Enter sends the auto-reply and the chat goes on).
# - The limit bounds replies sent without a person. Feedback is a person, so it resets the counter;
#   Enter lets the proxy reply for you, that reply counts, and the proxy asks again at the next message.
# - At the limit on a termination message, AutoGen asks with the termination prompt, and Enter ends
#   the chat: the prompt's wording says what Enter does.
# - `result.human_input` holds what the person typed; `assistant.chat_messages[user_proxy]` holds
#   what the model received.
#
# ## Exercises
#
# 1. Write `my_replies`, the person's answers for a TERMINATE chat in which every draft of a poem
#    ends with TERMINATE: give feedback once, then end the chat at the next draft.
#    `check_feedback_once` runs that chat with your replies.
# 2. For the chat printed below, predict why the person is asked, prompt by prompt: a list of
#    `"termination_msg"` and `"max_consecutive_auto_reply"`. Then run the check.
# 3. In section 3's `course.script(...)` line, let the person answer `["", "", "exit"]` and give
#    the model five steps (`range(1, 6)`). First predict how many `"Please continue."` messages
#    `result.chat_history` will hold; then run the section's cells.

# %%
my_replies = [""]  # your answer: this starter ends the chat before any feedback

print(check_feedback_once(my_replies))

# %%
print(PREDICT_SCENARIO)
my_prediction = []  # your answer: one reason per time the human is asked, in order

print(check_predicted_prompts(my_prediction))
