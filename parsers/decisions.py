"""Decision blocks: "LSVO beslutar" / "Stadsstyrelsens beslut:" and their "att" clauses.

    >>> opener("Kommunstyrelsen föreslår kommunfullmäktige besluta")
    ('Kommunstyrelsen', 'proposal', '')
    >>> split_clauses("att anta planen, samt att ge nämnden i uppdrag att följa upp")
    ['att anta planen', 'att ge nämnden i uppdrag att följa upp']
"""

from __future__ import annotations

import re

from protokoll.records import LIST_ITEM, Decision
from protokoll.swedish import bodies

from . import vocab
from .lines import MARKER, Line, ws

_VERBS = "|".join(bodies.DECISION_VERBS)
_BY = r"(?P<by>[A-ZÅÄÖ][\w:.\-–&'/ ]{0,80}?)"
_VERB_OPENER = re.compile(
    rf"^{_BY}\s+(?:(?P<verb>{_VERBS})|(?P<prop>föreslår\s+.{{1,60}}?\s+(?:att\s+)?besluta))\b\s*:?\s*(?P<rest>.*)$"
)
# The body a "föreslår … besluta" opener proposes to: "föreslår kommunfullmäktige besluta".
_PROPOSED_TO = re.compile(r"\bföreslår\s+(?P<to>.{1,60}?)\s+(?:att\s+)?besluta\b", re.I)
_NOUN_OPENER = re.compile(
    rf"^{_BY}:?s\s+(?P<noun>beslut|förslag(?:\s+till\s+[\w ]{{1,40}}?)?)\s*(?::\s*(?P<rest>.*)|$)"
)
# A label alone on its line: "Stadsdirektör Martin Norrgårds förslag:", "Ordförandes
# förslag:", "Personalsektionens beslut:" (a person's proposal, or an organ's decision
# even where a broken text layer spells the organ wrong).
_LABEL_OPENER = re.compile(r"^(?P<by>[A-ZÅÄÖ][\w.\-–'/ ]{1,80}?):?s\s+(?P<noun>beslut|förslag)\s*:$")
_ATT = re.compile(r"^att\b", re.I)
_ACTS = re.compile(r"\boch\s+(?:" + "|".join(vocab.ACTS_AFTER_NOTING) + r")\b")
# A clause that introduces what follows ("att Lomma kommun lämnar följande yttrande: …"):
# the numbered questions of the statement under it are part of it.
_INTRODUCES = re.compile(r":(?:\s|$)")
_ATTACHMENT_REF = re.compile(rf"^(?:{'|'.join(vocab.ATTACHMENT_WORDS)})(?:\s+\w{{1,3}})?\.?$", re.I)
_ATT_WORD = re.compile(r"(?<![\w-])att\s", re.I)
# What before an "att" starts a new clause: "…, samt att …", "…; att …", and
# "…2024. att …" where a PDF ran two clauses together.
_CLAUSE_BREAK = re.compile(r"(?:[,;]\s*(?:samt\s+|och\s+)?|\s+samt\s+|[.!?”\"]\s+)$", re.I)
_SUBHEADING = re.compile(r"^\d+\s*[a-zA-Z]{0,2}[.):]?\s+[A-ZÅÄÖ]")
_ENDS = (".", "!", "?")
# "KU § 317 06-12-05": a § of another meeting, with its date, in the margin.
_REFERENCE = re.compile(r"^[A-ZÅÄÖ]{0,6}\s*§\s*\d{1,4}\s+(?:\d{2}){1,2}-\d{2}-\d{2}$")
_STATEMENT = 60  # a line this long is a statement, not a name in a list
_SENTENCE = 100  # a sentence this short after a labelled decision is a further decision
# A date or a § within the first words after a past-tense verb: an earlier decision quoted.
_HISTORY = re.compile(r"^(?:\S+\s+){0,2}?(?:den\s+)?[\d§(]")


def _organ(by: str) -> bool:
    words = by.split()
    if not words or len(words) > 6 or any(ch.isdigit() for ch in by):
        return False
    last = words[-1]
    return (last.isupper() and len(last) >= 2) or last.lower().endswith(bodies.ORGAN_SUFFIXES)


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
    if m.group("verb") in bodies.DECISION_VERBS_PAST and _HISTORY.match(rest):
        return None  # "Kommunfullmäktige beslutade (emellertid) 2022-06-20, § 88, att …": history
    return m.group("by"), ("proposal" if m.group("prop") else "decision"), rest


def proposed_to(text: str) -> str | None:
    """The body an opener proposes to ("Kommunstyrelsen föreslår kommunfullmäktige
    besluta:" → "kommunfullmäktige"), as written; None for any other opener.

    >>> proposed_to("Kommunstyrelsen föreslår kommunfullmäktige besluta:")
    'kommunfullmäktige'
    >>> proposed_to("Kommunstyrelsen beslutar att anta planen") is None
    True
    """
    m = _VERB_OPENER.match(ws(text))
    if not m or not m.group("prop"):
        return None
    to = _PROPOSED_TO.search(m.group("prop"))
    return to.group("to") if to else None


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


def _runs_on(text: str) -> bool:
    """A line that ends as a clause before the next one does ("," ";" "samt"): under a
    bullet, the rest of its point wrapped onto a line of its own ("• att fastställa …
    protokollsbilaga B" "Penningpolitisk rapport,")."""
    end = text.rstrip()
    return end.endswith((",", ";")) or end.lower().endswith((" samt", " och"))


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
        if name == "noted" and _ACTS.search(low):
            continue  # "… har tagit del av rapporten och överlämnar den till kommunfullmäktige"
        if name == "noted" and len(clauses) > 1:
            if all(any(p in c.lower() for p in phrases) for c in clauses):
                return name
        elif any(p in low for p in phrases):
            return name
    return "decided"


def statements(lines: list[str]) -> list[str]:
    """The decision points of a block without "att" clauses or list points: its
    statements, one a line or more ("Till arbetsgrupp utses:" with the names under it,
    then "Till sammankallande utses Patrik Köhler."). A § reference in the margin ("KU §
    317 06-12-05") is none."""
    out: list[str] = []
    for text in (ws(t) for t in lines):
        if not text or _REFERENCE.match(text):
            continue
        if out and not _new_statement(out[-1], text):
            out[-1] += " " + text
        else:
            out.append(text)
    return out


def _one_sentence(text: str) -> bool:
    """A short line of one sentence ("Regionförbundets veckobrev delges kommunstyrelsens
    ledamöter digitalt."): under a decision's own label, a further decision of it, unless
    it is a note on the procedure ("Paragrafen förklaras omedelbart justerad.")."""
    text = ws(text)
    if len(text) > _SENTENCE or not text.endswith(_ENDS) or not text[:1].isupper() or ". " in text:
        return False
    low = text.lower()
    return not any(note in low for note in vocab.PROCEDURE_NOTES)


def _new_statement(before: str, text: str) -> bool:
    """A line starts a statement of its own: in upper case, not under a line that
    introduces it (":" ","), and a sentence itself, or after one, or long (not one of
    the names listed under "utses:")."""
    if not text[:1].isupper() or before.endswith((":", ",")):
        return False
    return before.endswith(_ENDS) or text.endswith(_ENDS) or len(text) >= _STATEMENT


def _is_bullet(line: Line) -> bool:
    return line.kind == LIST_ITEM or bool(MARKER.match(line.text))


def _opens_sub_list(point: str, bullet: str) -> bool:
    """Is ``bullet`` part of the point above it: the point ends in ":" ("… enligt
    följande:" then "- 441 863 kr"), or in "," and the bullet goes on in lower case or
    with a number, unless it starts as the point did (points in parallel: "- om X enligt
    protokollsbilaga A," "- om Y …"). A bullet that starts a sentence of its own is a
    point, even after "…, samt" ("- Kommunfullmäktige godkänner att … avyttras," "- Kommunfullmäktige …")."""
    end = point.rstrip()
    if end.endswith(":"):
        return True
    if end.endswith(",") or end.lower().endswith((", samt", ", och", " samt", " och")):
        # points in parallel start alike ("- om X enligt bilaga A," "- om Y enligt bilaga B,")
        first = point.split(maxsplit=1)[:1]
        return not bullet[:1].isupper() and bullet.split(maxsplit=1)[:1] != first
    return False


class DecisionBuilder:
    """Collects the lines of one decision block.

    Its points are "att" clauses, or, in a block written as a list ("- Kommunfullmäktige
    beslutar att …", "1. Godkänna …"), the list's points. Under an "att" clause, or
    after a point that ends in ":", a bullet is part of that clause ("att medel
    fördelas enligt följande:" "- 441 863 kr …"); where the "att" clauses are themselves
    bullets ("- att godkänna …"), a bullet without "att" among them is a point too.
    """

    def __init__(self, by: str | None, kind: str):
        self.by = by
        self.kind = kind
        self.lines: list[str] = []
        self.clauses: list[str] = []
        self.points = False  # the clauses are a list's points, not "att" clauses
        self.bullet = False  # the last clause is a bullet's
        self.labelled = False  # opened by a label on a line of its own ("Kommunstyrelsens beslut")
        self.att_points = False  # the "att" clauses are written as a list's points ("- att …")
        self.after_reference = False  # the last line was a reference to an attachment ("Bilaga")
        self.page: int | None = None  # the page of the block's first line
        self.proposed_to: str | None = None  # "… föreslår kommunfullmäktige besluta": the body proposed to

    def add(self, line: Line) -> bool:
        """Take ``line`` if it belongs to this decision; False means the block ended."""
        if not self.lines:
            self.page = line.page
        if self.clauses and _ATTACHMENT_REF.match(line.text):
            self.after_reference = True  # "Bilaga" between two points: a link to the attachment
            self.lines.append(line.text)
            return True
        if self.after_reference and not (is_clause_start(line) or _is_bullet(line)):
            return False  # after "Bilaga" only a new point goes on with the block
        self.after_reference = False
        if is_clause_start(line):
            self.clauses.append(line.bare)
            self.bullet = _is_bullet(line)
            self.att_points = self.att_points or self.bullet
        elif self._is_point(line):
            self.points = self.bullet = True
            self.clauses.append(line.bare)
        elif self.att_points and _is_bullet(line) and line.bare[:1].isalpha() and not _INTRODUCES.search(self.clauses[-1]) \
                and not _opens_sub_list(self.clauses[-1], line.bare):
            self.clauses.append(line.bare)  # "- att …" points, and one without "att" among them
        elif self.clauses:
            if not (continues(self.clauses[-1], line) or self.bullet and _runs_on(line.text)):
                return False
            self.clauses[-1] += " " + line.text
        elif self.lines and not continues(self.lines[-1], line) and self.lines[-1].rstrip().endswith((".", "!", "?")):
            if not (self.labelled and _one_sentence(line.text)):
                return False
        self.lines.append(line.text)
        return True

    def expects_points(self) -> bool:
        """The block's opener ends in ":" ("… beslutar följande:") and no point has come yet."""
        return not self.clauses and bool(self.lines) and self.lines[-1].rstrip().endswith(":")

    def _is_point(self, line: Line) -> bool:
        """A list point that starts a clause: not under an "att" clause or a point ending
        in ":" (a point ending in "," is one of a list: "- om X enligt protokollsbilaga A,"
        "- om Y enligt protokollsbilaga B,")."""
        if not _is_bullet(line):
            return False
        if self.clauses and (not self.points or _opens_sub_list(self.clauses[-1], line.bare)):
            return False
        return line.bare[:1].isalpha()

    def build(self) -> Decision | None:
        if not self.lines:
            return None
        text = "\n".join(self.lines)
        clauses = [c for raw in self.clauses for c in (split_clauses(raw) if not self.points else [ws(raw)])]
        clauses = clauses or statements(self.lines) or [ws(text)]
        by = self.by
        if by is None and (m := _VERB_OPENER.match(ws(clauses[0]))) and _organ(m.group("by")):
            by = m.group("by")  # "Beslut:" then "- Kommunfullmäktige beslutar att …"
        return Decision(by=by, kind=self.kind, outcome=outcome(text, clauses), text=text, clauses=tuple(clauses),
                        page=self.page, proposed_to=self.proposed_to)
