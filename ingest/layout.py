"""Text extracted from a PDF with its layout kept: pages split by form feeds, columns by
runs of spaces ("KF § 24                      KS KF/2023:3").

Such text (``pdftotext -layout``, the text that archives and other tools keep beside a
PDF) gets what the PDF itself would: pages, running headers and footers removed
(:mod:`.pages`), wrapped lines joined. A line with columns becomes a line of cells.
"""

from __future__ import annotations

import re

from protokoll.records import Block

from .pages import STARTS_ITEM, paragraphs, remove_running_lines
from .text import text_blocks

_GAP = re.compile(r"\s{3,}")  # three spaces or more: a gap between columns
_ENDS_SENTENCE = (".", ":", ";", "!", "?", "”", '"', "»")
_FIELD = re.compile(r"^[A-ZÅÄÖ][\w ]{2,40}:\s+\S")  # "Beslutande organ: Kommunfullmäktige"
_WRAPPED_SHARE = 0.6
_FITS = 0.9  # letters differ in width: a word fits on a line when it ends well inside the block's width  # a line this share of the text's width or longer may be wrapped
TOP = 5  # a layout page's running header may take up to five rows (organ, kind, page, date label, date)


def is_paged(text: str) -> bool:
    """Text of several pages separated by form feeds."""
    return text.count("\f") >= 1 and bool(text.replace("\f", "").strip())


def page_lines(page: str, width: int = 0) -> list[str]:
    """The page's non-blank lines, columns separated by tabs; a line the layout wrapped
    onto the next keeps a trailing space (see :func:`_wrapped` and :func:`_hanging`)."""
    unstripped = [r.replace("\u00a0", " ").replace("\t", "    ").rstrip() for r in page.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    raw = [r.strip() for r in unstripped]
    out = []
    block_width = 0  # the longest line of the block (lines between blank lines) a line stands in
    marker = None  # the column of the list marker whose point the line is part of
    for n, line in enumerate(raw):
        if not line:
            block_width = 0  # the point's marker stays: its indented paragraphs go on with it
            continue
        if not block_width:
            end = n
            while end < len(raw) and raw[end]:
                end += 1
            block_width = max(len(x) for x in raw[n:end])
        indent = len(unstripped[n]) - len(unstripped[n].lstrip())
        if STARTS_ITEM.match(line) and line[:1] != "§":
            marker = indent
        elif marker is not None and indent <= marker:
            marker = None
        nxt = raw[n + 1] if n + 1 < len(raw) else ""
        nxt_indent = len(unstripped[n + 1]) - len(nxt) if nxt else 0
        wrapped = width and (_wrapped(line, nxt, width, block_width) or _hanging(marker, nxt, nxt_indent))
        out.append(_GAP.sub("\t", line) + (" " if wrapped else ""))
    return out


def _hanging(marker: int | None, nxt: str, nxt_indent: int) -> bool:
    """Does ``nxt`` go on with the list point above it: indented past the point's marker
    (a hanging indent), even after a full stop ("- Kommunfullmäktige bemyndigar … 910
    mnkr." then "    Kommunstyrelsen har under 2024 rätt att omsätta lån …")?"""
    return marker is not None and nxt_indent > marker and not STARTS_ITEM.match(nxt) and not _GAP.search(nxt)


def _wrapped(line: str, nxt: str, width: int, block_width: int) -> bool:
    """Does the layout wrap ``line`` onto ``nxt``, the line right under it (no blank line
    between)? A paragraph set apart by blank lines, such as a heading's title over two
    lines ("… Karstorpskolan Norra och" / "Karstorpskolan Södra"), goes on in a line that
    may start with a capital or a digit. The line above is long (at least
    ``_WRAPPED_SHARE`` of the text's width: a title's larger font wraps it before the
    body's width), the next line's first word would not have fitted on it within its
    block's width (in a list of names each line ends where its entry ends), it ends
    without a full stop or colon, not in "(M)" or a number before a capital (the
    entries of a list of names: "… ersätter Pia Johnson (S)", "… § 69"), and neither line is a row of columns, a list
    point or a "Label: value" field.
    """
    if not nxt or _GAP.search(line) or _GAP.search(nxt) or len(line) < _WRAPPED_SHARE * width:
        return False
    if len(line) + 1 + len(nxt.split()[0]) <= _FITS * block_width:
        return False
    if line.endswith(_ENDS_SENTENCE):
        return False
    if line[-1:] == "-" and line[-2:-1].isalnum() and not (line[-2:-1].isalpha() and nxt[:1].isupper()):
        return False  # "sam-" "verkan", "2024-" "12-13": joined by pages.paragraphs; "Marie-" "Louise" here
    if (line[-1] == ")" or line[-1].isdigit()) and nxt[:1].isupper():
        return False  # an entry of a list ends in "(M)", "§ 69" or a date; the next begins with a name
    return not (STARTS_ITEM.match(nxt) or _FIELD.match(line) or _FIELD.match(nxt))


def text_width(text: str) -> int:
    """The width of the text's body lines: the 90th percentile of the lengths of lines without columns."""
    lengths = sorted(len(t) for r in text.split("\n") if (t := r.strip()) and not _GAP.search(t))
    return lengths[int(0.9 * (len(lengths) - 1))] if lengths else 0


def blocks(text: str) -> tuple[list[Block], int]:
    """(blocks, page count) of a paged layout text."""
    width = text_width(text)
    pages = [page_lines(p, width) for p in text.split("\f")]
    while pages and not pages[-1]:
        pages.pop()
    lines = remove_running_lines(pages, top=TOP)
    return [b for para, page in paragraphs(lines) for b in text_blocks(para, page=page)], len(pages)
