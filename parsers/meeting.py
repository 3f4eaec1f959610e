"""The front matter: meeting (body, date, time, place) and attendance.

Header fields come as "Label: value" lines, "- Label: value" bullets, two-cell table
rows ("Plats och tid | Kommunhuset …") or "Label value" lines; a field's value goes
on over the following unlabelled lines (one person per line in attendance lists).
A närvarolista table (name, party, present/absent/ersättare columns) is read too.
"""

from __future__ import annotations

import re
from collections import Counter

from protokoll.records import ABSENT, PRESENT, SUBSTITUTE, TABLE_ROW, Attendee, Meeting

from . import vocab
from .dates import find_date, find_times
from .lines import MARKER, Line, key, ws
from .people import names_in, person, split_people

_OTHER_LABELS = (
    "plats och tid för justering", "justeringens plats och tid", "justeringens tid och plats",
    "utses att justera", "justerare", "justering", "paragrafer", "underskrifter", "sekreterare",
    "ordförande", "justerande", "anslag", "bevis", "anslagsbevis", "datum då anslaget sätts upp",
    "datum då anslaget tas ned", "förvaringsplats för protokollet", "underskrift", "sammanträdesdatum",
)
_LABELS = sorted({*vocab.HEADER_LABELS, *vocab.ATTENDANCE_LABELS, *_OTHER_LABELS}, key=len, reverse=True)
_LABEL = re.compile(
    r"^(?P<label>" + "|".join(re.escape(x) for x in _LABELS) + r")(?:\s*[:\t]\s*|\s+(?=[\d\[☐☒☑A-ZÅÄÖ])|\s*$)(?P<value>.*)$",
    re.I,
)
_WEEKDAY = re.compile(r"\b(?:måndag|tisdag|onsdag|torsdag|fredag|lördag|söndag)(?:en)?\b", re.I)
_BODY_LINE = re.compile(r"^(?:protokoll(?:et)?\s+(?:från|för)\s+|sammanträdesprotokoll\s+)?(?P<body>.+)$", re.I)


def fields(lines: list[Line]) -> list[tuple[str, list[str]]]:
    """The labelled fields of the front matter, in order, with their value lines."""
    out: list[tuple[str, list[str]]] = []
    for line in lines:
        if line.kind == TABLE_ROW:
            cells = [c for c in line.cells]
            label = key(cells[0]) if cells else ""
            values = [v for c in cells[1:] for v in c.split("\n") if v.strip()]
            if label in _LABELS:
                out.append((label, values))
            elif not label and out:
                out[-1][1].extend(values)
            continue
        text = MARKER.sub("", line.text, count=1) if line.text[:1] in "-–•*" else line.text
        m = _LABEL.match(text)
        if not m and text[:12].lower() == "närvarolista":  # "Närvarolista vid sammanträde med …"
            out.append(("närvarolista", []))
        elif m:
            value = m.group("value").strip()
            out.append((m.group("label").lower(), [value] if value else []))
        elif out:
            out[-1][1].append(text)
    return out


def _place(text: str) -> str | None:
    parts = []
    for part in (p.strip() for p in text.split(",")):
        if not part or find_date(part) or find_times(part)[0] or _WEEKDAY.search(part):
            continue
        if re.match(r"^(?:den|kl\.?|klockan)\b", part, re.I):
            continue
        parts.append(part)
    return ", ".join(parts) or None


def meeting(lines: list[Line], flds, decision_makers: list[str]) -> Meeting:
    values: dict[str, str] = {}
    for label, vals in flds:
        what = vocab.HEADER_LABELS.get(label)
        if what and what not in values and vals:
            # The organ's name is one line: what follows it is another, unlabelled field.
            values[what] = ws(vals[0] if what == "body" else " ".join(vals))
    when = " ".join(values.get(k, "") for k in ("place_time", "date", "time"))
    start, end = find_times(values.get("place_time", "") or values.get("time", ""))
    if end is None:  # "kl. 18:00" in the agenda's header; the signed cover has "18.00 – 19.37"
        start, end = _when_line(lines) or (start, end)
    place = values.get("place") or (_place(values["place_time"]) if "place_time" in values else None)
    return Meeting(
        body=values.get("body") or _body_line(lines) or _most_common(decision_makers),
        date=find_date(when),
        start=start,
        end=end,
        place=place,
    )


def _when_line(lines: list[Line]) -> tuple[str | None, str | None] | None:
    """Start and end from the first line of the front matter with a date and a time range
    ("Sammanträdestd 15.9.2022 kl. 18.00 – 19.37", its label misspelt by a broken font)."""
    for line in lines[:40]:
        if find_date(line.text) and (times := find_times(line.text))[1]:
            return times
    return None


def _body_line(lines: list[Line]) -> str | None:
    """A short line naming the organ, before the first field: "Kommunstyrelsen"."""
    for line in lines[:6]:
        if line.kind == TABLE_ROW or _LABEL.match(line.text):
            continue
        m = _BODY_LINE.match(ws(line.text))
        name = m.group("body").strip() if m else ""
        words = name.split()
        if 0 < len(words) <= 5 and words[-1].lower().endswith(vocab.ORGAN_SUFFIXES):
            return name
    return None


def _most_common(names: list[str]) -> str | None:
    names = [n for n in names if n]
    return Counter(names).most_common(1)[0][0] if names else None


def attendance(lines: list[Line], flds) -> list[Attendee]:
    people: list[Attendee] = []
    for label, vals in flds:
        status = vocab.ATTENDANCE_LABELS.get(label)
        if not status:
            continue
        for val in vals:
            for part in (p for chunk in val.split(";") for p in split_people(chunk)):
                a = person(part.strip(), status)
                if a is not None:
                    people.append(a)
    people.extend(_table(lines))
    seen: set[str] = set()
    out = []
    for a in people:
        if a.name not in seen:
            seen.add(a.name)
            out.append(a)
    return out


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
