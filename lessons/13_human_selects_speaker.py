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
# # Lesson 13 — The human chooses who speaks
#
# Lesson 12 put a person *in* a group chat. Here the person (or a rule of yours) decides *who
# speaks next*. `GroupChat(speaker_selection_method=...)` takes:
#
# | method | who picks the next speaker |
# |---|---|
# | `"manual"` | a person, from a numbered list, at every turn |
# | a function `f(last_speaker, groupchat)` | your code: an agent, a method name, or `None` to stop |
# | `"auto"` (the default) | a model, asked by the manager through an agent AutoGen builds internally |
#
# The manual prompt has surprises (Enter is not "auto selection"), it bypasses the
# `get_human_input` you may have overridden, and asking a person every turn is tiring. A
# function that hands the turn to the person only when an agent asks is often what you want.

# %% [markdown]
# ### Running this lesson, and being the human
#
# In a terminal: `.venv/bin/hitl-modes lesson 13`. As a notebook: in JupyterLab started with
# `make lab`, which runs from the project's `.venv`, with the kernel **Python 3 (ipykernel)** (it has
# `hitl_modes` and `pyautogen==0.2.35`).
#
# A scripted human answers by default, so every claim is checked. To type the human's part yourself,
# add `--human console` in a terminal; in a notebook, run `%env HITL_HUMAN=console` in a new cell
# above the setup cell below, then run the notebook from that cell on. Each time AutoGen asks, it
# waits for your answer (in a box under the cell in a notebook): press Enter, type feedback (or,
# when it asks who speaks next, a speaker's number), or type `exit`.
#
# - After an Enter, AutoGen prints `>>>>>>>> NO HUMAN INPUT RECEIVED.` in red. It is not an error: it
#   notes that you typed nothing, and AutoGen then does what Enter means at that prompt.
# - To stop a chat that waits for you, type `exit`: the chat ends and the lesson goes on. To stop the
#   whole lesson, interrupt it (the notebook's ■ *Interrupt the kernel* button, or Ctrl-C in a
#   terminal): it stops with one line saying so, and sends no reply. `%env HITL_HUMAN=script`, then
#   the setup cell again, brings the scripted human back.

# %%
import autogen

import hitl_modes  # noqa: F401  first: it quiets flaml's irrelevant "automl is not available" warning
from hitl_modes.course.exercises.lesson13 import check_ask_user_selector, check_manual_choices
from hitl_modes.course.lesson import Lesson

lesson = Lesson.setup(13, "The human chooses who speaks")

TASK = "Write the release notes for version 2.0."
CHOOSE = "Enter the number of the next speaker (enter nothing or `q` to use auto selection): "


def team(models, method, *, boss=autogen.UserProxyAgent, max_round=10, **boss_settings):
    """boss, writer and critic, in that order (the numbers 1, 2, 3 of the manual list)."""
    members = [
        boss("boss", code_execution_config=False, **boss_settings),
        autogen.AssistantAgent("writer", llm_config=models.llm_config("writer")),
        autogen.AssistantAgent("critic", llm_config=models.llm_config("critic")),
    ]
    group = autogen.GroupChat(members, messages=[], max_round=max_round, speaker_selection_method=method)
    manager = autogen.GroupChatManager(
        group,
        llm_config=models.llm_config("selector"),
        is_termination_msg=lambda m: "TERMINATE" in (m.get("content") or ""),
    )
    return members[0], manager


def speakers(run):
    return [m.agent for m in run.trace.messages]


# %% [markdown]
# ## 1. Manual selection: the numbered list, Enter and `q`, bad entries
#
# Before every turn the manager prints the members as `1: boss`, `2: writer`, `3: critic` and
# asks for a number. The prompt says Enter or `q` means "auto selection", but in AutoGen 0.2.35
# they fall back to **round robin**: the next member after the last speaker, no model asked. A
# bad entry is refused; after the second bad entry the manager stops asking and falls back to
# round robin too.
#
# The person answers `3`, Enter, `x`, `9`, `q`.

# %%
models = lesson.models({"writer": ["Draft 1."], "critic": ["Review 1.", "Review 2."], "selector": []})
with models, lesson.human(["3", "", "x", "9", "q"], mode="ALWAYS"):
    boss, manager = team(models, "manual", max_round=5, human_input_mode="NEVER")
    run = lesson.run_group(boss, manager, TASK, title="manual selection")

choices = run.trace.of_kind("human_prompt")
lesson.claim(
    "every prompt was the manager's selection prompt, on the manager's lane",
    all(p.content == CHOOSE and p.agent == "chat_manager" and p.detail == "manual_selection" for p in choices),
)
lesson.claim("'3' chose the critic, third in the list", speakers(run)[1] == "critic")
lesson.claim(
    "Enter chose boss, the member after the critic: round robin, whatever the prompt says",
    speakers(run)[2] == "boss",
)
lesson.claim(
    "after two bad entries ('x', '9') it stopped asking and chose the writer, next after boss",
    speakers(run)[3] == "writer" and run.trace.human_replies[2:4] == ["x", "9"],
)
lesson.claim("'q' chose the critic, next after the writer", speakers(run)[4] == "critic")
lesson.claim("no model was asked to choose", lambda: models.route("selector").call_count == 0)

# %% [markdown]
# ## 2. It bypasses `get_human_input`: what an approval log misses
#
# `manual_select_speaker` reads `IOStream.get_default().input(...)` directly. An override of
# `get_human_input` (a common way to log or route approvals, lesson 05) sees the member's own
# prompts only. Here boss is an `ALWAYS` member whose override writes every answer to an
# approval log. The person chooses the writer, the critic and boss, then approves as boss.
# (The override takes `**kwargs`: ag2 passes `iostream=` to `get_human_input`. Otherwise the
# group-chat behaviour in lessons 12 and 13 is the same on `pyautogen` 0.2.35,
# `autogen-agentchat` 0.2.40 and `ag2` 0.14.0.)


# %%
class LoggedProxy(autogen.UserProxyAgent):
    """Logs every answer it receives through get_human_input."""

    log = []

    def get_human_input(self, prompt, **kwargs):  # ag2 passes iostream=...
        reply = super().get_human_input(prompt, **kwargs)
        LoggedProxy.log.append(reply)
        return reply


models = lesson.models({"writer": ["Draft 1."], "critic": ["Good. Needs the owner's approval."], "selector": []})
with models, lesson.human(["2", "3", "1", "Approved. TERMINATE"], mode="ALWAYS"):
    boss, manager = team(models, "manual", boss=LoggedProxy, human_input_mode="ALWAYS")
    run = lesson.run_group(boss, manager, TASK, title="manual selection, boss logs its answers")

print("approval log:", LoggedProxy.log)
print("every answer:", run.trace.human_replies)
lesson.claim(
    "the person answered 4 prompts, but the approval log holds only boss's own answer",
    run.trace.human_replies == ["2", "3", "1", "Approved. TERMINATE"] and LoggedProxy.log == ["Approved. TERMINATE"],
)
lesson.claim(
    "the three choices of who speaks never went through get_human_input",
    [e.agent for e in run.trace.of_kind("human_prompt")] == ["chat_manager"] * 3 + ["boss"],
)

# %% [markdown]
# So a log of "what the person decided" that is kept in `get_human_input` silently misses every
# speaker choice. Log where AutoGen asks, the `IOStream` (the toolkit's recorder does: it saw all
# four), or choose speakers in code you control, as the next section does.
#
# ## 3. A selector function that asks the person only when an agent needs them
#
# A function `f(last_speaker, groupchat)` chooses the next speaker. This one hands the turn to
# boss (an `ALWAYS` member) only when the last message starts with `ASK_USER:`, then gives it back
# to whoever asked; otherwise writer and critic alternate. The person is asked once, not at every
# turn.


# %%
def ask_user_selector(last_speaker, groupchat):
    boss, writer, critic = groupchat.agents
    messages = groupchat.messages
    if (messages[-1].get("content") or "").startswith("ASK_USER:"):
        return boss
    if last_speaker is boss and len(messages) > 1:
        return groupchat.agent_by_name(messages[-2]["name"])  # back to the agent that asked
    return critic if last_speaker is writer else writer


ANSWER = "Developers."
models = lesson.models(
    {
        "writer": [
            "ASK_USER: Who reads these notes: users or developers?",
            "Draft for developers.",
            "Final. TERMINATE",
        ],
        "critic": ["Clear."],
        "selector": [],
    }
)
with models, lesson.human([ANSWER], mode="ALWAYS"):
    boss, manager = team(models, ask_user_selector, human_input_mode="ALWAYS")
    run = lesson.run_group(boss, manager, TASK, title="ASK_USER hands the turn to the person")

lesson.claim(
    "the person was asked once, right after the writer's ASK_USER message",
    speakers(run) == ["boss", "writer", "boss", "writer", "critic", "writer"] and len(run.trace.human_prompts) == 1,
)
lesson.claim("the answer reached the writer's model", lambda: models.route("writer").received(ANSWER))
lesson.claim("the chat ended on the writer's TERMINATE", run.trace.stop_reason == "termination_msg")

# %% [markdown]
# ## 4. `"auto"`: a model chooses, and AutoGen retries a reply that names two agents
#
# With `"auto"` the manager asks a model (here the scripted `selector`) for the next speaker's
# name. A reply that names more than one member is not accepted: AutoGen asks again, up to
# `max_retries_for_selecting_speaker` (2) more times. If no attempt names exactly one member, it
# falls back to the next member in order.
#
# The selector first answers "writer or critic, either works", then "writer"; for the next turn it
# answers three times without naming anyone.

# %%
models = lesson.models(
    {
        "writer": ["Draft 1."],
        "critic": ["Review 1."],
        "selector": ["writer or critic, either works", "writer", "nobody", "no idea", "pass"],
    }
)
with models, lesson.human([], mode="NEVER"):
    boss, manager = team(models, "auto", max_round=3, human_input_mode="NEVER")
    run = lesson.run_group(boss, manager, TASK, title="auto selection with retries")


def selector_prompts():
    return [r.last_content for r in models.route("selector").calls]


lesson.claim(
    "a reply naming two agents was retried: AutoGen said 'You provided more than one name'",
    lambda: selector_prompts()[1].startswith("You provided more than one name"),
)
lesson.claim("the retry's answer, 'writer', chose the writer", speakers(run)[:2] == ["boss", "writer"])
lesson.claim(
    "three replies without a name (1 + max_retries_for_selecting_speaker=2) fell back to the next member",
    lambda: (
        speakers(run)[2] == "critic"
        and all(p.startswith("You didn't choose a speaker") for p in selector_prompts()[3:5])
    ),
)
lesson.claim("the selector was asked 5 times for 2 turns", lambda: models.route("selector").call_count == 5)
lesson.claim("nobody was asked to type anything", not run.trace.human_prompts)

# %% [markdown]
# ## Summary
#
# - `"manual"` asks the person for a number before every turn. Enter or `q` does **not** mean
#   auto selection: it is round robin. After two bad entries it falls back to round robin as well.
# - Manual selection reads `IOStream.input` directly: a `get_human_input` override never sees
#   it, so an approval log kept there misses every speaker choice.
# - A selector function decides in code; hand the turn to the person only when an agent asks
#   (`ASK_USER:`), and the person is not interrupted every round.
# - `"auto"` asks a model; a reply naming two members is retried (at most 2 more times), and
#   after that AutoGen falls back to the next member in order.
#
# ## Exercises
#
# 1. Manual selection, boss (`NEVER`), writer and critic, `max_round=5`. Write `my_choices` so the
#    critic speaks first, then the writer twice in a row, and use Enter for the last turn (it goes
#    to the critic, the member after the writer).
# 2. Write `ask_me_selector(last_speaker, groupchat)`: boss (`ALWAYS`) speaks only right after a
#    message that starts with `ASK_USER:`, the agent that asked speaks right after boss, and
#    otherwise writer and critic alternate, starting with the writer.

# %%
my_choices = ["3", "2", "", ""]  # your answer: this starter gets the second writer turn wrong

print(check_manual_choices(my_choices))


# %%
def ask_me_selector(last_speaker, groupchat):
    # Your answer here. This starter takes turns, boss included, so the person is asked every round.
    return "round_robin"


print(check_ask_user_selector(ask_me_selector))
