"""Issue 22, item 1: a notebook's ``filter_dict`` on ``tags``, ``model`` or ``api_type`` finds what it finds
with the author's own ``OAI_CONFIG_LIST``, every entry it finds reaches the scripted server (Azure ones too),
and ``--record`` keeps the author's entries' fields (never their keys or endpoints)."""

from __future__ import annotations

import json
import os

from hitl_modes.chat.server import SCRIPTED_API_KEY, ScriptedModelServer
from hitl_modes.notebook_runner.kernel import entry_number, kernel_config_list
from hitl_modes.notebook_runner.record import record_notebook
from hitl_modes.notebook_runner.runner import run_notebook
from tests.support.notebooks import output_text, write_notebook, write_script

FILTERS = [
    """
    import autogen
    from autogen import OpenAIWrapper

    tools = autogen.config_list_from_json("OAI_CONFIG_LIST", filter_dict={"tags": ["tool"]})
    azure = autogen.config_list_from_json("OAI_CONFIG_LIST", filter_dict={"api_type": ["azure"]})
    gpt4 = autogen.config_list_from_json("OAI_CONFIG_LIST", filter_dict={"model": ["gpt-4"]})
    print("tools:", [(c["model"], c.get("api_type")) for c in tools])
    print("azure:", [c["model"] for c in azure])
    print("gpt-4:", [c.get("api_type", "openai") for c in gpt4])
    """,
    """
    for entry in tools:  # each entry on its own: every one must reach the server
        client = OpenAIWrapper(config_list=[entry], cache_seed=None)
        reply = client.create(messages=[{"role": "user", "content": "hi " + entry["model"]}])
        print(entry["model"], "->", reply.choices[0].message.content)
    """,
]

AUTHORS_LIST = [
    {"model": "gpt-4", "tags": ["tool", "gpt-4"]},
    {"model": "gpt-35-turbo", "api_type": "azure", "api_version": "2024-02-01", "tags": ["tool"]},
    {"model": "gpt-4", "api_type": "azure", "api_version": "2024-02-01", "tags": ["big"]},
]


def test_filters_on_tags_api_type_and_model_find_the_authors_entries_and_each_reaches_the_server(tmp_path):
    notebook = write_notebook(tmp_path, "filters", FILTERS)
    script = write_script(tmp_path, "filters.replay.json", {"config_list": AUTHORS_LIST, "model": ["one", "two"]})
    run = run_notebook(notebook, script)
    assert run.exit_code == 0, run.message
    text = output_text(tmp_path / "filters.replayed.ipynb")
    assert "tools: [('gpt-4', None), ('gpt-35-turbo', 'azure')]" in text
    assert "azure: ['gpt-35-turbo', 'gpt-4']" in text
    assert "gpt-4: ['openai', 'azure']" in text
    assert "gpt-4 -> one" in text and "gpt-35-turbo -> two" in text  # the Azure entry too, through AzureOpenAI
    assert [line.split(" (")[1].split(",")[0] for line in run.timeline] == ["gpt-4", "gpt-35-turbo"]


def test_the_kernels_list_keeps_every_field_and_points_each_entry_at_its_own_path():
    listed = kernel_config_list(AUTHORS_LIST, "http://127.0.0.1:5000/v1")
    assert [{k: v for k, v in e.items() if k not in ("api_key", "base_url")} for e in listed] == AUTHORS_LIST
    assert {e["api_key"] for e in listed} == {SCRIPTED_API_KEY}
    assert [e["base_url"] for e in listed] == [f"http://127.0.0.1:5000/oai-config-list/{n}" for n in (1, 2, 3)]
    assert entry_number("/oai-config-list/2/openai/deployments/gpt-35-turbo/chat/completions?api-version=1") == 2
    assert entry_number("/v1/chat/completions") is None


RECORDED = [
    """
    import autogen
    from autogen import OpenAIWrapper

    found = autogen.config_list_from_json("OAI_CONFIG_LIST", filter_dict={"tags": ["tool"]})
    for entry in found:
        reply = OpenAIWrapper(config_list=[entry], cache_seed=None).create(messages=[{"role": "user", "content": "hi"}])
        print(entry["model"], "->", reply.choices[0].message.content)
    """
]


def test_recording_forwards_each_entry_to_the_authors_endpoint_and_keeps_its_fields_but_not_its_keys(tmp_path):
    notebook = write_notebook(tmp_path, "recorded", RECORDED)
    with ScriptedModelServer(default=["from openai"]) as openai, ScriptedModelServer(default=["from azure"]) as azure:
        authors = [
            {"model": "gpt-4", "api_key": "sk-openai-secret", "base_url": openai.base_url, "tags": ["tool"]},
            {
                "model": "gpt-35-turbo",
                "api_key": "azure-secret",
                "base_url": azure.base_url,
                "api_type": "azure",
                "api_version": "2024-02-01",
                "tags": ["tool", "3.5"],
            },
            {"model": "gpt-4o", "api_key": "sk-other", "base_url": openai.base_url, "tags": ["other"]},
        ]
        env = {k: v for k, v in os.environ.items() if k not in ("OPENAI_API_KEY", "OPENAI_BASE_URL")}
        env["OAI_CONFIG_LIST"] = json.dumps(authors)
        run = record_notebook(notebook, tmp_path / "recorded.replay.json", env=env)
    assert run.exit_code == 0, run.message
    assert "gpt-4 -> from openai" in output_text(tmp_path / "recorded.replayed.ipynb")
    assert "gpt-35-turbo -> from azure" in output_text(tmp_path / "recorded.replayed.ipynb")
    (to_openai,), (to_azure,) = openai.calls, azure.calls
    assert to_openai.headers["Authorization"] == "Bearer sk-openai-secret"
    assert to_azure.path.endswith("/openai/deployments/gpt-35-turbo/chat/completions?api-version=2024-02-01")
    assert {k.lower(): v for k, v in to_azure.headers.items()}["api-key"] == "azure-secret"

    text = (tmp_path / "recorded.replay.json").read_text()
    script = json.loads(text)
    assert script["config_list"] == [{k: v for k, v in a.items() if k not in ("api_key", "base_url")} for a in authors]
    assert script["model"] == ["from openai", "from azure"]
    assert "secret" not in text and "127.0.0.1" not in text

    replay = run_notebook(notebook, tmp_path / "recorded.replay.json", output=tmp_path / "again.ipynb")
    assert replay.exit_code == 0, replay.message
    assert "gpt-35-turbo -> from azure" in output_text(tmp_path / "again.ipynb")
