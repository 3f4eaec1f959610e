"""PDF: the text layer through pypdfium2, OCR where a page has none, running lines removed.

Per page, PDFium's own text (``get_text_range``) is the fast path: for the PDFs that
Word and LibreOffice write it is already in reading order. Where the order of the
text segments jumps back up the page into another column (text written column by
column, or labels first and values after), the page is rebuilt from the segment
positions: label/value rows side by side, true columns one after the other.

Then, across pages: lines repeated at the top or bottom of most pages (after "Sida 3
av 22" and "Sida 4 av 22" are made equal) are running headers and footers and go;
lines wrapped by the layout are joined into paragraphs, hyphenation undone; every
block keeps the page it starts on. A line the layout wrapped ends in a space; on a page
where short lines end in one too (a PDF writer that ends every line so, or a list of
names), the lines' positions say which were wrapped (:mod:`.linebreaks`).
"""

from __future__ import annotations

import re

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from protokoll.errors import CorruptFile, EmptyDocument, EncryptedFile, OcrUnavailable, describe
from protokoll.progress import SILENT, Progress
from protokoll.records import Block

from . import linebreaks, ocr, pdftable, swedish
from .garbled import broken_heading, broken_label, corrected_lines
from .garbled import ocr_words as garbled_words
from .placement import header_last, placed_lines
from .pages import CONJUNCTION, STARTS_ITEM, paragraphs, remove_running_lines
from .text import text_blocks

# A page whose words are less than half Swedish has a garbled text layer. Measured with
# swedish.share on the real corpus and the samples: pages of good text layers score 0.65
# and more (most 0.75-0.9), garbled ones 0.15-0.46.
GARBLED = 0.5
_SOFT_HYPHEN = re.compile(r"(?<=\w)[\ufffe\x02]\s*(?=\w)")
_STRAY_HYPHEN = re.compile(r"[\ufffe\x02]")
_UNMAPPED = re.compile(r"[\ufffd\x00-\x08\x0e-\x1f\ue000-\uf8ff]")
# A word: a token with two letters in a row and a vowel.
_WORDLIKE = re.compile(r"(?<!\S)(?=\S*[A-Za-zÅÄÖåäöÉéÜü]{2})(?=\S*[aeiouyåäöAEIOUYÅÄÖéü])\S+")


def blocks(data: bytes, path=None, progress: Progress = SILENT) -> tuple[list[Block], int, list[str]]:
    """(blocks, page count, warnings) for a PDF given as bytes; ``progress`` counts OCR'd pages."""
    pdf = open_pdf(data, path)
    warnings: list[str] = []
    try:
        count = len(pdf)
        if count == 0:
            raise CorruptFile("the PDF has no pages", path=path)
        pages: list[list[str]] = []
        scanned: list[int] = []
        broken: list[int] = []
        for i in range(count):
            try:
                lines, needs_ocr = _page_lines(pdf, i)
            except pdfium.PdfiumError:
                lines, needs_ocr = [], False
                broken.append(i + 1)
            pages.append(lines)
            if needs_ocr:
                scanned.append(i)
        if broken:
            if len(broken) == count:
                raise CorruptFile("the PDF's only page cannot be read" if count == 1 else
                                  f"none of the {count} pages of the PDF can be read", path=path)
            skipped = "1 damaged page" if len(broken) == 1 else f"{len(broken)} damaged pages"
            warnings.append(f"{skipped} skipped: {', '.join(map(str, broken[:10]))}")
        if scanned:
            for i, text in ocr.recognise_pages(pdf, scanned, path, progress).items():
                pages[i] = _ocr_lines(text)
            warnings.append(f"OCR (Tesseract, Swedish) on {len(scanned)} of {count} pages")
        garbled = [
            i for i, lines in enumerate(pages) if i not in scanned and (garbled_text(lines) or broken_heading(lines) or broken_label(lines))
        ]
        if garbled:
            warnings.append(_read_garbled(pdf, pages, garbled, path, progress))
    finally:
        pdf.close()
    lines = remove_running_lines(pages)
    out = [b for para, page in paragraphs(lines) for b in text_blocks(para, page=page)]
    if not out:
        raise EmptyDocument("the PDF has no text (and no page that OCR could read)", path=path)
    return out, count, warnings


def garbled_text(lines: list[str]) -> bool:
    """A text layer of letters that are mostly no Swedish words: its fonts map glyphs to
    the wrong characters ("Personalsektonenn usernprouokollj suerare")."""
    share = swedish.share("\n".join(lines))
    return share is not None and share < GARBLED


def _read_garbled(pdf, pages: list[list[str]], garbled: list[int], path, progress: Progress) -> str:
    """The pages with a garbled text layer, their non-words read with OCR (:mod:`.garbled`);
    the warning that says so."""
    numbers = ", ".join(str(i + 1) for i in garbled)
    try:
        tables = ocr.recognise_pages(pdf, garbled, path, progress, tsv=True)
    except OcrUnavailable:
        return f"text layer garbled (wrong font mapping) on pages {numbers}; kept as it is: Tesseract is not available"
    for i, table in tables.items():
        page = pdf[i]
        try:
            words = garbled_words(table, page.get_size()[1])
            tp = page.get_textpage()
            try:
                pages[i] = _split_lines("\n".join(corrected_lines(tp, tp.get_text_range(), words)))
            finally:
                tp.close()
        finally:
            page.close()
    return f"text layer garbled (wrong font mapping) on pages {numbers}: its non-words read with OCR (Tesseract, Swedish)"


def open_pdf(data: bytes, path=None) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as e:
        code = getattr(e, "err_code", None)
        if code in (pdfium_c.FPDF_ERR_PASSWORD, pdfium_c.FPDF_ERR_SECURITY):
            raise EncryptedFile("the PDF is encrypted and needs a password to open", path=path) from None
        raise CorruptFile(describe(e), path=path) from None


def _page_lines(pdf, index: int) -> tuple[list[str], bool]:
    """The page's text lines in reading order, and whether the page needs OCR.

    On a page whose short lines end in a space too (a PDF writer that ends every line
    so, or a list of names: "Martin Flodén "), a line keeps its space only where the
    layout wrapped it, as the lines' positions say (:func:`.linebreaks.wrap_marks`).
    """
    page = pdf[index]
    try:
        tp = page.get_textpage()
        try:
            text = tp.get_text_range()
            if is_garbage(text):
                if _has_images(page):
                    return [], True
                # Nothing to OCR (a 10,000-page blank PDF stays fast); a short clean text stays.
                return ([] if unreadable(text) else _split_lines(text)), False
            rects = [tp.get_rect(i) for i in range(tp.count_rects())]
            raw, text = text, pdftable.with_cells(tp, rects, text)
            if _column_major(rects):
                return _positional_lines(tp, rects), False
            if header_last(rects):  # a page header the text layer gives last
                placed = placed_lines(tp, raw)
                if placed is not None:
                    return _split_lines("\n".join(placed)), False
            if linebreaks.spaced_page(text):
                text = linebreaks.wrap_marks(tp, text)
        finally:
            tp.close()
    finally:
        page.close()
    return _split_lines(text), False


def _split_lines(text: str) -> list[str]:
    text = _SOFT_HYPHEN.sub(_soft_hyphen, text.replace("\r\n", "\n").replace("\r", "\n"))
    text = _STRAY_HYPHEN.sub("", text)  # a soft hyphen not between two words is not printed
    return [ln.replace("\u00a0", " ") for ln in text.split("\n") if ln.strip()]


def _soft_hyphen(m: re.Match) -> str:
    # PDFium marks a hyphen it found at a line end. Between lower-case letters it was a
    # hyphenation ("sam-verkan"); next to a capital or digit a real hyphen ("SIP-utbildning").
    s, i = m.string, m.start()
    before, after = s[i - 1], s[m.end()]
    if CONJUNCTION.match(s, m.end()):  # a compound cut short: "in-och utskrivning"
        return "-"
    return "" if before.islower() and after.islower() else "-"


def is_garbage(text: str) -> bool:
    """True when a text layer is missing or unusable: unmapped glyphs, mostly non-words."""
    tokens = text.split()
    chars = sum(map(len, tokens))  # the characters that are not whitespace
    return chars < 20 or _unreadable(text, tokens, chars)


def unreadable(text: str) -> bool:
    """Unmapped glyphs (more than 1 in 10) or mostly tokens that are no words."""
    tokens = text.split()
    return _unreadable(text, tokens, sum(map(len, tokens)))


def _unreadable(text: str, tokens: list[str], chars: int) -> bool:
    if len(_UNMAPPED.findall(text)) > 0.1 * chars:
        return True
    # Fewer than 4 in 10 tokens are words. Counted only until there are enough: on a
    # page of real text that is about half of it (this ran on every page of every PDF).
    need, words = 0.4 * len(tokens), 0
    if need <= 0:
        return False
    for _ in _WORDLIKE.finditer(text):
        words += 1
        if words >= need:
            return False
    return True


def _has_images(page) -> bool:
    return any(True for _ in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=3))


def _column_major(rects) -> bool:
    """True when the text order jumps back up the page into another column.

    Only pages split by a gutter that no text crosses count: on a page with full-width
    paragraphs the jumps are wrapped table cells, which PDFium already orders well.
    """
    for (l1, b1, r1, t1), (l2, b2, r2, t2) in zip(rects, rects[1:]):
        # Up by more than two lines of text (a wrapped table cell goes back up one line).
        if t2 > t1 + 2.5 * max(t1 - b1, t2 - b2, 1.0) and (l2 > r1 - 1 or r2 < l1 + 1):
            return _gutter(rects) is not None
    return False


def _gutter(rects) -> float | None:
    """The x of the widest vertical gap that no segment crosses, with columns on both sides."""
    edges = sorted((r[0], r[2]) for r in rects)
    gutter, best, reach = None, 0.0, edges[0][1]
    for left, right in edges[1:]:
        if left - reach > best:
            best, gutter = left - reach, (reach + left) / 2
        reach = max(reach, right)
    if gutter is None:
        return None
    left, right = edges[0][0], max(r[2] for r in rects)
    sides = (sum(1 for r in rects if r[2] <= gutter), sum(1 for r in rects if r[0] >= gutter))
    # A split into columns, not a table's narrow last column: each side a quarter of the width.
    wide = min(gutter - left, right - gutter) >= 0.25 * (right - left)
    return gutter if min(sides) >= 3 and wide else None


def _positional_lines(tp, rects) -> list[str]:
    """Rebuild a page from segment positions (only for pages written column by column)."""
    gutter = _gutter(rects)
    segs = [(l, b, r, t, tp.get_text_bounded(l, b, r, t).strip()) for l, b, r, t in rects]
    segs = [s for s in segs if s[4]]
    left_col = [s for s in segs if s[2] <= gutter]
    right_col = [s for s in segs if s[0] >= gutter]
    if _labels_and_values(left_col, right_col):
        return _rows(segs)
    return _rows(left_col) + _rows(right_col)


def _labels_and_values(left, right) -> bool:
    """Short labels ("Plats och tid:") beside longer values, row for row: not two text columns."""
    if not left or not right:
        return False
    paired = sum(1 for a in left if any(_same_row(a, b) for b in right))
    labels = sum(1 for a in left if a[4].endswith(":"))
    width = sorted(s[2] - s[0] for s in left)[len(left) // 2]
    other = sorted(s[2] - s[0] for s in right)[len(right) // 2]
    return paired >= 0.6 * len(left) and (labels >= 0.5 * len(left) or width < 0.6 * other)


def _same_row(a, b) -> bool:
    return min(a[3], b[3]) - max(a[1], b[1]) > 0.5 * min(a[3] - a[1], b[3] - b[1])


def _rows(segs) -> list[str]:
    rows: list[list] = []
    for s in sorted(segs, key=lambda s: (-s[3], s[0])):
        if rows and _same_row(rows[-1][0], s):
            rows[-1].append(s)
        else:
            rows.append([s])
    return [" ".join(s[4] for s in sorted(row, key=lambda s: s[0])) for row in rows]


_OCR_BULLET = re.compile(r"^[«»•*·©®]\s+")


def _ocr_lines(text: str) -> list[str]:
    """Tesseract's lines, marked as wrapped (trailing space) where they fill the paragraph's width.

    Tesseract reads the bullet "•" as "«", "»" or "©": those become "•" again.
    """
    out = []
    for para in re.split(r"\n\s*\n", text):
        lines = [_OCR_BULLET.sub("• ", ln.strip()) for ln in para.split("\n") if ln.strip()]
        width = max((len(ln) for ln in lines), default=0)
        for ln, nxt in zip(lines, lines[1:] + [""]):
            sentence_ends = ln.endswith((".", ":", ";", ")")) and nxt[:1].isupper()
            full = len(ln) >= 0.75 * width and nxt and not STARTS_ITEM.match(nxt) and not sentence_ends
            out.append(ln + " " if full and not ln.endswith("-") else ln)
    return out
