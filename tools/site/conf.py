"""Sphinx configuration of the course's website (``make site``; see docs/site.md).

Sphinx reads the source tree ``tools/site/build.py`` writes under ``build/site/src/``: the README as the
home page, the guides in ``docs/``, and every lesson as its executed notebook, which myst-nb renders
without running it again (``nb_execution_mode = "off"``: build.py has run it). Furo is the theme. Every
asset the pages load is written into the site: no CDN, no web font, nothing fetched at run time.
"""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent

project = "hitl-modes"
html_title = "hitl-modes: humans in the loop of classic AutoGen"
language = "en"
extensions = ["myst_nb"]
root_doc = "index"
# The clean notebooks are offered as downloads, not pages.
exclude_patterns = ["_notebooks/**"]

# The notebooks were executed by build.py, offline, the way CI runs them; myst-nb only renders them.
nb_execution_mode = "off"
# Consecutive prints of a cell are one block, as Jupyter shows them.
nb_merge_streams = True
# ipywidgets' script comes from a CDN; no lesson uses widgets, and a page here loads nothing from the web.
nb_ipywidgets_js: dict = {}
# The README's and the guides' links to headings ("#reading-a-timeline") resolve as on a code host.
myst_heading_anchors = 3
# A lesson's "### Running this lesson" under its "# Lesson NN" title is deliberate.
suppress_warnings = ["myst.header"]

html_theme = "furo"
html_static_path = [str(HERE / "static")]
html_css_files = ["site.css"]
# The page is the source: no "_sources/" copies and no "show source" links.
html_copy_source = False
html_show_sourcelink = False
# A search result is the page's title; a summary would fetch each page, which a browser refuses from disk.
html_show_search_summary = False
html_last_updated_fmt = None
