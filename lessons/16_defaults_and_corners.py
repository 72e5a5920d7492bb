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
# # Lesson 16 — Defaults and corners: class defaults, the edges of the limits, the disk cache
#
# A few rules of AutoGen trip people up every week, because they are defaults nobody wrote down in
# their own code:
#
# 1. each agent class has its own default `human_input_mode`, and one of them waits on stdin;
# 2. the limits of lessons 02–04 have corners: `max_consecutive_auto_reply=0`, the *assistant's*
#    own limit under `max_turns`, and a default termination check that almost never matches;
# 3. AutoGen caches model answers on disk by default and replays them.
#
# Each one is run below on AutoGen's real agents and asserted.

# %% [markdown]
# ### Running this lesson, and being the human
#
# In a terminal: `.venv/bin/hitl-modes lesson 16`. As a notebook: in JupyterLab started with
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
import inspect
import os
import tempfile
from pathlib import Path

import autogen

import hitl_modes  # noqa: F401  first: it quiets flaml's irrelevant "automl is not available" warning
from hitl_modes import ScriptedLLM, ScriptedModelClient, tool_call
from hitl_modes.chat.compat import (
    caches_by_default,
    classic_distribution,
    disk_cache_replays,
    skips_assistant_turn_under_max_turns,
)
from hitl_modes.course.exercises.lesson16 import (
    check_cache_off,
    check_server_proxy,
    check_skipped_turn_prediction,
)
from hitl_modes.course.headless import run_headless
from hitl_modes.course.lesson import Lesson

lesson = Lesson.setup(16, "Defaults and corners: class defaults, limit corners, the disk cache")


def is_termination_msg(message):
    return (message.get("content") or "").rstrip().endswith("TERMINATE")


# %% [markdown]
# ## 1. Each class has its own default mode
#
# | class | default `human_input_mode` |
# |---|---|
# | `UserProxyAgent` | `ALWAYS`: it stands for a person |
# | `ConversableAgent` | `TERMINATE` |
# | `AssistantAgent`, `GroupChatManager` | `NEVER` |
#
# We read them from AutoGen itself: from each constructor's signature, and from agents built
# without the argument.

# %%
CLASSES = (autogen.UserProxyAgent, autogen.ConversableAgent, autogen.AssistantAgent, autogen.GroupChatManager)
declared = {cls.__name__: inspect.signature(cls.__init__).parameters["human_input_mode"].default for cls in CLASSES}
built = {
    "UserProxyAgent": autogen.UserProxyAgent("u", code_execution_config=False).human_input_mode,
    "ConversableAgent": autogen.ConversableAgent("c", llm_config=False).human_input_mode,
    "AssistantAgent": autogen.AssistantAgent("a", llm_config=False).human_input_mode,
    "GroupChatManager": autogen.GroupChatManager(autogen.GroupChat(agents=[], messages=[])).human_input_mode,
}
for name in declared:
    print(f"{name:<18} declared {declared[name]:<10} built {built[name]}")
lesson.claim(
    "UserProxyAgent defaults to ALWAYS, ConversableAgent to TERMINATE, AssistantAgent and GroupChatManager to NEVER",
    declared
    == built
    == {
        "UserProxyAgent": "ALWAYS",
        "ConversableAgent": "TERMINATE",
        "AssistantAgent": "NEVER",
        "GroupChatManager": "NEVER",
    },
)

# %% [markdown]
# So a server that builds `UserProxyAgent("user_proxy", ...)` and forgets `human_input_mode` is an
# ALWAYS chat: the first reply waits for a line on stdin that never comes (lesson 03, section 3).
# The fail-fast guard of lesson 03 fixes it whatever the mode came from: ask the agent for its mode
# and check before the chat starts.

# %%
FORGOTTEN = """
import autogen
from hitl_modes import ConsoleHuman, ScriptedLLM

llm = ScriptedLLM(["Here is the summary."])
assistant = llm.register(autogen.AssistantAgent("assistant", llm_config=llm.llm_config))
user_proxy = autogen.UserProxyAgent("user_proxy", code_execution_config=False)  # no human_input_mode
if GUARDED:
    ConsoleHuman(user_proxy.human_input_mode).start()  # lesson 03's guard
user_proxy.initiate_chat(assistant, message="Summarise the ticket.", silent=True)
"""
hung = run_headless("GUARDED = False\n" + FORGOTTEN, stdin="open", wait_for="Provide feedback to", patience=2.0)
guarded = run_headless("GUARDED = True\n" + FORGOTTEN, stdin="open", wait_for="Provide feedback to", patience=2.0)
print(f"forgotten mode: {hung}")
print(f"with the guard: {guarded}")
lesson.claim("the forgotten mode sat at the ALWAYS prompt, waiting on stdin", hung.still_waiting)
lesson.claim(
    "the guard refused at once with NoHumanAvailableError",
    guarded.returncode == 1 and guarded.error.startswith("hitl_modes.errors.NoHumanAvailableError"),
)

# %% [markdown]
# The other way round: a **pure human** in a chat is an agent with no model and no code execution
# that asks on every turn, `ConversableAgent("human", llm_config=False, human_input_mode="ALWAYS")`,
# as in AutoGen's own tutorial. Every message it sends is what the person typed (Enter sends an
# empty message: it has nothing to auto-reply with).

# %%
human_agent = autogen.ConversableAgent(
    "human", llm_config=False, human_input_mode="ALWAYS", is_termination_msg=is_termination_msg
)
assistant = lesson.assistant("assistant", ["Which city?", "Three days in Lisbon, then. TERMINATE"])
with lesson.human(["Plan a weekend trip.", "Lisbon", ""], mode="ALWAYS"):
    run = lesson.run(human_agent, assistant, None, title="a pure human")
from_human = [m for m in run.trace.messages if m.agent == "human"]
lesson.claim(
    "every message the pure human sent was typed by the person, the first one too",
    [(m.source, m.content) for m in from_human] == [("human", "Plan a weekend trip."), ("human", "Lisbon")],
)

# %% [markdown]
# ## 2. Corners of the limits
#
# ### `max_consecutive_auto_reply=0`
#
# Zero auto-replies means: never reply on your own. In TERMINATE the proxy is at its limit from the
# start, so it **asks at every turn**, and Enter does **not** send the auto-reply (even though the
# prompt says so): it sends an **empty message**. In NEVER the proxy never replies at all.

# %%
assistant = lesson.assistant("assistant", ["Draft 1.", "Draft 2.", "Final. TERMINATE"])
proxy = autogen.UserProxyAgent(
    "user_proxy",
    human_input_mode="TERMINATE",
    max_consecutive_auto_reply=0,
    default_auto_reply="Please continue.",
    is_termination_msg=is_termination_msg,
    code_execution_config=False,
)
with lesson.human(["", "Shorter.", ""], mode="TERMINATE"):
    run = lesson.run(proxy, assistant, "Write the notes.", title="TERMINATE, max_consecutive_auto_reply=0")
prompts = run.trace.of_kind("human_prompt")
proxy_replies = [m.content for m in run.trace.messages if m.agent == "user_proxy" and m.source != "task"]
lesson.claim("TERMINATE with a limit of 0 asked at every assistant message", len(prompts) == 3)
lesson.claim(
    "Enter sent an empty message, not the default_auto_reply 'Please continue.'", proxy_replies == ["", "Shorter."]
)
lesson.claim(
    "yet the prompt offered Enter as 'use auto-reply'",
    lambda: "Press enter to skip and use auto-reply" in prompts[0].content,
)

# %% [markdown]
# Lesson 03 showed that ALWAYS ignores `max_consecutive_auto_reply=1`. Zero is different there too:
# Enter then sends an empty message instead of the auto-reply, so a proposed **tool call does not
# run**: AutoGen answers it with `"USER INTERRUPTED"` (lesson 15), although the person pressed Enter.


# %%
def lookup(q: str) -> str:
    """Look something up."""
    return f"lookup result for {q}"


assistant = lesson.assistant("assistant", [tool_call("lookup", q="opening hours"), "Sorry. TERMINATE"])
proxy = autogen.UserProxyAgent(
    "user_proxy",
    human_input_mode="ALWAYS",
    max_consecutive_auto_reply=0,
    is_termination_msg=is_termination_msg,
    code_execution_config=False,
)
autogen.register_function(lookup, caller=assistant, executor=proxy, description="Look something up.")
assistant.hitl_llm.register(assistant)  # adding a tool rebuilt the assistant's model client
with lesson.human(["", ""], mode="ALWAYS"):
    run = lesson.run(proxy, assistant, "When is it open?", title="ALWAYS, max_consecutive_auto_reply=0: Enter")


def proxys_reply():
    """What the proxy answered to the tool call: the third message of the chat."""
    return proxy.chat_messages[assistant][2]


lesson.claim(
    "ALWAYS with a limit of 0: Enter on a tool call sent '' and 'USER INTERRUPTED'; the tool did not run",
    lambda: (
        proxys_reply()["content"] == ""
        and [r["content"] for r in proxys_reply()["tool_responses"]] == ["USER INTERRUPTED"]
    ),
)

# %%
assistant = lesson.assistant("assistant", ["Draft 1."])
proxy = autogen.UserProxyAgent(
    "user_proxy", human_input_mode="NEVER", max_consecutive_auto_reply=0, code_execution_config=False
)
run = lesson.run(proxy, assistant, "Write the notes.", title="NEVER, max_consecutive_auto_reply=0")
lesson.claim(
    "NEVER with a limit of 0: the proxy never replied, the chat ended after one answer",
    len(run.trace.messages) == 2 and run.stop_reason == "max_consecutive_auto_reply",
)

# %% [markdown]
# ### The assistant's own limit under `max_turns`
#
# The assistant has a `max_consecutive_auto_reply` too (default 100; lesson 04). Without
# `max_turns`, when the assistant reaches it, it does not reply and the chat ends. Under
# `max_turns`, it only **skips its turn**: its counter is reset, the proxy speaks again, **twice in
# a row**, and the chat goes on to its last turn (see ag2ai/ag2 issue 600). That is pyautogen 0.2.35
# and autogen-agentchat 0.2.40; **ag2** (0.14) ends the chat there instead, `max_turns` or not.


# %%
def capped_assistant():
    return lesson.assistant("assistant", ["Step 1.", "Step 2.", "Step 3."], max_consecutive_auto_reply=1)


def continuing_proxy():
    return autogen.UserProxyAgent(
        "user_proxy",
        human_input_mode="NEVER",
        default_auto_reply="Continue.",
        is_termination_msg=is_termination_msg,
        code_execution_config=False,
    )


assistant = capped_assistant()
run = lesson.run(continuing_proxy(), assistant, "Go.", title="assistant limit 1, no max_turns")
lesson.claim(
    "without max_turns, the assistant's limit ended the chat after its one reply",
    [m.agent for m in run.trace.messages] == ["user_proxy", "assistant", "user_proxy"],
)

assistant = capped_assistant()
run = lesson.run(continuing_proxy(), assistant, "Go.", max_turns=4, title="assistant limit 1, max_turns=4")
speakers = [m.agent for m in run.trace.messages]
print(f"speakers: {speakers}  ({classic_distribution()})")
if skips_assistant_turn_under_max_turns():  # pyautogen 0.2.35, autogen-agentchat 0.2.40
    lesson.claim(
        "under max_turns=4 the assistant skipped turns 2 and 4; the proxy spoke twice in a row",
        speakers == ["user_proxy", "assistant", "user_proxy", "user_proxy", "assistant", "user_proxy"],
    )
    lesson.claim("so 4 turns brought 2 model calls, not 4", assistant.hitl_llm.call_count == 2)
else:
    lesson.claim(
        "on ag2 the assistant's limit ends the chat under max_turns too",
        speakers == ["user_proxy", "assistant", "user_proxy"] and assistant.hitl_llm.call_count == 1,
    )

# %% [markdown]
# ### The default termination check
#
# Without `is_termination_msg`, AutoGen ends a chat only on a message whose content is **exactly**
# `"TERMINATE"`. "Done. TERMINATE", which is what models usually write, does not end it. That is why
# every lesson passes its own check.

# %%
proxy = autogen.UserProxyAgent("user_proxy", human_input_mode="NEVER", code_execution_config=False)
samples = ["TERMINATE", "Done. TERMINATE", "TERMINATE.", "TERMINATE\n", "terminate", None]
verdicts = {repr(s): proxy._is_termination_msg({"content": s}) for s in samples}
print(verdicts)
lesson.claim(
    "AutoGen's default is_termination_msg matches only the exact text 'TERMINATE'",
    [proxy._is_termination_msg({"content": s}) for s in samples] == [True, False, False, False, False, False],
)
assistant = lesson.assistant("assistant", ["Done. TERMINATE", "Really done. TERMINATE"])
proxy = autogen.UserProxyAgent(
    "user_proxy", human_input_mode="NEVER", max_consecutive_auto_reply=1, code_execution_config=False
)
run = lesson.run(proxy, assistant, "Finish up.", title="the default check and 'Done. TERMINATE'")
lesson.claim(
    "in a chat, 'Done. TERMINATE' did not end it: the auto-reply limit did",
    run.stop_reason == "max_consecutive_auto_reply" and assistant.hitl_llm.call_count == 2,
)

# %% [markdown]
# ## 3. AutoGen's disk cache replays answers
#
# In pyautogen 0.2.35 and autogen-agentchat 0.2.40, an `llm_config` without `cache_seed` caches
# every model answer on disk, under `.cache/41` **in the working directory** (41 is AutoGen's default
# seed). A later request that is identical (same config, same messages) is answered from there,
# **without calling the model**. So a rerun of a chat replays the first run's answers, and the same
# feedback in the same place gets the same old answer, even when the model would now answer
# differently (a newer model behind the same name, a temperature above 0). Nothing says so: the chat
# just runs faster and costs nothing. (**ag2** 0.14 caches only when you pass a `cache_seed` or a
# `Cache`, and its disk cache needs the optional `diskcache` package, `ag2[diskcache]`; without it,
# it warns and keeps nothing between requests.)
#
# Every other lesson turns the cache off (`ScriptedLLM.llm_config` sets `cache_seed=None`). Here
# we build the config the way a tutorial does, with no `cache_seed`, and plug the scripted model in
# with AutoGen's own `register_model_client`. Two runs of the same chat, each with a *different*
# scripted model, in a fresh working directory:


# %%
def tutorial_config(**extra):
    """An llm_config as tutorials write it: no cache_seed. The scripted model stands in for the API."""
    return {"config_list": [{"model": "scripted-llm", "model_client_cls": "ScriptedModelClient"}], **extra}


def one_run(answer, **extra):
    """One chat; returns what the assistant said and how often its own model was called."""
    llm = ScriptedLLM([answer])
    assistant = autogen.AssistantAgent("assistant", llm_config=tutorial_config(**extra))
    assistant.register_model_client(ScriptedModelClient, script=llm)
    proxy = autogen.UserProxyAgent(
        "user_proxy", human_input_mode="NEVER", is_termination_msg=is_termination_msg, code_execution_config=False
    )
    run = lesson.run(proxy, assistant, "Write a haiku about the sea.", title=f"cache: the model would say {answer!r}")
    return run.trace.messages[-1].content, llm.call_count


def cache_dirs():
    return sorted(p.name for p in Path(".cache").iterdir()) if Path(".cache").is_dir() else []


CACHES_BY_DEFAULT = caches_by_default()  # pyautogen 0.2.35 and autogen-agentchat 0.2.40; not ag2 0.14
here = os.getcwd()
work = Path(tempfile.mkdtemp(prefix="hitl-lesson16-"))
os.chdir(work)  # the cache goes to .cache/ in the working directory: keep it out of yours
try:
    first = one_run("Waves fold into foam. TERMINATE")
    after_first = cache_dirs()
    rerun = one_run("A new haiku, never seen. TERMINATE")
    if not CACHES_BY_DEFAULT:  # ag2: ask for the cache explicitly
        seeded = one_run("Salt wind, grey gulls. TERMINATE", cache_seed=41)
        seeded_rerun = one_run("Unseen words. TERMINATE", cache_seed=41)
    uncached = one_run("Fresh words for the sea. TERMINATE", cache_seed=None)
finally:
    os.chdir(here)
print(f"{classic_distribution()}\nfirst run: {first}\nrerun:     {rerun}\ncache off: {uncached}")
print(f".cache/ after the first run: {after_first}")
if CACHES_BY_DEFAULT:
    lesson.claim(
        "the first run called the model and stored its answer in .cache/41", first[1] == 1 and after_first == ["41"]
    )
    lesson.claim(
        "the rerun got the first run's answer from the cache: its own model was never called",
        rerun == ("Waves fold into foam. TERMINATE", 0),
    )
else:
    lesson.claim(
        "on ag2 nothing was cached without a cache_seed: both runs called their model",
        after_first == [] and first[1] == rerun[1] == 1,
    )
    if disk_cache_replays():
        lesson.claim(
            "with cache_seed=41 the rerun got the earlier answer from .cache/41, without calling the model",
            seeded_rerun == ("Salt wind, grey gulls. TERMINATE", 0),
        )
    else:
        lesson.claim(
            "on ag2 without the diskcache package, cache_seed=41 replays nothing: the rerun called its model",
            seeded_rerun == ("Unseen words. TERMINATE", 1),
        )
lesson.claim(
    "with cache_seed=None the model was called and its own answer used",
    uncached == ("Fresh words for the sea. TERMINATE", 1),
)

# %% [markdown]
# To turn the cache off, put `"cache_seed": None` in the `llm_config` (say it even on ag2, so the
# config means the same everywhere). To keep it but make it explicit, pass a `Cache` to the chat:
# `with autogen.Cache.disk(cache_seed=7, cache_path_root="my_cache") as cache:
# user_proxy.initiate_chat(..., cache=cache)`. Delete `.cache/` to forget every answer.
#
# ## Summary
#
# - Default modes: `UserProxyAgent` ALWAYS, `ConversableAgent` TERMINATE, `AssistantAgent` and
#   `GroupChatManager` NEVER. Set the mode explicitly, and guard with
#   `ConsoleHuman(agent.human_input_mode).start()` where nobody may be at stdin. A pure human is
#   `ConversableAgent(name, llm_config=False, human_input_mode="ALWAYS")`.
# - `max_consecutive_auto_reply=0`: TERMINATE asks at every turn and Enter sends an empty message
#   (in ALWAYS too, so Enter no longer runs a tool call); NEVER never replies.
# - Under `max_turns`, an assistant at its own limit skips its turn and the proxy speaks twice
#   (ag2 0.14 ends the chat there).
# - The default `is_termination_msg` matches only the exact text `"TERMINATE"`: pass your own.
# - Without `cache_seed`, answers are cached in `.cache/41` and replayed (not on ag2 0.14);
#   `"cache_seed": None` turns that off.
#
# ## Exercises
#
# 1. Write `make_server_proxy()`: a `UserProxyAgent` named `user_proxy` for a web server, where
#    nobody is at stdin. It must never wait for a person, and must not execute code.
# 2. A `NEVER` proxy with `default_auto_reply="Continue."` and an assistant with
#    `max_consecutive_auto_reply=2` chat for `max_turns=5`. Predict who sends each message:
#    write `my_speakers`, a list of `"user_proxy"` and `"assistant"`.
# 3. Write `my_llm_config(config_list)`: the `llm_config` for that config list with the disk cache
#    off.


# %%
def make_server_proxy():
    # Your answer here. This starter forgets the mode.
    return autogen.UserProxyAgent("user_proxy", code_execution_config=False)


print(check_server_proxy(make_server_proxy))

# %%
my_speakers = ["user_proxy", "assistant"] * 5  # your answer: this starter forgets the skipped turns

print(check_skipped_turn_prediction(my_speakers))


# %%
def my_llm_config(config_list):
    # Your answer here. This starter leaves AutoGen's default cache on.
    return {"config_list": config_list}


print(check_cache_off(my_llm_config))
