"""The multi-stage workflow on AutoGen's real reply path: only the model (ScriptedLLM) and the human
(ScriptedHuman, through IOStream) are scripted. Stages that must never run get an empty script, so
calling their model would fail loudly, and ``calls == 0`` is asserted as well."""

from __future__ import annotations

from typing import Dict, List, Optional, Sequence, Tuple

import autogen
import pytest

from hitl_modes import (
    NoHumanAvailableError,
    ScriptedHuman,
    ScriptedLLM,
    Stage,
    Workflow,
    WorkflowError,
    last_reply,
    tool_call,
)
from hitl_modes.course.exercises.lesson07 import HANDOFF_CASES

TASK = "Parse one CSV line."
NAMES = ("research", "code", "docs")


def assistant(name: str, replies: Sequence) -> Tuple[autogen.AssistantAgent, ScriptedLLM]:
    llm = ScriptedLLM(list(replies))
    agent = llm.register(autogen.AssistantAgent(name, llm_config=llm.llm_config, system_message=f"You are the {name}."))
    return agent, llm


def pipeline(
    research: Sequence,
    code: Sequence,
    docs: Sequence,
    *,
    modes=("TERMINATE", "TERMINATE", "NEVER"),
    options: Optional[Dict[str, dict]] = None,
) -> Tuple[Workflow, Dict[str, ScriptedLLM]]:
    """Three stages; ``options`` holds extra Stage arguments by stage name."""
    stages, llms = [], {}
    for name, replies, mode in zip(NAMES, (research, code, docs), modes):
        agent, llms[name] = assistant(f"{name}er", replies)
        stages.append(Stage(name, agent, f"Do the {name}.", human_input_mode=mode, **(options or {}).get(name, {})))
    return Workflow(stages, quiet=True), llms


# -- the happy path and the hand-off ------------------------------------------------------------
def test_full_run_hands_each_stage_last_assistant_reply_to_the_next(scripted_human):
    wf, llm = pipeline(
        ["draft TERMINATE", "final findings TERMINATE"], ["def f(): pass", "TERMINATE"], ["Docs for f. TERMINATE"]
    )
    human = scripted_human(["cover quotes", "", ""], echo=False)
    result = wf.run(TASK)

    assert (result.completed, result.reason, result.stopped_at, result.not_run) == (True, "completed", None, [])
    assert [s.status for s in result] == ["passed"] * 3
    assert result.outputs == {"research": "final findings", "code": "def f(): pass", "docs": "Docs for f."}
    assert result.output == "Docs for f."
    # The hand-off is the opening message's last part, and AutoGen's ChatResult.summary is the hand-off.
    assert llm["code"].calls[0].last_content.endswith("Output of the research stage:\nfinal findings")
    assert llm["docs"].calls[0].last_content.endswith("Output of the code stage:\ndef f(): pass")
    assert [s.result.summary for s in result] == ["final findings", "def f(): pass", "Docs for f."]
    assert human.call_count == 3
    assert [m.source for m in result["code"].trace.messages] == ["task", "llm", "auto_reply", "llm"]


def test_the_first_stage_gets_instruction_and_task_only():
    wf, llm = pipeline(["done TERMINATE"], ["c TERMINATE"], ["d TERMINATE"])
    with ScriptedHuman(["", ""], echo=False):
        wf.run(TASK)
    assert llm["research"].calls[0].messages == [
        {"role": "system", "content": "You are the researcher."},
        {"role": "user", "name": "user_proxy", "content": f"Do the research.\n\nTask: {TASK}"},
    ]


def test_each_stage_starts_fresh_the_next_model_sees_only_system_and_opening():
    wf, llm = pipeline(["draft one TERMINATE", "findings TERMINATE"], ["code TERMINATE"], ["docs TERMINATE"])
    with ScriptedHuman(["feedback that stays behind", "", ""], echo=False):
        result = wf.run(TASK)
    first = llm["code"].calls[0].messages
    assert [m["role"] for m in first] == ["system", "user"]
    assert first[1]["content"] == result["code"].message
    everything_the_coder_saw = " ".join(str(m["content"]) for r in llm["code"].calls for m in r.messages)
    assert "draft one" not in everything_the_coder_saw
    assert "feedback that stays behind" not in everything_the_coder_saw
    assert "findings" in everything_the_coder_saw


def test_clear_history_even_when_agents_are_reused_across_stages():
    """One assistant and one proxy serve research and docs: without clear_history the docs request
    would carry the research chat."""
    shared, llm = assistant("generalist", ["findings TERMINATE", "docs TERMINATE"])
    coder, code_llm = assistant("coder", ["code TERMINATE"])
    proxies: Dict[str, autogen.ConversableAgent] = {}
    wf = Workflow(
        [Stage("research", shared, "Research."), Stage("code", coder, "Code."), Stage("docs", shared, "Document.")],
        quiet=True,
    )
    wf.proxy_factory = lambda stage: proxies.setdefault(stage.human_input_mode, wf.make_proxy(stage))
    with ScriptedHuman(["", "", ""], echo=False):
        result = wf.run(TASK)
    assert result.completed
    assert result["research"].trace.messages[0].agent == "user_proxy"
    docs_request = llm.calls[1].messages
    assert [m["role"] for m in docs_request] == ["system", "user"]
    assert docs_request[1]["content"].startswith("Document.") and "Research." not in docs_request[1]["content"]
    assert code_llm.call_count == 1


def test_modes_per_stage_checkpoints_ask_and_never_does_not():
    wf, llm = pipeline(["r TERMINATE"], ["c TERMINATE"], ["d TERMINATE"])
    built: List[autogen.ConversableAgent] = []
    default = wf.proxy_factory
    wf.proxy_factory = lambda stage: built.append(default(stage)) or built[-1]
    with ScriptedHuman(["", ""], echo=False) as human:
        result = wf.run(TASK)
    assert [p.human_input_mode for p in built] == ["TERMINATE", "TERMINATE", "NEVER"]
    assert [len(s.human_prompts) for s in result] == [1, 1, 0]
    assert all(p.startswith("Please give feedback to") for p in human.prompts)
    assert [s.detail for s in result] == [
        "the human approved research",
        "the human approved code",
        "the assistant finished docs",
    ]


def test_a_checkpoint_also_asks_at_the_auto_reply_limit_and_enter_continues():
    wf, llm = pipeline(
        ["a", "b", "c TERMINATE"],
        ["code TERMINATE"],
        ["docs TERMINATE"],
        options={"research": {"max_consecutive_auto_reply": 1}},
    )
    with ScriptedHuman(["", "", ""], echo=False) as human:
        result = wf.run(TASK)
    # "b" reaches the limit: asked, Enter auto-replies. "c TERMINATE" arrives past the limit: asked, Enter approves.
    asked_why = [e.detail for e in result["research"].trace.of_kind("human_prompt")]
    assert asked_why == ["max_consecutive_auto_reply", "max_consecutive_auto_reply"]
    assert [m.source for m in result["research"].trace.messages] == [
        "task",
        "llm",
        "auto_reply",
        "llm",
        "auto_reply",
        "llm",
    ]
    assert result.completed and result["research"].output == "c"
    assert human.call_count == 3


def test_always_mode_stage_enter_on_the_termination_message_approves():
    wf, llm = pipeline(["r", "r2 TERMINATE"], ["c TERMINATE"], ["d TERMINATE"], modes=("ALWAYS", "TERMINATE", "NEVER"))
    with ScriptedHuman(["", "", ""], echo=False):
        result = wf.run(TASK)
    assert result.completed and result["research"].output == "r2"
    assert [e.detail for e in result["research"].trace.of_kind("human_prompt")] == ["every_turn", "every_turn"]


# -- reject and cancel stop everything ----------------------------------------------------------
@pytest.mark.parametrize("at", [0, 1])
def test_exit_at_a_checkpoint_rejects_and_nothing_runs_after_it(at):
    scripts = [["r TERMINATE"], ["c TERMINATE"], []]
    for later in range(at + 1, 3):
        scripts[later] = []  # would raise if called
    wf, llm = pipeline(*scripts)
    with ScriptedHuman([""] * at + ["exit"], echo=False):
        result = wf.run(TASK)
    stopped = NAMES[at]
    assert (result.completed, result.reason, result.stopped_at) == (False, "rejected", stopped)
    assert result[stopped].stop_reason == "human_exit"
    assert result[stopped].reply is not None and result[stopped].output is None
    assert result.not_run == list(NAMES[at + 1 :])
    assert all(llm[name].call_count == 0 for name in NAMES[at + 1 :])
    assert f"the human typed 'exit' at the {stopped} checkpoint" in result.detail
    with pytest.raises(KeyError, match="never ran: "):
        result[NAMES[at + 1]]


def test_exit_at_the_auto_reply_limit_prompt_also_rejects():
    wf, llm = pipeline(["a", "b"], [], [], options={"research": {"max_consecutive_auto_reply": 1}})
    with ScriptedHuman(["exit"], echo=False):
        result = wf.run(TASK)
    assert (result.reason, result.stopped_at) == ("rejected", "research")
    assert result["research"].reply == "b"
    assert llm["code"].call_count == llm["docs"].call_count == 0


@pytest.mark.parametrize(
    "error",
    [EOFError("Ctrl-D"), KeyboardInterrupt(), NoHumanAvailableError("nobody")],
    ids=["ctrl-d", "ctrl-c", "no-human"],
)
@pytest.mark.parametrize("at", [0, 1, 2])
def test_cancel_at_each_stage_stops_the_workflow(at, error):
    scripts = [["r TERMINATE"], ["c TERMINATE"], ["d TERMINATE"]]
    for later in range(at + 1, 3):
        scripts[later] = []
    wf, llm = pipeline(*scripts, modes=("TERMINATE",) * 3)
    with ScriptedHuman([""] * at + [error], echo=False) as human:  # input() raises it, as a console would
        result = wf.run(TASK)
    stopped = NAMES[at]
    assert (result.reason, result.stopped_at, result.not_run) == ("cancelled", stopped, list(NAMES[at + 1 :]))
    assert result[stopped].result is None and result[stopped].output is None
    assert result[stopped].stop_reason == "human_cancel"
    assert result[stopped].trace.events[-2].kind == "human_prompt"
    assert type(error).__name__ in result.detail
    assert all(llm[name].call_count == 0 for name in NAMES[at + 1 :])
    assert human.call_count == at + 1


def test_an_error_outside_a_checkpoint_is_not_a_cancel():
    """Ctrl-C (or EOFError) while the model is working is a real interruption: it propagates."""
    wf, llm = pipeline(["r TERMINATE"], [], [])

    def interrupted(recipient, messages=None, sender=None, config=None):
        raise KeyboardInterrupt

    wf.stages[0].assistant.register_reply([autogen.Agent, None], interrupted, position=0)
    with ScriptedHuman([], echo=False):
        with pytest.raises(KeyboardInterrupt):
            wf.run(TASK)


def test_no_human_installed_and_no_terminal_fails_fast_before_any_model_call():
    wf, llm = pipeline(["r TERMINATE"], [], [])
    with pytest.raises(NoHumanAvailableError, match="TERMINATE"):
        wf.run(TASK)  # pytest's stdin is not a terminal and no IOStream human is installed
    assert llm["research"].call_count == 0


def test_a_workflow_without_checkpoints_needs_no_human():
    wf, llm = pipeline(["r TERMINATE"], ["c TERMINATE"], ["d TERMINATE"], modes=("NEVER",) * 3)
    result = wf.run(TASK)
    assert result.completed and result.trace.human_prompts == []


# -- stages that end without being accepted -----------------------------------------------------
def test_max_turns_would_skip_the_checkpoint_so_the_stage_does_not_pass():
    wf, llm = pipeline(["r TERMINATE"], ["c TERMINATE"], [], options={"code": {"max_turns": 1}})
    with ScriptedHuman([""], echo=False):
        result = wf.run(TASK)
    assert (result.reason, result.stopped_at) == ("incomplete", "code")
    assert result["code"].stop_reason == "max_turns" and result["code"].human_prompts == []
    assert llm["docs"].call_count == 0


def test_a_never_stage_that_hits_its_limit_is_incomplete():
    wf, llm = pipeline(
        ["r TERMINATE"], ["c TERMINATE"], ["d1", "d2"], options={"docs": {"max_consecutive_auto_reply": 1}}
    )
    with ScriptedHuman(["", ""], echo=False):
        result = wf.run(TASK)
    assert (result.reason, result.stopped_at) == ("incomplete", "docs")
    assert result["docs"].stop_reason == "max_consecutive_auto_reply" and result["docs"].human_prompts == []
    assert result["docs"].reply == "d2" and result.output is None


def test_a_termination_the_proxy_did_not_accept_does_not_pass():
    """The human types TERMINATE as feedback: the assistant (AutoGen's default check) stops, but
    nobody approved the research."""
    wf, llm = pipeline(["draft TERMINATE"], [], [])
    with ScriptedHuman(["TERMINATE"], echo=False):
        result = wf.run(TASK)
    assert result["research"].trace.stop.agent == "researcher"
    assert (result.reason, result.stopped_at) == ("incomplete", "research")


def test_only_terminate_is_no_output_and_stops_the_workflow():
    wf, llm = pipeline(["TERMINATE"], [], [])
    with ScriptedHuman([""], echo=False):
        result = wf.run(TASK)
    assert (result.reason, result.stopped_at) == ("no_output", "research")
    assert result["research"].reply is None and llm["code"].call_count == 0


# -- extraction through real chats --------------------------------------------------------------
def test_terminate_only_last_message_hands_on_the_answer_before_it():
    wf, llm = pipeline(["r TERMINATE"], ["the code", "TERMINATE"], ["d TERMINATE"])
    with ScriptedHuman(["", ""], echo=False):
        result = wf.run(TASK)
    assert result["code"].result.chat_history[-1]["content"] == "TERMINATE"
    assert result["code"].output == "the code"


def test_feedback_as_the_last_message_is_not_the_reply():
    """The researcher's own auto-reply limit (1) stops it from answering the feedback, so the chat
    ends on the human's words: the reply is still the researcher's draft, and the stage did not pass."""
    llm = ScriptedLLM(["the draft TERMINATE"])
    researcher = llm.register(
        autogen.AssistantAgent("researcher", llm_config=llm.llm_config, max_consecutive_auto_reply=1)
    )
    wf = Workflow([Stage("research", researcher, "Research.")], quiet=True)
    with ScriptedHuman(["please add more"], echo=False):
        result = wf.run(TASK)
    stage = result["research"]
    assert stage.result.chat_history[-1]["content"] == "please add more"
    assert stage.reply == "the draft" and stage.output is None and stage.status == "incomplete"


def get_time() -> str:
    """The current time."""
    return "12:00"


def _with_tool(replies: Sequence) -> Tuple[Workflow, ScriptedLLM]:
    llm = ScriptedLLM(list(replies))
    researcher = llm.register(autogen.AssistantAgent("researcher", llm_config=llm.llm_config))
    wf = Workflow([Stage("research", researcher, "What time is it?")], quiet=True)

    def proxy_with_tool(stage: Stage) -> autogen.ConversableAgent:
        proxy = wf.make_proxy(stage)
        autogen.register_function(get_time, caller=stage.assistant, executor=proxy, description="The time.")
        llm.register(stage.assistant)  # adding a tool rebuilt the assistant's model client
        return proxy

    wf.proxy_factory = proxy_with_tool
    return wf, llm


def test_tool_calls_are_steps_not_the_reply():
    wf, llm = _with_tool([tool_call("get_time"), "It is 12:00. TERMINATE"])
    with ScriptedHuman([""], echo=False):
        result = wf.run(TASK)
    sources = [m.source for m in result["research"].trace.messages]
    assert sources == ["task", "llm", "tool_result", "llm"]
    assert result.completed and result.output == "It is 12:00."


def test_the_last_text_before_a_tool_call_is_the_reply():
    wf, llm = _with_tool(["Checking the clock.", tool_call("get_time"), "TERMINATE"])
    with ScriptedHuman([""], echo=False):
        result = wf.run(TASK)
    assert result.completed and result.output == "Checking the clock."


# -- last_reply on its own ----------------------------------------------------------------------
@pytest.mark.parametrize("messages,expected,why", HANDOFF_CASES, ids=[c[2][:40] for c in HANDOFF_CASES])
def test_last_reply_cases(messages, expected, why):
    assert last_reply(messages) == expected, why


@pytest.mark.parametrize(
    "text,expected",
    [
        ("Done. TERMINATE.", "Done."),
        ("Done. **TERMINATE**", "Done."),
        ("Done.\n\n`TERMINATE`\n", "Done."),
        ("NOTTERMINATE", "NOTTERMINATE"),
        ("TERMINATE is the word we use", "TERMINATE is the word we use"),
    ],
)
def test_last_reply_strips_only_a_trailing_marker(text, expected):
    assert last_reply([{"role": "assistant", "content": text}]) == expected


def test_last_reply_reads_multimodal_text_parts_and_a_custom_marker():
    parts = [
        {"type": "text", "text": "Here is the chart."},
        {"type": "image_url", "image_url": {"url": "x"}},
        {"type": "text", "text": " DONE"},
    ]
    # The text AutoGen's own content_str reads (what the model and the code executor see): the
    # parts in order, "<image>" where the image was.
    assert last_reply([{"role": "assistant", "content": parts}], marker="DONE") == "Here is the chart.<image>"


def test_a_custom_marker_drives_both_termination_and_hand_off():
    agent, llm = assistant("researcher", ["Findings. ALL DONE"])
    wf = Workflow([Stage("research", agent, "Research.")], marker="ALL DONE", quiet=True)
    with ScriptedHuman([""], echo=False):
        result = wf.run(TASK)
    assert result.completed and result.output == "Findings."


def test_report_and_combined_trace():
    wf, llm = pipeline(["r TERMINATE"], ["c TERMINATE"], [])
    with ScriptedHuman(["", "exit"], echo=False):
        result = wf.run(TASK)
    report = result.report()
    assert "research" in report and "rejected" in report and "docs" in report and "not run" in report
    assert report.splitlines()[-1].startswith("=> rejected at code:")
    assert [e.content for e in result.trace.of_kind("stop")] == ["termination_msg", "human_exit"]


# -- bad input: clear errors --------------------------------------------------------------------
def test_bad_workflows_raise_clear_errors():
    agent, _ = assistant("researcher", [])
    stage = Stage("research", agent, "Research.")
    with pytest.raises(WorkflowError, match="at least one Stage"):
        Workflow([])
    with pytest.raises(WorkflowError, match="names must be unique.*'research'"):
        Workflow([stage, Stage("research", agent, "Again.")])
    with pytest.raises(WorkflowError, match="list of Stage objects"):
        Workflow(stage)  # type: ignore[arg-type]
    with pytest.raises(WorkflowError, match="stage #2 must be a Stage"):
        Workflow([stage, "code"])  # type: ignore[list-item]
    with pytest.raises(WorkflowError, match="proxy_factory must be a callable"):
        Workflow([stage], proxy_factory="user_proxy")  # type: ignore[arg-type]
    with pytest.raises(WorkflowError, match="marker"):
        Workflow([stage], marker=" ")
    with pytest.raises(WorkflowError, match="task as non-empty text"):
        Workflow([stage]).run("  ")
    assert isinstance(WorkflowError("x"), ValueError)


@pytest.mark.parametrize(
    "kwargs,message",
    [
        ({"name": ""}, "Stage name must be a non-empty string"),
        ({"assistant": "researcher"}, "assistant must be an AutoGen agent"),
        ({"instruction": ""}, "instruction must be non-empty text"),
        ({"human_input_mode": "terminate"}, "human_input_mode must be one of TERMINATE, NEVER, ALWAYS"),
        ({"max_consecutive_auto_reply": -1}, "max_consecutive_auto_reply must be an int >= 0"),
        ({"max_consecutive_auto_reply": True}, "max_consecutive_auto_reply must be an int >= 0"),
        ({"max_turns": 0}, "max_turns must be None or an int >= 1"),
    ],
)
def test_bad_stages_raise_clear_errors(kwargs, message):
    agent, _ = assistant("researcher", [])
    args = {"name": "research", "assistant": agent, "instruction": "Research."} | kwargs
    with pytest.raises(WorkflowError, match=message):
        Stage(**args)


def test_a_proxy_factory_must_honour_the_stage_mode():
    agent, llm = assistant("researcher", ["r TERMINATE"])
    stage = Stage("research", agent, "Research.", human_input_mode="TERMINATE")
    never = Workflow([stage], proxy_factory=lambda s: autogen.UserProxyAgent("p", human_input_mode="NEVER"))
    with ScriptedHuman([], echo=False):
        with pytest.raises(WorkflowError, match="human_input_mode='TERMINATE'.*'NEVER'"):
            never.run(TASK)
        with pytest.raises(WorkflowError, match="not an AutoGen agent"):
            Workflow([stage], proxy_factory=lambda s: "p").run(TASK)  # type: ignore[arg-type, return-value]
        with pytest.raises(WorkflowError, match="own assistant"):
            Workflow([stage], proxy_factory=lambda s: s.assistant).run(TASK)
    assert llm.call_count == 0


def test_capture_keeps_autogens_printing_in_each_stage_instead_of_the_screen(capsys):
    researcher, _ = assistant("researcher", ["findings TERMINATE"])
    writer, _ = assistant("writer", ["docs TERMINATE"])
    stages = [Stage("research", researcher, "Research."), Stage("docs", writer, "Write.", human_input_mode="NEVER")]
    with ScriptedHuman([""]):
        result = Workflow(stages, capture=True).run(TASK)
    assert result.completed
    assert "user_proxy (to researcher)" in result["research"].printed and "findings" in result["research"].printed
    assert "user_proxy (to writer)" in result["docs"].printed and "researcher" not in result["docs"].printed
    assert "(to researcher)" not in capsys.readouterr().out, "nothing reached the screen"

    with ScriptedHuman([""]):
        shown = Workflow([Stage("research", assistant("researcher", ["findings TERMINATE"])[0], "Research.")]).run(TASK)
    assert shown["research"].printed == "" and "user_proxy (to researcher)" in capsys.readouterr().out
