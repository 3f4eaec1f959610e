"""Find where items start: "§ 94/24", "§ 42 Title", "4 §", "1). Title (B)", "9 a/ Title".

A protocol uses one numbering style; the style with the most candidate headers wins,
so "1 §" of an agreement printed inside a "§ 42" protocol is not an item. Where the
protocol has a table of contents (or a "Paragrafer 40–52" header) it decides which
numbers are items; otherwise a "§" line inside an attachment ("Bilaga …") that goes
back in numbering belongs to the attachment.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from protokoll.records import HEADING, LIST_ITEM, TABLE_ROW

from . import vocab
from .lines import MARKER, Line, key, ws

# (style, pattern). Groups: num, letter, label, rest.
# "KS § 27", "BUN § 12": the organ's abbreviation before "§" is part of the style, so
# "MBL § 11" or "KU § 317 06-12-05" (a reference in the margin) is not a "KS §" item.
_PREFIX = r"(?:(?P<prefix>[A-ZÅÄÖ]{1,6})\s+)?"
_STYLES = (
    ("section", re.compile(r"^(?P<label>" + _PREFIX + r"§\s*(?P<num>\d{1,4})\s*(?P<letter>[a-zA-Z])?(?:\s*/\s*\d{2,4})?)(?=[\s.:]|$)[.:]?\s*(?P<rest>.*)$")),
    ("section_after", re.compile(r"^(?P<label>(?P<num>\d{1,4})\s*(?P<letter>[a-z])?\s*§)(?=[\s.:]|$)[.:]?\s*(?P<rest>.*)$")),
    ("group", re.compile(r"^(?P<label>(?P<num>\d{1,3})\s*\)\s*\.)\s*(?P<rest>.*)$")),
)
_SUB_ITEM = re.compile(r"^(?P<label>(?P<num>\d{1,3})\s*(?P<letter>[a-z])\s*/)\s*(?P<rest>\S.*)$")
# "a/FoU (I/D)" under "8). Uppföljning": a sub-item of the item above, like "9 a/".
_LETTER_ITEM = re.compile(r"^(?P<label>(?P<letter>[a-z])\s*/)\s*(?P<rest>\S.{0,150})$")
# "(B)", "(I/D/B)"; a subtitle after it ("… (I/D/B) -Nya rutiner") stays out of the title.
_KIND = re.compile(r"\s*\((?P<marks>[BIDbid](?:\s*/\s*[BIDbid])*)\)(?:\s*$|\s+[-–]\s*\S)")
_DNR = re.compile(rf"(?:^|\s)(?:{'|'.join(vocab.DNR_LABELS)})\.?\s*:?\s*(?P<dnr>\S.*)$", re.I)
# A diarienummer standing alone: "KS KF/2023:3", "KS 2024/388", "BUN 2023/12", "KS/KF 2025:7",
# "NKBY/302/00.01.03.01/2022"; optionally after "Dnr".
DNR_SHAPE = r"(?:[A-ZÅÄÖ]{1,6}[ /]){0,3}\d{1,4}(?:[/:.-]\d{1,5}){1,5}"
_DNR_AFTER = re.compile(rf"(?:^|\s)(?:(?i:{'|'.join(vocab.DNR_LABELS)})\.?\s*:?\s*)?(?P<dnr>" + DNR_SHAPE + r")$")
# A Finland-Swedish date ("1.6.2023", "26.9.2022") ending a title is no Dnr.
_DATE = re.compile(r"(?:[A-ZÅÄÖ]{1,6}\s)?\d{1,2}\.\d{1,2}\.\d{2,4}")
# A diarienummer alone on the line above its item's heading ("NKBY/302/00.01.03.01/2022").
_DNR_LINE = re.compile(r"[A-ZÅÄÖ]{2,8}/\d{1,6}/[\d.]+/\d{4}")
_DNR_GLUED = re.compile(r"\s([A-ZÅÄÖ]{2,8}/\d{1,6}/[\d.]+/\d{4})$")
_TOC_LABEL = re.compile(r"(?:§\s*\d{1,4}\s*[a-z]?(?:\s*/\s*\d{2,4})?|\d{1,4}\s*[a-z]?\s*§)")
_RANGE = re.compile(r"(\d{1,4})\s*(?:[-–—]\s*(\d{1,4}))?")
# "KS § 437 06-12-13" in the margin beside a quoted decision: another meeting's §, dated.
_REFERENCE = re.compile(r"(?:\d{2}){1,2}-\d{2}-\d{2}|\d{1,2}\.\d{1,2}\.\d{2}(?:\d{2})?")
_MAX_HEADER = 160  # a longer line is prose that starts with "§88 …", not a header
_MAX_TITLE = 700  # the longest title on a line of its own, that reads as a title and not as prose
_SENTENCE_END = re.compile(r"[.!?]\s+[A-ZÅÄÖ]")


@dataclass
class Header:
    number: str
    label: str
    title: str | None
    kind: str | None
    dnr: str | None
    page: int | None
    index: int  # index of the header line
    body_start: int  # index of the first body line
    start: int = -1  # index of the item's first line (its Dnr may stand above the heading)

    def __post_init__(self) -> None:
        if self.start < 0:
            self.start = self.index


@dataclass
class Split:
    front: list[Line]
    headers: list[Header]
    bodies: list[list[Line]]
    warnings: list[str] = field(default_factory=list)


def _heading_text(line: Line) -> str | None:
    """The text a heading is looked for in: a line, or a row whose first cell starts
    like a heading ("KF § 24 | KS KF/2023:3", the columns of a page's layout)."""
    if line.kind != TABLE_ROW:
        return line.text
    cells = [c for c in line.cells if c.strip()]
    if 2 <= len(cells) <= 3 and (cells[0][:1] in "§0123456789" or "§" in cells[0][:8]):
        return "   ".join(cells)
    return None


def _matches(line: Line):
    """(style, match) for each numbering style a line starting with "§", a digit or an
    organ's abbreviation and "§" is a candidate header in. The style of "KS § 27" is
    "section KS"."""
    text = _heading_text(line)
    if text is None or len(text) > _MAX_HEADER:
        return
    for name, rx in _STYLES:
        if m := rx.match(text) or name == "group" and _SUB_ITEM.match(text):
            yield (f"{name} {m.group('prefix')}" if m.groupdict().get("prefix") else name), m


def _number(m) -> str:
    return (m.group("num").lstrip("0") or "0") + (m.groupdict().get("letter") or "").lower()


def _toc(lines: list[Line]) -> tuple[set[str], dict[str, tuple[str, str | None]], set[int]]:
    """Item numbers and titles listed in a table of contents, and the lines it spans.

    An entry is a line with a § label; its title may stand on it or, wrapped, on up to
    three lines after it ("§1 | BUN/2024:26" then "Rapport till socialnämnden …").
    """
    numbers: set[str] = set()
    titles: dict[str, tuple[str, str | None]] = {}  # number: (title, Dnr)
    spans: set[int] = set()
    i = 0
    while i < len(lines):
        k = key(lines[i].text) if len(lines[i].text) < 40 else ""
        if k in vocab.TOC_HEADINGS or (lines[i].cells and key(lines[i].cells[0]) == "paragrafer"):
            rest = lines[i].cells[1:] if lines[i].cells else ()
            if rest and _RANGE.fullmatch(ws(" ".join(c for c in rest if c))):
                m = _RANGE.fullmatch(ws(" ".join(c for c in rest if c)))
                lo, hi = int(m.group(1)), int(m.group(2) or m.group(1))
                if 0 <= hi - lo < 1000:
                    numbers.update(str(n) for n in range(lo, hi + 1))
                i += 1
                continue
            spans.add(i)
            j = i + 1
            pending: list[int] = []  # unlabelled lines after an entry: its wrapped title
            last = None
            while j < len(lines):
                found = _TOC_LABEL.search(lines[j].text)
                if not found:
                    if last is None or len(pending) >= 3 or len(lines[j].text) > _MAX_HEADER:
                        break
                    pending.append(j)
                    j += 1
                    continue
                num = re.sub(r"[^\da-z]", "", found.group(0).lower().split("/")[0]).lstrip("0") or "0"
                if num in numbers:  # a bare "§ 94/24" again: the first item itself
                    break
                _toc_title(lines, last, pending, titles, spans)
                title = ws(lines[j].text.replace(found.group(0), " ")).strip(" .\t")
                title = re.sub(r"(?:\s*\.{2,}\s*|\s+)\d{1,3}$", "", title)  # dot leaders, page no.
                dnr = dm.group("dnr") if (dm := _trailing_dnr(title)) else None
                title = title[: dm.start()].strip(" .\t") if dm else title
                if not title and not dnr and not numbers and not (j + 1 < len(lines) and not _TOC_LABEL.search(lines[j + 1].text)):
                    break  # a bare first label, and another after it: the items themselves
                numbers.add(num)
                titles[num] = (title, dnr)
                spans.add(j)
                last, pending = num, []
                j += 1
            if last is not None and pending and j < len(lines) and _TOC_LABEL.search(lines[j].text) is None:
                pending = []  # the table ended before these lines: they are text
            _toc_title(lines, last, pending, titles, spans)
            i = j
            continue
        i += 1
    return numbers, titles, spans


def _toc_title(lines: list[Line], num: str | None, pending: list[int], titles: dict, spans: set[int]) -> None:
    """The wrapped lines of a table-of-contents entry: its title, or its title going on."""
    if num is None or not pending:
        return
    title, dnr = titles[num]
    titles[num] = (ws(f"{title} {' '.join(lines[k].text for k in pending)}"), dnr)
    spans.update(pending)


def _kind(marks: str | None) -> str | None:
    if not marks:
        return None
    return "/".join(vocab.KIND_MARKERS[m.strip().lower()] for m in marks.split("/"))


def split(lines: list[Line]) -> Split:
    """Cut the lines into the front matter and one body per item header."""
    toc_numbers, toc_titles, toc_spans = _toc(lines)
    candidates: dict[str, dict[int, re.Match]] = {name: {} for name, _ in _STYLES}
    for i, line in enumerate(lines):
        first = line.text[:1]
        if (first == "§" or first.isdigit() or "§" in line.text[:8]) and i not in toc_spans:
            for name, m in _matches(line):
                candidates.setdefault(name, {})[i] = m
    style = max(candidates, key=lambda s: len(candidates[s]))
    warnings: list[str] = []
    headers: list[Header] = []
    dropped: set[int] = set()
    in_attachment = False
    found = candidates[style]
    letters = style == "group"  # "a/" sub-items only in the working-group style
    for i, line in enumerate(lines):
        if i in toc_spans:
            continue
        if line.text[:1] in "bB" and headers and line.text[:6].lower() == "bilaga":
            in_attachment = True
        m = found.get(i)
        if m:
            number = _number(m)
        elif letters and line.text[1:2] in ("/", " ") and headers and (m := _letter_item(lines, i)):
            number = str(_order(headers[-1].number)[0]) + m.group("letter")
        else:
            continue
        if headers and number == headers[-1].number and _continued(m.group("rest"), headers[-1].dnr):
            dropped.add(i)  # "BUN § 26 (fort.)": the item goes on over a new page
            continue
        if toc_numbers and number not in toc_numbers:
            continue
        if not toc_numbers and in_attachment and headers and _order(number) <= _order(headers[-1].number):
            continue
        if not toc_numbers and line.kind != HEADING and m.group("rest") and _is_prose(m.group("rest")):
            continue
        if _REFERENCE.fullmatch(ws(m.group("rest"))):
            continue  # "KS § 437 06-12-13": a § of an earlier meeting, quoted
        in_attachment = False
        headers.append(_dnr_above(lines, i, _header(lines, i, m, number, toc_titles)))
    if not headers:
        warnings.append("no items found: the layout was not recognised")
    bodies = []

    skip = toc_spans | dropped

    def kept(start: int, end: int) -> list[Line]:
        part = lines[start:end]
        return [ln for j, ln in enumerate(part, start) if j not in skip] if skip else part

    for n, h in enumerate(headers):
        end = headers[n + 1].start if n + 1 < len(headers) else len(lines)
        bodies.append(kept(h.body_start, end))
    front = kept(0, headers[0].start if headers else len(lines))
    warnings.extend(_order_warnings(headers, toc_numbers))
    return Split(front, headers, bodies, warnings)


def _continued(rest: str, dnr: str | None) -> bool:
    """The rest of a heading that repeats the item before: "(forts.)", or its Dnr alone."""
    words = ws(rest).lower().strip("() .:").split()
    if not words:
        return False
    return words[0].strip("().:") in vocab.CONTINUED or (dnr is not None and ws(rest) == dnr)


def _letter_item(lines: list[Line], i: int):
    """A letter-only sub-item: "a/ Title" with a kind marker or a presenter of its own.

    A letter line without them ("a/ Fysiska möten …" listed under "Tillägg till punkten
    övriga frågor") is a point in the item's text.
    """
    line = lines[i]
    if line.kind == TABLE_ROW or not (m := _LETTER_ITEM.match(line.text)):
        return None
    has_presenter = i + 1 < len(lines) and lines[i + 1].text.lower().startswith(vocab.PRESENTER_LABELS)
    return m if _KIND.search(m.group("rest")) or has_presenter else None


def _is_prose(rest: str) -> bool:
    """"§88 Link för alla: Carina … har haft möte …" is a reference in running text."""
    return len(rest) > 100 or rest.count(". ") >= 1 and len(rest) > 60


def _header(lines: list[Line], i: int, m, number: str, toc_titles: dict[str, tuple[str, str | None]]) -> Header:
    line = lines[i]
    rest = ws(m.group("rest"))
    dnr = None
    if dm := _trailing_dnr(rest):  # "KF § 24   KS KF/2023:3": the Dnr in the heading's other column
        dnr, rest = dm.group("dnr"), rest[: dm.start()].strip()
    elif (dm := _DNR.search(rest)) and not rest[: dm.start()].strip():
        dnr, rest = dm.group("dnr").strip(), ""  # "KS § 2   DNR:KNSLI/20014197": the title is below
    body_start = i + 1
    if not rest and body_start < len(lines) and _title_like(lines[body_start], _MAX_TITLE):
        rest = ws(lines[body_start].text)
        body_start += 1
        # A title wrapped over lines: the next line goes on in lower case (a list
        # under the title, "Meddelanden" then "a) Överklagan …", is the item's text).
        while (body_start < len(lines) and lines[body_start].text[:1].islower()
               and lines[body_start].kind != LIST_ITEM and not MARKER.match(lines[body_start].text)
               and not rest.endswith((".", ":")) and _title_like(lines[body_start]) and len(rest) < 300):
            rest += " " + ws(lines[body_start].text)
            body_start += 1
    kind = None
    km = _KIND.search(rest)
    if km:
        kind = _kind(km.group("marks"))
        rest = rest[: km.start()].strip()
    dm = _DNR.search(rest)
    if dm:
        dnr = dnr or dm.group("dnr").strip()
        rest = rest[: dm.start()].strip()
    rest = _without_dnr_tail(rest, dnr)
    toc_title, toc_dnr = toc_titles.get(number, (None, None))
    title = rest.strip(" .:") or toc_title
    return Header(number, ws(m.group("label")), title or None, kind, dnr or toc_dnr, line.page, i, body_start)


def _trailing_dnr(text: str):
    """The match of a Dnr ending ``text``, unless it is a date ("Allmän löneförhöjning 1.6.2023")."""
    dm = _DNR_AFTER.search(text)
    return None if dm is None or _DATE.fullmatch(dm.group("dnr")) else dm


def _dnr_above(lines: list[Line], i: int, header: Header) -> Header:
    """The item with the Dnr printed alone on the line above its heading: the line is the
    item's, not the end of the item before."""
    if i == 0:
        return header
    above = lines[i - 1].text.strip()
    if _DNR_LINE.fullmatch(above):
        header.start = i - 1
        if header.dnr and header.dnr != above and header.title and ws(lines[i].text).endswith(" " + header.dnr):
            # the number ending the heading was the title's ("Ansökan om undantag; 893-419-6-79",
            # a property's number): the Dnr is the line above
            header.title, header.dnr = f"{header.title} {header.dnr}", None
        header.dnr = header.dnr or above
    elif header.dnr is None and (m := _DNR_GLUED.search(above)):
        header.dnr = m.group(1)  # joined onto the last line of the page before
    return header


def _without_dnr_tail(title: str, dnr: str | None) -> str:
    """The title without the end of its Dnr printed after it ("… barnkonsekvensanalyser
    2024:146" under "BUN § 60   BUN/2024:146")."""
    last = title.rsplit(" ", 1)[-1] if " " in title else ""
    if dnr and len(last) >= 4 and any(c.isdigit() for c in last) and ":" in last + "/" and dnr.endswith(last):
        return title[: -len(last)].rstrip()
    return title


def _title_like(line: Line, longest: int = _MAX_HEADER) -> bool:
    """Can ``line`` be (part of) a heading's title? Up to ``longest`` characters if it
    reads as a title, not prose: no full stop inside or at its end (a long title lists
    what the item decides: "Beslut om fastställande av budget …, innefattande …")."""
    if len(line.text) > _MAX_HEADER and (_SENTENCE_END.search(line.text) or line.text.rstrip().endswith(".")):
        return False
    return (
        line.kind != TABLE_ROW
        and len(line.text) <= longest
        and not line.bare.lower().startswith("att ")
        and key(line.text) not in vocab.SECTIONS
        and not _DNR.match(line.text)
    )


def _order(number: str) -> tuple[int, str]:
    digits = re.match(r"\d+", number)
    return (int(digits.group(0)) if digits else -1, number[len(digits.group(0)):] if digits else number)


def _order_warnings(headers: list[Header], toc_numbers: set[str]) -> list[str]:
    out = []
    seen: set[str] = set()
    for prev, h in zip([None, *headers], headers):
        if h.number in seen:
            where = f" (again on page {h.page})" if h.page else ""
            out.append(f"item {h.number} appears more than once{where}: both are kept")
        elif prev is not None and _order(h.number) < _order(prev.number):
            out.append(f"item {h.number} comes after item {prev.number}")
        elif prev is not None and not h.number[-1].isalpha() and _order(h.number)[0] > _order(prev.number)[0] + 1:
            out.append(f"items between {prev.number} and {h.number} are missing")
        seen.add(h.number)
    for missing in sorted(toc_numbers - seen, key=_order):
        if any(_order(missing) <= _order(h.number) for h in headers):
            out.append(f"item {missing} is listed in the table of contents but not found")
    return out
