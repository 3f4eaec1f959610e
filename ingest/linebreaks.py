"""Which line ends of a PDF page the layout wrapped, where the text does not say.

PDFium's text keeps the space at the end of a line that the layout wrapped in the
middle of a paragraph, and :func:`.pages.paragraphs` joins such a line to the next.
Some PDF writers end every line with a space, the last line of a paragraph and a
heading too; and a short line of a list of names may keep its space ("Martin Flodén ").
On a page where three short lines or more end in a space, the space says nothing, and
the positions of the lines on the page decide: a line was wrapped when the next line follows right
below it (no blank line between) and the next line's first word would not have fitted
at its end.
"""

from __future__ import annotations

import re

_LINE = re.compile(r"[^\r\n]+")
SHORT = 0.5  # a line shorter than half a full line (the page's longest) was hardly wrapped
# Words a sentence or a title does not end on: a line ending so goes on below it
# ("§3. Den ekonomiska utvecklingen i Sverige och" / "penningpolitisk diskussion").
OPEN_ENDS = frozenset({"och", "samt", "eller", "i", "av", "för", "till", "om", "med", "på", "från", "vid", "mot", "inom", "enligt"})


def _share(lines: list[str], full: int) -> tuple[int, int]:
    """(short lines ending in a space, short lines): short is under half of ``full``."""
    short = [ln for ln in lines if len(ln.strip()) < SHORT * full]
    return sum(ln.endswith(" ") for ln in short), len(short)


def spaced_page(text: str) -> bool:
    """Three or more of the page's short lines end in a space (cheap: a first look)."""
    lines = [ln for ln in text.replace("\r", "\n").split("\n") if ln.strip()]
    full = max((len(ln.strip()) for ln in lines), default=0)
    return _share(lines, full)[0] >= 1


def wrap_marks(tp, text: str) -> str:
    """The page's text (from the PDFium text page ``tp``) with a trailing space only on
    the lines the layout wrapped: the next line stands right below (less than half a
    line between them) and its first word would not have fitted before the right edge
    of the page's text, or the line ends on a word no sentence ends on (:data:`OPEN_ENDS`:
    a heading's larger letters wrap it early) and the next is less than a line below;
    and the line is text, not a row of cells spread over the width
    ("HÖGSBY KOMMUN    Protokoll    1(14)": its letters stand far apart).

    The text as it came where its characters are not PDFium's one for one.
    """
    if tp.count_chars() != len(text):
        return text
    spans = [(m.start(), m.group(0)) for m in _LINE.finditer(text) if m.group(0).strip()]
    boxes = []
    for start, line in spans:
        first = start + len(line) - len(line.lstrip())
        last = start + len(line.rstrip()) - 1
        word_end = first + len(line.lstrip().split(None, 1)[0]) - 1
        left, bottom, _, top = tp.get_charbox(first, loose=True)
        right = tp.get_charbox(last)[2]
        # the letters' pitch for their size: a heading's larger letters are no row of cells
        pitch = (right - left) / max(1, last - first) / max(top - bottom, 1e-3)
        boxes.append((bottom, top, right, tp.get_charbox(word_end)[2] - left, pitch))
    edge = max((b[2] for b in boxes), default=0.0)
    pitches = sorted(b[4] for b in boxes)
    usual = pitches[len(pitches) // 2] if pitches else 0.0
    out, pos = [], 0
    for n, (start, line) in enumerate(spans):
        keep = line.rstrip()
        if line.endswith(" ") and n + 1 < len(spans):
            bottom, top, right, _, pitch = boxes[n]
            _, next_top, _, word, _ = boxes[n + 1]
            height = top - bottom
            gap = bottom - next_top
            fits = right + 0.5 * height + word < edge
            if keep.rsplit(None, 1)[-1].lower() in OPEN_ENDS:  # the next line goes on with it,
                wrapped = 0 <= gap < height  # even under a heading's wider spacing
            else:
                wrapped = 0 <= gap < 0.5 * height and not fits
            if wrapped and pitch < 1.5 * usual:
                keep = line
        out.append(text[pos:start] + keep)
        pos = start + len(line)
    return "".join(out) + text[pos:]
