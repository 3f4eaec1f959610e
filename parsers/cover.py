"""What a document's cover says about the document itself: its kind and its range of items.

* :func:`kind`: ``protocol``, ``agenda`` (föredragningslista, kallelse: proposals, no
  decisions yet) or ``extract`` (protokollsutdrag: one or a few §§ of a protocol), from
  the title the document gives itself on its cover ("SAMMANTRÄDESPROTOKOLL",
  "Föredragningslista", "Protokollsutdrag") or the certification of an extract
  ("Rätt utdraget betygar"). Without either, a document is a protocol.
* :func:`declared`: the first and last item number the cover states ("Paragrafer
  §27-§45", "Paragraf: § 1 - § 3", "Ärenden 13-24", "Ärenden 10§–19§", "§§ 88–92").

Pure, never raises. The words are in :mod:`vocab` (``DOCUMENT_TITLES``,
``EXTRACT_CERTIFICATIONS``, ``DECLARED_LABELS``).
"""

from __future__ import annotations

import re

from . import vocab
from .lines import Line, key, ws

PROTOCOL, AGENDA, EXTRACT = "protocol", "agenda", "extract"
KINDS = (PROTOCOL, AGENDA, EXTRACT)

MAX_COVER = 250  # lines: a title or range further down is not the cover's
_MAX_TITLE = 80  # a longer line is prose that happens to start with "Protokoll"
_TAIL = 30  # the certification of an extract stands at its end


def _title_kind(text: str) -> str | None:
    """The kind a cover line names when it is a document title: the title alone, with a
    number or date after it ("Protokoll 2/2023", "Föredragningslista 16/2022"), or with a
    continuation ("Kallelse till sammanträde", "Protokollsutdrag från …")."""
    if not text or len(text) > _MAX_TITLE or not text[:1].isalpha():
        return None
    k = key(text).strip(" .")
    if k in vocab.DOCUMENT_TITLES:
        return vocab.DOCUMENT_TITLES[k]
    for title, found in vocab.DOCUMENT_TITLES.items():
        if not k.startswith(title + " "):
            continue
        rest = k[len(title) + 1:]
        if not re.search(r"[^\W\d_]", rest) or any(rest.startswith(c + " ") for c in vocab.TITLE_CONTINUATIONS):
            return found
    return None


def _texts(line: Line):
    """The line's text, or each cell of a table row (a cover printed as a table)."""
    if line.cells:
        yield from (c for c in line.cells if c)
    else:
        yield line.text


def kind(front: list[Line], lines: list[Line] = ()) -> str:
    """The kind of document: the first title on the cover (``front``, the lines before
    the first item) decides; an extract's title or certification (on the cover, or in
    the last lines of ``lines``) makes it an extract."""
    first = None
    for line in front:
        for text in _texts(line):
            found = _title_kind(text)
            if found == EXTRACT:
                return EXTRACT
            first = first or found
    for line in (*front, *lines[-_TAIL:]):
        low = line.text.lower()
        if any(c in low for c in vocab.EXTRACT_CERTIFICATIONS):
            return EXTRACT
    return first or PROTOCOL


_NUM = r"(?:§\s*)?(\d{1,4})\s*(?:§\s*)?"
_RANGE = re.compile(r"(?:§§\s*)?" + _NUM + r"[-–—]\s*" + _NUM)
_LABEL = re.compile(
    r"^(?P<label>" + "|".join(re.escape(w) for w in sorted(vocab.DECLARED_LABELS, key=len, reverse=True))
    + r")(?![^\W\d_])\s*:?\s*(?P<rest>.*)$",
    re.I,
)
_LEADER = re.compile(r"[.…]{4,}")  # dot leaders between a label and its value
_MAX_SPAN = 500  # "Paragrafer 2023-2024" is no range of items


def _range(text: str) -> tuple[str, str] | None:
    m = _RANGE.fullmatch(ws(text).strip(" ."))
    if not m:
        return None
    lo, hi = int(m.group(1)), int(m.group(2))
    return (str(lo), str(hi)) if 0 <= hi - lo <= _MAX_SPAN else None


def declared(front: list[Line]) -> tuple[str, str] | None:
    """(first, last) item number the cover declares, or None. The label and the range
    stand on one line, in two cells of one row, or on two lines ("Ärenden" / "13-24",
    "Paragraf: Digital justering, 2024-05-31" / "§53-§71")."""
    for bare in (False, True):  # a labelled range first; then "§§ 88–92" alone on a line
        for i, line in enumerate(front):
            if found := _declared_in(front, i, bare):
                return found
    return None


def _declared_in(front: list[Line], i: int, bare: bool) -> tuple[str, str] | None:
    line = front[i]
    texts = [c for c in line.cells if c] if line.cells else [line.text]
    if not line.cells and _LEADER.search(line.text):
        # "Sekreterare ........ Paragrafer 1-12": a signature line with the range after it
        texts += [t.strip() for t in _LEADER.split(line.text)[1:]]
    for j, text in enumerate(texts):
        m = _LABEL.match(ws(text))
        # "§§ 2–3" in a cell is who attended which items, not the cover's range.
        if not m or (m.group("label") == "§§") != bare or bare and line.cells:
            continue
        if bare:
            return _range(text)
        rest = m.group("rest") or (texts[j + 1] if j + 1 < len(texts) else "")
        if found := _range(rest):
            return found
        # The label alone, or beside another value ("Paragraf: Digital justering, …"),
        # and the range alone on the next line.
        if i + 1 < len(front) and (found := _range(front[i + 1].text)):
            return found
    return None
