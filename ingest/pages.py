"""Pages of text into blocks: running headers and footers removed, wrapped lines joined.

Shared by the PDF reader (:mod:`.pdf`, pages from PDFium or Tesseract) and by text
extracted from PDFs with its layout kept (:mod:`.text`, pages separated by form feeds,
columns by runs of spaces). A page is a list of lines; a line may hold several cells
separated by tabs (the columns of a layout text: "KOMMUNSTYRELSEN<TAB>SAMMANTRÄDESPROTOKOLL").

Running lines are the lines (or cells) that stand near the top or the bottom of most
pages once their digits are made equal ("Sida 3 av 22" = "Sida 4 av 22"). A line with
"§" in it ("Protokoll 13 § 28.03.2023 Sida") is running only if one of its texts also
repeats to the letter, as a running header does on the pages of a long item: an item's
own heading ("KS § 27" on top of the page its item starts on) never repeats.
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter, defaultdict

from .text import BULLETS

EDGE = 3  # lines at the top and at the bottom of a page that may be running lines
_DIGITS = re.compile(r"\d+")
_SIGNATURE_BOX = re.compile(
    r"^(justerandes\s+sign(atur)?|utdragsbestyrkande|sida\s+\d+\s*(av|/)\s*\d+|\s)+$", re.IGNORECASE
)
STARTS_ITEM = re.compile(r"^(\d{1,3}(?:\)\.?|\.)|[a-zåäö][.)/]|§|[-–" + re.escape("".join(BULLETS)) + r"])(\s|$)")
CONJUNCTION = re.compile(r"(och|eller|samt|resp\.?|respektive|till)\b")
_CLAUSE = re.compile(r"att\s")  # "att …" after an unwrapped line starts a decision clause
_CLOSERS = (".", ":", ";", "!", "?", "”", '"', "»")


@dataclasses.dataclass
class Line:
    text: str  # as extracted, trailing space kept (it marks a line wrapped by the layout)
    page: int  # 1-based


def _key(line: str) -> str:
    return _DIGITS.sub("#", " ".join(line.lower().split()))


def _parts(line: str) -> list[str]:
    """The line and, for a line of several cells, each cell."""
    if "\t" not in line:
        return [line]
    return [line, *(c for c in line.split("\t") if c.strip())]


def running_keys(pages: list[list[str]], top: int = EDGE, bottom: int = EDGE) -> set[str]:
    """The keys of lines and cells repeated at the edges of most pages.

    A key with digits in it is running only when the lines behind it are one text
    repeated ("2023-03-02" on every page) or count the pages ("Sida 5 av 12" on page 5):
    the Dnr beside each item's heading ("KS KF/2023:74") has the key of a running line
    but neither. With "§" in it, only a text repeated to the letter counts.
    """
    seen: Counter[str] = Counter()
    texts: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for number, lines in enumerate(pages, 1):
        edge = {p for ln in lines[:top] + lines[len(lines) - bottom:] for p in _parts(ln)}
        keys = {}
        for p in edge:
            keys.setdefault(_key(p), " ".join(p.split()))
        seen.update(keys.keys())
        for k, text in keys.items():
            if "#" in k:
                texts[k].append((number, text))
    with_text = sum(1 for lines in pages if lines)
    if with_text < 2:
        return set()
    threshold = max(2, (with_text + 1) // 2)
    return {k for k, n in seen.items() if n >= threshold and ("#" not in k or _repeated(k, texts[k], threshold))}


def _repeated(key: str, occurrences: list[tuple[int, str]], threshold: int) -> bool:
    """One text on two pages or more, or (without "§") a number that counts the pages."""
    if max(Counter(t for _, t in occurrences).values()) >= 2:
        return True
    if "§" in key:
        return False
    offsets: Counter[int] = Counter()
    for page, text in occurrences:
        offsets.update({int(d) - page for d in _DIGITS.findall(text) if len(d) < 6})
    return bool(offsets) and offsets.most_common(1)[0][1] >= threshold


def remove_running_lines(pages: list[list[str]], top: int = EDGE, bottom: int = EDGE) -> list[Line]:
    """Drop running headers/footers: lines (or cells) repeated at a page's top or bottom
    on most pages. Signature-box lines ("Justerandes signatur", "Utdragsbestyrkande") go
    wherever they stand.
    """
    running = running_keys(pages, top, bottom)
    out: list[Line] = []
    for number, lines in enumerate(pages, 1):
        last = len(lines) - bottom
        for i, ln in enumerate(lines):
            if _SIGNATURE_BOX.match(ln.strip()):
                continue
            edge = running and (i < top or i >= last)
            if edge and _key(ln) in running:
                continue
            if "\t" in ln:
                cells = [c for c in ln.split("\t") if c.strip() and not (edge and _key(c) in running)
                         and not _SIGNATURE_BOX.match(c.strip())]
                if not cells:
                    continue
                ln = "\t".join(cells)
            out.append(Line(ln, number))
    return out


def paragraphs(lines: list[Line]):
    """Join lines the layout wrapped into paragraphs; yield (text, page of first line).

    A line of cells (a table row) is never joined to another.
    """
    typical = sorted(len(ln.text.strip()) for ln in lines)
    wide = 0.85 * typical[int(0.9 * (len(typical) - 1))] if typical else 0
    text, page = "", None
    for ln in lines:
        cur = ln.text.replace("\u00a0", " ")
        if page is None:
            text, page = cur, ln.page
            continue
        nxt = cur.strip()
        prev = text.rstrip()
        if STARTS_ITEM.match(nxt) or "\t" in cur or "\t" in prev:
            pass
        elif prev.endswith("-") and prev[-2:-1].isdigit() and nxt[:1].isdigit():  # "2024-" "12-13"
            text = prev + cur.lstrip()
            continue
        elif text.endswith((" ", "\t")):  # the layout wrapped the line here
            text = prev + " " + cur.lstrip()
            continue
        elif prev.endswith("-") and prev[-2:-1].isalpha() and nxt[:1].islower():
            # Hyphenation ("sam-" "verkan"), except a compound cut short ("in-" "och
            # utskrivning") or after a capital ("F-" "klasser", "IT-" "kostnader").
            keep = CONJUNCTION.match(nxt) or prev[-2:-1].isupper()
            text = (prev if keep else prev[:-1]) + cur.lstrip()
            continue
        elif len(prev) >= wide and nxt[:1].islower() and not prev.endswith(_CLOSERS) and not _CLAUSE.match(nxt):
            text = prev + " " + cur.lstrip()  # a full line going on in lower case
            continue
        yield text.strip(), page
        text, page = cur, ln.page
    if page is not None and text.strip():
        yield text.strip(), page
