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
# # Lesson 03 — `human_input_mode="ALWAYS"`: a human on every turn
#
# With `human_input_mode="ALWAYS"` the proxy asks a person before **every** reply it sends, with
# one prompt: *"Replying as user_proxy. Provide feedback to assistant. Press enter to skip and use
# auto-reply, or type 'exit' to end the conversation"*. What the person types decides the reply:
#
# | the person types | at an ordinary message | at a termination message |
# |---|---|---|
# | Enter | the proxy sends its auto-reply (1) | the chat ends (2) |
# | any other text | that text is the reply (2) | that text is the reply: the chat goes on (2) |
# | `exit` | the chat ends (4) | the chat ends (1) |
#
# The number in each cell is the section whose chat runs it. ALWAYS is the mode for a person who
# reviews each step, or who steps in for a model (section 3). It is also `UserProxyAgent`'s
# default (section 4), and the mode that hangs a server or a CI job, where nobody is there to
# answer (section 5, and how to fail fast).
#
# Every chat cell is plain AutoGen; the lines that start with `course.` are this course's:
# `course.script(...)` says what the offline model answers and what the scripted person types
# (`""` is Enter), and `course.check(...)` checks what the lesson says. Delete them and the cell
# still runs against your model, with you typing.

# %% [markdown]
# ### Running this lesson, and being the human
#
# In a terminal: `.venv/bin/hitl-modes lesson 3` (add `--live` for a real model: it reads the same
# `OPENAI_API_KEY` as the cell below). As a notebook: in JupyterLab started with `make lab`, kernel
# **Python 3 (ipykernel)**. Offline, the course points `OPENAI_API_KEY` and `OPENAI_BASE_URL` at a
# scripted model server on your own machine, so the `config_list` below is the one you would write.
#
# A scripted person answers by default, so every claim is checked. To answer yourself, add
# `--human console` in a terminal; in a notebook, run `%env HITL_HUMAN=console` in a new cell above
# the setup cell, then run the notebook from there. Before each chat the course prints what the
# script would answer; press Enter, type a reply, or type `exit` (the claims are then checked on
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
import sys

import autogen

from hitl_modes.course.exercises.lesson03 import check_always_replies, check_server_proxy

course = Course.setup(3, "ALWAYS: a human on every turn")

config_list = [{"model": os.environ.get("OPENAI_MODEL", "gpt-4o-mini"), "api_key": os.environ["OPENAI_API_KEY"]}]
llm_config = {"config_list": config_list, "cache_seed": None}  # cache_seed=None: ask the model every time


def is_termination_msg(message):
    return (message.get("content") or "").rstrip().endswith("TERMINATE")


# %% [markdown]
# ## 1. Enter sends the auto-reply, and `exit` ends the chat
#
# The person presses Enter twice, then types `exit` at the final answer. Each Enter lets the proxy
# send its `default_auto_reply`. The proxy also has `max_consecutive_auto_reply=1`: ALWAYS asks on
# every turn anyway, so that limit never stops it.

# %%
course.script(model=["Outline: new API.", "Draft: 2.0 brings a new API.", "Final. TERMINATE"], human=["", "", "exit"])

assistant = autogen.AssistantAgent("assistant", llm_config=llm_config)
user_proxy = autogen.UserProxyAgent(
    "user_proxy",
    human_input_mode="ALWAYS",
    is_termination_msg=is_termination_msg,
    max_consecutive_auto_reply=1,
    default_auto_reply="Please continue.",
    code_execution_config=False,
)
result = user_proxy.initiate_chat(assistant, message="Write the release notes for version 2.0.")

# %%
history = [m["content"] for m in result.chat_history]
print(f"human_input={result.human_input}\n{history}")
asked_every_time = len(result.human_input) == len(history[1::2]) and result.human_input[-1:] == ["exit"]
two_in_a_row = history.count("Please continue.") == 2  # the limit of 1 did not stop it
as_the_table_says = asked_every_time and two_in_a_row
course.check("asked at every message; Enter auto-replied (twice in a row); 'exit' ended it", as_the_table_says)

# %% [markdown]
# ## 2. Text replaces the auto-reply; Enter on a termination message ends the chat
#
# Now the person corrects the first draft, and answers the final answer (which says TERMINATE)
# with one more request: text is the reply wherever it is typed, so the chat goes on. Enter on the
# next termination message ends the chat, although the prompt still says "Press enter to skip and
# use auto-reply". What the model received is in `assistant.chat_messages[user_proxy]`.

# %%
CORRECTION, DATE = "Write it in prose, not bullet points.", "Add the release date, 1 May."
course.script(model=["- new API", "2.0: a new API. TERMINATE", "1 May: 2.0. TERMINATE"], human=[CORRECTION, DATE, ""])

assistant = autogen.AssistantAgent("assistant", llm_config=llm_config)
user_proxy = autogen.UserProxyAgent(
    "user_proxy",
    human_input_mode="ALWAYS",
    is_termination_msg=is_termination_msg,
    default_auto_reply="Please continue.",
    code_execution_config=False,
)
result = user_proxy.initiate_chat(assistant, message="Write the release notes for version 2.0.")

# %%
for message in assistant.chat_messages[user_proxy]:
    print(f"{message['role']:>9}: {message['content']}")
received = [m["content"] for m in assistant.chat_messages[user_proxy] if m["role"] == "user"]
replaced = received[1:] == [CORRECTION, DATE] and "Please continue." not in received
went_on_then_ended = result.human_input == [CORRECTION, DATE, ""] and len(result.chat_history) == 6
course.check("both replies were sent instead of an auto-reply", replaced)
course.check("text at a termination message went on; Enter at the next one ended it", went_on_then_ended)

# %% [markdown]
# ## 3. On an agent with a model, the person steps in for the model
#
# `human_input_mode` is a setting of every agent, not only of a proxy. On an `AssistantAgent`,
# ALWAYS asks the person before **the model** answers: Enter lets the model answer (that is this
# agent's auto-reply), and text is sent instead of the model's answer. Here a translator, and a
# NEVER proxy that sends it a second sentence as its auto-reply; `max_turns=2` stops the chat.
# The person answers the translator, not the chat's initiator, so `result.human_input` (the
# initiator's record) stays empty: read what happened in `result.chat_history`.

# %%
TYPED = "Merci, c'est tout."
course.script(model=["Bonjour ! Je suis ravi de vous aider."], human=["", TYPED])

translator = autogen.AssistantAgent(
    "translator",
    llm_config=llm_config,
    system_message="Translate what you are given into French.",
    human_input_mode="ALWAYS",
)
user_proxy = autogen.UserProxyAgent(
    "user_proxy",
    human_input_mode="NEVER",
    default_auto_reply="Thank you, that is all.",
    code_execution_config=False,
)
result = user_proxy.initiate_chat(translator, message="Hello! I am happy to help you.", max_turns=2)

# %%
said = [m["content"] for m in result.chat_history if m["name"] == "translator"]
print(f"the translator said: {said}; human_input={result.human_input}")
course.check("Enter let the model answer; the typed text was sent instead of the model's answer", said[1:] == [TYPED])

# %% [markdown]
# ## 4. Each class has its own default: `UserProxyAgent` is ALWAYS
#
# | class | default `human_input_mode` |
# |---|---|
# | `UserProxyAgent` | `"ALWAYS"`: it stands for a person |
# | `ConversableAgent` | `"TERMINATE"` |
# | `AssistantAgent`, `GroupChatManager` | `"NEVER"` |
#
# Read them from agents built without the argument:

# %%
defaults = {
    "UserProxyAgent": autogen.UserProxyAgent("user_proxy", code_execution_config=False).human_input_mode,
    "ConversableAgent": autogen.ConversableAgent("agent", llm_config=False).human_input_mode,
    "AssistantAgent": autogen.AssistantAgent("assistant", llm_config=llm_config).human_input_mode,
    "GroupChatManager": autogen.GroupChatManager(autogen.GroupChat(agents=[], messages=[])).human_input_mode,
}
print(defaults)
table = {
    "UserProxyAgent": "ALWAYS",
    "ConversableAgent": "TERMINATE",
    "AssistantAgent": "NEVER",
    "GroupChatManager": "NEVER",
}
course.check("each class's default is the table's", defaults == table)

# %% [markdown]
# So a proxy built without `human_input_mode`, as a server or a script often builds it, is an
# ALWAYS chat: it asks a person at its first reply. Here the person types `exit` there.

# %%
course.script(model=["Summary: the login page times out after 30 s."], human=["exit"])

assistant = autogen.AssistantAgent("assistant", llm_config=llm_config)
user_proxy = autogen.UserProxyAgent(  # no human_input_mode
    "user_proxy", is_termination_msg=is_termination_msg, code_execution_config=False
)
result = user_proxy.initiate_chat(assistant, message="Summarise ticket 4521.")

# %%
print(f"human_input_mode={user_proxy.human_input_mode!r}; human_input={result.human_input}")
exit_at_once = result.human_input == ["exit"] and len(result.chat_history) == 2
course.check("the proxy without a mode asked at its first reply, and 'exit' ended the chat", exit_at_once)

# %% [markdown]
# The other way round: a **person as a player**, with no model and no code execution, is
# `ConversableAgent(..., llm_config=False, human_input_mode="ALWAYS")` (its class default is
# TERMINATE). Started without a `message`, it asks the person for the first one too (AutoGen's
# prompt for it is a bare `>`).

# %%
course.script(model=["Which city?", "Lisbon, then. TERMINATE"], human=["Plan a weekend trip.", "Lisbon", ""])

person = autogen.ConversableAgent(
    "person", llm_config=False, human_input_mode="ALWAYS", is_termination_msg=is_termination_msg
)
assistant = autogen.AssistantAgent("assistant", llm_config=llm_config)
result = person.initiate_chat(assistant)  # no message: the person types the first one

# %%
typed = [m["content"] for m in result.chat_history if m["name"] == "person"]
print(f"the person sent: {typed}; human_input={result.human_input}")
course.check("every message the person agent sent was typed, the first one too", typed == result.human_input[:-1])

# %% [markdown]
# ## 5. Why ALWAYS hangs a server or CI, and how to fail fast
#
# AutoGen asks through `input()` (its `IOStream`), which waits until a line arrives on stdin. Where
# nobody can type, that goes wrong in one of three ways:
#
# - **stdin is open but nobody writes to it**, as for a service started by a supervisor, in
#   `docker run -i`, or a web handler that runs a chat: `input()` waits **forever**. The request
#   hangs, the worker is lost, and nothing says why.
# - **stdin is closed**, as in most CI runners or `python script.py < /dev/null`: `input()` raises
#   `EOFError` in the middle of the chat, after the model has already been called (and paid for).
# - **a Jupyter kernel run by nbclient** (how notebooks run in CI) disables stdin: `input()` raises
#   `StdinNotImplementedError`.
#
# TERMINATE has the same problem at its prompts; only NEVER never asks. Below is a handler a server
# would run; `check_first=True` checks for a person **before the chat starts**. The course runs it
# in a process of its own with nobody at stdin (`course.run_in_child`): stdin open, then closed.


# %%
def handle_request(message, check_first=False):
    """A web handler, a cron job, a CI step: nobody watches this chat. It imports what it uses."""
    import os
    import sys

    import autogen

    config_list = [{"model": os.environ.get("OPENAI_MODEL", "gpt-4o-mini"), "api_key": os.environ["OPENAI_API_KEY"]}]
    assistant = autogen.AssistantAgent("assistant", llm_config={"config_list": config_list, "cache_seed": None})
    user_proxy = autogen.UserProxyAgent("user_proxy", human_input_mode="ALWAYS", code_execution_config=False)
    if check_first and user_proxy.human_input_mode != "NEVER" and not sys.stdin.isatty():
        raise RuntimeError(f"{user_proxy.name} asks a person ({user_proxy.human_input_mode}); nobody is at stdin")
    return user_proxy.initiate_chat(assistant, message=message)


course.script(model=["Draft 1 of the release notes."] * 2)
waited, crashed = course.run_in_child(handle_request, "Write the release notes.", wait_for="Provide feedback").values()
refused = course.run_in_child(handle_request, "Write the release notes.", True, wait_for="Provide feedback").values()

# %% [markdown]
# `course.run_in_child` printed what each process did, and returns it: `stdout` is AutoGen's printout
# (the model's answer appears as `assistant (to user_proxy):`), `error` the last line of stderr.

# %%
course.check("stdin open: it sat at the prompt (we stopped it)", waited.still_waiting)
course.check("stdin closed: crashed after the model answered", "(to user" in crashed.stdout and "EOF" in crashed.error)
course.check("checked first: refused before the chat, no prompt, no model call", not any(r.stdout for r in refused))

# %% [markdown]
# `sys.stdin.isatty()` is the right check for a server's process. In a notebook it is not: a
# kernel's stdin is never a terminal, yet JupyterLab answers `input()` in a box under the cell
# (and nbclient, in CI, cannot). This toolkit's `require_interactive_human(mode)`, which
# `--human console` runs before each chat, knows both, and says what to do instead. Here:

# %%
print(f"sys.stdin.isatty(): {sys.stdin.isatty()}")

# %% [markdown]
# ## Summary
#
# - ALWAYS asks a person before every reply. Enter sends the auto-reply, text replaces it, `exit`
#   ends the chat, and Enter on a termination message ends it too, whatever the prompt says.
# - `max_consecutive_auto_reply` does not limit ALWAYS: the person is the limit.
# - On an agent with a model, ALWAYS lets a person step in for the model: Enter lets the model
#   answer, text is sent instead. `result.human_input` holds only the initiator's person's answers.
# - Default modes: `UserProxyAgent` ALWAYS, `ConversableAgent` TERMINATE, `AssistantAgent` and
#   `GroupChatManager` NEVER. A proxy built without `human_input_mode` asks a person. A person as a
#   player is `ConversableAgent(name, llm_config=False, human_input_mode="ALWAYS")`.
# - With nobody at stdin, `input()` waits forever (open stdin), crashes mid-chat (closed stdin), or
#   raises `StdinNotImplementedError` (nbclient). Check before the chat starts, and use NEVER
#   where nobody can answer.
#
# ## Exercises
#
# 1. An ALWAYS chat brings two drafts and a final answer (ending in TERMINATE). Write
#    `my_replies` so that draft 1 passes with the auto-reply, draft 2 gets your correction, and
#    the final answer ends the chat **without** typing `exit`.
# 2. Write `make_server_proxy()`: a `UserProxyAgent` named `user_proxy` for a web server, where
#    nobody is at stdin. It must never wait for a person, and must not execute code.
# 3. Run `.venv/bin/hitl-modes lesson 3 --human console` in a terminal and be the human. Then run
#    `.venv/bin/hitl-modes lesson 3 --human console < /dev/null`. What stops it, and when?

# %%
my_replies = ["", "exit"]  # your answer: this starter stops at draft 2

print(check_always_replies(my_replies))


# %%
def make_server_proxy():
    # Your answer here. This starter forgets the mode.
    return autogen.UserProxyAgent("user_proxy", code_execution_config=False)


print(check_server_proxy(make_server_proxy))
