"""Tables without rulings on a PDF page: rows of text segments in aligned columns.

A närvarolista or a voting list laid out as a table without lines comes out of the
text layer one row per line with its cells run together ("Emma Köster M X Jonna
Tingberg"), so which column a mark stands in is lost. Here such a table is found from
the segments' positions — a line of three or more segments (the column headings)
followed by lines whose segments start where those columns start — and its lines in
the page text are replaced by rows of cells joined by tabs, empty cells kept, which
:func:`.text.text_blocks` turns into table rows. A cell wrapped over two lines is
joined again where the table's rows stand further apart than its lines.

The page text is left as it is unless the table's lines in it hold exactly the
table's characters.
"""

from __future__ import annotations

import re

_TOL = 4.0  # points: how far a cell's left edge may stand from its column's


def with_cells(tp, rects, text: str) -> str:
    """``text`` (the page's text layer) with the lines of ruling-less tables as cells."""
    lines = _visual_lines(rects)
    if not any(len(ln) >= 3 for ln in lines):  # the common case: no table, nothing read
        return text
    for table in _tables(lines):
        rows = _rows(tp, table)
        if len([r for r in rows if sum(1 for c in r if c) >= 2]) >= 3:  # a heading and two rows
            text = _replace(text, rows)
    return text


def _same_line(a, b) -> bool:
    return min(a[3], b[3]) - max(a[1], b[1]) > 0.5 * min(a[3] - a[1], b[3] - b[1])


def _visual_lines(rects) -> list[list[tuple]]:
    """The segments grouped into lines, top to bottom, each line left to right.

    PDFium's rectangles can end inside a word (a change of font: "or" "dförande"):
    rectangles closer than a line's height are one segment; a gap between columns
    is wider.
    """
    lines: list[list[tuple]] = []
    for r in sorted(rects, key=lambda r: (-r[3], r[0])):
        if lines and _same_line(lines[-1][0], r):
            lines[-1].append(r)
        else:
            lines.append([r])
    out = []
    for line in lines:
        segs: list[tuple] = []
        for r in sorted(line):
            if segs and r[0] - segs[-1][2] < max(r[3] - r[1], segs[-1][3] - segs[-1][1]):
                a = segs[-1]
                segs[-1] = (a[0], min(a[1], r[1]), max(a[2], r[2]), max(a[3], r[3]))
            else:
                segs.append(tuple(r))
        out.append(segs)
    return out


def _column(r, cols: list[float]) -> int | None:
    """The column a segment stands in: its left edge at a column's, within one column."""
    for i, left in enumerate(cols):
        right = cols[i + 1] if i + 1 < len(cols) else float("inf")
        if abs(r[0] - left) <= _TOL and r[2] <= right + _TOL:
            return i
    return None


def _tables(lines: list[list[tuple]]):
    """(columns, lines) of each table: a heading line and the aligned lines below it."""
    i = 0
    while i < len(lines):
        head = lines[i]
        if len(head) < 3:
            i += 1
            continue
        cols = [r[0] for r in head]
        body = [head]
        j = i + 1
        while j < len(lines) and all(_column(r, cols) is not None for r in lines[j]):
            body.append(lines[j])
            j += 1
        if len(body) >= 3:
            yield cols, body
            i = j
        else:
            i += 1


def _rows(tp, table) -> list[list[str]]:
    """The table's rows as cells; a line between rows that stand close is a wrapped cell."""
    cols, lines = table
    gaps = [min(r[1] for r in a) - max(r[3] for r in b) for a, b in zip(lines, lines[1:])]
    # Rows apart, wrapped lines close together: the threshold between the two, if both occur.
    split = (min(gaps) + max(gaps)) / 2 if gaps and max(gaps) > 2 * max(min(gaps), 0) + 2 else None
    rows: list[list[str]] = []
    for k, line in enumerate(lines):
        cells = [""] * len(cols)
        for r in line:
            c = _column(r, cols)
            cells[c] = (cells[c] + " " + tp.get_text_bounded(*r)).strip() if cells[c] else tp.get_text_bounded(*r)
        wrapped = k > 0 and (split is not None and gaps[k - 1] < split or _continues(rows[-1], cells))
        if wrapped:
            rows[-1] = [_join(a, b) for a, b in zip(rows[-1], cells)]
        else:
            rows.append(cells)
    return [[c.strip() for c in row] for row in rows]


def _continues(upper: list[str], lower: list[str]) -> bool:
    """Whether a line goes on with the row above whatever the spacing says: each of its
    cells goes on with the cell above it, and one of them is a number or a date broken
    over the lines ("2 264" "000", "(647" "771 kr)", "2024-06-" "14"), which a new row
    never starts with (the spacing of a table's lines and rows can overlap)."""
    pairs = [(a.strip(), b.strip()) for a, b in zip(upper, lower) if b.strip()]
    if not pairs or any(not a for a, _ in pairs):
        return False
    broken = [_BROKEN_NUMBER.search(a) and _GROUP.match(b) or a.endswith("-") and a[-2:-1].isdigit() and b[0].isdigit()
              for a, b in pairs]
    return any(broken) and all(ok or b[0].islower() for ok, (_, b) in zip(broken, pairs))


_BROKEN_NUMBER = re.compile(r"(?<![\d,.])\d{1,3}(?: \d{3})*$")  # "2 264", "(647"
_GROUP = re.compile(r"\d{3}(?!\d)(?![,.]\d)")  # "000", "771 kr)"


def _join(upper: str, lower: str) -> str:
    """A cell's two lines: with a space where the text layer kept one ("Tjänstgörande "),
    without where the layout broke a word ("Närvaran" "de")."""
    if not upper or not lower:
        return upper + lower
    return upper + lower if not upper[-1].isspace() and upper[-1].isalpha() and lower[0].islower() else upper.rstrip() + " " + lower


def _replace(text: str, rows: list[list[str]]) -> str:
    """The page text with the table's lines replaced by its rows, if they can be found."""
    want = sorted("".join("".join(cell.split()) for row in rows for cell in row))
    first = next((c for c in rows[0] if c), "")
    lines = text.replace("\r\n", "\n").split("\n")
    for start, line in enumerate(lines):
        if not line.strip().startswith(first.split()[0] if first else "\0"):
            continue
        got: list[str] = []
        for end in range(start, len(lines)):
            got.extend("".join(lines[end].split()))
            if len(got) >= len(want):
                break
        if sorted(got) == want:
            cells = ["\t".join(r).rstrip("\t") for r in rows]
            return "\n".join(lines[:start] + cells + lines[end + 1 :])
    return text
