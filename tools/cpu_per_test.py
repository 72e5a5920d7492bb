"""A pytest plugin for ``make bench``: the CPU and wall time of every test, written to a file.

Loaded with ``-p cpu_per_test`` (``tools/`` on ``PYTHONPATH``); ``HITL_CPU_PER_TEST=PATH`` names the
tab-separated file each worker appends to: CPU seconds of the test process itself, CPU seconds of the
processes it started and waited for (kernels, lesson scripts, servers, browsers), wall seconds, and the
test's id. Daemons it only talks to (Docker's) are not counted here; ``make bench`` reports the whole
machine's CPU beside it.
"""

from __future__ import annotations

import os
import time
from typing import Dict, Iterator, List, NamedTuple

import pytest

__all__ = ["TestCost", "read_costs", "cost_per_file"]

ENV = "HITL_CPU_PER_TEST"


class TestCost(NamedTuple):
    own_cpu: float
    children_cpu: float
    wall: float
    nodeid: str

    @property
    def cpu(self) -> float:
        return self.own_cpu + self.children_cpu


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: object) -> Iterator[None]:
    path = os.environ.get(ENV)
    before, start = os.times(), time.perf_counter()
    yield
    after, wall = os.times(), time.perf_counter() - start
    if not path:
        return
    own = after.user + after.system - before.user - before.system
    children = after.children_user + after.children_system - before.children_user - before.children_system
    with open(path, "a", encoding="utf-8") as out:  # one short line per write: workers append safely
        out.write(f"{own:.3f}\t{children:.3f}\t{wall:.3f}\t{item.nodeid}\n")


def read_costs(path: str) -> List[TestCost]:
    costs = []
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            own, children, wall, nodeid = line.rstrip("\n").split("\t", 3)
            costs.append(TestCost(float(own), float(children), float(wall), nodeid))
    return costs


def cost_per_file(costs: List[TestCost]) -> Dict[str, TestCost]:
    """The costs summed per test file."""
    files: Dict[str, TestCost] = {}
    for cost in costs:
        name = cost.nodeid.split("::")[0]
        total = files.get(name, TestCost(0.0, 0.0, 0.0, name))
        files[name] = TestCost(
            total.own_cpu + cost.own_cpu, total.children_cpu + cost.children_cpu, total.wall + cost.wall, name
        )
    return files
