"""QueueHuman and QueueHumanProxy: input through an asyncio.Queue on AutoGen's async path, asked
once per turn (the naive override asks twice), timeouts that stop, late answers dropped."""

from __future__ import annotations

import asyncio
import threading

import autogen
import pytest

from hitl_modes import (
    QueueHuman,
    QueueHumanProxy,
    ScriptedHuman,
    ScriptedLLM,
    read_audit_log,
    run_async,
    scripted_answers,
)
from hitl_modes.agents.queue_human import while_answering
from hitl_modes.approvals.vocabulary import reply_decision
from hitl_modes.errors import SyncChatError


def assistant(replies):
    llm = ScriptedLLM(replies)
    return llm.register(autogen.AssistantAgent("assistant", llm_config=llm.llm_config)), llm


def is_term(message):
    return "TERMINATE" in (message.get("content") or "")


class NaiveQueueProxy(autogen.UserProxyAgent):
    """What AutoGen's docs suggest: override a_get_human_input only."""

    def __init__(self, name, human, **kwargs):
        super().__init__(name, **kwargs)
        self.human = human

    async def a_get_human_input(self, prompt, **kwargs):  # ag2 also passes iostream=...
        reply = await self.human.ask(prompt, 5)
        self._human_input.append(reply)
        return reply


# -- QueueHuman --------------------------------------------------------------------------------
def test_ask_and_answer():
    async def main():
        human = QueueHuman()

        async def person():
            question = await human.questions.get()
            assert question.prompt == "ok? " and question.agent == "me"
            human.answer(question.id, "yes")

        task = asyncio.ensure_future(person())
        reply = await human.ask("ok? ", agent="me")
        await task
        return human, reply

    human, reply = asyncio.run(main())
    assert reply == "yes" and human.prompts == ["ok? "] and human.replies == ["yes"] and human.pending is None


def test_a_timeout_returns_none_and_a_late_answer_is_dropped():
    async def main():
        human = QueueHuman(timeout=0.1)
        slow = asyncio.ensure_future(scripted_answers(human, ["approve"], delay=0.4))
        first = await human.ask("first? ")
        await slow  # the late answer arrives while nobody waits
        fast = asyncio.ensure_future(scripted_answers(human, ["no"]))
        second = await human.ask("second? ", timeout=2)
        await fast
        return human, first, second

    human, first, second = asyncio.run(main())
    assert first is None and second == "no"
    assert [q.prompt for q in human.timed_out] == ["first? "]
    assert [text for _, text in human.late] == ["approve"]


def test_an_answer_that_races_its_timeout_never_answers_the_next_question():
    async def main():
        human = QueueHuman()
        first = await human.ask("first? ", timeout=0.05)
        expired = human.timed_out[0]
        human._answers.put_nowait((expired.id, "stale"))  # slipped in at the very instant it expired
        helper = asyncio.ensure_future(scripted_answers(human, ["fresh"]))
        second = await human.ask("second? ", timeout=2)
        await helper
        return first, second, human

    first, second, human = asyncio.run(main())
    assert first is None and second == "fresh" and human.late == [(human.timed_out[0].id, "stale")]


def test_next_question_skips_questions_that_expired_unseen():
    async def main():
        human = QueueHuman()
        assert await human.ask("old? ", timeout=0.05) is None  # nobody took it from the queue
        taken = asyncio.ensure_future(human.next_question())
        asked = asyncio.ensure_future(human.ask("new? ", timeout=2))
        question = await taken
        human.answer(question.id, "yes")
        return question, await asked

    question, reply = asyncio.run(main())
    assert question.prompt == "new? " and reply == "yes"


def test_answers_from_another_thread():
    async def main():
        human = QueueHuman(timeout=5)
        loop = asyncio.get_running_loop()

        async def web_handler():
            question = await human.questions.get()
            threading.Thread(target=human.answer_threadsafe, args=(loop, question.id, "from a thread")).start()

        task = asyncio.ensure_future(web_handler())
        reply = await human.ask("? ")
        await task
        return reply

    assert asyncio.run(main()) == "from a thread"


@pytest.mark.parametrize("bad", [0, -1, "5", True])
def test_bad_timeouts_are_refused(bad):
    with pytest.raises(ValueError, match="timeout"):
        QueueHuman(timeout=bad)


def test_bad_answers_are_refused():
    human = QueueHuman()
    with pytest.raises(TypeError, match="must be a str"):
        human.answer("id", None)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="question's id"):
        human.answer("", "x")
    human.answer("unknown", "x")  # no such question pending: dropped, and kept for inspection
    assert human.late == [("unknown", "x")]


@pytest.mark.parametrize(
    "reply,decision", [(None, "timed-out"), ("", "approved"), ("exit", "exit"), ("more", "feedback")]
)
def test_reply_decision(reply, decision):
    assert reply_decision(reply) == decision


# -- the asked-twice pitfall, on AutoGen's real agents -----------------------------------------
def _async_chat(proxy_class, mode, queue_replies, console_replies, llm_replies, limit=100):
    agent, llm = assistant(llm_replies)
    human = QueueHuman()
    proxy = proxy_class(
        "user",
        human,
        human_input_mode=mode,
        code_execution_config=False,
        max_consecutive_auto_reply=limit,
        is_termination_msg=is_term,
    )

    async def main():
        return await while_answering(
            proxy.a_initiate_chat(agent, message="go", silent=True), scripted_answers(human, queue_replies)
        )

    with ScriptedHuman(console_replies, echo=False) as console:
        result = asyncio.run(main())
    return human, console, llm, result


def _sync_chat(mode, replies, llm_replies, limit=100):
    agent, llm = assistant(llm_replies)
    proxy = autogen.UserProxyAgent(
        "user",
        human_input_mode=mode,
        code_execution_config=False,
        max_consecutive_auto_reply=limit,
        is_termination_msg=is_term,
    )
    with ScriptedHuman(replies, echo=False) as human:
        result = proxy.initiate_chat(agent, message="go", silent=True)
    return human, llm, result


def test_the_naive_override_asks_twice_through_the_console():
    human, console, llm, _ = _async_chat(NaiveQueueProxy, "ALWAYS", ["", "exit"], [""], ["one", "two", "three"])
    assert len(human.prompts) == 2
    assert console.prompts == human.prompts[:1]  # the same question again, through the blocking path


def test_the_naive_override_counts_auto_replies_twice():
    _, _, llm, _ = _async_chat(NaiveQueueProxy, "NEVER", [], [], [f"r{i}" for i in range(8)], limit=4)
    assert llm.call_count == 3  # 2 auto-replies, not 4


@pytest.mark.parametrize(
    "mode,replies,llm_replies,limit",
    [
        ("ALWAYS", ["", "more detail", "exit"], ["one", "two", "three"], 100),
        ("ALWAYS", ["", ""], ["one", "done TERMINATE"], 100),
        ("TERMINATE", ["", "exit"], ["a", "b", "c", "d", "e"], 2),
        ("TERMINATE", ["fix it", ""], ["draft TERMINATE", "fixed TERMINATE"], 100),
        ("NEVER", [], [f"r{i}" for i in range(8)], 4),
    ],
)
def test_queue_proxy_asks_once_per_turn_exactly_like_a_sync_chat(mode, replies, llm_replies, limit):
    sync_human, sync_llm, sync_result = _sync_chat(mode, replies, llm_replies, limit)
    human, console, llm, result = _async_chat(QueueHumanProxy, mode, replies, [], llm_replies, limit)
    assert console.prompts == []
    assert human.prompts == sync_human.prompts
    assert llm.call_count == sync_llm.call_count
    assert result.human_input == sync_result.human_input
    assert [m["content"] for m in result.chat_history] == [m["content"] for m in sync_result.chat_history]


def test_queue_proxy_in_a_sync_chat_refuses_to_block():
    agent, _ = assistant(["one"])
    proxy = QueueHumanProxy("user", QueueHuman(), human_input_mode="ALWAYS", code_execution_config=False)
    with pytest.raises(SyncChatError, match="a_initiate_chat"):
        proxy.initiate_chat(agent, message="go", silent=True)


def test_queue_proxy_in_a_sync_never_chat_still_works():
    agent, llm = assistant([f"r{i}" for i in range(5)])
    proxy = QueueHumanProxy(
        "user", QueueHuman(), human_input_mode="NEVER", code_execution_config=False, max_consecutive_auto_reply=3
    )
    proxy.initiate_chat(agent, message="go", silent=True)
    assert llm.call_count == 4


# -- timeouts ----------------------------------------------------------------------------------
def test_a_timeout_stops_the_chat_and_nothing_runs(tmp_path):
    agent, llm = assistant(["```python\nopen('ran.txt', 'w').write('x')\n```", "done TERMINATE"])
    human = QueueHuman()
    proxy = QueueHumanProxy(
        "user",
        human,
        timeout=0.2,
        audit_log=tmp_path / "audit.jsonl",
        human_input_mode="ALWAYS",
        code_execution_config={"work_dir": str(tmp_path), "use_docker": False},
    )

    async def main():
        slow = asyncio.ensure_future(scripted_answers(human, [""], delay=0.6))  # Enter would run the code
        result = await proxy.a_initiate_chat(agent, message="go", silent=True)
        await slow
        return result

    result = asyncio.run(main())
    assert result.human_input == ["exit"] and llm.call_count == 1
    assert not (tmp_path / "ran.txt").exists()
    assert [t for _, t in human.late] == [""]
    (record,) = read_audit_log(tmp_path / "audit.jsonl")
    assert record["decision"] == "timed-out" and record["response"] is None and "'exit'" in record["note"]


def test_a_timeout_can_deny_with_feedback_instead_of_stopping():
    agent, llm = assistant(["I'll delete it.", "OK, I won't."])
    proxy = QueueHumanProxy(
        "user",
        QueueHuman(),
        timeout=0.1,
        on_timeout="Denied: nobody approved in time.",
        human_input_mode="ALWAYS",
        code_execution_config=False,
    )
    result = asyncio.run(proxy.a_initiate_chat(agent, message="go", silent=True, max_turns=2))
    assert result.human_input == ["Denied: nobody approved in time."]
    assert llm.calls[-1].last_content == "Denied: nobody approved in time."


@pytest.mark.parametrize("bad", ["", "   ", None])
def test_a_timeout_that_would_proceed_is_refused(bad):
    with pytest.raises(ValueError, match="on_timeout must be non-empty"):
        QueueHumanProxy("user", QueueHuman(), on_timeout=bad)  # type: ignore[arg-type]


def test_the_proxy_needs_a_queue_human():
    with pytest.raises(TypeError, match="QueueHuman"):
        QueueHumanProxy("user", ScriptedHuman([]))  # type: ignore[arg-type]


# -- running it --------------------------------------------------------------------------------
def test_a_failing_responder_ends_the_chat_instead_of_hanging():
    agent, _ = assistant(["one"])
    human = QueueHuman()
    proxy = QueueHumanProxy("user", human, human_input_mode="ALWAYS", code_execution_config=False)

    async def broken_responder():
        await human.questions.get()
        raise RuntimeError("the web socket closed")

    with pytest.raises(RuntimeError, match="web socket closed"):
        asyncio.run(while_answering(proxy.a_initiate_chat(agent, message="go", silent=True), broken_responder()))


def test_run_async_works_with_and_without_a_running_loop():
    async def answer():
        return 42

    assert run_async(answer()) == 42

    async def inside_a_loop():  # as in a notebook cell
        return run_async(answer())

    assert asyncio.run(inside_a_loop()) == 42

    async def fails():
        raise KeyError("x")

    async def failing_inside():
        return run_async(fails())

    with pytest.raises(KeyError):
        asyncio.run(failing_inside())


def test_queue_fed_exchanges_appear_in_the_recorded_timeline():
    import autogen

    from hitl_modes import QueueHuman, QueueHumanProxy, ScriptedLLM, a_record_chat, run_async, scripted_answers
    from hitl_modes.agents.queue_human import while_answering

    llm = ScriptedLLM(["plan v1", "plan v2 TERMINATE"])
    assistant = llm.register(autogen.AssistantAgent("assistant", llm_config=llm.llm_config))
    human = QueueHuman()
    proxy = QueueHumanProxy(
        "user",
        human,
        human_input_mode="ALWAYS",
        code_execution_config=False,
        is_termination_msg=lambda m: "TERMINATE" in (m.get("content") or ""),
    )

    async def main():
        return await while_answering(
            a_record_chat(proxy, assistant, "plan", quiet=True, silent=True),
            scripted_answers(human, ["add a test step", ""]),
        )

    run = run_async(main())
    assert run.trace.human_replies == ["add a test step", ""]
    assert [m.source for m in run.trace.messages] == ["task", "llm", "human", "llm"]
    assert run.trace.stop_reason == "termination_msg"
