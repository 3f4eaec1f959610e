"""Swedish and Finland-Swedish dates and times in protocol headers.

    >>> find_date("Digitalt via Teams, den 13 december 2024, klockan 08:30-15:00")
    '2024-12-13'
    >>> find_date("Sammanträdestid 30.1.2023 kl. 16:15 – 18:35")
    '2023-01-30'
    >>> find_times("klockan 08:30-15:00")
    ('08:30', '15:00')
"""

from __future__ import annotations

import re

MONTHS = {
    "januari": 1, "februari": 2, "mars": 3, "april": 4, "maj": 5, "juni": 6, "juli": 7,
    "augusti": 8, "september": 9, "oktober": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
    "sept": 9, "okt": 10, "nov": 11, "dec": 12,
}

_MONTH_NAMES = "|".join(sorted(MONTHS, key=len, reverse=True))
_ISO = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")
_WORDS = re.compile(rf"\b(\d{{1,2}})(?::e|:a)?\s+({_MONTH_NAMES})\.?\s+(\d{{4}})\b", re.I)
_DOTTED = re.compile(r"(?<![\d.])(\d{1,2})\.(\d{1,2})\.(\d{4})(?![\d])")
_SLASHED = re.compile(r"(?<![\d/])(\d{1,2})/(\d{1,2})\s+(\d{4})\b")
_TIME = r"(\d{1,2})[:.](\d{2})"
_TIME_RANGE = re.compile(
    rf"(?:\b(?:kl|klockan|kl\.)\s*\.?\s*)?{_TIME}(?:\s*(?:-|–|—|till|to)\s*(?:kl\.?\s*)?{_TIME})?",
    re.I,
)
_TIME_WORD = re.compile(r"\b(?:kl|klockan)\b\.?", re.I)


def _iso(y: int, m: int, d: int) -> str | None:
    if 1 <= m <= 12 and 1 <= d <= 31 and 1900 <= y <= 2100:
        return f"{y:04d}-{m:02d}-{d:02d}"
    return None


def find_date(text: str) -> str | None:
    """The first calendar date written in ``text``, as ISO "YYYY-MM-DD", or None."""
    found = []
    for rx, order in ((_ISO, "ymd"), (_WORDS, "dmy"), (_DOTTED, "dmy"), (_SLASHED, "dmy")):
        m = rx.search(text)
        if not m:
            continue
        a, b, c = m.groups()
        if order == "ymd":
            iso = _iso(int(a), int(b), int(c))
        else:
            month = int(b) if b.isdigit() else MONTHS[b.lower()]
            iso = _iso(int(c), month, int(a))
        if iso:
            found.append((m.start(), iso))
    return min(found)[1] if found else None


def find_times(text: str) -> tuple[str | None, str | None]:
    """Start and end time ("HH:MM") of "klockan 08:30-15:00" / "kl. 16:15 – 18:35".

    Only times after "kl"/"klockan" count unless the text has no such word, so the
    day in "13.12" of a date is not read as a time.
    """
    word = _TIME_WORD.search(text)
    rest = text[word.start():] if word else _DOTTED.sub(" ", _ISO.sub(" ", text))
    for m in _TIME_RANGE.finditer(rest):
        h1, m1, h2, m2 = m.groups()
        start = _hhmm(h1, m1)
        if start is not None:
            return start, (_hhmm(h2, m2) if h2 else None)
    return None, None


def _hhmm(h: str, m: str) -> str | None:
    if int(h) < 24 and int(m) < 60:
        return f"{int(h):02d}:{int(m):02d}"
    return None
