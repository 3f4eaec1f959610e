"""People in protocols: "Anna Andersson (S), ordförande §§94-100", name lists, check boxes."""

from __future__ import annotations

import re

from protokoll.records import ABSENT, SUBSTITUTE, Attendee
from protokoll.swedish import names

from . import vocab
from .lines import ws

# A capitalised word or an initial ("E.O.", "W."); particles go between them ("af", "von").
_NAME_WORD = r"(?:[A-ZÅÄÖ]\.(?:[A-ZÅÄÖ]\.)*|[A-ZÅÄÖÉÜØÆ][\w'’\-]*)"
_PARTICLE = "(?:" + "|".join(names.NAME_PARTICLES) + ")"
NAME = rf"{_NAME_WORD}(?:(?:[ \-]{_PARTICLE})?[ \-]{_NAME_WORD}){{1,4}}"
# "(M)", "(KD)", old lower-case "(c)", "(fp)", and "(-)" for a member without a party.
PARTY = r"\(\s*(?P<party>[A-ZÅÄÖ][A-Za-zÅÄÖåäö]{0,5}|[a-zåäö]{1,3}|[-–])\s*(?:\)|$)"  # ")" lost at a line end
_NAME_PARTY = re.compile(rf"(?P<name>{NAME})\s*{PARTY}")
_NAME_ONLY = re.compile(rf"^{NAME}$")
# "§§ 94-100", "§ 42, 45", "§ 1-3A" (the letter of a sub-item is not kept).
_PARAS = re.compile(
    r"§§?\s*(\d{1,4})[A-Za-z]?\b(?:\s*[-–—]\s*(\d{1,4})[A-Za-z]?\b)?((?:\s*,\s*\d{1,4}\b(?:\s*[-–—]\s*\d{1,4}\b)?)*)")
_PARA_RANGE = re.compile(r"(\d{1,4})(?:\s*[-–—]\s*(\d{1,4}))?")
_EMPTY_BRACKETS = re.compile(r"\(\s*\)")
_BOX = re.compile(r"^\s*(?P<box>\[\s*[xX✓✔]?\s*\]|[☐☒☑✓✔])\s*")
_SPLIT = re.compile(r"\s*(?:,|;|\s+och\s+|\s+samt\s+|\s+&\s+)\s*")


def names_in(text: str) -> list[str]:
    """Person names in a phrase: "Lars Berg (M) och Eva Lind (M)" → ["Lars Berg", "Eva Lind"].

    Names with a party are taken wherever they are; without parties the phrase is split
    at commas and "och" and only parts that look like a name are kept.
    """
    found = [m.group("name") for m in _NAME_PARTY.finditer(text)]
    if found:
        return _strip_titles(found)
    parts = [_after_title(p.strip(" .:")) for p in _SPLIT.split(ws(text))]
    return _strip_titles([p for p in _strip_titles(parts) if _NAME_ONLY.match(p) or _INITIALLED.match(p)])


# "Lars E. O. Svensson", "Lars E.O. Svensson": a name with initials between its names.
_INITIALLED = re.compile(rf"^{_NAME_WORD}(?:\s+(?:[A-ZÅÄÖ]\.\s?){{1,3}})\s*{_NAME_WORD}$")


def _after_title(part: str) -> str:
    """"Vice riksbankscheferna Karolina Ekholm" → "Karolina Ekholm": a title in lower
    case (after the sentence's first word) before a name."""
    words = part.split()
    if _NAME_ONLY.match(part) or len(words) < 3 or not words[0][:1].isupper() or not words[1][:1].islower():
        return part
    i = 1
    while i < len(words) and words[i][:1].islower():
        if words[i] in vocab.PREPOSITIONS:  # "Strateger i Region Blekinge": a place, no name
            return part
        i += 1
    return " ".join(words[i:]) or part


_PERSON_BREAKS = (
    re.compile(r"(\d)\s+(?=[A-ZÅÄÖ])"),  # "ordförande §§94-100 Torill Skaar Magnusson, …"
    re.compile(rf"(\b[a-zåäö][\w\-]*)\s+(?={NAME},)"),  # "…, Karlskrona kommun Henning Fuhrman, …"
)


def split_people(text: str) -> list[str]:
    """One attendance line that lost its line breaks, cut back into one part per person."""
    for rx in _PERSON_BREAKS:
        text = rx.sub("\\1\n", text)
    return [p for p in text.split("\n") if p.strip()]


def leading_names(text: str) -> list[str]:
    """Names at the start of "Föredragande: Inga-Lisa Apelman Inga-Lisa berättar att …".

    Where a line break was lost, the next sentence's first word (capitalised) follows
    the name; a run of three or more capitalised words followed by more text gives up
    its last word.
    """
    tokens = re.sub(r"([,.])(?=\s|$)", r" \1 ", ws(text)).split()  # "Mats Wennstig." ends a name
    while tokens and _is_role(tokens[0]):  # "Föredragande: stadsdirektör Peter Holm"
        tokens = tokens[1:]
    word = re.compile(_NAME_WORD + "$")

    def run_at(i: int) -> int:
        j = i
        while j < len(tokens) and word.match(tokens[j]):
            j += 1
        return j - i

    out: list[str] = []
    i = 0
    while (run := run_at(i)) >= 2:
        j = i + run
        if j < len(tokens) and tokens[j] in (",", "och") and run_at(j + 1) >= 2:
            out.append(" ".join(tokens[i:j]))
            i = j + 1
            continue
        if j < len(tokens) and run >= 3:
            run -= 1
        out.append(" ".join(tokens[i : i + run]))
        break
    return _strip_titles(out)


def _strip_titles(names: list[str]) -> list[str]:
    """"Stadsdirektör Anna Berg" → "Anna Berg"."""
    out = []
    for n in names:
        words = n.split()
        while len(words) > 2 and _is_role(words[0]):
            words = words[1:]
        out.append(" ".join(words))
    return out


_ROLE_WORDS = frozenset(names.ROLE_WORDS)


def _is_role(text: str) -> bool:
    t = text.lower().strip(" ,.")
    return t in _ROLE_WORDS or t.endswith(names.ROLE_SUFFIXES)


def paragraphs(text: str) -> tuple[tuple[str, ...], str]:
    """"§§94-100" / "§ 42, 45" → item numbers, and the text without them."""
    if "§" not in text:
        return (), ws(text).strip(" ,")
    nums: list[str] = []
    for m in _PARAS.finditer(text):
        _add_range(nums, m.group(1), m.group(2), first_only=False)
        for more in _PARA_RANGE.finditer(m.group(3)):  # ", 70-71": the list goes on, ranges too
            _add_range(nums, more.group(1), more.group(2), first_only=True)
    return tuple(nums), ws(_EMPTY_BRACKETS.sub(" ", _PARAS.sub(" ", text))).strip(" ,")


def _add_range(nums: list[str], lo: str, hi: str | None, *, first_only: bool) -> None:
    """The numbers lo…hi; a range that is no range (hi below lo, or 200 wide): none, or
    ``lo`` alone where ``first_only`` (a number after a comma stands by itself)."""
    a, b = int(lo), int(hi) if hi else int(lo)
    if 0 <= b - a < 200:
        nums.extend(str(n) for n in range(a, b + 1))
    elif first_only:
        nums.append(str(a))


_VERB = "(?:" + "|".join(re.escape(w) for w in sorted(vocab.REPLACES, key=len, reverse=True)) + ")"
# "Camilla Cronsjö (M) ersätter Lena Wahlgren (M) § 67", "Lena Svensson (C) för Max Kristensson (M)":
# a serving substitute.
_REPLACES = re.compile(
    rf"^(?P<name>{NAME})\s*{PARTY}\s*,?\s*(?i:{_VERB})\s+(?P<for>{NAME})\s*(?:\([^)]{{1,12}}\))?\s*(?P<rest>.*)$"
)
# "Christina Unell (M) §§ 69-72 och därefter Ingrid Estrada Magnusson (M) §§ 73-76 ersätter …"
_BEFORE_VERB = re.compile(rf"^(?P<before>.*?\))\s*(?:§[^()]*?)?(?i:{_VERB})\s+(?P<for>[A-ZÅÄÖ][^(),§]*?)\s*(?:\(|§|$)")
# "Marie Nilsson (M) 1:e vice ordförande", "Emma Köster (M) del av § 121": what follows the party.
_NAME_PARTY_REST = re.compile(rf"^(?P<name>{NAME})\s*{PARTY}\s*(?P<rest>.*)$")
_BOXES = re.compile(r"\[\s*[xX✓✔]?\s*\]|[☐☒☑✓✔]")


def line_people(text: str, status: str, columns: bool = False) -> list[Attendee]:
    """The people of one attendance line: usually one, several where a line holds more.

    Check boxes side by side are people side by side; under the column headings
    "ordinarie ersättare" (``columns``) they alternate: the member (absent when not
    ticked), then the member's substitute (counted only when ticked). Several
    substitutes may replace one member in one line.
    """
    boxes = list(_BOXES.finditer(text))
    if len(boxes) > 1 or (columns and boxes):
        out = []
        starts = [b.start() for b in boxes] + [len(text)]
        for i, (a, b) in enumerate(zip(starts, starts[1:])):
            part = text[a:b].strip()
            if columns and i % 2:
                ticked = _BOX.match(part).group("box").strip("[] ").lower() not in ("", "☐")
                p = person(part, SUBSTITUTE) if ticked else None
            else:
                p = person(part, status)
            if p is not None:
                out.append(p)
        return out
    if ")" in text and (b := _BEFORE_VERB.match(text)) and len(found := list(_NAME_PARTY.finditer(b.group("before")))) > 1:
        return [Attendee(name=m.group("name"), status=SUBSTITUTE, role=f"tjänstgörande ersättare för {b.group('for')}",
                         party=m.group("party")) for m in found]
    p = person(text, status)
    return [p] if p is not None else []


def person(text: str, status: str) -> Attendee | None:
    """One attendance line as an :class:`Attendee`, or None if it names nobody."""
    text = text.strip()
    if ")" in text and (r := _REPLACES.match(text)):
        paras, _ = paragraphs(r.group("rest"))
        return Attendee(name=r.group("name"), status=SUBSTITUTE, role=f"tjänstgörande ersättare för {r.group('for')}",
                        party=r.group("party"), paragraphs=paras)
    box = _BOX.match(text)
    if box:
        ticked = box.group("box").strip("[] ").lower() not in ("", "☐")
        text = text[box.end():]
        if not ticked:
            status = ABSENT
    paras, text = paragraphs(text)
    party = None
    m = _NAME_PARTY_REST.match(text) if "(" in text else None
    if m:
        head, party = m.group("name"), m.group("party")
        # Right after the party a role ("1:e vice ordförande") or a note ("del av"); after a
        # comma a role or an organisation (", Ordförande", ", Region Blekinge").
        first, *parts = [p.strip() for p in m.group("rest").split(",")]
        if any(_is_role(w) for w in first.split()):
            parts.insert(0, first)
    else:
        parts = [p.strip() for p in text.split(",")]
        head, parts = parts[0], parts[1:]
        if not _NAME_ONLY.match(head) or len(head) > 60:
            return None
        name = _strip_titles([head])[0]
        if name != head:  # "Ekonomichef Anders Svensson": the title is the role
            parts.insert(0, head[: len(head) - len(name)].strip())
            head = name
    role = None
    org: list[str] = []
    for part in parts:
        low = part.lower()
        if not part:
            continue
        if "ersättare" in low and role is None:
            role = part
            # "Tjänstgörande ersättare", "Ersättare för X", or "Ersättare" under "Övriga deltagare"
            if low.startswith(("tjänstgörande ersättare", "ersättare", "tjg ersättare")):
                status = SUBSTITUTE if status != ABSENT else status
        elif _is_role(low) or any(_is_role(w) for w in low.split()):  # "1:e vice ordförande"
            role = f"{role}, {part}" if role else part
        else:
            org.append(part)
    return Attendee(
        name=head, status=status, role=role, party=party,
        organisation=", ".join(org) or None, paragraphs=paras,
    )
