"""What a learner meets at the command line: every lesson option in `lesson N --help`, the lessons
by number and title, a working copy for exercises outside lessons/, errors in the learner's words,
and lesson scripts that print their own headings."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from hitl_modes.cli import main
from hitl_modes.course.catalog import find_lesson, list_lessons
from hitl_modes.course.notebooks import drifted_notebooks
from hitl_modes.course.outline import read_outline

HITL = str(Path(sys.executable).parent / "hitl-modes")


def cli(*args, cwd=None, env=None, timeout=300):
    base = dict(os.environ)  # offline: tests/conftest.py clears every live and personal switch
    return subprocess.run(
        [HITL, *args],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        cwd=cwd,
        env={**base, **(env or {})},
        timeout=timeout,
    )


def test_lesson_help_lists_every_lesson_option():
    proc = cli("lesson", "2", "--help")
    assert proc.returncode == 0, proc.stderr
    for option in ("--live", "--human", "--audit-log", "--inbox-url", "--quiet"):
        assert option in proc.stdout, f"{option} is missing from `hitl-modes lesson 2 --help`"
    assert "console" in proc.stdout and "HITL_HUMAN" in proc.stdout
    assert "Lesson 02" in proc.stdout and "[model:" not in proc.stdout, "--help must not run the lesson"


def test_lesson_12_help_includes_its_own_option():
    proc = cli("lesson", "12", "--help")
    assert proc.returncode == 0 and "--executor" in proc.stdout and "--human" in proc.stdout


def test_lessons_lists_numbers_and_titles(capsys):
    assert main(["lessons"]) == 0
    out = capsys.readouterr().out
    for script in list_lessons():
        outline = read_outline(script)
        assert re.search(rf"^\s*{outline.number}\s+{re.escape(outline.title)}\s", out, re.M), out
    assert "NEVER: fully automated" in out and "hitl-modes exercises N" in out


@pytest.mark.parametrize("args", [["lesson", "99"], ["lesson", "two"], ["exercise", "99"]])
def test_an_unknown_lesson_names_the_lessons_there_are(args, capsys):
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "there is no lesson" in err and "1, 2, 3" in err and "hitl-modes lessons" in err


def test_lesson_without_a_number_says_what_n_is(capsys):
    assert main(["lesson"]) == 2
    assert "N is the lesson's number" in capsys.readouterr().err


def test_a_script_run_prints_its_section_headings_and_leads(tmp_path):
    script = find_lesson(1)
    proc = cli("lesson", "1", "--quiet", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    outline = read_outline(script)
    positions = []
    for section in outline.sections:
        assert f"\n## {section.heading}\n" in out, f"heading {section.heading!r} not printed"
        positions.append(out.index(f"\n## {section.heading}\n"))
        if section.heading in ("Summary", "Exercises"):  # printed whole: the points and the tasks
            assert all(line.strip() in out for line in section.body.splitlines())
        elif section.lead:
            assert f"\n   {section.lead}\n" in out
    assert positions == sorted(positions), "headings come in the lesson's order"
    # Each section's chat lands under its own heading (section 2's runaway chat between "## 2." and "## 3.").
    heading = {s.heading.split(".")[0]: out.index(f"\n## {s.heading}\n") for s in outline.sections}
    chat_2 = out.index("'Still thinking (round 1).'")
    assert heading["2"] < chat_2 < heading["3"], "a section's output comes under its heading"
    assert out.index("--- timeline") > heading["1"], "a heading comes before its chat"
    assert out.count("   legend: ") == 1, "the one-line legend, once, under the first timeline"


def test_the_course_copy_shows_exercises_as_not_solved_yet_with_where_to_solve_them(tmp_path):
    proc = cli("lesson", "1", "--quiet", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "✗" not in proc.stdout
    line = next(x for x in proc.stdout.splitlines() if "exercise 1:" in x)
    assert line.startswith("○ Lesson 1, exercise 1") and "not solved yet" in line and "hitl-modes exercises 1" in line


def test_exercises_gives_a_working_copy_in_this_folder_that_never_trips_the_drift_check(tmp_path):
    env = {"HITL_QUIET": "1"}
    proc = cli("exercises", "1", cwd=tmp_path, env=env)
    assert proc.returncode == 1, "an unsolved exercise is a failing command"
    copy = tmp_path / "exercises" / find_lesson(1).name  # in the folder the command ran in
    assert copy.exists() and copy.with_suffix(".ipynb").exists()
    assert "formats:" not in copy.read_text(), "the copy is not paired with lessons/ or notebooks/"
    assert "✗ Lesson 1, exercise 1: a None-safe is_termination_msg: not solved yet" in proc.stdout
    assert "  - trailing whitespace is ignored" in proc.stdout
    assert "Lesson 1: 0 of 1 checked exercises solved." in proc.stdout
    # The lesson's own sections run quietly: the learner reads the checks, not the lesson again.
    assert "--- timeline" not in proc.stdout and "## 1." not in proc.stdout and "## Exercises" in proc.stdout

    # Solve it in the copy: the check passes, the command succeeds, and the course is untouched.
    source = copy.read_text()
    starter = 'return message["content"].endswith("TERMINATE")\n\n\nprint(check_is_termination_msg'
    assert starter in source
    copy.write_text(
        source.replace(
            starter,
            'return (message.get("content") or "").rstrip().endswith("TERMINATE")\n\n\nprint(check_is_termination_msg',
        )
    )
    proc = cli("exercise", "1", "--whole", cwd=tmp_path, env=env)  # the singular still works
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr
    assert "✓ Lesson 1, exercise 1: a None-safe is_termination_msg: solved" in proc.stdout
    assert "Lesson 1: 1 of 1 checked exercises solved." in proc.stdout
    assert "--- timeline" in proc.stdout, "--whole shows the lesson's sections too"
    assert "Your copy" not in proc.stdout, "an existing copy is never overwritten"
    assert drifted_notebooks() == []


def test_exercises_in_a_broken_copy_says_so_and_fails(tmp_path):
    workspace = tmp_path / "elsewhere"
    env = {"HITL_EXERCISES_DIR": str(workspace), "HITL_QUIET": "1"}
    assert cli("exercises", "1", cwd=tmp_path, env=env).returncode == 1
    copy = workspace / find_lesson(1).name
    copy.write_text(copy.read_text().replace("LIMIT = 3", "LIMIT = undefined_name"))
    proc = cli("exercises", "1", cwd=tmp_path, env=env)
    assert proc.returncode == 5, proc.stdout[-2000:]
    assert "NameError" in proc.stderr and "undefined_name" in proc.stderr
    assert "stopped with an error" in proc.stdout


def test_the_demo_prints_the_legend_once_on_top(tmp_path, monkeypatch, capsys):
    from hitl_modes.course import demo

    calls = []
    monkeypatch.setattr(demo, "run_lesson_script", lambda script, args, **kw: calls.append(kw) or 0)
    assert demo.run_demo() == 0
    out = capsys.readouterr().out
    assert out.startswith("How to read a timeline:") and out.count("How to read a timeline:") == 1
    assert calls and all(kw["quiet"] for kw in calls)


def test_the_readme_is_a_newcomers_page_that_links_the_details():
    root = Path(__file__).resolve().parents[2]
    readme = (root / "README.md").read_text(encoding="utf-8")
    for heading in ("## Two commands", "## The three modes", "## Lessons", "## Exercises"):
        assert heading in readme
    assert readme.index("## The three modes") < readme.index("## Lessons") < readme.index("## Compatibility")
    assert "as root" in readme[: readme.index("## The three modes")], "what make test installs, up front"
    for mode in ("`NEVER`", "`TERMINATE`", "`ALWAYS`"):
        assert f"| {mode} |" in readme
    table = readme[readme.index("<!-- lessons-table -->") :]
    for script in list_lessons():
        assert f"`{script.name}`" in table, f"{script.name} is missing from the lessons table"
    for link in re.findall(r"\]\((docs/[^)#]+)\)", readme):
        assert (root / link).is_file(), f"the README links {link}, which does not exist"
    assert "hitl-modes exercises 1" in readme


def test_every_relative_link_in_the_docs_resolves():
    root = Path(__file__).resolve().parents[2]
    for page in [root / "README.md", *sorted((root / "docs").glob("*.md"))]:
        for link in re.findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)", page.read_text(encoding="utf-8")):
            assert (page.parent / link).exists(), f"{page.relative_to(root)} links {link}, which does not exist"


def test_printout_shows_autogens_own_printout_instead_of_the_timeline(tmp_path):
    proc = cli("lesson", "1", "--printout", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "user_proxy (to assistant):" in proc.stdout and "--- timeline" not in proc.stdout
    assert "  ■ termination_msg (user_proxy)" in proc.stdout, "one line says why each chat stopped"


def test_printout_on_the_command_line_wins_over_hitl_quiet_and_both_given_one_way_is_an_error(tmp_path):
    """--quiet hides AutoGen's printout, --printout shows it: the switch typed wins over the other's
    variable (a developer with HITL_QUIET=1 set still gets the printout asked for)."""
    typed = cli("lesson", "1", "--printout", cwd=tmp_path, env={"HITL_QUIET": "1"})
    assert typed.returncode == 0, typed.stderr
    assert "user_proxy (to assistant):" in typed.stdout and "--- timeline" not in typed.stdout

    quiet = cli("lesson", "1", "--quiet", cwd=tmp_path, env={"HITL_PRINTOUT": "1"})
    assert quiet.returncode == 0, quiet.stderr
    assert "user_proxy (to assistant):" not in quiet.stdout and "--- timeline" in quiet.stdout

    for args, env, named in (
        (("--quiet", "--printout"), {}, "--quiet and --printout"),
        ((), {"HITL_QUIET": "1", "HITL_PRINTOUT": "1"}, "HITL_QUIET and HITL_PRINTOUT"),
    ):
        both = cli("lesson", "1", *args, cwd=tmp_path, env=env)
        assert both.returncode != 0 and "--- timeline" not in both.stdout
        assert f"{named} contradict each other" in both.stderr and "Choose one" in both.stderr, both.stderr
