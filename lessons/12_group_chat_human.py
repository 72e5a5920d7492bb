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
# # Lesson 12 — A human in a group chat
#
# In a group chat, AutoGen's `GroupChatManager` runs the conversation: it posts each message to
# every member, picks who speaks next (`speaker_selection_method`), and asks that member for a
# reply. A person takes part as a `UserProxyAgent` member. This lesson shows what that member's
# `human_input_mode` means inside a group, which settings of the manager and the group matter, and
# why a group chat stops.
#
# | the human member's mode | when it is selected to speak |
# |---|---|
# | `ALWAYS` | the person is asked; Enter posts the member's `default_auto_reply` (**empty** by default) |
# | `TERMINATE` | the person is asked only on a termination message or at the member's own limit |
# | `NEVER` | never asks: posts its `default_auto_reply` (empty by default) |
# | any | `exit` typed at its prompt ends **the whole group chat** |
#
# The models are scripted behind a real socket (`ScriptedModelServer`): the manager's "auto"
# speaker selection asks a model from an agent AutoGen builds internally, which only a server
# reaches. Each agent's `llm_config` names its script: `models.llm_config("writer")`.

# %% [markdown]
# ### Running this lesson, and being the human
#
# In a terminal: `.venv/bin/hitl-modes lesson 12`. As a notebook: in JupyterLab started with
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

import autogen

import hitl_modes  # noqa: F401  first: it quiets flaml's irrelevant "automl is not available" warning
from hitl_modes.course.exercises.lesson12 import check_group_feedback, check_group_setup
from hitl_modes.course.lesson import Lesson

lesson = Lesson.setup(12, "A human in a group chat")

TASK = "Write the release notes for version 2.0."
ASK_BOSS = (
    "Replying as boss. Provide feedback to chat_manager. Press enter to skip and use auto-reply, "
    "or type 'exit' to end the conversation: "
)


def team(models, *, method="round_robin", max_round=10, manager=None, **boss_settings):
    """boss (the person), writer and critic, in that order; the manager runs them."""
    boss = autogen.UserProxyAgent("boss", code_execution_config=False, **boss_settings)
    writer = autogen.AssistantAgent("writer", llm_config=models.llm_config("writer"))
    critic = autogen.AssistantAgent("critic", llm_config=models.llm_config("critic"))
    group = autogen.GroupChat([boss, writer, critic], messages=[], max_round=max_round, speaker_selection_method=method)
    return boss, autogen.GroupChatManager(group, llm_config=models.llm_config("selector"), **(manager or {}))


def speakers(run):
    return [m.agent for m in run.trace.messages]


def contents(run):
    return [m.content for m in run.trace.messages]


# %% [markdown]
# ## 1. The person is asked only when the member is selected; Enter posts an empty message
#
# Round robin: boss (who sends the task), writer, critic, boss, ... The person behind `boss`
# (`ALWAYS`) presses Enter the first time and types `exit` the second time.

# %%
models = lesson.models(
    {
        "writer": ["Draft 1: a new API.", "Draft 2: a new API and a faster start-up."],
        "critic": ["Mention the start-up time.", "Good now."],
        "selector": [],
    }
)
with models, lesson.human(["", "exit"], mode="ALWAYS"):
    boss, manager = team(models, human_input_mode="ALWAYS")
    run = lesson.run_group(boss, manager, TASK, title="boss ALWAYS: Enter, then exit")

prompts = run.trace.of_kind("human_prompt")
lesson.claim(
    "the person was asked only on boss's turns (the 4th and 7th), not at every message",
    speakers(run) == ["boss", "writer", "critic", "boss", "writer", "critic"] and len(prompts) == 2,
)
lesson.claim(
    "the prompt is on boss's lane, and it names the manager, not the agent whose message it answers",
    all(p.agent == "boss" and p.content == ASK_BOSS for p in prompts),
)
lesson.claim(
    "Enter posted an empty message (boss's default_auto_reply) to the group",
    run.trace.messages[3].agent == "boss" and run.trace.messages[3].content == "",
)
lesson.claim(
    "every member got it: the writer's next model call included boss's empty message",
    lambda: {"role": "user", "name": "boss", "content": ""} in models.route("writer").calls[1].messages,
)
lesson.claim(
    "'exit' at boss's prompt ended the whole group chat, long before max_round=10",
    run.trace.stop.reason == "human_exit" and run.trace.stop.agent == "boss" and len(run.trace.messages) == 6,
)

# %% [markdown]
# The timeline has one lane per agent, the manager's included: every message goes from its
# speaker to `chat_manager`, which passes it on to everyone else. The person's prompts sit on the
# lane of the member that asked.

# %%
picture = run.trace.to_svg()
lesson.claim(
    "the picture has a lane for each member, the manager and the human",
    all(f">{name}</text>" in picture for name in ("boss", "writer", "critic", "chat_manager", "human")),
)

# %% [markdown]
# ## 2. `NEVER` and `TERMINATE` members post their `default_auto_reply`
#
# Neither asks the person on an ordinary turn. Both post the member's `default_auto_reply`, which
# is empty unless you set it. Nobody is scripted to answer: a prompt would fail the run.

# %%
posted = {}
for mode, settings in (("NEVER", {}), ("TERMINATE", {"default_auto_reply": "Carry on."})):
    models = lesson.models({"writer": ["Draft 1.", "Draft 2."], "critic": ["Fine."], "selector": []})
    with models, lesson.human([], mode=mode):
        boss, manager = team(models, max_round=5, human_input_mode=mode, **settings)
        run = lesson.run_group(boss, manager, TASK, title=f"boss {mode}")
    posted[mode] = [m.content for m in run.trace.messages if m.agent == "boss"][1:]
    lesson.claim(f"{mode}: the person was never asked", not run.trace.of_kind("human_prompt"))

lesson.claim("NEVER posted an empty message (the default default_auto_reply)", posted["NEVER"] == [""])
lesson.claim("TERMINATE posted its default_auto_reply 'Carry on.'", posted["TERMINATE"] == ["Carry on."])

# %% [markdown]
# ## 3. The manager's `human_input_mode` is never consulted
#
# `GroupChatManager(..., human_input_mode="ALWAYS")` looks like a way to let a person steer the
# group. It is not: the manager's first reply function is `run_chat`, which runs the whole group
# chat and returns before AutoGen's human-reply check is reached.

# %%
models = lesson.models({"writer": ["Draft 1."], "critic": ["Fine."], "selector": []})
with models, lesson.human([], mode="NEVER"):
    boss, manager = team(models, max_round=3, manager={"human_input_mode": "ALWAYS"}, human_input_mode="NEVER")
    run = lesson.run_group(boss, manager, TASK, title="manager ALWAYS")

# The manager's reply functions in the order a (synchronous) chat tries them:
sync_replies = [
    f["reply_func"].__name__ for f in manager._reply_func_list if not inspect.iscoroutinefunction(f["reply_func"])
]
print(sync_replies)
lesson.claim(
    "run_chat comes first, before check_termination_and_human_reply",
    sync_replies[0] == "run_chat" and "check_termination_and_human_reply" in sync_replies[1:],
)
lesson.claim(
    "a manager in ALWAYS mode never asked the person",
    manager.human_input_mode == "ALWAYS" and not run.trace.of_kind("human_prompt"),
)

# %% [markdown]
# ## 4. `max_round` counts the opening message; the manager's `is_termination_msg` ends the chat
#
# `max_round=3` allows three messages in all, the task included. The manager checks every message
# with its own `is_termination_msg`, and AutoGen's default only matches a message that is exactly
# `"TERMINATE"`: "Done. TERMINATE" does not stop a group chat unless you say so.

# %%
models = lesson.models({"writer": ["Draft 1."], "critic": ["Fine."], "selector": []})
with models, lesson.human([], mode="NEVER"):
    boss, manager = team(models, max_round=3, human_input_mode="NEVER")
    run = lesson.run_group(boss, manager, TASK, title="max_round=3")
lesson.claim("max_round=3 gave 3 messages: the task and two replies", speakers(run) == ["boss", "writer", "critic"])
lesson.claim(
    "the stop is max_round, on the manager",
    (run.trace.stop.reason, run.trace.stop.agent) == ("max_round", "chat_manager"),
)

FINAL = ["Done. TERMINATE", "TERMINATE"]
endings = {}


def says_terminate(message):
    return "TERMINATE" in (message.get("content") or "")


for label, check in (("AutoGen's default", None), ("a substring check", says_terminate)):
    models = lesson.models({"writer": FINAL[:1], "critic": FINAL[1:], "selector": []})
    with models, lesson.human([], mode="NEVER"):
        manager_settings = {"is_termination_msg": check} if check else {}
        boss, manager = team(models, manager=manager_settings, human_input_mode="NEVER")
        endings[label] = lesson.run_group(boss, manager, TASK, title=f"termination: {label}")

lesson.claim(
    "with AutoGen's default, 'Done. TERMINATE' went on; only the bare 'TERMINATE' ended it",
    contents(endings["AutoGen's default"])[1:] == FINAL
    and endings["AutoGen's default"].trace.stop.reason == "termination_msg",
)
lesson.claim(
    "with a substring check on the manager, 'Done. TERMINATE' ended it",
    contents(endings["a substring check"])[1:] == FINAL[:1]
    and endings["a substring check"].trace.stop.agent == "chat_manager",
)

# %% [markdown]
# ## 5. A member's own `max_consecutive_auto_reply` still applies
#
# Each member counts its auto-replies toward the manager, as it would toward a chat partner. A
# `NEVER` boss with `max_consecutive_auto_reply=1` auto-replies once; the next time it is selected
# it has no reply, and a member without a reply ends the group chat.

# %%
models = lesson.models({"writer": ["Draft 1.", "Draft 2."], "critic": ["Fine.", "Fine again."], "selector": []})
with models, lesson.human([], mode="NEVER"):
    boss, manager = team(models, human_input_mode="NEVER", max_consecutive_auto_reply=1)
    run = lesson.run_group(boss, manager, TASK, title="boss NEVER, max_consecutive_auto_reply=1")
lesson.claim(
    "boss auto-replied once, then ended the chat at its limit (max_round=10 was not reached)",
    speakers(run) == ["boss", "writer", "critic", "boss", "writer", "critic"]
    and (run.trace.stop.reason, run.trace.stop.agent) == ("max_consecutive_auto_reply", "boss"),
)

# %% [markdown]
# ## 6. The mode changes the member's description, which steers "auto" selection
#
# With `speaker_selection_method="auto"` (the default), the manager asks a model to pick the next
# speaker from each member's `description`. A `UserProxyAgent` you give no description gets one
# that depends on its mode: only `ALWAYS` calls it "an attentive HUMAN user" who can answer
# questions; `NEVER` is "a computer terminal". A model choosing who should answer a question
# reads exactly that.

# %%
for mode in ("ALWAYS", "TERMINATE", "NEVER"):
    print(f"{mode:>9}: {autogen.UserProxyAgent('boss', human_input_mode=mode).description}")

lesson.claim(
    "only ALWAYS is described as 'an attentive HUMAN user'",
    [
        "attentive HUMAN user" in autogen.UserProxyAgent("b", human_input_mode=m).description
        for m in ("ALWAYS", "TERMINATE", "NEVER")
    ]
    == [True, False, False],
)

models = lesson.models(
    {"writer": ["Draft 1."], "critic": ["This needs the owner's approval."], "selector": ["writer", "critic", "boss"]}
)
with models, lesson.human(["Approved. TERMINATE"], mode="ALWAYS"):
    boss, manager = team(
        models,
        method="auto",
        manager={"is_termination_msg": says_terminate},
        human_input_mode="ALWAYS",
    )
    run = lesson.run_group(boss, manager, TASK, title="auto selection")

lesson.claim(
    "the selector model's instructions describe boss as 'An attentive HUMAN user'",
    lambda: "boss: An attentive HUMAN user" in models.route("selector").calls[0].messages[0]["content"],
)
lesson.claim(
    "the person was asked once: when the selector named boss",
    speakers(run) == ["boss", "writer", "critic", "boss"] and len(run.trace.human_prompts) == 1,
)
lesson.claim(
    "a description you set replaces the default",
    autogen.UserProxyAgent("boss", description="The product owner: approves releases.").description
    == "The product owner: approves releases.",
)

# %% [markdown]
# ## 7. No eligible speaker
#
# The last way a group chat stops: speaker selection finds nobody. A selection function (lesson
# 13) that returns `None` raises AutoGen's `NoEligibleSpeaker`, and the manager ends the chat.


# %%
def until_critic_spoke(last_speaker, groupchat):
    return None if last_speaker.name == "critic" else "round_robin"


models = lesson.models({"writer": ["Draft 1."], "critic": ["Fine."], "selector": []})
with models, lesson.human([], mode="NEVER"):
    boss, manager = team(models, method=until_critic_spoke, human_input_mode="NEVER")
    run = lesson.run_group(boss, manager, TASK, title="no eligible speaker")
lesson.claim(
    "after the critic, nobody was eligible, and the manager stopped the chat",
    speakers(run) == ["boss", "writer", "critic"]
    and (run.trace.stop.reason, run.trace.stop.agent) == ("no_eligible_speaker", "chat_manager"),
)

# %% [markdown]
# ## Summary
#
# - A human member is asked only when the manager selects it. In `ALWAYS` mode Enter posts its
#   `default_auto_reply`, an **empty** message unless you set one; `NEVER` and `TERMINATE`
#   members post it without asking. `exit` from any member ends the whole group chat.
# - The manager's `human_input_mode` does nothing: `run_chat` replies first.
# - `max_round` counts the opening message. The manager's `is_termination_msg` ends the chat;
#   AutoGen's default matches only a message that is exactly `"TERMINATE"`.
# - Each member keeps its own `max_consecutive_auto_reply` toward the manager.
# - The mode changes a member's default description, and so whom "auto" selection picks.
# - A group chat stops on: a termination message (on the manager), `max_round`, a member with no
#   reply (`exit`, its limit), or no eligible speaker.
#
# ## Exercises
#
# 1. boss (`ALWAYS`), writer and critic take turns (round robin). Write `my_replies` so that your
#    feedback on the first round reaches the writer, and the chat ends the second time you are
#    asked. (Careful: Enter does not end a group chat.)
# 2. Write `make_group(agents, llm_config)`: a `GroupChatManager` whose members take turns in
#    order, that stops when a message contains `APPROVED`, and that never holds more than 6
#    messages, the task included.

# %%
my_replies = ["", ""]  # your answer: this starter never sends feedback and never ends the chat

print(check_group_feedback(my_replies))


# %%
def make_group(agents, llm_config):
    # Your answer here. This starter lets a model choose speakers and stops only at 5 messages.
    group = autogen.GroupChat(agents, messages=[], max_round=5)
    return autogen.GroupChatManager(group, llm_config=llm_config)


print(check_group_setup(make_group))
