"""DATE: "2024-12-13", "13 december 2024", "den 30 december", "30.1.2023", "250110" (YYMMDD
after "möte", "perioden", …), "november 2024" and periods "2025-01-01 tom 2025-12-31".

    >>> parse_date("den 30 december", meeting="2024-12-13")
    '2024-12-30'
    >>> parse_date("2025-01-01 tom 2025-12-31")
    {'start': '2025-01-01', 'end': '2025-12-31'}

A missing year is the one that puts the date nearest the meeting. The grammar — month
names, the patterns and what each match means — is :mod:`protokoll.swedish.dates`; this
module scans text with those patterns written for speed and tags the spans.
"""

from __future__ import annotations

import re

from spacy.language import Language

from protokoll.swedish.dates import (
    ABBREVIATIONS,
    FULL_MONTHS,
    MONTH_NAME,
    TEXT_PATTERNS,
    join_periods,
    text_date_value,
    yymmdd_context,
)

from .fastre import Leading, guarded, lowered
from .spans import add_entities, doc_text, make_span

_PATTERNS = TEXT_PATTERNS
_FULL_MONTHS = "|".join(FULL_MONTHS)
_ABBREVIATIONS = "|".join(ABBREVIATIONS)
_GUARDED_FULL_MONTHS = guarded(FULL_MONTHS, r"[\wåäö]")
# The same patterns written to start with a literal or a class (see fastre): the
# look-behind moves after the first character, and the case-insensitive ones run over
# the lower-cased text. find_dates uses these; TEXT_PATTERNS say what they mean.
_FAST = (
    ("iso", re.compile(r"(?P<y>(?:19|20)(?<![\d-]\d\d)\d\d)-(?:[ \t]*\n\s*)?(?P<m>\d\d)-(?P<d>\d\d)(?![\d-])"), False),
    ("dotted", re.compile(r"(?P<d>\d(?<![\d.]\d)\d?)\.(?P<m>\d{1,2})\.(?P<y>(?:19|20)\d\d)(?![\d.])"), False),
    ("day-month", re.compile(
        rf"(?P<d>\d(?<![\d.,]\d)\d?)(?::e|:a)?\s+(?P<mn>{MONTH_NAME}|(?:{_ABBREVIATIONS})\.)(?:\s+(?P<y>(?:19|20)\d\d)(?!\d))?(?![\wåäö])"),
        True),
    ("month-year", Leading(
        rf"(?P<mn>{_GUARDED_FULL_MONTHS})\s+(?P<y>(?:19|20)\d\d)(?![\d-])", FULL_MONTHS), True),
    ("yymmdd", re.compile(r"(?P<y>\d(?<![\d\w,.-]\d)\d)(?P<m>\d\d)(?P<d>\d\d)(?![\d\w,-])"), False),
)


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
            value = text_date_value(m.groupdict(), rule, meeting)
            if value is None or (rule == "yymmdd" and not yymmdd_context(text, m.start())):
                continue
            found.append((m.start(), m.end(), value, rule))
            taken.append((m.start(), m.end()))
    found.sort()
    return join_periods(text, found)


def parse_date(text: str, meeting: str | None = None):
    """The ISO value of the first date or period in ``text`` (None if there is none)."""
    found = find_dates(text, meeting)
    return found[0][2] if found else None


@Language.factory("protokoll_dates", default_config={})
def make_dates(nlp: Language, name: str):
    """Tag DATE spans with ``._.value``; reads the meeting date from ``doc.user_data["meeting_date"]``."""
    return tag_dates


def tag_dates(doc):
    found = find_dates(doc_text(doc), doc.user_data.get("meeting_date"))
    add_entities(doc, [make_span(doc, s, e, "DATE", value=v, rule=r) for s, e, v, r in found])
    return doc
