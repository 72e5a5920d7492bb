"""The course's website (``built_site``, in tests/conftest.py: built once per test run from a copy of the
checkout) served on loopback, and a browser."""

from __future__ import annotations

import re
import subprocess
import sys
from typing import Any, Iterator

import pytest

from tests.support.browser import chromium


@pytest.fixture(scope="module")
def site_url(built_site) -> Iterator[str]:
    """``python -m http.server`` serving the site on loopback, as the README says to."""
    proc = subprocess.Popen(
        [sys.executable, "-u", "-m", "http.server", "0", "--bind", "127.0.0.1", "-d", str(built_site / "site")],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        stdin=subprocess.DEVNULL,
        text=True,
    )
    try:
        line = proc.stdout.readline() if proc.stdout else ""
        port = re.search(r"port (\d+)", line)
        assert port, f"http.server said: {line!r}"
        yield f"http://127.0.0.1:{port.group(1)}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as launched:
        yield launched
