"""tools/lesson_census.py measures what a learner reads: AutoGen calls and settings against the
course's own lines. Issue 20's bar holds for every lesson of plain AutoGen chat cells."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from hitl_modes.course.catalog import list_lessons
from tests.course.test_lessons import is_plain

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools"))
from lesson_census import census  # noqa: E402

PLAIN = [p for p in list_lessons() if is_plain(p)]


def test_the_census_tells_autogen_from_the_course_and_follows_names(tmp_path):
    lesson = tmp_path / "99_x.py"
    lesson.write_text(
        "# %%\n"
        "import autogen\n"
        "from hitl_modes.course.lesson import Lesson\n"
        "lesson = Lesson.setup(99, 'x')\n"
        "run = lesson.run(None, None, 'hi')\n"  # hidden in the course: the course's line
        "print(run.result.chat_history)\n"  # read through a course name: still the course's
        "llm_config = {'config_list': []}\n"
        "assistant = autogen.AssistantAgent('a', llm_config=llm_config)\n"
        "result = assistant.initiate_chat(assistant, message='hi')\n"
        "print(result.summary)\n"  # read from AutoGen's own object: AutoGen
        "x = 1 + 1\n"
        "from hitl_modes import RiskPolicy\n"  # the toolkit's own gates, which later lessons teach
        "policy = RiskPolicy()\n"
        "user_proxy = autogen.UserProxyAgent('u', is_termination_msg=policy.check)\n",  # an AutoGen call
        encoding="utf-8",
    )
    counted = census(lesson)
    assert (counted.autogen, counted.course, counted.other, counted.library) == (6, 4, 1, 2)


@pytest.mark.parametrize("script", PLAIN, ids=[p.stem for p in PLAIN])
def test_a_plain_lesson_is_mostly_autogen_and_at_most_400_lines(script):
    counted = census(script)
    assert counted.share("autogen") >= 0.35, f"{script.name}: only {counted.share('autogen'):.0%} AutoGen lines"
    assert len(script.read_text(encoding="utf-8").splitlines()) <= 400, f"{script.name} is over 400 lines"


def test_on_average_plain_lessons_are_45_percent_autogen_and_at_most_20_percent_course():
    rows = [census(p) for p in PLAIN]
    assert rows, "no lesson of plain AutoGen chat cells yet"
    autogen = sum(r.share("autogen") for r in rows) / len(rows)
    course = sum(r.share("course") for r in rows) / len(rows)
    assert autogen >= 0.45 and course <= 0.20, f"average: {autogen:.0%} AutoGen, {course:.0%} course"
