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
# # Lesson 04 — `max_turns` vs `max_consecutive_auto_reply`
#
# AutoGen has two limits that look alike and are not:
#
# | | `max_consecutive_auto_reply` | `max_turns` |
# |---|---|---|
# | set on | each **agent**: the proxy and the assistant too (section 4) | one **`initiate_chat(...)` call** |
# | counts | that agent's auto-replies *in a row* (section 2) | turns: one message and its answer (section 1) |
# | reset by | a reply the person types, not Enter (section 2) | nothing: it ends the chat (section 1) |
# | when reached | NEVER stops (3), TERMINATE asks (2), ALWAYS ignores it (1) | the chat ends, nobody is asked (1) |
# | set to 0 | NEVER never replies, TERMINATE asks at every message (section 5) | |
#
# The sections run each row on AutoGen's real agents, then show which limit binds when several
# are set (section 3) and why you want both (section 6). As in lesson 01, every chat cell is plain
# AutoGen; the `course.` lines set up the offline run and check what the lesson says.

# %% [markdown]
# ### Running this lesson, and being the human
#
# In a terminal: `.venv/bin/hitl-modes lesson 4` (add `--live` for a real model: it reads the same
# `OPENAI_API_KEY` as the cell below). As a notebook: in JupyterLab started with `make lab`, kernel
# **Python 3 (ipykernel)**.
#
# A scripted human answers by default. To type the human's part yourself, add `--human console` in a
# terminal; in a notebook, run `%env HITL_HUMAN=console` in a new cell above the setup cell, then
# run the notebook from there. Before each chat the course prints what the script would answer:
# press Enter, type feedback, or type `exit`.
#
# - After an Enter, AutoGen prints `>>>>>>>> NO HUMAN INPUT RECEIVED.` in red: not an error, just
#   a note that you typed nothing.
# - `exit` ends the chat that waits for you, and the lesson goes on. To stop the whole lesson,
#   interrupt it (the notebook's ■ *Interrupt the kernel* button, or Ctrl-C in a terminal).

# %%
from hitl_modes.course.session import Course  # the course's (first: it quiets flaml's "automl" warning)

import os

import autogen

from hitl_modes.course.exercises.lesson04 import SKIPS_TURNS, check_predict_stop, check_skipped_turn_prediction

course = Course.setup(4, "max_turns vs max_consecutive_auto_reply")

config_list = [{"model": os.environ.get("OPENAI_MODEL", "gpt-4o-mini"), "api_key": os.environ["OPENAI_API_KEY"]}]
llm_config = {"config_list": config_list, "cache_seed": None}  # cache_seed=None: ask the model every time


def is_termination_msg(message):
    return "TERMINATE" in (message.get("content") or "")


# %% [markdown]
# ## 1. `max_turns=N`: 2N messages, and the last turn never asks
#
# With `max_turns`, `initiate_chat` runs a loop of N turns: the proxy sends, the assistant answers.
# After the N-th answer the loop ends: the proxy never looks at that last message. So an ALWAYS
# proxy, which asks the person before each of its replies, asks only **N-1** times. This proxy also
# has `max_consecutive_auto_reply=1`, and the person presses Enter twice: two auto-replies in a row.
# ALWAYS ignores the limit.

# %%
N = 3
course.script(model=["Draft 1: a list of steps.", "Draft 2: with an example.", "Draft 3: final."], human=["", ""])

assistant = autogen.AssistantAgent("assistant", llm_config=llm_config, system_message="Improve your draft each turn.")
user_proxy = autogen.UserProxyAgent(
    "user_proxy",
    human_input_mode="ALWAYS",
    max_consecutive_auto_reply=1,
    default_auto_reply="Please continue.",
    is_termination_msg=is_termination_msg,
    code_execution_config=False,
)
result = user_proxy.initiate_chat(assistant, message="Explain how to brew tea.", max_turns=N)

# %%
proxy_said = [m["content"] for m in result.chat_history if m["name"] == "user_proxy"]
print(f"{len(result.chat_history)} messages; human_input={result.human_input}; the proxy said {proxy_said}")
course.check(f"max_turns={N} gave 2N = {2 * N} messages", len(result.chat_history) == 2 * N)
course.check(f"ALWAYS asked N-1 = {N - 1} times: never after the last answer", len(result.human_input) == N - 1)
course.check("ALWAYS ignored its limit of 1: two auto-replies in a row", proxy_said[1:] == ["Please continue."] * 2)

# %% [markdown]
# ## 2. A typed reply resets the counter; Enter does not
#
# A TERMINATE proxy auto-replies until it has done so `max_consecutive_auto_reply` times in a row,
# then asks the person. **Text** is sent as the proxy's reply and resets the counter: two more
# auto-replies before the next question. **Enter** sends the auto-reply, which counts: the proxy
# is still at its limit and asks again at the very next message. (Lesson 02 is about this mode.)

# %%
course.script(model=[f"Step {i} of the migration." for i in range(1, 8)], human=["Rollback first.", "", "exit"])

assistant = autogen.AssistantAgent("assistant", llm_config=llm_config)
user_proxy = autogen.UserProxyAgent(
    "user_proxy",
    human_input_mode="TERMINATE",
    max_consecutive_auto_reply=2,
    default_auto_reply="Please continue.",
    is_termination_msg=is_termination_msg,
    code_execution_config=False,
)
result = user_proxy.initiate_chat(assistant, message="Plan the database migration.")

# %%
replies = [m["content"] for m in result.chat_history if m["name"] == "user_proxy"][1:]
print(f"human_input={result.human_input}\nthe proxy's replies: {replies}")
auto, text = "Please continue.", "Rollback first."
course.check("text reset the count (2 more auto-replies); Enter not", replies == [auto, auto, text, auto, auto, auto])

# %% [markdown]
# ## 3. Which limit binds? A grid of chats
#
# Each row below is one chat: a NEVER proxy with a `max_consecutive_auto_reply`, a `max_turns`
# (`None`: not passed), and an assistant whose reply number K says TERMINATE. The assistant here is
# no model: a Python function registered with AutoGen's `register_reply` answers "Step 1.",
# "Step 2.", ... The grid is about AutoGen's loop, so it runs the same offline and live, at no cost.
# (A function registered this way runs before the agent's own checks, so this assistant has no
# limit of its own; that is the proxy's job here.)
#
# Predict each row before you read its last two columns.


# %%
def step_by_step(terminate_at):
    replies = (f"Step {i}." + (" TERMINATE" if i == terminate_at else "") for i in range(1, 100))
    return lambda recipient, messages, sender, config: (True, next(replies))


def limit_chat(max_turns, max_consecutive_auto_reply, terminate_at):
    assistant = autogen.ConversableAgent("assistant", llm_config=False)
    assistant.register_reply([autogen.Agent, None], step_by_step(terminate_at))
    user_proxy = autogen.UserProxyAgent(
        "user_proxy",
        human_input_mode="NEVER",
        max_consecutive_auto_reply=max_consecutive_auto_reply,
        is_termination_msg=is_termination_msg,
        code_execution_config=False,
    )
    return user_proxy.initiate_chat(assistant, message="Count the steps.", max_turns=max_turns)


course.script(draw=False)  # no model, no person: the course records the grid's chats, drawing none
grid = {}
for n in (None, 4, 8):
    for m in (3, 10):
        for k in (None, 4):
            grid[n, m, k] = limit_chat(max_turns=n, max_consecutive_auto_reply=m, terminate_at=k)
stopped_by = {}  # AutoGen does not say which check ended a chat; the course watched, and says:
stopped_by.update(zip(grid, (run.stop_reason for run in course.runs[-len(grid) :])))

print("max_turns  max_consecutive_auto_reply  TERMINATE at reply  messages  stopped by")
for (n, m, k), result in grid.items():
    print(f"{n!s:>9}  {m:>26}  {k!s:>18}  {len(result.chat_history):>8}  {stopped_by.get((n, m, k))}")

# %% [markdown]
# The chat ends at whichever comes first: the N-th answer (`max_turns`), the answer that finds
# the proxy's counter at its limit (answer `max_consecutive_auto_reply + 1`), or the TERMINATE
# answer. **Ties** are decided by AutoGen's code: `max_turns` wins, because its last answer is
# never checked; and the proxy checks its counter *before* the termination message, so in row
# (None, 3, 4) the TERMINATE is not what ended the chat.

# %%
course.check("max_turns wins a tie with the proxy's limit (4 turns, limit 3)", stopped_by[4, 3, None] == "max_turns")
course.check("the proxy's limit is checked before TERMINATE", stopped_by[None, 3, 4] == "max_consecutive_auto_reply")
course.check("a TERMINATE before both limits ends the chat", stopped_by[8, 10, 4] == "termination_msg")

# %% [markdown]
# ## 4. The assistant has a limit too
#
# An `AssistantAgent` has its own `max_consecutive_auto_reply` (100 by default), and every model
# answer is one of its auto-replies. Here it is 1, while the proxy allows 50. Without `max_turns`
# the assistant's limit ends the chat: at its limit it does not answer. Under `max_turns` it only
# **skips its turn**: its counter resets, the proxy speaks again, **twice in a row**, and the chat
# goes on to its last turn (ag2ai/ag2 issue 600: so in pyautogen 0.2.35 and autogen-agentchat
# 0.2.40; ag2 0.14 ends the chat there instead).


# %%
def capped_chat(max_turns):
    assistant = autogen.AssistantAgent("assistant", llm_config=llm_config, max_consecutive_auto_reply=1)
    user_proxy = autogen.UserProxyAgent(
        "user_proxy",
        human_input_mode="NEVER",
        max_consecutive_auto_reply=50,
        default_auto_reply="Continue.",
        is_termination_msg=is_termination_msg,
        code_execution_config=False,
    )
    return user_proxy.initiate_chat(assistant, message="Go.", max_turns=max_turns)


course.script(model=["Step 1."] + (["Step 1.", "Step 2."] if SKIPS_TURNS else ["Step 1."]))  # 2 chats
alone = capped_chat(max_turns=None)
under = capped_chat(max_turns=4)

# %%
print(
    "an AssistantAgent's own limit by default:",
    autogen.AssistantAgent("a", llm_config=llm_config).max_consecutive_auto_reply(),
)
speakers = [m["name"] for m in under.chat_history]
print(f"without max_turns: {[m['name'] for m in alone.chat_history]}\nmax_turns=4:       {speakers}")
course.check("without max_turns, the assistant's limit ended the chat after one answer", len(alone.chat_history) == 3)
twice = ["user_proxy", "assistant", "user_proxy", "user_proxy", "assistant", "user_proxy"]
course.check("max_turns=4: it skipped turns 2, 4 (ag2: ended it)", speakers == (twice if SKIPS_TURNS else twice[:3]))

# %% [markdown]
# ## 5. `max_consecutive_auto_reply=0`
#
# Zero auto-replies means: never reply on your own. A TERMINATE proxy is at its limit from the
# start, so it **asks at every message**, and there Enter does **not** send the
# `default_auto_reply` (although the prompt says "use auto-reply"): it sends an **empty message**.
# A NEVER proxy never replies at all: the chat ends after the first answer.

# %%
course.script(model=["Draft 1.", "Draft 2.", "Final. TERMINATE", "Draft 1."], human=["", "Shorter.", ""])  # 2 chats

assistant = autogen.AssistantAgent("assistant", llm_config=llm_config)
user_proxy = autogen.UserProxyAgent(
    "user_proxy",
    human_input_mode="TERMINATE",
    max_consecutive_auto_reply=0,
    default_auto_reply="Please continue.",
    is_termination_msg=is_termination_msg,
    code_execution_config=False,
)
result = user_proxy.initiate_chat(assistant, message="Write the notes.")

never = autogen.UserProxyAgent(
    "never", human_input_mode="NEVER", max_consecutive_auto_reply=0, code_execution_config=False
)
never_result = never.initiate_chat(assistant, message="Write the notes.")

# %%
proxy_said = [m["content"] for m in result.chat_history if m["name"] == "user_proxy"][1:]
print(f"TERMINATE, limit 0: human_input={result.human_input}, the proxy's replies {proxy_said}")
course.check("TERMINATE, limit 0: asked at all 3 answers", len(result.human_input) == 3)
course.check("there Enter sent an empty message, not the default_auto_reply", proxy_said == ["", "Shorter."])
course.check("NEVER with a limit of 0 never replied: task and one answer", len(never_result.chat_history) == 2)

# %% [markdown]
# ## 6. Defence in depth: use both
#
# Each limit has a blind spot, and a real runaway walks through it:
#
# - **A person who only presses Enter** (or a UI that times out with an empty answer). At its limit
#   a TERMINATE proxy only *asks*; Enter sends the auto-reply and does not reset the counter, so it
#   asks and goes on, again and again. `max_consecutive_auto_reply` alone never stops it.
# - **A chat started without `max_turns`**: a retry path, a nested chat, another agent starting the
#   conversation. `max_turns` belongs to one `initiate_chat` call; the limit travels with the agent.
#
# Each runaway meets three guards below. A stand-in assistant like section 3's has a budget of 20
# answers: a chat that spends it all is a runaway (a real one goes on to the assistant's limit of
# 100, paying for every answer).


# %%
def runaway_chat(human_input_mode, max_turns, max_consecutive_auto_reply):
    replies = (f"Plan, version {i}." for i in range(1, 21))
    assistant = autogen.ConversableAgent("assistant", llm_config=False)
    assistant.register_reply([autogen.Agent, None], lambda *args, **kwargs: (True, next(replies, None)))
    user_proxy = autogen.UserProxyAgent(
        "user_proxy",
        human_input_mode=human_input_mode,
        max_consecutive_auto_reply=max_consecutive_auto_reply,
        code_execution_config=False,
    )
    return user_proxy.initiate_chat(assistant, message="Improve the plan.", max_turns=max_turns)


GUARDS = {"max_turns=6 only": (6, None), "limit 3 only": (None, 3), "both": (6, 3)}
course.script(human=[""] * 19, draw=False)  # Enter 17 times for the limit alone, twice for both; no model
enter_presser = {guard: runaway_chat("TERMINATE", max_turns, limit) for guard, (max_turns, limit) in GUARDS.items()}
# The code that starts this chat never passes max_turns:
started_without = {guard: runaway_chat("NEVER", None, limit) for guard, (_, limit) in GUARDS.items()}


def runaway(result):
    return sum(m["name"] == "assistant" for m in result.chat_history) == 20


def outcome(result):
    return "RUNAWAY" if runaway(result) else f"{len(result.chat_history)} messages"


RUNAWAYS = {"a person who only presses Enter": enter_presser, "a chat started without max_turns": started_without}
print(f"{'':34}" + "".join(f"{guard:>20}" for guard in GUARDS))
for name, chats in RUNAWAYS.items():
    print(f"{name:34}" + "".join(f"{outcome(chats[guard]):>20}" for guard in GUARDS))

# %%
course.check("the limit alone does not stop a person who only presses Enter", runaway(enter_presser["limit 3 only"]))
course.check("max_turns alone does not stop a chat started without it", runaway(started_without["max_turns=6 only"]))
course.check("with both, every runaway stops", not any(runaway(chats["both"]) for chats in RUNAWAYS.values()))

# %% [markdown]
# ## Summary
#
# - `max_consecutive_auto_reply` is per agent and counts its auto-replies in a row; a typed reply
#   resets it, Enter does not. `max_turns` is per `initiate_chat` call and counts turns.
# - `max_turns=N` gives 2N messages, and its last turn never asks (ALWAYS asks N-1 times). ALWAYS
#   ignores `max_consecutive_auto_reply`.
# - The chat ends at the first limit reached. On a tie `max_turns` wins, and the proxy's limit is
#   checked before the termination message.
# - The assistant has its own limit (100 by default). Under `max_turns`, at that limit it skips its
#   turn and the proxy speaks twice (ag2 0.14 ends the chat).
# - `max_consecutive_auto_reply=0`: TERMINATE asks at every message and Enter sends an empty
#   message; NEVER never replies.
# - Each limit has a blind spot: set both.
#
# ## Exercises
#
# 1. Write `my_predict_stop(max_turns, max_consecutive_auto_reply, terminate_at)` for a chat like
#    the grid's: return `(reason, messages)`, where `reason` is `"max_turns"`,
#    `"max_consecutive_auto_reply"` or `"termination_msg"`, and `messages` counts the whole history,
#    task included. `max_turns` and `terminate_at` may be `None`. The check runs 48 chats (ties
#    included) with a NEVER proxy like the grid's and an `AssistantAgent` whose scripted model says
#    "Step 1.", "Step 2.", ... (`run_limit_experiment` in `hitl_modes/course/limits.py`).
# 2. Section 4's proxy chats with an assistant whose `max_consecutive_auto_reply=2`, for
#    `max_turns=5`. Predict who sends each message: write `my_speakers`, a list of `"user_proxy"`
#    and `"assistant"`.
# 3. In section 5, give the proxy `human_input_mode="ALWAYS"` and the assistant a tool to call
#    (lesson 01, section 3). What does Enter do to the tool call with a limit of 0, and with 1?


# %%
def my_predict_stop(max_turns, max_consecutive_auto_reply, terminate_at):
    # Your answer here. This starter knows only about max_turns: the check shows what it misses.
    return "max_turns", 2 * max_turns


print(check_predict_stop(my_predict_stop))

# %%
my_speakers = ["user_proxy", "assistant"] * 5  # your answer: this starter forgets the skipped turns

print(check_skipped_turn_prediction(my_speakers))
