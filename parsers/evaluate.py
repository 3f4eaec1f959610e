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
DOC_FIELDS = ("items", "kind", "declared", "body", "date", "time", "attendance")
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


def _check(res: Result, name: str, ok: bool, got, want) -> None:
    res.doc[name] = ok
    if not ok:
        res.diffs.append(f"{name}: got {got!r}, want {want!r}")


def compare(protocol: Protocol, expected: dict) -> Result:
    res = Result(expected["source"])
    m = protocol.meeting
    numbers = [it.number for it in protocol.items], [it["number"] for it in expected["items"]]
    _check(res, "items", numbers[0] == numbers[1], *numbers)
    _check(res, "kind", protocol.kind == expected.get("kind", "protocol"), protocol.kind, expected.get("kind"))
    declared = list(protocol.declared) if protocol.declared else None
    _check(res, "declared", declared == expected.get("declared"), declared, expected.get("declared"))
    _check(res, "body", norm(m.body) == norm(expected["body"]), m.body, expected["body"])
    _check(res, "date", m.date == expected["date"], m.date, expected["date"])
    times = (m.start, m.end), (expected.get("start"), expected.get("end"))
    _check(res, "time", times[0] == times[1], *times)
    if expected.get("attendance") is None:
        res.doc["attendance"] = None
    else:
        got = _attendance(protocol)
        want = {k: expected["attendance"].get(k, 0) for k in got}
        _check(res, "attendance", got == want, got, want)
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


def _votes(yes, no, abstain) -> dict | None:
    return None if yes is None else {"yes": yes, "no": no or 0, "abstain": abstain or 0}


def _item_values(item) -> dict:
    """An item's values as the expectations write them."""
    v = item.votes
    return {
        "title": item.title, "dnr": item.dnr, "page": item.page,
        "clauses": [len(d.clauses) for d in item.decisions], "kinds": [d.kind for d in item.decisions],
        "outcomes": [d.outcome for d in item.decisions],
        "votes": None if v is None else _votes(v.yes, v.no, v.abstain),
        "reservations": item.reservations, "conflicts": item.conflicts,
    }


def _expected_values(want: dict) -> dict:
    decisions = want.get("decisions") or []
    v = want.get("votes")
    return {
        "title": want.get("title"), "dnr": want.get("dnr"), "page": want.get("page"),
        "clauses": [d["clauses"] for d in decisions], "kinds": [d["kind"] for d in decisions],
        "outcomes": [d["outcome"] for d in decisions],
        "votes": None if v is None else _votes(v.get("yes", 0), v.get("no"), v.get("abstain")),
        "reservations": want.get("reservations") or [], "conflicts": want.get("conflicts") or [],
    }


def _same_text(got, want) -> bool:
    return norm(got) == norm(want)


# How a field is compared, where it is not plain equality.
_SAME = {
    "title": _same_text,
    "dnr": _same_text,
    "page": lambda got, want: want is None or got == want,
    "reservations": _names_match,
    "conflicts": _names_match,
}


def _compare_item(res: Result, item, want: dict) -> None:
    got, expected = _item_values(item), _expected_values(want)
    for f in ITEM_FIELDS:
        ok = _SAME.get(f, lambda a, b: a == b)(got[f], expected[f])
        res.items[f][0] += ok
        res.items[f][1] += 1
        if not ok:
            res.diffs.append(f"§ {want['number']} {f}: got {got[f]!r}, want {expected[f]!r}")


def summary(results: list[Result]) -> dict[str, tuple[int, int]]:
    """(right, checked) per field over all documents, and ``documents`` fully right."""
    out: dict[str, tuple[int, int]] = {"documents": (sum(r.right for r in results), len(results))}
    for f in DOC_FIELDS:
        vals = [r.doc[f] for r in results if r.doc.get(f) is not None]
        out[f] = (sum(vals), len(vals))
    for f in ITEM_FIELDS:
        out[f"item {f}"] = (sum(r.items[f][0] for r in results), sum(r.items[f][1] for r in results))
    return out
