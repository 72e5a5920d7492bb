"""``make site``, built from a copy of the checkout and read in Debian's chromium: every lesson page loads
with no console error and no request leaving the machine, shows every output of its executed notebook,
its pictures (inline SVG with hover titles) and its checked claims; search finds each lesson by a word
of its text; every internal link resolves; the site works opened from disk too."""

from __future__ import annotations

import json
import re
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from typing import Dict, List, Set, Tuple
from urllib.parse import unquote, urlsplit

import nbformat
import pytest

from hitl_modes.course.catalog import list_lessons
from tests.support.site import visit

LESSONS = [script.stem for script in list_lessons()]


def guides(checkout: Path) -> List[str]:
    return sorted(p.stem for p in (checkout / "docs").glob("*.md"))


def executed_notebook(checkout: Path, stem: str):
    return nbformat.read(checkout / "build" / "site" / "executed" / f"{stem}.ipynb", as_version=4)


def outputs_of(nb) -> List[dict]:
    return [o for cell in nb.cells if cell.cell_type == "code" for o in cell.get("outputs", [])]


def claims_of(nb) -> List[str]:
    """Every checked claim the lesson printed (``✓ ...``), as printed."""
    text = "".join(o.get("text", "") for o in outputs_of(nb) if o["output_type"] == "stream")
    return [line.strip() for line in text.splitlines() if line.strip().startswith("✓")]


def assert_clean(seen) -> None:
    assert seen.outside_requests == [], "requests that would leave the machine"
    assert seen.console_errors == [], "console errors"
    assert seen.failed == [], "requests that failed"


@pytest.mark.parametrize("stem", LESSONS)
def test_a_lesson_page_shows_every_output_its_pictures_and_its_claims_offline(stem, built_site, site_url, browser):
    nb = executed_notebook(built_site, stem)
    seen = visit(browser, f"{site_url}/lessons/{stem}.html", site_url + "/")
    page = seen.page
    assert_clean(seen)
    number = int(stem.split("_", 1)[0])
    heading = page.locator("h1").first.inner_text()
    assert heading.startswith(f"Lesson {number:02d}"), heading

    # Every cell that printed or drew something has its output on the page, in the same number.
    cells_with_output = [c for c in nb.cells if c.cell_type == "code" and c.get("outputs")]
    assert cells_with_output, "the executed notebook has outputs"
    assert page.locator(".cell_output").count() == len(cells_with_output)

    # Every picture, inline (not an <img>), rendered, with its hover titles.
    html = "".join(o.get("data", {}).get("text/html", "") for o in outputs_of(nb))
    drawn = html.count("<svg")
    assert drawn, f"{stem} draws no chat"
    assert page.locator(".cell_output svg").count() == drawn
    pictures = page.locator(".cell_output svg:not(svg svg)")
    for i in range(pictures.count()):
        picture = pictures.nth(i)
        box = picture.bounding_box()
        assert box and box["width"] > 50 and box["height"] > 20, f"picture {i + 1} is not drawn"
        # A mark's hover text is the <title> of its group: a message's says who sent it to whom, and its text.
        hover = picture.evaluate("svg => [...svg.querySelectorAll('g > title')].map(t => t.textContent.trim())")
        assert hover and all(hover), f"picture {i + 1}: hover titles {hover[:3]}"
        assert any("→" in title for title in hover), f"picture {i + 1}: no message's hover title in {hover[:3]}"

    # Every checked claim is shown, as printed.
    claims = claims_of(nb)
    assert claims, f"{stem} checks no claim"
    shown = "\n".join(page.locator(".cell_output .output.stream").all_inner_texts())
    shown_claims = [line.strip() for line in shown.splitlines() if line.strip().startswith("✓")]
    assert Counter(shown_claims) == Counter(claims)

    # How to run it: the command, the notebook (downloadable, its cells without outputs) and the exercises.
    text = page.locator("article").inner_text()
    assert f"hitl-modes lesson {number}" in text and f"hitl-modes exercises {number}" in text
    download = page.locator(f"a[href$='/{stem}.ipynb']")
    assert download.count() == 1
    response = page.request.get(download.evaluate("a => a.href"))
    assert response.ok
    clean = json.loads(response.body())
    assert len(clean["cells"]) == len(nb.cells) and not any(c.get("outputs") for c in clean["cells"])
    page.context.close()


def test_navigation_lists_the_lessons_in_order_then_the_guides(built_site, site_url, browser):
    seen = visit(browser, f"{site_url}/index.html", site_url + "/")
    assert_clean(seen)
    links = seen.page.locator(".sidebar-tree a.reference").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )
    assert links[: len(LESSONS)] == [f"lessons/{stem}.html" for stem in LESSONS]
    assert sorted(links[len(LESSONS) :]) == sorted(f"docs/{guide}.html" for guide in guides(built_site))
    # The README's lessons table links each lesson to its page.
    table = seen.page.locator("table a.reference").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert [h for h in table if h.startswith("lessons/")] == [f"lessons/{stem}.html" for stem in LESSONS]
    # Next and previous follow the lessons' order.
    first = visit(browser, f"{site_url}/lessons/{LESSONS[0]}.html", site_url + "/")
    assert first.page.locator("a.next-page").get_attribute("href") == f"{LESSONS[1]}.html"
    first.page.context.close()
    seen.page.context.close()


def lesson_prose(checkout: Path, stem: str) -> str:
    """The lesson's markdown cells, lower-cased, without code spans and link targets."""
    prose = "\n".join(c.source for c in executed_notebook(checkout, stem).cells if c.cell_type == "markdown")
    return re.sub(r"`[^`]*`|\([^)\s]*\)", " ", prose).lower()


def a_word_of(checkout: Path, stem: str) -> str:
    """A word of the lesson's prose that few other pages use (none, where there is one)."""
    others = [lesson_prose(checkout, s) for s in LESSONS if s != stem]
    others += [
        p.read_text(encoding="utf-8").lower() for p in [checkout / "README.md", *(checkout / "docs").glob("*.md")]
    ]
    words = set(re.findall(r"\b[a-z]{7,}\b", lesson_prose(checkout, stem)))
    return min(words, key=lambda w: (sum(w in text for text in others), -len(w), w))


@pytest.mark.parametrize("stem", LESSONS)
def test_search_finds_a_lesson_by_a_word_of_its_text(stem, built_site, site_url, browser):
    word = a_word_of(built_site, stem)
    seen = visit(browser, f"{site_url}/search.html?q={word}", site_url + "/")
    seen.page.wait_for_selector("#search-results .search-summary", timeout=30_000)
    found = seen.page.locator("#search-results li a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert_clean(seen)
    assert f"lessons/{stem}.html" in found, f"searching {word!r} found {found}"
    seen.page.context.close()


def test_the_site_works_opened_from_disk(built_site, browser):
    """``site/index.html`` opened as a file: pages, pictures and search load with no server and no network."""
    base = (built_site / "site").as_uri()
    home = visit(browser, f"{base}/index.html", base + "/")
    assert_clean(home)
    home.page.locator(".sidebar-tree a.reference").first.click()
    home.page.wait_for_load_state("load")
    assert home.page.url == f"{base}/lessons/{LESSONS[0]}.html"
    assert home.page.locator(".cell_output svg").count() > 0
    assert_clean(home)
    home.page.context.close()
    word = a_word_of(built_site, LESSONS[-1])
    search = visit(browser, f"{base}/search.html?q={word}", base + "/")
    search.page.wait_for_selector("#search-results .search-summary", timeout=30_000)
    found = search.page.locator("#search-results li a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert_clean(search)
    assert f"lessons/{LESSONS[-1]}.html" in found
    search.page.context.close()


class _Links(HTMLParser):
    """The links, assets and element ids of one HTML page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.targets: List[Tuple[str, str]] = []
        self.ids: Set[str] = set()

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name in ("id", "name") if tag != "meta" else ():
            if attributes.get(name):
                self.ids.add(attributes[name])
        for name in ("href", "src"):
            if attributes.get(name) and tag in ("a", "link", "script", "img", "iframe", "source"):
                self.targets.append((tag, attributes[name]))


def test_every_internal_link_and_asset_resolves(built_site):
    site = built_site / "site"
    pages: Dict[Path, _Links] = {}
    site = site.resolve()
    for html in sorted(site.rglob("*.html")):
        parser = _Links()
        parser.feed(html.read_text(encoding="utf-8"))
        pages[html] = parser
    assert {site / "lessons" / f"{stem}.html" for stem in LESSONS} <= set(pages)
    assert {site / "docs" / f"{guide}.html" for guide in guides(built_site)} <= set(pages)
    broken, remote_assets, checked = [], [], 0
    for html, parser in pages.items():
        for tag, target in parser.targets:
            parts = urlsplit(target)
            if parts.scheme in ("http", "https"):
                if tag != "a":
                    remote_assets.append(f"{html.relative_to(site)}: <{tag}> {target}")
                continue
            if parts.scheme in ("mailto", "data"):
                continue
            assert not parts.scheme, f"{html.relative_to(site)}: {target}"
            path = (html.parent / unquote(parts.path)).resolve() if parts.path else html
            checked += 1
            if path.is_dir():
                path = path / "index.html"
            if not path.is_file() or site not in path.parents:
                broken.append(f"{html.relative_to(site)}: {target}")
            elif parts.fragment and path.suffix == ".html":
                ids = pages[path].ids if path in pages else set()
                if unquote(parts.fragment) not in ids:
                    broken.append(f"{html.relative_to(site)}: {target} (no such anchor)")
    assert remote_assets == [], "assets loaded from the web"
    assert broken == [], "internal links that do not resolve"
    assert checked > 100
