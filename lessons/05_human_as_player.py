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
# # Lesson 05 — The human as a player: AutoGen's own tutorial game
#
# So far the person has mostly reviewed: a `UserProxyAgent` asks them about a model's work.
# AutoGen's own tutorial chapter on human input, "Allowing Human Feedback in Agents", also puts the
# person **in the game**. It plays guess-my-number three ways, and this lesson runs its setup:
#
# | section | who guesses | who answers for `agent_with_number`, a model holding 53 |
# |---|---|---|
# | 1 | `agent_guess_number`, a model (`NEVER`) | its model (`NEVER`) |
# | 2 | you: `human_proxy`, `llm_config=False`, `ALWAYS` | its model (`NEVER`) |
# | 3 | `agent_guess_number`, a model (`NEVER`) | its model, or you (`TERMINATE`, `max_consecutive_auto_reply=1`) |
#
# `human_input_mode` is a setting of every `ConversableAgent`, not only of a `UserProxyAgent`: on an
# agent with a model, the person stands between the incoming message and the model. Section 4 runs
# one more default the tutorial's `llm_config` carries: AutoGen's disk cache.
#
# As in lesson 01, every chat cell is plain AutoGen; the `course.` lines set up the offline run
# (`model=[...]` lists what the models say, in the order they speak) and check what the lesson says.

# %% [markdown]
# ### Running this lesson, and being the human
#
# In a terminal: `.venv/bin/hitl-modes lesson 5` (add `--live` for a real model: it reads the same
# `OPENAI_API_KEY` as the cell below). As a notebook: in JupyterLab started with `make lab`, kernel
# **Python 3 (ipykernel)**.
#
# A scripted human answers by default. To play yourself, add `--human console` in a
# terminal; in a notebook, run `%env HITL_HUMAN=console` in a new cell above the setup cell, then
# run the notebook from there. Before each chat the course prints what the script would answer:
# type a guess or a hint, press Enter, or type `exit`.
#
# - After an Enter, AutoGen prints `>>>>>>>> NO HUMAN INPUT RECEIVED.` in red: not an error, just
#   a note that you typed nothing.
# - `exit` ends the chat that waits for you, and the lesson goes on. To stop the whole lesson,
#   interrupt it (the notebook's ■ *Interrupt the kernel* button, or Ctrl-C in a terminal).

# %%
from hitl_modes.course.session import Course  # the course's (first: it quiets flaml's "automl" warning)

import os
import tempfile

import autogen

from hitl_modes.course.exercises.lesson05 import CACHES_BY_DEFAULT, check_cache_off, check_stepping_in

course = Course.setup(5, "The human as a player: AutoGen's own tutorial game")

config_list = [{"model": os.environ.get("OPENAI_MODEL", "gpt-4o-mini"), "api_key": os.environ["OPENAI_API_KEY"]}]
llm_config = {"config_list": config_list, "cache_seed": None}  # cache_seed=None: ask the model every time (section 4)

# %% [markdown]
# ## 1. Two models play: `NEVER`
#
# The tutorial's setup, with the `llm_config` above: `agent_with_number` holds 53 and ends the
# game when a message it receives contains "53" (its own `is_termination_msg`, made safe for a
# message without text as in lesson 01). Nobody is asked anything.

# %%
course.script(model=["Is it 50?", "Too low.", "Is it 75?", "Too high.", "Is it 53?"])  # the two models, in turn

agent_with_number = autogen.ConversableAgent(
    "agent_with_number",
    system_message="You are playing a game of guess-my-number. You have the "
    "number 53 in your mind, and I will try to guess it. "
    "If I guess too high, say 'too high', if I guess too low, say 'too low'. ",
    llm_config=llm_config,
    is_termination_msg=lambda msg: "53" in (msg.get("content") or ""),  # terminate if the number is guessed
    human_input_mode="NEVER",  # never ask for human input
)
agent_guess_number = autogen.ConversableAgent(
    "agent_guess_number",
    system_message="I have a number in my mind, and you will try to guess it. "
    "If I say 'too high', you should guess a lower number. If I say 'too low', "
    "you should guess a higher number. ",
    llm_config=llm_config,
    human_input_mode="NEVER",
)
result = agent_with_number.initiate_chat(agent_guess_number, message="I have a number between 1 and 100. Guess it!")

# %%
last = result.chat_history[-1]["content"]
print(f"{len(result.chat_history)} messages, the last {last!r}; human_input={result.human_input}")
course.check("the game ended at the guess that says 53, and nobody was asked", "53" in last and not result.human_input)

# %% [markdown]
# ## 2. You guess: a pure human agent in `ALWAYS`
#
# `human_proxy` has no model (`llm_config=False`) and no code execution, and asks at every turn:
# every message it sends is what the person typed, its opening guess being the chat's `message`.
# It plays against the same `agent_with_number`. With nothing to auto-reply with, Enter sends an
# **empty message** (its `default_auto_reply`, `""`).

# %%
course.script(model=["Too low.", "Too high.", "Guess a number between 1 and 100."], human=["79", "", "53"])

human_proxy = autogen.ConversableAgent(
    "human_proxy",
    llm_config=False,  # no LLM used for human proxy
    human_input_mode="ALWAYS",  # always ask for human input
)
# Start a chat with the agent with number with an initial guess.
result = human_proxy.initiate_chat(
    agent_with_number,  # this is the same agent with the number as before
    message="10",
)

# %%
guesses = [m["content"] for m in result.chat_history if m["name"] == "human_proxy"]
print(f"the guesses: {guesses}; human_input={result.human_input}")
course.check("every message human_proxy sent was typed, after the opening '10'", guesses == ["10", *result.human_input])
course.check("Enter sent an empty message: a pure human has nothing to auto-reply with", "" in guesses)

# %% [markdown]
# ## 3. You stand behind the model: `TERMINATE` on a model-backed agent
#
# Now `agent_with_number` keeps its model, and a person stands behind it in `TERMINATE` mode with
# `max_consecutive_auto_reply=1`: after each answer of its own (an auto-reply, from the model)
# the person is asked at the next guess. At 75 the person presses **Enter**: the model answers
# (AutoGen prints `USING AUTO REPLY`), and the counter is not reset, so the person is asked again
# at 60. There they type a hint: **text** replaces the model's answer (the model is not asked) and
# resets the counter. The guess that says 53 is a termination message, which asks too: Enter ends
# the game.

# %%
course.script(  # the two models in turn; the person behind agent_with_number
    model=["Is it 50?", "Too low.", "Is it 75?", "Too high.", "Is it 60?", "Is it 53?"],
    human=["", "It is too high my friend.", ""],
)

agent_with_number = autogen.ConversableAgent(
    "agent_with_number",
    system_message="You are playing a game of guess-my-number. You have the "
    "number 53 in your mind, and I will try to guess it. "
    "If I guess too high, say 'too high', if I guess too low, say 'too low'. ",
    llm_config=llm_config,
    max_consecutive_auto_reply=1,  # maximum number of consecutive auto-replies before asking for human input
    is_termination_msg=lambda msg: "53" in (msg.get("content") or ""),
    human_input_mode="TERMINATE",  # ask for human input until the game is terminated
)
result = agent_with_number.initiate_chat(agent_guess_number, message="I have a number between 1 and 100. Guess it!")

# %%
host = [m["content"] for m in result.chat_history if m["name"] == "agent_with_number"][1:]
print(f"agent_with_number answered {host}\nhuman_input={result.human_input}")
typed = [text for text in result.human_input if text]
course.check("the person's text went out as agent_with_number's answer, word for word", all(t in host for t in typed))
course.check("the model gave the other 2 answers, at the Enter too: none is empty", "" not in host and len(host) == 3)

# %% [markdown]
# ## 4. The tutorial's `llm_config` caches answers on disk
#
# The tutorial writes `llm_config={"config_list": [...]}`, with no `cache_seed`. In pyautogen
# 0.2.35 and autogen-agentchat 0.2.40 that means `cache_seed=41`: every answer is cached on disk,
# under `.cache/41` **in the working directory**, and a later request that is identical (same
# config, same messages) is answered from there **without calling the model**. So a rerun of a
# chat replays the first run's answers, even when the model would now answer differently, and
# nothing says so. `"cache_seed": None` turns it off; that is why every lesson's `llm_config` says
# it. (ag2 0.14 caches only when you pass a `cache_seed`.) Three chats in a fresh folder:


# %%
def haiku(llm_config):
    assistant = autogen.AssistantAgent("assistant", llm_config=llm_config)
    user_proxy = autogen.UserProxyAgent(
        "user_proxy", human_input_mode="NEVER", max_consecutive_auto_reply=0, code_execution_config=False
    )
    return user_proxy.initiate_chat(assistant, message="Write a haiku about the sea.")


course.script(model=["Waves fold into foam.", *([] if CACHES_BY_DEFAULT else ["New words."]), "Salt wind, grey gulls."])

here = os.getcwd()
os.chdir(tempfile.mkdtemp())  # the cache goes to .cache/ in the working directory: keep it out of yours
first = haiku({"config_list": config_list})  # as the tutorial writes it
rerun = haiku({"config_list": config_list})
fresh = haiku({"config_list": config_list, "cache_seed": None})
print(f".cache/ holds {os.listdir('.cache') if os.path.isdir('.cache') else 'nothing'}")
os.chdir(here)


# %%
def models_asked(chat):  # AutoGen's cost, without what the cache answered
    return [model for model in chat.cost["usage_excluding_cached_inference"] if model != "total_cost"]


for name, chat in {"first": first, "rerun": rerun, "cache_seed=None": fresh}.items():
    print(f"{name:>15}: {chat.summary!r}, models asked: {models_asked(chat)}")
replayed = rerun.summary == first.summary and models_asked(rerun) == []
course.check("the rerun replayed the first answer, asking no model (ag2 0.14: no cache)", replayed == CACHES_BY_DEFAULT)
course.check("cache_seed=None: the model answered anew", models_asked(fresh) != [] and fresh.summary != first.summary)

# %% [markdown]
# To keep a cache but say so, pass one to the chat: `with autogen.Cache.disk(cache_seed=7) as
# cache: user_proxy.initiate_chat(..., cache=cache)`. Delete `.cache/` to forget every answer.
#
# ## Summary
#
# - `human_input_mode` belongs to every `ConversableAgent`. On an agent with a model, the person
#   steps in for the model: Enter lets the model answer, text replaces its answer and resets the
#   auto-reply counter (in `TERMINATE`, asked at the limit and at a termination message).
# - A pure human player is `ConversableAgent(name, llm_config=False, human_input_mode="ALWAYS")`:
#   every message it sends is typed, and Enter sends an empty message.
# - The game ends by the other agent's `is_termination_msg`: write it for text that may be missing.
# - Without `cache_seed`, pyautogen caches answers in `.cache/41` and replays them;
#   `"cache_seed": None` turns that off.
#
# ## Exercises
#
# 1. Write `make_agent_with_number(llm_config)`: section 3's agent, but the person is asked at
#    **every** guess, and Enter still lets the model answer. The check plays three guesses against
#    it with a scripted model and person (Enter, a hint, Enter at 53).
# 2. Write `my_llm_config(config_list)`: the `llm_config` for that config list with the disk cache
#    off.
# 3. Play section 2 yourself (`.venv/bin/hitl-modes lesson 5 --human console`) and type `exit`
#    instead of a guess. What do `result.human_input` and the last message of `result.chat_history`
#    hold?


# %%
def make_agent_with_number(llm_config):
    # Your answer here. This starter is section 3's agent: the person is asked at every other guess.
    return autogen.ConversableAgent(
        "agent_with_number",
        system_message="You have the number 53 in your mind. Say 'too high' or 'too low' to each guess.",
        llm_config=llm_config,
        max_consecutive_auto_reply=1,
        is_termination_msg=lambda msg: "53" in (msg.get("content") or ""),
        human_input_mode="TERMINATE",
    )


print(check_stepping_in(make_agent_with_number))


# %%
def my_llm_config(config_list):
    # Your answer here. This starter leaves AutoGen's default cache on.
    return {"config_list": config_list}


print(check_cache_off(my_llm_config))
