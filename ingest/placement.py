"""Lines that the text layer gives last but that stand at the top of the page, put in their place.

Some PDF writers emit a page's header block ("Protokoll 28.03.2023 Sida", the organ,
the item number "13 §" in the margin beside the heading, the page number) after the
body text. In the text order those lines close the page, so the item's number follows
its text and the running header is not at the page's top. Where the text order ends by
jumping back up the page into the band above (or beside) its first lines, the lines
after that jump are placed by position: a line on the same row as a body line joins it
(a margin number before its heading, "13 § Sammanträdets laglighet …"; a margin number
that the heading beside it already starts with goes), the others go above the first
body line below them. Lines of one row that stand far apart are kept
as cells (separated by a tab), as the running-line removal in :mod:`.pages` expects.
"""

from __future__ import annotations

import dataclasses

_JUMP = 2.5  # an upward jump of more than this many line heights leaves the text's order
_BAND = 3.0
_MOST = 16  # at most so many late segments or lines  # the late lines stand at most this many line heights below the first body line


@dataclasses.dataclass
class _Line:
    text: str
    left: float
    bottom: float
    right: float
    top: float
    boxes: list = dataclasses.field(default_factory=list, repr=False)  # a box per character of text

    @property
    def height(self) -> float:
        return max(self.top - self.bottom, 1.0)


def header_last(rects) -> bool:
    """True when the segments' order ends with a jump back up into the page's top band."""
    start = _late_start([(r[0], r[1], r[2], r[3]) for r in rects])
    return start is not None


def _late_start(boxes) -> int | None:
    """Index of the first late box: the earliest upward jump after which every box stands
    in the top band of the page (a few lines: a header, not the page's text)."""
    for i in range(1, len(boxes)):
        (_, b1, _, t1), (_, b2, _, t2) = boxes[i - 1], boxes[i]
        if t2 <= t1 + _JUMP * max(t1 - b1, t2 - b2, 1.0) or len(boxes) - i > _MOST:
            continue
        first_top = max(b[3] for b in boxes[:i])
        height = max(max(b[3] - b[1], 1.0) for b in boxes[:5])
        if all(b[3] >= first_top - _BAND * height for b in boxes[i:]):
            return i
    return None


def placed_lines(tp, text: str) -> list[str] | None:
    """The page's lines with the late ones placed by position, or None to keep the text order."""
    return arrange(lines_of(tp, text))


def arrange(lines: list[_Line]) -> list[str] | None:
    """The lines' texts with the late ones placed by position, or None if none is late."""
    start = _late_start([(ln.left, ln.bottom, ln.right, ln.top) for ln in lines])
    if start is None:
        return None
    out = lines[:start]
    for late in sorted(lines[start:], key=lambda ln: (-ln.top, ln.left)):
        _place(out, late)
    return [ln.text for ln in out]


def lines_of(tp, text: str) -> list[_Line]:
    """The text's lines ("\\r\\n" apart, or where the characters jump to another row)
    with the box of their printed characters."""
    out: list[_Line] = []
    chars: list[int] = []
    box: list[float] | None = None
    boxes: dict[int, tuple] = {}

    def close() -> None:
        if chars and box is not None:
            span = range(chars[0], chars[-1] + 1)
            out.append(_Line(text[chars[0]:chars[-1] + 1], *box, boxes=[boxes.get(j) for j in span]))

    for i, ch in enumerate(text):
        if ch in "\r\n":
            close()
            chars, box = [], None
            continue
        if ch.isspace():
            if chars:
                chars.append(i)
            continue
        l, b, r, t = boxes[i] = tp.get_charbox(i)
        if box is not None and min(t, box[3]) - max(b, box[1]) < 0.3 * min(t - b, box[3] - box[1]):
            close()
            chars, box = [], None
        chars.append(i)
        box = [l, b, r, t] if box is None else [min(l, box[0]), min(b, box[1]), max(r, box[2]), max(t, box[3])]
    close()
    return out


def _same_row(a: _Line, b: _Line) -> bool:
    return min(a.top, b.top) - max(a.bottom, b.bottom) > 0.5 * min(a.height, b.height)


def _place(out: list[_Line], late: _Line) -> None:
    if any(_repeats(ln, late) for ln in out):
        return
    for i, ln in enumerate(out):
        if _same_row(ln, late):
            out[i] = _join(ln, late)
            return
        if ln.top < late.bottom:
            out.insert(i, late)
            return
    out.append(late)


def _repeats(ln: _Line, late: _Line) -> bool:
    """The late line is the number in the margin that the heading beside it starts with
    ("14 §" beside "14§ Lägesrapport …")."""
    label = "".join(late.text.split())
    near = abs(ln.top - late.top) <= _BAND * ln.height
    return near and len(label) < len("".join(ln.text.split())) and "".join(ln.text.split()).startswith(label)


def _join(a: _Line, b: _Line) -> _Line:
    left, right = (a, b) if a.left <= b.left else (b, a)
    gap = right.left - left.right
    sep = " " if 0 <= gap <= 2 * max(a.height, b.height) else "\t"
    return _Line(
        left.text.rstrip() + sep + right.text.lstrip(" "),
        left.left, min(a.bottom, b.bottom), max(a.right, b.right), max(a.top, b.top),
    )
