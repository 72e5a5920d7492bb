"""``make site`` on small courses: one that cannot be shown as it is fails, saying where (a lesson that raises is
named with its cell and the line of its script, a broken link with its page) and writes no ``site/``; a guide's
links to a lesson's script, to the README and to other files of the checkout work on the site."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path
from urllib.parse import urlsplit

from tests.support.checkout import copy_checkout
from tests.support.site import build_site

FINE = """\
# %% [markdown]
# # Lesson 01 — runs

# %%
print("  ✓ this lesson runs")
"""

BROKEN = """\
# %% [markdown]
# # Lesson 02 — raises in its third cell

# %%
count = 1

# %%
def share(n):
    return n / 0


share(count)

# %%
print("never reached")
"""


def course_of(tmp_path: Path, lessons: dict) -> Path:
    """A copy of the checkout whose only lessons are ``lessons`` (name -> script)."""
    checkout = copy_checkout(tmp_path / "checkout", keep=lambda name: not name.startswith(("lessons/", "notebooks/")))
    (checkout / "lessons").mkdir()
    for name, script in lessons.items():
        (checkout / "lessons" / name).write_text(script, encoding="utf-8")
    return checkout


def test_a_failing_lesson_fails_the_build_naming_the_lesson_and_the_cell(tmp_path):
    checkout = course_of(tmp_path, {"01_runs.py": FINE, "02_broken.py": BROKEN})
    proc = build_site(checkout)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 1, output
    line = BROKEN.splitlines().index("# %%", 5) + 1  # the third cell's marker
    assert f"lesson 02_broken failed: cell 3 of 4 (lessons/02_broken.py, line {line}): `def share(n):`" in proc.stderr
    assert "ZeroDivisionError: division by zero" in proc.stderr
    assert "1 of 2 lessons failed; site/ was not written" in proc.stderr
    assert "01_runs: executed" in proc.stdout and "lesson 01_runs" not in proc.stderr
    assert not (checkout / "site").exists()


def test_a_broken_link_fails_the_build_naming_the_page(tmp_path):
    checkout = course_of(tmp_path, {"01_runs.py": FINE})
    (checkout / "docs" / "broken.md").write_text(
        textwrap.dedent(
            """\
            # A guide with a broken link

            See [the missing guide](missing-guide.md).
            """
        ),
        encoding="utf-8",
    )
    proc = build_site(checkout)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "Sphinx could not render the site cleanly" in proc.stderr
    assert "docs/broken.md:3" in proc.stderr and "missing-guide.md" in proc.stderr
    assert not (checkout / "site").exists()


def test_a_guides_links_to_a_lesson_the_readme_and_other_files_work_on_the_site(tmp_path):
    checkout = course_of(tmp_path, {"01_runs.py": FINE})
    (checkout / "docs" / "links.md").write_text(
        textwrap.dedent(
            """\
            # A guide that links into the checkout

            [the lesson script](../lessons/01_runs.py), [its notebook](../notebooks/01_runs.ipynb),
            [the README commands](../README.md#two-commands), [the tools](../tools/README.md) and
            [the pins](../requirements.txt).
            """
        ),
        encoding="utf-8",
    )
    proc = build_site(checkout)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    page = checkout / "site" / "docs" / "links.html"
    html = page.read_text(encoding="utf-8")
    # Each link's text, with the href of the <a> it is in (the last one opened before it).
    hrefs = {
        text: re.findall(r'href="([^"]*)"', html[: html.index(text)])[-1]
        for text in ("the lesson script", "its notebook", "the README commands", "the tools", "the pins")
    }
    assert hrefs["the lesson script"] == hrefs["its notebook"] == "../lessons/01_runs.html"
    assert hrefs["the README commands"] == "../index.html#two-commands"
    assert hrefs["the tools"] == "../tools/README.html"
    assert hrefs["the pins"].endswith("/requirements.txt")
    for href in hrefs.values():
        target = (page.parent / urlsplit(href).path).resolve()
        assert target.is_file(), href
    assert 'id="two-commands"' in (checkout / "site" / "index.html").read_text(encoding="utf-8")
