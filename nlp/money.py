"""MONEY: amounts with a unit ("1 476 576 kr", "2,5 mnkr", "4,1 miljoner kronor", "€ 50")
and space-grouped amounts in budget-table cells, normalised to whole units of a currency.

    >>> parse_amount("2,5 mnkr")
    (2500000, 'SEK', ())
    >>> parse_amount("57 0000 kr")
    (570000, 'SEK', ('irregular digit grouping in "57 0000 kr", read as 570000',))

Activity codes, years, § numbers, percentages and phone numbers carry no unit and are
not space-grouped table amounts, so they are never money.
"""

from __future__ import annotations

import re
from decimal import Decimal

from spacy.language import Language

from .fastre import Alternatives, guarded, lowered
from .spans import add_entities, doc_text, make_span
from .vocab import MONEY_UNITS, NOT_MONEY_AFTER_MILLIONS

_UNITS = "|".join(
    re.escape(u).replace(r"\ ", r"\s+") for u in sorted(MONEY_UNITS, key=len, reverse=True)
)
# A sign right after another dash ("0––1 kr") is not a minus: the number alone may still be an amount.
_NUMBER = r"(?:(?P<sign>[-−–])(?<![-−–][-−–]))?(?P<digits>\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?!\d)|\d{1,3}[ \u00a0\u202f]\d{4}(?!\d)|\d+)(?:,(?P<dec>\d+))?"
AMOUNT_RE = re.compile(
    rf"(?<![\w,.:/-]){_NUMBER}\s?(?P<unit>{_UNITS})(?![\wåäöÅÄÖ])"
    rf"|(?<![\w])(?P<pre>SEK|EUR|€)\s?(?P<pdigits>\d{{1,3}}(?:[ \u00a0]\d{{3}})+(?!\d)|\d+)(?:,(?P<pdec>\d+))?",
    re.IGNORECASE,
)
# AMOUNT_RE in three parts that each start with a character class or a literal (see
# fastre), matched over the lower-cased text: a signed number, a number, a currency first.
assert all(u == u.lower() for u in MONEY_UNITS)
_DIGITS_REST = r"(?:\d{0,2}(?:[ \u00a0\u202f]\d{3})+(?!\d)|\d{0,2}[ \u00a0\u202f]\d{4}(?!\d)|\d*)"
_AFTER = rf"(?:,(?P<dec>\d+))?\s?(?P<unit>{_UNITS})(?![\wåäöÅÄÖ])"
_CURRENCY_FIRST = guarded(("sek", "eur", "€"), r"\w")
_AMOUNTS = Alternatives(
    rf"(?P<sign>[-−–])(?<![\w,.:/\-−–][-−–])(?P<digits>\d{_DIGITS_REST}){_AFTER}",
    rf"(?P<digits>\d(?<![\w,.:/-]\d){_DIGITS_REST}){_AFTER}",
    rf"(?P<pre>{_CURRENCY_FIRST})\s?(?P<pdigits>\d{{1,3}}(?:[ \u00a0]\d{{3}})+(?!\d)|\d+)(?:,(?P<pdec>\d+))?",
)


def find_amounts(text: str):
    """``AMOUNT_RE.finditer(text)``, faster; the matches' groups are in lower case."""
    low = lowered(text)
    return _AMOUNTS.finditer(low) if low is not None else AMOUNT_RE.finditer(text)


# A table cell amount: a space-grouped number, optionally in parentheses or negative.
CELL_AMOUNT_RE = re.compile(r"(?<![\w,.:/])(?P<sign>[-−])?(?P<digits>\d{1,3}(?:[ \u00a0]\d{3})+)(?!\d)(?:,(?P<dec>\d+))?(?![\d])")
_NEXT_WORD = re.compile(r"\s*([\wåäö]+)", re.I)


def parse_amount(text: str) -> tuple[int | float, str, tuple[str, ...]]:
    """Value in whole currency units, currency ("SEK"/"EUR") and warnings of an amount.

    Decimals appear only where öre/cent are written ("15 816 660,06" → 15816660.06);
    scaled units give whole numbers ("2,5 mnkr" → 2500000). A unit-less number is SEK.
    Raises ValueError if ``text`` holds no amount.
    """
    m = AMOUNT_RE.search(text)
    if m and m.group("pre"):
        return _value(m.group("pdigits"), m.group("pdec"), "", m.group("pre"), text)
    if m:
        return _value(m.group("digits"), m.group("dec"), m.group("sign") or "", m.group("unit"), text)
    m = CELL_AMOUNT_RE.search(text) or re.search(r"(?P<sign>-)?(?P<digits>\d+)(?:,(?P<dec>\d+))?", text)
    if not m:
        raise ValueError(f"no amount in {text!r}")
    return _value(m.group("digits"), m.group("dec"), m.group("sign") or "", "kr", text)


def _value(digits: str, dec: str | None, sign: str, unit: str, text: str):
    warnings = ()
    groups = digits.split()
    if len(groups) > 1 and (len(groups[-1]) != 3 or any(len(g) != 3 for g in groups[1:])):
        joined = "".join(groups)
        warnings = (f'irregular digit grouping in "{text.strip()}", read as {joined}',)
    number = Decimal("".join(groups) + ("." + dec if dec else ""))
    factor, currency = MONEY_UNITS[" ".join(unit.lower().split())]
    value = number * Decimal(str(factor))
    if sign:
        value = -value
    value = int(value) if value == value.to_integral_value() else float(round(value, 2))
    return value, currency, warnings


@Language.factory("protokoll_money", default_config={})
def make_money(nlp: Language, name: str):
    """Tag MONEY spans with ``._.value`` and ``._.currency``."""
    return tag_money


def tag_money(doc):
    text, spans = doc_text(doc), []
    for m in find_amounts(text):
        g = m.groupdict()
        unit = (g.get("unit") or "").lower()
        if unit in ("miljoner", "miljon", "miljarder", "miljard"):
            after = _NEXT_WORD.match(text, m.end())
            if after and after.group(1).lower() in NOT_MONEY_AFTER_MILLIONS:
                continue
        if _run_together(g.get("digits") or g.get("pdigits")):
            continue
        start = m.start()
        if g.get("sign") and (_is_bullet(text, start) or _glued(doc, start)):
            start += 1  # a bullet, or a dash inside a word ("E€–1 kr"): not a minus sign
        spans.append(_span(doc, text, start, m.end(), "money-unit"))
    for line_start, line in _table_lines(text):
        for cell_start, cell in _cells(line):
            for m in CELL_AMOUNT_RE.finditer(cell):
                if _run_together(m.group("digits")):
                    continue
                start = line_start + cell_start + m.start()
                spans.append(_span(doc, text, start, line_start + cell_start + m.end(), "money-table-cell"))
    add_entities(doc, spans)
    return doc


# More digit groups than any amount has (10^15 and up): numbers of several cells run
# together ("213 700 449 990 362 580 217 270"), never one amount.
MAX_GROUPS = 5


def _run_together(digits: str | None) -> bool:
    return bool(digits) and len(digits.split()) > MAX_GROUPS


def _span(doc, text, start, end, rule):
    value, currency, warnings = parse_amount(text[start:end])
    return make_span(doc, start, end, "MONEY", value=value, currency=currency, rule=rule,
                     warning=warnings[0] if warnings else None)


def _glued(doc, pos: int) -> bool:
    """Whether the character at ``pos`` is inside a token, not at its start."""
    span = doc.char_span(pos, pos + 1, alignment_mode="expand")
    return span is not None and span.start_char < pos


def _is_bullet(text: str, pos: int) -> bool:
    """A dash that opens a line of prose is a list bullet, not a minus sign."""
    line_start = text.rfind("\n", 0, pos) + 1
    line_end = text.find("\n", pos)
    line = text[line_start: line_end if line_end >= 0 else len(text)]
    return not text[line_start:pos].strip() and "\t" not in line


def _table_lines(text: str):
    pos = 0
    for line in text.split("\n"):
        if "\t" in line.strip("\t ") or line.count("\t") >= 2:
            yield pos, line
        pos += len(line) + 1


def _cells(line: str):
    pos = 0
    for cell in line.split("\t"):
        yield pos, cell
        pos += len(cell) + 1
