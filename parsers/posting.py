"""The ANSLAG/BEVIS block of a protocol and the items justerade omedelbart (OJ). Pure.

A Swedish municipal protocol says on its notice (anslag, bevis) when the justering was
announced on the notice board, when the notice comes down and where the protocol is kept:

    ANSLAG/BEVIS
    Protokollet är justerat. Justeringen har tillkännagivits genom anslag
    Datum när anslaget sätts upp: 2023-01-19
    Datum när anslaget tas ned: 2023-02-10
    Förvaringsplats för protokollet: Kommunhuset i Lomma

:func:`posting` reads it from the protocol's front matter (the lines before the first item)
or, where the front has none, from the last item's lines (a notice printed on the last page,
after the signatures). Each value is the first labelled one (labels in ``vocab``: a value
after a colon or column gap, or alone on the next line); the dates go through the shared
date grammar (:func:`protokoll.swedish.dates.find_date`). No label with a value: no posting.

:func:`immediate` says whether an item was justerad omedelbart: an "OJ" marker beside its
§ heading, or a phrase such as "Paragrafen förklaras omedelbart justerad" in its text.

    >>> from parsers.lines import Line
    >>> posting([Line("Anslaget sätts upp:\\t2024-10-30", "table_row"),
    ...          Line("Anslaget tas ned:\\t2024-11-21", "table_row")])
    Posting(posted='2024-10-30', taken_down='2024-11-21', kept_at=None)
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from protokoll.records import Posting
from protokoll.swedish.dates import find_date

from . import vocab
from .lines import Line


def _alternatives(words) -> str:
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))


_PREFIX = rf"(?:(?:{_alternatives(vocab.POSTING_DATE_PREFIXES)})\s+)?"
# A date's label at the start of a line or after a gap (a form's second column: "anslags
# uppsättande 2007-01-11 anslags nedtagande 2007-02-01"), then what follows it; the place's
# label at the start of a line.
_POSTED = re.compile(rf"(?:^|(?<=\s)){_PREFIX}(?:{_alternatives(vocab.POSTED_LABELS)})\b\s*(?:den\b)?[:.]?\s*(.*)$", re.I)
_TAKEN_DOWN = re.compile(rf"(?:^|(?<=\s)){_PREFIX}(?:{_alternatives(vocab.TAKEN_DOWN_LABELS)})\b\s*(?:den\b)?[:.]?\s*(.*)$",
                         re.I)
_KEPT_AT = re.compile(rf"^\s*(?:{_alternatives(vocab.KEPT_AT_LABELS)})\b\s*[:.]?\s*(.*)$", re.I)
_ANNOUNCED = re.compile(rf"(?:{_alternatives(vocab.POSTING_ANNOUNCED)})\b(.*)$", re.I)
_IMMEDIATE = re.compile(rf"(?<!\binte\s)(?<!\bej\s)\b(?:{_alternatives(vocab.IMMEDIATE_PHRASES)})\b", re.I)
_MARKER = re.compile(rf"(?<![\w-])\(?(?:{_alternatives(vocab.IMMEDIATE_MARKERS)})\)?(?![\w-])")
_CONTINUATION = re.compile(rf"^(?:{_alternatives(vocab.KEPT_AT_CONTINUATIONS)})\b\s*:?\s*", re.I)
_ONLY_DATE = re.compile(r"^\s*(?:den\s+)?\S*\d{4}\S*\s*$", re.I)


def posting(front: Sequence[Line], last: Sequence[Line] = ()) -> Posting | None:
    """The ANSLAG/BEVIS block from the front matter, else from the last item's lines."""
    return _read(front) or _read(last)


def _read(lines: Sequence[Line]) -> Posting | None:
    posted = _date(lines, _POSTED) or _date(lines, _ANNOUNCED, next_line=False)
    taken_down = _date(lines, _TAKEN_DOWN)
    kept_at = _text(lines, _KEPT_AT)
    if posted is None and taken_down is None and kept_at is None:
        return None
    return Posting(posted=posted, taken_down=taken_down, kept_at=kept_at)


def _value(lines: Sequence[Line], i: int, pattern: re.Pattern, next_line: bool) -> str | None:
    """What follows the label on line ``i`` (a table row's later cells included), or the
    next line where the label stands alone."""
    m = pattern.search(lines[i].text)
    if m is None:
        return None
    value = m.group(1).strip(" \t:")
    if not value and next_line and i + 1 < len(lines) and ":" not in lines[i + 1].text:
        value = lines[i + 1].text.strip()  # the value alone on the next line, not another label
    return value or None


def _date(lines: Sequence[Line], pattern: re.Pattern, next_line: bool = True) -> str | None:
    for i in range(len(lines)):
        value = _value(lines, i, pattern, next_line)
        date = find_date(value) if value else None
        if date:
            return date
    return None


def _text(lines: Sequence[Line], pattern: re.Pattern) -> str | None:
    for i in range(len(lines)):
        value = _value(lines, i, pattern, next_line=True)
        value = _CONTINUATION.sub("", value or "")
        if value and not _ONLY_DATE.match(value):
            return " ".join(value.replace("\t", " ").split())
    return None


def immediate(heading: str, text: str) -> bool:
    """Whether an item was justerad omedelbart: an "OJ" marker in its heading (label and
    title as read) or a phrase of :data:`vocab.IMMEDIATE_PHRASES` in its text ("inte
    omedelbart justerad" is not one)."""
    if _MARKER.search(heading):
        return True
    return vocab.IMMEDIATE_STEM in text.lower() and bool(_IMMEDIATE.search(text))


def item_posting(lines: Sequence[Line]) -> str | None:
    """The day an item's own posting was announced, where the item states one (an extract
    of an OJ paragraph with its own notice), else None."""
    return _date(lines, _POSTED) or _date(lines, _ANNOUNCED, next_line=False)
