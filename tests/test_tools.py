"""The maintainer's tools in tools/: the per-test CPU plugin `make bench` reads to say where the time goes."""

from __future__ import annotations

from pathlib import Path

TOOLS = Path(__file__).resolve().parent.parent / "tools"


def test_cpu_per_test_tells_a_tests_own_cpu_from_the_processes_it_waited_for(pytester, tmp_path, monkeypatch):
    costs_file = tmp_path / "costs.tsv"
    monkeypatch.setenv("HITL_CPU_PER_TEST", str(costs_file))
    monkeypatch.syspath_prepend(str(TOOLS))
    spin = "sum(i * i for i in range(2_000_000))"
    pytester.makepyfile(
        test_spin=f"""
        import subprocess, sys

        def test_in_a_child():
            subprocess.run([sys.executable, "-c", "{spin}"], check=True)

        def test_in_the_test():
            {spin}
        """
    )
    pytester.runpytest_inprocess("-p", "cpu_per_test", "-p", "no:cacheprovider").assert_outcomes(passed=2)

    from cpu_per_test import cost_per_file, read_costs

    costs = read_costs(str(costs_file))
    by_name = {c.nodeid.split("::")[1]: c for c in costs}
    assert set(by_name) == {"test_in_a_child", "test_in_the_test"}
    child, own = by_name["test_in_a_child"], by_name["test_in_the_test"]
    assert child.children_cpu > 0.05 and own.children_cpu == 0
    assert own.own_cpu > 0.05 and own.own_cpu > child.own_cpu
    assert all(c.wall > 0 for c in costs)
    (per_file,) = cost_per_file(costs).values()
    assert per_file.nodeid == "test_spin.py"
    assert abs(per_file.cpu - (child.cpu + own.cpu)) < 1e-9


def test_without_a_file_named_it_records_nothing(pytester, monkeypatch):
    monkeypatch.delenv("HITL_CPU_PER_TEST", raising=False)
    monkeypatch.syspath_prepend(str(TOOLS))
    pytester.makepyfile(test_one="def test_one():\n    pass\n")
    pytester.runpytest_inprocess("-p", "cpu_per_test", "-p", "no:cacheprovider").assert_outcomes(passed=1)
    assert sorted(p.name for p in pytester.path.iterdir() if p.is_file()) == ["test_one.py"]


def test_bench_says_why_a_timed_command_failed_instead_of_timing_it(monkeypatch):
    """`make bench` times `make test` and the lessons with their output hidden; when one fails, the
    figure would be meaningless: it stops with the command, its exit code and the end of its output."""
    import sys

    import pytest

    monkeypatch.syspath_prepend(str(TOOLS))
    import bench

    assert bench._timed([sys.executable, "-c", "print('fine')"]) > 0
    with pytest.raises(SystemExit) as stopped:
        bench._timed([sys.executable, "-c", "print('first line'); print('1 failed, 9 passed'); raise SystemExit(2)"])
    assert "failed (exit 2)" in str(stopped.value) and "1 failed, 9 passed" in str(stopped.value)
