"""The block stream as parser lines: one line of text each, page furniture dropped.

Every format gives blocks with a ``kind``; Word and ODF paragraphs may hold soft line
breaks, PDF and text give one block per line. The parsers work on :class:`Line` so
they see the same thing from every format.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from protokoll.records import LIST_ITEM, PARAGRAPH, TABLE_ROW, Document

from . import vocab

# "1." "2)" "a)" "-" "•" at the start of a line (ingest keeps list numbers in the text).
MARKER = re.compile(r"^\s*(?:\d{1,3}[.)]|[a-zåäö][.)]|[-–—•*·▪◦])\s*")
_PAGE_FURNITURE = re.compile(
    r"^(?:sida\s+\d+(?:\s*(?:av|\(|/)\s*\d+\)?)?"  # "Sida 3 av 22"
    r"|protokoll\s+\d+\s*§\s+\d{1,2}\.\d{1,2}\.\d{4}\s+sida(?:\s+\d+)?"  # "Protokoll 4§ 30.01.2023 Sida 5"
    r"|\d+\s*\(\d+\))$",  # "3 (12)"
    re.I,
)


class Line(NamedTuple):
    text: str
    kind: str
    page: int | None = None
    cells: tuple[str, ...] = ()

    @property
    def bare(self) -> str:
        """The text without a leading list number or bullet."""
        first = self.text[:1]
        if first.isalpha() and self.text[1:2] not in (".", ")"):
            return self.text  # the common case, without a regex
        return MARKER.sub("", self.text, count=1)


def ws(text: str) -> str:
    """Whitespace collapsed to single spaces."""
    return " ".join(text.split())


@lru_cache(maxsize=4096)
def key(text: str) -> str:
    """A label as looked up in :mod:`vocab`: lower case, no trailing colon.

    Cached: every stage of the parser looks up the same short lines again.
    """
    return ws(text).rstrip(":").strip().lower()


# The first letter a noise line can have: a cheap test before the lookup and pattern.
_NOISE_FIRST = frozenset({w[0] for w in vocab.NOISE_LINES} | set("sp0123456789"))  # "Sida", "Protokoll"


def is_noise(text: str) -> bool:
    if len(text) > 60 or text[:1].lower() not in _NOISE_FIRST:
        return False
    k = key(text)
    return k in vocab.NOISE_LINES or bool(_PAGE_FURNITURE.match(k))


def to_lines(doc: Document) -> list[Line]:
    """The document's blocks as lines, soft line breaks split, page furniture dropped."""
    out: list[Line] = []
    for b in doc.blocks:
        if b.kind == TABLE_ROW and b.cells:
            cells = tuple(c.strip() for c in b.cells)
            filled = [c for c in cells if c]
            if not filled:
                continue
            if len(filled) == 2 and filled[0].lower() == "att":
                # Word "att<TAB>…" paragraphs can arrive as two-cell rows.
                out.append(Line("att " + filled[1], PARAGRAPH, b.page))
            elif not (len(filled) == 1 and is_noise(filled[0])):
                out.append(Line("\t".join(cells), TABLE_ROW, b.page, cells))
            continue
        for i, part in enumerate(b.text.split("\n")):
            text = part.replace("\u00a0", " ").strip()
            if not text or is_noise(text):
                continue
            if text[:4].lower() == "att\t":
                text = ws(text)
            kind = b.kind if i == 0 else (LIST_ITEM if MARKER.match(text) else PARAGRAPH)
            out.append(Line(text, kind, b.page))
    return out
