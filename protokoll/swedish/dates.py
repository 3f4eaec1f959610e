"""The date grammar: Swedish and Finland-Swedish dates and times, in one place.

Two readers share the month and weekday names and the time and period words below.

**A protocol's header** (the parsers' meeting date and time): :func:`find_date` gives the
first date *with a year* — "2024-12-13", "den 13 december 2024", "13 dec. 2024",
"13:e december 2024", "30.1.2023", "13/12 2024" — and :func:`find_times` the start and
end after "kl"/"klockan" ("klockan 08:30-15:00", "kl. 16:15 – 18:35").

    >>> find_date("Digitalt via Teams, den 13 december 2024, klockan 08:30-15:00")
    '2024-12-13'
    >>> find_date("Sammanträdestid 30.1.2023 kl. 16:15 – 18:35")
    '2023-01-30'
    >>> find_times("klockan 08:30-15:00")
    ('08:30', '15:00')

**Dates in running text** (nlp's DATE): :data:`TEXT_PATTERNS` — "2024-12-13" (also broken
over a line after its year), "30.1.2023", "13 december 2024", "13 dec 2024", "den 30
december" (no year: the one nearest the meeting; so is "13 dec. 2024", read as "13 dec."
and a year), "november 2024" (a month), "250110" (YYMMDD, only after one of :data:`YYMMDD_CONTEXT`) —
each match's value by :func:`text_date_value`, and two dates joined by a period word
("2025-01-01 tom 2025-12-31") made one period by :func:`join_periods`. nlp scans with
these patterns written for speed (``nlp/dates.py``); what they match is said here.

The two differ where a header and prose differ, and those differences are kept as they
were: the header reader wants a year, reads "13 dec. 2024" with its year and "13/12 2024",
and checks only that a day is 1-31; the text reader checks the calendar ("30.2.2024" is no date)
and reads only years 1900-2099.
"""

from __future__ import annotations

import datetime as dt
import re

MONTHS = {
    "januari": 1, "februari": 2, "mars": 3, "april": 4, "maj": 5, "juni": 6, "juli": 7,
    "augusti": 8, "september": 9, "oktober": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
    "sept": 9, "okt": 10, "nov": 11, "dec": 12,
}
# Whole month names (the short ones "mars", "maj", "juni", "juli" too) and abbreviations.
_SHORT_NAMES = ("mars", "maj", "juni", "juli")
FULL_MONTHS = tuple(m for m in MONTHS if len(m) > 4 or m in _SHORT_NAMES)
ABBREVIATIONS = tuple(m for m in MONTHS if m not in FULL_MONTHS)
# Any month name or abbreviation, longest first (a regular-expression alternation).
MONTH_NAME = "|".join(sorted(MONTHS, key=len, reverse=True))

WEEKDAYS = ("måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag")
# "måndag", "måndagen".
WEEKDAY = re.compile(rf"\b(?:{'|'.join(WEEKDAYS)})(?:en)?\b", re.I)

# Words before a time of day: "kl. 16:15", "klockan 08:30".
TIME_WORDS = ("kl", "klockan")
TIME_WORD = re.compile(rf"\b(?:{'|'.join(TIME_WORDS)})\b\.?", re.I)

# Period connectors between two dates: "2025-01-01 tom 2025-12-31".
PERIOD_WORDS = ("tom", "t.o.m.", "t.o.m", "till och med", "till", "–", "-", "—")

# Words before a six-digit YYMMDD that make it a date ("LSVO möte 250110").
YYMMDD_CONTEXT = ("möte", "mötet", "sammanträde", "sammanträdet", "perioden", "datum", "den", "från", "till", "tom", "–", "-")

# --- a protocol's header -------------------------------------------------------------

_ISO = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")
_WORDS = re.compile(rf"\b(\d{{1,2}})(?::e|:a)?\s+({MONTH_NAME})\.?\s+(\d{{4}})\b", re.I)
_DOTTED = re.compile(r"(?<![\d.])(\d{1,2})\.(\d{1,2})\.(\d{4})(?![\d])")
_SLASHED = re.compile(r"(?<![\d/])(\d{1,2})/(\d{1,2})\s+(\d{4})\b")
_TIME = r"(\d{1,2})[:.](\d{2})"
_TIME_RANGE = re.compile(
    rf"(?:\b(?:kl|klockan|kl\.)\s*\.?\s*)?{_TIME}(?:\s*(?:-|–|—|till|to)\s*(?:kl\.?\s*)?{_TIME})?",
    re.I,
)


def _header_iso(y: int, m: int, d: int) -> str | None:
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
            iso = _header_iso(int(a), int(b), int(c))
        else:
            month = int(b) if b.isdigit() else MONTHS[b.lower()]
            iso = _header_iso(int(c), month, int(a))
        if iso:
            found.append((m.start(), iso))
    return min(found)[1] if found else None


def find_times(text: str) -> tuple[str | None, str | None]:
    """Start and end time ("HH:MM") of "klockan 08:30-15:00" / "kl. 16:15 – 18:35".

    Only times after "kl"/"klockan" count unless the text has no such word, so the
    day in "13.12" of a date is not read as a time.
    """
    word = TIME_WORD.search(text)
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


# --- dates in running text -------------------------------------------------------------

_FULL = "|".join(FULL_MONTHS)
_ABBREVIATED = "|".join(ABBREVIATIONS)
# (rule, pattern) in the order they are tried; a later rule never takes text an earlier
# one matched. Groups: y, m (a number) or mn (a name), d.
TEXT_PATTERNS = (
    ("iso", re.compile(r"(?<![\d-])(?P<y>(?:19|20)\d\d)-(?:[ \t]*\n\s*)?(?P<m>\d\d)-(?P<d>\d\d)(?![\d-])")),
    ("dotted", re.compile(r"(?<![\d.])(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>(?:19|20)\d\d)(?![\d.])")),
    ("day-month", re.compile(
        rf"(?<![\d.,])(?P<d>\d{{1,2}})(?::e|:a)?\s+(?P<mn>{MONTH_NAME}|(?:{_ABBREVIATED})\.)(?:\s+(?P<y>(?:19|20)\d\d)(?!\d))?(?![\wåäö])",
        re.I)),
    ("month-year", re.compile(rf"(?<![\wåäö])(?P<mn>{_FULL})\s+(?P<y>(?:19|20)\d\d)(?![\d-])", re.I)),
    ("yymmdd", re.compile(r"(?<![\d\w,.-])(?P<y>\d\d)(?P<m>\d\d)(?P<d>\d\d)(?![\d\w,-])")),
)
_PERIOD = "|".join(re.escape(w) for w in sorted(PERIOD_WORDS, key=len, reverse=True))
_BETWEEN = re.compile(rf"\s*(?:{_PERIOD})\s*", re.I)
_WORD_BEFORE = re.compile(r"([\wåäö]+|[–-])\s*$", re.I)


def text_date_value(groups: dict, rule: str, meeting: str | None):
    """The value of a match of the rule ``rule`` of :data:`TEXT_PATTERNS` (its
    ``groupdict()``): "YYYY-MM-DD", "YYYY-MM" for a month, or None for no date. A date
    without a year is the one nearest the ``meeting`` date (None without one)."""
    g = groups
    if rule == "yymmdd":
        year = 2000 + int(g["y"])
        if meeting and abs(year - int(meeting[:4])) > 3:
            return None
        return _iso(year, int(g["m"]), int(g["d"]))
    month = MONTHS[g["mn"].lower().rstrip(".")] if g.get("mn") else int(g["m"])
    if rule == "month-year":
        return f"{int(g['y']):04d}-{month:02d}"
    day = int(g["d"])
    if g.get("y"):
        return _iso(int(g["y"]), month, day)
    return _nearest(month, day, meeting)


def yymmdd_context(text: str, pos: int) -> bool:
    """Whether a six-digit number at ``pos`` follows one of :data:`YYMMDD_CONTEXT`."""
    m = _WORD_BEFORE.search(text, max(0, pos - 30), pos)
    return bool(m) and m.group(1).lower() in YYMMDD_CONTEXT


def join_periods(text: str, found):
    """``found`` — ``(start, end, value, rule)`` in order — with each two dates that only a
    period word separates ("2025-01-01 tom 2025-12-31") joined into one period
    ``{"start": …, "end": …}`` (rule ``date-period``), when the first is not later."""
    merged = []
    for item in found:
        if merged and _BETWEEN.fullmatch(text[merged[-1][1]:item[0]]):
            prev = merged[-1]
            start_value = prev[2]["start"] if isinstance(prev[2], dict) else prev[2]
            if isinstance(start_value, str) and isinstance(item[2], str) and start_value <= item[2]:
                merged[-1] = (prev[0], item[1], {"start": start_value, "end": item[2]}, "date-period")
                continue
        merged.append(item)
    return merged


def _iso(year: int, month: int, day: int) -> str | None:
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def _nearest(month: int, day: int, meeting: str | None) -> str | None:
    """The date with this day and month nearest the meeting (None without a meeting)."""
    if not meeting:
        return None
    ref = dt.date.fromisoformat(meeting[:10])
    candidates = [_iso(ref.year + k, month, day) for k in (-1, 0, 1)]
    candidates = [dt.date.fromisoformat(c) for c in candidates if c]
    return min(candidates, key=lambda d: abs((d - ref).days)).isoformat() if candidates else None
