"""Attendance: who a protocol lists as present, substitute, absent or official.

The labelled lists of the front matter ("Beslutande ledamöter:", "Tjänstgörande
ersättare:", "Övriga deltagare:") give each person the label's status; a närvarolista
table (name, party, present/absent/ersättare columns) is read too. Where one list of
everyone present ("NÄRVARANDE:") holds the members first and then everyone else, the
members are the first group: up to a separator line ("---"), or, without one, up to
the last person the text names with a member's title ("vice riksbankschef Per Jansson").
A person listed twice counts once.
"""

from __future__ import annotations

import re

from protokoll.records import ABSENT, OFFICIAL, PRESENT, SUBSTITUTE, TABLE_ROW, Attendee
from protokoll.swedish import names

from . import vocab
from .lines import Line, key
from .people import line_people, names_in, person, split_people

_SEPARATOR = re.compile(r"^[-–—_*]{2,9}$")  # "---" (its first dash read as a bullet: "--")
_RULE = re.compile(r"^[-–—_=]{10,}$")  # a rule across the page ends the list
_SEPARATOR_END = re.compile(r"\s+[-–—]{3,}$")  # "Tommy von Brömsen ---": a line break lost
_TITLED = re.compile(
    r"\b(?:" + "|".join(re.escape(t) for t in sorted(names.MEMBER_TITLES, key=len, reverse=True)) + r")\s+"
    r"((?:[^\s,;:()]+\s+){0,3}[^\s,;:()]+)",
    re.I,
)


def attendance(lines: list[Line], flds, text: list[Line] = ()) -> list[Attendee]:
    """Everyone the front matter lists; ``text`` is the whole document (for members' titles)."""
    people: list[Attendee] = []
    for label, vals in flds:
        status = vocab.ATTENDANCE_LABELS.get(label)
        if status:
            people.extend(_listed(vals, status, text))
    people.extend(_table(lines))
    seen: set[str] = set()
    out = []
    for a in people:
        if a.name not in seen:
            seen.add(a.name)
            out.append(a)
    return out


def _listed(vals: list[str], status: str, text: list[Line]) -> list[Attendee]:
    """The people of one labelled list, in groups split by separator lines."""
    columns = bool(vals) and set(key(vals[0]).split()) == set(vocab.BOX_COLUMNS)
    groups: list[list[Attendee]] = [[]]
    for val in vals[1:] if columns else vals:
        val = val.strip()
        if _RULE.match(val):
            break
        if _SEPARATOR.match(val):
            groups.append([])
            continue
        end = _SEPARATOR_END.search(val)
        for chunk in (val[: end.start()] if end else val).split(";"):
            for part in split_people(chunk):
                groups[-1].extend(line_people(part.strip(), status, columns))
        if end:
            groups.append([])
    groups = [g for g in groups if g]
    if status != PRESENT or not groups:
        return [a for g in groups for a in g]
    members, others = (groups[0], [a for g in groups[1:] for a in g]) if len(groups) > 1 else _members(groups[0], text)
    return members + [_official(a) if a.status == PRESENT else a for a in others]


def _official(a: Attendee) -> Attendee:
    return Attendee(name=a.name, status=OFFICIAL, role=a.role, party=a.party,
                    organisation=a.organisation, paragraphs=a.paragraphs)


def _members(group: list[Attendee], text: list[Line]) -> tuple[list[Attendee], list[Attendee]]:
    """One list of everyone present, cut after the last person named with a member's title."""
    if len(group) < 3 or any(a.party for a in group):
        return group, []
    titled: set[str] = set()
    for line in text:
        low = line.text.lower()
        if any(t in low for t in names.MEMBER_TITLES):
            for m in _TITLED.finditer(line.text):
                titled.update(w.strip(".,;:").lower() for w in m.group(1).split())
    if not titled:
        return group, []

    def named(a: Attendee) -> bool:
        words = a.name.lower().split()
        return words[0] in titled and words[-1] in titled

    last = max((i for i, a in enumerate(group) if named(a)), default=-1)
    if last < 1 or last == len(group) - 1:
        return group, []
    return group[: last + 1], group[last + 1 :]


_COLS = {
    "name": ("ledamot", "ledamöter", "namn", "ordinarie ledamöter", "ordinarie"),
    "party": ("parti",),
    PRESENT: ("närvarande", "närv", "närv.", "närvaro", "deltog"),
    ABSENT: ("frånvarande", "frånv", "frånv.", "ej närvarande", "ej närv", "ej närv."),
    SUBSTITUTE: ("ersättare", "tjänstgörande ersättare", "tjg ersättare", "tjg ers", "tjg ers."),
}


def _table(lines: list[Line]) -> list[Attendee]:
    """A närvarolista table: a header row naming the columns, then one row per member."""
    out: list[Attendee] = []
    cols: dict[str, int] | None = None
    for line in lines:
        if line.kind != TABLE_ROW:
            cols = None
            continue
        heads = {}
        for i, c in enumerate(line.cells):
            for what, words in _COLS.items():
                if key(c) in words and what not in heads:
                    heads[what] = i
        if "name" in heads and len(heads) >= 3:
            cols = heads
            continue
        if cols is None:
            continue
        cell = lambda what: line.cells[cols[what]].strip() if what in cols and cols[what] < len(line.cells) else ""
        member = person(cell("name"), PRESENT)
        if member is None:
            continue
        name = member.name
        party = cell("party").strip("()") or member.party
        sub = cell(SUBSTITUTE)
        if key(cell(PRESENT)) in vocab.TICKS:
            status = PRESENT
        elif key(sub) in vocab.TICKS:
            status = SUBSTITUTE
        else:
            status = ABSENT if (key(cell(ABSENT)) in vocab.TICKS or sub) else None
        if status:
            out.append(Attendee(name=name, status=status, role=member.role, party=party))
        if sub and key(sub) not in vocab.TICKS:
            for s in names_in(sub):
                out.append(Attendee(name=s, status=SUBSTITUTE, role=f"tjänstgörande ersättare för {name}", party=party))
    return out
