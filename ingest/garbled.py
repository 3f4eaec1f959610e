"""Pages whose text layer is garbled (fonts that map glyphs to the wrong characters), read
word by word from OCR.

Such a page keeps its text layer's lines, their order and everything in them that is
right: digits, "§", and the words that are Swedish. Each word that is no Swedish word
("usernprouokollj", "Benlutande", "beslutfrhet") is replaced by the words Tesseract read
in the same place on the page. Tesseract alone would not do: it reads the "§" of these
fonts as "8" ("9 §" becomes "98"), and the item numbers are what the parser needs most.
Besides the pages that are mostly no Swedish (:func:`.pdf.garbled_text`), a page whose
item heading has a word that is no word (:func:`broken_heading`) is read so too: the
heading's title is what a reader searches for.
"""

from __future__ import annotations

import difflib
import re

from . import ocr, placement, swedish

_LETTERS = re.compile(r"[^\W\d_]{2,}")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f]")
_EDGE = "()[]{}.,:;!?\"'”“«»"


_HEADING = re.compile(r"^\d{1,4}\s?§\s+\S")
_LOWER_WORD = re.compile(r"(?<![\w-])[a-zåäö][a-zåäö]{4,}(?![\w-])")


def broken_heading(lines: list[str]) -> bool:
    """An item's heading ("13 § Sammanträdets laglighet och beslutfrhet") with a word
    that is no Swedish word: a font that drops glyphs (the ligatures "ti", "ft", "fö")
    where the page as a whole still reads as Swedish. Not a table of contents' entry."""
    for ln in lines:
        if _HEADING.match(ln) and "...." not in ln and len(ln.split()) <= 15:
            if any(not swedish.is_swedish(w) for w in _LOWER_WORD.findall(ln)):
                return True
    return False


_LABEL_WORDS = 8  # a block's label: "Bildningsdirektörens förslag:", "Välfärdsnämndens beslut:"
# The nouns a block's label ends on; a broken font misspells them ("lörslag", "beslui").
_LABEL_NOUNS = ("beslut", "förslag")
_LAST_WORD = re.compile(r"(?<![\w-])([a-zåäö][^\W\d_]{4,}):$")


def broken_label(lines: list[str]) -> bool:
    """A block's label (a short line ending in ":") whose last word is no Swedish word but
    near a label's noun ("Teresia Töterrann-ngströrs lörslag:", "Välfärdsnämndens beslui:",
    "Stadsdirektör Martn Norräårds förslaä:"): a page whose share of Swedish words passes,
    but whose labels the parser would miss."""
    for ln in lines:
        text = ln.rstrip()
        if text.endswith(":") and len(text.split()) <= _LABEL_WORDS and (m := _LAST_WORD.search(text)):
            word = m.group(1).lower()
            if not swedish.is_swedish(word) and any(
                difflib.SequenceMatcher(None, word, noun).ratio() >= 0.6 for noun in _LABEL_NOUNS
            ):
                return True
    return False


def ocr_words(tsv: str, page_height: float) -> list[tuple[str, float, float, float, float]]:
    """Tesseract's words as (text, left, bottom, right, top) in PDF points."""
    scale = 72 / ocr.DPI
    out = []
    for row in tsv.splitlines()[1:]:
        cols = row.split("\t")
        if len(cols) < 12 or cols[0] != "5" or not cols[11].strip():
            continue
        left, top, width, height = (int(c) for c in cols[6:10])
        out.append((
            cols[11].strip(), left * scale, page_height - (top + height) * scale,
            (left + width) * scale, page_height - top * scale,
        ))
    return out


def corrected_lines(tp, text: str, words) -> list[str]:
    """The page's lines (late header lines placed, see :mod:`.placement`) with every
    word that is no Swedish word replaced by the OCR words in its place."""
    lines = placement.lines_of(tp, text)
    for ln in lines:
        ln.text = _corrected(ln, words)
    placed = placement.arrange(lines)
    return placed if placed is not None else [ln.text for ln in lines]


def _corrected(line, words) -> str:
    out, i, text = [], 0, line.text
    for m in re.finditer(r"\S+", text):
        out.append(text[i:m.start()])
        i = m.end()
        word = m.group(0)
        core = _CONTROL.sub("", word.strip(_EDGE))
        broken = core != word.strip(_EDGE)  # a glyph mapped to a control character ("Mileone\x10")
        if any(c.isdigit() for c in word) or "§" in word or not _LETTERS.fullmatch(core) or _known(core) and not broken:
            out.append(word)
            continue
        boxes = [b for b in line.boxes[m.start():m.end()] if b is not None]
        found = _inside(boxes, words) if boxes else []
        out.append(" ".join(found) if found else word)
    out.append(text[i:])
    return "".join(out)


def _known(word: str) -> bool:
    return swedish.is_swedish(word) if len(word) > 3 else word.lower() in swedish.lemmas()


def _inside(boxes, words) -> list[str]:
    """The OCR words whose centre lies within the box of these characters."""
    left, bottom = min(b[0] for b in boxes), min(b[1] for b in boxes)
    right, top = max(b[2] for b in boxes), max(b[3] for b in boxes)
    pad = 0.3 * (top - bottom)
    hits = [
        w for w in words
        if left - pad <= (w[1] + w[3]) / 2 <= right + pad and bottom - pad <= (w[2] + w[4]) / 2 <= top + pad
    ]
    return [w[0] for w in sorted(hits, key=lambda w: w[1])]
