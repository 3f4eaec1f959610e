"""Word .docx: body paragraphs and tables in document order.

python-docx opens the package (its lxml parser has ``resolve_entities=False`` and
never touches the network, so XXE cannot read files); the body is walked directly
as XML so that paragraphs and tables, nested tables and content controls come out
in the order they are written. Running headers, footers, footnotes and comments live
in other parts and never enter the body. Word list numbering is recovered into the
text by :mod:`.numbering`.
"""

from __future__ import annotations

import io
import re

import docx
from docx.oxml.ns import qn

from protokoll.errors import UNEXPECTED, CorruptFile, describe
from protokoll.records import HEADING, LIST_ITEM, PARAGRAPH, TABLE_ROW, Block

from .numbering import Numbering
from .safezip import check_zip
from .text import list_marker

_P, _TBL, _TR, _TC, _SDT, _SDT_CONTENT = (qn(t) for t in ("w:p", "w:tbl", "w:tr", "w:tc", "w:sdt", "w:sdtContent"))
_CUSTOM_XML, _T, _TAB, _BR, _CR = (qn(t) for t in ("w:customXml", "w:t", "w:tab", "w:br", "w:cr"))
_NB_HYPHEN, _PPR, _TXBX, _DEL, _VAL = (qn(t) for t in ("w:noBreakHyphen", "w:pPr", "w:txbxContent", "w:del", "w:val"))
_VMERGE = f"{qn('w:tcPr')}/{qn('w:vMerge')}"
_SKIP = {_TXBX, _DEL, _PPR, qn("w:rPr"), qn("w:instrText"), qn("w:footnoteReference")}
_HEADING_NAME = re.compile(r"^(?:heading|rubrik)\s*(\d)$", re.IGNORECASE)


def blocks(data: bytes, path=None) -> list[Block]:
    """The body of a .docx as blocks (pages are unknown in Word files: ``page`` is None)."""
    check_zip(data, path).close()
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as e:  # python-docx raises KeyError/ValueError/lxml errors for broken packages
        reason = describe(e)  # a package python-docx cannot make sense of is not a bug of ours
        reason = "its parts are not those of a Word document" if reason == UNEXPECTED else reason
        raise CorruptFile(f"not a readable Word document: {reason}", path=path) from None
    try:
        numbering_el = document.part.numbering_part.element
    except (KeyError, NotImplementedError):
        numbering_el = None
    try:
        walker = _Walker(Numbering(numbering_el, document.styles.element), _Styles(document.styles.element))
        walker.container(document.element.body)
    except (AttributeError, KeyError, ValueError, TypeError) as e:  # parts that are XML but not WordprocessingML
        raise CorruptFile("a Word document with a damaged structure", path=path) from None
    return walker.out


class _Styles:
    """Heading level and list numbering that a paragraph inherits from its style."""

    def __init__(self, styles_el):
        self.info: dict[str, tuple[int | None, str | None, str | None, str | None]] = {}
        for st in styles_el.iterfind(qn("w:style")):
            sid = st.get(qn("w:styleId"), "")
            name_el = st.find(qn("w:name"))
            name = "" if name_el is None else name_el.get(_VAL, "")
            ppr = st.find(_PPR)
            level = None
            m = _HEADING_NAME.match(name) or _HEADING_NAME.match(sid)
            if m:
                level = int(m.group(1))
            num_id = ilvl = None
            if ppr is not None:
                ol = ppr.find(qn("w:outlineLvl"))
                if ol is not None and ol.get(_VAL, "").isdigit() and int(ol.get(_VAL)) < 9:
                    level = int(ol.get(_VAL)) + 1
                num_id, ilvl = _num_pr(ppr)
            based = st.find(qn("w:basedOn"))
            self.info[sid] = (level, num_id, ilvl, None if based is None else based.get(_VAL))

    def lookup(self, style_id: str | None):
        """(heading level, numId, ilvl) following ``basedOn`` (at most 10 steps)."""
        level = num_id = ilvl = None
        for _ in range(10):
            if not style_id or style_id not in self.info:
                break
            lv, nid, il, based = self.info[style_id]
            level = level if level is not None else lv
            if num_id is None and nid is not None:
                num_id, ilvl = nid, il
            style_id = based
        return level, num_id, ilvl


def _num_pr(ppr):
    num_pr = ppr.find(qn("w:numPr"))
    if num_pr is None:
        return None, None
    nid = num_pr.find(qn("w:numId"))
    il = num_pr.find(qn("w:ilvl"))
    return (None if nid is None else nid.get(_VAL)), (None if il is None else il.get(_VAL))


def _text(el, out: list[str]) -> None:
    """Visible text of a paragraph's runs: tabs and line breaks kept, deletions skipped."""
    for child in el:
        tag = child.tag
        if tag in _SKIP:
            continue
        if tag == _T:
            out.append(child.text or "")
            # an entity reference is never expanded (XXE); the text after it is its tail
            out.extend(ref.tail or "" for ref in child)
        elif tag == _TAB:
            out.append("\t")
        elif tag == _BR:
            if child.get(qn("w:type")) in (None, "textWrapping"):
                out.append("\n")
        elif tag == _CR:
            out.append("\n")
        elif tag == _NB_HYPHEN:
            out.append("-")
        elif len(child):
            _text(child, out)


def paragraph_text(p) -> str:
    out: list[str] = []
    _text(p, out)
    lines = ("".join(out)).replace("\u00a0", " ").split("\n")
    return "\n".join(line.strip() for line in lines).strip()


class _Walker:
    def __init__(self, numbering: Numbering, styles: _Styles):
        self.numbering = numbering
        self.styles = styles
        self.out: list[Block] = []

    def container(self, el, depth: int = 0) -> None:
        for child in el:
            tag = child.tag
            if tag == _P:
                self.paragraph(child)
            elif tag == _TBL:
                self.table(child, depth)
            elif tag in (_SDT, _CUSTOM_XML):
                inner = child.find(_SDT_CONTENT) if tag == _SDT else child
                if inner is not None:
                    self.container(inner, depth)

    def paragraph(self, p) -> None:
        ppr = p.find(_PPR)
        style_id = num_id = ilvl = None
        own_level = None
        if ppr is not None:
            ps = ppr.find(qn("w:pStyle"))
            style_id = None if ps is None else ps.get(_VAL)
            num_id, ilvl = _num_pr(ppr)
            ol = ppr.find(qn("w:outlineLvl"))
            if ol is not None and ol.get(_VAL, "").isdigit() and int(ol.get(_VAL)) < 9:
                own_level = int(ol.get(_VAL)) + 1
        level, style_num, style_ilvl = self.styles.lookup(style_id)
        if own_level is not None:
            level = own_level
        if num_id is None:
            num_id, ilvl = style_num, (ilvl if ilvl is not None else style_ilvl)
        text = paragraph_text(p)
        if not text:
            return
        try:
            lvl = int(ilvl or 0)
        except ValueError:
            lvl = 0
        number = self.numbering.label(num_id, lvl) if num_id else None
        if number:
            text = f"{number} {text}"
        if level is not None:
            self.out.append(Block(HEADING, text, level=level, number=number))
        elif number:
            self.out.append(Block(LIST_ITEM, text, level=lvl, number=number))
        elif (marked := list_marker(text)) is not None:  # numbers typed by hand: "1. Att", "• att"
            self.out.append(Block(LIST_ITEM, marked[1], level=0, number=marked[0]))
        else:
            self.out.append(Block(PARAGRAPH, text))

    def table(self, tbl, depth: int) -> None:
        for tr in tbl.iter(_TR):
            if _owner(tr, _TBL) is not tbl:
                continue
            cells, nested = [], []
            for tc in tr.iter(_TC):
                if _owner(tc, _TR) is not tr:
                    continue
                vmerge = tc.find(_VMERGE)
                if vmerge is not None and vmerge.get(_VAL) in (None, "continue"):
                    cells.append("")
                    continue
                parts = []
                for child in tc:
                    if child.tag == _P:
                        t = paragraph_text(child)
                        if t:
                            parts.append(t)
                    elif child.tag == _TBL:
                        nested.append(child)
                cells.append("\n".join(parts))
            if any(cells):
                row = tuple(cells)
                self.out.append(Block(TABLE_ROW, "\t".join(c.replace("\n", " ") for c in row),
                                      level=depth or None, cells=row))
            for inner in nested:
                self.table(inner, depth + 1)


def _owner(el, tag):
    parent = el.getparent()
    while parent is not None and parent.tag != tag:
        parent = parent.getparent()
    return parent
