"""Word automatic list numbering (``word/numbering.xml``) turned back into text.

Word stores "1." / "a)" / "•" outside the text runs: a paragraph only says
"numId 1002, level 0". :class:`Numbering` keeps the counters per list (abstractNum)
the way Word does: levels start at ``w:start`` (or a ``startOverride``),
a deeper level restarts whenever a shallower one advances, and ``lvlText`` such as
"%1.%2." is filled in with each level's number format.
"""

from __future__ import annotations

from dataclasses import dataclass

from docx.oxml.ns import qn

BULLET = "-"

_VAL = qn("w:val")
_ILVL = qn("w:ilvl")


@dataclass(frozen=True)
class Level:
    fmt: str = "decimal"
    text: str = "%1."
    start: int = 1


def _level(lvl) -> Level:
    def val(tag, default):
        el = lvl.find(qn(tag))
        return default if el is None else el.get(_VAL, default)

    try:
        start = int(val("w:start", 1))
    except ValueError:
        start = 1
    return Level(val("w:numFmt", "decimal"), val("w:lvlText", ""), start)


def _levels(parent) -> dict[int, Level]:
    out = {}
    for lvl in parent.iterfind(qn("w:lvl")):
        try:
            out[int(lvl.get(_ILVL, 0))] = _level(lvl)
        except ValueError:
            continue
    return out


def _roman(n: int) -> str:
    out = []
    for value, sym in ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
                       (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")):
        while n >= value:
            out.append(sym)
            n -= value
    return "".join(out)


def _letters(n: int) -> str:
    # Word repeats the letter: a … z, aa … zz, aaa …
    n = max(n, 1)
    return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)


def format_number(n: int, fmt: str) -> str:
    """One level's number in Word's ``numFmt`` (decimal, lowerLetter, upperRoman, …)."""
    if fmt == "lowerLetter":
        return _letters(n)
    if fmt == "upperLetter":
        return _letters(n).upper()
    if fmt == "lowerRoman":
        return _roman(n)
    if fmt == "upperRoman":
        return _roman(n).upper()
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt == "none":
        return ""
    return str(n)


class Numbering:
    """Counters for one document. ``label(num_id, ilvl)`` advances and returns "2." etc.

    Like Word, list instances (``w:num``) of one abstractNum share their counters.
    """

    def __init__(self, numbering_el=None, styles_el=None):
        self.abstract: dict[str, dict[int, Level]] = {}
        self.style_link: dict[str, str] = {}  # abstractNum → style with the real numbering
        self.nums: dict[str, tuple[str, dict[int, Level], dict[int, int]]] = {}
        self.counters: dict[str, dict[int, int]] = {}  # per abstractNum, as Word counts
        self.used: set[str] = set()
        self.style_num: dict[str, str] = {}
        if styles_el is not None:
            for st in styles_el.iterfind(qn("w:style")):
                num = st.find(f"{qn('w:pPr')}/{qn('w:numPr')}/{qn('w:numId')}")
                if num is not None:
                    self.style_num[st.get(qn("w:styleId"), "")] = num.get(_VAL, "")
        if numbering_el is None:
            return
        for an in numbering_el.iterfind(qn("w:abstractNum")):
            aid = an.get(qn("w:abstractNumId"), "")
            self.abstract[aid] = _levels(an)
            link = an.find(qn("w:numStyleLink"))
            if link is not None:
                self.style_link[aid] = link.get(_VAL, "")
        for num in numbering_el.iterfind(qn("w:num")):
            nid = num.get(qn("w:numId"), "")
            aid_el = num.find(qn("w:abstractNumId"))
            aid = "" if aid_el is None else aid_el.get(_VAL, "")
            overrides: dict[int, Level] = {}
            starts: dict[int, int] = {}
            for ov in num.iterfind(qn("w:lvlOverride")):
                try:
                    ilvl = int(ov.get(_ILVL, 0))
                    so = ov.find(qn("w:startOverride"))
                    if so is not None:
                        starts[ilvl] = int(so.get(_VAL, 1))
                except ValueError:
                    continue
                lvl = ov.find(qn("w:lvl"))
                if lvl is not None:
                    overrides[ilvl] = _level(lvl)
            self.nums[nid] = (aid, overrides, starts)

    def _level_def(self, num_id: str, ilvl: int, depth: int = 0) -> Level | None:
        entry = self.nums.get(num_id)
        if entry is None:
            return None
        aid, overrides, _ = entry
        if ilvl in overrides:
            return overrides[ilvl]
        levels = self.abstract.get(aid, {})
        if not levels and aid in self.style_link and depth < 3:
            linked = self.style_num.get(self.style_link[aid])
            if linked and linked != num_id:
                return self._level_def(linked, ilvl, depth + 1)
        return levels.get(ilvl)

    def _start(self, num_id: str, ilvl: int) -> int:
        _, _, starts = self.nums.get(num_id, ("", {}, {}))
        if ilvl in starts:
            return starts[ilvl]
        lvl = self._level_def(num_id, ilvl)
        return lvl.start if lvl else 1

    def label(self, num_id: str, ilvl: int) -> str | None:
        """Advance list ``num_id`` at level ``ilvl`` and return its label, or None.

        Bullets come back as "-"; a level whose text is empty gives None.
        """
        if not num_id or num_id == "0" or num_id not in self.nums:
            return None
        lvl = self._level_def(num_id, ilvl)
        if lvl is None:
            return None
        aid, _, starts = self.nums[num_id]
        counters = self.counters.setdefault(aid if aid in self.abstract else num_id, {})
        if num_id not in self.used:
            # A list instance with startOverride restarts the list the first time it is used;
            # without one it continues the list of its abstractNum.
            self.used.add(num_id)
            for level, start in starts.items():
                counters[level] = start - 1
                for deeper in [k for k in counters if k > level]:
                    del counters[deeper]
        counters[ilvl] = counters[ilvl] + 1 if ilvl in counters else self._start(num_id, ilvl)
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]
        if lvl.fmt == "bullet":
            return BULLET if lvl.text.strip() else None
        text = lvl.text
        for i in range(9):
            token = f"%{i + 1}"
            if token not in text:
                continue
            if i not in counters:
                counters[i] = self._start(num_id, i)
            sub = self._level_def(num_id, i) or Level()
            text = text.replace(token, format_number(counters[i], sub.fmt))
        return text.strip() or None
