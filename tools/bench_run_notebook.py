"""``make bench``, run-notebook part: each replay against a plain ``python`` run of the same notebook's code.

For every notebook of the corpus (AutoGen 0.2's own, ``tests/notebook_runner/autogen_notebooks/``) and the
example (``examples/run_notebook/``), alternating, ``--runs`` times:

- **replay**: ``python -m hitl_modes run-notebook NOTEBOOK --script SCRIPT --output ...``, the whole
  command (its start-up, the kernel's, the notebook, writing the executed notebook);
- **plain**: ``python PLAIN NOTEBOOK``, where PLAIN executes the notebook's code cells in order with
  ``compile``/``exec`` (top-level ``await`` included), against a ``ScriptedModelServer`` on loopback
  answering from the same script, with ``OAI_CONFIG_LIST`` naming the same entries, the script's ``env``,
  and the human's answers on stdin; a fresh folder each run (AutoGen's disk cache starts empty, as in a
  replay).

A replay's kernel also gets a refusing proxy and a one-certificate CA bundle (see
``hitl_modes/notebook_runner/kernel.py``); the plain run does not. A third column, **plain in the
kernel's environment**, gives the plain run those too, so the figure that isolates what the runner adds
(kernel, messages, start-up) is printed beside the one the issue asks for.

Prints each notebook's median times and ratios, and the median of the per-notebook ratios against the
target (at most 1.25). Nothing is asserted.
"""

from __future__ import annotations

import functools
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable, Dict, List, Mapping, Optional, Sequence, Tuple

from compat_matrix import ROOT  # tools/ is on sys.path: this runs as a script

__all__ = ["PLAIN_RUNNER", "corpus", "measure", "report", "TARGET"]

TARGET = 1.25

#: Runs a notebook's code cells as plain Python: no Jupyter, no IPython.
PLAIN_RUNNER = """\
import ast, asyncio, json, sys

cells = json.load(open(sys.argv[1], encoding="utf-8"))["cells"]
namespace = {"__name__": "__main__"}
loop = asyncio.new_event_loop()
for cell in cells:
    if cell["cell_type"] != "code":
        continue
    code = compile("".join(cell["source"]), "<cell>", "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
    result = eval(code, namespace)
    if asyncio.iscoroutine(result):
        loop.run_until_complete(result)
"""


def corpus() -> List[Tuple[Path, Path]]:
    """(notebook, script) pairs: AutoGen's own notebooks, then the lesson-sized example."""
    folders = [ROOT / "tests" / "notebook_runner" / "autogen_notebooks", ROOT / "examples" / "run_notebook"]
    pairs = []
    for folder in folders:
        for notebook in sorted(folder.glob("*.ipynb")):
            script = notebook.with_name(notebook.stem + ".replay.json")
            if script.is_file() and not notebook.name.endswith(".replayed.ipynb"):
                pairs.append((notebook, script))
    return pairs


def _timed(cmd: Sequence[str], *, cwd: Path, env: Mapping[str, str], stdin: str = "") -> float:
    start = time.perf_counter()
    proc = subprocess.run(list(cmd), cwd=cwd, env=dict(env), input=stdin, capture_output=True, text=True, timeout=600)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {proc.returncode}:\n{proc.stdout[-1500:]}\n{proc.stderr[-1500:]}")
    return elapsed


def _fresh_copy(notebook: Path, into: Path) -> Path:
    into.mkdir(parents=True)
    shutil.copy(notebook, into / notebook.name)
    return into / notebook.name


def _replay(notebook: Path, script: Path, work: Path, env: Mapping[str, str]) -> float:
    copy = _fresh_copy(notebook, work)
    cmd = [sys.executable, "-m", "hitl_modes", "run-notebook", copy.name, "--script", str(script)]
    return _timed([*cmd, "--output", str(work / "out.ipynb")], cwd=work, env=env)


def _plain(notebook: Path, script: Path, work: Path, env: Mapping[str, str], kernel_like: bool) -> float:
    """One plain run against its own loopback server (started and stopped around it, as a replay's is)."""
    from hitl_modes.chat.server import SCRIPTED_API_KEY, ScriptedModelServer
    from hitl_modes.notebook_runner.kernel import RefusingPort, kernel_env, write_config_list, write_small_ca_bundle
    from hitl_modes.notebook_runner.script import load_script

    replay = load_script(script)
    copy = _fresh_copy(notebook, work)
    (work / "plain_runner.py").write_text(PLAIN_RUNNER, encoding="utf-8")
    stdin = "".join(answer + "\n" for answer in replay.human)
    with ScriptedModelServer(default=list(replay.model)) as server:
        config = write_config_list(work, server.base_url, replay.config_list)
        if kernel_like:
            refusing = RefusingPort()
            try:
                run_env = kernel_env(
                    server.base_url,
                    config,
                    refusing_proxy=refusing.url,
                    ca_bundle=write_small_ca_bundle(work),
                    extra=replay.env,
                    base=env,
                )
                return _timed([sys.executable, "plain_runner.py", copy.name], cwd=work, env=run_env, stdin=stdin)
            finally:
                refusing.close()
        run_env = {**env, **replay.env, "OAI_CONFIG_LIST": str(config), "OPENAI_API_KEY": SCRIPTED_API_KEY}
        run_env["OPENAI_BASE_URL"] = server.base_url
        return _timed([sys.executable, "plain_runner.py", copy.name], cwd=work, env=run_env, stdin=stdin)


def measure(runs: int, env: Mapping[str, str], only: Optional[str] = None) -> Dict[str, Dict[str, float]]:
    """Median seconds of each way, per notebook, the ways alternated within each round."""
    results: Dict[str, Dict[str, List[float]]] = {}
    pairs = [p for p in corpus() if only is None or only in p[0].stem]
    with tempfile.TemporaryDirectory(prefix="hitl-bench-run-notebook-") as tmp:
        for round_ in range(runs):
            for notebook, script in pairs:
                ways: Dict[str, Callable[[Path], float]] = {
                    "replay": functools.partial(_replay, notebook, script, env=env),
                    "plain": functools.partial(_plain, notebook, script, env=env, kernel_like=False),
                    "plain_kernel_env": functools.partial(_plain, notebook, script, env=env, kernel_like=True),
                }
                samples = results.setdefault(notebook.stem, {way: [] for way in ways})
                for way, run in ways.items():
                    samples[way].append(run(Path(tmp) / f"{notebook.stem}-{way}-{round_}"))
    return {name: {way: statistics.median(v) for way, v in ways.items()} for name, ways in results.items()}


def report(medians: Dict[str, Dict[str, float]], runs: int) -> bool:
    """Print the table; True when the median of the per-notebook ratios meets the target."""
    print(f"\nrun-notebook: replay vs a plain `python` run of the same code (medians of {runs} alternated runs)\n")
    print(f"{'notebook':<46} {'replay':>7} {'plain':>7} {'ratio':>6} {'plain*':>7} {'ratio*':>7}")
    ratios, kernel_ratios = [], []
    for name, m in medians.items():
        ratio, kernel_ratio = m["replay"] / m["plain"], m["replay"] / m["plain_kernel_env"]
        ratios.append(ratio)
        kernel_ratios.append(kernel_ratio)
        print(
            f"{name[:46]:<46} {m['replay']:>6.2f}s {m['plain']:>6.2f}s {ratio:>5.2f}x "
            f"{m['plain_kernel_env']:>6.2f}s {kernel_ratio:>6.2f}x"
        )
    met = statistics.median(ratios) <= TARGET
    print(
        f"\n{'median of the per-notebook ratios (replay / plain)':<56} {statistics.median(ratios):>6.2f}x  "
        f"<= {TARGET}  {'met' if met else 'MISSED'}"
    )
    print(f"{'  by medians (sum of replays / sum of plain runs)':<56} {_by_sums(medians, 'plain'):>6.2f}x")
    print(
        f"{'* plain run given the kernel`s environment (proxies, CA)':<56} {statistics.median(kernel_ratios):>6.2f}x"
        "  (what the runner itself adds)"
    )
    return met


def _by_sums(medians: Dict[str, Dict[str, float]], way: str) -> float:
    return sum(m["replay"] for m in medians.values()) / sum(m[way] for m in medians.values())


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--only", help="notebooks whose name contains this")
    args = parser.parse_args()
    base = {k: v for k, v in os.environ.items() if k not in ("OPENAI_API_KEY", "OAI_CONFIG_LIST", "HITL_LIVE")}
    sys.exit(0 if report(measure(args.runs, base, args.only), args.runs) else 1)
