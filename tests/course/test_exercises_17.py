"""Lesson 17's check: a reference answer passes, the lesson's starter and an in-memory answer fail
with reasons, and a broken answer becomes a report, never an exception."""

from __future__ import annotations

from hitl_modes.course.exercises.lesson17 import check_run_once


def good_run_once(key, effect, ledger):
    done = set(ledger.read_text(encoding="utf-8").split()) if ledger.exists() else set()
    if key in done:
        return None
    result = effect()
    with ledger.open("a", encoding="utf-8") as f:
        f.write(key + "\n")
    return result


def starter_run_once(key, effect, ledger):  # the lesson's starter
    return effect()


_SEEN = set()


def in_memory_run_once(key, effect, ledger):
    if key in _SEEN:
        return None
    _SEEN.add(key)
    return effect()


def test_a_side_effect_done_once_per_key():
    assert check_run_once(good_run_once).passed
    starter = check_run_once(starter_run_once)
    assert not starter.passed and "should not run the effect" in "\n".join(starter.failures)
    memory = check_run_once(in_memory_run_once)
    assert not memory.passed and len(memory.failures) == 1
    assert "not (only) in memory" in memory.failures[0]
    broken = check_run_once(lambda *a: 1 / 0)
    assert not broken.passed and "ZeroDivisionError" in str(broken)
