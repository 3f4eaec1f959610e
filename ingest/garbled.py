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


# A token: what stands between spaces. A glyph mapped to a control character ("Klädbi\x0cbragd")
# is inside its word, not a space.
_TOKEN = re.compile(r"[^ \t\r\n]+")


def _corrected(line, words) -> str:
    """The line with its non-words replaced by the OCR words in their place. An OCR word
    replaces the text once: a token of the text layer whose centre lies inside an OCR word
    used for its neighbour is part of that word ("ackur" beside "urnenn", together
    "Kackurdunten") and goes."""
    tokens = []  # (space before it, text, box of its characters or None, replaced)
    used: list[tuple] = []
    end = 0
    for m in _TOKEN.finditer(line.text):
        space, end, word = line.text[end:m.start()], m.end(), m.group(0)
        boxes = [b for b in line.boxes[m.start():m.end()] if b is not None]
        box = _union(boxes) if boxes else None
        core = _CONTROL.sub("", word.strip(_EDGE))
        broken = core != word.strip(_EDGE)  # a glyph mapped to a control character ("Mileone\x10")
        keep = (any(c.isdigit() for c in word) or "§" in word or not _LETTERS.fullmatch(core)
                or _known(core) and not broken)
        found = [] if keep or box is None else [w for w in _inside(box, words) if w not in used]
        if not found:
            if not keep and box is not None and any(_holds(w, box) for w in used):
                continue  # the rest of a word already read
            tokens.append((space, word, box, False))
            continue
        used += found
        while tokens and not tokens[-1][3] and tokens[-1][2] is not None and any(_holds(w, tokens[-1][2]) for w in found):
            space = tokens.pop()[0]  # the first part of the word now read
        tokens.append((space, " ".join(w[0] for w in found), _union([w[1:] for w in found]), True))
    return "".join(t[0] + t[1] for t in tokens) + line.text[end:]


def _union(boxes) -> tuple[float, float, float, float]:
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def _holds(word, box) -> bool:
    """Does the OCR word's box hold the centre of ``box``?"""
    x, y = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    return word[1] <= x <= word[3] and word[2] <= y <= word[4]


def _known(word: str) -> bool:
    return swedish.is_swedish(word) if len(word) > 3 else word.lower() in swedish.lemmas()


def _inside(box, words) -> list:
    """The OCR words whose centre lies within the box of these characters."""
    left, bottom, right, top = box
    pad = 0.3 * (top - bottom)
    hits = [
        w for w in words
        if left - pad <= (w[1] + w[3]) / 2 <= right + pad and bottom - pad <= (w[2] + w[4]) / 2 <= top + pad
    ]
    return sorted(hits, key=lambda w: w[1])
