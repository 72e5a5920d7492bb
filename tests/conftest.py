import pytest

pytest_plugins = ["hitl_modes.testing"]


@pytest.fixture(autouse=True)
def _isolated_cwd(tmp_path, monkeypatch):
    """Every test runs in its own folder, so a stray disk cache or work dir would be visible."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OAI_CONFIG_LIST", raising=False)
