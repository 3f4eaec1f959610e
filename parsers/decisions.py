"""Decision blocks: "LSVO beslutar" / "Stadsstyrelsens beslut:" and their "att" clauses.

    >>> opener("Kommunstyrelsen föreslår kommunfullmäktige besluta")
    ('Kommunstyrelsen', 'proposal', '')
    >>> split_clauses("att anta planen, samt att ge nämnden i uppdrag att följa upp")
    ['att anta planen', 'att ge nämnden i uppdrag att följa upp']
"""

from __future__ import annotations

import re

from protokoll.records import LIST_ITEM, Decision

from . import vocab
from .lines import MARKER, Line, ws

_VERBS = "|".join(vocab.DECISION_VERBS)
_BY = r"(?P<by>[A-ZÅÄÖ][\w:.\-–&'/ ]{0,80}?)"
_VERB_OPENER = re.compile(
    rf"^{_BY}\s+(?:(?P<verb>{_VERBS})|(?P<prop>föreslår\s+.{{1,60}}?\s+(?:att\s+)?besluta))\b\s*:?\s*(?P<rest>.*)$"
)
_NOUN_OPENER = re.compile(
    rf"^{_BY}:?s\s+(?P<noun>beslut|förslag(?:\s+till\s+[\w ]{{1,40}}?)?)\s*(?::\s*(?P<rest>.*)|$)"
)
# A label alone on its line: "Stadsdirektör Martin Norrgårds förslag:", "Ordförandes
# förslag:", "Personalsektionens beslut:" (a person's proposal, or an organ's decision
# even where a broken text layer spells the organ wrong).
_LABEL_OPENER = re.compile(r"^(?P<by>[A-ZÅÄÖ][\w.\-–'/ ]{1,80}?):?s\s+(?P<noun>beslut|förslag)\s*:$")
_ATT = re.compile(r"^att\b", re.I)
_ATT_WORD = re.compile(r"(?<![\w-])att\s", re.I)
# What before an "att" starts a new clause: "…, samt att …", "…; att …", and
# "…2024. att …" where a PDF ran two clauses together.
_CLAUSE_BREAK = re.compile(r"(?:[,;]\s*(?:samt\s+|och\s+)?|\s+samt\s+|[.!?”\"]\s+)$", re.I)
_SUBHEADING = re.compile(r"^\d+\s*[a-zA-Z]{0,2}[.):]?\s+[A-ZÅÄÖ]")
_PAST = ("beslöt", "beslutade")
# A date or a § within the first words after a past-tense verb: an earlier decision quoted.
_HISTORY = re.compile(r"^(?:\S+\s+){0,2}?(?:den\s+)?[\d§(]")


def _organ(by: str) -> bool:
    words = by.split()
    if not words or len(words) > 6 or any(ch.isdigit() for ch in by):
        return False
    last = words[-1]
    return (last.isupper() and len(last) >= 2) or last.lower().endswith(vocab.ORGAN_SUFFIXES)


def opener(text: str, *, nouns_only: bool = False) -> tuple[str, str, str] | None:
    """(by, kind, rest) if ``text`` opens a decision block, else None."""
    low = text[:200].lower()
    if "besl" not in low and "förslag" not in low and "föreslår" not in low:
        return None
    text = ws(text)
    m = _NOUN_OPENER.match(text)
    if m and _organ(m.group("by")) and len(m.group("by").split()) <= 4:
        by = m.group("by")
        kind = "proposal" if m.group("noun").startswith("förslag") else "decision"
        return by, kind, (m.group("rest") or "").strip()
    if (m := _LABEL_OPENER.match(text)) and len(m.group("by").split()) <= 5:
        return m.group("by"), "proposal" if m.group("noun") == "förslag" else "decision", ""
    if nouns_only:
        return None
    m = _VERB_OPENER.match(text)
    if not m or not _organ(m.group("by")):
        return None
    rest = m.group("rest")
    if m.group("verb") in _PAST and _HISTORY.match(rest):
        return None  # "Kommunfullmäktige beslutade (emellertid) 2022-06-20, § 88, att …": history
    return m.group("by"), ("proposal" if m.group("prop") else "decision"), rest


def is_clause_start(line: Line) -> bool:
    return bool(_ATT.match(line.bare))


def continues(clause: str, line: Line) -> bool:
    """Does ``line`` carry on the clause (wrapped line, bullet under "följande:")?"""
    text = line.text
    if not text:
        return False
    first = text[0]
    if first.islower() or first in "-–—•*·▪◦":
        return True
    if clause.rstrip().endswith((":", ",")):
        return True
    if clause.rstrip().endswith((".", "!", "?")):
        return False
    return first.isdigit() and not _SUBHEADING.match(text)


def split_clauses(text: str) -> list[str]:
    """One clause per "att": "…, samt att …" in one paragraph gives several."""
    text = ws(text)
    cuts = [0]
    for m in _ATT_WORD.finditer(text, 1):
        if _CLAUSE_BREAK.search(text, max(0, m.start() - 10), m.start()):
            cuts.append(m.start())
    out = []
    for start, end in zip(cuts, [*cuts[1:], len(text)]):
        p = _strip_joiners(text[start:end])
        if p:
            out.append("att" + p[3:] if p[:3] == "Att" else p)
    return out


def _strip_joiners(clause: str) -> str:
    """Without what joins it to the next clause: a trailing ",", ";", "samt", "och"."""
    while True:
        shorter = clause.rstrip().rstrip(",;").rstrip()
        for word in (" samt", " och"):
            if shorter.lower().endswith(word):
                shorter = shorter[: -len(word)]
        if shorter == clause:
            return clause
        clause = shorter


def outcome(text: str, clauses: list[str] | tuple[str, ...] = ()) -> str:
    """Referred back or tabled if the text says so; noted only if every clause only
    notes ("… godkänns och läggs till handlingarna" beside another clause is decided)."""
    low = text.lower()
    for name, phrases in vocab.OUTCOME_PHRASES:
        if name == "noted" and len(clauses) > 1:
            if all(any(p in c.lower() for p in phrases) for c in clauses):
                return name
        elif any(p in low for p in phrases):
            return name
    return "decided"


class DecisionBuilder:
    """Collects the lines of one decision block.

    Its points are "att" clauses, or, in a block written as a list ("- Kommunfullmäktige
    beslutar att …", "1. Godkänna …"), the list's points. Under an "att" clause, or
    after a point that ends in ":", a bullet is part of that clause ("att medel
    fördelas enligt följande:" "- 441 863 kr …").
    """

    def __init__(self, by: str | None, kind: str):
        self.by = by
        self.kind = kind
        self.lines: list[str] = []
        self.clauses: list[str] = []
        self.points = False  # the clauses are a list's points, not "att" clauses

    def add(self, line: Line) -> bool:
        """Take ``line`` if it belongs to this decision; False means the block ended."""
        if is_clause_start(line):
            self.clauses.append(line.bare)
        elif self._is_point(line):
            self.points = True
            self.clauses.append(line.bare)
        elif self.clauses:
            if not continues(self.clauses[-1], line):
                return False
            self.clauses[-1] += " " + line.text
        elif self.lines and not continues(self.lines[-1], line) and self.lines[-1].rstrip().endswith((".", "!", "?")):
            return False
        self.lines.append(line.text)
        return True

    def _is_point(self, line: Line) -> bool:
        """A list point that starts a clause: not under an "att" clause or a point ending in ":"."""
        if line.kind != LIST_ITEM and not MARKER.match(line.text):
            return False
        if self.clauses and (not self.points or self.clauses[-1].rstrip().endswith((":", ","))):
            return False
        return line.bare[:1].isalpha()

    def build(self) -> Decision | None:
        if not self.lines:
            return None
        text = "\n".join(self.lines)
        clauses = [c for raw in self.clauses for c in (split_clauses(raw) if not self.points else [ws(raw)])] or [ws(text)]
        by = self.by
        if by is None and (m := _VERB_OPENER.match(ws(clauses[0]))) and _organ(m.group("by")):
            by = m.group("by")  # "Beslut:" then "- Kommunfullmäktige beslutar att …"
        return Decision(by=by, kind=self.kind, outcome=outcome(text, clauses), text=text, clauses=tuple(clauses))
