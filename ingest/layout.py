"""Text extracted from a PDF with its layout kept: pages split by form feeds, columns by
runs of spaces ("KF § 24                      KS KF/2023:3").

Such text (``pdftotext -layout``, the text that archives and other tools keep beside a
PDF) gets what the PDF itself would: pages, running headers and footers removed
(:mod:`.pages`), wrapped lines joined. A line with columns becomes a line of cells.
"""

from __future__ import annotations

import re

from protokoll.records import Block

from .pages import paragraphs, remove_running_lines
from .text import text_blocks

_GAP = re.compile(r"\s{3,}")  # three spaces or more: a gap between columns
TOP = 5  # a layout page's running header may take up to five rows (organ, kind, page, date label, date)


def is_paged(text: str) -> bool:
    """Text of several pages separated by form feeds."""
    return text.count("\f") >= 1 and bool(text.replace("\f", "").strip())


def page_lines(page: str) -> list[str]:
    """The page's non-blank lines, columns separated by tabs."""
    out = []
    for raw in page.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = raw.replace("\u00a0", " ").replace("\t", "    ").strip()
        if line:
            out.append(_GAP.sub("\t", line))
    return out


def blocks(text: str) -> tuple[list[Block], int]:
    """(blocks, page count) of a paged layout text."""
    pages = [page_lines(p) for p in text.split("\f")]
    while pages and not pages[-1]:
        pages.pop()
    lines = remove_running_lines(pages, top=TOP)
    return [b for para, page in paragraphs(lines) for b in text_blocks(para, page=page)], len(pages)
