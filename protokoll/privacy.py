"""Swedish personal identity numbers in text: found, checked and masked (pure).

    >>> from protokoll import privacy
    >>> privacy.mask("Sökande 19121212-1212, dnr KS 2024/388, 2024-10-30")
    'Sökande 19121212-XXXX, dnr KS 2024/388, 2024-10-30'
    >>> privacy.mask("samordningsnummer 701063-2391")   # day + 60
    'samordningsnummer 701063-XXXX'

A personnummer is written YYYYMMDD-NNNN, YYMMDD-NNNN or YYMMDD+NNNN (over 100 years
old), with or without the dash (a hyphen, a non-breaking hyphen, an en dash or a minus
sign). A samordningsnummer is the same with 60 added to the day. A candidate is a
personnummer only when the maintained ``personnummer`` library accepts it: a real date
(month 1-12, the day a day of that month, or that day + 60) and a valid check digit
(Luhn). So an organisationsnummer such as 212000-1157, whose check digit is valid but
whose "month" is 20 or more, is never one; nor a date (2024-10-30), a diarienummer
(KS 2024/388), an amount ("1 234 567"), a bankgiro (5050-1055) or a plusgiro
(4 45 67-8). A twelve-digit form must begin with 19 or 20. Ten digits after a phone word
("tel. 0701234567", :data:`protokoll.swedish.privacy.PHONE_CUES`) are a phone number.

Masking keeps the length: the four last digits become ``X`` ("19121212-XXXX",
"121212XXXX"), so offsets into the text (entities, clause spans) stay valid, and a
masked number is never found again. Matches are found across the markers that a search
puts around the words it found (``\\x02``/``\\x03`` of FTS5 ``highlight()``, ``<mark>``,
``<b>``, also HTML-escaped), so a highlighted number is masked too.

:func:`row_factory` is the SQLite row factory that masks every text value read, and
withholds every blob (a blob cannot be checked: the zlib readings, the search index's
pages); see :mod:`protokoll.web.privacy` for why the served site masks there.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass

from personnummer import personnummer

from protokoll.swedish.privacy import PHONE_CUES

MASK = "X"
# Markers a search may put between the characters of a number (around the matched part).
_MARKER = r"(?:[\x02\x03]|</?(?:mark|b|strong|em)>|&lt;/?(?:mark|b|strong|em)&gt;)*"
_SEPARATOR = r"(?:-|\+|\u2010|\u2011|\u2013|\u2212)"
_DIGIT = "[0-9]"


def _digits(n: int) -> str:
    return _DIGIT + f"(?:{_MARKER}{_DIGIT})" * (n - 1)


# Six or eight digits, an optional separator, four digits; not inside a longer number.
PATTERN = re.compile(
    rf"(?<![0-9])(?P<date>{_digits(6)}(?:{_MARKER}{_digits(2)})?)"
    rf"(?:{_MARKER}(?P<sep>{_SEPARATOR}))?{_MARKER}(?P<serial>{_digits(4)})(?![0-9])"
)
# The same without markers, and without the look-behind (checked in :func:`find`): four
# times as fast on text that holds no marker, which is nearly all text.
PLAIN = re.compile(rf"[0-9]{{6}}(?:[0-9]{{2}})?(?P<sep>{_SEPARATOR})?[0-9]{{4}}(?![0-9])")
_MARKED = ("\x02", "\x03", "<", "&lt;")
# Values that are not text: an identifier (a run of hex digits: ids, sha256) and a JSON
# list of numbers (``amounts``). A digit run inside them is no personnummer.
_NOT_TEXT = re.compile(r"[0-9a-f]{16,64}|\[[0-9.,eE+\- ]*\]")
_CLEAN = re.compile(_MARKER.replace(")*", ")+"))
_PHONE_BEFORE = re.compile(rf"\b(?:{'|'.join(PHONE_CUES)})\.?(?:nr|nummer)?\.?:?\s*$", re.IGNORECASE)
_HYPHENS = str.maketrans({"\u2010": "-", "\u2011": "-", "\u2013": "-", "\u2212": "-"})


@dataclass(frozen=True)
class Found:
    """One personnummer or samordningsnummer in a text: where it stands and what it is."""

    start: int
    end: int
    text: str  # as written (with any search markers in it)
    number: str  # the library's short form: "19121212-1212" → "121212+1212" (born 1912: over 100)
    coordination: bool  # a samordningsnummer (day + 60)


def valid(candidate: str) -> bool:
    """True when ``candidate`` (the number alone) is a personnummer or samordningsnummer."""
    return _parse(candidate) is not None


def _parse(candidate: str):
    text = _CLEAN.sub("", candidate).translate(_HYPHENS)
    digits = text.replace("-", "").replace("+", "")
    if len(digits) not in (10, 12) or (len(digits) == 12 and digits[:2] not in ("19", "20")):
        return None
    try:
        return personnummer.parse(text)
    except (personnummer.PersonnummerException, ValueError):
        return None


def find(text: str) -> Iterator[Found]:
    """Every personnummer and samordningsnummer in ``text``, in order."""
    if not text or len(text) < 10:
        return
    pattern = PATTERN if any(marker in text for marker in _MARKED) else PLAIN
    pos = 0
    while (m := pattern.search(text, pos)) is not None:
        pos = m.start() + 1
        if m.start() and "0" <= text[m.start() - 1] <= "9":  # inside a longer number
            continue
        parsed = _parse(m.group())
        if parsed is None:
            continue
        if not m.group("sep") and _PHONE_BEFORE.search(text, max(0, m.start() - 24), m.start()):
            continue
        pos = m.end()
        yield Found(m.start(), m.end(), m.group(), parsed.format(), parsed.is_coordination_number())


def mask(text: str) -> str:
    """``text`` with the last four digits of every personnummer and samordningsnummer as
    ``X``: the same length, everything else unchanged."""
    if not text:
        return text
    out, last = [], 0
    for f in find(text):
        out.append(text[last:f.start])
        out.append(_mask_serial(f.text))
        last = f.end
    if not out:
        return text
    out.append(text[last:])
    return "".join(out)


def _mask_serial(written: str) -> str:
    """The last four digits of a written number as X (markers between them kept)."""
    chars, left = list(written), 4
    for i in range(len(chars) - 1, -1, -1):
        if left and chars[i].isdigit() and chars[i].isascii():
            chars[i], left = MASK, left - 1
    return "".join(chars)


def contains(text) -> bool:
    """True when ``text`` (any value) holds a personnummer or samordningsnummer."""
    return isinstance(text, str) and next(find(text), None) is not None


def mask_value(value):
    """A stored value as it may be shown: text masked (:func:`mask`), numbers as they are,
    identifiers and JSON lists of numbers as they are (not text), a blob withheld (None):
    it cannot be checked."""
    if isinstance(value, str):
        masked = mask(value)
        return value if masked is not value and _NOT_TEXT.fullmatch(value) else masked
    if isinstance(value, (bytes, bytearray, memoryview)):
        return None
    return value


def row_factory(cursor: sqlite3.Cursor, row: tuple) -> sqlite3.Row:
    """A ``sqlite3`` row factory: :class:`sqlite3.Row` of the masked values (:func:`mask_value`)."""
    return sqlite3.Row(cursor, tuple(mask_value(v) for v in row))
