"""A copy of this checkout as a fresh clone of it would hold it: the files git would commit, nothing built."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Callable, Optional

ROOT = Path(__file__).resolve().parents[2]


def copy_checkout(dest: Path, keep: Optional[Callable[[str], bool]] = None) -> Path:
    """Copy the tracked files and the new ones git does not ignore (work not yet committed counts, as it
    would in the clone of its commit); ``keep(path)`` may leave some out. No venv, no build/, no site/."""
    listed = subprocess.run(
        ["git", "-C", str(ROOT), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in sorted(set(filter(None, listed.split("\0")))):
        source = ROOT / name
        if not source.is_file() or (keep is not None and not keep(name)):
            continue  # deleted in the work tree, or left out
        target = dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)
    return dest
