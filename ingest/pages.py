"""Pages of text into blocks: running headers and footers removed, wrapped lines joined.

Shared by the PDF reader (:mod:`.pdf`, pages from PDFium or Tesseract) and by text
extracted from PDFs with its layout kept (:mod:`.layout`, pages separated by form feeds,
columns by runs of spaces). A page is a list of lines; a line may hold several cells
separated by tabs (the columns of a layout text: "KOMMUNSTYRELSEN<TAB>SAMMANTRÄDESPROTOKOLL").

Running lines are the lines (or cells) that stand near the top or the bottom of most
pages once their digits are made equal ("Sida 3 av 22" = "Sida 4 av 22"), where the
texts behind them look like a running line's: one text, a page count, or a label kept
over the pages of a long item ("13 §" on every page of § 13); not the headings at the
top of the pages where items start ("KS § 27", "BUN § 12") or their Dnr, and never a line
that also stands away from the edges of other pages (a heading such as "Kommunstyrelsens
beslut" that a short page puts near its foot).
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter, defaultdict

from .text import BULLETS

EDGE = 3  # lines at the top and at the bottom of a page that may be running lines
# Lines at each edge looked at once the outer layer has gone: the section heading under
# each item's title ("Ärendebeskrivning") or a date in a title is not the next layer.
_LAYER_EDGE = 2
# Pages that a line must begin or end for them to be a protocol's own pages, among
# attachments in layouts of their own (whose edges are not running lines).
_RUN = 8
_DIGITS = re.compile(r"\d+")
_SIGNATURE_BOX = re.compile(
    r"^(justerandes\s+sign(atur)?|utdragsbestyrkande|sida\s+\d+\s*(av|/)\s*\d+|\s)+$", re.IGNORECASE
)
# "1." "a)" "§ 4" "13 §" "- …" or "§4. Title" (no space after "§") at the start of a line.
STARTS_ITEM = re.compile(r"^(?:(\d{1,4}\s?§|\d{1,3}(?:\)\.?|\.)|[a-zåäö][.)/]|§|[-–" + re.escape("".join(BULLETS)) + r"])(\s|$)|§\d)")
# What a running header carries beside its text: the page number, the item's number ("13 §").
_LABEL = re.compile(r"^(sida\s*)?\d+(\s*(av|/)\s*\d+)?$|^(§\s*\d+\s*[a-z]?|\d+\s*[a-z]?\s*§)$", re.IGNORECASE)
CONJUNCTION = re.compile(r"(och|eller|samt|resp\.?|respektive|till)\b")
_CLAUSE = re.compile(r"att\s")  # "att …" after an unwrapped line starts a decision clause
_ROOM = 0.8  # a line with its next word shorter than this share of a full line was not wrapped
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


def running_keys(
    pages: list[list[str]], top: int = EDGE, bottom: int = EDGE, inside: Counter[str] | None = None
) -> set[str]:
    """The keys of lines and cells repeated at the edges of most pages, or of most of the
    protocol's own pages where attachments in other layouts stand between or after them
    (:func:`_own_pages`).

    A key with digits in it is running only when the texts behind it say so
    (:func:`_repeated`): the Dnr beside each item's heading ("KS KF/2023:74") has the
    key of a running line, but is not one. Nor is a line that also stands inside
    pages (``inside``: on how many pages, away from the edges, each key stands, counted
    on the pages as they came, see :func:`inside_keys`): a label such as
    "Kommunstyrelsens beslut" lands near the bottom of every short page.
    """
    inside = inside_keys(pages, top, bottom) if inside is None else inside
    out = _running_on(pages, range(len(pages)), top, bottom, inside)
    own = _own_pages(pages)
    if own and len(own) < sum(1 for lines in pages if lines):
        out |= _running_on(pages, own, top, bottom, inside)
    return out


def _own_pages(pages: list[list[str]]) -> list[int]:
    """The pages that begin or end with a line (no digits in it) that begins or ends
    ``_RUN`` pages or more: the protocol's header or footer ("KOMMUNFULLMÄKTIGE
    SAMMANTRÄDESPROTOKOLL"), where attachments have pages without it."""
    outer = [{_key(ln) for ln in lines[:1] + lines[-1:]} for lines in pages]
    counts = Counter(k for keys in outer for k in keys if "#" not in k)
    common = {k for k, n in counts.items() if n >= _RUN}
    return [i for i, keys in enumerate(outer) if keys & common] if common else []


def _running_on(pages: list[list[str]], numbers, top: int, bottom: int, inside: Counter[str]) -> set[str]:
    """The keys repeated at the edges of most of the pages ``numbers`` (0-based)."""
    seen: Counter[str] = Counter()
    texts: dict[str, list[tuple[int, str]]] = defaultdict(list)
    pages_of: dict[str, set[int]] = defaultdict(set)
    for i in numbers:
        lines = pages[i]
        edge = {p for ln in lines[:top] + lines[len(lines) - bottom:] for p in _parts(ln)}
        keys = {}
        for p in edge:
            if not p.rstrip().endswith(":"):  # a label ("X:s beslut:") introduces the page's text
                keys.setdefault(_key(p), " ".join(p.split()))
        seen.update(keys.keys())
        for k in keys:
            pages_of[k].add(i + 1)
        for k, text in keys.items():
            if "#" in k:
                texts[k].append((i + 1, text))
    with_text = sum(1 for i in numbers if pages[i])
    if with_text < 2:
        return set()
    threshold = max(2, (with_text + 1) // 2)
    running = {
        k for k, n in seen.items()
        if n >= threshold and not _inside(inside[k], n) and ("#" not in k or _repeated(k, texts[k], threshold))
    }
    partial = {k: p for k, p in pages_of.items() if k not in running and not _inside(inside[k], len(p))}
    return running | _partial_header(partial, with_text, texts)


def inside_keys(pages: list[list[str]], top: int = EDGE, bottom: int = EDGE) -> Counter[str]:
    """On how many pages each line stands away from the page's edges."""
    inside: Counter[str] = Counter()
    for lines in pages:
        inside.update({_key(ln) for ln in lines[top : len(lines) - bottom]})
    return inside


def _inside(inner: int, edges: int) -> bool:
    """A line found inside (away from the edges of) two pages or more, and of a third as
    many pages as it is found at the edges of, is text, not a running line."""
    return inner >= 2 and inner * 3 >= edges


def _partial_header(pages_of: dict[str, set[int]], with_text: int, texts) -> set[str]:
    """Keys of a header block that only a part of the pages carry, the protocol's pages
    and not the attachments between them (``pages_of``: the keys not yet running, with
    the pages they stand on): lines or cells at the edges of at least a quarter
    of the pages (and 3), standing together on the same pages with a line that has the
    same digits on all of them ("Protokoll 28.03.2023 Sida": the meeting's date).
    Labels that only stand together ("Beslut:" over "X beslutar följande:") are no header.
    """
    least = max(3, -(-with_text // 4))
    common = {k: p for k, p in pages_of.items() if len(p) >= least}
    anchors = {k for k in common if "#" in k and len({t for _, t in texts[k]}) == 1}

    def together(p: set[int], q: set[int]) -> bool:
        return len(p & q) >= 0.8 * max(len(p), len(q))

    out = set()
    for a in anchors:
        block = {
            k for k, p in common.items()
            if k != a and together(p, common[a]) and ("#" not in k or _repeated(k, texts[k], least))
        }
        if block:
            out |= block | {a}
    return out


def _repeated(key: str, occurrences: list[tuple[int, str]], threshold: int) -> bool:
    """The texts behind a key with digits are a running line's: one text on most of the
    pages it stands on ("2023-03-02"), a label that stays the same over the pages of a
    long item ("17 §" on four pages: at most half as many texts as pages), or (without
    "§") a number that counts the pages ("Sida 5 av 12"), or the pages it stands on (the
    protocol's own, between attachments). The Dnr of each item's
    heading ("BUN/2023:129") is none of these, even when a heading is repeated on the
    page its item goes on, nor when its serial numbers follow the pages (items of a page
    each, "NKBY/56/00.02.07/2023" on page 7, "NKBY/57/…" on page 8): a number in a code
    of three numbers or more, a date's among them, counts no pages.
    """
    texts = Counter(t for _, t in occurrences)
    most, n = texts.most_common(1)[0][1], len(occurrences)
    if most >= 2 and (most == n or most >= 3 and most * 2 >= n or len(texts) * 2 <= n):
        return True
    if "§" in key:
        return False
    offsets: Counter[tuple[str, int]] = Counter()
    for nth, (page, text) in enumerate(occurrences):  # counting pages, or its own pages among attachments
        numbers = {int(d) for token in text.split() if len(_DIGITS.findall(token)) < 3
                   for d in _DIGITS.findall(token) if len(d) < 6}
        offsets.update({("page", d - page) for d in numbers} | {("nth", d - nth) for d in numbers})
    return bool(offsets) and offsets.most_common(1)[0][1] >= threshold


def remove_running_lines(pages: list[list[str]], top: int = EDGE, bottom: int = EDGE) -> list[Line]:
    """Drop running headers/footers: lines (or cells) repeated at a page's top or bottom
    on most pages. Signature-box lines ("Justerandes signatur", "Utdragsbestyrkande") go
    wherever they stand.

    The edges are peeled in layers: once the page number at the very bottom is gone,
    the header printed above it in the text's order ("Protokoll 28.03.2023 Sida",
    "Personalsektionen") is at the edge, and goes in the next round, which looks at the
    outermost ``_LAYER_EDGE`` lines only (the heading, title and "Ärendebeskrivning" of an
    item that starts each page are not a layer of the page's header).
    """
    pages = [[ln for ln in (_without_boxes(ln) for ln in lines) if ln] for lines in pages]
    running: set[str] = set()
    inside = inside_keys(pages, top, bottom)  # on the pages as they came, not as peeled
    for layer in range(3):
        if layer:  # a later layer is the line that has come to the very edge, not the body under it
            top, bottom = min(top, _LAYER_EDGE), min(bottom, _LAYER_EDGE)
        new = running_keys(pages, top, bottom, inside) - running
        if not new:
            break
        running |= new
        pages = [_strip_edges(lines, running, top, bottom) for lines in pages]
    return [Line(ln, number) for number, lines in enumerate(pages, 1) for ln in lines]


def _cells_without(line: str, drop) -> str:
    """A line of cells without the cells ``drop`` is true of ("" if none is left)."""
    return "\t".join(c for c in line.split("\t") if c.strip() and not drop(c))


def _without_boxes(line: str) -> str:
    if _SIGNATURE_BOX.match(line.strip()):
        return ""
    if "\t" in line and any(_SIGNATURE_BOX.match(c.strip()) for c in line.split("\t")):
        return _cells_without(line, lambda c: _SIGNATURE_BOX.match(c.strip()))
    return line  # a table's empty cells stay (pdftable: the column a mark stands in)


def _strip_edges(lines: list[str], running: set[str], top: int, bottom: int) -> list[str]:
    """The page without running lines (or cells) among its first ``top`` and last ``bottom`` lines."""
    out = []
    last = len(lines) - bottom
    for i, ln in enumerate(lines):
        if i < top or i >= last:
            if _key(ln) in running:
                if i < top and out:  # what the line above wrapped into was not this running line
                    out[-1] = out[-1].rstrip()
                continue
            if "\t" in ln:
                rest = _cells_without(ln, lambda c: _key(c) in running)
                if not rest or rest != ln and all(_LABEL.match(c.strip()) for c in rest.split("\t")):
                    continue
                ln = rest
        out.append(ln)
    return out


def _sentence_ends(line: str, nxt: str, wide: float, heading: bool) -> bool:
    """A line that ends in a space was not wrapped by the layout after all: it ends a
    sentence, or is an item's heading (``heading``: "§3b. Det ekonomiska läget och
    penningpolitiken " then "Förste vice riksbankschef Anna Breman:"), the next line's
    first word would have fitted on it and that line starts in upper case
    ("marknaderna. " then "Christina Nyman …"). ``wide`` is the width of a full line.
    """
    line = line.strip()
    if not nxt or not nxt[:1].isupper() or not (heading or line.endswith(_CLOSERS)):
        return False
    return len(line) + 1 + len(nxt.split(None, 1)[0]) < _ROOM * wide


def paragraphs(lines: list[Line]):
    """Join lines the layout wrapped into paragraphs; yield (text, page of first line).

    A line of cells (a table row) is never joined to another.
    """
    typical = sorted(len(ln.text.strip()) for ln in lines)
    wide = 0.85 * typical[int(0.9 * (len(typical) - 1))] if typical else 0
    text, page, last = "", None, ""
    for ln in lines:
        cur = ln.text.replace("\u00a0", " ")
        above, last = last, cur
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
        elif text.endswith(" ") and prev.endswith("-") and prev[-2:-1].isalpha() and nxt[:1].isupper():
            text = prev + cur.lstrip()  # a double name wrapped at its hyphen: "Marie-" "Louise Eriksson"
            continue
        elif text.endswith((" ", "\t")) and not _sentence_ends(above, nxt, wide, text == above and text[:1] == "§"):
            # the layout wrapped the line here
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
