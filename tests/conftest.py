import pytest

pytest_plugins = ["hitl_modes.testing"]


@pytest.fixture(autouse=True)
def _isolated_cwd(tmp_path, monkeypatch):
    """Every test runs in its own folder, so a stray disk cache or work dir would be visible."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OAI_CONFIG_LIST", raising=False)


import sys as _sys
from pathlib import Path as _Path

_sys.path.insert(0, str(_Path(__file__).parent))  # test helpers such as fake_openai_server
