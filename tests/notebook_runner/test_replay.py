"""run_notebook replays real notebooks in real kernels: each configuration style, each human_input_mode,
code execution, getpass, a group chat with automatic speaker selection, and AutoGen's disk cache."""

from __future__ import annotations

from pathlib import Path

from hitl_modes.notebook_runner.runner import run_notebook
from tests.support.notebooks import output_text, write_notebook, write_script


def _run(folder: Path, name: str, cells, script, **kwargs):
    notebook = write_notebook(folder, name, cells)
    run = run_notebook(notebook, write_script(folder, f"{name}.replay.json", script), **kwargs)
    return notebook, run


def test_env_key_style_terminate_mode_in_the_notebooks_folder_with_no_way_off_the_machine(tmp_path):
    (tmp_path / "data.txt").write_text("beside the notebook")
    cells = [
        """
        import os, urllib.request
        import autogen
        print(open("data.txt").read())
        """,
        """
        config_list = [{"model": "gpt-4o-mini", "api_key": os.environ["OPENAI_API_KEY"]}]
        assistant = autogen.AssistantAgent("assistant", llm_config={"config_list": config_list})
        user = autogen.UserProxyAgent(
            "user",
            human_input_mode="TERMINATE",
            code_execution_config=False,
            is_termination_msg=lambda m: (m.get("content") or "").endswith("TERMINATE"),
        )
        result = user.initiate_chat(assistant, message="Plan the launch.")
        """,
        """
        assert result.chat_history[-1]["content"] == "Budget added. TERMINATE", result.chat_history
        try:
            urllib.request.urlopen("http://example.com/", timeout=20)
        except OSError as e:
            print("offline:", e)
        """,
    ]
    script = {"model": ["Plan v1.", "Final plan. TERMINATE", "Budget added. TERMINATE"], "human": ["add a budget", ""]}
    notebook, run = _run(tmp_path, "terminate", cells, script)
    assert run.exit_code == 0, run.message
    assert run.model_calls == 3 and run.human_prompts == 2
    text = output_text(tmp_path / "terminate.replayed.ipynb")
    assert "beside the notebook" in text  # the kernel's working directory is the notebook's folder
    assert "user (to assistant):" in text and "Budget added. TERMINATE" in text  # AutoGen's own printing
    assert "offline:" in text and "Connection refused" in text
    human = [line for line in run.timeline if "human prompt" in line]
    assert "Please give feedback to assistant" in human[0] and human[0].endswith("-> 'add a budget'")
    assert human[1].endswith("-> ''")
    model = [line for line in run.timeline if "model call" in line]
    assert "last from user: 'add a budget'" in model[2] and "reply #3: 'Budget added. TERMINATE'" in model[2]
    assert not (tmp_path / ".cache").exists()


def test_oai_config_list_file_style_never_mode_with_code_execution(tmp_path):
    cells = [
        """
        import json, os
        import autogen
        with open(os.environ["OAI_CONFIG_LIST"]) as f:  # the variable names a file
            print("file lists", len(json.load(f)), "models")
        config_list = autogen.config_list_from_json("OAI_CONFIG_LIST", filter_dict={"model": ["gpt-4"]})
        print([c["model"] for c in config_list])
        """,
        """
        coder = autogen.AssistantAgent("coder", llm_config={"config_list": config_list, "cache_seed": None})
        runner = autogen.UserProxyAgent(
            "runner",
            human_input_mode="NEVER",
            code_execution_config={"work_dir": "coding", "use_docker": False},
            is_termination_msg=lambda m: "TERMINATE" in (m.get("content") or ""),
        )
        result = runner.initiate_chat(coder, message="Compute 6*7.")
        assert "Code output: \\n42" in result.chat_history[2]["content"], result.chat_history
        """,
    ]
    script = {"model": ["```python\nprint(6 * 7)\n```", "It is 42. TERMINATE"]}
    notebook, run = _run(tmp_path, "config_file", cells, script)
    assert run.exit_code == 0, run.message
    text = output_text(tmp_path / "config_file.replayed.ipynb")
    assert "file lists 5 models" in text and "['gpt-4']" in text
    assert "EXECUTING CODE BLOCK" in text
    assert (tmp_path / "coding").is_dir()  # relative work_dir: the notebook's folder
    assert "(gpt-4, 4 messages, last from runner: 'exitcode: 0" in run.timeline[1]


def test_explicit_base_url_style_always_mode_and_a_getpass(tmp_path):
    cells = [
        """
        import getpass, os
        import autogen
        key = getpass.getpass("API key: ")
        config_list = [{"model": "local-llama", "base_url": os.environ["OPENAI_BASE_URL"], "api_key": key}]
        """,
        """
        assistant = autogen.AssistantAgent("assistant", llm_config={"config_list": config_list})
        user = autogen.UserProxyAgent("user", human_input_mode="ALWAYS", code_execution_config=False)
        result = user.initiate_chat(assistant, message="Hello")
        assert [m["content"] for m in result.chat_history] == ["Hello", "Hi.", "tell me more", "More detail."]
        assert key == "sk-typed-by-a-person"
        """,
    ]
    script = {"model": ["Hi.", "More detail."], "human": ["sk-typed-by-a-person", "tell me more", "exit"]}
    notebook, run = _run(tmp_path, "always", cells, script)
    assert run.exit_code == 0, run.message
    assert run.timeline[0] == "[cell 1] human prompt #1 (getpass) 'API key:' -> (hidden)"
    assert "sk-typed-by-a-person" not in "\n".join(run.timeline)
    assert "(local-llama, 2 messages" in run.timeline[1]
    assert run.timeline[-1].endswith("-> 'exit'")


def test_a_group_chat_with_automatic_speaker_selection(tmp_path):
    cells = [
        """
        import autogen
        llm = {"config_list": autogen.config_list_from_json("OAI_CONFIG_LIST"), "cache_seed": None}
        user = autogen.UserProxyAgent("user", human_input_mode="NEVER", code_execution_config=False)
        alice = autogen.AssistantAgent("alice", llm_config=llm)
        bob = autogen.AssistantAgent("bob", llm_config=llm)
        chat = autogen.GroupChat([user, alice, bob], messages=[], max_round=3, speaker_selection_method="auto")
        manager = autogen.GroupChatManager(chat, llm_config=llm)
        user.initiate_chat(manager, message="Hello team")
        assert [m["name"] for m in chat.messages] == ["user", "bob", "alice"], chat.messages
        """,
    ]
    script = {"model": ["bob", "Bob here.", "alice", "Alice here."]}
    notebook, run = _run(tmp_path, "group", cells, script)
    assert run.exit_code == 0, run.message
    assert [line.split(" -> ")[1] for line in run.timeline] == [
        "reply #1: 'bob'",
        "reply #2: 'Bob here.'",
        "reply #3: 'alice'",
        "reply #4: 'Alice here.'",
    ]
    assert "last from checking_agent: 'Read the above conversation. Then select the next" in run.timeline[0]


CACHED = [
    """
    import autogen
    from autogen import Cache
    llm = {"config_list": autogen.config_list_from_json("OAI_CONFIG_LIST")}  # cache_seed: AutoGen's 41

    def ask(**kwargs):
        assistant = autogen.AssistantAgent("assistant", llm_config=llm)
        user = autogen.UserProxyAgent("user", human_input_mode="NEVER", code_execution_config=False)
        return user.initiate_chat(assistant, message="Same question", max_turns=1, **kwargs).chat_history
    """,
    """
    first, second = ask(), ask()
    with Cache.disk(cache_seed=41) as cache:  # the explicit way to the same cache
        third = ask(cache=cache)
    assert first == second == third, (first, second, third)
    print(third[-1]["content"])
    """,
]


def test_the_disk_cache_answers_repeats_within_a_run_and_nothing_leaks_between_runs(tmp_path):
    """Three identical requests, one scripted reply: the cache answered two of them. A second run
    gives the same result (a cache left by the first would leave the reply unused: exit 3)."""
    notebook = write_notebook(tmp_path, "cached", CACHED)
    script = write_script(tmp_path, "cached.replay.json", {"model": ["The one answer."]})
    first = run_notebook(notebook, script)
    assert first.exit_code == 0, first.message
    assert first.model_calls == 1
    assert not (tmp_path / ".cache").exists()
    second = run_notebook(notebook, script)
    assert (second.exit_code, second.timeline) == (0, first.timeline), second.message
    assert "The one answer." in output_text(tmp_path / "cached.replayed.ipynb")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cached.ipynb", "cached.replay.json", "cached.replayed.ipynb"]


def test_a_scripted_tool_call_runs_the_notebooks_registered_function(tmp_path):
    cells = [
        """
        import autogen
        llm = {"config_list": autogen.config_list_from_json("OAI_CONFIG_LIST"), "cache_seed": None}
        assistant = autogen.AssistantAgent("assistant", llm_config=llm)
        user = autogen.UserProxyAgent(
            "user",
            human_input_mode="NEVER",
            code_execution_config=False,
            is_termination_msg=lambda m: (m.get("content") or "").endswith("TERMINATE"),
        )

        def add(a: int, b: int) -> int:
            return a + b

        autogen.register_function(add, caller=assistant, executor=user, description="Add two numbers")
        result = user.initiate_chat(assistant, message="What is 2 + 3?")
        assert result.chat_history[2]["content"] == "5", result.chat_history
        """,
    ]
    script = {
        "model": [{"tool_calls": [{"name": "add", "arguments": {"a": 2, "b": 3}}]}, "The sum is 5. TERMINATE"],
    }
    notebook, run = _run(tmp_path, "tools", cells, script)
    assert run.exit_code == 0, run.message
    assert run.timeline[0].endswith("-> reply #1: tool call add")
    assert "last from tool: '5'" in run.timeline[1]


def test_a_cache_the_user_already_has_never_answers_a_replay(tmp_path):
    """The user ran the notebook for real first (here: plain nbclient against a loopback model), which
    left `.cache/41` beside it holding the answer. The replay neither reads nor changes it."""
    import json
    import os

    import nbformat
    from nbclient import NotebookClient

    from hitl_modes.chat.server import ScriptedModelServer

    notebook = write_notebook(tmp_path, "cached", CACHED)
    with ScriptedModelServer(default=["The user's own answer."]) as real:
        config = tmp_path.parent / f"{tmp_path.name}-OAI_CONFIG_LIST"
        config.write_text(json.dumps([{"model": "gpt-4o-mini", "base_url": real.base_url, "api_key": "k"}]))
        env = dict(os.environ, OAI_CONFIG_LIST=str(config))
        nb = nbformat.read(str(notebook), as_version=4)
        NotebookClient(nb, kernel_name="python3", timeout=600).execute(cwd=str(tmp_path), env=env)
    assert (tmp_path / ".cache" / "41").is_dir() and real.call_count == 1
    before = sorted((p.name, p.stat().st_mtime_ns) for p in (tmp_path / ".cache").rglob("*"))

    run = run_notebook(notebook, write_script(tmp_path, "cached.replay.json", {"model": ["The one answer."]}))
    assert run.exit_code == 0, run.message  # the script's reply was used: the user's cache answered nothing
    assert "The one answer." in output_text(tmp_path / "cached.replayed.ipynb")
    assert sorted((p.name, p.stat().st_mtime_ns) for p in (tmp_path / ".cache").rglob("*")) == before
