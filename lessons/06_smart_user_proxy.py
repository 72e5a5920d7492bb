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
# # Lesson 06 — Context-aware auto-replies without losing the controls
#
# A NEVER- or TERMINATE-mode proxy answers the assistant with `default_auto_reply`, an empty string
# unless you set it. Models stall on that: "Should I add a chart?" gets silence. So people want the
# proxy to answer *in context*: a question gets "use your best judgment", anything else goes on.
#
# A common way to do it subclasses `UserProxyAgent` and overrides `generate_reply`. Section 1 runs
# it and shows what it switches off: termination, the auto-reply limit, the human and code
# execution. Section 2 shows why. Section 3 does it the way AutoGen invites, a reply function
# registered with `register_reply`, and section 4 shows `hitl_modes.SmartUserProxy`, the same idea
# packaged with rules you can configure.
#
# Every chat cell is plain AutoGen (section 4 adds this toolkit's `SmartUserProxy`). Lines that start
# with `course.` are this course's: `course.script(...)` says what the offline model answers and
# what the scripted human types, `course.check(...)` checks what the lesson says. Delete them and
# the cell still runs against your model, with you typing.

# %% [markdown]
# ### Running this lesson, and being the human
#
# In a terminal: `.venv/bin/hitl-modes lesson 6` (add `--live` for a real model: it reads the same
# `OPENAI_API_KEY` as the cell below). As a notebook: in JupyterLab started with `make lab`, kernel
# **Python 3 (ipykernel)**.
#
# A scripted human answers by default, so every claim is checked. To type the human's part yourself,
# add `--human console` in a terminal; in a notebook, run `%env HITL_HUMAN=console` in a new cell
# above the setup cell, then run from there. Before each chat the course prints what the script
# would answer. At a TERMINATE prompt, Enter ends the chat, text is feedback, `exit` stops it.
#
# - After an Enter, AutoGen prints `>>>>>>>> NO HUMAN INPUT RECEIVED.` in red. It is not an error: it
#   notes that you typed nothing, and AutoGen then does what Enter means at that prompt.
# - To stop the whole lesson, interrupt it (the notebook's ■ *Interrupt the kernel* button, or Ctrl-C
#   in a terminal): it stops with one line saying so. `%env HITL_HUMAN=script`, then the setup cell
#   again, brings the scripted human back.

# %%
from hitl_modes.course.session import Course  # the course's (first: it quiets flaml's "automl" warning)

import os
import tempfile

import autogen

from hitl_modes import AutoReplyRule, SmartUserProxy
from hitl_modes.course.exercises.lesson06 import check_auto_reply_rules

course = Course.setup(6, "Context-aware auto-replies")

config_list = [{"model": os.environ.get("OPENAI_MODEL", "gpt-4o-mini"), "api_key": os.environ["OPENAI_API_KEY"]}]
llm_config = {"config_list": config_list, "cache_seed": None}  # cache_seed=None: ask the model every time

# %% [markdown]
# ## 1. The common override of `generate_reply`, and what it breaks
#
# It looks reasonable: read the last message, answer a question one way and anything else another.
# The proxy gets the settings a careful user gives it: TERMINATE mode (ask me at the end), a
# termination check, at most 3 auto-replies in a row, and code execution in a temporary folder.
# Nothing in the override can end the chat, so `max_turns=5` is its safety net. The assistant sends
# code, asks a question, then says TERMINATE.


# %%
class CannedReplyProxy(autogen.UserProxyAgent):
    """The common override. Do not use: see below."""

    def generate_reply(self, messages=None, sender=None, **kwargs):
        last = (messages or self.chat_messages[sender])[-1]
        if "?" in (last.get("content") or ""):
            return "Use your best judgment and continue."
        return "Please continue."


def is_termination_msg(message):
    return (message.get("content") or "").rstrip().endswith("TERMINATE")


proxy_settings = dict(
    human_input_mode="TERMINATE",
    max_consecutive_auto_reply=3,
    is_termination_msg=is_termination_msg,
    code_execution_config={"work_dir": tempfile.mkdtemp(prefix="lesson06-"), "use_docker": False},
)
TASK = "Compute 6 x 7 with Python."
CODE = "I'll compute it:\n```python\nprint(6 * 7)\n```"
course.script(model=[CODE, "Should I add a chart as well?", *["All done. TERMINATE"] * 3])

assistant = autogen.AssistantAgent("assistant", llm_config=llm_config)
user_proxy = CannedReplyProxy("user_proxy", **proxy_settings)
result = user_proxy.initiate_chat(assistant, message=TASK, max_turns=5)

# %% [markdown]
# `result.chat_history` is the chat from the proxy's side; `result.human_input` is what a person
# typed. Read what the proxy said after its task:

# %%
said = [m["content"] for m in result.chat_history if m["name"] == "user_proxy"][1:]
print(f"the proxy said: {said}; human_input={result.human_input}")
answered_end = result.chat_history[5]["content"] == "All done. TERMINATE" and len(said) == 4
course.check("termination and the limit are gone: it answered TERMINATE; 4 auto-replies in a row", answered_end)
course.check("code execution is gone: the code got 'Please continue.', not its output", said[0] == "Please continue.")
course.check("the human is gone: TERMINATE mode never asked anyone", result.human_input == [])

# %% [markdown]
# ## 2. Why: `generate_reply` walks the reply chain
#
# AutoGen's `generate_reply` tries the agent's reply functions in order and returns the first final
# answer; only when none answers does it send `default_auto_reply`. Termination, the auto-reply
# limit and the human all live in `check_termination_and_human_reply`, which runs first; code
# execution is another link. Overriding `generate_reply` throws the whole chain away. Here is the
# chain of a new proxy with section 1's settings, which the override never reads (async twins left
# out; `_reply_func_list` is AutoGen's own list):

# %%
fresh = autogen.UserProxyAgent("user_proxy", **proxy_settings)
chain = [f["reply_func"].__name__ for f in fresh._reply_func_list if not f["reply_func"].__name__.startswith("a_")]
print(" -> ".join(chain), "-> default_auto_reply")
course.check("the human and the limits are the chain's first link", chain[0] == "check_termination_and_human_reply")

# %% [markdown]
# ## 3. The AutoGen way: a reply function at the end of the chain
#
# `register_reply(trigger, reply_func, position)` adds a link. A reply function gets the agent, the
# messages and the sender, and returns `(final, reply)`: `(True, text)` answers, `(False, None)`
# passes on. `position=0` (the default) puts it first, *before* the termination and human check; we
# put it last, so it speaks only where `default_auto_reply` would have. Same settings, same model.


# %%
def answer_in_context(recipient, messages, sender, config):
    if "?" in (messages[-1].get("content") or ""):
        return True, "Use your best judgment and continue."
    return False, None  # not final: the chain goes on to default_auto_reply


course.script(model=[CODE, "Should I add a chart as well?", "All done. TERMINATE"], human=[""])

user_proxy = autogen.UserProxyAgent("user_proxy", **proxy_settings)
user_proxy.register_reply([autogen.Agent, None], answer_in_context, position=len(user_proxy._reply_func_list))
result = user_proxy.initiate_chat(assistant, message=TASK, max_turns=5)

# %%
said = [m["content"] for m in result.chat_history if m["name"] == "user_proxy"][1:]
print(f"the proxy said: {said}; human_input={result.human_input}")
kept = said[0].startswith("exitcode: 0") and said[1] == "Use your best judgment and continue."
course.check("code execution is kept, then the reply function answered the question", kept)
course.check("the human and termination are kept: asked at TERMINATE, Enter ended it", result.human_input == [""])

# %% [markdown]
# To change where a *person's* answer comes from (a queue, a web page), `ConversableAgent`'s
# docstring invites you to override `get_human_input` instead: it is called from inside
# `check_termination_and_human_reply`, so the chain stays whole (the lesson on async input does it).
#
# ## 4. `hitl_modes.SmartUserProxy`: the same idea, packaged
#
# `SmartUserProxy` is a `UserProxyAgent` with the same constructor that registers one reply function
# last in the chain, as in section 3. Its rules are data: a question gets "Use your best judgment
# and continue."; a message without code gets a nudge to finish or say TERMINATE.

# %%
course.script(model=[CODE, "Should I add a chart as well?", "All done. TERMINATE"], human=[""])

user_proxy = SmartUserProxy("user_proxy", **proxy_settings)
print(user_proxy.describe_rules())
result = user_proxy.initiate_chat(assistant, message=TASK, max_turns=5)

# %%
said = [m["content"] for m in result.chat_history if m["name"] == "user_proxy"][1:]
print(f"the proxy said: {said}; human_input={result.human_input}; summary={result.summary!r}")
kept = said[0].startswith("exitcode: 0") and "judgment" in said[1] and result.human_input == [""]
course.check("it keeps code execution and the human, and answers the question", kept)

# %% [markdown]
# ### 4a. Your own rules, and the auto-reply limit
#
# `user_proxy.auto_reply_rules` is a list of `AutoReplyRule(name, when, reply)`, tried in order; the
# first whose `when(last_message)` holds gives the reply. When none holds, AutoGen's
# `default_auto_reply` is sent as before. Whatever the rules say, termination, the limit, the human
# and code execution run first. Here a rule placed first answers a stuck model; a model that never
# finishes then gets the nudge, but only up to `max_consecutive_auto_reply`: in NEVER mode the proxy
# then ends the chat, with no `max_turns` needed.

# %%
stuck = AutoReplyRule("stuck", lambda m: "can't" in (m.get("content") or ""), "Try a different approach.")
course.script(model=["I can't open the file.", "Still working.", "Almost there."])

user_proxy = SmartUserProxy(
    "user_proxy",
    human_input_mode="NEVER",
    max_consecutive_auto_reply=2,
    is_termination_msg=is_termination_msg,
    code_execution_config=False,
)
user_proxy.auto_reply_rules = [stuck, *SmartUserProxy.DEFAULT_AUTO_REPLY_RULES]
result = user_proxy.initiate_chat(assistant, message="Read data.csv and tidy it up.")

# %%
seen = [m["content"] for m in assistant.chat_messages[user_proxy]]  # the chat from the assistant's side
print(f"the assistant saw: {seen}")
nudge = user_proxy.auto_reply_rules[-1].reply
first_rule_then_limit = seen[2::2] == ["Try a different approach.", nudge] and len(seen) == 6
course.check("the custom rule answered first, then the nudge; the limit of 2 ended it", first_rule_then_limit)

# %% [markdown]
# ## Summary
#
# - Overriding `generate_reply` replaces AutoGen's whole reply chain: no termination, no auto-reply
#   limit, no human, no code execution. Only `max_turns` stops it.
# - Extend the chain instead: `register_reply` with a reply function at the end, so it answers only
#   where `default_auto_reply` would. To change where a person's answers come from, override
#   `get_human_input`.
# - `hitl_modes.SmartUserProxy` packages that reply function, with `UserProxyAgent`'s arguments and
#   rules (`AutoReplyRule(name, when, reply)`) tried in order.
#
# ## Exercises
#
# 1. Write `my_rules` so that a permission question ("Shall I ...?", "May I ...?", "Should I ...?")
#    gets a reply containing "go ahead", while other questions and plain messages are answered as
#    before. Run the check: it tries your rules on a real `SmartUserProxy`.
# 2. In section 3, make the assistant's last message "All done. Anything else? TERMINATE", add one
#    more "All done. TERMINATE" to the model script, and register `answer_in_context` with the
#    default `position=0`. Predict who answers that message, then run and read `said` and
#    `result.human_input`.
# 3. In section 1, give `CannedReplyProxy` `max_turns=None` and the model script
#    `["Still here."] * 100`. What stops the chat now, after how many messages? (Lesson 04.)


# %%
my_rules = [
    # Your answer here: an AutoReplyRule for permission questions, in the right place.
    *SmartUserProxy.DEFAULT_AUTO_REPLY_RULES,
]

print(check_auto_reply_rules(my_rules))
