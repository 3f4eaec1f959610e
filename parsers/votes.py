"""Omröstning: a Ja/Nej table with totals, or prose with counts and name lists, and
what a yes and a no vote mean ("JA = bifall till kommunstyrelsens förslag")."""

from __future__ import annotations

import re

from protokoll.records import TABLE_ROW, MemberVote, Votes

from . import vocab
from .lines import Line, key, ws
from .people import names_in

_COUNT = re.compile(
    r"(\d{1,3})\s+(?:[a-zåäö]+\s+){0,2}?(ja|nej|avstår|avstod|avstående|blanka?)(?![a-zåäö])", re.I
)
_LIST = re.compile(
    r"(?:röstar|röstade)\s+(?P<v>ja|nej)\s*:\s*(?P<names>.+)$|(?P<a>avstår|avstod|avstår från att rösta)[^:]{0,30}:\s*(?P<anames>.+)$",
    re.I,
)
_TOTAL_ROWS = ("summa", "totalt", "total", "antal", "resultat")
# What a vote means: "JA = bifall till …", "Ja-röst för bifall till …, nej-röst för …",
# "Den som vill bifalla … röstar ja".
_MEANS = re.compile(
    r"(?<![\wåäö])(?P<v>ja|nej)(?:-?röst(?:en|er)?)?\s*(?:=|för\s|innebär\s|betyder\s)\s*(?P<what>.+?)"
    r"\s*(?=[,;]\s*(?:ja|nej)(?![\wåäö])|[.;,]?\s*$)"
    r"|den som (?:vill )?(?P<what2>.+?)\s+röstar\s+(?P<v2>ja|nej)(?![\wåäö])",
    re.I,
)


def meanings(text: str) -> dict[str, str]:
    """{"yes": what a yes vote means, "no": …} as written in ``text``."""
    out: dict[str, str] = {}
    if "=" not in text and "röst" not in text.lower():
        return out
    for m in _MEANS.finditer(text):
        vote = _vote_word(m.group("v") or m.group("v2"))
        out.setdefault(vote, ws(m.group("what") or m.group("what2")))
    return out


def _vote_word(word: str) -> str | None:
    w = word.lower().strip(" .:")
    if w in vocab.VOTE_YES:
        return "yes"
    if w in vocab.VOTE_NO:
        return "no"
    if w in vocab.VOTE_ABSTAIN:
        return "abstain"
    if w in vocab.VOTE_ABSENT:
        return "absent"
    return None


def parse(lines: list[Line]) -> Votes | None:
    """The vote in an Omröstning section, or None if it holds no vote."""
    counts: dict[str, int] = {}
    members: list[MemberVote] = []
    columns: dict[int, str] | None = None
    means: dict[str, str] = {}
    for line in lines:
        if line.kind == TABLE_ROW:
            cols = {i: _vote_word(c) for i, c in enumerate(line.cells)}
            if sum(1 for v in cols.values() if v in ("yes", "no")) == 2:
                columns = {i: v for i, v in cols.items() if v}
                continue
            if columns is None:
                continue
            first = line.cells[0] if line.cells else ""
            if key(first).startswith(_TOTAL_ROWS):
                for i, v in columns.items():
                    if i < len(line.cells) and line.cells[i].strip().isdigit():
                        counts.setdefault(v, int(line.cells[i]))
                continue
            marked = [v for i, v in columns.items() if i < len(line.cells) and key(line.cells[i]) in vocab.TICKS]
            names = names_in(first) or ([ws(first)] if first else [])
            if marked and names:
                members.append(MemberVote(names[0], marked[0]))
            continue
        m = _LIST.search(line.text)
        if m:
            vote = "abstain" if m.group("a") else _vote_word(m.group("v"))
            members.extend(MemberVote(n, vote) for n in names_in(m.group("names") or m.group("anames")))
            continue
        if found := meanings(line.text):  # what the words mean, not a count
            means = {**found, **means}
            continue
        for n, word in _COUNT.findall(line.text):
            vote = _vote_word(word) or ("abstain" if word.lower().startswith("blank") else None)
            if vote:
                counts.setdefault(vote, int(n))
    if not counts and not members:
        return None
    return Votes(
        yes=counts.get("yes"), no=counts.get("no"), abstain=counts.get("abstain"), members=tuple(members),
        yes_means=means.get("yes"), no_means=means.get("no"),
    )
