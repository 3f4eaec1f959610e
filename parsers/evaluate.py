"""The parser against hand-written expectations of real protocols, field by field.

Expectations (``tests/data/corpus/**.json``, described in that folder's README) were
written by reading the documents. :func:`compare` is pure: it takes a parsed
:class:`Protocol` and one expectation and returns what matched. ``tests/test_corpus.py``
asserts on it and ``bench/eval_corpus.py`` prints the accuracy per field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from protokoll.records import Protocol

# Per-document fields, then the per-item ones (counted over items whose number matched).
DOC_FIELDS = ("items", "body", "date", "time", "attendance")
ITEM_FIELDS = ("title", "dnr", "page", "clauses", "kinds", "outcomes", "votes", "reservations", "conflicts")


@dataclass
class Result:
    """What matched in one document: ``doc[field]`` is True/False (or None where the
    expectation says nothing), ``items[field]`` is (right, checked)."""

    source: str
    doc: dict[str, bool | None] = field(default_factory=dict)
    items: dict[str, list[int]] = field(default_factory=dict)
    diffs: list[str] = field(default_factory=list)

    @property
    def right(self) -> bool:
        return all(v is not False for v in self.doc.values()) and all(r == n for r, n in self.items.values())


def norm(text: str | None) -> str | None:
    """Case and spacing folded; a line broken after a hyphen ("2026- 12-31") joined."""
    if text is None:
        return None
    return re.sub(r"(?<=\w)-\s+(?=\w)", "-", " ".join(text.split())).casefold().strip(" .:")


def _surname(name: str) -> str:
    words = re.sub(r"\([^)]*\)", " ", name).split()
    return words[-1].casefold() if words else ""


def _names_match(got: tuple[str, ...], want: list[str]) -> bool:
    """Same number of people, and each expected surname in what the parser found."""
    if len(got) != len(want):
        return False
    found = " ".join(got).casefold()
    return all(_surname(w) in found for w in want)


def _attendance(protocol: Protocol) -> dict[str, int]:
    counts = {"present": 0, "substitute": 0, "absent": 0, "official": 0}
    for a in protocol.attendance:
        counts[a.status] = counts.get(a.status, 0) + 1
    return counts


def compare(protocol: Protocol, expected: dict) -> Result:
    res = Result(expected["source"])
    m = protocol.meeting
    want_numbers = [it["number"] for it in expected["items"]]
    got_numbers = [it.number for it in protocol.items]
    res.doc["items"] = got_numbers == want_numbers
    if not res.doc["items"]:
        res.diffs.append(f"items: got {got_numbers}, want {want_numbers}")
    res.doc["body"] = norm(m.body) == norm(expected["body"])
    if not res.doc["body"]:
        res.diffs.append(f"body: got {m.body!r}, want {expected['body']!r}")
    res.doc["date"] = m.date == expected["date"]
    if not res.doc["date"]:
        res.diffs.append(f"date: got {m.date}, want {expected['date']}")
    res.doc["time"] = (m.start, m.end) == (expected.get("start"), expected.get("end"))
    if not res.doc["time"]:
        res.diffs.append(f"time: got {m.start}-{m.end}, want {expected.get('start')}-{expected.get('end')}")
    if expected.get("attendance") is None:
        res.doc["attendance"] = None
    else:
        got = _attendance(protocol)
        res.doc["attendance"] = got == {k: expected["attendance"].get(k, 0) for k in got}
        if not res.doc["attendance"]:
            res.diffs.append(f"attendance: got {got}, want {expected['attendance']}")
    for f in ITEM_FIELDS:
        res.items[f] = [0, 0]
    got_items = list(protocol.items)
    # Items are paired in order by number, so one missing item does not shift the rest.
    pos = 0
    for want in expected["items"]:
        j = next((k for k in range(pos, len(got_items)) if got_items[k].number == want["number"]), None)
        if j is None:
            for f in ITEM_FIELDS:
                res.items[f][1] += 1
            continue
        pos = j + 1
        _compare_item(res, got_items[j], want)
    return res


def _compare_item(res: Result, got, want: dict) -> None:
    decisions = want.get("decisions") or []
    votes = want.get("votes")
    got_votes = None if got.votes is None or got.votes.yes is None else {
        "yes": got.votes.yes, "no": got.votes.no or 0, "abstain": got.votes.abstain or 0}
    checks = {
        "title": norm(got.title) == norm(want.get("title")),
        "dnr": norm(got.dnr) == norm(want.get("dnr")),
        "page": want.get("page") is None or got.page == want.get("page"),
        "clauses": [len(d.clauses) for d in got.decisions] == [d["clauses"] for d in decisions],
        "kinds": [d.kind for d in got.decisions] == [d["kind"] for d in decisions],
        "outcomes": [d.outcome for d in got.decisions] == [d["outcome"] for d in decisions],
        "votes": got_votes == (None if votes is None else {k: votes.get(k, 0) for k in ("yes", "no", "abstain")}),
        "reservations": _names_match(got.reservations, want.get("reservations") or []),
        "conflicts": _names_match(got.conflicts, want.get("conflicts") or []),
    }
    for f, ok in checks.items():
        res.items[f][0] += ok
        res.items[f][1] += 1
        if not ok:
            res.diffs.append(f"§ {want['number']} {f}: got {_got(got, f)!r}, want {_want(want, f)!r}")


def _got(item, f: str):
    return {
        "title": item.title, "dnr": item.dnr, "page": item.page,
        "clauses": [len(d.clauses) for d in item.decisions], "kinds": [d.kind for d in item.decisions],
        "outcomes": [d.outcome for d in item.decisions],
        "votes": item.votes and (item.votes.yes, item.votes.no, item.votes.abstain),
        "reservations": item.reservations, "conflicts": item.conflicts,
    }[f]


def _want(want: dict, f: str):
    decisions = want.get("decisions") or []
    if f in ("clauses", "kinds", "outcomes"):
        return [d[{"clauses": "clauses", "kinds": "kind", "outcomes": "outcome"}[f]] for d in decisions]
    return want.get(f)


def summary(results: list[Result]) -> dict[str, tuple[int, int]]:
    """(right, checked) per field over all documents, and ``documents`` fully right."""
    out: dict[str, tuple[int, int]] = {"documents": (sum(r.right for r in results), len(results))}
    for f in DOC_FIELDS:
        vals = [r.doc[f] for r in results if r.doc.get(f) is not None]
        out[f] = (sum(vals), len(vals))
    for f in ITEM_FIELDS:
        out[f"item {f}"] = (sum(r.items[f][0] for r in results), sum(r.items[f][1] for r in results))
    return out
