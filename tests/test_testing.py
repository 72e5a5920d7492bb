"""The pytest plugin: pytest finds it through the ``pytest11`` entry point, in a fresh project with no
conftest, and loading it costs nothing until a fixture is used."""

from __future__ import annotations

import json

CHAT = """
import autogen


def chat(llm, mode="TERMINATE"):
    assistant = llm.register(autogen.AssistantAgent("assistant", llm_config=llm.llm_config))
    user_proxy = autogen.UserProxyAgent(
        "user_proxy",
        human_input_mode=mode,
        code_execution_config=False,
        is_termination_msg=lambda m: "TERMINATE" in (m.get("content") or ""),
    )
    return user_proxy.initiate_chat(assistant, message="Write a haiku.", silent=True)
"""


def test_the_fixtures_work_in_a_fresh_project_with_no_conftest(pytester):
    pytester.makepyfile(
        test_haiku=CHAT
        + """

def test_feedback_reaches_the_model(scripted_human, scripted_llm):
    human = scripted_human(["shorter", ""], echo=False)
    llm = scripted_llm(["draft TERMINATE", "short TERMINATE"])
    result = chat(llm)
    assert result.human_input == ["shorter", ""]
    assert llm.calls[1].last_content == "shorter" and human.call_count == 2


def test_leftovers_are_allowed_when_not_strict(scripted_human, scripted_llm):
    scripted_human(["", "spare"], strict=False, echo=False)
    chat(scripted_llm(["done TERMINATE", "spare"], strict=False))
"""
    )
    assert not list(pytester.path.glob("conftest.py"))
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)


def test_strict_teardown_fails_a_test_that_leaves_a_scripted_reply_unused(pytester):
    pytester.makepyfile(
        test_leftovers=CHAT
        + """

def test_human_leftover(scripted_human, scripted_llm):
    scripted_human(["", "never asked"], echo=False)
    chat(scripted_llm(["done TERMINATE"]))


def test_llm_leftover(scripted_llm):
    chat(scripted_llm(["done TERMINATE", "never said"]), mode="NEVER")
"""
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2, errors=2)  # each test passed; its teardown failed
    result.stdout.fnmatch_lines(
        [
            "*ERROR at teardown of test_human_leftover*",
            "*UnusedScriptError: ScriptedHuman: 1 of 2 replies were never used (asked 1 time). "
            "Unused: ?'never asked'?. Remove them from the script, or pass strict=False*",
            "*ERROR at teardown of test_llm_leftover*",
            "*UnusedScriptError: ScriptedLLM for agent 'assistant': 1 of 2 replies were never used*'never said'*",
        ],
        consecutive=False,
    )


def test_loading_the_plugin_does_not_import_autogen(pytester):
    """A fresh interpreter: every pytest run in a project that installs hitl-modes loads the plugin."""
    pytester.makeconftest(
        """
import json, sys

def pytest_collection_finish(session):
    plugin = session.config.pluginmanager.get_plugin("hitl_modes")
    report = {"plugin": getattr(plugin, "__name__", None), "autogen": "autogen" in sys.modules}
    (session.config.rootpath / "report.json").write_text(json.dumps(report))
"""
    )
    pytester.makepyfile(test_trivial="def test_nothing():\n    pass\n")
    result = pytester.runpytest_subprocess("--co", "-p", "no:cacheprovider")
    assert result.ret == 0, result.stdout.str()
    report = json.loads((pytester.path / "report.json").read_text())
    assert report == {"plugin": "hitl_modes.testing", "autogen": False}


def test_using_a_fixture_is_what_imports_autogen(pytester):
    pytester.makepyfile(
        test_uses="""
import sys

def test_before():
    assert "autogen" not in sys.modules and "hitl_modes.testing" in sys.modules

def test_with_the_fixture(scripted_human):
    scripted_human([])
    assert "autogen" in sys.modules
"""
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)
