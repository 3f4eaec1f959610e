"""Omröstning: a Ja/Nej table with totals, or prose with counts and name lists, and
what a yes and a no vote mean ("JA = bifall till kommunstyrelsens förslag").

An item may hold several votes (first whether to send the matter back, then the
matter itself; or one per yrkande). The lines are cut into one tally per vote, and the
vote on the main question is the first whose question is not procedural
(:data:`vocab.PROCEDURAL_VOTES`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from protokoll.records import TABLE_ROW, MemberVote, Votes

from . import vocab
from .lines import Line, key, ws
from .people import names_in

_NUMBER = rf"\d{{1,3}}|{'|'.join(sorted(vocab.NUMBER_WORDS, key=len, reverse=True))}"
_WORD = r"ja|nej|avstår|avstod|avstående|avstå|blanka?"
# "8 ledamöter röstar JA", "5 ja-röster", "2 ledamöter avstår", "tre avstod"
_COUNT = re.compile(rf"(?<![\wåäö:/.,-])({_NUMBER})\s+(?:[a-zåäö]+\s+){{0,2}}?({_WORD})(?![a-zåäö])", re.I)
# "Ja 7, Nej 2, Avstår 2", "Ja: 32, Nej: 12", "Ja-röster: 8" (the word first)
_COUNT_AFTER = re.compile(rf"(?<![\wåäö])({_WORD})(?:-?röster)?\s*:?\s*({_NUMBER})(?![\wåäö])", re.I)
_WORD_FIRST = re.compile(rf"^\W*(?:{_WORD})(?:-?röster)?\s*:?\s*(?:{_NUMBER})(?![\wåäö])", re.I)
_LIST = re.compile(
    r"(?:röstar|röstade)\s+(?P<v>ja|nej)\s*:\s*(?P<names>\D*)$"
    r"|(?P<a>avstår|avstod|avstår från att rösta|avstod från att rösta)[^:]{0,30}:\s*(?P<anames>\D*)$"
    r"|^(?P<v2>ja|nej)(?:-?röster)?\s*:\s*(?P<names2>\D+)$",
    re.I,
)
# What a vote means: "JA = bifall till …", "Ja-röst för bifall till …, nej-röst för …",
# "Den som vill bifalla … röstar ja".
_MEANS = re.compile(
    r"(?<![\wåäö])(?P<v>ja|nej)(?:-?röst(?:en|er)?)?\s*(?:=|för\s|innebär\s|betyder\s)\s*(?P<what>.+?)"
    r"\s*(?=[,;]\s*(?:ja|nej)(?![\wåäö])|[.;,]?\s*$)"
    r"|den som (?:vill |önskar? |avser (?:att )?)?(?P<what2>.+?)\s+röstar\s+(?P<v2>ja|nej)(?![\wåäö])",
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


def counts(text: str) -> dict[str, int]:
    """{"yes": 8, "no": 5, "abstain": 2} as printed in one line; {} if none is."""
    low = text.lower()
    if not any(w in low for w in ("ja", "nej", "avst", "blank")):
        return {}
    out: dict[str, int] = {}
    if _WORD_FIRST.match(text):
        pairs = [(n, w) for w, n in _COUNT_AFTER.findall(text)]
    else:
        pairs = _COUNT.findall(text)
    for n, word in pairs:
        vote = _vote_word(word)
        if vote in ("yes", "no", "abstain"):
            out.setdefault(vote, _number(n))
    return out


_CHEAP = re.compile(r"(?<![\wåäö])(?:ja|nej|avst|blank)|röst|=", re.I)


def relevant(text: str) -> bool:
    """Whether a line outside an Omröstning section carries a vote: the question, a
    list of who voted how, or a result with both sides ("Ja 6" alone is an answer in
    a survey, not a vote)."""
    low = text.lower()  # substring tests first: most lines hold none of the words
    if not ("ja" in low or "nej" in low or "avst" in low or "blank" in low or "röst" in low or "=" in low):
        return False
    if not _CHEAP.search(text):
        return False
    if len(counts(text)) >= 2 or meanings(text):
        return True
    m = _LIST.search(text)  # "röstar ja:", "avstår:", or "Ja: <names>" with names
    return bool(m and (m.group("v") or m.group("a") or names_in(m.group("names2"))))


def _number(n: str) -> int:
    return int(n) if n.isdigit() else vocab.NUMBER_WORDS[n.lower()]


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


@dataclass
class _Tally:
    """One vote: printed counts, a table's total row, the members by side, the question."""

    counts: dict[str, int] = field(default_factory=dict)
    totals: dict[str, int] = field(default_factory=dict)
    members: list[MemberVote] = field(default_factory=list)
    means: dict[str, str] = field(default_factory=dict)
    columns: dict[int, str] | None = None
    listing: str | None = None  # "Följande ledamöter röstar ja:" with the names below

    @property
    def result(self) -> bool:
        return bool(self.counts or self.totals or self.members)

    @property
    def procedural(self) -> bool:
        question = " ".join(self.means.values()).lower()
        return any(w in question for w in vocab.PROCEDURAL_VOTES)

    def votes(self) -> Votes:
        # A count printed wins, then a table's total row, then the names counted.
        tally = {v: sum(1 for m in self.members if m.vote == v) for v in ("yes", "no", "abstain")}
        printed = {**self.totals, **self.counts}
        members = self.members
        if any(tally[v] and v in printed and printed[v] != tally[v] for v in tally):
            members = []  # names that disagree with the printed result: a table read wrongly
        got = {v: printed.get(v, tally[v] if members else None) for v in tally}
        return Votes(
            yes=got["yes"], no=got["no"], abstain=got["abstain"], members=tuple(members),
            yes_means=self.means.get("yes"), no_means=self.means.get("no"),
        )


def parse(lines: list[Line]) -> Votes | None:
    """The vote on the main question in an item's vote lines, or None if they hold no vote."""
    tallies = [_Tally()]
    for line in _sentences(lines):
        t = tallies[-1]
        if line.kind == TABLE_ROW:
            _table_row(t, line)
            continue
        text = ws(line.text)
        if m := _LIST.search(text):
            vote = "abstain" if m.group("a") else _vote_word(m.group("v") or m.group("v2"))
            found = names_in(m.group("names") or m.group("anames") or m.group("names2") or "")
            t.members.extend(MemberVote(n, vote) for n in found)
            t.listing = vote if not found and not m.group("v2") else None
            continue
        if found := meanings(text):  # what the words mean, not a count
            if t.result:
                tallies.append(t := _Tally())
            t.means = {**found, **t.means}
            continue
        if found := counts(text):
            if any(v in t.counts for v in found):  # a second result: a second vote
                tallies.append(t := _Tally())
            t.counts.update({v: n for v, n in found.items() if v not in t.counts})
            t.listing = None
            continue
        if t.listing and (names := names_in(text)):  # the names under "Följande röstar ja:"
            t.members.extend(MemberVote(n, t.listing) for n in names)
            continue
        t.listing = None
    done = [t for t in tallies if t.result]
    if not done:
        return None
    main = next((t for t in done if not t.procedural), done[0])
    return main.votes()


def _sentences(lines: list[Line]) -> list[Line]:
    """The lines, with a question broken over lines joined up: "Den som önskar bifalla
    Annas och Eva" + "Holms yrkande röstar nej." is one line."""
    out: list[Line] = []
    open_ = False
    for line in lines:
        if open_ and line.kind != TABLE_ROW and not _OPENS.search(line.text):
            out[-1] = out[-1]._replace(text=f"{out[-1].text} {line.text}")
        else:
            out.append(line)
        last = out[-1].text
        open_ = (
            out[-1].kind != TABLE_ROW and bool(_OPENS.search(last))
            and not last.rstrip().endswith((".", ":", "!", "?")) and len(last) < 600
        )
    return out


_OPENS = re.compile(r"(?<![\wåäö])den som\s", re.I)


def _table_row(t: _Tally, line: Line) -> None:
    """A row of a vote table: its header (Ja | Nej | Avstår), a member's tick, the total."""
    cols = {i: _vote_word(c) for i, c in enumerate(line.cells)}
    if sum(1 for v in cols.values() if v in ("yes", "no")) == 2:
        t.columns = {i: v for i, v in cols.items() if v}
        return
    first = line.cells[0] if line.cells else ""
    if len(line.cells) >= 2 and (v := _vote_word(first)) and line.cells[1].strip().isdigit():
        t.totals.setdefault(v, int(line.cells[1]))  # "Ja | 8" rows of an Omröstningsresultat
        return
    if t.columns is None:
        return
    if key(first).startswith(vocab.VOTE_TOTAL_ROWS):
        for i, v in t.columns.items():
            if i < len(line.cells) and line.cells[i].strip().isdigit():
                t.totals.setdefault(v, int(line.cells[i]))
        return
    marked = [v for i, v in t.columns.items() if i < len(line.cells) and key(line.cells[i]) in vocab.TICKS]
    names = names_in(first) or ([ws(first)] if first else [])
    if marked and names:
        t.members.append(MemberVote(names[0], marked[0]))
