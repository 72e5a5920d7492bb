"""``make bench``: where start-up goes, measured in one run with the commands alternated.

Prints medians of ``--runs`` (default 5) runs of:

1. lesson 01's wall time over a bare ``python -c "import autogen"`` in the same environment
   (target: at most 1.2);
2. ``import autogen`` under this project's pins over the same import with the newest ``openai``
   (an extra environment, ``.venv-bench-openai-latest``, built on first use);
3. the wall time of a warm ``make test`` (target: at most 60 s on a 2-core machine), the CPU its
   processes and the whole machine used, and the floor that CPU sets; when the target is missed,
   one more run with ``tools/cpu_per_test.py`` says which test files use the CPU;
4. ``make site`` next to ``make demo``: the site with every lesson executed again (``SITE_ARGS=--fresh``),
   with the executed notebooks reused (rendering alone), and ``make demo``, which runs the same lessons
   as scripts (target: the site costs little beyond running the lessons);
5. ``hitl-modes run-notebook``: each replay of AutoGen's own notebooks (and the example) over a plain
   ``python`` run of the same code against a loopback model server, and the median of those ratios
   (target: at most 1.25); see ``tools/bench_run_notebook.py``. ``--only-run-notebook`` runs just this.

Nothing here asserts a time: it prints the figures, the targets, and whether each is met.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence

from compat_matrix import ROOT, installed_version  # tools/ is on sys.path: this runs as a script

__all__ = ["main", "median_times"]

LATEST_OPENAI_VENV = ROOT / ".venv-bench-openai-latest"


class CommandFailed(SystemExit):
    """A timed command failed: its time means nothing, and the end of what it printed says why."""


def _timed(cmd: Sequence[str], *, env: Optional[Dict[str, str]] = None, cwd: Optional[Path] = None) -> float:
    start = time.perf_counter()
    with tempfile.TemporaryFile() as output:  # kept out of the timing's way, shown only on failure
        proc = subprocess.run(
            list(cmd), stdin=subprocess.DEVNULL, stdout=output, stderr=subprocess.STDOUT, env=env, cwd=cwd
        )
        took = time.perf_counter() - start
        if proc.returncode != 0:
            output.seek(0)
            tail = output.read().decode(errors="replace")[-4000:]
            raise CommandFailed(f"bench: `{' '.join(cmd)}` failed (exit {proc.returncode}); its last output:\n{tail}")
    return took


def median_times(commands: Dict[str, Callable[[], float]], runs: int) -> Dict[str, float]:
    """Run each command ``runs`` times, alternating between them, and return the medians."""
    samples: Dict[str, List[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, run in commands.items():
            samples[name].append(run())
    return {name: statistics.median(values) for name, values in samples.items()}


def _latest_openai_python() -> Path:
    py = LATEST_OPENAI_VENV / "bin" / "python"
    if not (LATEST_OPENAI_VENV / ".installed").exists():
        print("[bench] building .venv-bench-openai-latest (pyautogen 0.2.35 + newest openai)...", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(LATEST_OPENAI_VENV)], check=True)
        subprocess.run(
            [
                str(py),
                "-m",
                "pip",
                "install",
                "-q",
                "--disable-pip-version-check",
                "pyautogen==0.2.35",
                "openai",
                "httpx",
            ],
            check=True,
        )
        (LATEST_OPENAI_VENV / ".installed").touch()
    return py


def machine_busy_seconds() -> Optional[float]:
    """CPU seconds this machine has spent busy since boot, every process counted (Docker's daemons
    too); None where /proc/stat is not there to tell."""
    try:
        fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    except OSError:
        return None
    ticks = [int(f) for f in fields]
    idle = ticks[3] + (ticks[4] if len(ticks) > 4 else 0)  # idle + iowait
    return (sum(ticks[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def _explain_test_time(env: Dict[str, str], workers: str) -> None:
    """Where the suite's time goes, from one more run with tools/cpu_per_test.py loaded."""
    from cpu_per_test import ENV, cost_per_file, read_costs

    costs_file = ROOT / ".bench-cpu-per-test.tsv"
    costs_file.unlink(missing_ok=True)
    run_env = {**env, ENV: str(costs_file), "PYTHONPATH": str(ROOT / "tools")}
    busy_before = machine_busy_seconds()
    subprocess.run(
        [sys.executable, "-m", "pytest", "-n", workers, "--dist", "worksteal", "-p", "cpu_per_test", "-q"],
        cwd=ROOT,
        env=run_env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
    )
    busy_after = machine_busy_seconds()
    costs = read_costs(str(costs_file))
    costs_file.unlink(missing_ok=True)
    files = cost_per_file(costs)
    in_tests = sum(c.cpu for c in costs)
    print(f"\n  why: {len(costs)} tests; summed over {workers} workers they take {sum(c.wall for c in costs):.0f} s")
    print(f"  of wall time and {in_tests:.0f} s of CPU (the test processes and the processes they waited for).")
    if busy_before is not None and busy_after is not None:
        print(
            f"  The machine was busy {busy_after - busy_before:.0f} s of CPU in that run; the rest is each worker's"
            " start-up and collection,\n  and processes no test waited for (servers stopped by a signal, Docker's"
            " daemons)."
        )
    print(f"  {'CPU s':>7} {'wall s':>7}  the files that use the most CPU")
    for cost in sorted(files.values(), key=lambda c: -c.cpu)[:8]:
        print(f"  {cost.cpu:>7.1f} {cost.wall:>7.1f}  {cost.nodeid}")
    print(
        "  Most of it is real processes the suite must start: every lesson as a script and as a notebook "
        "kernel (each pays `import autogen`), Docker containers, uvicorn servers and headless Chromium."
    )


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(
        prog="make bench", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=5, help="runs per command (default 5, at least 5)")
    parser.add_argument("--skip-test-suite", action="store_true", help="skip the warm `make test` timing")
    parser.add_argument("--skip-site", action="store_true", help="skip the `make site` and `make demo` timings")
    parser.add_argument("--only-run-notebook", action="store_true", help="only the run-notebook replay/plain ratios")
    args = parser.parse_args(argv)
    if args.runs < 5:
        parser.error("--runs must be at least 5: the figures are medians of at least 5 runs")
    if args.only_run_notebook:
        return 0 if _run_notebook_section(args.runs) else 1

    py = sys.executable
    latest = _latest_openai_python()
    env = {k: v for k, v in os.environ.items() if k not in ("OPENAI_API_KEY", "OAI_CONFIG_LIST", "HITL_LIVE")}
    env["HITL_QUIET"] = "1"
    # A learner's Python caches bytecode: with PYTHONDONTWRITEBYTECODE set (as on some CI machines) every
    # run would compile the course's modules again, ~40 ms that no learner pays. Compile them once here.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    subprocess.run([py, "-m", "compileall", "-q", str(ROOT / "hitl_modes")], check=True, env=env)
    lesson = str(ROOT / "lessons" / "01_never.py")
    imports = median_times(
        {
            "import autogen (pinned)": lambda: _timed([py, "-c", "import autogen"], env=env),
            "lesson 01": lambda: _timed([py, lesson], env=env, cwd=ROOT),
            "import autogen (newest openai)": lambda: _timed([str(latest), "-c", "import autogen"], env=env),
        },
        args.runs,
    )
    bare, lesson_t, newest = (
        imports["import autogen (pinned)"],
        imports["lesson 01"],
        imports["import autogen (newest openai)"],
    )
    pinned_openai, newest_openai = installed_version(Path(py), "openai"), installed_version(latest, "openai")

    print(f"\nmedians of {args.runs} runs, commands alternated, on {os.cpu_count()} cores\n")
    print(f"{'measure':<56} {'value':>9}  target")
    r1 = lesson_t / bare
    print(f"{'lesson 01 wall / bare import autogen':<56} {r1:>8.2f}x  <= 1.2  {'met' if r1 <= 1.2 else 'MISSED'}")
    print(f"{'  lesson 01 wall time':<56} {lesson_t:>8.2f}s")
    print(f"{'  bare import autogen (openai ' + pinned_openai + ')':<56} {bare:>8.2f}s")
    r2 = bare / newest
    print(
        f"{'import autogen, openai ' + pinned_openai + ' / openai ' + newest_openai:<56} {r2:>8.2f}x  (lower is faster)"
    )
    print(f"{'  import autogen with openai ' + newest_openai:<56} {newest:>8.2f}s")
    missed = r1 > 1.2
    if not args.skip_site:
        site = median_times(
            {
                "make demo": lambda: _timed(["make", "demo"], cwd=ROOT, env=env),
                "make site": lambda: _timed(["make", "site", "SITE_ARGS=--fresh"], cwd=ROOT, env=env),
                "make site, lessons reused": lambda: _timed(["make", "site"], cwd=ROOT, env=env),
            },
            args.runs,
        )
        demo, fresh, reused = site["make demo"], site["make site"], site["make site, lessons reused"]
        print(f"{'make site wall time (every lesson run as a notebook)':<56} {fresh:>8.1f}s  {fresh / demo:.2f}x demo")
        print(f"{'  make demo wall time (every lesson run as a script)':<56} {demo:>8.1f}s")
        print(f"{'  make site with the executed notebooks reused':<56} {reused:>8.1f}s  (rendering alone)")
    if not args.skip_test_suite:
        workers = subprocess.run(  # the Makefile's own figure, so the breakdown runs as make test does
            ["make", "-s", "--no-print-directory", "--eval", "test-workers: ; @echo $(TEST_WORKERS)", "test-workers"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        before, busy_before = resource.getrusage(resource.RUSAGE_CHILDREN), machine_busy_seconds()
        make = median_times({"make test": lambda: _timed(["make", "test"], cwd=ROOT, env=env)}, args.runs)
        after, busy_after = resource.getrusage(resource.RUSAGE_CHILDREN), machine_busy_seconds()
        t = make["make test"]
        cpu = (after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) / args.runs
        cores = os.cpu_count() or 1
        verdict = "met" if t <= 60 else "MISSED"
        print(f"{'warm make test wall time (' + workers + ' workers)':<56} {t:>8.1f}s  <= 60 s  {verdict}")
        print(f"{'  CPU its processes used (mean of the runs)':<56} {cpu:>8.1f}s")
        if busy_before is not None and busy_after is not None:
            busy = (busy_after - busy_before) / args.runs
            print(f"{'  CPU the whole machine used (mean; Docker daemons too)':<56} {busy:>8.1f}s")
            cpu = max(cpu, busy)
        print(f"{'  the floor that CPU sets on ' + str(cores) + ' cores':<56} {cpu / cores:>8.1f}s")
        if t > 60:
            _explain_test_time(env, workers)
        missed = missed or t > 60
    missed = not _run_notebook_section(args.runs) or missed
    return 1 if missed else 0


def _run_notebook_section(runs: int) -> bool:
    """Replays of AutoGen's own notebooks against plain runs of their code: True when the target is met."""
    import bench_run_notebook

    env = {k: v for k, v in os.environ.items() if k not in ("OPENAI_API_KEY", "OAI_CONFIG_LIST", "HITL_LIVE")}
    return bench_run_notebook.report(bench_run_notebook.measure(runs, env), runs)


if __name__ == "__main__":
    sys.exit(main())
