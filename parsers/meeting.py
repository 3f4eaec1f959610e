"""The front matter: meeting (body, date, time, place) and attendance.

Header fields come as "Label: value" lines, "- Label: value" bullets, two-cell table
rows ("Plats och tid | Kommunhuset …") or "Label value" lines; a field's value goes
on over the following unlabelled lines (one person per line in attendance lists).
Who attended is read from these fields in :mod:`.attendance`.
"""

from __future__ import annotations

import re
from collections import Counter

from protokoll.records import TABLE_ROW, Meeting
from protokoll.swedish import bodies
from protokoll.swedish.dates import TIME_WORD, WEEKDAY, find_date, find_times

from . import vocab
from .lines import MARKER, Line, key, ws

# A font whose ligatures map to nothing drops their second letter ("Elektroniska
# underskrifer", "Sammanträdestd"): each label is known so spelt too.
_CANONICAL = {
    label[:i] + label[i + 1:]: label
    for label in (*vocab.HEADER_LABELS, *vocab.ATTENDANCE_LABELS, *vocab.OTHER_LABELS)
    for lig in vocab.LIGATURES
    for i in (j + 1 for j in range(len(label)) if label.startswith(lig, j))
}
_CANONICAL.update({label: label for label in (*vocab.HEADER_LABELS, *vocab.ATTENDANCE_LABELS, *vocab.OTHER_LABELS)})
_LABELS = sorted(_CANONICAL, key=len, reverse=True)
_LABEL = re.compile(
    r"^(?P<label>" + "|".join(re.escape(x) for x in _LABELS) + r")(?:\s*[:\t]\s*|\s+(?=[\d\[☐☒☑A-ZÅÄÖ])|\s*$)(?P<value>.*)$",
    re.I,
)
_BODY_LINE = re.compile(r"^(?:protokoll(?:et)?\s+(?:från|för)\s+|sammanträdesprotokoll\s+)?(?P<body>.+)$", re.I)


def fields(lines: list[Line]) -> list[tuple[str, list[str]]]:
    """The labelled fields of the front matter, in order, with their value lines."""
    out: list[tuple[str, list[str]]] = []
    for line in lines:
        if line.kind == TABLE_ROW:
            cells = [c for c in line.cells]
            label = key(cells[0]) if cells else ""
            values = [v for c in cells[1:] for v in c.split("\n") if v.strip()]
            if label in _CANONICAL:
                out.append((_CANONICAL[label], values))
            elif out and (not label or len(cells) == 2):
                # a value going on, or a list line beside the page's margin text ("Anna Berg (M)
                # | Sammanträdesdatum"); wider rows are a table's (a närvarolista's) own
                out[-1][1].extend(([cells[0]] if label else []) + values)
            continue
        text = MARKER.sub("", line.text, count=1) if line.text[:1] in "-–•*" else line.text
        m = _LABEL.match(text)
        if not m and text[:12].lower() == "närvarolista":  # "Närvarolista vid sammanträde med …"
            out.append(("närvarolista", []))
        elif m and not (out and out[-1][0] in vocab.JUSTERING_LABELS and key(m.group("label")) == "ersättare"):
            # (after "Utses att justera: Anna Berg", "Ersättare: Per Holm" is the justerare's ersättare)
            value = m.group("value").strip()
            out.append((_CANONICAL[m.group("label").lower()], [value] if value else []))
        elif out:
            out[-1][1].append(text)
    return out


def _place(text: str) -> str | None:
    parts = []
    for part in (p.strip() for p in text.split(",")):
        if not part or find_date(part) or find_times(part)[0] or WEEKDAY.search(part):
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
    start, end = _times(values, lines)
    place = values.get("place") or (_place(values["place_time"]) if "place_time" in values else None)
    return Meeting(
        body=values.get("body") or _body_line(lines) or _most_common(decision_makers),
        date=find_date(when),
        start=start,
        end=end,
        place=place,
    )



def _times(values: dict[str, str], lines: list[Line]) -> tuple[str | None, str | None]:
    """Start and end: from the labelled time field, else from the first front line
    that holds a date and "kl"/"klockan" with a time (:func:`_kl_line`); where neither
    gives an end, from the first front line with a date and a time range
    (:func:`_when_line`: "kl. 18:00" in an agenda's header, "18.00 – 19.37" on the
    signed cover)."""
    start, end = find_times(values.get("place_time", "") or values.get("time", ""))
    if not start:
        start, end = _kl_line(lines)
    if end is None:
        start, end = _when_line(lines) or (start, end)
    return start, end


def _kl_line(lines: list[Line]) -> tuple[str | None, str | None]:
    """The times of the first line with a date and "kl"/"klockan" ("2024-10-24, klockan
    09:00-20:40" under a label of its own, or a label the text layer garbled), never of a
    justering or anslag line."""
    for line in lines:
        text = line.text
        if not TIME_WORD.search(text) or not find_date(text):
            continue
        m = _LABEL.match(text)
        if m and key(m.group("label")) not in vocab.HEADER_LABELS:
            continue
        start, end = find_times(text)
        if start:
            return start, end
    return None, None


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
        m = _BODY_LINE.match(_without_number(ws(line.text)))
        name = m.group("body").strip() if m else ""
        words = name.split()
        if 0 < len(words) <= 5 and words[-1].lower().endswith(bodies.ORGAN_SUFFIXES):
            return name
    return None


_MEETING_NUMBER = re.compile(r",?\s+(?:nr|nummer)\.?\s*\d{1,3}\b.*$", re.I)


def _without_number(text: str) -> str:
    """"Direktionen, Nr 1" → "Direktionen": the organ without the meeting's number (and
    what stands beside it on the line)."""
    return _MEETING_NUMBER.sub("", text)


def _most_common(names: list[str]) -> str | None:
    names = [n for n in names if n]
    return Counter(names).most_common(1)[0][0] if names else None
