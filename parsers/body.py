"""An item's body: decisions, yrkanden, omröstning, reservation, jäv, notes, recipients.

The body is read line by line. A section heading ("Yrkanden", "Beslutet skickas till",
"Jäv", …; see :data:`vocab.SECTIONS`) switches what the following lines are; a
decision opener ("LSVO beslutar") starts a decision block that runs as long as its
"att" clauses go on. Everything stays in the item's ``text`` as well.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from protokoll.records import LIST_ITEM, TABLE_ROW, Decision, Motion, Votes

from . import decisions, votes, vocab
from .lines import MARKER, Line, key, ws
from .people import leading_names, names_in

_PRESENTER = re.compile(  # "Föredragande: X", "Föredragande är X.", "Föredragande X ger en bakgrund"
    rf"^(?i:{'|'.join(sorted(vocab.PRESENTER_LABELS, key=len, reverse=True))})"
    r"(?:\s*:\s*|\s+(?i:är|var)\s+|\s+(?=[A-ZÅÄÖÉ]))(?P<names>.+)$"
)
_PRESENTED_BY = re.compile(  # "Mats Wennstig föredrar ärendet", "X och Y, strateger, presenterade …"
    rf"^(?P<who>[A-ZÅÄÖÉ][^.:;]{{2,150}}?)\s+(?:{'|'.join(vocab.PRESENTER_VERBS)})(?![\wåäö])"
)
_DNR = re.compile(rf"^(?:{'|'.join(vocab.DNR_LABELS)})\.?\s*:?\s*(?P<dnr>\S.*)$", re.I)
_FI_DNR = re.compile(r"^[A-ZÅÄÖ]{2,8}/\d{1,6}/[\d.]+/\d{4}$")
_MOTION_BY = re.compile(r"^(?P<by>.+?)\s+(?:yrkar|yrkade|föreslår|instämmer|tilläggsyrkar)(?![a-zåäö])")
_RESERVES = re.compile(rf"^(?P<who>.+?)\s+(?:{'|'.join(vocab.RESERVE_VERBS)})\s+sig", re.I)
_LEADS = "|".join(map(re.escape, vocab.CONFLICT_LEADS))
# "X anmäler jäv", "På grund av jäv deltar inte X i …", "Med anledning av jäv har X inte deltagit"
_CONFLICT = re.compile(
    rf"(?P<who>.+?)\s+(?:{'|'.join(vocab.CONFLICT_VERBS)})\s+jäv"
    rf"|(?:{_LEADS})\s+jäv\s+(?:deltar|deltog)\s+inte\s+(?P<who2>.+?)\s+i\b"
    rf"|(?:{_LEADS})\s+jäv\s+har\s+(?P<who3>.+?)\s+inte\s+(?:{'|'.join(vocab.CONFLICT_LEFT)})",
    re.I,
)
_NOTE_INLINE = re.compile(r"protokollsanteckning\s*:\s*(?P<note>.+)$", re.I)
_RULE = re.compile(r"^[_\-–—=\s]{3,}$")  # "_____": the end of a block
# The heading of one treatment of the item (Finland-Swedish protocols list them in order,
# this meeting's last): "Personalsektionen 20.2.2023, 4 §", "Stadsstyrelsen 26.9.2022, 191 §".
_STAGE = re.compile(r"^[A-ZÅÄÖ][^\d,§:]{2,60}?\s+\d{1,2}\.[\d.]{1,9},?\s*(?:§\s*\d{1,4}|\d{1,4}\s*§)\S?$")
# A block's label run onto the sentence before it ("… till enkäten. Ungdomsfullmäktiges
# beslut:", "… Kent Wikbjad. Förslag:") or with its text after it on the same line ("… enligt stadsstyrelsens beslut.
# Bildningsdirektörens förslag: Antecknas för kännedom.").
_LABEL_IN = re.compile(
    r"(?:^|(?<=[.!?])\s+)(?P<label>(?:(?P<by>[A-ZÅÄÖ][^.!?:]{1,80}?)s\s+(?:beslut|förslag)|(?P<bare>Beslut|Förslag)):)"
    r"(?:\s+(?P<rest>\S.*))?$"
)
_TEXT_SECTIONS = ("text", "motions", "procedure")
_SENTENCE_ENDS = (".", "!", "?", ":")
# A list of names that goes on over the line: "…, Gun Larsson" / "… och Per" / "…(S),".
_RUNS_ON = re.compile(r"(?:,|\s(?:och|samt)|&)\s*$|\)\s*(?:,|och|samt)(?:\s+[A-ZÅÄÖÉ][\w'’-]*){1,3}\s*$")
_VOTE_MAY_STAND = ("procedure", "default", "motions")  # without an Omröstning heading


@dataclass
class Body:
    dnr: str | None = None
    presenters: list[str] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)
    motions: list[Motion] = field(default_factory=list)
    votes: Votes | None = None
    reservations: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    sent_to: list[str] = field(default_factory=list)


_SENT_TO_PREFIX = re.compile(
    "|".join(re.escape(k) + " " for k, v in vocab.SECTIONS.items() if v == "sent_to"), re.I
)


_SECTION_STARTS = tuple({k.split()[0] for k in vocab.SECTIONS})


def _section(line: Line) -> tuple[str, str] | None:
    """(section, inline value) if the line is a section heading."""
    if line.kind == TABLE_ROW:
        return None
    text = line.bare if line.kind == LIST_ITEM else line.text
    if not text[:30].lower().startswith(_SECTION_STARTS):  # cheap: most lines are prose
        return None
    if len(text) <= 60 and (k := key(text)) in vocab.SECTIONS:
        return vocab.SECTIONS[k], ""
    head, sep, value = text[:40].partition(":")
    if sep and key(head) in vocab.SECTIONS:
        return vocab.SECTIONS[key(head)], text[len(head) + 1 :].strip()
    if m := _SENT_TO_PREFIX.match(text):  # "Protokollet skickas till Ledamöter" (lost break)
        return "sent_to", text[m.end() :].strip()
    return None


def _add_unique(target: list[str], values) -> None:
    for v in values:
        if v and v not in target:
            target.append(v)


def parse(lines: list[Line]) -> Body:
    lines = _labels_apart(lines)  # before the walk: lines[n + 1] looks ahead in this list
    walk = _Walk(lines)
    for n, line in enumerate(lines):
        walk.step(n, line)
    walk.close()
    walk.body.votes = votes.parse(walk.vote_lines) if walk.vote_lines else None
    return walk.body


class _Walk:
    """:func:`parse` walking an item's lines: the section it is in (``mode``), the open
    decision block and what lines above left open."""

    def __init__(self, lines: list[Line]):
        self.lines = lines
        self.body = Body()
        self.mode = "default"  # or a vocab.SECTIONS value
        self.current: decisions.DecisionBuilder | None = None
        self.vote_lines: list[Line] = []
        self.sent_list = False  # a recipient list given as bullets ends at the first non-bullet
        self.held, self.open_sentence = "", False  # a reservation or jäv sentence broken over lines
        self.voting = False  # a vote under Beslutsgång/Propositionsordning: its lines (tables too) go on
        self.ruled = False  # a rule ("______") ended the last block
        # the item's recipients are listed; then an attachment ("Bilaga A KF § 9/22") begins
        self.sent = self.appended = False

    def close(self) -> None:
        if self.current is not None:
            d = self.current.build()
            if d is not None:
                self.body.decisions.append(d)
            self.current = None

    def step(self, n: int, line: Line) -> None:
        text = line.text
        if _RULE.match(text) or _STAGE.match(text):
            self.close()  # a rule ends a block; a stage heading starts the item's next treatment
            self.mode = "default"
            self.ruled = True
            if _STAGE.match(text):
                self.body.decisions.clear()  # blocks of earlier treatments are history
            return
        sec = _section(line)
        opened = self._opened(line, sec)
        if opened and self.current is not None and (not self.current.lines or self.current.expects_points()):
            # "Stadsstyrelsens beslut:" then "Stadsstyrelsen beslöt …": one decision; so is
            # "… beslutar följande:" then "Barn- och utbildningsnämnden beslutar att …".
            _open(self.current, line, opened[2])
            self.current.proposed_to = self.current.proposed_to or decisions.proposed_to(line.text)
            return
        if opened and self.mode == "decision" and self.current is None:
            opened = _under_label(opened)
        if sec or opened:
            self.close()
        if self.current is not None:
            if self.current.add(line):
                return
            self.close()
            self.mode = "default"
        if sec:
            self.mode, value = sec
            self.sent_list = self.voting = self.open_sentence = False
            self.held = ""
            if not value:
                return
            line = line._replace(text=value, kind="paragraph")
        elif opened:
            by, kind, rest = opened
            self.current = decisions.DecisionBuilder(by, kind)
            self.current.proposed_to = decisions.proposed_to(line.text)
            self.mode = "decision"
            _open(self.current, line, rest)
            return
        _common(self.body, line, n, inline=self.mode not in ("reservations", "conflicts"))
        self._content(n, line)

    def _opened(self, line: Line, sec: tuple[str, str] | None) -> tuple[str, str, str] | None:
        """The decision block the line opens (by, kind, rest), if any; notes what the line
        says of treatments, recipients and attachments."""
        text = line.text
        if sec and self.ruled and text.lower().startswith(vocab.TREATMENT_OPENERS):
            self.body.decisions.clear()  # "Beredning:" after a ruled-off block: the next treatment
        self.ruled = self.ruled and not sec
        # An attachment after the recipients of an item that has its decision: a
        # reservation or budget quoting "Kommunfullmäktige beslutade att …" is no block.
        self.appended = self.appended or self.sent and text[:7].lower().startswith(vocab.ATTACHMENT_WORDS) and bool(
            self.body.decisions or self.current)
        opened = None if sec or self.appended else decisions.opener(text, nouns_only=self.mode in _TEXT_SECTIONS)
        self.sent = self.sent or bool(sec and sec[0] == "sent_to")
        if opened and _proposed(self.current, opened, text):
            opened = None
        return opened

    def _content(self, n: int, line: Line) -> None:
        """A line of the section the walk is in."""
        text, mode, body = line.text, self.mode, self.body
        if mode in ("decision", "proposal"):  # "Beslut:", "Förslag:"
            self.current = decisions.DecisionBuilder(None, mode)
            self.current.add(line)
        elif mode in _VOTE_MAY_STAND and (self.voting or votes.relevant(text)):
            self.vote_lines.append(line)  # the propositionsordning and the result may stand under Beslutsgång
            self.voting = True
        elif mode == "motions":
            m = _MOTION_BY.match(ws(text))
            body.motions.append(Motion(by=m.group("by") if m else None, text=ws(text)))
        elif mode == "votes":
            self.vote_lines.append(line)
        elif mode in ("reservations", "conflicts"):
            self._listed(n, text)
        elif mode == "notes":
            body.notes.append(ws(text))
        elif mode == "sent_to":
            self._recipients(line)

    def _listed(self, n: int, text: str) -> None:
        """Names, one sentence or one per line; "Bilaga C" beside each. A line
        without a name (a rule, the appended reservation's own text) ends the list,
        unless it ends a sentence begun above ("… till förmån för" / "S:s yrkanden.")."""
        if text[:6].lower() == "bilaga":
            return
        text, self.held = (f"{self.held} {text}" if self.held else text), ""
        if _runs_on(text) and n + 1 < len(self.lines) and _continues(self.lines[n + 1]):
            self.held = text  # "…, Gun Larsson" + "(L) och Thomas Eneström (S) inte deltagit …"
            return
        if self.mode == "reservations":
            rx, target = _RESERVES, self.body.reservations
        else:
            rx, target = _CONFLICT, self.body.conflicts
        m = rx.search(ws(text))
        who = next((g for g in (m.groups() if m else ()) if g), None) or ws(text)
        names = names_in(who)
        if names:
            _add_unique(target, names)
        elif not target and len(who) <= 60 and any(c.isalpha() for c in who):
            _add_unique(target, [who])  # "Moderaternas ledamöter"
        elif not self.open_sentence:
            self.mode = "default"
        self.open_sentence = not text.rstrip().endswith(_SENTENCE_ENDS)

    def _recipients(self, line: Line) -> None:
        text = line.text
        is_item = line.kind == LIST_ITEM or bool(MARKER.match(text))
        if (self.sent_list and not is_item) or text[:1].isdigit() or len(text) > 120:
            self.mode = "default"
            return
        self.sent_list = self.sent_list or is_item
        _add_unique(self.body.sent_to, [p.strip(" .") for p in re.split(r"[,;]", line.bare if is_item else text)])


def _runs_on(text: str) -> bool:
    return bool(_RUNS_ON.search(text)) and len(text) < 600


def _continues(line: Line) -> bool:
    """Whether a line can be the rest of a sentence above it (not a heading, table or Bilaga)."""
    return line.kind != TABLE_ROW and _section(line) is None and line.text[:6].lower() != "bilaga"


def _under_label(opened: tuple[str, str, str]) -> tuple[str, str, str]:
    """An opener right under the "Beslut:" label is the meeting's decision, even where
    its words propose to another body ("Kommunstyrelsen föreslår kommunfullmäktige
    besluta …": the board decided to propose)."""
    by, _kind, rest = opened
    return by, "decision", rest


def _proposed(current, opened, text: str) -> bool:
    """"Stadsstyrelsen beslutar att …" under "Stadsdirektörens förslag:" is what is
    proposed, not a decision (a decision has its own label: "Stadsstyrelsens beslut:")."""
    return (current is not None and current.kind == "proposal" and bool(current.lines)
            and opened[1] == "decision" and not text.rstrip().endswith(":"))


def _labels_apart(lines: list[Line]) -> list[Line]:
    """The lines, with a block's label that the layout ran onto a sentence on a line of its own."""
    out = []
    for line in lines:
        m = _LABEL_IN.search(line.text) if ("slut:" in line.text or "slag:" in line.text) else None
        if (not m or line.kind == TABLE_ROW or m.group("by") and len(m.group("by").split()) > 5
                or m.start() == 0 and (m.group("bare") or not m.group("rest"))):
            out.append(line)
            continue
        parts = (line.text[:m.start()].rstrip(), m.group("label"), m.group("rest") or "")
        out += [line._replace(text=part) for part in parts if part]
    return out


def _open(current: decisions.DecisionBuilder, line: Line, rest: str) -> None:
    """The opener's own line: "… beslutar att X" gives clause "att X"; "… beslöt
    återremittera ärendet" is the decision's text as written."""
    if rest[:4].lower() == "att ":
        current.add(line._replace(text=rest))
    elif rest:
        current.add(line)
    else:
        current.labelled = True


def _common(body: Body, line: Line, n: int, inline: bool = True) -> None:
    """What can stand anywhere in an item: Dnr, Föredragande, inline reservation/jäv
    (``inline``: not under a Reservation or Jäv heading, where the list is read whole)."""
    low = line.text.lower()  # cheap checks first: the patterns are slow on long prose
    if body.dnr is None and low.startswith(("dnr", "diarie")) and (m := _DNR.match(ws(line.text))):
        body.dnr = m.group("dnr")
    elif body.dnr is None and n < 3 and _FI_DNR.match(line.text):
        body.dnr = line.text
    if low.startswith(vocab.PRESENTER_LABELS) and (m := _PRESENTER.match(ws(line.text))):
        _add_unique(body.presenters, leading_names(m.group("names")))
    elif ("föredr" in low or "presenter" in low) and (m := _PRESENTED_BY.match(ws(line.text))):
        _add_unique(body.presenters, names_in(m.group("who")))
    if inline and "reserver" in low and (m := _RESERVES.match(ws(line.text))):
        _add_unique(body.reservations, names_in(m.group("who")))
    if inline and "jäv" in low and (m := _CONFLICT.search(ws(line.text))):
        _add_unique(body.conflicts, names_in(m.group("who") or m.group("who2") or m.group("who3")))
    if "protokollsanteckning" in low and (m := _NOTE_INLINE.search(ws(line.text))):
        body.notes.append(m.group("note"))
