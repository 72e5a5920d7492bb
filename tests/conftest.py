import pytest

# The scripted_human and scripted_llm fixtures come from the installed package (its pytest11 entry
# point); pytester runs fresh pytest projects in tests/test_testing.py.
pytest_plugins = ["pytester"]


@pytest.fixture(autouse=True)
def _isolated_cwd(tmp_path, monkeypatch):
    """Every test runs in its own folder, so a stray disk cache or work dir would be visible."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OAI_CONFIG_LIST", raising=False)
