"""ScriptedModelServer: a scripted model behind a real loopback socket reaches agents AutoGen builds itself."""

from __future__ import annotations

import http.client
import json
from urllib.parse import urlparse

import autogen
import pytest

from hitl_modes import ScriptedLLM, ScriptExhaustedError, tool_call
from hitl_modes.chat.server import ScriptedModelServer


def _group(server: ScriptedModelServer, max_round: int, method: str = "auto"):
    user = autogen.UserProxyAgent("user", human_input_mode="NEVER", code_execution_config=False)
    alice = autogen.AssistantAgent("alice", llm_config=server.llm_config("alice"))
    bob = autogen.AssistantAgent("bob", llm_config=server.llm_config("bob"))
    chat = autogen.GroupChat([user, alice, bob], messages=[], max_round=max_round, speaker_selection_method=method)
    manager = autogen.GroupChatManager(chat, llm_config=server.llm_config("selector"))
    return user, chat, manager


def test_auto_speaker_selection_is_answered_by_the_selector_route():
    """AutoGen's internal speaker_selection_agent is built from the manager's llm_config: the route reaches it."""
    routes = {"alice": ["Alice here."], "bob": ["Bob here."], "selector": ["bob", "alice"]}
    with ScriptedModelServer(routes) as server:
        user, chat, manager = _group(server, max_round=3)
        user.initiate_chat(manager, message="Hello team", silent=True)
    assert [(m["name"], m["content"]) for m in chat.messages] == [
        ("user", "Hello team"),
        ("bob", "Bob here."),
        ("alice", "Alice here."),
    ]
    assert [r.model for r in server.calls] == ["selector", "bob", "selector", "alice"]
    assert server.call_count == 4 and server.last is server.calls[-1] and server.last.model == "alice"
    selector = server.route("selector")
    assert "select the next role" in selector.last.last_content
    server.assert_all_used()


def test_a_route_past_its_script_stops_the_chat_with_the_scripts_own_error():
    routes = {"alice": ["Alice here."], "bob": ["Bob here."], "selector": ["alice"]}
    with pytest.raises(ScriptExhaustedError) as info:
        with ScriptedModelServer(routes) as server:
            user, _, manager = _group(server, max_round=4)
            user.initiate_chat(manager, message="Hello team", silent=True)
    assert "'selector'" in str(info.value) and "#2" in str(info.value)
    assert info.value.call == 2
    # max_retries is 0: the refused request was sent exactly once.
    assert [r.model for r in server.calls] == ["selector", "alice", "selector"]


def test_an_unknown_model_is_refused_with_the_routes_listed():
    with pytest.raises(Exception, match=r"no route for model 'mystery'.*\['alice'\]"):
        with ScriptedModelServer({"alice": []}) as server:
            user = autogen.UserProxyAgent("user", human_input_mode="NEVER", code_execution_config=False)
            agent = autogen.AssistantAgent("x", llm_config=server.llm_config("mystery"))
            user.initiate_chat(agent, message="hi", max_turns=1, silent=True)


def test_a_default_script_answers_every_model_in_call_order():
    with ScriptedModelServer(default=["first", "second"]) as server:
        user = autogen.UserProxyAgent("user", human_input_mode="NEVER", code_execution_config=False)
        a = autogen.AssistantAgent("a", llm_config=server.llm_config("gpt-4o"))
        b = autogen.AssistantAgent("b", llm_config=server.llm_config("gpt-4o-mini"))
        first = user.initiate_chat(a, message="hi", max_turns=1, silent=True)
        second = user.initiate_chat(b, message="hi", max_turns=1, silent=True)
    assert (first.summary, second.summary) == ("first", "second")
    assert [r.model for r in server.calls] == ["gpt-4o", "gpt-4o-mini"]


def test_a_tool_call_reply_runs_the_registered_tool():
    def lookup(q: str) -> str:
        return f"lookup result for {q}"

    script = ScriptedLLM([tool_call("lookup", q="pins"), "Found it. TERMINATE"])
    with ScriptedModelServer({"assistant": script}) as server:
        assistant = autogen.AssistantAgent("assistant", llm_config=server.llm_config("assistant"))
        user = autogen.UserProxyAgent(
            "user",
            human_input_mode="NEVER",
            code_execution_config=False,
            is_termination_msg=lambda m: "TERMINATE" in (m.get("content") or ""),
        )
        autogen.register_function(lookup, caller=assistant, executor=user, description="Look something up.")
        user.initiate_chat(assistant, message="Find the pins.", silent=True)
    tool_message = script.calls[1].messages[-1]
    assert tool_message["role"] == "tool" and tool_message["content"] == "lookup result for pins"
    assert server.calls[0].body["tools"][0]["function"]["name"] == "lookup"


def _post(server: ScriptedModelServer, path: str, body: bytes):
    url = urlparse(server.base_url)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
    conn.request("POST", path, body=body, headers={"Content-Type": "application/json"})
    response = conn.getresponse()
    data = json.loads(response.read())
    conn.close()
    return response.status, data


@pytest.mark.parametrize(
    "path, body, status, words",
    [
        ("/v1/chat/completions", b"{not json", 400, "not valid JSON"),
        ("/v1/chat/completions", b"[1, 2]", 400, "not a JSON object"),
        ("/v1/embeddings", b"{}", 404, "/v1/chat/completions only"),
    ],
)
def test_bad_requests_get_a_clear_error_and_use_no_reply(path, body, status, words):
    with ScriptedModelServer({"m": ["unused"]}) as server:
        got_status, data = _post(server, path, body)
    assert got_status == status and words in data["error"]["message"]
    assert server.route("m").remaining == ["unused"]


def test_the_config_never_retries_and_keeps_the_disk_cache_off():
    with ScriptedModelServer({"m": []}) as server:
        config = server.llm_config("m")
    assert config["config_list"][0]["max_retries"] == 0
    assert config["cache_seed"] is None


def test_on_answer_hears_every_request_answered_or_refused():
    heard = []
    with ScriptedModelServer(default=["only one"], on_answer=lambda r, reply, err: heard.append((r, reply, err))) as s:
        ok = _post(s, "/v1/chat/completions", json.dumps({"model": "x", "messages": []}).encode())
        refused = _post(s, "/v1/chat/completions", json.dumps({"model": "y", "messages": []}).encode())
    assert ok[0] == 200 and refused[0] == 400 and refused[1]["error"]["code"] == "script_exhausted"
    assert [(r.call, r.model, reply) for r, reply, _ in heard] == [(1, "x", "only one"), (2, "y", None)]
    assert heard[0][2] is None and isinstance(heard[1][2], ScriptExhaustedError)


def test_a_subclass_answers_its_own_way_through_reply_for():
    class Echo(ScriptedModelServer):
        def reply_for(self, body):
            return "echo: " + body["messages"][-1]["content"]

    with Echo() as server:
        status, data = _post(
            server,
            "/v1/chat/completions",
            json.dumps({"model": "m", "messages": [{"role": "user", "content": "hi"}]}).encode(),
        )
    assert status == 200 and data["choices"][0]["message"]["content"] == "echo: hi"
