"""DATE: "2024-12-13", "13 december 2024", "den 30 december", "30.1.2023", "250110" (YYMMDD
after "möte", "perioden", …), "november 2024" and periods "2025-01-01 tom 2025-12-31".

    >>> parse_date("den 30 december", meeting="2024-12-13")
    '2024-12-30'
    >>> parse_date("2025-01-01 tom 2025-12-31")
    {'start': '2025-01-01', 'end': '2025-12-31'}

A missing year is the one that puts the date nearest the meeting.
"""

from __future__ import annotations

import datetime as dt
import re

from spacy.language import Language

from protokoll.parsers.dates import MONTHS

from .fastre import Leading, guarded, lowered
from .spans import add_entities, doc_text, make_span
from .vocab import PERIOD_WORDS, YYMMDD_CONTEXT

_FULL_MONTHS = "|".join(m for m in MONTHS if len(m) > 4 or m in ("mars", "maj", "juni", "juli"))
_ANY_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_ABBREVIATIONS = "|".join(m for m in MONTHS if len(m) <= 4 and m not in ("mars", "maj", "juni", "juli"))
_PATTERNS = (
    ("iso", re.compile(r"(?<![\d-])(?P<y>(?:19|20)\d\d)-(?:[ \t]*\n\s*)?(?P<m>\d\d)-(?P<d>\d\d)(?![\d-])")),
    ("dotted", re.compile(r"(?<![\d.])(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>(?:19|20)\d\d)(?![\d.])")),
    ("day-month", re.compile(
        rf"(?<![\d.,])(?P<d>\d{{1,2}})(?::e|:a)?\s+(?P<mn>{_ANY_MONTH}|(?:{_ABBREVIATIONS})\.)(?:\s+(?P<y>(?:19|20)\d\d)(?!\d))?(?![\wåäö])",
        re.I)),
    ("month-year", re.compile(rf"(?<![\wåäö])(?P<mn>{_FULL_MONTHS})\s+(?P<y>(?:19|20)\d\d)(?![\d-])", re.I)),
    ("yymmdd", re.compile(r"(?<![\d\w,.-])(?P<y>\d\d)(?P<m>\d\d)(?P<d>\d\d)(?![\d\w,-])")),
)
_GUARDED_FULL_MONTHS = guarded(_FULL_MONTHS.split("|"), r"[\wåäö]")
# The same patterns written to start with a literal or a class (see fastre): the
# look-behind moves after the first character, and the case-insensitive ones run over
# the lower-cased text. find_dates uses these; _PATTERNS say what they mean.
_FAST = (
    ("iso", re.compile(r"(?P<y>(?:19|20)(?<![\d-]\d\d)\d\d)-(?:[ \t]*\n\s*)?(?P<m>\d\d)-(?P<d>\d\d)(?![\d-])"), False),
    ("dotted", re.compile(r"(?P<d>\d(?<![\d.]\d)\d?)\.(?P<m>\d{1,2})\.(?P<y>(?:19|20)\d\d)(?![\d.])"), False),
    ("day-month", re.compile(
        rf"(?P<d>\d(?<![\d.,]\d)\d?)(?::e|:a)?\s+(?P<mn>{_ANY_MONTH}|(?:{_ABBREVIATIONS})\.)(?:\s+(?P<y>(?:19|20)\d\d)(?!\d))?(?![\wåäö])"),
        True),
    ("month-year", Leading(
        rf"(?P<mn>{_GUARDED_FULL_MONTHS})\s+(?P<y>(?:19|20)\d\d)(?![\d-])", _FULL_MONTHS.split("|")), True),
    ("yymmdd", re.compile(r"(?P<y>\d(?<![\d\w,.-]\d)\d)(?P<m>\d\d)(?P<d>\d\d)(?![\d\w,-])"), False),
)
_PERIOD = "|".join(re.escape(w) for w in sorted(PERIOD_WORDS, key=len, reverse=True))
_BETWEEN = re.compile(rf"\s*(?:{_PERIOD})\s*", re.I)
_WORD_BEFORE = re.compile(r"([\wåäö]+|[–-])\s*$", re.I)


def find_dates(text: str, meeting: str | None = None):
    """``(start, end, value, rule)`` of every date or period in ``text``, in order."""
    found, taken = [], []
    low = lowered(text)
    for (rule, slow), (_, rx, case_insensitive) in zip(_PATTERNS, _FAST):
        source = text
        if case_insensitive:
            rx, source = (rx, low) if low is not None else (slow, text)
        for m in rx.finditer(source):
            if any(s < m.end() and m.start() < e for s, e in taken):
                continue
            value = _value(m, rule, meeting)
            if value is None or (rule == "yymmdd" and not _yymmdd_context(text, m.start())):
                continue
            found.append((m.start(), m.end(), value, rule))
            taken.append((m.start(), m.end()))
    found.sort()
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


def parse_date(text: str, meeting: str | None = None):
    """The ISO value of the first date or period in ``text`` (None if there is none)."""
    found = find_dates(text, meeting)
    return found[0][2] if found else None


def _value(m, rule: str, meeting: str | None):
    g = m.groupdict()
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


def _yymmdd_context(text: str, pos: int) -> bool:
    m = _WORD_BEFORE.search(text, max(0, pos - 30), pos)
    return bool(m) and m.group(1).lower() in YYMMDD_CONTEXT


@Language.factory("protokoll_dates", default_config={})
def make_dates(nlp: Language, name: str):
    """Tag DATE spans with ``._.value``; reads the meeting date from ``doc.user_data["meeting_date"]``."""
    return tag_dates


def tag_dates(doc):
    found = find_dates(doc_text(doc), doc.user_data.get("meeting_date"))
    add_entities(doc, [make_span(doc, s, e, "DATE", value=v, rule=r) for s, e, v, r in found])
    return doc
