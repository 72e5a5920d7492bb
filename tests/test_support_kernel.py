"""The test suite's own Jupyter driver (tests/support/jupyter.py) reports the status of the cell it
ran. Issue 21: on a busy machine ``wait_for_ready`` sends several kernel_info requests before the
kernel answers, and their late replies queue on the shell channel; reading the first shell message
once reported a stale "ok" for an interrupted cell."""

from __future__ import annotations

import os

from tests.support.jupyter import Kernel


def test_a_cells_status_is_its_own_reply_not_a_stale_one(tmp_path):
    kernel = Kernel(tmp_path, dict(os.environ))
    try:
        kernel.client.kernel_info()  # replies nobody reads, as a slow start leaves them
        kernel.client.kernel_info()
        assert kernel.execute("raise ValueError('boom')").status == "error"
        assert kernel.execute("x = 1").status == "ok"
    finally:
        kernel.close()
