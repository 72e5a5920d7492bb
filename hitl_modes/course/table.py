"""A small results table for lessons: plain text in a terminal, HTML in a notebook.

Lessons show experiment grids ("which limit stopped the chat?"). Text works everywhere; a notebook
renders the same rows as an HTML table. No pandas: one more heavy dependency for a few rows is not
worth it.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any, List, Sequence

__all__ = ["Table"]


@dataclass
class Table:
    """Rows under headers. ``str(table)`` is aligned text; ``table.show()`` picks text or HTML."""

    headers: Sequence[str]
    rows: List[Sequence[Any]] = field(default_factory=list)
    title: str = ""

    def __post_init__(self) -> None:
        for i, row in enumerate(self.rows):
            self._check(row, i)

    def _check(self, row: Sequence[Any], index: int) -> None:
        if len(row) != len(self.headers):
            raise ValueError(
                f"Table row {index} has {len(row)} cells but there are {len(self.headers)} "
                f"headers ({', '.join(self.headers)}): {list(row)!r}"
            )

    def add(self, *cells: Any) -> None:
        self._check(cells, len(self.rows))
        self.rows.append(cells)

    def text(self) -> str:
        cells = [[str(h) for h in self.headers]] + [[_cell(c) for c in row] for row in self.rows]
        widths = [max(len(r[i]) for r in cells) for i in range(len(self.headers))]
        lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in cells]
        lines.insert(1, "  ".join("-" * w for w in widths))
        if self.title:
            lines.insert(0, self.title)
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.text()

    def _repr_html_(self) -> str:
        head = "".join(f"<th>{html.escape(str(h))}</th>" for h in self.headers)
        body = "".join(
            "<tr>" + "".join(f"<td>{html.escape(_cell(c))}</td>" for c in row) + "</tr>" for row in self.rows
        )
        caption = f"<caption>{html.escape(self.title)}</caption>" if self.title else ""
        return f"<table>{caption}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"

    def show(self) -> None:
        """Print it; in a notebook, render it as HTML instead."""
        from ..chat.compat import in_notebook

        if in_notebook():
            from IPython.display import HTML, display

            display(HTML(self._repr_html_()))
        else:
            print(self.text())


def _cell(value: Any) -> str:
    return "—" if value is None else str(value)
